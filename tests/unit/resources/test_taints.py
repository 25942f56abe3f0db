"""resources/taints: kubectl taint's argument parsing and the taint list it computes (pkg/cmd/taint/utils.go)."""

from __future__ import annotations

import pytest

from pykubectl.errors import KubectlError
from pykubectl.resources import taints


def t(key, value="", effect=""):
    out = {"key": key}
    if value:
        out["value"] = value
    if effect:
        out["effect"] = effect
    return out


@pytest.mark.parametrize(("spec", "expected"), [
    ("dedicated=special-user:NoSchedule", t("dedicated", "special-user", "NoSchedule")),
    ("bar:NoExecute", t("bar", effect="NoExecute")),
    ("a=:PreferNoSchedule", t("a", effect="PreferNoSchedule")),
    ("example.com/gpu=yes:NoSchedule", t("example.com/gpu", "yes", "NoSchedule")),
    ("plain", t("plain")),
])
def test_parse_taint(spec, expected):
    assert taints.parse_taint(spec) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("a=b:Bogus", "invalid taint effect: Bogus, unsupported taint effect"),
    ("a=b=c:NoSchedule", "invalid taint spec: a=b=c:NoSchedule"),
    ("a:b:c", "invalid taint spec: a:b:c"),
    ("/x:NoSchedule", "invalid taint spec: /x:NoSchedule, prefix part must be non-empty"),
    ("k" * 64 + ":NoSchedule", f"invalid taint spec: {'k' * 64}:NoSchedule, name part must be no more than 63 characters"),
    ("v=" + "k" * 64 + ":NoSchedule", f"invalid taint spec: v={'k' * 64}:NoSchedule, must be no more than 63 characters"),
])
def test_parse_taint_errors(spec, message):
    with pytest.raises(taints.TaintSpecError) as caught:
        taints.parse_taint(spec)
    assert str(caught.value) == message


def test_an_empty_key_fails_both_checks_as_apimachinery_does():
    errors = taints.qualified_name_errors("")
    assert errors[0] == "name part must be non-empty"
    assert errors[1].startswith("name part must consist of alphanumeric characters")
    assert "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used" in errors[1]


def test_parse_taints_splits_additions_and_removals():
    add, remove = taints.parse_taints(["a=1:NoSchedule", "b-", "c=ignored:NoExecute-"])
    assert add == [t("a", "1", "NoSchedule")]
    assert remove == [t("b"), t("c", effect="NoExecute")]  # a removal keeps no value


def test_an_addition_needs_an_effect():
    with pytest.raises(taints.TaintSpecError, match=r"^invalid taint spec: gpu$"):
        taints.parse_taints(["gpu"])


def test_duplicates_print_as_a_go_struct():
    with pytest.raises(taints.TaintSpecError) as caught:
        taints.parse_taints(["a=1:NoSchedule", "a=2:NoSchedule"])
    assert str(caught.value) == "duplicated taints with the same key and effect: {a 2 NoSchedule <nil>}"


def test_split_taint_args():
    assert taints.split_taint_args(["node", "n1", "n2", "a=b:NoSchedule", "c-"]) == (
        ["node", "n1", "n2"], ["a=b:NoSchedule", "c-"])
    with pytest.raises(KubectlError, match="all resources must be specified before taint changes: x"):
        taints.split_taint_args(["node", "a:NoSchedule", "x"])


def test_conflicts_name_key_and_effect_of_the_removal():
    add, remove = taints.parse_taints(["x=1:NoSchedule", "x:NoSchedule-", "x-", "y-"])
    assert taints.conflicts(add, remove) == ["x=NoSchedule", "x="]


def test_existing_clashes_lists_keys_with_the_same_effect():
    current = [t("a", "1", "NoSchedule"), t("b", effect="NoExecute")]
    assert taints.existing_clashes(current, [t("a", "2", "NoSchedule"), t("b", effect="NoSchedule")]) == "a"


def test_reorganize_adds_first_then_keeps_the_rest():
    current = [t("old", "1", "NoSchedule"), t("keep", effect="NoExecute")]
    operation, new, errors = taints.reorganize(current, False, [t("new", "2", "NoSchedule")], [])
    assert (operation, errors) == ("tainted", [])
    assert new == [t("new", "2", "NoSchedule"), t("old", "1", "NoSchedule"), t("keep", effect="NoExecute")]


def test_reorganize_overwrite_replaces_and_says_modified():
    operation, new, _ = taints.reorganize([t("a", "1", "NoSchedule")], True, [t("a", "2", "NoSchedule")], [])
    assert (operation, new) == ("modified", [t("a", "2", "NoSchedule")])


def test_reorganize_removal_by_key_and_by_effect():
    current = [t("a", "1", "NoSchedule"), t("a", effect="NoExecute"), t("b", effect="NoSchedule")]
    assert taints.reorganize(current, False, [], [t("a")]) == ("untainted", [t("b", effect="NoSchedule")], [])
    operation, new, errors = taints.reorganize(current, False, [], [t("a", effect="NoExecute")])
    assert (operation, new, errors) == ("untainted", [t("a", "1", "NoSchedule"), t("b", effect="NoSchedule")], [])


def test_reorganize_reports_every_missing_removal():
    _, _, errors = taints.reorganize([t("a", effect="NoSchedule")], False, [], [t("x"), t("y", effect="NoSchedule")])
    assert errors == ['taint "x" not found', 'taint "y:NoSchedule" not found']


def test_reorganize_add_and_remove_is_modified():
    current = [t("a", effect="NoSchedule")]
    operation, new, _ = taints.reorganize(current, False, [t("b", effect="NoSchedule")], [t("a")])
    assert (operation, new) == ("modified", [t("b", effect="NoSchedule")])


@pytest.mark.parametrize(("taint", "text"), [
    (t("k"), "k"), (t("k", "v"), "k=v:"), (t("k", effect="NoSchedule"), "k:NoSchedule"),
    (t("k", "v", "NoExecute"), "k=v:NoExecute"),
])
def test_taint_string(taint, text):
    assert taints.taint_string(taint) == text


def test_typed_node_orders_fields_as_the_go_struct():
    node = {"apiVersion": "v1", "kind": "Node", "status": {"nodeInfo": {"architecture": "amd64", "machineID": "m"}},
            "spec": {"taints": [{"effect": "NoSchedule", "key": "a", "value": "1"}], "podCIDR": "x"},
            "metadata": {"labels": {"z": "1", "a": "2"}, "uid": "u", "name": "n"}}
    typed = taints.typed_node(node)
    assert list(typed) == ["kind", "apiVersion", "metadata", "spec", "status"]
    assert list(typed["metadata"]) == ["name", "uid", "labels"]
    assert list(typed["metadata"]["labels"]) == ["a", "z"]
    assert list(typed["spec"]) == ["podCIDR", "taints"]
    assert list(typed["spec"]["taints"][0]) == ["key", "value", "effect"]
    assert list(typed["status"]["nodeInfo"]) == ["machineID", "architecture"]
