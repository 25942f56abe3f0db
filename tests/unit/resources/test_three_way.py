"""The three-way patches of client-side apply, on small hand-made schemas (no server)."""

from __future__ import annotations

import pytest

from pykubectl.resources.patch_metadata import V3PatchMeta, is_builtin_group
from pykubectl.resources.patches import PatchSchema
from pykubectl.resources.three_way import (
    ThreeWayError,
    go_value_string,
    patch_json,
    three_way_merge_patch,
    three_way_strategic_patch,
)

SCHEMAS = {
    "Pod": {"properties": {"metadata": {"$ref": "#/components/schemas/Meta"},
                           "spec": {"allOf": [{"$ref": "#/components/schemas/PodSpec"}]}},
            "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}]},
    "Meta": {"properties": {"labels": {"type": "object", "additionalProperties": {"type": "string"}},
                            "finalizers": {"type": "array", "items": {"type": "string"},
                                           "x-kubernetes-patch-strategy": "merge"}}},
    "PodSpec": {"properties": {
        "containers": {"type": "array", "items": {"$ref": "#/components/schemas/Container"},
                       "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"},
        "volumes": {"type": "array", "items": {"$ref": "#/components/schemas/Volume"},
                    "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge,retainKeys"},
        "args": {"type": "array", "items": {"type": "string"}},
        "nodeSelector": {"type": "object", "additionalProperties": {"type": "string"}},
        "extra": {"type": "object"}}},
    "Container": {"properties": {
        "name": {"type": "string"}, "image": {"type": "string"},
        "env": {"type": "array", "items": {"$ref": "#/components/schemas/Env"},
                "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}}},
    "Env": {"properties": {"name": {"type": "string"}, "value": {"type": "string"}}},
    "Volume": {"properties": {"name": {"type": "string"}, "emptyDir": {"type": "object", "properties": {}},
                              "configMap": {"type": "object", "properties": {"name": {"type": "string"}}}}},
}
V3 = V3PatchMeta(SCHEMAS["Pod"], SCHEMAS)


def pod(containers=None, **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": containers or [{"name": "c", "image": "nginx"}], **spec}}


def test_no_change_is_an_empty_patch():
    assert three_way_strategic_patch(pod(), pod(), pod(), V3) == {}
    assert patch_json({}) == "{}"


def test_changed_image_merges_the_container_by_name():
    patch = three_way_strategic_patch(pod(), pod([{"name": "c", "image": "nginx:2"}]), pod(), V3)
    assert patch == {"spec": {"$setElementOrder/containers": [{"name": "c"}],
                              "containers": [{"image": "nginx:2", "name": "c"}]}}


def test_field_dropped_from_the_manifest_becomes_null_but_a_live_only_field_stays():
    original = pod(args=["a"])
    current = pod(args=["a"], nodeSelector={"zone": "x"})
    patch = three_way_strategic_patch(original, pod(), current, V3)
    assert patch == {"spec": {"args": None}}


def test_removed_container_gets_a_delete_directive_after_the_changes():
    two = pod([{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    patch = three_way_strategic_patch(two, pod([{"name": "b", "image": "z"}]), two, V3)
    assert patch == {"spec": {"$setElementOrder/containers": [{"name": "b"}],
                              "containers": [{"image": "z", "name": "b"}, {"$patch": "delete", "name": "a"}]}}


def test_reordered_list_sends_only_the_order():
    ab = pod([{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    ba = pod([{"name": "b", "image": "y"}, {"name": "a", "image": "x"}])
    assert three_way_strategic_patch(ab, ba, ab, V3) == {
        "spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}]}}


def test_nested_merge_list_inside_a_merged_element():
    before = pod([{"name": "c", "image": "x", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}])
    after = pod([{"name": "c", "image": "x", "env": [{"name": "C", "value": "3"}, {"name": "A", "value": "1"}]}])
    patch = three_way_strategic_patch(before, after, before, V3)
    assert patch == {"spec": {"$setElementOrder/containers": [{"name": "c"}], "containers": [{
        "$setElementOrder/env": [{"name": "C"}, {"name": "A"}],
        "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}], "name": "c"}]}}


def test_primitive_merge_list_deletions():
    before = {"metadata": {"finalizers": ["a", "b"]}}
    after = {"metadata": {"finalizers": ["b", "c"]}}
    patch = three_way_strategic_patch(before, after, before, V3)
    assert patch == {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"],
                                  "$setElementOrder/finalizers": ["b", "c"], "finalizers": ["c"]}}


def test_retain_keys_when_a_volume_changes_its_source():
    before = pod(volumes=[{"name": "v", "emptyDir": {}}])
    after = pod(volumes=[{"name": "v", "configMap": {"name": "cm"}}])
    patch = three_way_strategic_patch(before, after, before, V3)
    assert patch == {"spec": {"$setElementOrder/volumes": [{"name": "v"}], "volumes": [
        {"$retainKeys": ["configMap", "name"], "configMap": {"name": "cm"}, "emptyDir": None, "name": "v"}]}}


def test_lists_without_a_strategy_are_replaced_whole():
    patch = three_way_strategic_patch(pod(args=["a", "b"]), pod(args=["b"]), pod(args=["a", "b"]), V3)
    assert patch == {"spec": {"args": ["b"]}}


def test_v3_lookup_fails_only_when_the_values_differ():
    same = pod(extra={"k": {"x": 1}})
    assert three_way_strategic_patch(same, same, same, V3) == {}
    with pytest.raises(ThreeWayError, match='unable to find api field "k"'):
        three_way_strategic_patch(same, pod(extra={"k": {"x": 2}}), same, V3)


def test_lenient_schema_diffs_unknown_fields_as_maps():
    schema = PatchSchema.for_kind({"components": {"schemas": SCHEMAS}}, "", "v1", "Pod")
    patch = three_way_strategic_patch(pod(extra={"k": {"x": 1}}), pod(extra={"k": {"x": 2}}), pod(), schema)
    assert patch == {"spec": {"extra": {"k": {"x": 2}}}}


def test_no_last_applied_deletes_nothing():
    current = pod(args=["a"])
    assert three_way_strategic_patch(None, pod(), current, V3) == {}


def test_merge_patch_for_custom_resources():
    original = {"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"a": 1, "b": 2, "l": [1]}}
    modified = {"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"a": 1, "l": [2]}}
    current = {**original, "status": {"ok": True}}
    assert three_way_merge_patch(original, modified, current) == {"spec": {"b": None, "l": [2]}}


@pytest.mark.parametrize("change", [{"kind": "V"}, {"apiVersion": "x/v2"}, {"metadata": {"name": "other"}}])
def test_merge_patch_refuses_identity_changes(change):
    obj = {"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w"}}
    with pytest.raises(ThreeWayError, match="At least one of apiVersion, kind and name was changed"):
        three_way_merge_patch(obj, {**obj, **change}, obj)


def test_patch_json_is_gos_marshal():
    assert patch_json({"b": "<&>", "a": [None, True, 1.5]}) == '{"a":[null,true,1.5],"b":"\\u003c\\u0026\\u003e"}'


@pytest.mark.parametrize(("value", "text"), [(None, "<nil>"), (True, "true"), (80.0, "80"), ("x", "x"), (7, "7")])
def test_go_value_string(value, text):
    assert go_value_string(value) == text


@pytest.mark.parametrize(("group", "builtin"), [("", True), ("apps", True), ("rbac.authorization.k8s.io", True),
                                                ("example.com", False), ("cluster.x-k8s.io", False)])
def test_builtin_groups(group, builtin):
    assert is_builtin_group(group) is builtin
