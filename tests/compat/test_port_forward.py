"""`port-forward`: the real kubectl 1.32 (SPDY tunnelled in a websocket) and pykubectl (plain websocket protocol)
against the same simulated cluster: nginx under 100 concurrent requests, redis PING through pod, deploy/x and
svc/x, Ctrl-C leaving no process and no listening socket, and kubectl's error texts byte for byte.

Both tools run as subprocesses (port-forward runs until interrupted); their stdout is compared with the local
port numbers replaced, since `:REMOTE` picks a random one.
"""

from __future__ import annotations

import concurrent.futures
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Runners, _isolated_env, require_real_kubectl

pytestmark = pytest.mark.needs_simulation

MANIFESTS = """
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: nginx
    image: nginx
    ports: [{name: http, containerPort: 80}, {name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: redis
        image: redis
        ports: [{name: resp, containerPort: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: cache}
spec:
  selector: {app: cache}
  ports:
  - {name: redis, port: 7000, targetPort: resp}
  - {name: plain, port: 7001, targetPort: 6379}
---
apiVersion: v1
kind: Service
metadata: {name: noselector}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: token}
---
apiVersion: v1
kind: Pod
metadata: {name: stuck}
spec:
  nodeSelector: {nowhere: "true"}
  containers:
  - {name: stuck, image: nginx}
"""

FORWARDING = re.compile(r"^Forwarding from (127\.0\.0\.1|\[::1\]):(\d+) -> (\d+)$")


@pytest.fixture
def cluster(kube_apiserver, kubeconfig_file: Path, runners: Runners) -> dict[str, str]:
    env = {"KUBECONFIG": str(kubeconfig_file)}
    result = runners.kubectl("apply", "-f", "-", env=env, stdin=MANIFESTS)
    assert result.exit_code == 0, result.stderr
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        kube_apiserver.settle()
        phases = runners.kubectl("get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.labels.app}="
                                 "{.status.phase} {end}", env=env).stdout
        if "web=Running" in phases and "cache=Running" in phases:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"pods not running: {phases}")
    return env


class Forward:
    """A running port-forward process; `ports` maps remote → local once its Forwarding lines are read."""

    def __init__(self, tool: str, args: list[str], env: dict[str, str], home: Path, expect_lines: int):
        argv = ([require_real_kubectl()] if tool == "kubectl" else [sys.executable, "-m", "pykubectl"])
        if tool == "pykubectl-plain":  # the plain websocket protocol, one websocket per connection
            env = {**env, "PYKUBECTL_PORT_FORWARD_TUNNEL": "false"}
        self.proc = subprocess.Popen([*argv, "port-forward", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=_isolated_env(home, env))
        self.lines: list[str] = []
        self.ports: dict[int, int] = {}
        for _ in range(expect_lines):
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            match = FORWARDING.match(line.rstrip("\n"))
            if match:
                self.ports[int(match.group(3))] = int(match.group(2))

    def stop(self) -> tuple[str, str, int]:
        """Ctrl-C; the rest of stdout, stderr and the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            pytest.fail("port-forward did not end on SIGINT")
        return "".join(self.lines) + out, err, self.proc.returncode


def _normalise(text: str, ports: dict[int, int]) -> str:
    for remote, local in ports.items():
        text = re.sub(rf"(?<=[:\s]){local}\b", f"<local-{remote}>", text)
    return text


def _listening(port: int) -> bool:
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            if probe.connect_ex((host, port)) == 0:
                return True
    return False


def _http_get(port: int, host: str = "127.0.0.1") -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://{host}:{port}/", timeout=15) as response:
        return response.status, response.read()


def _redis_ping(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64)


TOOLS = ("kubectl", "pykubectl", "pykubectl-plain")


def test_nginx_serves_100_concurrent_requests(cluster, runners: Runners) -> None:
    """One cluster for every client (setting it up is the slow part)."""
    for tool in TOOLS:
        _nginx_100(tool, cluster, runners)


def _nginx_100(tool: str, cluster, runners: Runners) -> None:
    forward = Forward(tool, ["pod/web", ":80"], cluster, runners.home, expect_lines=2)
    try:
        assert set(forward.ports) == {80}, forward.lines
        local = forward.ports[80]
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda _: _http_get(local), range(100)))
        assert {status for status, _ in answers} == {200}
        assert all(b"<title>Welcome to nginx!</title>" in body for _, body in answers)
        assert _http_get(local, "[::1]")[0] == 200
    finally:
        out, err, code = forward.stop()
    assert code == 0, err
    assert err == ""
    lines = _normalise(out, forward.ports).splitlines()
    assert lines[:2] == ["Forwarding from 127.0.0.1:<local-80> -> 80", "Forwarding from [::1]:<local-80> -> 80"]
    assert lines[2:] == ["Handling connection for <local-80>"] * 101
    assert forward.proc.poll() is not None
    assert not _listening(local), "Ctrl-C left the local port listening"


def test_redis_answers_ping_through_workloads(cluster, runners: Runners) -> None:
    """deploy/x picks the pod; svc/x maps the service port (by number or name) to the target port."""
    for tool in TOOLS:
        _redis_targets(tool, cluster, runners)


def _redis_targets(tool: str, cluster, runners: Runners) -> None:
    targets = [("deploy/cache", "6379"), ("service/cache", "redis"), ("svc/cache", "7001")]
    for target, remote in targets[:1] if tool == "pykubectl-plain" else targets:
        forward = Forward(tool, [target, f":{remote}"], cluster, runners.home, expect_lines=2)
        try:
            assert set(forward.ports) == {6379}, (target, remote, forward.lines)
            assert _redis_ping(forward.ports[6379]) == b"+PONG\r\n"
        finally:
            out, err, code = forward.stop()
        assert (code, err) == (0, "")
        assert _normalise(out, forward.ports) == (
            "Forwarding from 127.0.0.1:<local-6379> -> 6379\nForwarding from [::1]:<local-6379> -> 6379\n"
            "Handling connection for <local-6379>\n")
        assert not _listening(forward.ports[6379])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_several_ports_and_addresses_print_as_kubectl(cluster, runners: Runners) -> None:
    """Fixed local ports, named ports and --address lists: the same Forwarding lines, in the same order."""
    outputs = []
    for tool in TOOLS[:2]:
        web_port, cache_port = _free_port(), _free_port()
        forward = Forward(tool, ["--address", "127.0.0.1,localhost", "--address=::1", "web", f"{web_port}:http",
                                 f"{cache_port}:80"], cluster, runners.home, expect_lines=4)
        try:
            assert _http_get(cache_port)[0] == 200
        finally:
            out, err, code = forward.stop()
        assert (code, err) == (0, "")
        outputs.append(out.replace(str(web_port), "<A>").replace(str(cache_port), "<B>"))
    assert outputs[1] == outputs[0]
    assert outputs[0].startswith("Forwarding from 127.0.0.1:<A> -> 80\nForwarding from [::1]:<A> -> 80\n")


def test_error_on_the_pod_side_ends_the_command(cluster, runners: Runners) -> None:
    """Nothing listens on the pod's port: the kubelet's text on the error stream, then `lost connection to pod`."""
    results = []
    for tool in TOOLS:
        forward = Forward(tool, ["web", ":6379"], cluster, runners.home, expect_lines=2)
        with socket.create_connection(("127.0.0.1", forward.ports[6379]), timeout=10) as sock:
            sock.sendall(b"PING\r\n")
            sock.settimeout(10)
            assert sock.recv(64) == b""
        try:
            forward.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        out, err, code = forward.stop()
        results.append((_normalise(out, forward.ports), re.sub(r"^E\d{4} [\d:.]+\s+\d+ ", "E ", _normalise(err, forward.ports), flags=re.M),
                        code))
    assert results[1] == results[0]
    assert results[2] == results[0]
    assert results[0][2] == 1
    assert results[0][1].endswith("error: lost connection to pod\n")


ERROR_CASES = [
    ("web",),
    ("pod/missing", "80"),
    ("stuck", "80"),
    ("web", "nope"),
    ("web", "dns"),
    ("web", "53"),
    ("svc/cache", "9999"),
    ("svc/cache", "nope"),
    ("web", "80:"),
    ("web", "99999"),
    ("web", "0"),
    ("web", "x:80"),
    ("--address", "nowhere", "web", "80"),
    ("--pod-running-timeout", "0s", "web", "80"),
    ("--pod-running-timeout", "soon", "web", "80"),
    ("--pod-running-timeout=5", "web", "80"),
    ("--pod-running-timeout=-1s", "web", "80"),
    ("deploy/missing", "80"),
    ("secret/x", "80"),
    ("secret/token", "80"),
    ("svc/noselector", "80"),
]


def test_errors_match_kubectl(cluster, runners: Runners) -> None:
    """Every case on one cluster (setting it up is the slow part); all mismatches are reported together."""
    mismatches = []
    for args in ERROR_CASES:
        expected, actual = runners.both("port-forward", *args, env=cluster)
        assert expected.exit_code == 1, (args, expected)
        if tuple(actual) != tuple(expected):
            mismatches.append((args, tuple(expected), tuple(actual)))
    assert mismatches == []


def test_help_matches_kubectl(runners: Runners) -> None:
    runners.assert_same("port-forward", "--help")


def test_interrupt_during_a_transfer_leaves_nothing_behind(cluster, runners: Runners) -> None:
    """Ctrl-C with a connection open: pykubectl ends at once, exit 0, and the port is free again."""
    for tool in TOOLS[1:]:
        _interrupt(tool, cluster, runners)


def _interrupt(tool: str, cluster, runners: Runners) -> None:
    forward = Forward(tool, ["web", ":80"], cluster, runners.home, expect_lines=2)
    local = forward.ports[80]
    sock = socket.create_connection(("127.0.0.1", local), timeout=10)
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(15).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        out, err, code = forward.stop()
        assert time.monotonic() - started < 5
    finally:
        sock.close()
    assert (code, err) == (0, "")
    assert not _listening(local)
    assert forward.proc.returncode == 0


def test_kubectl_plain_spdy_fallback(cluster, runners: Runners) -> None:
    """KUBECTL_PORT_FORWARD_WEBSOCKETS=false: kubectl's plain SPDY upgrade (POST) is served too."""
    forward = Forward("kubectl", ["web", ":80"], {**cluster, "KUBECTL_PORT_FORWARD_WEBSOCKETS": "false"},
                      runners.home, expect_lines=2)
    try:
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            assert {status for status, _ in pool.map(lambda _: _http_get(forward.ports[80]), range(20))} == {200}
    finally:
        out, err, code = forward.stop()
    assert (code, err) == (0, "")


def test_deleting_the_pod_ends_the_forward(cluster, runners: Runners) -> None:
    """The forwarding session ends when the pod goes: `error: lost connection to pod`, exit 1, as kubectl's.

    (Only over the tunnel: the plain protocol has no connection that outlives a forwarded one.)"""
    forwards = [Forward(tool, ["deploy/cache", ":6379"], cluster, runners.home, expect_lines=2)
                for tool in TOOLS[:2]]
    for forward in forwards:
        assert _redis_ping(forward.ports[6379]) == b"+PONG\r\n"
    pod = runners.kubectl("get", "pods", "-l", "app=cache", "-o", "name", env=cluster).stdout.strip()
    assert runners.kubectl("delete", pod, "--wait=false", env=cluster).exit_code == 0
    results = []
    for forward in forwards:
        try:
            forward.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        out, err, code = forward.stop()
        results.append((err, code))
        assert not _listening(forward.ports[6379])
    assert results == [("error: lost connection to pod\n", 1)] * 2
