"""Patch bodies and client-side patching (resources/patches.py): merge, JSON and strategic merge patches."""

from __future__ import annotations

import pytest

from pykubectl.errors import KubectlError
from pykubectl.resources import patches
from pykubectl.resources.dry_run import last_applied, parse_dry_run, validation_directive, write_params

SCHEMAS = {
    "io.k8s.api.core.v1.Pod": {
        "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}],
        "properties": {"spec": {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodSpec"}]},
                       "metadata": {"type": "object"}},
    },
    "io.k8s.api.core.v1.PodSpec": {
        "properties": {
            "containers": {"type": "array", "items": {"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"},
                           "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"},
            "tolerations": {"type": "array", "items": {"type": "object"}},
            "finalizers": {"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge"},
        },
    },
    "io.k8s.api.core.v1.Container": {
        "properties": {
            "env": {"type": "array", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
                    "items": {"type": "object"}},
        },
    },
}
DOCUMENT = {"components": {"schemas": SCHEMAS}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "1"}},
       "spec": {"containers": [{"name": "c", "image": "nginx", "env": [{"name": "A", "value": "1"}]}],
                "tolerations": [{"key": "x"}], "finalizers": ["f1"]}}


def schema():
    found = patches.PatchSchema.for_kind(DOCUMENT, "", "v1", "Pod")
    assert found is not None
    return found


def test_schema_walks_refs_to_merge_keys():
    containers = schema().field("spec").field("containers")
    assert (containers.merge_key, containers.strategies) == ("name", ("merge",))
    assert containers.items().field("env").merge_key == "name"
    assert schema().field("spec").field("tolerations").strategies == ()
    assert patches.PatchSchema.for_kind(DOCUMENT, "apps", "v1", "Deployment") is None


def test_strategic_merges_lists_by_key_and_puts_new_items_first():
    patch = {"spec": {"containers": [{"name": "d", "image": "busybox"}, {"name": "c", "image": "redis"}]}}
    result = patches.apply_strategic_merge_patch(POD, patch, schema())
    assert [(c["name"], c["image"]) for c in result["spec"]["containers"]] == [("d", "busybox"), ("c", "redis")]
    assert result["spec"]["containers"][1]["env"] == [{"name": "A", "value": "1"}]
    assert POD["spec"]["containers"][0]["image"] == "nginx"  # the input is left alone


def test_strategic_replaces_lists_without_a_strategy_and_deletes_nulls():
    patch = {"metadata": {"labels": {"a": None, "b": "2"}}, "spec": {"tolerations": [{"key": "y"}]}}
    result = patches.apply_strategic_merge_patch(POD, patch, schema())
    assert result["metadata"]["labels"] == {"b": "2"}
    assert result["spec"]["tolerations"] == [{"key": "y"}]


def test_strategic_directives():
    delete = {"spec": {"containers": [{"name": "c", "$patch": "delete"}]}}
    assert patches.apply_strategic_merge_patch(POD, delete, schema())["spec"]["containers"] == []
    replace = {"spec": {"containers": [{"name": "z"}, {"$patch": "replace"}]}}
    assert patches.apply_strategic_merge_patch(POD, replace, schema())["spec"]["containers"] == [{"name": "z"}]
    whole = {"metadata": {"$patch": "replace", "name": "q"}}
    assert patches.apply_strategic_merge_patch(POD, whole, schema())["metadata"] == {"name": "q"}
    primitives = {"spec": {"$deleteFromPrimitiveList/finalizers": ["f1"]}}
    assert patches.apply_strategic_merge_patch(POD, primitives, schema())["spec"]["finalizers"] == []
    union = {"spec": {"finalizers": ["f2", "f1"]}}
    assert patches.apply_strategic_merge_patch(POD, union, schema())["spec"]["finalizers"] == ["f1", "f2"]
    retain = {"spec": {"$retainKeys": ["containers"], "containers": []}}
    assert set(patches.apply_strategic_merge_patch(POD, retain, schema())["spec"]) == {"containers"}


def test_strategic_needs_the_merge_key():
    with pytest.raises(patches.PatchError, match="does not contain declared merge key: name"):
        patches.apply_strategic_merge_patch(POD, {"spec": {"containers": [{"image": "x"}]}}, schema())


def test_strategic_without_schema_replaces_lists():
    patch = {"spec": {"containers": [{"name": "d"}]}}
    assert patches.apply_strategic_merge_patch(POD, patch)["spec"]["containers"] == [{"name": "d"}]


def test_merge_patch_rfc7386():
    assert patches.apply_merge_patch({"a": {"b": 1, "c": 2}, "l": [1]}, {"a": {"b": None, "d": 3}, "l": [2]}) == \
        {"a": {"c": 2, "d": 3}, "l": [2]}
    assert patches.apply_merge_patch({"a": 1}, [1]) == [1]


def test_create_merge_patch_is_the_smallest_difference():
    old = {"metadata": {"labels": {"a": "1", "b": "2"}, "name": "x"}, "spec": {"l": [1, 2]}}
    new = {"metadata": {"labels": {"a": "1", "c": "3"}, "name": "x"}, "spec": {"l": [1]}}
    assert patches.create_merge_patch(old, new) == {"metadata": {"labels": {"b": None, "c": "3"}}, "spec": {"l": [1]}}
    assert patches.create_merge_patch(old, old) == {}


def test_json_patch_operations():
    doc = {"a": {"b": [1, 2]}, "c": "x"}
    ops = [{"op": "add", "path": "/a/b/-", "value": 3}, {"op": "add", "path": "/a/b/0", "value": 0},
           {"op": "remove", "path": "/c"}, {"op": "replace", "path": "/a/n", "value": "new"},
           {"op": "copy", "from": "/a/n", "path": "/d"}, {"op": "move", "from": "/d", "path": "/e"},
           {"op": "test", "path": "/e", "value": "new"}, {"op": "add", "path": "/t~1s", "value": 1}]
    assert patches.apply_json_patch(doc, ops) == {"a": {"b": [0, 1, 2, 3], "n": "new"}, "e": "new", "t/s": 1}
    assert doc == {"a": {"b": [1, 2]}, "c": "x"}


@pytest.mark.parametrize(("ops", "message"), [
    ({"op": "add"}, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    ([{"op": "add", "path": "/a/b", "value": 1}], 'add operation does not apply: doc is missing path: "/a/b"'),
    ([{"op": "remove", "path": "/nope"}], "error in remove for path: '/nope': Unable to remove nonexistent key: nope"),
    ([{"op": "bogus", "path": "/x"}], "Unexpected kind: bogus"),
    ([{"op": "test", "path": "/x", "value": 2}], "testing value /x failed"),
])
def test_json_patch_errors(ops, message):
    with pytest.raises(patches.PatchError) as caught:
        patches.apply_json_patch({"x": 1}, ops)
    assert message in str(caught.value)


def test_label_and_annotation_arguments():
    assert patches.split_resources_and_pairs(["pods", "p", "a=b", "c-"], "label") == (["pods", "p"], ["a=b", "c-"])
    with pytest.raises(KubectlError, match="all resources must be specified before label changes: q"):
        patches.split_resources_and_pairs(["pods", "a=b", "q"], "label")
    assert patches.parse_label_changes(["a=b", "c-"]) == ({"a": "b"}, ["c"])
    with pytest.raises(KubectlError, match="invalid label spec: a=b=c"):
        patches.parse_label_changes(["a=b=c"])
    with pytest.raises(KubectlError, match="must be no more than 63 characters"):
        patches.parse_label_changes(["a=" + "x" * 64])
    with pytest.raises(KubectlError, match="can not both modify and remove a label"):
        patches.parse_label_changes(["a=b", "a-"])
    assert patches.parse_annotation_changes(["a=b=c", "d-"]) == ({"a": "b=c"}, ["d"])
    with pytest.raises(KubectlError, match="invalid annotation format: x"):
        patches.parse_annotation_changes(["x"])
    with pytest.raises(KubectlError, match="following annotation\\(s\\) in the same command: a"):
        patches.parse_annotation_changes(["a=1", "a-"])


def test_parse_patch_reads_yaml_and_json():
    assert patches.parse_patch('{"a": 1}') == {"a": 1}
    assert patches.parse_patch("spec:\n  replicas: 2\n") == {"spec": {"replicas": 2}}
    with pytest.raises(patches.PatchError, match="yaml: "):
        patches.parse_patch("a: [")


def test_write_options():
    assert [parse_dry_run(v) for v in (None, "none", "client", "server", "true", "false")] == \
        ["none", "none", "client", "server", "client", "none"]
    with pytest.raises(KubectlError, match='Invalid dry-run value \\(x\\). Must be "none", "server", or "client".'):
        parse_dry_run("x")
    assert [validation_directive(v) for v in ("strict", "true", "warn", "ignore", "false")] == \
        ["Strict", "Strict", "Warn", "Ignore", "Ignore"]
    assert write_params("kubectl-create", "server", "Strict") == \
        {"dryRun": "All", "fieldManager": "kubectl-create", "fieldValidation": "Strict"}


def test_last_applied_is_compact_sorted_json_with_go_escaping():
    obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c"}, "data": {"x": "<&>"}}
    assert last_applied(obj) == ('{"apiVersion":"v1","data":{"x":"\\u003c\\u0026\\u003e"},"kind":"ConfigMap",'
                                 '"metadata":{"annotations":{},"name":"c"}}\n')
