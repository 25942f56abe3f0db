"""`create -f` and `delete`: the real kubectl 1.32 and pykubectl on the same fresh server state — the same output,
exit code and resulting objects (managers included)."""

from __future__ import annotations

import pytest

from tests.compat.test_write_harness import CM, DEPLOYMENT, POD, POD2, WriteHarness, yaml_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

BOGUS = {"apiVersion": "v1", "kind": "Bogus", "metadata": {"name": "b"}}
INVALID_POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"}, "spec": {"containers": []}}
UNKNOWN_FIELD = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm2"}, "foo": 1}
FILES = {
    "pod.yaml": yaml_text(POD),
    "pods.yaml": yaml_text(POD, POD2),
    "cm.yaml": yaml_text(CM),
    "multi.yaml": yaml_text(CM, BOGUS, POD),
    "invalid.yaml": yaml_text(INVALID_POD),
    "unknown.yaml": yaml_text(UNKNOWN_FIELD),
    "deploy.json": __import__("json").dumps(DEPLOYMENT),
    "list.yaml": yaml_text({"apiVersion": "v1", "kind": "List", "items": [POD, CM]}),
    "dir/a.yaml": yaml_text(POD),
    "dir/b.yaml": yaml_text(CM),
    "kz/pod.yaml": yaml_text(POD),
    "kz/kustomization.yaml": "resources:\n- pod.yaml\nlabels:\n- pairs:\n    team: a\n",
    "other-ns.yaml": yaml_text({**CM, "metadata": {"name": "cm9", "namespace": "other"}}),
}


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


CREATE_CASES = [
    ("create", "-f", "pod.yaml"),
    ("create", "-f", "pods.yaml", "-o", "name"),
    ("create", "-f", "deploy.json", "-o", "yaml"),
    ("create", "-f", "pod.yaml", "-o", "json"),
    ("create", "-f", "pod.yaml", "-o", "jsonpath={.metadata.name}"),
    ("create", "-f", "pod.yaml", "--save-config"),
    ("create", "-f", "cm.yaml", "--save-config", "-o", "yaml"),
    ("create", "-f", "pod.yaml", "--dry-run=client", "-o", "yaml"),
    ("create", "-f", "pod.yaml", "--dry-run=client"),
    ("create", "-f", "pod.yaml", "--dry-run=server"),
    ("create", "-f", "pod.yaml", "--dry-run=server", "-o", "name"),
    ("create", "-f", "pod.yaml", "--dry-run=bogus"),
    ("create", "-f", "pod.yaml", "--field-manager=me"),
    ("create", "-f", "list.yaml", "--validate=false"),
    ("create", "-f", "dir"),
    ("create", "-f", "dir", "-l", "app=web"),
    ("create", "-f", "multi.yaml"),
    ("create", "-f", "multi.yaml", "--validate=false"),
    ("create", "-f", "invalid.yaml"),
    ("create", "-f", "unknown.yaml"),
    ("create", "-f", "unknown.yaml", "--validate=ignore", "-o", "name"),
    ("create", "-f", "unknown.yaml", "--validate=nope"),
    ("create", "-f", "missing.yaml"),
    ("create", "-f", "other-ns.yaml", "-n", "default"),
    ("create", "-f", "pod.yaml", "-o", "wide"),
    ("create",),
    ("create", "pod", "x"),
    ("create", "-k", "kz"),
    ("create", "-f", "unknown.yaml", "--validate=warn"),
    ("create", "--raw", "/api/v1/namespaces/default/configmaps", "-f", "nope.json"),
    ("create", "--raw", "x", "-f", "cm.yaml"),
    ("create", "--raw", "/x", "-f", "cm.yaml", "-o", "json"),
    ("create", "--raw", "/x", "-f", "cm.yaml", "-f", "cm.yaml"),
    ("create", "--raw", "/x", "-f", "cm.yaml", "-R"),
    ("create", "--raw", "/x", "-f", "https://example.com/cm.yaml"),
    ("create", "-k", "kz", "-f", "pod.yaml"),
]


@pytest.mark.parametrize("args", CREATE_CASES, ids=" ".join)
def test_create(harness, args):
    harness.check(args)


def test_create_already_exists_reports_the_file(harness):
    harness.check(("create", "-f", "pods.yaml"), setup=[POD])


def test_create_from_stdin(harness):
    harness.check(("create", "-f", "-"), stdin=yaml_text(POD, CM))


def test_create_help(harness):
    harness.check(("create", "--help"), state=False)


DELETE_CASES = [
    ("delete", "pod", "p1"),
    ("delete", "pod", "p1", "p2"),
    ("delete", "pod", "p1", "nope"),
    ("delete", "pod", "nope", "p1", "--ignore-not-found"),
    ("delete", "pod/p1", "configmap/cm1"),
    ("delete", "pods"),
    ("delete", "pods", "--all"),
    ("delete", "pods", "--all", "-o", "name"),
    ("delete", "pods,configmaps", "--all"),
    ("delete", "pods", "-l", "app=web"),
    ("delete", "pods", "-l", "app=nope"),
    ("delete", "pods", "--field-selector", "metadata.name=p2"),
    ("delete", "pods", "--all", "-l", "a=b"),
    ("delete", "-f", "pod.yaml"),
    ("delete", "-f", "pods.yaml", "-o", "name"),
    ("delete", "-f", "dir"),
    ("delete", "-k", "kz"),
    ("delete", "--raw", "/api/v1/namespaces/default/configmaps/nope"),
    ("delete", "--raw", "/x", "-i"),
    ("delete", "pod", "p1", "-o", "json"),
    ("delete", "pod", "p1", "--force"),
    ("delete", "pod", "p1", "--grace-period=0"),
    ("delete", "pod", "p1", "--grace-period=0", "--force"),
    ("delete", "pod", "p1", "--now"),
    ("delete", "pod", "p1", "--now", "--grace-period=3"),
    ("delete", "pod", "p1", "--force", "--grace-period=3"),
    ("delete", "pod", "p1", "--dry-run=client"),
    ("delete", "pod", "p1", "--dry-run=server"),
    ("delete", "pods", "--all", "--dry-run=server", "-o", "name"),
    ("delete", "pod", "p1", "--cascade=foo"),
    ("delete", "pod", "p1", "--cascade=orphan", "--wait=false"),
    ("delete", "deployment", "web", "--cascade=foreground"),
    ("delete", "pod", "p1", "--timeout=x"),
    ("delete", "pod", "p1", "--timeout=30s"),
    ("delete", "namespace", "nope", "-n", "default"),
    ("delete", "pods", "p1", "-n", "nope"),
    ("delete", "pod,configmap", "p1", "cm1"),
    ("delete", "-f", "pod.yaml", "pod", "p1"),
    ("delete",),
]


@pytest.mark.parametrize("args", DELETE_CASES, ids=" ".join)
def test_delete(harness, args):
    harness.check(args, setup=[POD, POD2, CM, DEPLOYMENT])


@pytest.mark.parametrize("answer", ["y\n", "n\n", ""])
def test_delete_interactive(harness, answer):
    harness.check(("delete", "pods", "--all", "-i"), setup=[POD, POD2], stdin=answer)


def test_delete_help(harness):
    harness.check(("delete", "--help"), state=False)


def test_delete_waits_for_finalizers_until_the_timeout(harness):
    from tests.conftest import strip_klog

    held = {**CM, "metadata": {"name": "held", "finalizers": ["example.com/hold"]}}

    def normalise(text):
        return strip_klog(text)

    result, state = harness.check(("delete", "configmap", "held", "--timeout=1s"), setup=[held],
                                  normalise=normalise)
    assert result.stderr == "error: timed out waiting for the condition on configmaps/held\n"
    assert "deletionTimestamp" in state["configmaps/held"]["metadata"]


def _without_server_fields(text: str) -> str:
    """Raw answers carry the server's bookkeeping; the manager is named after the oracle's binary."""

    from tests.compat.test_write_harness import normalise_text

    return normalise_text(text).replace('"manager":"kubectl.1.32"', '"manager":"kubectl"')


@pytest.mark.parametrize("args", [
    ("create", "--raw", "/api/v1/namespaces/default/configmaps", "-f", "cm.json"),
    ("create", "--raw", "/api/v1/namespaces/default/configmaps", "-f", "-"),
    ("replace", "--raw", "/api/v1/namespaces/default/configmaps/cm1", "-f", "cm.json"),
    ("delete", "--raw", "/api/v1/namespaces/default/configmaps/cm1"),
], ids=" ".join)
def test_raw_requests(harness, args):
    import json

    body = json.dumps({**CM, "data": {"raw": "yes"}})
    harness.write_files({"cm.json": body})
    result, _ = harness.check(args, setup=[CM] if args[0] != "create" else [], stdin=body,
                              normalise=_without_server_fields)
    assert result.stdout.startswith("{")
