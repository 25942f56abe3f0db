"""`proxy`: the real kubectl 1.32 and pykubectl serving the same simulated API server side by side; each request
goes to both proxies and the answers (status, headers but Date, body) must be the same."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Runners, _isolated_env, require_real_kubectl

pytestmark = pytest.mark.needs_simulation

STARTING = re.compile(r"^Starting to serve on 127\.0\.0\.1:(\d+)$")


class Proxy:
    def __init__(self, tool: str, args: list[str], env: dict[str, str], home: Path):
        argv = [require_real_kubectl()] if tool == "kubectl" else [sys.executable, "-m", "pykubectl"]
        self.proc = subprocess.Popen([*argv, "proxy", "--port=0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=_isolated_env(home, env))
        line = self.proc.stdout.readline()
        match = STARTING.match(line.rstrip("\n"))
        assert match, (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.port = int(match.group(1))

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k != "Date"]
            return response.status, kept, data
        finally:
            connection.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            pytest.fail("proxy did not end on SIGINT")


@pytest.fixture
def proxies(kubeconfig_file: Path, runners: Runners, request):
    started: list[Proxy] = []

    def start(*args: str) -> tuple[Proxy, Proxy]:
        pair = tuple(Proxy(tool, list(args), {"KUBECONFIG": str(kubeconfig_file)}, runners.home)
                     for tool in ("kubectl", "pykubectl"))
        started.extend(pair)
        return pair

    yield start
    for proxy in started:
        proxy.stop()


def _same(pair: tuple[Proxy, Proxy], method: str, path: str, **kwargs) -> tuple[int, list, bytes]:
    expected, actual = (proxy.request(method, path, **kwargs) for proxy in pair)
    assert actual == expected, f"{method} {path}"
    return actual


def test_default_filter_and_api(proxies, tmp_path: Path) -> None:
    pair = proxies()
    status, headers, body = _same(pair, "GET", "/api/v1/namespaces")
    assert status == 200 and b'"kind":"NamespaceList"' in body
    _same(pair, "GET", "/api/v1/namespaces/nope")
    _same(pair, "GET", "/version")
    # kubectl's default --reject-paths and --accept-hosts
    assert _same(pair, "GET", "/api/v1/namespaces/default/pods/x/exec?command=ls")[:1] == (403,)
    assert _same(pair, "POST", "/api/v1/namespaces/default/pods/x/attach")[2] == b"Forbidden\n"
    _same(pair, "GET", "/api/v1/namespaces", headers={"Host": "evil.example.com"})
    _same(pair, "GET", "/api/v1/namespaces", headers={"Host": "localhost:8001"})
    _same(pair, "GET", "/api/v1/namespaces", headers={"Host": "[::1]:8001"})  # Go's SplitHostPort drops []
    # writes go through with the session's credentials
    manifest = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"PLACEHOLDER"},"data":{"a":"b"}}'
    for index, proxy in enumerate(pair):
        status, _, body = proxy.request("POST", "/api/v1/namespaces/default/configmaps",
                                        headers={"Content-Type": "application/json"},
                                        body=manifest.replace(b"PLACEHOLDER", f"cm{index}".encode()))
        assert status == 201, body
    # a watch streams through, chunked
    status, headers, body = _same(pair, "GET", "/api/v1/namespaces?watch=true&timeoutSeconds=1")
    assert ("Transfer-Encoding", "chunked") in headers and body.count(b'"type":"ADDED"') == 4


def test_prefixes_and_static_files(proxies, tmp_path: Path) -> None:
    www = tmp_path / "www"
    (www / "sub").mkdir(parents=True)
    (www / "hello.txt").write_text("hello\n")
    (www / "sub" / "a.json").write_text("{}")
    pair = proxies("--api-prefix=/custom", f"--www={www}", "--www-prefix=/files")
    assert _same(pair, "GET", "/custom/api/v1/namespaces/default")[0] == 200
    assert _same(pair, "GET", "/api/v1/namespaces")[2] == b"404 page not found\n"
    _same(pair, "GET", "/custom")
    _same(pair, "GET", "/files/hello.txt")
    _same(pair, "GET", "/files/sub/a.json")
    _same(pair, "GET", "/files/missing")
    _same(pair, "GET", "/custom/api/v1/namespaces/default/pods/x/exec")


def test_relaxed_filter(proxies) -> None:
    pair = proxies("--reject-paths=^/api/v1/secrets", "--accept-hosts=.*", "--reject-methods=DELETE")
    _same(pair, "GET", "/api/v1/namespaces", headers={"Host": "evil.example.com"})
    assert _same(pair, "GET", "/api/v1/secrets")[0] == 403
    assert _same(pair, "DELETE", "/api/v1/namespaces/default/configmaps/x")[0] == 403
    assert _same(pair, "GET", "/api/v1/namespaces/default/pods/x/exec")[0] != 403


def test_interrupt_frees_the_port(kubeconfig_file: Path, runners: Runners) -> None:
    proxy = Proxy("pykubectl", [], {"KUBECONFIG": str(kubeconfig_file)}, runners.home)
    assert proxy.request("GET", "/api")[0] == 200
    proxy.stop()
    assert proxy.proc.returncode is not None
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", proxy.port)) != 0


def test_help_and_flag_errors_match_kubectl(kubeconfig_file: Path, runners: Runners) -> None:
    env = {"KUBECONFIG": str(kubeconfig_file)}
    runners.assert_same("proxy", "--help", env=env)
    runners.assert_same("proxy", "--unix-socket=/tmp/x.sock", "--port=9", env=env)
    runners.assert_same("proxy", "--port=x", env=env)
