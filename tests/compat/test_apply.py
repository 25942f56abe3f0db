"""kubectl apply (client-side and server-side) against the real kubectl 1.32 on the same fresh server state: the
same output, exit code, resulting objects (annotations and managers included) and, where it matters, the same
PATCH bodies at -v=8. Setup steps always run with the real kubectl, so each tool starts from kubectl's state."""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.compat.test_write_harness import WriteHarness, normalise_text, yaml_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

LAST = "kubectl.kubernetes.io/last-applied-configuration"


def deployment(image="nginx:1.25", replicas=2, env=None, ports=None, extra_containers=(), labels=None,
               annotations=None, volumes=None):
    container = {"name": "nginx", "image": image}
    if env is not None:
        container["env"] = env
    if ports is not None:
        container["ports"] = ports
    spec = {"containers": [container, *extra_containers]}
    if volumes is not None:
        spec["volumes"] = volumes
    metadata = {"name": "web", "labels": labels if labels is not None else {"app": "web"}}
    if annotations:
        metadata["annotations"] = annotations
    body = {"selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec}}
    if replicas is not None:
        body = {"replicas": replicas, **body}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": body}


POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "labels": {"app": "web"}},
       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1", "labels": {"app": "web"}},
      "data": {"a": "1", "b": "2"}}
CM2 = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm2", "labels": {"app": "web"}},
       "data": {"x": "1"}}
SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
       "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}
CRD = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "widgets.example.com"},
       "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                "versions": [{"name": "v1", "served": True, "storage": True,
                              "schema": {"openAPIV3Schema": {"type": "object",
                                                             "x-kubernetes-preserve-unknown-fields": True}}}]}}


def widget(**spec):
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": spec}


FILES = {
    "d1.yaml": yaml_text(deployment(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                                    ports=[{"containerPort": 80}], labels={"app": "web", "tier": "fe"},
                                    extra_containers=[{"name": "side", "image": "busybox"}])),
    "d2.yaml": yaml_text(deployment(image="nginx:1.26", replicas=None,
                                    env=[{"name": "C", "value": "3"}, {"name": "A", "value": "1"}],
                                    ports=[{"containerPort": 8080}])),
    "d-image.yaml": yaml_text(deployment(image="nginx:1.27", env=[{"name": "A", "value": "1"},
                                                                  {"name": "B", "value": "2"}],
                                         ports=[{"containerPort": 80}], labels={"app": "web", "tier": "fe"},
                                         extra_containers=[{"name": "side", "image": "busybox"}])),
    "d-plain.yaml": yaml_text(deployment()),
    "d-replicas.yaml": yaml_text(deployment(replicas=5)),
    "d-annot.yaml": yaml_text(deployment(annotations={"team": "a", "note": "<x&y>"})),
    "d-vol.yaml": yaml_text(deployment(volumes=[{"name": "v1", "emptyDir": {}}, {"name": "v2", "emptyDir": {}}])),
    "d-vol2.yaml": yaml_text(deployment(volumes=[{"name": "v2", "configMap": {"name": "cm1"}},
                                                 {"name": "v3", "emptyDir": {}}])),
    "d-reorder.yaml": yaml_text(deployment(env=[{"name": "B", "value": "2"}, {"name": "A", "value": "1"}])),
    "d-env.yaml": yaml_text(deployment(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])),
    "pod.yaml": yaml_text(POD),
    "pod2.yaml": yaml_text({**POD, "metadata": {"name": "p1", "labels": {"app": "web", "v": "2"},
                                                "finalizers": ["example.com/a"]}}),
    "cm.yaml": yaml_text(CM),
    "cm-b.yaml": yaml_text({**CM, "data": {"a": "1", "c": "3"}}),
    "cm-null.yaml": yaml_text({**CM, "data": {"a": "1", "b": None}}),
    "cms.yaml": yaml_text(CM, CM2),
    "cm-only1.yaml": yaml_text(CM),
    "svc.yaml": yaml_text(SVC),
    "svc2.yaml": yaml_text({**SVC, "spec": {"selector": {"app": "web"},
                                            "ports": [{"name": "https", "port": 443, "targetPort": 8443}]}}),
    "mixed.yaml": yaml_text(CM, POD, SVC),
    "bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok1\ndata: {a: '1'}\n---\n"
                "apiVersion: v1\nkind: Nope\nmetadata:\n  name: x\n---\n"
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad1\ndata: {a: 1}\n",
    "strict.yaml": yaml_text({**CM, "bogus": 1}),
    "crd.yaml": yaml_text(CRD),
    "w1.yaml": yaml_text(widget(size=1, color="red", tags=["a", "b"])),
    "w2.yaml": yaml_text(widget(size=2, tags=["b"])),
    "ns.yaml": yaml_text({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}),
    "other-ns.yaml": yaml_text({**CM, "metadata": {**CM["metadata"], "namespace": "team-a"}}),
    "generate.yaml": yaml_text({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "g-"}}),
    "kdir/kustomization.yaml": "resources:\n- cms.yaml\n- pod.yaml\ncommonLabels:\n  team: a\nnamePrefix: k-\n",
    "kdir/cms.yaml": yaml_text(CM, CM2),
    "kdir/pod.yaml": yaml_text(POD),
}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("apply-home")


class ApplyHarness(WriteHarness):
    """WriteHarness whose setup is a list of real-kubectl invocations (plus REST-created objects)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps: list[tuple[str, ...]] = []

    def prepare(self, setup):
        super().prepare(list(setup))
        for step in self.steps:
            result = self.runners.kubectl(*step, env=self.env)
            assert result.exit_code == 0, (step, result.stderr)

    def snapshot(self) -> dict:
        state = super().snapshot()
        response = self.http.get("/apis/example.com/v1/namespaces/default/widgets")
        if response.status_code == 200:
            from tests.compat.test_write_harness import _normalise

            for item in response.json().get("items") or ():
                state[f"widgets/{item['metadata']['name']}"] = _normalise(item)
        response = self.http.get("/api/v1/namespaces/team-a/configmaps")
        if response.status_code == 200:
            state["team-a"] = sorted(i["metadata"]["name"] for i in response.json().get("items") or ())
        return state


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, home, monkeypatch, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential apply tests need the test API server")
    harness = ApplyHarness(kube_apiserver, Runners(home, monkeypatch), kubeconfig_file, tmp_path)
    harness.write_files(FILES)
    yield harness
    harness.close()


def normalise(text: str) -> str:
    """Times, uids and versions, plus klog's timestamp and pid (kubectl prints prune's deprecation via klog)."""
    text = re.sub(r"^W\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ", "W0000 00:00:00.000000 PID ", text, flags=re.M)
    return normalise_text(text)


def check(harness: ApplyHarness, args, steps=(), setup=(), stdin="", state=True):
    harness.steps = [tuple(step) for step in steps]
    return harness.check(["apply", *args], setup=setup, stdin=stdin, state=state, normalise=normalise)


# (steps run by the real kubectl first, then the apply arguments both tools run)
CASES = [
    pytest.param((), ("-f", "d1.yaml"), id="create"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d1.yaml"), id="unchanged"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d-image.yaml"), id="image"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d2.yaml"), id="lists-and-deletions"),
    pytest.param((("apply", "-f", "d2.yaml"),), ("-f", "d1.yaml"), id="lists-added-back"),
    pytest.param((("apply", "-f", "d-plain.yaml"),), ("-f", "d-replicas.yaml"), id="replicas"),
    pytest.param((("apply", "-f", "d-replicas.yaml"),), ("-f", "d-plain.yaml"), id="replicas-back"),
    pytest.param((("apply", "-f", "d-plain.yaml"),), ("-f", "d-annot.yaml"), id="annotations-added"),
    pytest.param((("apply", "-f", "d-annot.yaml"),), ("-f", "d-plain.yaml"), id="annotations-removed"),
    pytest.param((("apply", "-f", "d-plain.yaml"),), ("-f", "d-vol.yaml"), id="volumes-added"),
    pytest.param((("apply", "-f", "d-vol.yaml"),), ("-f", "d-vol2.yaml"), id="volumes-retain-keys"),
    pytest.param((("apply", "-f", "d-env.yaml"),), ("-f", "d-reorder.yaml"), id="env-reordered"),
    pytest.param((("apply", "-f", "d-env.yaml"),), ("-f", "d-plain.yaml"), id="env-removed"),
    pytest.param((("apply", "-f", "d-plain.yaml"), ("scale", "deploy/web", "--replicas=4")), ("-f", "d-plain.yaml"),
                 id="live-change-kept-where-unset"),
    pytest.param((("apply", "-f", "d-replicas.yaml"), ("scale", "deploy/web", "--replicas=4")),
                 ("-f", "d-replicas.yaml"), id="live-change-overwritten"),
    pytest.param((("apply", "-f", "pod.yaml"),), ("-f", "pod2.yaml"), id="pod-labels-finalizers"),
    pytest.param((("apply", "-f", "pod2.yaml"),), ("-f", "pod.yaml"), id="finalizers-removed"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml"), id="configmap-data"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-null.yaml"), id="configmap-null"),
    pytest.param((), ("-f", "cm-null.yaml"), id="create-prunes-nulls"),
    pytest.param((("apply", "-f", "svc.yaml"),), ("-f", "svc2.yaml"), id="service-ports"),
    pytest.param((("create", "-f", "cm.yaml"),), ("-f", "cm-b.yaml"), id="missing-annotation-warning"),
    pytest.param((("create", "-f", "cm.yaml", "--save-config"),), ("-f", "cm-b.yaml"), id="after-save-config"),
    pytest.param((), ("-f", "mixed.yaml"), id="several-kinds"),
    pytest.param((("apply", "-f", "mixed.yaml"),), ("-f", "mixed.yaml"), id="several-unchanged"),
    pytest.param((), ("-f", "d1.yaml", "--dry-run=client"), id="create-dry-run-client"),
    pytest.param((), ("-f", "d1.yaml", "--dry-run=server"), id="create-dry-run-server"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d2.yaml", "--dry-run=client"), id="patch-dry-run-client"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d2.yaml", "--dry-run=server"), id="patch-dry-run-server"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml", "-o", "name"), id="output-name"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml", "-o", "yaml"), id="output-yaml"),
    pytest.param((), ("-f", "cms.yaml", "-o", "json"), id="output-json-list"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm.yaml", "-o", "jsonpath={.data.a}"), id="output-jsonpath"),
    pytest.param((), ("-f", "cm.yaml", "--dry-run=client", "-o", "yaml"), id="dry-run-yaml"),
    pytest.param((), ("-f", "bad.yaml"), id="bad-documents"),
    pytest.param((), ("-f", "strict.yaml"), id="strict-validation"),
    pytest.param((), ("-f", "strict.yaml", "--validate=false"), id="validation-off"),
    pytest.param((), ("-f", "generate.yaml"), id="generate-name"),
    pytest.param((("apply", "-f", "crd.yaml"),), ("-f", "w1.yaml"), id="crd-create"),
    pytest.param((("apply", "-f", "crd.yaml"), ("apply", "-f", "w1.yaml")), ("-f", "w2.yaml"), id="crd-merge-patch"),
    pytest.param((("apply", "-f", "crd.yaml"), ("apply", "-f", "w1.yaml")), ("-f", "w1.yaml"), id="crd-unchanged"),
    pytest.param((("apply", "-f", "ns.yaml"),), ("-f", "other-ns.yaml"), id="object-namespace"),
    pytest.param((("apply", "-f", "ns.yaml"),), ("-f", "cm.yaml", "-n", "team-a"), id="namespace-flag"),
    pytest.param((("apply", "-f", "ns.yaml"),), ("-f", "other-ns.yaml", "-n", "default"), id="namespace-mismatch"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml", "--field-manager", "me"), id="field-manager"),
    pytest.param((), ("-k", "kdir"), id="kustomize"),
    pytest.param((("apply", "-k", "kdir"),), ("-k", "kdir"), id="kustomize-unchanged"),
    pytest.param((), ("-k", "kdir", "-f", "cm.yaml"), id="error-kustomize-and-file"),
    # server-side apply
    pytest.param((), ("-f", "d1.yaml", "--server-side"), id="ssa-create"),
    pytest.param((("apply", "-f", "d1.yaml", "--server-side"),), ("-f", "d2.yaml", "--server-side"), id="ssa-update"),
    pytest.param((("apply", "-f", "cm.yaml", "--server-side", "--field-manager", "other"),),
                 ("-f", "cm-b.yaml", "--server-side"), id="ssa-conflict"),
    pytest.param((("apply", "-f", "cm.yaml", "--server-side", "--field-manager", "other"),),
                 ("-f", "cm-b.yaml", "--server-side", "--force-conflicts"), id="ssa-force-conflicts"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml", "--server-side"), id="ssa-migration"),
    pytest.param((), ("-f", "cm.yaml", "--server-side", "--dry-run=server"), id="ssa-dry-run"),
    pytest.param((), ("-f", "cm.yaml", "--server-side", "-o", "yaml"), id="ssa-yaml"),
    pytest.param((("apply", "-f", "crd.yaml"), ("apply", "-f", "w1.yaml", "--server-side")),
                 ("-f", "w2.yaml", "--server-side"), id="ssa-crd"),
    # prune
    pytest.param((("apply", "-f", "cms.yaml"),), ("-f", "cm-only1.yaml", "--prune", "-l", "app=web"), id="prune"),
    pytest.param((("apply", "-f", "cms.yaml"),), ("-f", "cm-only1.yaml", "--prune", "--all",
                                                  "--prune-allowlist=core/v1/ConfigMap"), id="prune-allowlist"),
    pytest.param((("apply", "-f", "cms.yaml"), ("apply", "-f", "pod.yaml")),
                 ("-f", "cm-only1.yaml", "--prune", "--all", "--dry-run=client"), id="prune-dry-run"),
    # flag errors
    pytest.param((), ("-f", "cm.yaml", "--force-conflicts"), id="error-force-conflicts"),
    pytest.param((), ("-f", "cm.yaml", "--server-side", "--dry-run=client"), id="error-ssa-client-dry-run"),
    pytest.param((), ("-f", "cm.yaml", "--server-side", "--force"), id="error-ssa-force"),
    pytest.param((), ("-f", "cm.yaml", "--prune"), id="error-prune-without-selector"),
    pytest.param((), ("-f", "cm.yaml", "--prune", "--all", "--prune-allowlist=v1/ConfigMap"),
                 id="error-allowlist-format"),
    pytest.param((), ("-f", "cm.yaml", "--subresource=status"), id="error-subresource"),
    pytest.param((), (), id="error-no-files"),
    pytest.param((), ("-f", "missing.yaml"), id="error-missing-file"),
    pytest.param((), ("-f", "cm.yaml", "extra"), id="error-args"),
    pytest.param((), ("-f", "cm.yaml", "--dry-run=maybe"), id="error-dry-run-value"),
]


@pytest.mark.parametrize(("steps", "args"), CASES)
def test_apply_matches_kubectl(harness, steps, args):
    check(harness, args, steps)


def test_apply_from_stdin(harness):
    check(harness, ("-f", "-"), stdin=FILES["d1.yaml"])


def _patch_bodies(text: str) -> list[str]:
    """The bodies of PATCH requests in a -v=8 log (the Request Body line comes just before its request line)."""
    bodies, last = [], None
    for line in text.splitlines():
        match = re.search(r'"Request Body" body="(.*)"$', line)
        if match:
            last = match.group(1)
        elif re.search(r"\] PATCH https://", line):
            bodies.append(last)
    return bodies


@pytest.mark.parametrize(("first", "second"), [
    ("d1.yaml", "d2.yaml"), ("d-vol.yaml", "d-vol2.yaml"), ("d-env.yaml", "d-reorder.yaml"),
    ("pod2.yaml", "pod.yaml"), ("w1.yaml", "w2.yaml"),
])
def test_patch_bodies_match_kubectl(harness, first, second):
    os.chdir(harness.tmp_path)
    bodies = []
    for tool in (harness.runners.kubectl, harness.runners.pykubectl):
        harness.prepare([])
        for step in (("apply", "-f", "crd.yaml"), ("apply", "-f", first)):
            assert harness.runners.kubectl(*step, env=harness.env).exit_code == 0
        result = tool("apply", "-f", second, "-v=8", env=harness.env)
        assert result.exit_code == 0, result.stderr
        bodies.append(_patch_bodies(result.stderr))
    assert bodies[0] and len(bodies[1]) == len(bodies[0])
    for expected, actual in zip(bodies[0], bodies[1], strict=True):
        assert same_logged_body(expected, actual)


def same_logged_body(expected: str, actual: str) -> bool:
    """klog cuts long bodies (`... [truncated N chars]`, N counted before quoting): the logged part must match."""
    cut = re.fullmatch(r"(.*) \[truncated (\d+) chars\]", expected, re.S)
    if cut is None:
        return expected == actual
    return actual.startswith(cut.group(1)) and len(actual) >= len(cut.group(1)) + int(cut.group(2))


@pytest.mark.parametrize(("first_tool", "manifests"), [
    ("kubectl", ("d1.yaml", "d2.yaml", "d1.yaml")), ("pykubectl", ("d1.yaml", "d2.yaml", "d1.yaml")),
    ("pykubectl", ("w1.yaml", "w2.yaml")),
])
def test_cross_tool_reapply(harness, first_tool, manifests):
    """Alternate the tools over a sequence of applies; the result equals kubectl applying them all."""
    os.chdir(harness.tmp_path)
    tools = {"kubectl": harness.runners.kubectl, "pykubectl": harness.runners.pykubectl}
    other = "pykubectl" if first_tool == "kubectl" else "kubectl"
    states = []
    for sequence in ([first_tool if i % 2 == 0 else other for i in range(len(manifests))],
                     ["kubectl"] * len(manifests)):
        harness.prepare([])
        harness.runners.kubectl("apply", "-f", "crd.yaml", env=harness.env)
        outputs = []
        for tool, manifest in zip(sequence, manifests, strict=True):
            result = tools[tool]("apply", "-f", manifest, env=harness.env)
            outputs.append((result.stdout, result.stderr, result.exit_code))
        states.append((outputs, harness.snapshot()))
    assert states[0] == states[1]


def test_unchanged_sends_no_patch(harness):
    os.chdir(harness.tmp_path)
    harness.prepare([])
    harness.runners.kubectl("apply", "-f", "d1.yaml", env=harness.env)
    result = harness.runners.pykubectl("apply", "-f", "d1.yaml", "-v=6", env=harness.env)
    assert result.stdout == "deployment.apps/web unchanged\n"
    assert " PATCH " not in result.stderr and "] PATCH" not in result.stderr


def test_last_applied_annotation_is_kubectls(harness):
    os.chdir(harness.tmp_path)
    values = []
    for tool in (harness.runners.kubectl, harness.runners.pykubectl):
        harness.prepare([])
        assert tool("apply", "-f", "d-annot.yaml", env=harness.env).exit_code == 0
        live = harness.http.get("/apis/apps/v1/namespaces/default/deployments/web").json()
        values.append(live["metadata"]["annotations"][LAST])
    assert values[1] == values[0]
    assert values[0].endswith("}\n") and "\\u003cx\\u0026y\\u003e" in values[0]
    assert json.loads(values[0])["metadata"]["annotations"] == {"note": "<x&y>", "team": "a"}


def test_help_matches_kubectl(runners):
    runners.assert_same("apply", "--help")


def test_normalise_keeps_patch_bodies_comparable():
    text = 'I1128 11:45:56.569809   31535 helper.go:269] "Request Body" body="{\\"a\\":1}"\n' \
           "I1128 11:45:56.571466   31535 round_trippers.go:470] PATCH https://127.0.0.1:1/api/v1/x\n"
    assert _patch_bodies(text) == ['{\\"a\\":1}']
    assert same_logged_body("abc [truncated 2 chars]", "abcde")
    assert not same_logged_body("abc [truncated 2 chars]", "abcd")
    assert not same_logged_body("abc [truncated 2 chars]", "abxde")
    assert normalise_text("2026-11-28T11:21:21Z") == "TIME"


LAST_APPLIED_CASES = [
    pytest.param((("apply", "-f", "d-annot.yaml"),), ("view-last-applied", "deploy/web"), id="view-yaml"),
    pytest.param((("apply", "-f", "d-annot.yaml"),), ("view-last-applied", "deploy/web", "-o", "json"),
                 id="view-json"),
    pytest.param((("apply", "-f", "cms.yaml"),), ("view-last-applied", "-f", "cms.yaml"), id="view-file"),
    pytest.param((("apply", "-f", "cms.yaml"),), ("view-last-applied", "cm", "-l", "app=web"), id="view-selector"),
    pytest.param((("create", "-f", "cm.yaml"),), ("view-last-applied", "cm/cm1"), id="view-missing"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("view-last-applied", "cm/cm1", "-o", "wide"), id="view-bad-output"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("view-last-applied", "cm/nope"), id="view-not-found"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("set-last-applied", "-f", "cm-b.yaml"), id="set"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("set-last-applied", "-f", "cm.yaml"), id="set-unchanged"),
    pytest.param((("create", "-f", "cm.yaml"),), ("set-last-applied", "-f", "cm-b.yaml"), id="set-missing"),
    pytest.param((("create", "-f", "cm.yaml"),), ("set-last-applied", "-f", "cm-b.yaml", "--create-annotation"),
                 id="set-create-annotation"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("set-last-applied", "-f", "cm-b.yaml", "--dry-run=client"),
                 id="set-dry-run"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("set-last-applied", "-f", "cm-b.yaml", "-o", "yaml"),
                 id="set-yaml"),
]


@pytest.mark.parametrize(("steps", "args"), LAST_APPLIED_CASES)
def test_last_applied_subcommands_match_kubectl(harness, steps, args):
    check(harness, args, steps)


def test_then_apply_after_set_last_applied(harness):
    """set-last-applied changes what the next apply deletes: both tools then send the same patch."""
    check(harness, ("-f", "cm.yaml"), steps=[("apply", "-f", "cm-b.yaml"), ("apply", "set-last-applied", "-f",
                                                                               "cm.yaml")])


@pytest.mark.parametrize("verb", ["view-last-applied", "set-last-applied"])
def test_last_applied_help_matches_kubectl(runners, verb):
    runners.assert_same("apply", verb, "--help")


def test_view_last_applied_by_file_without_annotation(harness):
    check(harness, ("view-last-applied", "-f", "cm.yaml"), steps=[("create", "-f", "cm.yaml")])


@pytest.mark.parametrize(("editor", "extra"), [
    ("sed -i s/b:/c:/", ()), ("true", ()), ("sed -i s/b:/c:/", ("-f", "cm.yaml")),
])
def test_edit_last_applied_with_a_scripted_editor(harness, editor, extra):
    harness.env["KUBE_EDITOR"] = editor
    try:
        check(harness, ("edit-last-applied", *(extra or ("cm/cm1",))), steps=[("apply", "-f", "cm.yaml")])
    finally:
        harness.env.pop("KUBE_EDITOR")


def test_edit_last_applied_help_matches_kubectl(runners):
    runners.assert_same("apply", "edit-last-applied", "--help")
