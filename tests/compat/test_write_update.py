"""`label`, `annotate`, `scale`, `patch` and `replace`: the real kubectl 1.32 and pykubectl on the same fresh
server state — the same output, exit code and resulting objects (managers included)."""

from __future__ import annotations

import json
import re

import pytest

from tests.compat.test_write_harness import CM, DEPLOYMENT, POD, POD2, WriteHarness, normalise_text, yaml_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

POD_B = {**POD, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
POD_ANNOTATED = {**POD, "metadata": {**POD["metadata"], "annotations": {"x": "1"}}}
FILES = {
    "pod.yaml": yaml_text(POD),
    "pods.yaml": yaml_text(POD, POD2),
    "podb.yaml": yaml_text(POD_B),
    "podb-applied.yaml": yaml_text({**POD_B, "metadata": {
        **POD_B["metadata"], "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}\n"}}}),
    "missing.yaml": yaml_text({**POD, "metadata": {"name": "p9"}}),
    "cm.yaml": yaml_text({**CM, "data": {"a": "2", "b": "<&>"}}),
    "deploy.yaml": yaml_text(DEPLOYMENT),
    "kz/pod.yaml": yaml_text(POD),
    "kz/deploy.yaml": yaml_text(DEPLOYMENT),
    "kz/kustomization.yaml": "resources:\n- pod.yaml\n",
    "kzd/deploy.yaml": yaml_text(DEPLOYMENT),
    "kzd/kustomization.yaml": "resources:\n- deploy.yaml\n",
    "patch.yaml": "metadata:\n  labels:\n    from-file: \"yes\"\n",
    "patch.json": json.dumps([{"op": "add", "path": "/metadata/labels/j", "value": "v"}]),
}
SETUP = [POD_ANNOTATED, POD2, CM, DEPLOYMENT]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("write-home")


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, home, monkeypatch, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential write tests need the test API server")
    harness = WriteHarness(kube_apiserver, Runners(home, monkeypatch), kubeconfig_file, tmp_path)
    harness.write_files(FILES)
    yield harness
    harness.close()


LABEL_CASES = [
    ("pod", "p1", "tier=fe"),
    ("pod", "p1", "app=x"),
    ("pod", "p1", "app=web"),
    ("pod", "p1", "app=x", "--overwrite"),
    ("pod", "p1", "app-"),
    ("pod", "p1", "zz-"),
    ("pod", "p1", "app=web", "a=b", "zz-"),
    ("pod", "p1", "a=b", "app-"),
    ("pods", "--all", "q=1"),
    ("pods", "-l", "app=web", "q=1"),
    ("pods", "--all", "-l", "a=b", "q=1"),
    ("pods", "--all", "--field-selector", "metadata.name=p1", "q=1"),
    ("pods", "q=1"),
    ("pod", "nope", "p1", "q=1"),
    ("pod", "p1", "--list"),
    ("pod", "p1", "q=1", "--list", "-o", "yaml"),
    ("pod", "p1", "q=1", "--resource-version=1"),
    ("pods", "p1", "p2", "q=1", "--resource-version=1"),
    ("pod", "p1", "a=b=c"),
    ("pod", "p1", "a=b c"),
    ("pod", "p1", "x=1", "x-"),
    ("pod", "p1", "x"),
    ("pod", "p1", "q=1", "r"),
    ("pod", "p1"),
    ("pod", "p1", "q=1", "--local"),
    ("--local", "q=1"),
    ("-f", "pod.yaml", "--local", "q=1", "-o", "json"),
    ("-f", "pods.yaml", "q=2"),
    ("pod", "p1", "q=1", "-o", "name"),
    ("pod", "p1", "q=1", "-o", "yaml"),
    ("pod", "p1", "q=1", "--dry-run=client"),
    ("pod", "p1", "q=1", "--dry-run=server"),
    ("pod", "p1", "q=1", "--dry-run=server", "--local"),
    ("pod", "p1", "q=1", "--field-manager=me"),
    ("deployment", "web", "q=1"),
    ("-k", "kz", "q=1"),
]


@pytest.mark.parametrize("args", LABEL_CASES, ids=" ".join)
def test_label(harness, args):
    harness.check(("label", *args), setup=SETUP, normalise=_normaliser_for(args))


ANNOTATE_CASES = [
    ("pod", "p1", "y=2"),
    ("pod", "p1", "x=2"),
    ("pod", "p1", "x=1"),
    ("pod", "p1", "x=2", "--overwrite"),
    ("pod", "p1", "x-", "zz-"),
    ("pod", "p1", "description=my frontend"),
    ("pods", "--all", "q=1"),
    ("pods", "-l", "app=db", "q=1"),
    ("pod", "p1", "--list"),
    ("pod", "p1", "q=1", "--list", "-o", "yaml"),
    ("pod", "p1", "q=1", "--resource-version=1"),
    ("pods", "p1", "p2", "q=1", "--resource-version=1"),
    ("pod", "p1", "=x"),
    ("pod", "p1", "x=1", "x-"),
    ("pod", "p1", "kubernetes.io/change-cause=z"),
    ("pod", "p1", "q=1", "--local"),
    ("--local", "q=1"),
    ("-f", "pod.yaml", "q=2"),
    ("pod", "p1", "q=1", "--dry-run=client", "-o", "json"),
    ("pod", "p1", "q=1", "--dry-run=server"),
    ("pod", "nope", "q=1"),
    ("configmap", "cm1", "q=1", "-o", "jsonpath={.metadata.annotations}"),
    ("-k", "kz", "q=1"),
]


@pytest.mark.parametrize("args", ANNOTATE_CASES, ids=" ".join)
def test_annotate(harness, args):
    harness.check(("annotate", *args), setup=SETUP, normalise=_normaliser_for(args))


def _normaliser_for(args):
    # `--list` ranges over a Go map, so kubectl prints the pairs in random order.
    if "--list" not in args:
        return normalise_text
    return lambda text: "".join(sorted(normalise_text(text).splitlines(keepends=True)))


def _hide_versions(text: str) -> str:
    return re.sub(r"was \d+", "was RV", normalise_text(text))


SCALE_CASES = [
    ("deploy", "web", "--replicas=3"),
    ("deploy/web", "--replicas=0", "-o", "name"),
    ("deploy", "web"),
    ("deploy", "web", "--replicas=-1"),
    ("deploy", "web", "--replicas=3", "--current-replicas=2"),
    ("deploy", "web", "--replicas=3", "--current-replicas=5"),
    ("deploy", "web", "--replicas=3", "--current-replicas=-3"),
    ("deploy", "web", "--replicas=3", "--resource-version=1"),
    ("deploy", "--replicas=3"),
    ("deploy", "--all", "--replicas=4"),
    ("deploy", "-l", "app=web", "--replicas=4"),
    ("deploy", "web", "nope", "--replicas=1"),
    ("pod", "p1", "--replicas=2"),
    ("-f", "deploy.yaml", "--replicas=5"),
    ("deploy", "web", "--replicas=1", "--dry-run=client", "-o", "jsonpath={.spec.replicas}"),
    ("deploy", "web", "--replicas=1", "--dry-run=server"),
    ("deploy", "web", "--replicas=1", "-o", "yaml"),
    ("deploy/web", "--replicas=2", "--timeout=x"),
    ("-k", "kzd", "--replicas=3"),
]


@pytest.mark.parametrize("args", SCALE_CASES, ids=" ".join)
def test_scale(harness, args):
    harness.check(("scale", *args), setup=SETUP, normalise=_hide_versions)


PATCH_CASES = [
    ("pod", "p1", "-p", '{"metadata":{"labels":{"z":"1"}}}'),
    ("pod", "p1", "-p", '{"metadata":{"labels":{"app":"web"}}}'),
    ("pod", "p1", "-p", 'metadata: {labels: {z: "2"}}', "--type", "merge"),
    ("pod", "p1", "--type", "json", "-p", '[{"op":"add","path":"/metadata/labels/q","value":"v"}]', "-o", "name"),
    ("pod", "p1", "-p", '{"spec":{"containers":[{"name":"c","image":"busybox"}]}}'),
    ("pod", "p1", "-p", '{"spec":{"containers":[{"name":"c","image":"busybox"}]}}', "--dry-run=client", "-o", "yaml"),
    ("pod", "p1", "-p", '{"spec":{"containers":[{"name":"c","image":"busybox"}]}}', "--dry-run=server"),
    ("pod", "p1", "-p", '{"spec":{"containers":[{"image":"busybox"}]}}'),
    ("pod", "p1", "--patch-file", "patch.yaml"),
    ("pod", "p1", "--patch-file", "patch.json", "--type=json"),
    ("pod", "p1", "--patch-file", "nope.yaml"),
    ("pod", "p1"),
    ("pod", "p1", "-p", "{}", "--patch-file", "patch.yaml"),
    ("pod", "p1", "-p", "{}", "--type", "foo"),
    ("pod", "p1", "-p", "{}", "--local"),
    ("pod", "nope", "-p", "{}"),
    ("deploy", "web", "--subresource=scale", "--type=merge", "-p", '{"spec":{"replicas":5}}'),
    ("deploy", "web", "-p", '{"spec":{"replicas":2}}'),
    ("configmap", "cm1", "--type=merge", "-p", '{"data":{"a":null,"b":"2"}}', "-o", "json"),
    ("-f", "pod.yaml", "-p", '{"metadata":{"labels":{"f":"1"}}}'),
    ("-k", "kz", "-p", '{"metadata":{"labels":{"k":"1"}}}'),
    ("-f", "pod.yaml", "--local", "-p", '{"spec":{"containers":[{"name":"d","image":"busybox"}]}}', "-o", "yaml"),
    ("-f", "pod.yaml", "--local", "-p", '{"spec":{"containers":[{"name":"c","$patch":"delete"}]}}', "-o", "json"),
    ("-f", "pod.yaml", "--local", "--type=merge", "-p", '{"spec":{"containers":[{"name":"d"}]}}', "-o", "json"),
    ("-f", "pod.yaml", "--local", "--type=json", "-p", '{"a":1}'),
    ("-f", "pod.yaml", "--local", "--type=json", "-p", '[{"op":"add","path":"/spec/a/b","value":1}]'),
    ("-f", "pod.yaml", "--local", "--type=json", "-p", '[{"op":"remove","path":"/spec/nope"}]'),
    ("-f", "pod.yaml", "--local", "--type=json", "-p", '[{"op":"bogus","path":"/spec"}]'),
    ("-f", "pod.yaml", "--local", "--type=json", "-p", '[{"op":"replace","path":"/spec/x","value":1}]', "-o",
     "json"),
]


@pytest.mark.parametrize("args", PATCH_CASES, ids=" ".join)
def test_patch(harness, args):
    harness.check(("patch", *args), setup=SETUP)


REPLACE_CASES = [
    ("-f", "podb.yaml"),
    ("-f", "podb.yaml", "-o", "jsonpath={.spec.containers[0].image}"),
    ("-f", "podb.yaml", "--save-config"),
    ("-f", "podb-applied.yaml", "-o", "name"),
    ("-f", "cm.yaml", "-o", "yaml"),
    ("-f", "missing.yaml"),
    ("-f", "podb.yaml", "-f", "missing.yaml"),
    ("-f", "podb.yaml", "--dry-run=client"),
    ("-f", "podb.yaml", "--dry-run=server"),
    ("-f", "podb.yaml", "--force"),
    ("-f", "missing.yaml", "--force"),
    ("-f", "podb.yaml", "--grace-period=3"),
    ("-f", "podb.yaml", "--timeout=3s"),
    ("-f", "podb.yaml", "--force", "--dry-run=client"),
    ("-f", "podb.yaml", "--field-manager=me"),
    ("-k", "kz"),
    ("pod", "x"),
    (),
]


@pytest.mark.parametrize("args", REPLACE_CASES, ids=" ".join)
def test_replace(harness, args):
    harness.check(("replace", *args), setup=SETUP)


def test_replace_from_stdin_with_force(harness):
    harness.check(("replace", "--force", "-f", "-"), setup=SETUP, stdin=yaml_text(POD_B))


@pytest.mark.parametrize("verb", ["label", "annotate", "scale", "patch", "replace"])
def test_help(harness, verb):
    harness.check((verb, "--help"), state=False)


CRD = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "crontabs.stable.example.com"},
       "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
                "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                    "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}
CRONTAB = {"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "ct1"},
           "spec": {"cron": "* * * * *"}}


@pytest.mark.parametrize("args", [
    ("patch", "ct", "ct1", "-p", '{"spec":{"a":1}}'),
    ("patch", "ct", "ct1", "--type=merge", "-p", '{"spec":{"a":1}}', "-o", "jsonpath={.spec}"),
    ("patch", "-f", "ct.yaml", "--local", "-p", '{"spec":{"a":1}}'),
    ("label", "crontab", "ct1", "a=b"),
    ("annotate", "crontabs.stable.example.com/ct1", "a=b", "-o", "name"),
    ("delete", "ct", "ct1"),
    ("replace", "-f", "ct.yaml", "-o", "jsonpath={.spec}"),
], ids=" ".join)
def test_custom_resources(harness, args):
    """Custom resources: strategic merge is refused (by the server, or on the client for --local)."""
    harness.write_files({"ct.yaml": yaml_text({**CRONTAB, "spec": {"cron": "5 * * * *"}})})

    def setup():
        response = harness.http.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json=CRD)
        assert response.status_code == 201, response.text
        path = "/apis/stable.example.com/v1/namespaces/default/crontabs"
        for _ in range(50):  # the new API appears shortly after the CRD is stored
            response = harness.http.post(path, json=CRONTAB)
            if response.status_code == 201:
                return
            __import__("time").sleep(0.05)
        raise AssertionError(response.text)

    original = harness.prepare

    def prepare(objects):
        original(objects)
        setup()

    harness.prepare = prepare
    result, _ = harness.check(args)
    assert result.stderr or result.stdout
