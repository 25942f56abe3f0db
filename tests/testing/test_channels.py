"""The test server's pods/exec and pods/attach endpoints on the wire (PROTOCOLS.md §6), and the SPDY framing.

Websocket clients here are python-websockets, speaking each subprotocol by hand; the SPDY fallback is driven
by the real kubectl 1.32 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from pykubectl.testing import spdy
from tests.conftest import _isolated_env, require_real_kubectl

pytestmark = pytest.mark.needs_simulation


@pytest.fixture(scope="module")
def server(kube_apiserver):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kube_apiserver.reset()
    cluster = kube_apiserver.cluster
    for name, spec in {
        "box": {"containers": [{"name": "box", "image": "busybox", "command": ["sleep", "3600"]}]},
        "pair": {"containers": [{"name": "a", "image": "busybox", "command": ["sleep", "3600"]},
                                {"name": "b", "image": "busybox", "command": ["sleep", "3600"]}]},
        "idle": {"nodeSelector": {"nowhere": "true"},
                 "containers": [{"name": "idle", "image": "busybox", "command": ["sleep", "3600"]}]},
    }.items():
        cluster.create("", "pods", {"apiVersion": "v1", "kind": "Pod",
                                    "metadata": {"name": name, "namespace": "default"}, "spec": spec})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        kube_apiserver.settle(timeout=1)
        pods = [cluster.get("", "pods", "default", n) or {} for n in ("box", "pair")]
        if all((p.get("status") or {}).get("phase") == "Running" for p in pods):
            break
        time.sleep(0.05)
    yield kube_apiserver
    kube_apiserver.reset()


def _ssl(server) -> ssl.SSLContext:
    # TLS 1.2: python-websockets' sync client reads (its thread) and writes the upgrade request on one SSL object
    # at once, which can lose the request when TLS 1.3 session tickets arrive then (pykubectl's client guards
    # against that with channels.SerializedTLSSocket; these tests speak websockets directly).
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def _url(server, pod: str, query: str, sub: str = "exec") -> str:
    return server.url.replace("https", "wss") + f"/api/v1/namespaces/default/pods/{pod}/{sub}?{query}"


def _open(server, pod: str, query: str, protocols: list[str], sub: str = "exec"):
    return connect(_url(server, pod, query, sub), ssl=_ssl(server), subprotocols=protocols, compression=None,
                   additional_headers={"Authorization": "Bearer admin-token"}, legacy=True, max_size=None)


def _drain(ws) -> list:
    messages = []
    try:
        while True:
            messages.append(ws.recv(timeout=15))
    except Exception:  # noqa: BLE001 - the server closes the connection at the end
        pass
    return messages


def test_v5_readiness_output_and_exit_status(server) -> None:
    with _open(server, "box", "command=sh&command=-c&command=echo+out%3B+echo+err+%3E%262%3B+exit+3"
                              "&stderr=true&stdout=true", ["v5.channel.k8s.io", "v4.channel.k8s.io"]) as ws:
        assert ws.subprotocol == "v5.channel.k8s.io"
        messages = _drain(ws)
        close_code = ws.close_code
    assert messages[0] == b"\x01"  # readiness: an empty stdout message
    assert b"\x01out\n" in messages and b"\x02err\n" in messages
    status = json.loads(messages[-1][1:])
    assert messages[-1][0] == 3
    assert status["status"] == "Failure" and status["reason"] == "NonZeroExitCode"
    assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "3"}]
    assert close_code == 1000


def test_v5_stdin_close_ends_the_input(server) -> None:
    with _open(server, "box", "command=wc&command=-c&stdin=true&stdout=true", ["v5.channel.k8s.io"]) as ws:
        ws.send(b"\x00" + b"x" * 100_000)
        ws.send(b"\xff\x00")
        messages = _drain(ws)
    out = b"".join(m[1:] for m in messages if m[:1] == b"\x01")
    assert out.strip() == b"100000"
    assert json.loads(messages[-1][1:]) == {"metadata": {}, "status": "Success"}


def test_v4_and_base64_protocols_as_the_kubelet(server) -> None:
    with _open(server, "box", "command=echo&command=hi&stdout=true", ["v4.channel.k8s.io"]) as ws:
        assert ws.subprotocol == "v4.channel.k8s.io"
        messages = _drain(ws)
    assert b"\x01hi\n" in messages and messages[-1] == b'\x03{"metadata":{},"status":"Success"}'
    with _open(server, "box", "command=echo&command=hi&stdout=true", ["base64.channel.k8s.io"]) as ws:
        assert ws.subprotocol == "base64.channel.k8s.io"
        messages = _drain(ws)
    assert messages[0] == "1"  # text frames: the channel digit, then base64
    assert "1" + base64.b64encode(b"hi\n").decode() in messages
    assert not any(m.startswith("3") for m in messages)  # the old protocols say nothing on success


def test_unknown_protocols_are_refused(server) -> None:
    with pytest.raises(InvalidStatus) as info:
        _open(server, "box", "command=true&stdout=true", ["v9.channel.k8s.io"])
    assert info.value.response.status_code == 400


@pytest.mark.parametrize("pod,query,code,message", [
    ("nope", "command=true&stdout=true", 404, 'pods "nope" not found'),
    ("pair", "command=true&stdout=true", 400, "a container name must be specified for pod pair, choose one of: [a b]"),
    ("box", "command=true&stdout=true&container=zz", 400, "container zz is not valid for pod box"),
    ("idle", "command=true&stdout=true", 400, "pod idle does not have a host assigned"),
])
def test_errors_before_the_upgrade_are_status_answers(server, pod, query, code, message) -> None:
    with pytest.raises(InvalidStatus) as info:
        _open(server, pod, query, ["v5.channel.k8s.io"])
    assert info.value.response.status_code == code
    assert json.loads(info.value.response.body)["message"] == message


def test_a_missing_executable_is_an_internal_error_status(server) -> None:
    with _open(server, "box", "command=nosuch&stdout=true&stderr=true", ["v5.channel.k8s.io"]) as ws:
        messages = _drain(ws)
    status = json.loads(messages[-1][1:])
    assert status["reason"] == "InternalError" and status["code"] == 500
    assert 'exec: "nosuch": executable file not found in $PATH: unknown' in status["message"]


def test_tty_resize_reaches_the_pty(server) -> None:
    with _open(server, "box", "command=sh&command=-c&command=stty+size%3B+read+x%3B+stty+size&stdin=true&stdout=true"
                              "&tty=true", ["v5.channel.k8s.io"]) as ws:
        ws.send(b'\x04{"Width":80,"Height":24}\n')
        time.sleep(0.3)
        ws.send(b'\x04{"Width":132,"Height":50}\n')
        time.sleep(0.3)
        ws.send(b"\x00\r")
        messages = _drain(ws)
    out = b"".join(m[1:] for m in messages if m[:1] == b"\x01")
    assert b"24 80" in out and b"50 132" in out


def test_the_limited_user_may_not_exec(server) -> None:
    with pytest.raises(InvalidStatus) as info:
        connect(_url(server, "box", "command=true&stdout=true"), ssl=_ssl(server), legacy=True,
                subprotocols=["v5.channel.k8s.io"], additional_headers={"Authorization": "Bearer limited-token"})
    assert info.value.response.status_code == 403


def test_kubectl_spdy_fallback(server, tmp_path) -> None:
    """KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false: kubectl 1.32 speaks SPDY/3.1 to the same endpoint."""
    binary = require_real_kubectl()
    kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
    home = tmp_path / "home"
    home.mkdir()
    env = _isolated_env(home, {"KUBECONFIG": str(kubeconfig), "KUBECTL_REMOTE_COMMAND_WEBSOCKETS": "false"})
    proc = subprocess.run([binary, "exec", "box", "--", "sh", "-c", "echo out; echo err >&2; exit 42"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert (proc.stdout, proc.stderr, proc.returncode) == ("out\n", "err\ncommand terminated with exit code 42\n", 42)
    data = os.urandom(3 * 1024 * 1024)
    proc = subprocess.run([binary, "exec", "-i", "box", "--", "sha256sum"], input=data, capture_output=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0].decode() == hashlib.sha256(data).hexdigest()
    proc = subprocess.run([binary, "exec", "box", "-c", "zz", "--", "true"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.stderr == "Error from server (BadRequest): container zz is not valid for pod box\n"


# ------------------------------------------------------------------------------------------------ framing


def test_spdy_frames_round_trip_in_pieces() -> None:
    encoder, decoder = spdy.FrameEncoder(), spdy.FrameDecoder()
    frames = [spdy.SynStream(1, {"streamtype": ["error"]}), spdy.SynReply(1, {}), spdy.DataFrame(1, b"abc", 1),
              spdy.SynStream(3, {"streamtype": ["stdin"], "port": ["80"]}, flags=spdy.FLAG_FIN),
              spdy.RstStream(3, spdy.CANCEL), spdy.Settings([(0, 7, 65536)]), spdy.Ping(2), spdy.GoAway(3, 0),
              spdy.HeadersFrame(1, {"x": ["a", "b"]}), spdy.WindowUpdate(1, 1000)]
    wire = b"".join(encoder.encode(f) for f in frames)
    decoded = []
    for i in range(0, len(wire), 7):
        decoded += decoder.feed(wire[i:i + 7])
    assert decoded == frames


def test_spdy_header_blocks_use_the_spdy3_dictionary() -> None:
    assert len(spdy.DICTIONARY) == 1423
    assert spdy.DICTIONARY.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert spdy.DICTIONARY.endswith(b"charset=iso-8859-1,utf-,*,enq=0.")


def test_spdy_session_replies_and_answers_pings() -> None:
    import asyncio

    async def scenario() -> list:
        sent = bytearray()
        session = spdy.SpdySession(sent.extend, is_server=True)
        client = spdy.FrameEncoder()
        session.feed(client.encode(spdy.SynStream(1, {"streamtype": ["stdout"]})) + client.encode(spdy.Ping(1)))
        stream = await session.accept()
        assert stream is not None and stream.header("streamtype") == "stdout"
        session.feed(client.encode(spdy.DataFrame(1, b"hello", spdy.FLAG_FIN)))
        assert await stream.read() == b"hello"
        assert await stream.read() == b""
        stream.write(b"back")
        stream.close()
        session.feed_eof()
        assert await session.accept() is None
        return spdy.FrameDecoder().feed(bytes(sent))

    frames = asyncio.run(scenario())
    assert frames == [spdy.SynReply(1, {}), spdy.Ping(1), spdy.DataFrame(1, b"back"),
                      spdy.DataFrame(1, b"", spdy.FLAG_FIN)]


def test_non_upgrade_requests_are_refused(server) -> None:
    request = urllib.request.Request(server.url + "/api/v1/namespaces/default/pods/box/exec?command=true&stdout=true",
                                     headers={"Authorization": "Bearer admin-token"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, context=_ssl(server), timeout=10)
    assert info.value.code == 400
    assert json.loads(info.value.read())["message"] == "Upgrade request required"
