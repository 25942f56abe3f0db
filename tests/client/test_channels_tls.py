"""client/channels.py without a cluster: SerializedTLSSocket (one OpenSSL call at a time on a connection, read in
one thread and written in others), and the small pieces of the SPDY executor."""

from __future__ import annotations

import hashlib
import os
import socket
import ssl
import threading
import time

import pytest

from pykubectl.client import channels


class _RecordingTLS:
    """Stands in for an ssl.SSLSocket: notes any overlap of its calls; recv wants more data a few times first."""

    def __init__(self, fd_holder: socket.socket):
        self._fd = fd_holder
        self.inside = 0
        self.overlaps = 0
        self.sent = bytearray()
        self._want = 3

    def _enter(self) -> None:
        self.inside += 1
        if self.inside > 1:
            self.overlaps += 1
        time.sleep(0.0005)

    def _leave(self) -> None:
        self.inside -= 1

    def setblocking(self, flag: bool) -> None:
        pass

    def fileno(self) -> int:
        return self._fd.fileno()

    def pending(self) -> int:
        return 0

    def recv(self, size: int) -> bytes:
        self._enter()
        try:
            if self._want:
                self._want -= 1
                raise ssl.SSLWantReadError()
            self._want = 3
            return b"x"
        finally:
            self._leave()

    def send(self, data) -> int:
        self._enter()
        try:
            chunk = bytes(data[:7])
            self.sent += chunk
            return len(chunk)
        finally:
            self._leave()


def test_reads_and_writes_on_one_tls_connection_take_turns() -> None:
    left, right = socket.socketpair()
    right.sendall(b"readable")  # the raw socket stays readable: waits return at once
    fake = _RecordingTLS(left)
    wrapped = channels.SerializedTLSSocket(fake)
    received = []

    def reader() -> None:
        for _ in range(200):
            received.append(wrapped.recv(1024))

    thread = threading.Thread(target=reader)
    thread.start()
    payload = os.urandom(3000)
    wrapped.sendall(payload)
    thread.join(30)
    left.close()
    right.close()
    assert fake.overlaps == 0
    assert bytes(fake.sent) == payload
    assert received == [b"x"] * 200


def _tls_echo_server(material) -> tuple[socket.socket, threading.Thread]:
    """A TLS 1.3 server (it sends session tickets right after the handshake) that echoes what it gets."""
    listener = socket.create_server(("127.0.0.1", 0))
    context = material.server_context()

    def serve() -> None:
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True) as tls:
            while True:
                data = tls.recv(65536)
                if not data:
                    break
                tls.sendall(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, thread


def test_a_tls_13_connection_read_and_written_at_once_keeps_every_byte() -> None:
    from pykubectl.testing.tls import TLSMaterial

    material = TLSMaterial()
    listener, server = _tls_echo_server(material)
    client_context = ssl.create_default_context(cadata=material.ca_pem.decode())
    raw = socket.create_connection(listener.getsockname())
    tls = client_context.wrap_socket(raw, server_hostname="127.0.0.1")
    assert tls.version() == "TLSv1.3"
    wrapped = channels.SerializedTLSSocket(tls)
    payload = os.urandom(4 * 1024 * 1024)
    echoed = bytearray()

    def reader() -> None:
        while len(echoed) < len(payload):
            data = wrapped.recv(65536)
            if not data:
                break
            echoed.extend(data)

    thread = threading.Thread(target=reader)
    thread.start()
    for start in range(0, len(payload), 10000):  # many writes, while the reader is inside its recv
        wrapped.sendall(payload[start:start + 10000])
    thread.join(60)
    wrapped.shutdown(socket.SHUT_RDWR)
    wrapped.close()
    server.join(10)
    listener.close()
    assert hashlib.sha256(echoed).hexdigest() == hashlib.sha256(payload).hexdigest()


def test_a_read_times_out_as_a_socket_does() -> None:
    from pykubectl.testing.tls import TLSMaterial

    material = TLSMaterial()
    listener, server = _tls_echo_server(material)
    client_context = ssl.create_default_context(cadata=material.ca_pem.decode())
    tls = client_context.wrap_socket(socket.create_connection(listener.getsockname()), server_hostname="127.0.0.1")
    wrapped = channels.SerializedTLSSocket(tls)
    wrapped.settimeout(0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wrapped.recv(10)
    assert 0.25 < time.monotonic() - started < 5
    wrapped.close()
    server.join(10)
    listener.close()


@pytest.mark.parametrize("params,protocol,expected", [
    ([("stdout", "true"), ("stderr", "true")], "v5.channel.k8s.io", [3, 1, 2]),
    ([("stdin", "true"), ("stdout", "true"), ("stderr", "true")], "v4.channel.k8s.io", [3, 0, 1, 2]),
    ([("stdin", "true"), ("stdout", "true"), ("tty", "true")], "v4.channel.k8s.io", [3, 0, 1, 4]),
    ([("stdin", "true"), ("stdout", "true"), ("tty", "true")], "v2.channel.k8s.io", [3, 0, 1]),
    ({"stdout": "true", "stderr": "true", "tty": "true"}, "v5.channel.k8s.io", [3, 1, 4]),
])
def test_spdy_opens_client_gos_streams_in_its_order(params, protocol, expected) -> None:
    assert channels._wanted_channels(params, protocol) == expected


@pytest.mark.parametrize("value,disabled", [("false", True), ("FALSE", True), ("true", False), ("0", False),
                                            ("", False), (None, False)])
def test_the_websocket_feature_gate(value, disabled) -> None:
    environ = {} if value is None else {"KUBECTL_REMOTE_COMMAND_WEBSOCKETS": value}
    assert channels.websockets_disabled(environ) is disabled


def test_a_refused_upgrade_reads_as_kubectl_words_it() -> None:
    from pykubectl.errors import ApiError

    status = (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
              b'"message":"container zz is not valid for pod box","reason":"BadRequest","code":400}')
    error = channels.upgrade_failure(400, status, "application/json")
    assert isinstance(error, ApiError) and str(error) == "container zz is not valid for pod box"
    text = channels.upgrade_failure(400, b"websocket upgrades are not supported here\n", "text/plain")
    assert str(text) == "unable to upgrade connection: websocket upgrades are not supported here"
