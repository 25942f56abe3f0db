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

pytestmark = pytest.mark.needs_simulation(reason="fixed object names in the default namespace")

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

    def stop(self) -> str:
        """Ctrl-C; returns stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.communicate(timeout=10)[1]
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
    """Ctrl-C ends the proxy without a word, with the status of a process SIGINT killed."""
    proxy = Proxy("pykubectl", [], {"KUBECONFIG": str(kubeconfig_file)}, runners.home)
    assert proxy.request("GET", "/api")[0] == 200
    assert proxy.stop() == ""
    assert proxy.proc.returncode == 130
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", proxy.port)) != 0


def test_unix_socket_and_warnings(kubeconfig_file: Path, runners: Runners, tmp_path: Path) -> None:
    """--unix-socket serves the API on a socket only its user may use; no filter warning on a socket."""
    import stat

    from tests.conftest import strip_klog

    answers, warnings = [], []
    for tool in ("kubectl", "pykubectl"):
        path = tmp_path / f"{tool}.sock"
        argv = [require_real_kubectl()] if tool == "kubectl" else [sys.executable, "-m", "pykubectl"]
        proc = subprocess.Popen([*argv, "proxy", f"--unix-socket={path}", "--disable-filter"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env=_isolated_env(runners.home, {"KUBECONFIG": str(kubeconfig_file)}))
        try:
            assert proc.stdout.readline() == f"Starting to serve on {path}\n"
            assert stat.S_IMODE(path.stat().st_mode) == 0o700 and stat.S_ISSOCK(path.stat().st_mode)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.connect(str(path))
                sock.sendall(b"GET /api/v1/namespaces/default HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
            answers.append(data.split(b"\r\n", 1)[0] + data[data.index(b"\r\n\r\n"):])
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=10)
        warnings.append(re.sub(r"^W\d{4} [\d:.]+\s+\d+ ", "W ", err, flags=re.M))
        assert strip_klog(err) == ""
    assert answers[1] == answers[0] and answers[0].startswith(b"HTTP/1.1 200 OK")
    assert warnings == ["", ""]


def test_help_and_flag_errors_match_kubectl(kubeconfig_file: Path, runners: Runners) -> None:
    env = {"KUBECONFIG": str(kubeconfig_file)}
    runners.assert_same("proxy", "--help", env=env)
    runners.assert_same("proxy", "--unix-socket=/tmp/x.sock", "--port=9", env=env)
    runners.assert_same("proxy", "--port=x", env=env)
