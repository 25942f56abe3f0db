"""RestClient behaviour a real server cannot easily produce: retries, dropped connections, odd bodies."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from pykubectl import errors
from pykubectl.client.rest import RestClient, encode_query, parse_warnings, resource_of
from pykubectl.client.transport import Transport
from pykubectl.config.resolve import ConnectionSettings

SERVER = "https://k8s.example:6443"


def make_client(handler, *, warnings=None, warnings_as_errors=False, settings=None, sleeps=None, **kwargs):
    settings = settings or ConnectionSettings(server=SERVER, token="t0ken", **kwargs)

    def factory(settings, client_cert=None, auth=None):
        client = httpx.Client(transport=httpx.MockTransport(handler), auth=auth)
        return Transport(client, {}, None)

    recorded = sleeps if sleeps is not None else []
    return RestClient(settings, warnings=warnings, warnings_as_errors=warnings_as_errors,
                      sleep=recorded.append, transport_factory=factory)


def status(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}


def test_retries_429_with_retry_after_then_succeeds():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) < 3:
            return httpx.Response(429, headers={"Retry-After": "2"}, json=status(429, "TooManyRequests", "slow"))
        return httpx.Response(200, json={"kind": "PodList", "items": []})

    sleeps: list[float] = []
    client = make_client(handler, sleeps=sleeps)
    assert client.get_json("/api/v1/pods") == {"kind": "PodList", "items": []}
    assert len(calls) == 3 and sleeps == [2, 2]


def test_gives_up_after_ten_retries():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(503, headers={"Retry-After": "0"}, text="busy")

    client = make_client(handler)
    with pytest.raises(errors.ApiError) as caught:
        client.get_json("/api/v1/namespaces/ns/pods/web")
    assert len(calls) == 11
    assert caught.value.reason == "ServiceUnavailable"
    assert caught.value.render() == ("Error from server (ServiceUnavailable): the server is currently unable to "
                                     "handle the request (get pods web)")


def test_5xx_without_retry_after_is_not_retried():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(500, headers={"Content-Type": "text/plain"}, text="boom internal\n")

    with pytest.raises(errors.ApiError) as caught:
        make_client(handler).get_json("/api/v1/namespaces/default/pods/plaintext500")
    assert len(calls) == 1
    assert caught.value.render() == ('Error from server (InternalError): an error on the server ("boom internal") '
                                     "has prevented the request from succeeding (get pods plaintext500)")


def test_status_body_is_decoded_but_not_for_raw_requests():
    def handler(request):
        return httpx.Response(404, json=status(404, "NotFound", 'pods "x" not found'))

    client = make_client(handler)
    with pytest.raises(errors.NotFound) as caught:
        client.get_json("/api/v1/namespaces/default/pods/x")
    assert caught.value.render() == 'Error from server (NotFound): pods "x" not found'
    with pytest.raises(errors.NotFound) as raw:
        client.request("GET", "/api/v1/namespaces/default/pods/x", raw=True)
    assert str(raw.value) == "the server could not find the requested resource"


def test_json_error_body_that_is_not_a_status():
    def handler(request):
        return httpx.Response(409, json={"kind": "Pod"})

    with pytest.raises(errors.Conflict) as caught:
        make_client(handler).request("POST", "/apis/apps/v1/namespaces/default/deployments", json={})
    assert caught.value.reason == "AlreadyExists"
    assert str(caught.value) == "the server reported a conflict (post deployments.apps)"


def test_unauthorized_renders_as_kubectl():
    def handler(request):
        return httpx.Response(401, json=status(401, "Unauthorized", "Unauthorized"))

    client = make_client(handler)
    with pytest.raises(errors.ApiError) as caught:
        client.get_json("/api/v1/pods")
    assert caught.value.render() == "error: You must be logged in to the server (Unauthorized)"
    with pytest.raises(errors.ApiError) as discovery:
        client.get_json("/api")
    assert discovery.value.render() == ("error: You must be logged in to the server "
                                        "(the server has asked for the client to provide credentials)")


def test_dropped_connection_on_get_is_retried_once():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json={"ok": True})

    assert make_client(handler).get_json("/version") == {"ok": True}
    assert len(calls) == 2


def test_dropped_connection_on_post_is_an_eof_error():
    def handler(request):
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    with pytest.raises(errors.TransportError) as caught:
        make_client(handler).request("POST", "/api/v1/namespaces/default/pods", json={})
    assert caught.value.render() == "Unable to connect to the server: EOF"
    assert str(caught.value) == f'Post "{SERVER}/api/v1/namespaces/default/pods": EOF'


def test_connection_refused_text():
    def handler(request):
        raise httpx.ConnectError("[Errno 111] Connection refused")

    with pytest.raises(errors.TransportError) as caught:
        make_client(handler).get_json("/api")
    assert caught.value.render() == ("The connection to the server k8s.example:6443 was refused - "
                                     "did you specify the right host or port?")
    assert str(caught.value) == (f'Get "{SERVER}/api?timeout=32s": dial tcp k8s.example:6443: '
                                 "connect: connection refused")


def test_read_timeout_text():
    def handler(request):
        raise httpx.ReadTimeout("timed out")

    with pytest.raises(errors.TransportError) as caught:
        make_client(handler, request_timeout="1s").get_json("/api/v1/pods")
    assert caught.value.render() == ("Unable to connect to the server: net/http: request canceled "
                                     "(Client.Timeout exceeded while awaiting headers)")
    assert "?timeout=1s" in caught.value.url


def test_malformed_json_body():
    def handler(request):
        return httpx.Response(200, content=b"{not json")

    with pytest.raises(errors.KubectlError):
        make_client(handler).get_json("/api/v1/pods")


def test_warning_headers_are_printed_once():
    def handler(request):
        return httpx.Response(200, json={}, headers=[("Warning", '299 - "spec.foo is deprecated"'),
                                                     ("Warning", '299 - "second, with comma", 199 - "ignored"')])

    warnings = io.StringIO()
    client = make_client(handler, warnings=warnings)
    client.get_json("/api/v1/pods")
    client.get_json("/api/v1/pods")
    assert warnings.getvalue() == "Warning: spec.foo is deprecated\nWarning: second, with comma\n"
    assert client.warnings_error() is None


def test_warnings_as_errors_counts_distinct_warnings():
    def handler(request):
        return httpx.Response(200, json={}, headers={"Warning": '299 - "one"'})

    client = make_client(handler, warnings=io.StringIO(), warnings_as_errors=True)
    client.get_json("/api/v1/pods")
    assert client.warnings_error().render() == "error: 1 warning received"


def test_list_pages_follows_continue_and_restarts_when_expired():
    seen = []

    def handler(request):
        params = dict(request.url.params)
        seen.append(params)
        if params.get("continue") == "2":
            return httpx.Response(410, json=status(410, "Expired", "The provided continue parameter is too old"))
        if "limit" not in params:
            return httpx.Response(200, json={"items": [1, 2, 3], "metadata": {}})
        return httpx.Response(200, json={"items": [1], "metadata": {"continue": "2"}})

    pages = list(make_client(handler).list_pages("/api/v1/pods", {"labelSelector": "a=b"}, chunk_size=1))
    assert [p["items"] for p in pages] == [[1], [1, 2, 3]]
    assert seen == [{"labelSelector": "a=b", "limit": "1"},
                    {"labelSelector": "a=b", "limit": "1", "continue": "2"},
                    {"labelSelector": "a=b"}]


def test_impersonation_and_user_agent_headers():
    captured = []

    def handler(request):
        captured.append(request)
        return httpx.Response(200, json={})

    settings = ConnectionSettings(server=SERVER, token="abc", impersonate_user="jane", impersonate_uid="42",
                                  impersonate_groups=["devs", "admins"],
                                  impersonate_extra={"reason/why": ["testing"]})
    make_client(handler, settings=settings).get_json("/api/v1/pods")
    headers = captured[0].headers
    assert headers["Authorization"] == "Bearer abc"
    assert headers["Impersonate-User"] == "jane"
    assert headers["Impersonate-Uid"] == "42"
    assert headers.get_list("Impersonate-Group") == ["devs", "admins"]
    assert headers["Impersonate-Extra-reason%2Fwhy"] == "testing"


def test_no_credentials_over_plain_http():
    captured = []

    def handler(request):
        captured.append(request)
        return httpx.Response(200, json={})

    settings = ConnectionSettings(server="http://k8s.example:8080", token="abc", impersonate_user="jane")
    make_client(handler, settings=settings).get_json("/api/v1/pods")
    assert "Authorization" not in captured[0].headers
    assert captured[0].headers["Impersonate-User"] == "jane"


def test_verbose_logging_masks_authorization(caplog):
    def handler(request):
        return httpx.Response(200, json={"a": 1})

    logger = logging.getLogger("pykubectl")
    logger.verbosity = 8
    try:
        with caplog.at_level(logging.DEBUG, logger="pykubectl"):
            logger.propagate = True
            make_client(handler).get_json("/api/v1/pods", {"limit": 500})
    finally:
        logger.verbosity = 0
    messages = [r.getMessage() for r in caplog.records]
    assert f"GET {SERVER}/api/v1/pods?limit=500" in messages
    assert "    Authorization: Bearer <masked>" in messages
    assert any(m.startswith("Response Status: 200 OK in ") for m in messages)
    assert '"Response Body" body="{\\"a\\":1}"' in messages


def test_encode_query_sorts_like_go():
    assert encode_query({"limit": 500, "labelSelector": "app=web,tier!=db", "watch": True}) == (
        "labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=500&watch=true")
    assert encode_query([("b", "1"), ("a", ["x y", "z/"])]) == "a=x+y&a=z%2F&b=1"


def test_parse_warnings():
    assert parse_warnings(['299 - "a \\"quoted\\" text"', '299 - "x" "Tue, 15 Nov 1994 08:12:31 GMT"',
                           '199 agent "misc"']) == ['a "quoted" text', "x"]


@pytest.mark.parametrize("path,expected", [
    ("/api/v1/namespaces/ns/pods/web", ("pods", "", "web")),
    ("/api/v1/namespaces/ns/pods", ("pods", "", "")),
    ("/api/v1/namespaces/ns", ("namespaces", "", "ns")),
    ("/api/v1/nodes", ("nodes", "", "")),
    ("/apis/apps/v1/namespaces/ns/deployments/web/scale", ("deployments", "apps", "web")),
    ("/api/v1", ("", "", "")),
    ("/version", ("", "", "")),
])
def test_resource_of(path, expected):
    assert resource_of(path) == expected


def test_json_body_is_compact():
    captured = []

    def handler(request):
        captured.append(request)
        return httpx.Response(201, json={})

    make_client(handler).request_json("POST", "/api/v1/namespaces/default/pods", json={"a": [1, 2]})
    assert captured[0].content == b'{"a":[1,2]}'
    assert json.loads(captured[0].content) == {"a": [1, 2]}
    assert captured[0].headers["Content-Type"] == "application/json"


def test_kubectl_command_headers(monkeypatch):
    captured = []

    def handler(request):
        captured.append(request)
        return httpx.Response(200, json={})

    def factory(settings, client_cert=None, auth=None):
        return Transport(httpx.Client(transport=httpx.MockTransport(handler), auth=auth), {}, None)

    settings = ConnectionSettings(server=SERVER)
    monkeypatch.delenv("KUBECTL_COMMAND_HEADERS", raising=False)
    client = RestClient(settings, command_path="kubectl api-resources", transport_factory=factory)
    client.get_json("/api")
    client.get_json("/apis")
    assert captured[0].headers["Kubectl-Command"] == "kubectl api-resources"
    assert captured[0].headers["Kubectl-Session"] == captured[1].headers["Kubectl-Session"]
    monkeypatch.setenv("KUBECTL_COMMAND_HEADERS", "false")
    RestClient(settings, command_path="kubectl api-resources", transport_factory=factory).get_json("/api")
    assert "Kubectl-Command" not in captured[2].headers
