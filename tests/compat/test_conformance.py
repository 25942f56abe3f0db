"""Conformance: the REAL kubectl 1.32 against the test API server, asserting on kubectl's exact output.

Every test works in a namespace of its own (created here, deleted afterwards against a real cluster), names
its cluster-scoped objects after that namespace, and assumes nothing about the server's internals, so the same
tests run against a real cluster with `pytest --kube-real=KUBECONFIG`. Tests whose expected text depends on
the simulated runtime (a pod that stays Pending, the server's fixed version) are marked `needs_simulation`.
Only time-dependent text (AGE cells, timestamps) is normalised.

Issue 3, bullet by bullet, and the tests that show it (c = tests/compat, t = tests/testing):
  serve  discovery, aggregated v2/v2beta1, /version    t/test_server_wire.py, c/test_kubectl_discovery.py
         OpenAPI v3 with x-kubernetes-*, fieldValidation  t/test_server_openapi.py, test_explain_* here
         1.32 resource list (names, short names, verbs)  c/test_kubectl_discovery.py::test_api_resources*
         CRDs: discovery, OpenAPI, CRUD, printer columns,
           status/scale, removal                       test_crd_then_custom_objects_with_printer_columns,
                                                       c/test_kubectl_objects.py, t/test_server_catalog.py
         storage semantics (rv, uid, generation, generateName, finalizers, GC, namespaces, 409, dryRun,
           defaults, validation causes)                t/test_objects_store.py, t/test_objects_wire.py,
                                                       test_errors_*, test_replace_*, test_delete_* here
         verbs, selectors, limit/continue (410), resourceVersion(Match), watches (bookmarks, timeoutSeconds,
           410, strictly after), fieldManager, fieldValidation Warning, pretty
                                                       test_conformance_wire.py, t/test_objects_wire.py
         Tables v1/v1beta1 x includeObject, PartialObjectMetadata(List), every built-in type's columns,
           CRD columns, one-row Tables in watches      test_conformance_types.py, test_conformance_wire.py
         patches (JSON, merge, strategic + directives, server-side apply, conflicts, force)
                                                       test_label_annotate_and_the_three_patch_types,
                                                       test_apply_*, t/test_objects_store.py
         subresources status/scale/eviction            test_scale, t/test_objects_wire.py
         errors as Status; 400/406/415/422; concurrency test_bad_requests_*, test_concurrent_writers_* (wire)
  show   api-resources (all, --namespaced=false, -o wide), api-versions, version
                                                       test_api_*, test_version_* here; exact texts in
                                                       c/test_kubectl_discovery.py
         create -f single/multi-doc, CRD + custom object test_create_single_and_multi_document, test_crd_*
         apply -f twice (containers merged by name)    test_apply_client_side_twice_merges_containers_by_name
         apply --server-side conflict, --force-conflicts test_apply_server_side_conflict_and_force
         get of every built-in type (table, wide, yaml, json, -A, -l, --field-selector, --show-labels,
           --sort-by) with the real server's columns   test_conformance_types.py
         get -w bounded by --request-timeout           test_get_watch_bounded_by_request_timeout
         describe pod, label, annotate, patch x3, replace, scale, delete (name, -l, --all, namespace)
                                                       test_describe_pod, test_label_*, test_replace_*,
                                                       test_scale, test_delete_* here
         explain pods.spec.containers, auth whoami/can-i test_explain_*, test_auth_* here
         NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Unauthorized
                                                       test_errors_*, test_replace_and_stale_conflict,
                                                       test_forbidden_*, test_unauthorized_* here
         kubectl 1.29 and 1.33                         test_other_kubectl_versions_*, c/test_kubectl_discovery.py
         --kube-real on a real cluster, e2e-kind.yml   every test here (per-test namespace; needs_simulation)
         load: 5,000 pods as Tables, 10,000 watch events  bench/server_load.py (README, Benchmarks)
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from tests.conftest import require_real_kubectl

# Runs under --kube-real too: it asks for kube_apiserver only to tell a real cluster (None) from the test server.
pytestmark = pytest.mark.real_cluster

AGE = re.compile(r"(?<=\s)\d+(?:s|m\d*s?|h\d*m?|d\d*h?|y\d*d?)(?=\s|$)")


def ages(text: str) -> str:
    """Every AGE-like cell ("7s", "2m3s", "5h") becomes "<age>" padded to its width, so alignment still counts."""
    return AGE.sub(lambda m: "<age>".ljust(len(m.group())) if len(m.group()) >= 5 else "~" * len(m.group()), text)


def columns(line: str) -> list[str]:
    """A table line's cells: kubectl separates columns by at least two spaces ("NOMINATED NODE" is one header)."""
    return re.split(r"\s{2,}", line.strip())


def cells(header: str, line: str) -> list[str]:
    """A row's cells cut at the header's column offsets (the tabwriter aligns them), so empty cells stay."""
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", header)]
    ends = [*starts[1:], None]
    return [line[a:b].strip() for a, b in zip(starts, ends, strict=True)]


class Kube:
    """The real kubectl on one kubeconfig, inside a namespace of its own."""

    def __init__(self, runners, kubeconfig: Path, tmp: Path, namespace: str, real: bool):
        self.runners, self.kubeconfig, self.tmp, self.ns, self.real = runners, kubeconfig, tmp, namespace, real
        self.cluster_objects: list[str] = []

    def __call__(self, *args: str, stdin: str = "", kubeconfig: Path | None = None) -> tuple[str, str, int]:
        result = self.runners.kubectl(*args, env={"KUBECONFIG": str(kubeconfig or self.kubeconfig)}, stdin=stdin)
        return result.stdout, result.stderr, result.exit_code

    def n(self, *args: str, stdin: str = "") -> tuple[str, str, int]:
        """kubectl with -n <the test's namespace>."""
        return self("-n", self.ns, *args, stdin=stdin)

    def ok(self, *args: str, stdin: str = "") -> str:
        out, err, code = self.n(*args, stdin=stdin)
        assert code == 0, f"kubectl {' '.join(args)} failed: {err}"
        return out

    def file(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text.replace("NS", self.ns))
        return str(path)

    def cluster(self, *refs: str) -> None:
        """Remember cluster-scoped objects to delete after the test (against a real cluster)."""
        self.cluster_objects.extend(refs)


def kube_in_namespace(runners, kubeconfig_file, tmp_path, kube_apiserver):
    """Generator behind the `kube` fixtures: a fresh namespace, removed afterwards against a real cluster."""
    require_real_kubectl()
    namespace = f"conf-{uuid.uuid4().hex[:8]}"
    k = Kube(runners, kubeconfig_file, tmp_path, namespace, real=kube_apiserver is None)
    out, err, code = k("create", "namespace", namespace)
    assert (out, err, code) == (f"namespace/{namespace} created\n", "", 0)
    yield k
    if k.real:  # the simulated server is reset before every test anyway
        for ref in k.cluster_objects:
            k("delete", ref, "--ignore-not-found", "--wait=false")
        k("delete", "namespace", namespace, "--ignore-not-found", "--wait=false")


@pytest.fixture(scope="module")
def kubectl_home(tmp_path_factory) -> Path:
    """One HOME per module: kubectl's discovery and OpenAPI caches stay warm from test to test, as a user's."""
    return tmp_path_factory.mktemp("kubectl-home")


@pytest.fixture
def kube(kubectl_home, kubeconfig_file, tmp_path, kube_apiserver):
    from tests.conftest import Runners

    yield from kube_in_namespace(Runners(kubectl_home, None), kubeconfig_file, tmp_path, kube_apiserver)


def shared_kube(request, tmp_path_factory, kube_apiserver):
    """Like `kube`, for a module-scoped fixture: state made once and read by several tests."""
    from tests.conftest import Runners

    tmp = tmp_path_factory.mktemp("conformance")
    real = request.config.getoption("--kube-real", default=None)
    if kube_apiserver is not None:
        kube_apiserver.reset()
        kubeconfig = kube_apiserver.write_kubeconfig(tmp / "kubeconfig")
    else:
        kubeconfig = Path(real)
    (tmp / "home").mkdir()
    yield from kube_in_namespace(Runners(tmp / "home", None), kubeconfig, tmp, kube_apiserver)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
        command: [sleep, "3600"]
"""

MULTI = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cm1, labels: {tier: a, conf-ns: NS}}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm2, labels: {tier: b}}
data: {c: "3"}
---
apiVersion: v1
kind: Secret
metadata: {name: s1}
type: Opaque
stringData: {user: admin}
"""


def test_version_names_the_server(kube):
    out, err, code = kube("version", "-o", "json")
    assert (err, code) == ("", 0)
    info = json.loads(out)
    assert info["clientVersion"]["gitVersion"].startswith("v1.32.")
    assert re.fullmatch(r"v1\.\d+\.\d+.*", info["serverVersion"]["gitVersion"])
    assert set(info["serverVersion"]) >= {"major", "minor", "gitVersion", "gitCommit", "platform", "goVersion"}


@pytest.mark.needs_simulation
def test_version_text(kube):
    out, err, code = kube("version")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert lines[0].startswith("Client Version: v1.32.")
    assert lines[1].startswith("Kustomize Version: v5.")
    assert lines[2] == "Server Version: v1.32.5"


def test_api_versions_lists_the_core_and_named_groups(kube):
    out, err, code = kube("api-versions")
    assert (err, code) == ("", 0)
    versions = out.splitlines()
    assert versions == sorted(versions)
    assert {"v1", "apps/v1", "batch/v1", "autoscaling/v2", "networking.k8s.io/v1", "policy/v1",
            "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "coordination.k8s.io/v1", "events.k8s.io/v1",
            "discovery.k8s.io/v1", "certificates.k8s.io/v1", "admissionregistration.k8s.io/v1",
            "apiextensions.k8s.io/v1", "scheduling.k8s.io/v1", "node.k8s.io/v1", "authentication.k8s.io/v1",
            "authorization.k8s.io/v1"} <= set(versions)


def test_api_resources_all_cluster_scoped_and_wide(kube):
    out, err, code = kube("api-resources")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert columns(lines[0]) == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {tuple(columns(line)) for line in lines[1:]}
    for row in [("pods", "po", "v1", "true", "Pod"), ("deployments", "deploy", "apps/v1", "true", "Deployment"),
                ("namespaces", "ns", "v1", "false", "Namespace"),
                ("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", "false",
                 "CustomResourceDefinition"),
                ("selfsubjectreviews", "authentication.k8s.io/v1", "false", "SelfSubjectReview"),
                ("leases", "coordination.k8s.io/v1", "true", "Lease")]:
        assert row in rows
    out, err, code = kube("api-resources", "--namespaced=false", "-o", "name")
    assert (err, code) == ("", 0)
    names = out.splitlines()
    assert {"namespaces", "nodes", "persistentvolumes", "clusterroles.rbac.authorization.k8s.io",
            "storageclasses.storage.k8s.io"} <= set(names)
    assert not {"pods", "deployments.apps", "configmaps"} & set(names)
    out, err, code = kube("api-resources", "-o", "wide", "--api-group=apps")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert columns(lines[0]) == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]
    deploy = next(columns(line) for line in lines if line.startswith("deployments "))
    assert deploy == ["deployments", "deploy", "apps/v1", "true", "Deployment",
                      "create,delete,deletecollection,get,list,patch,update,watch", "all"]


def test_create_single_and_multi_document(kube):
    assert kube.n("create", "-f", kube.file("d.yaml", DEPLOYMENT)) == ("deployment.apps/web created\n", "", 0)
    assert kube.n("create", "-f", kube.file("m.yaml", MULTI)) == (
        "configmap/cm1 created\nconfigmap/cm2 created\nsecret/s1 created\n", "", 0)
    out = kube.ok("get", "cm", "cm1", "cm2", "-o", "jsonpath={range .items[*]}{.metadata.name}={.data}{'\\n'}{end}")
    assert out == 'cm1={"a":"1","b":"2"}\ncm2={"c":"3"}\n'
    out = kube.ok("get", "secret", "s1", "-o", "jsonpath={.data.user}")
    assert out == "YWRtaW4="  # stringData is folded into data, base64


def test_get_output_formats_and_selectors(kube):
    kube.ok("create", "-f", kube.file("m.yaml", MULTI))
    out = kube.ok("get", "cm", "-l", "tier in (a,b)", "--sort-by", ".metadata.name")
    assert ages(out) == ("NAME   DATA   AGE\n"
                         "cm1    2      ~~\n"
                         "cm2    1      ~~\n")
    out = kube.ok("get", "cm", "-l", "tier,tier!=a", "--show-labels")
    assert ages(out) == ("NAME   DATA   AGE   LABELS\n"
                         "cm2    1      ~~    tier=b\n")
    out = kube.ok("get", "cm", "--field-selector", "metadata.name=cm1", "-o", "name")
    assert out == "configmap/cm1\n"
    out = kube.ok("get", "cm", "--sort-by", "{.data.a}", "-l", "tier", "-o", "custom-columns=N:.metadata.name")
    assert out.splitlines()[0] == "N" and sorted(out.splitlines()[1:]) == ["cm1", "cm2"]
    out, err, code = kube("get", "cm", "-A", "-l", f"tier=a,conf-ns={kube.ns}")
    assert (err, code) == ("", 0)
    assert ages(out) == ("NAMESPACE" + " " * (max(len(kube.ns), 9) - 9) + "   NAME   DATA   AGE\n"
                         f"{kube.ns.ljust(9)}   cm1    2      ~~\n")
    doc = json.loads(kube.ok("get", "cm", "cm1", "-o", "json"))
    assert (doc["apiVersion"], doc["kind"], doc["metadata"]["namespace"], doc["data"]) == (
        "v1", "ConfigMap", kube.ns, {"a": "1", "b": "2"})
    assert re.fullmatch(r"[0-9a-f-]{36}", doc["metadata"]["uid"]) and int(doc["metadata"]["resourceVersion"]) > 0
    out = kube.ok("get", "cm", "cm1", "-o", "yaml")
    assert out.startswith("apiVersion: v1\ndata:\n  a: \"1\"\n  b: \"2\"\nkind: ConfigMap\nmetadata:\n")
    assert f"  namespace: {kube.ns}\n" in out and "managedFields" not in out
    listed = json.loads(kube.ok("get", "cm", "-l", "tier", "-o", "json"))
    assert (listed["kind"], listed["apiVersion"], [i["metadata"]["name"] for i in listed["items"]]) == (
        "List", "v1", ["cm1", "cm2"])
    assert kube.n("get", "cm", "-l", "tier=zzz") == ("", f"No resources found in {kube.ns} namespace.\n", 0)
    assert kube.n("get", "cm", "-l", "a b") == (
        "", 'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector '
            '"a b", field selector "": found \'b\', expected: \'=\', \'!=\', \'==\', \'in\', notin\'\n', 1)


def test_apply_client_side_twice_merges_containers_by_name(kube):
    f = kube.file("d.yaml", DEPLOYMENT)
    assert kube.n("apply", "-f", f) == ("deployment.apps/web created\n", "", 0)
    # Another writer adds an env var to the sidecar; apply must keep it (strategic merge by container name).
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","env":[{"name":"X","value":"1"}]}]}}}}'
    assert kube.n("patch", "deploy", "web", "-p", patch) == ("deployment.apps/web patched\n", "", 0)
    changed = kube.file("d2.yaml", DEPLOYMENT.replace("nginx:1.25", "nginx:1.26"))
    assert kube.n("apply", "-f", changed) == ("deployment.apps/web configured\n", "", 0)
    assert kube.n("apply", "-f", changed) == ("deployment.apps/web unchanged\n", "", 0)
    live = json.loads(kube.ok("get", "deploy", "web", "-o", "json"))
    containers = live["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("nginx", "nginx:1.26"), ("sidecar", "busybox:1.36")]
    assert containers[1]["env"] == [{"name": "X", "value": "1"}]
    assert live["metadata"]["generation"] == 3
    last = json.loads(live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert last["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    # Dropping a container from the file removes it from the live object (it was applied before).
    one = kube.file("d3.yaml", DEPLOYMENT.replace("nginx:1.25", "nginx:1.26").split("      - name: sidecar")[0])
    assert kube.n("apply", "-f", one) == ("deployment.apps/web configured\n", "", 0)
    out = kube.ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}")
    assert out == "nginx"


def test_apply_server_side_conflict_and_force(kube):
    f = kube.file("d.yaml", DEPLOYMENT)
    assert kube.n("apply", "--server-side", "-f", f) == ("deployment.apps/web serverside-applied\n", "", 0)
    assert kube.n("scale", "deploy", "web", "--replicas=2") == ("deployment.apps/web scaled\n", "", 0)
    out, err, code = kube.n("apply", "--server-side", "-f", f)
    assert (out, code) == ("", 1)
    assert err == (
        'error: Apply failed with 1 conflict: conflict with "kubectl.1.32" with subresource "scale" using '
        "apps/v1: .spec.replicas\n"
        "Please review the fields above--they currently have other managers. Here\n"
        "are the ways you can resolve this warning:\n"
        "* If you intend to manage all of these fields, please re-run the apply\n"
        "  command with the `--force-conflicts` flag.\n"
        "* If you do not intend to manage all of the fields, please edit your\n"
        "  manifest to remove references to the fields that should keep their\n"
        "  current managers.\n"
        "* You may co-own fields by updating your manifest to match the existing\n"
        "  value; in this case, you'll become the manager if the other manager(s)\n"
        "  stop managing the field (remove it from their configuration).\n"
        "See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts\n")
    assert kube.n("apply", "--server-side", "--force-conflicts", "-f", f) == (
        "deployment.apps/web serverside-applied\n", "", 0)
    live = json.loads(kube.ok("get", "deploy", "web", "-o", "json", "--show-managed-fields"))
    assert live["spec"]["replicas"] == 0
    managers = {(m["manager"], m["operation"]) for m in live["metadata"]["managedFields"]}
    assert ("kubectl", "Apply") in managers
    # The other manager lost .spec.replicas to the forced apply.
    scale = [m for m in live["metadata"]["managedFields"] if m.get("subresource") == "scale"]
    assert all("f:replicas" not in json.dumps(m.get("fieldsV1", {})) for m in scale)


def test_label_annotate_and_the_three_patch_types(kube):
    kube.ok("create", "-f", kube.file("d.yaml", DEPLOYMENT))
    assert kube.n("label", "deploy", "web", "env=prod") == ("deployment.apps/web labeled\n", "", 0)
    assert kube.n("label", "deploy", "web", "env=dev") == (
        "", "error: 'env' already has a value (prod), and --overwrite is false\n", 1)
    assert kube.n("label", "deploy", "web", "env=dev", "--overwrite") == ("deployment.apps/web labeled\n", "", 0)
    assert kube.n("label", "deploy", "web", "env-") == ("deployment.apps/web unlabeled\n", "", 0)
    assert kube.n("annotate", "deploy", "web", "note=hello world") == ("deployment.apps/web annotated\n", "", 0)
    assert kube.n("annotate", "deploy", "web", "note-") == ("deployment.apps/web annotated\n", "", 0)
    assert kube.n("patch", "deploy", "web", "-p", '{"spec":{"template":{"spec":{"containers":'
                  '[{"name":"nginx","image":"nginx:2"}]}}}}') == ("deployment.apps/web patched\n", "", 0)
    assert kube.n("patch", "deploy", "web", "--type=merge", "-p", '{"metadata":{"labels":{"m":"1"}}}') == (
        "deployment.apps/web patched\n", "", 0)
    assert kube.n("patch", "deploy", "web", "--type=merge", "-p", '{"metadata":{"labels":{"m":"1"}}}') == (
        "deployment.apps/web patched (no change)\n", "", 0)
    assert kube.n("patch", "deploy", "web", "--type=json", "-p",
                  '[{"op":"add","path":"/spec/replicas","value":3},'
                  '{"op":"remove","path":"/spec/template/spec/containers/1"}]') == (
        "deployment.apps/web patched\n", "", 0)
    out = kube.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].image}"
                  " {.metadata.labels} {.metadata.annotations.note}")
    assert out == '3 nginx:2 {"app":"web","m":"1"} '
    out, err, code = kube.n("patch", "deploy", "web", "--type=json", "-p", '[{"op":"test","path":"/spec/replicas",'
                            '"value":9}]')
    assert (out, code) == ("", 1) and "testing value /spec/replicas failed" in err
    assert kube.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "3"


def test_replace_and_stale_conflict(kube):
    kube.ok("create", "-f", kube.file("d.yaml", DEPLOYMENT))
    stale = kube.file("stale.yaml", kube.ok("get", "deploy", "web", "-o", "yaml"))
    assert kube.n("scale", "deploy", "web", "--replicas=1") == ("deployment.apps/web scaled\n", "", 0)
    assert kube.n("replace", "-f", stale) == (
        "", f'Error from server (Conflict): error when replacing "{stale}": Operation cannot be fulfilled on '
            'deployments.apps "web": the object has been modified; please apply your changes to the latest version '
            "and try again\n", 1)
    for _ in range(5):  # a controller may still be writing the status after the scale: read again then
        fresh = kube.ok("get", "deploy", "web", "-o", "yaml").replace("image: nginx:1.25", "image: nginx:1.27")
        result = kube.n("replace", "-f", kube.file("fresh.yaml", fresh))
        if "(Conflict)" not in result[1]:
            break
    assert result == ("deployment.apps/web replaced\n", "", 0)
    out = kube.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}")
    assert out == "1 nginx:1.27"
    # replace without a resourceVersion is an unconditional update
    plain = kube.file("plain.yaml", DEPLOYMENT.replace("replicas: 0", "replicas: 2"))
    assert kube.n("replace", "-f", plain) == ("deployment.apps/web replaced\n", "", 0)
    assert kube.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "2"


def test_scale(kube):
    kube.ok("create", "-f", kube.file("d.yaml", DEPLOYMENT))
    assert kube.n("scale", "deploy/web", "--replicas=2") == ("deployment.apps/web scaled\n", "", 0)
    assert kube.n("scale", "deploy/web", "--replicas=3", "--current-replicas=1") == (
        "", "error: Expected replicas to be 1, was 2\n", 1)
    assert kube.n("scale", "deploy/web", "--replicas=0", "--current-replicas=2") == (
        "deployment.apps/web scaled\n", "", 0)
    assert kube.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "0"
    assert kube.n("scale", "deploy/nope", "--replicas=1") == (
        "", 'error: no objects passed to scale deployments.apps "nope" not found\n', 1)


def test_delete_by_name_label_all_and_namespace_cascade(kube):
    kube.ok("create", "-f", kube.file("m.yaml", MULTI))
    kube.ok("create", "-f", kube.file("d.yaml", DEPLOYMENT))
    assert kube.n("delete", "secret", "s1") == ('secret "s1" deleted\n', "", 0)
    assert kube.n("delete", "secret", "s1") == ("", 'Error from server (NotFound): secrets "s1" not found\n', 1)
    assert kube.n("delete", "secret", "s1", "--ignore-not-found") == ("", "", 0)
    assert kube.n("delete", "cm", "-l", "tier=a") == ('configmap "cm1" deleted\n', "", 0)
    assert kube.n("delete", "cm", "-l", "tier=zzz") == ("No resources found\n", "", 0)
    assert kube.n("delete", "deploy", "--all") == ('deployment.apps "web" deleted\n', "", 0)
    assert kube.n("get", "deploy") == ("", f"No resources found in {kube.ns} namespace.\n", 0)
    # A second namespace with content; deleting it removes what it holds.
    other = f"{kube.ns}-x"
    kube.cluster(f"namespace/{other}")
    assert kube("create", "namespace", other) == (f"namespace/{other} created\n", "", 0)
    assert kube("create", "-n", other, "-f", kube.file("m2.yaml", MULTI))[2] == 0
    assert kube("delete", "namespace", other) == (f'namespace "{other}" deleted\n', "", 0)
    assert kube("get", "namespace", other) == (
        "", f'Error from server (NotFound): namespaces "{other}" not found\n', 1)
    assert kube("get", "cm,secret", "-n", other, "-o", "name") == ("", "", 0)


def test_describe_pod(kube):
    pod = kube.file("p.yaml", """\
apiVersion: v1
kind: Pod
metadata:
  name: p1
  labels: {app: demo}
  annotations: {note: hi}
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: [sleep, "3600"]
    env: [{name: A, value: b}]
""")
    kube.ok("create", "-f", pod)
    out = kube.ok("describe", "pod", "p1")
    lines = out.splitlines()
    assert lines[0] == "Name:             p1"
    assert lines[1] == f"Namespace:        {kube.ns}"
    assert "Labels:           app=demo" in lines
    assert "Annotations:      note: hi" in lines
    assert lines[lines.index("Containers:") + 1] == "  c:"
    assert re.search(r"^    Image:\s+busybox:1\.36$", out, re.M)
    assert "    Command:\n      sleep\n      3600\n" in out
    assert re.search(r"^      A:\s+b$", out, re.M)
    assert re.search(r"^Status:\s+(Pending|Running)$", out, re.M)
    assert re.search(r"^    Mounts:\n      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-\w{5} \(ro\)$",
                     out, re.M)
    assert re.search(r"^QoS Class:\s+BestEffort$", out, re.M)
    assert re.search(r"^Tolerations:\s+node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
                     r"\s+node.kubernetes.io/unreachable:NoExecute op=Exists for 300s$", out, re.M)


def test_explain_pods_spec_containers(kube):
    out, err, code = kube("explain", "pods.spec.containers")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert lines[:4] == ["KIND:       Pod", "VERSION:    v1", "", "FIELD: containers <[]Container>"]
    assert "DESCRIPTION:" in lines
    assert "  image\t<string>" in lines and "  name\t<string> -required-" in lines
    out, err, code = kube("explain", "pods.spec.nope")
    assert (out, err, code) == ("KIND:       Pod\nVERSION:    v1\n\n", 'error: field "nope" does not exist\n', 1)


def test_auth_whoami_and_can_i(kube):
    out, err, code = kube("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
    assert (err, code) == ("", 0) and out
    assert kube.n("auth", "can-i", "create", "pods") == ("yes\n", "", 0)
    assert kube.n("auth", "can-i", "get", "deployments.apps") == ("yes\n", "", 0)
    assert kube.n("auth", "can-i", "create", "pods", "--as=system:serviceaccount:nowhere:nobody") == ("no\n", "", 1)
    assert kube.n("auth", "can-i", "get", "nothings.example.com") == (
        "yes\n", "Warning: the server doesn't have a resource type 'nothings' in group 'example.com'\n\n", 0)


@pytest.mark.needs_simulation
def test_auth_for_each_simulated_user(kube, kubeconfig_for):
    limited = kubeconfig_for("limited")
    assert kube("auth", "whoami", kubeconfig=limited) == (
        "ATTRIBUTE   VALUE\nUsername    limited\nGroups      [system:authenticated]\n", "", 0)
    assert kube("-n", kube.ns, "auth", "can-i", "list", "pods", kubeconfig=limited) == ("yes\n", "", 0)
    assert kube("-n", kube.ns, "auth", "can-i", "delete", "pods", kubeconfig=limited) == ("no\n", "", 1)


def test_errors_with_kubectls_messages(kube):
    kube.ok("create", "-f", kube.file("m.yaml", MULTI))
    assert kube.n("get", "cm", "nope") == ("", 'Error from server (NotFound): configmaps "nope" not found\n', 1)
    assert kube.n("get", "cm", "nope", "-o", "name", "--ignore-not-found") == ("", "", 0)
    assert kube("get", "ns", f"{kube.ns}-nope") == (
        "", f'Error from server (NotFound): namespaces "{kube.ns}-nope" not found\n', 1)
    f = kube.file("m.yaml", MULTI)
    out, err, code = kube.n("create", "-f", f)
    assert (out, code) == ("", 1)
    assert err == "".join(f'Error from server (AlreadyExists): error when creating "{f}": {what} already exists\n'
                          for what in ('configmaps "cm1"', 'configmaps "cm2"', 'secrets "s1"'))
    assert kube.n("create", "configmap", "cm1") == (
        "", 'error: failed to create configmap: configmaps "cm1" already exists\n', 1)
    bad = kube.file("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n"
                                "  - name: c\n")
    assert kube.n("create", "-f", bad) == (
        "", 'The Pod "bad" is invalid: spec.containers[0].image: Required value\n', 1)
    bad = kube.file("bad2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n")
    out, err, code = kube.n("create", "-f", bad)
    assert (out, code) == ("", 1)
    assert err == ('The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC '
                   "1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
                   "end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                   "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n")
    bad = kube.file("bad3.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c3\n  labels: {'a b': c}\n")
    out, err, code = kube.n("create", "-f", bad)
    assert (out, code) == ("", 1)
    assert err.startswith('The ConfigMap "c3" is invalid: metadata.labels: Invalid value: "a b": name part must '
                          "consist of alphanumeric characters")
    svc = kube.file("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s1}\nspec:\n"
                                "  ports: [{port: 99999}]\n")
    assert kube.n("create", "-f", svc) == (
        "", 'The Service "s1" is invalid: spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, '
            "inclusive\n", 1)
    svc = kube.file("svc2.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s2}\nspec:\n"
                                 "  ports: [{port: 80}, {port: 81, protocol: FOO}]\n")
    assert kube.n("create", "-f", svc) == (
        "", 'The Service "s2" is invalid: \n* spec.ports[0].name: Required value\n'
            "* spec.ports[1].name: Required value\n"
            '* spec.ports[1].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"\n', 1)
    assert kube("get", "nothings") == (
        "", 'error: the server doesn\'t have a resource type "nothings"\n', 1)
    assert kube.n("get", "pods", "-o", "bogus")[2] == 1


def test_unauthorized_with_a_bad_token(kube, tmp_path):
    config = json.loads(kube("config", "view", "--raw", "--minify", "-o", "json")[0])
    cluster = config["clusters"][0]["cluster"]
    bad = {"apiVersion": "v1", "kind": "Config", "current-context": "bad",
           "clusters": [{"name": "c", "cluster": cluster}],
           "users": [{"name": "u", "user": {"token": "not-a-valid-token"}}],
           "contexts": [{"name": "bad", "context": {"cluster": "c", "user": "u"}}]}
    path = tmp_path / "bad-kubeconfig"
    path.write_text(json.dumps(bad))
    assert kube("get", "--raw", "/api/v1/namespaces", kubeconfig=path) == (
        "", "error: You must be logged in to the server (Unauthorized)\n", 1)


@pytest.mark.needs_simulation
def test_forbidden_for_the_limited_user(kube, kubeconfig_for):
    limited = kubeconfig_for("limited")
    f = kube.file("m.yaml", MULTI.split("---")[0])
    assert kube("-n", kube.ns, "create", "-f", f, kubeconfig=limited) == (
        "", f'Error from server (Forbidden): error when creating "{f}": configmaps is forbidden: User "limited" '
            f'cannot create resource "configmaps" in API group "" in the namespace "{kube.ns}"\n', 1)
    assert kube("delete", "ns", kube.ns, kubeconfig=limited) == (
        "", f'Error from server (Forbidden): namespaces "{kube.ns}" is forbidden: User "limited" cannot delete '
            'resource "namespaces" in API group "" in the namespace "' + kube.ns + '"\n', 1)


def test_forbidden_through_impersonation(kube):
    """Against any cluster: a service account with no roles may not write (impersonated by the admin)."""
    sa = f"system:serviceaccount:{kube.ns}:nobody"
    f = kube.file("m.yaml", MULTI.split("---")[0])
    assert kube.n("create", "-f", f, f"--as={sa}") == (
        "", f'Error from server (Forbidden): error when creating "{f}": configmaps is forbidden: User "{sa}" cannot '
            f'create resource "configmaps" in API group "" in the namespace "{kube.ns}"\n', 1)


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.NS.example.com
spec:
  group: NS.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [NS-ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer}
          status:
            type: object
            properties:
              replicas: {type: integer}
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Image, type: string, jsonPath: .spec.image, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
"""

CRONTABS = """\
apiVersion: NS.example.com/v1
kind: CronTab
metadata: {name: b-cron, labels: {team: x}}
spec: {cronSpec: "*/5 * * * *", image: img:1, replicas: 2}
---
apiVersion: NS.example.com/v1
kind: CronTab
metadata: {name: a-cron}
spec: {cronSpec: "0 * * * *", image: img:2, replicas: 1}
"""


def test_crd_then_custom_objects_with_printer_columns(kube):
    crd = f"customresourcedefinition.apiextensions.k8s.io/crontabs.{kube.ns}.example.com"
    kube.cluster(crd)
    assert kube("create", "-f", kube.file("crd.yaml", CRD)) == (f"{crd} created\n", "", 0)
    assert kube("wait", "--for=condition=Established", crd, "--timeout=30s") == (f"{crd} condition met\n", "", 0)
    group = f"{kube.ns}.example.com"
    assert kube.n("create", "-f", kube.file("ct.yaml", CRONTABS)) == (
        f"crontab.{group}/b-cron created\ncrontab.{group}/a-cron created\n", "", 0)
    out = kube.ok("get", f"crontabs.{group}", "--sort-by", ".metadata.name")
    assert ages(out) == ("NAME     SPEC          REPLICAS   AGE\n"
                         "a-cron   0 * * * *     1          ~~\n"
                         "b-cron   */5 * * * *   2          ~~\n")
    out = kube.ok("get", f"{kube.ns}-ct", "-o", "wide", "-l", "team=x")
    assert ages(out) == ("NAME     SPEC          REPLICAS   IMAGE   AGE\n"
                         "b-cron   */5 * * * *   2          img:1   ~~\n")
    out = kube.ok("get", f"{kube.ns}-ct", "a-cron", "-o", "yaml")
    assert out.startswith(f"apiVersion: {group}/v1\nkind: CronTab\nmetadata:\n")
    assert kube.n("scale", f"crontab.{group}/a-cron", "--replicas=4") == (f"crontab.{group}/a-cron scaled\n", "", 0)
    assert kube.ok("get", f"{kube.ns}-ct", "a-cron", "-o", "jsonpath={.spec.replicas}") == "4"
    assert kube.n("patch", f"{kube.ns}-ct", "a-cron", "--type=merge", "-p", '{"spec":{"image":"img:3"}}') == (
        f"crontab.{group}/a-cron patched\n", "", 0)
    # Custom resources have no strategic merge patch.
    out, err, code = kube.n("patch", f"{kube.ns}-ct", "a-cron", "-p", '{"spec":{"image":"img:4"}}')
    assert (out, code) == ("", 1)
    assert err == ("error: application/strategic-merge-patch+json is not supported by "
                   f"{group}/v1, Kind=CronTab: the body of the request was in an unknown format - accepted media "
                   "types include: application/json-patch+json, application/merge-patch+json, "
                   "application/apply-patch+yaml\n")
    out, err, code = kube("explain", f"crontabs.{group}.spec")
    assert code == 0, err
    assert "  cronSpec\t<string>" in out.splitlines()
    assert kube.n("delete", f"{kube.ns}-ct", "--all") == (
        f'crontab.{group} "a-cron" deleted\ncrontab.{group} "b-cron" deleted\n', "", 0)  # listed in name order
    assert kube("delete", crd) == (
        f'customresourcedefinition.apiextensions.k8s.io "crontabs.{group}" deleted\n', "", 0)


def test_get_watch_bounded_by_request_timeout(kube):
    import subprocess
    import time

    from tests.conftest import _isolated_env

    kube.ok("create", "-f", kube.file("m.yaml", MULTI))
    binary = require_real_kubectl()
    env = _isolated_env(kube.runners.home, {**kube.runners.env, "KUBECONFIG": str(kube.kubeconfig)})
    started = time.monotonic()
    proc = subprocess.Popen([binary, "-n", kube.ns, "get", "cm", "-l", "tier", "-w", "--request-timeout=4s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.5)
    kube.ok("label", "cm", "cm1", "extra=1")
    kube.ok("delete", "cm", "cm2")
    out, err = proc.communicate(timeout=60)
    assert 3.5 < time.monotonic() - started < 30
    assert (err, proc.returncode) == ("", 0)
    assert ages(out) == ("NAME   DATA   AGE\n"
                         "cm1    2      ~~\n"
                         "cm2    1      ~~\n"
                         "cm1    2      ~~\n"
                         "cm2    1      ~~\n")
    # -o name and --watch-only: only the changes, each as kind/name
    proc = subprocess.Popen([binary, "-n", kube.ns, "get", "cm", "-l", "tier", "--watch-only", "-o", "name",
                             "--request-timeout=3s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    time.sleep(1.5)
    kube.ok("annotate", "cm", "cm1", "seen=yes")
    out, err = proc.communicate(timeout=60)
    assert (out, err, proc.returncode) == ("configmap/cm1\n", "", 0)


@pytest.mark.parametrize("version", ["1.29", "1.33"])
def test_other_kubectl_versions_create_get_apply_patch_delete(kube, version):
    """kubectl 1.29 (aggregated discovery v2beta1) and 1.33 (v2) on the same server: a handful of verbs."""
    import os
    import shutil
    import subprocess

    from tests.conftest import _isolated_env, find_real_kubectl

    binary = find_real_kubectl(version)
    if binary is None:
        if os.environ.get("CI") == "true" and shutil.which("kubectl"):
            pytest.fail(f"kubectl.{version} is absent beside the kubectl dispatcher")
        pytest.skip(f"kubectl.{version} is absent")
    env = _isolated_env(kube.runners.home / version, {"KUBECONFIG": str(kube.kubeconfig)})
    (kube.runners.home / version).mkdir(exist_ok=True)

    def run(*args: str) -> tuple[str, str, int]:
        proc = subprocess.run([binary, "-n", kube.ns, *args], capture_output=True, text=True, env=env, timeout=60)
        return proc.stdout, proc.stderr, proc.returncode

    f = kube.file("d.yaml", DEPLOYMENT)
    assert run("create", "-f", f) == ("deployment.apps/web created\n", "", 0)
    out, err, code = run("get", "deploy", "-o", "wide")
    assert (err, code) == ("", 0)
    assert ages(out) == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS      IMAGES                    SELECTOR\n"
        "web    0/0     0            0           ~~    nginx,sidecar   nginx:1.25,busybox:1.36   app=web\n")
    assert run("apply", "-f", kube.file("d2.yaml", DEPLOYMENT.replace("nginx:1.25", "nginx:1.26"))) == (
        "deployment.apps/web configured\n",
        "Warning: resource deployments/web is missing the kubectl.kubernetes.io/last-applied-configuration "
        "annotation which is required by kubectl apply. kubectl apply should only be used on resources created "
        "declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be "
        "patched automatically.\n", 0)
    assert run("patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"replicas":0}}') == (
        "deployment.apps/web patched (no change)\n", "", 0)
    assert run("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}") == (
        "nginx:1.26", "", 0)
    out, err, code = run("api-resources", "--api-group=apps", "-o", "name")
    assert (out, err, code) == ("controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\n"
                                "statefulsets.apps\n", "", 0)
    assert run("get", "deploy", "nope") == ("", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)
    assert run("delete", "-f", f) == ('deployment.apps "web" deleted\n', "", 0)
