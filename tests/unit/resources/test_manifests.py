"""resources.manifests: document splitting, YAML/JSON decoding, kubectl's errors, files and directories."""

from __future__ import annotations

import io

import pytest

from pykubectl.errors import KubectlError
from pykubectl.resources.manifests import (
    Manifest,
    ManifestError,
    expand_lists,
    parse_documents,
    read_manifests,
    split_yaml_documents,
)

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n"


@pytest.mark.parametrize("text, count", [
    ("a: 1\n", 1),
    ("a: 1\n---\nb: 2\n", 2),
    ("---\na: 1\n---\n", 1),
    ("a: 1\n--- # a comment\nb: 2\n", 2),
    ("a: 1\n---   \nb: 2\n", 2),
    ("a: |\n  ---x\n", 1),
    ("a: 1\n---x\n", 1),
])
def test_yaml_documents_split_on_separator_lines_only(text, count):
    assert len([d for d in split_yaml_documents(text) if d.strip()]) == count


def test_empty_and_null_documents_are_skipped():
    text = "---\n---\n" + CM.format("a") + "---\nnull\n---\n# only a comment\n---\n" + CM.format("b")
    names = [d["metadata"]["name"] for d in parse_documents(text, "f.yaml")]
    assert names == ["a", "b"]


def test_a_json_stream_holds_several_objects():
    text = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}\n {"apiVersion":"v1","kind":"Pod",' \
           '"metadata":{"name":"b"}}'
    assert [d["metadata"]["name"] for d in parse_documents(text, "p.json")] == ["a", "b"]


@pytest.mark.parametrize("text, message", [
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n",
     "error parsing f.yaml: error converting YAML to JSON: yaml: line 4: found character that cannot start any token"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n bad: : y\n",
     "error parsing f.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\nx: [\n",
     "error parsing f.yaml: error converting YAML to JSON: yaml: line 5: did not find expected node content"),
    ("apiVersion: v1\nmetadata:\n  zeta: 1\n  name: x\n",
     'unable to decode "f.yaml": Object \'Kind\' is missing in \'{"apiVersion":"v1","metadata":{"name":"x","zeta":1}}\''),
    ("- a\n- b\n",
     'unable to decode "f.yaml": json: cannot unmarshal array into Go value of type unstructured.detector'),
])
def test_bad_documents_give_kubectls_messages(text, message):
    results = list(parse_documents(text, "f.yaml"))
    assert isinstance(results[-1], ManifestError)
    assert str(results[-1]) == message


def test_a_bad_document_stops_its_stream_but_keeps_what_came_before():
    text = CM.format("a") + "---\nx: [\n---\n" + CM.format("c")
    results = list(parse_documents(text, "f.yaml"))
    assert [type(r) for r in results] == [dict, ManifestError]


def test_json_without_kind_quotes_the_raw_text():
    (error,) = parse_documents('{"metadata": {"name": "j"}, "apiVersion": "v1"}', "x.json")
    assert str(error) == 'unable to decode "x.json": Object \'Kind\' is missing in ' \
                         '\'{"metadata": {"name": "j"}, "apiVersion": "v1"}\''


def test_directories_read_manifest_extensions_and_recurse_only_with_r(tmp_path):
    (tmp_path / "b.yaml").write_text(CM.format("b"))
    (tmp_path / "a.json").write_text('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}')
    (tmp_path / "c.yml").write_text(CM.format("c"))
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.yaml").write_text(CM.format("d"))
    flat = [m.obj["metadata"]["name"] for m in read_manifests([str(tmp_path)])]
    deep = [m.obj["metadata"]["name"] for m in read_manifests([str(tmp_path)], recursive=True)]
    assert flat == ["a", "b", "c"]
    assert deep == ["a", "b", "c", "d"]


def test_missing_paths_and_empty_directories_fail_before_reading(tmp_path):
    with pytest.raises(KubectlError, match='^the path "nope.yaml" does not exist$'):
        list(read_manifests(["nope.yaml"]))
    (tmp_path / "empty").mkdir()
    with pytest.raises(KubectlError) as caught:
        list(read_manifests([str(tmp_path / "empty")]))
    assert str(caught.value) == f"error reading [{tmp_path / 'empty'}]: recognized file extensions are " \
                                "[.json .yaml .yml]"


def test_stdin_is_named_stdin():
    (manifest,) = read_manifests(["-"], stdin=io.StringIO(CM.format("s")))
    assert manifest == Manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}}, "STDIN")


def test_lists_expand_into_their_items_with_the_same_source():
    lst = Manifest({"kind": "List", "items": [{"kind": "A"}, {"kind": "B", "items": []}]}, "l.yaml")
    assert [m.obj["kind"] for m in expand_lists([lst])] == ["A"]
    assert {m.source for m in expand_lists([lst])} == {"l.yaml"}


def _kustomize(tmp_path, kustomization: str, objects: str):
    from pykubectl.resources.manifests import read_kustomization

    (tmp_path / "kustomization.yaml").write_text(kustomization)
    (tmp_path / "r.yaml").write_text(objects)
    notices: list[str] = []
    return list(read_kustomization(str(tmp_path), notices.append)), notices


def _doc(kind: str, name: str, api_version: str = "v1", namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}{ns}\n---\n"


def test_kustomize_orders_objects_as_kustomizes_legacy_sort(tmp_path):
    objects = "".join([_doc("Service", "s"), _doc("Endpoints", "e"), _doc("ConfigMap", "z", namespace="a"),
                       _doc("ConfigMap", "a", namespace="b"), _doc("ConfigMap", "m"),
                       _doc("DaemonSet", "d", "apps/v1"), _doc("Job", "j", "batch/v1"), _doc("Pod", "p"),
                       _doc("ValidatingWebhookConfiguration", "v", "admissionregistration.k8s.io/v1"),
                       _doc("CustomResourceDefinition", "x.example.com", "apiextensions.k8s.io/v1")])
    manifests, _ = _kustomize(tmp_path, "resources:\n- r.yaml\n", objects)
    assert [m.obj["metadata"]["name"] for m in manifests] == ["x.example.com", "z", "a", "m", "e", "s", "d", "j", "p",
                                                              "v"]
    assert {m.source for m in manifests} == {str(tmp_path)}


def test_kustomize_namespace_prefix_and_labels_skip_what_kustomize_skips(tmp_path):
    objects = _doc("ConfigMap", "c") + _doc("Namespace", "n") + _doc("ClusterRole", "r", "rbac.authorization.k8s.io/v1")
    manifests, notices = _kustomize(tmp_path, "resources:\n- r.yaml\nnamespace: zz\nnamePrefix: p-\nnameSuffix: -s\n"
                                              "commonLabels:\n  team: x\n", objects)
    by_kind = {m.obj["kind"]: m.obj["metadata"] for m in manifests}
    assert by_kind["ConfigMap"] == {"name": "p-c-s", "namespace": "zz", "labels": {"team": "x"}}
    assert by_kind["Namespace"] == {"name": "zz", "labels": {"team": "x"}}  # kustomize renames it to the namespace
    assert by_kind["ClusterRole"] == {"name": "p-r-s", "labels": {"team": "x"}}
    assert notices == ["# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' "
                       "to update your Kustomization automatically."]


def test_kustomize_errors(tmp_path):
    from pykubectl.resources.manifests import read_kustomization

    (error,) = read_kustomization(str(tmp_path))
    assert str(error) == ("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in "
                          f"directory '{tmp_path}'")
    (error,) = read_kustomization(str(tmp_path / "nope"))
    assert str(error) == (f"must build at directory: not a valid directory: evalsymlink failure on "
                          f"'{tmp_path / 'nope'}' : lstat {tmp_path / 'nope'}: no such file or directory")
