"""The store, selectors and patch algorithms of the test API server, without HTTP."""

from __future__ import annotations

import pytest

from pykubectl.testing import patching, selectors, tables
from pykubectl.testing.catalog import Catalog
from pykubectl.testing.status import StatusError
from pykubectl.testing.store import Store


@pytest.fixture
def catalog():
    return Catalog()


def _pod(name):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "x"}]}}


def test_default_namespaces_and_kubernetes_service_exist(catalog):
    store = Store(catalog)
    namespaces = store.list(catalog.lookup("", "v1", "namespaces"), None).items
    assert [n["metadata"]["name"] for n in namespaces] == ["default", "kube-node-lease", "kube-public", "kube-system"]
    assert store.get(catalog.lookup("", "v1", "services"), "default", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1"


def test_resource_versions_increase_and_no_op_update_keeps_them(catalog):
    store = Store(catalog)
    pods = catalog.lookup("", "v1", "pods")
    a = store.create(pods, "default", _pod("a"), field_manager="m")
    b = store.create(pods, "default", _pod("b"), field_manager="m")
    assert int(b["metadata"]["resourceVersion"]) > int(a["metadata"]["resourceVersion"])
    same = store.update(pods, "default", "a", a, field_manager="m")
    assert same["metadata"]["resourceVersion"] == a["metadata"]["resourceVersion"]


def test_generate_name(catalog):
    store = Store(catalog)
    pod = _pod("")
    pod["metadata"] = {"generateName": "web-"}
    created = store.create(catalog.lookup("", "v1", "pods"), "default", pod)
    assert created["metadata"]["name"].startswith("web-") and len(created["metadata"]["name"]) == 9


def test_watch_history_too_old_is_expired(catalog):
    store = Store(catalog, history=3)
    pods = catalog.lookup("", "v1", "pods")
    for name in "abcde":
        store.create(pods, "default", _pod(name))
    with pytest.raises(StatusError) as raised:
        store.subscribe(pods, "default", 1, lambda event: None)
    assert raised.value.code == 410 and raised.value.body["reason"] == "Expired"
    assert raised.value.body["message"].startswith("too old resource version: 1 (")
    sub, backlog = store.subscribe(pods, "default", store.resource_version() - 1, lambda event: None)
    assert [e.object["metadata"]["name"] for e in backlog] == ["e"]
    sub.close()


@pytest.mark.parametrize("text, labels, expected", [
    ("a=b", {"a": "b"}, True), ("a==b", {"a": "c"}, False), ("a!=b", {}, True), ("a in (x,y)", {"a": "y"}, True),
    ("a notin (x)", {"a": "x"}, False), ("a", {"a": ""}, True), ("!a", {"a": "1"}, False),
    ("a=b,c", {"a": "b"}, False), ("n>3", {"n": "4"}, True),
])
def test_label_selectors(text, labels, expected):
    assert selectors.label_matcher(text)(labels) is expected


def test_label_selector_errors():
    with pytest.raises(selectors.SelectorError):
        selectors.parse_labels("a in x")


def test_field_selector_escapes_and_negation():
    terms = selectors.parse_fields(r"metadata.name=a\,b,status.phase!=Running")
    assert [(t.field, t.value, t.negated) for t in terms] == [("metadata.name", "a,b", False),
                                                             ("status.phase", "Running", True)]


def test_strategic_merge_directives():
    live = {"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}],
                     "finalizers": ["x"], "tolerations": [{"key": "k"}]},
            "metadata": {"labels": {"keep": "1", "drop": "2"}}}
    patch = {"spec": {"containers": [{"name": "b", "$patch": "delete"}, {"name": "c", "image": "3"}],
                      "$setElementOrder/containers": [{"name": "c"}, {"name": "a"}],
                      "tolerations": [{"key": "new"}], "$deleteFromPrimitiveList/finalizers": ["x"]},
             "metadata": {"labels": {"drop": None}}}
    result = patching.strategic_merge(live, patch)
    assert result["spec"]["containers"] == [{"name": "c", "image": "3"}, {"name": "a", "image": "1"}]
    assert result["spec"]["tolerations"] == [{"key": "new"}]
    assert result["spec"]["finalizers"] == []
    assert result["metadata"]["labels"] == {"keep": "1"}
    replaced = patching.strategic_merge(live, {"spec": {"$patch": "replace", "x": 1}})
    assert replaced["spec"] == {"x": 1}
    retained = patching.strategic_merge({"s": {"a": 1, "b": 2}}, {"s": {"$retainKeys": ["a"], "a": 5}})
    assert retained == {"s": {"a": 5}}


def test_json_and_merge_patch():
    doc = {"a": {"b": [1, 2]}}
    assert patching.json_patch(doc, [{"op": "add", "path": "/a/b/-", "value": 3},
                                     {"op": "move", "from": "/a/b", "path": "/c"}]) == {"a": {}, "c": [1, 2, 3]}
    with pytest.raises(patching.JSONPatchError):
        patching.json_patch(doc, [{"op": "test", "path": "/a/b", "value": []}])
    assert patching.merge_patch({"a": 1, "b": {"c": 2}}, {"a": None, "b": {"d": 3}}) == {"b": {"c": 2, "d": 3}}


def test_managed_fields_move_between_managers():
    obj = {"metadata": {"name": "x"}, "spec": {"replicas": 1, "paused": False}}
    patching.record_update(None, obj, "creator", "apps/v1")
    new = {"metadata": dict(obj["metadata"]), "spec": {"replicas": 2, "paused": False}}
    patching.record_update(obj, new, "scaler", "apps/v1")
    owners = {m["manager"]: m["fieldsV1"] for m in new["metadata"]["managedFields"]}
    assert owners == {"creator": {"f:spec": {"f:paused": {}}}, "scaler": {"f:spec": {"f:replicas": {}}}}


@pytest.mark.parametrize("seconds, text", [
    (-5, "<invalid>"), (-0.5, "0s"), (59, "59s"), (119, "119s"), (125, "2m5s"), (600, "10m"), (3 * 3600, "3h"),
    (3 * 3600 + 60, "3h1m"), (9 * 3600, "9h"), (50 * 3600, "2d2h"), (9 * 86400, "9d"),
    (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
])
def test_human_duration(seconds, text):
    assert tables.human_duration(seconds) == text
