"""The built-in kustomize builder (resources/kustomize.py) without the real kubectl: the pieces whose exact
behaviour the compat tests pin down only indirectly."""

from __future__ import annotations

import shutil

import pytest

from pykubectl.errors import KubectlError
from pykubectl.resources import kustomize


@pytest.fixture(autouse=True)
def _no_kustomize_binary(monkeypatch):
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "kustomize" else real(name, *a, **k))


def build(tmp_path, files: dict[str, str]) -> list[dict]:
    for relative, content in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return kustomize.build(str(tmp_path))


def test_hash_is_kustomizes_for_a_one_literal_configmap():
    # `kubectl kustomize` names configMapGenerator [{name: s, literals: [a=b]}] "s-4h2mbtbbt6"
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"a": "b"}}
    assert kustomize._hash(obj) == "4h2mbtbbt6"


def test_hash_ignores_the_name_and_escapes_html_as_go_does():
    one = {"kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "<&>"}}
    two = {"kind": "ConfigMap", "metadata": {"name": "b"}, "data": {"k": "<&>"}}
    assert kustomize._hash(one) == kustomize._hash(two)
    assert kustomize._go_json({"k": "<&>"}) == '{"k":"\\u003c\\u0026\\u003e"}'
    assert not set(kustomize._hash(one)) & set("013ae")


def test_secret_hash_depends_on_type():
    opaque = {"kind": "Secret", "type": "Opaque", "metadata": {"name": "s"}, "data": {"a": "Yg=="}}
    tls = {**opaque, "type": "kubernetes.io/tls"}
    assert kustomize._hash(opaque) != kustomize._hash(tls)


@pytest.mark.parametrize(("image", "change", "expected"), [
    ("nginx", {"name": "nginx", "newTag": "1.2"}, "nginx:1.2"),
    ("nginx:1.1", {"name": "nginx", "newName": "r.io/nginx"}, "r.io/nginx:1.1"),
    ("nginx:1.1", {"name": "nginx", "digest": "sha256:ab"}, "nginx@sha256:ab"),
    ("nginx@sha256:00", {"name": "nginx", "newTag": "2"}, "nginx:2"),
    ("host:5000/a/nginx:1", {"name": "host:5000/a/nginx", "newTag": "3"}, "host:5000/a/nginx:3"),
    ("nginx:1", {"name": "nginx", "newTag": "2", "digest": "sha256:cd"}, "nginx:2@sha256:cd"),
    ("redis:7", {"name": "nginx", "newTag": "2"}, "redis:7"),
])
def test_image_rewrites(image, change, expected):
    assert kustomize._new_image(image, change) == expected


def test_strategic_merge_lists_put_patch_items_first():
    original = {"spec": {"containers": [{"name": "a"}, {"name": "b", "image": "x"}, {"name": "c"}],
                         "args": ["1", "2"]}}
    patch = {"spec": {"containers": [{"name": "b", "image": "y"}, {"name": "new"}, {"name": "c", "$patch": "delete"}],
                      "args": ["3"]}}
    merged = kustomize._merge_map(original, patch, "Pod")
    assert merged["spec"]["containers"] == [{"name": "b", "image": "y"}, {"name": "new"}, {"name": "a"}]
    assert merged["spec"]["args"] == ["3"]


def test_references_follow_prefix_and_hash(tmp_path):
    objects = build(tmp_path, {
        "kustomization.yaml": "namePrefix: x-\nresources: [pod.yaml]\nconfigMapGenerator:\n- name: cfg\n"
                              "  literals: [a=b]\n",
        "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
                    "    envFrom: [{configMapRef: {name: cfg}}, {configMapRef: {name: other}}]\n",
    })
    config, pod = objects
    assert config["metadata"]["name"].startswith("x-cfg-")
    refs = [e["configMapRef"]["name"] for e in pod["spec"]["containers"][0]["envFrom"]]
    assert refs == [config["metadata"]["name"], "other"]


def test_patch_delete_directive_removes_the_resource(tmp_path):
    objects = build(tmp_path, {
        "kustomization.yaml": "resources: [cms.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n"
                              "    metadata: {name: gone}\n    $patch: delete\n",
        "cms.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone}\n---\napiVersion: v1\nkind: ConfigMap\n"
                    "metadata: {name: kept}\n",
    })
    assert [o["metadata"]["name"] for o in objects] == ["kept"]


def test_targets_match_by_regex_and_label_selector(tmp_path):
    objects = build(tmp_path, {
        "kustomization.yaml": "resources: [cms.yaml]\npatches:\n- target: {kind: ConfigMap, name: 'a.*', "
                              "labelSelector: 'x=1'}\n  patch: '[{op: add, path: /data, value: {hit: \"y\"}}]'\n",
        "cms.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ab, labels: {x: '1'}}\n---\napiVersion: v1\n"
                    "kind: ConfigMap\nmetadata: {name: ac}\n---\napiVersion: v1\nkind: ConfigMap\n"
                    "metadata: {name: b, labels: {x: '1'}}\n",
    })
    assert {o["metadata"]["name"]: o.get("data") for o in objects} == {"ab": {"hit": "y"}, "ac": None, "b": None}


@pytest.mark.parametrize("field", ["helmGlobals", "helmCharts", "transformers", "generators"])
def test_unsupported_fields_are_named(tmp_path, field):
    with pytest.raises(KubectlError, match=f"kustomization field '{field}' needs the kustomize binary"):
        build(tmp_path, {"kustomization.yaml": f"{field}:\n- x\n"})


def test_individual_file_names():
    objects = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "A", "namespace": "x"}},
               {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}},
               {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "N"}}]
    assert [name for name, _ in kustomize.individual_files(objects)] == [
        "x_v1_configmap_a.yaml", "default_apps_v1_deployment_d.yaml", "v1_namespace_n.yaml"]
    assert [name for name, _ in kustomize.individual_files(objects[:1])] == ["v1_configmap_a.yaml"]
