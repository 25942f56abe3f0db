"""kubeconfig `proxy-url`: requests really travel through an HTTP CONNECT or SOCKS5 proxy, as with kubectl."""

from __future__ import annotations

import json
import select
import socket
import socketserver
import struct
import threading
from pathlib import Path

import pytest

from tests.conftest import strip_klog

pytestmark = pytest.mark.no_simulation


def _pipe(a: socket.socket, b: socket.socket) -> None:
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 10)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (b if sock is a else a).sendall(data)


class _Proxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.targets: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]


class _ConnectHandler(socketserver.BaseRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        method, target, _ = head.split(b"\r\n")[0].decode().split(" ", 2)
        if method != "CONNECT":
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            return
        self.server.targets.append(target)
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port))) as upstream:
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(self.request, upstream)


class _Socks5Handler(socketserver.BaseRequestHandler):
    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def handle(self):
        _, methods = self._read(2)
        self._read(methods)
        self.request.sendall(b"\x05\x00")  # no authentication
        _, cmd, _, atyp = self._read(4)
        if atyp == 1:
            host = socket.inet_ntoa(self._read(4))
        elif atyp == 3:
            host = self._read(self._read(1)[0]).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, self._read(16))
        (port,) = struct.unpack("!H", self._read(2))
        self.server.targets.append(f"{host}:{port}")
        with socket.create_connection((host, port)) as upstream:
            self.request.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
            _pipe(self.request, upstream)


def _with_proxy(kubeconfig: Path, proxy_url: str, tmp_path: Path) -> str:
    config = json.loads(kubeconfig.read_text())
    for cluster in config["clusters"]:
        cluster["cluster"]["proxy-url"] = proxy_url
    path = tmp_path / "proxied-kubeconfig"
    path.write_text(json.dumps(config))
    return str(path)


@pytest.mark.parametrize("scheme,handler", [("http", _ConnectHandler), ("socks5", _Socks5Handler)])
def test_requests_go_through_the_proxy_like_kubectl(runners, kubeconfig_file, kube_apiserver, tmp_path,
                                                    scheme, handler):
    proxy = _Proxy(handler)
    try:
        kc = _with_proxy(kubeconfig_file, f"{scheme}://127.0.0.1:{proxy.port}", tmp_path)
        expected, actual = runners.both("--kubeconfig", kc, "api-versions")
        assert actual.exit_code == 0, actual.stderr
        assert (actual.stdout, actual.stderr) == (expected.stdout, expected.stderr)
        server_port = kube_apiserver.url.rsplit(":", 1)[1]
        # Both clients went through the proxy (kubectl first, then pykubectl), to the API server.
        assert len(proxy.targets) >= 2
        assert all(target.endswith(f":{server_port}") for target in proxy.targets)
    finally:
        proxy.shutdown()
        proxy.server_close()



@pytest.mark.parametrize("scheme", ["http", "socks5"])
def test_unreachable_proxy_fails_like_kubectl(runners, kubeconfig_file, tmp_path, scheme):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kc = _with_proxy(kubeconfig_file, f"{scheme}://127.0.0.1:{port}", tmp_path)
    expected, actual = runners.both("--kubeconfig", kc, "api-versions")
    assert actual.exit_code == expected.exit_code == 1
    assert actual.stdout == expected.stdout == ""
    assert strip_klog(actual.stderr) == strip_klog(expected.stderr)
