"""Pure pieces of port-forward, proxy and cp, without a server: client-go's port and address parsing, kubectl's
service/named port translation, the SPDY client codec against the test server's independent one, the proxy
filter and kubectl cp's file specs."""

from __future__ import annotations

import asyncio
import socket

import pytest

from pykubectl.client import portforward, spdy
from pykubectl.commands import cp, port_forward
from pykubectl.errors import KubectlError
from pykubectl.resources import proxying
from pykubectl.testing import spdy as server_spdy


@pytest.mark.parametrize("spec, expected", [
    ("5000", (5000, 5000)), ("8888:5000", (8888, 5000)), (":5000", (0, 5000)), ("0:5000", (0, 5000)),
])
def test_parse_ports(spec: str, expected: tuple[int, int]) -> None:
    (port,) = portforward.parse_ports([spec])
    assert (port.local, port.remote) == expected


@pytest.mark.parametrize("spec, message", [
    ("1:2:3", "invalid port format '1:2:3'"),
    ("x:80", "error parsing local port 'x': strconv.ParseUint: parsing \"x\": invalid syntax"),
    ("80:70000", "error parsing remote port '70000': strconv.ParseUint: parsing \"70000\": value out of range"),
    ("0", "remote port must be > 0"),
])
def test_parse_ports_errors(spec: str, message: str) -> None:
    with pytest.raises(KubectlError) as caught:
        portforward.parse_ports([spec])
    assert str(caught.value) == message


def test_parse_addresses_expands_localhost_sorted_and_deduplicated() -> None:
    found = portforward.parse_addresses(["localhost", "10.0.0.1"])
    assert [(a.address, a.failure_mode) for a in found] == [
        ("10.0.0.1", "any"), ("127.0.0.1", "all"), ("::1", "all")]
    # an explicit address replaces localhost's entry (Go's map assignment), so it must bind
    found = portforward.parse_addresses(["localhost", "::1", "localhost"])
    assert [(a.address, a.failure_mode) for a in found] == [("127.0.0.1", "all"), ("::1", "any")]
    with pytest.raises(KubectlError, match="^nowhere is not a valid IP$"):
        portforward.parse_addresses(["nowhere"])


POD = {"metadata": {"name": "web"}, "spec": {
    "containers": [{"ports": [{"name": "http", "containerPort": 8080}]}],
    "initContainers": [{"ports": [{"name": "init", "containerPort": 9000}]}]}}
SERVICE = {"metadata": {"name": "svc"}, "spec": {"ports": [
    {"name": "web", "port": 80, "targetPort": "http"}, {"name": "plain", "port": 81, "targetPort": 8081},
    {"name": "same", "port": 82}]}}


def test_service_ports_become_target_ports() -> None:
    assert port_forward.translate_service_ports(("80", "web", "9000:80", ":81", "82"), SERVICE, POD) == [
        "80:8080", "80:8080", "9000:8080", ":8081", "82"]
    headless = {**SERVICE, "spec": {**SERVICE["spec"], "clusterIP": "None"}}
    assert port_forward.translate_service_ports(("80",), headless, POD) == ["80"]
    with pytest.raises(KubectlError, match="^Service svc does not have a service port 99$"):
        port_forward.translate_service_ports(("99",), SERVICE, POD)
    with pytest.raises(KubectlError, match="^Service 'svc' does not have a named port 'nope'$"):
        port_forward.translate_service_ports(("nope",), SERVICE, POD)


def test_named_container_ports_become_numbers() -> None:
    assert port_forward.convert_named_ports(("http", "1234:init", "5000", ":http"), POD) == [
        "8080", "1234:9000", "5000", ":8080"]
    with pytest.raises(KubectlError, match="^remote port cannot be empty$"):
        port_forward.convert_named_ports(("80:",), POD)
    with pytest.raises(KubectlError, match="^Pod 'web' does not have a named port 'x'$"):
        port_forward.convert_named_ports(("x",), POD)


def test_spdy_client_codec_talks_to_the_server_session() -> None:
    """The client's frames through the test server's independent SPDY session and back."""

    async def scenario() -> None:
        to_client: list[bytes] = []
        session = server_spdy.SpdySession(to_client.append, is_server=True)
        codec = spdy.Codec()
        session.feed(codec.syn_stream(1, {"streamtype": "error", "port": "80", "requestid": "0"}))
        session.feed(codec.data(1, b"", fin=True))
        session.feed(codec.syn_stream(3, {"streamtype": "data", "port": "80", "requestid": "0"}))
        session.feed(codec.data(3, b"x" * 100_000))
        session.feed(codec.ping(7))
        error, data = await session.accept(), await session.accept()
        assert (error.header("streamtype"), data.header("streamtype"), data.header("requestid")) == (
            "error", "data", "0")
        assert await error.read() == b""
        assert await data.read() == b"x" * 100_000
        data.write(b"answer", fin=True)
        error.close()
        frames = codec.feed(b"".join(to_client))
        kinds = [(f.kind, f.stream_id) for f in frames]
        assert kinds == [("syn_reply", 1), ("syn_reply", 3), ("ping", 0), ("data", 3), ("data", 1)]
        assert frames[3].payload == b"answer" and frames[3].flags & 1 and frames[4].flags & 1
        assert frames[2].payload == (7).to_bytes(4, "big")

    asyncio.run(scenario())


def test_listener_failure_modes() -> None:
    """localhost fails only when neither loopback binds; an explicit address must bind."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def scenario(addresses: list[str]) -> list[str]:
            import io

            out, err = io.StringIO(), io.StringIO()
            forwarder = portforward.PortForwarder(None, portforward.parse_addresses(addresses),
                                                  [portforward.ForwardedPort(port, 80)], out, err)
            try:
                await forwarder._listen_all()
            except KubectlError as exc:
                return [out.getvalue(), err.getvalue(), str(exc)]
            finally:
                await forwarder.close()
            return [out.getvalue(), err.getvalue(), ""]

        out, err, error = asyncio.run(scenario(["localhost"]))
        assert out == f"Forwarding from [::1]:{port} -> 80\n" and err == "" and error == ""
        out, err, error = asyncio.run(scenario(["127.0.0.1"]))
        assert err.startswith(f"Unable to listen on port {port}: Listeners failed to create with the following "
                              f"errors: [unable to create listener: Error listen tcp4 127.0.0.1:{port}: bind: "
                              "address already in use]")
        assert error == f"unable to listen on any of the requested ports: [{{{port} 80}}]"


def test_proxy_filter_and_host() -> None:
    check = proxying.RequestFilter(accept_paths=proxying.compile_list(r"^.*"),
                                   reject_paths=proxying.compile_list(r"^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach"),
                                   accept_hosts=proxying.compile_list(r"^localhost$,^127\.0\.0\.1$,^\[::1\]$"),
                                   reject_methods=proxying.compile_list("^$"))
    assert check.accept("GET", "/api/v1/pods", "localhost")
    assert not check.accept("GET", "/api/v1/namespaces/a/pods/b/exec", "localhost")
    assert not check.accept("GET", "/api/v1/pods", "evil.com")
    assert [proxying.extract_host(h) for h in ("127.0.0.1:8001", "[::1]:8001", "[::1]", "localhost")] == [
        "127.0.0.1", "::1", "[::1]", "localhost"]
    assert proxying.compile_list("") == []


@pytest.mark.parametrize("arg, expected", [
    ("file", cp.FileSpec("", "", "file")), ("dir/", cp.FileSpec("", "", "dir")),
    ("pod:/tmp/x", cp.FileSpec("pod", "", "/tmp/x")), ("ns/pod:x/", cp.FileSpec("pod", "ns", "x")),
    ("pod:", cp.FileSpec("pod", "", "")), ("pod:a\\b", cp.FileSpec("pod", "", "a/b")),
])
def test_cp_file_specs(arg: str, expected: cp.FileSpec) -> None:
    assert cp.extract_file_spec(arg) == expected


@pytest.mark.parametrize("arg", [":x", "a/b/c:x"])
def test_cp_bad_file_specs(arg: str) -> None:
    with pytest.raises(KubectlError, match=r"^filespec must match the canonical format: \[\[namespace/\]pod:\]file/path$"):
        cp.extract_file_spec(arg)
