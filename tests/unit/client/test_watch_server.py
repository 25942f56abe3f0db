"""The watch client against the test API server: real chunked streams, resume, bookmarks, 410."""

from __future__ import annotations

import threading

import pytest

from pykubectl.client.rest import RestClient
from pykubectl.client.watch import watch, watch_once
from pykubectl.config.loading import load_kubeconfig
from pykubectl.config.overrides import ConfigOverrides
from pykubectl.config.resolve import resolve
from pykubectl.errors import Expired

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


@pytest.fixture
def client(kubeconfig_file):
    overrides = ConfigOverrides(kubeconfig=str(kubeconfig_file))
    rest = RestClient(resolve(load_kubeconfig(overrides), overrides))
    yield rest
    rest.close()


def _create(client, name: str, data: dict | None = None) -> dict:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data or {"k": "v"}}
    return client.request_json("POST", CONFIGMAPS, json=body)


def _later(action) -> threading.Thread:
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    return thread


def test_watch_sees_changes_after_a_resource_version(client):
    first = _create(client, "before")
    rv = first["metadata"]["resourceVersion"]

    def changes():
        _create(client, "a")
        client.request_json("PATCH", f"{CONFIGMAPS}/a", json={"data": {"k": "w"}},
                            headers={"Content-Type": "application/merge-patch+json"})
        client.request("DELETE", f"{CONFIGMAPS}/a")

    thread = _later(changes)
    seen = []
    for event in watch(client, CONFIGMAPS, resource_version=rv, timeout_seconds=10):
        seen.append((event.type, event.object["metadata"]["name"]))
        if len(seen) == 3:
            break
    thread.join(5)
    assert seen == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]


def test_watch_without_resource_version_starts_with_current_objects(client):
    _create(client, "x")
    _create(client, "y")
    events = list(watch_once(client, CONFIGMAPS, timeout_seconds=1))
    names = sorted(e.object["metadata"]["name"] for e in events if e.type == "ADDED")
    assert {"x", "y"} <= set(names)


def test_watch_resumes_after_the_server_timeout(client):
    rv = _create(client, "start")["metadata"]["resourceVersion"]
    requests = []
    original = client.stream

    def counting_stream(method, path, params=None, headers=None):
        requests.append(dict(params or {}).get("resourceVersion"))
        if len(requests) == 2:
            _create(client, "after-timeout")
        return original(method, path, params, headers=headers)

    client.stream = counting_stream
    for event in watch(client, CONFIGMAPS, resource_version=rv, timeout_seconds=1):
        assert (event.type, event.object["metadata"]["name"]) == ("ADDED", "after-timeout")
        break
    assert requests[:2] == [rv, rv]


def test_label_selector_is_passed_through(client):
    rv = _create(client, "plain")["metadata"]["resourceVersion"]

    def changes():
        _create(client, "unlabelled")
        client.request_json("POST", CONFIGMAPS, json={"apiVersion": "v1", "kind": "ConfigMap",
                                                      "metadata": {"name": "labelled", "labels": {"app": "w"}}})

    thread = _later(changes)
    for event in watch(client, CONFIGMAPS, {"labelSelector": "app=w"}, resource_version=rv, timeout_seconds=10):
        assert event.object["metadata"]["name"] == "labelled"
        break
    thread.join(5)


def test_too_old_resource_version_is_expired(client, kube_apiserver):
    store = kube_apiserver.store
    info = store.info("", "v1", "configmaps")

    def churn():
        for i in range(2005):
            store.create(info, "default", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}})

    kube_apiserver.call(churn)
    with pytest.raises(Expired) as raised:
        list(watch(client, CONFIGMAPS, resource_version="1", timeout_seconds=5))
    assert raised.value.code == 410
    assert str(raised.value).startswith("too old resource version: 1 (")
