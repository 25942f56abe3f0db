"""Names for completion come from one plain GET without httpx (resources/completion.py `_list_directly`) in the
common cases, and through the RestClient otherwise; either way the answer is kubectl's."""

from __future__ import annotations

import gzip
import json
import socket
import threading

import pytest

from pykubectl.config.resolve import ConnectionSettings
from pykubectl.resources import completion as found

pytestmark = pytest.mark.no_simulation


def _no_rest_client(monkeypatch):
    """A RestClient may not be built: a completion that needed one would offer nothing."""
    from pykubectl.client import rest

    def refuse(*args, **kwargs):
        raise AssertionError("the RestClient was built")

    monkeypatch.setattr(rest.RestClient, "__init__", refuse)


@pytest.mark.parametrize("user", ["token", "cert"])
def test_names_without_the_rest_client_are_kubectls(runners, kubeconfig_for, monkeypatch, user):
    kubeconfig = kubeconfig_for(user)
    runners.env["KUBECONFIG"] = str(kubeconfig)
    for name in ("web-1", "web-2", "db"):
        runners.kubectl("run", name, "--image=nginx")
    runners.kubectl("api-resources")  # a warm discovery cache
    _no_rest_client(monkeypatch)
    for words in (["get", "pods", ""], ["get", "pods", "w"], ["get", "pods/"], ["logs", ""], ["-n", ""],
                  ["logs", "web-1", ""], ["exec", "db", "-c", "d"], ["logs", "pods/db", ""]):
        expected, actual = runners.both("__complete", *words)
        assert (actual.stdout, actual.exit_code) == (expected.stdout, expected.exit_code), words
    assert runners.pykubectl("__complete", "get", "pods", "").stdout == "db\nweb-1\nweb-2\n:4\n"
    assert runners.pykubectl("__complete", "logs", "web-1", "").stdout == "web-1\n:4\n"


def test_a_proxy_goes_through_the_rest_client(monkeypatch):
    settings = ConnectionSettings(server="https://127.0.0.1:1", token="t")
    assert found._direct_credential(settings) == "Bearer t"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    assert found._direct_credential(settings) is None
    monkeypatch.delenv("HTTPS_PROXY")
    for other in ({"exec_config": {"command": "x"}}, {"username": "u", "password": "p"},
                  {"impersonate_user": "jane"}, {"request_timeout": "5s"}, {"proxy_url": "http://p:1"}):
        assert found._direct_credential(ConnectionSettings(server="https://h", **other)) is None, other


def test_a_token_file_is_read(tmp_path):
    (tmp_path / "token").write_text("secret\n")
    assert found._direct_credential(ConnectionSettings(server="https://h", token_file=str(tmp_path / "token"))) == \
        "Bearer secret"
    assert found._direct_credential(ConnectionSettings(server="https://h")) == ""


class _OneShotServer:
    """Plain HTTP on 127.0.0.1: answers each connection with the next canned response; records requests."""

    def __init__(self, responses: list[bytes]):
        self.responses, self.requests = list(responses), []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/prefix"

    def _serve(self):
        for response in self.responses:
            conn, _ = self.sock.accept()
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(4096)
                self.requests.append(data.decode())
                conn.sendall(response)


def _chunked_gzip(obj: dict) -> bytes:
    body = gzip.compress(json.dumps(obj).encode())
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:7], body[7:]))
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")


def test_pages_chunks_and_gzip():
    first = {"kind": "PodList", "metadata": {"continue": "next page/+"}, "items": [{"metadata": {"name": "a"}}]}
    second = {"kind": "PodList", "metadata": {}, "items": [{"metadata": {"name": "b"}}]}
    plain = json.dumps(second).encode()
    server = _OneShotServer([_chunked_gzip(first),
                             b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(plain), plain)])

    class Session:
        settings = ConnectionSettings(server=server.url, token="tok")

    items = found._list_directly(Session(), "/api/v1/namespaces/default/pods")
    assert [i["metadata"]["name"] for i in items] == ["a", "b"]
    one, two = server.requests
    assert one.startswith("GET /prefix/api/v1/namespaces/default/pods?limit=500 HTTP/1.1\r\n")
    assert two.startswith("GET /prefix/api/v1/namespaces/default/pods?limit=500&continue=next+page%2F%2B HTTP/1.1")
    assert "Authorization: Bearer tok\r\n" in one and "Accept: application/json\r\n" in one
    assert "Accept-Encoding: gzip\r\n" in one and "User-Agent: kubectl/" in one


def test_an_error_status_offers_nothing():
    server = _OneShotServer([b"HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\n{}"])

    class Session:
        settings = ConnectionSettings(server=server.url)
        namespace = "default"

    with pytest.raises(ValueError):
        found._list_directly(Session(), "/api/v1/pods")
