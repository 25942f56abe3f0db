"""Pure parts of the client: durations, proxies, header masking, Status conversion, discovery formats."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pykubectl import errors
from pykubectl.client import status
from pykubectl.client.auth import TokenFileAuth, mask_header
from pykubectl.client.discovery import (
    Discovery,
    aggregated_version,
    discovery_cache_dir,
    split_aggregated,
)
from pykubectl.client.exec_plugin import ExecProvider
from pykubectl.client.transport import (
    format_go_duration,
    parse_go_duration,
    parse_timeout,
    proxy_for,
    user_agent,
)
from pykubectl.config.resolve import ConnectionSettings


@pytest.mark.parametrize("text,seconds", [
    ("0", None), ("", None), (None, None), ("5", 5.0), ("1s", 1.0), ("2m", 120.0), ("1h30m", 5400.0),
    ("1.5s", 1.5), ("500ms", 0.5),
])
def test_parse_timeout(text, seconds):
    assert parse_timeout(text) == seconds


@pytest.mark.parametrize("text", ["abc", "5x", "-"])
def test_parse_timeout_rejects_like_clientcmd(text):
    with pytest.raises(errors.KubectlError, match="^Invalid timeout value. Timeout must be a single integer"):
        parse_timeout(text)


@pytest.mark.parametrize("seconds,text", [
    (5, "5s"), (90, "1m30s"), (120, "2m0s"), (3600, "1h0m0s"), (1.5, "1.5s"), (0.5, "500ms"), (32, "32s"),
])
def test_format_go_duration(seconds, text):
    assert format_go_duration(seconds) == text
    assert parse_go_duration(text) == int(seconds * 1e9)


def test_user_agent_shape():
    agent = user_agent()
    assert agent.startswith("kubectl/v1.32.")
    assert agent.endswith(" kubernetes/pykubectl")


def test_proxy_from_flag_and_environment():
    remote = ConnectionSettings(server="https://k8s.example:6443")
    env = {"HTTPS_PROXY": "proxy.local:3128", "NO_PROXY": ".internal,10.0.0.0/8"}
    assert proxy_for(remote, env) == "http://proxy.local:3128"
    assert proxy_for(ConnectionSettings(server="https://api.internal"), env) is None
    assert proxy_for(ConnectionSettings(server="https://10.1.2.3:6443"), env) is None
    assert proxy_for(ConnectionSettings(server="https://127.0.0.1:6443"), env) is None  # Go never proxies loopback
    assert proxy_for(ConnectionSettings(server="https://localhost:6443"), env) is None
    assert proxy_for(ConnectionSettings(server="http://k8s.example"), env) is None  # HTTP_PROXY only for http
    flag = ConnectionSettings(server="https://127.0.0.1:6443", proxy_url="socks5://127.0.0.1:1080")
    assert proxy_for(flag, env) == "socks5://127.0.0.1:1080"


@pytest.mark.parametrize("value,masked", [
    ("Bearer abc.def", "Bearer <masked>"), ("Basic dXNlcjpwYXNz", "Basic <masked>"), ("Bearer", "Bearer"),
    ("Token xyz", "<masked>"), ("", ""),
])
def test_mask_authorization(value, masked):
    assert mask_header("Authorization", value) == masked
    assert mask_header("Accept", value) == value


def test_token_file_is_reread_every_minute(tmp_path):
    path = tmp_path / "token"
    path.write_text("first\n")
    now = [1000.0]
    auth = TokenFileAuth(str(path), clock=lambda: now[0])
    assert auth.token() == "first"
    path.write_text("second")
    now[0] += 59
    assert auth.token() == "first"
    now[0] += 2
    assert auth.token() == "second"


@pytest.mark.parametrize("code,method,message,reason", [
    (404, "GET", "the server could not find the requested resource (get pods web)", "NotFound"),
    (409, "POST", "the server reported a conflict (post pods web)", "AlreadyExists"),
    (409, "PUT", "the server reported a conflict (put pods web)", "Conflict"),
    (403, "GET", "nope (get pods web)", "Forbidden"),
    (418, "GET", "the server responded with the status code 418 but did not return more information "
                 "(get pods web)", "Unknown"),
    (502, "GET", 'an error on the server ("nope") has prevented the request from succeeding (get pods web)',
     "InternalError"),
])
def test_unstructured_errors(code, method, message, reason):
    error = status.error_from_response(code, b"nope", "text/plain", method, "pods", "", "web")
    assert (str(error), error.reason, error.code) == (message, reason, code)


def test_unstructured_json_body_is_not_quoted():
    error = status.error_from_response(500, b'{"a":1}', "application/json", "GET", "pods")
    assert str(error) == ('an error on the server ("unknown") has prevented the request from succeeding '
                          "(get pods)")


def test_aggregated_content_type_parameters_in_any_order():
    assert aggregated_version("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList") == "v2"
    assert aggregated_version("application/json; as=APIGroupDiscoveryList; v=v2beta1; g=apidiscovery.k8s.io") \
        == "v2beta1"
    assert aggregated_version("application/json") is None
    assert aggregated_version(None) is None


def test_split_aggregated_discovery():
    body = {"items": [{"metadata": {"name": "apps"}, "versions": [
        {"version": "v2", "freshness": "Stale", "resources": []},
        {"version": "v1", "resources": [
            {"resource": "deployments", "singularResource": "deployment", "scope": "Namespaced",
             "responseKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
             "verbs": ["get", "list"], "shortNames": ["deploy"], "categories": ["all"],
             "subresources": [{"subresource": "scale", "verbs": ["get"],
                               "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}},
                              {"subresource": "nokind", "verbs": ["get"]}]},
            {"resource": "ghosts", "scope": "Cluster", "verbs": ["get"]},
        ]}]}]}
    groups, lists, failed = split_aggregated(body)
    assert groups == [{"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                       "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]
    assert failed == {"apps/v2": "stale GroupVersion discovery: apps/v2"}
    assert lists["apps/v1"]["resources"] == [
        {"name": "deployments", "singularName": "deployment", "namespaced": True, "group": "apps", "version": "v1",
         "kind": "Deployment", "verbs": ["get", "list"], "shortNames": ["deploy"], "categories": ["all"]},
        {"name": "deployments/scale", "singularName": "deployment", "namespaced": True, "group": "autoscaling",
         "version": "v1", "kind": "Scale", "verbs": ["get"]},
    ]


@pytest.mark.parametrize("server,directory", [
    ("https://127.0.0.1:6443", "127.0.0.1_6443"),
    ("http://my-host.example:8080/prefix/", "my_host.example_8080/prefix"),
    ("https://[::1]:6443", "___1__6443"),
])
def test_discovery_cache_dir(server, directory):
    assert discovery_cache_dir("/c", server) == Path("/c/discovery") / directory


class _NoNetwork:
    settings = ConnectionSettings(server="https://127.0.0.1:6443")

    def request(self, *args, **kwargs):
        raise AssertionError("discovery went to the network")

    get_json = request


def test_discovery_reads_fresh_files_and_ignores_stale_ones(tmp_path):
    directory = discovery_cache_dir(str(tmp_path), "https://127.0.0.1:6443")
    (directory / "v1").mkdir(parents=True)
    (directory / "servergroups.json").write_text(json.dumps({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "", "versions": [{"groupVersion": "v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "v1", "version": "v1"}}]}))
    (directory / "v1" / "serverresources.json").write_text(json.dumps({
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": ["get"],
             "shortNames": ["po"]}]}))
    discovery = Discovery(_NoNetwork(), str(tmp_path))
    (pods,) = discovery.resources().resources["v1"]
    assert (pods.plural, pods.kind, pods.short_names) == ("pods", "Pod", ("po",))
    assert not discovery.fresh
    old = time.time() - 6 * 3600 - 5
    os.utime(directory / "servergroups.json", (old, old))
    with pytest.raises(AssertionError, match="network"):
        Discovery(_NoNetwork(), str(tmp_path)).server_groups()


def _provider(**config):
    base = {"apiVersion": "client.authentication.k8s.io/v1", "command": "true", "interactiveMode": "Never"}
    return ExecProvider({**base, **config}, cluster=None)


def test_exec_credential_decoding():
    provider = _provider()
    out = json.dumps({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                      "status": {"token": "tok", "expirationTimestamp": "2099-01-01T00:00:00Z"}}).encode()
    credential = provider._decode(out)
    assert credential.token == "tok"
    assert credential.expires == datetime(2099, 1, 1, tzinfo=UTC)
    with pytest.raises(errors.ExecPluginError, match="returned only certificate or key, not both"):
        provider._decode(json.dumps({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                                     "status": {"clientCertificateData": "x"}}).encode())


def test_exec_info_and_interactive_modes():
    provider = _provider(interactiveMode="IfAvailable")
    provider.stdin_is_terminal = lambda: True
    assert provider._interactive() is True
    assert json.loads(provider.exec_info(True)) == {"kind": "ExecCredential",
                                                    "apiVersion": "client.authentication.k8s.io/v1",
                                                    "spec": {"interactive": True}}
    with pytest.raises(errors.ExecPluginError, match="standard input is not a terminal"):
        _provider(interactiveMode="Always")._interactive()
    assert ExecProvider({"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "x"},
                        None).interactive_mode == "IfAvailable"


def test_legacy_discovery_fetches_every_group_version_and_writes_the_cache(tmp_path):
    import httpx

    from tests.unit.client.test_rest import make_client

    bodies = {
        "/api": {"kind": "APIVersions", "versions": ["v1"]},
        "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": "autoscaling", "versions": [{"groupVersion": "autoscaling/v2", "version": "v2"},
                                                 {"groupVersion": "autoscaling/v1", "version": "v1"}],
             "preferredVersion": {"groupVersion": "autoscaling/v2", "version": "v2"}}]},
        "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
            {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]}]},
        "/apis/autoscaling/v2": {"kind": "APIResourceList", "groupVersion": "autoscaling/v2", "resources": [
            {"name": "horizontalpodautoscalers", "singularName": "horizontalpodautoscaler", "namespaced": True,
             "kind": "HorizontalPodAutoscaler", "verbs": ["get"], "shortNames": ["hpa"]}]},
        "/apis/autoscaling/v1": {"kind": "APIResourceList", "groupVersion": "autoscaling/v1", "resources": [
            {"name": "horizontalpodautoscalers", "singularName": "horizontalpodautoscaler", "namespaced": True,
             "kind": "HorizontalPodAutoscaler", "verbs": ["get"], "shortNames": ["hpa"]}]},
    }
    requested = []

    def handler(request):
        requested.append(request.url.path)
        return httpx.Response(200, json=bodies[request.url.path])

    client = make_client(handler)
    discovery = Discovery(client, str(tmp_path))
    preferred = dict(discovery.preferred_resources())
    assert [r.plural for r in preferred["v1"]] == ["pods"]
    assert [r.api_version for r in preferred["autoscaling/v2"]] == ["autoscaling/v2"]
    assert preferred["autoscaling/v1"] == []
    assert requested == ["/api", "/apis", "/api/v1", "/apis/autoscaling/v2", "/apis/autoscaling/v1"]
    directory = discovery_cache_dir(str(tmp_path), client.settings.server)
    groups = json.loads((directory / "servergroups.json").read_text())
    assert [g["name"] for g in groups["groups"]] == ["", "autoscaling"]
    assert json.loads((directory / "autoscaling" / "v1" / "serverresources.json").read_text())["resources"][0] \
        == {"name": "horizontalpodautoscalers", "singularName": "horizontalpodautoscaler", "namespaced": True,
            "kind": "HorizontalPodAutoscaler", "verbs": ["get"], "shortNames": ["hpa"]}
    requested.clear()
    again = Discovery(client, str(tmp_path))
    assert [r.plural for r in again.resources().resources["v1"]] == ["pods", "pods/log"]
    assert requested == []
