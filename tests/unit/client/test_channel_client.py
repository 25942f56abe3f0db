"""client.channels without a server: status decoding as client-go's v4 decoder, channel framing, byte streams."""

from __future__ import annotations

import io
import json

import pytest

from pykubectl.client import channels
from pykubectl.errors import KubectlError, RemoteExitError


class FakeSocket:
    def __init__(self, incoming):
        self.incoming = list(incoming)
        self.sent = []
        self.closed = False

    def send(self, message):
        self.sent.append(message)

    def recv(self):
        if not self.incoming:
            raise EOFError
        return self.incoming.pop(0)

    def close(self):
        self.closed = True


def _conn(incoming=(), protocol="v5.channel.k8s.io"):
    return channels.ChannelConnection(FakeSocket(incoming), protocol)


def _status(**fields) -> bytes:
    return json.dumps({"metadata": {}, **fields}).encode()


def test_success_and_exit_codes() -> None:
    conn = _conn()
    assert channels.decode_status(conn, _status(status="Success")) is None
    error = channels.decode_status(conn, _status(status="Failure", reason="NonZeroExitCode", message="x",
                                                 details={"causes": [{"reason": "ExitCode", "message": "42"}]}))
    assert isinstance(error, RemoteExitError) and error.exit_code == 42
    assert str(error) == "command terminated with exit code 42"


@pytest.mark.parametrize("payload,message", [
    (_status(status="Failure", message="Internal error occurred: boom", reason="InternalError"),
     "Internal error occurred: boom"),
    (_status(status="Failure", reason="NonZeroExitCode", details={"causes": [{"reason": "ExitCode",
                                                                                "message": "300"}]}),
     'error stream protocol error: invalid exit code value "300"'),
    (_status(status="Weird"), "error stream protocol error: unknown error"),
])
def test_failures(payload: bytes, message: str) -> None:
    error = channels.decode_status(_conn(), payload)
    assert type(error) is KubectlError and str(error) == message


def test_old_protocols_send_plain_text_errors() -> None:
    conn = _conn(protocol="channel.k8s.io")
    assert str(channels.decode_status(conn, b"it broke")) == "it broke"
    assert channels.decode_status(conn, b"") is None


def test_stream_routes_channels_and_raises_the_status() -> None:
    conn = _conn([b"\x01", b"\x01out", b"\x02err", b"\x03" + _status(status="Failure", reason="NonZeroExitCode",
                  details={"causes": [{"reason": "ExitCode", "message": "3"}]})])
    out, err = io.BytesIO(), io.BytesIO()
    with pytest.raises(RemoteExitError) as info:
        channels.stream(conn, stdout=out, stderr=err)
    assert info.value.exit_code == 3
    assert (out.getvalue(), err.getvalue()) == (b"out", b"err")
    assert conn.ws.closed


def test_stdin_is_sent_then_half_closed_on_v5() -> None:
    conn = _conn([])
    channels.stream(conn, stdin=io.BytesIO(b"hello"), stdout=io.BytesIO())
    import time

    deadline = time.monotonic() + 5
    while len(conn.ws.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert conn.ws.sent == [b"\x00hello", b"\xff\x00"]


def test_base64_protocol_frames() -> None:
    conn = _conn(["1aGk=", "3"], protocol="base64.channel.k8s.io")
    assert conn.receive() == (1, b"hi")
    conn.send(0, b"hi")
    assert conn.ws.sent == ["0aGk="]
    conn.close_channel(0)  # no CLOSE signal before v5
    assert conn.ws.sent == ["0aGk="]


def test_text_streams_get_decoded_bytes() -> None:
    text = io.StringIO()
    channels.binary_writer(text)("héllo".encode())
    assert text.getvalue() == "héllo"
    reader = channels.binary_reader(io.StringIO("abc"))
    assert reader() == b"abc" and reader() == b""
