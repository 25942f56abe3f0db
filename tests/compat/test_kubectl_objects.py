"""The REAL kubectl 1.32 creating, reading, changing and deleting objects on the test API server.

Expected texts are what kubectl prints against a real 1.32 cluster for the same steps (only AGE cells vary).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import require_real_kubectl

pytestmark = pytest.mark.needs_simulation(reason="it checks the test server's own objects: fixed names, no controllers, its defaults")

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
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
---
apiVersion: v1
kind: Pod
metadata:
  name: p1
  labels: {app: web, tier: fe}
spec:
  containers:
  - name: c
    image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: websvc
spec:
  selector: {app: web}
  ports:
  - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm1}
data: {a: "1", b: "2"}
"""

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
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
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
"""

CRONTAB = """\
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: my-cron}
spec: {cronSpec: "* * * * */5", replicas: 1}
"""

AGE = re.compile(r"(?<= )\d+s(?= |\n|$)")


def ages(text: str) -> str:
    """AGE cells become "Ns" (same width as the 0s..9s a fast test sees), so alignment is still checked."""
    return AGE.sub(lambda m: "N" * (len(m.group()) - 1) + "s", text)


@pytest.fixture
def k(runners, kubeconfig_file, tmp_path):
    """Run the real kubectl against the test server; returns (stdout, stderr, code)."""
    require_real_kubectl()

    def run(*args: str, stdin: str = ""):
        result = runners.kubectl(*args, env={"KUBECONFIG": str(kubeconfig_file)}, stdin=stdin)
        return result.stdout, result.stderr, result.exit_code
    run.tmp = tmp_path
    return run


def write(k, name: str, text: str) -> str:
    path = Path(k.tmp) / name
    path.write_text(text)
    return str(path)


@pytest.mark.no_simulation  # pods stay as created (no scheduler/kubelet)
def test_create_multi_document_and_get_tables(k):
    f = write(k, "m.yaml", MANIFESTS)
    assert k("create", "-f", f) == ("deployment.apps/web created\npod/p1 created\nservice/websvc created\n"
                                    "configmap/cm1 created\n", "", 0)
    out, err, code = k("get", "deploy,po,svc,cm", "-o", "wide")
    assert (err, code) == ("", 0)
    lines = ages(out).splitlines()
    assert lines[0] == "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR"
    assert lines[1] == "deployment.apps/web   0/2     0            0           Ns    nginx        nginx:1.25   app=web"
    assert lines[3] == "NAME     READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES"
    assert lines[4] == "pod/p1   0/1     Pending   0          Ns    <none>   <none>   <none>           <none>"
    assert lines[6] == "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR"
    assert lines[7] == "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   Ns    <none>"
    assert re.fullmatch(r"service/websvc       ClusterIP   10\.\d+\.\d+\.\d+ +<none>        80/TCP    Ns    app=web",
                        lines[8])
    assert lines[10:] == ["NAME            DATA   AGE", "configmap/cm1   2      Ns"]
    out, _, _ = k("get", "pods", "--show-labels", "-l", "tier=fe")
    assert ages(out) == ("NAME   READY   STATUS    RESTARTS   AGE   LABELS\n"
                         "p1     0/1     Pending   0          Ns    app=web,tier=fe\n")
    out, _, _ = k("get", "pods", "-A", "--field-selector", "metadata.name=p1")
    assert ages(out) == ("NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE\n"
                         "default     p1     0/1     Pending   0          Ns\n")
    assert k("get", "pods", "-l", "app=nope") == ("", "No resources found in default namespace.\n", 0)
    out, _, _ = k("get", "ns", "--sort-by", ".metadata.name", "-o", "name")
    assert out == "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n"


@pytest.mark.no_simulation  # pods stay as created (no scheduler/kubelet)
def test_get_yaml_and_json_show_server_defaults(k):
    k("create", "-f", write(k, "m.yaml", MANIFESTS))
    out, err, code = k("get", "pod", "p1", "-o", "json")
    assert code == 0
    pod = json.loads(out)
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    out, _, _ = k("get", "deploy", "web", "-o", "yaml")
    assert "    type: RollingUpdate\n" in out and "      maxSurge: 25%\n" in out
    assert "  revisionHistoryLimit: 10\n" in out and "managedFields" not in out


def test_error_messages(k):
    k("create", "-f", write(k, "m.yaml", MANIFESTS))
    assert k("get", "pod", "nope") == ("", 'Error from server (NotFound): pods "nope" not found\n', 1)
    f = write(k, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1}\n")
    assert k("create", "-f", f) == (
        "", f'Error from server (AlreadyExists): error when creating "{f}": configmaps "cm1" already exists\n', 1)
    bad = write(k, "bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers: []\n")
    assert k("create", "-f", bad) == ("", 'The Pod "bad" is invalid: spec.containers: Required value\n', 1)
    bad = write(k, "bad2.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec:\n"
                                "  containers: [{name: c, image: x}]\n")
    _, err, code = k("create", "-f", bad)
    assert code == 1 and err.startswith('The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": '
                                        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric ")
    unknown = write(k, "u.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec:\n"
                                 "  containers: [{name: c, image: x}]\n  foo: 1\n")
    assert k("create", "-f", unknown) == ("", f'Error from server (BadRequest): error when creating "{unknown}": Pod '
                                              'in version "v1" cannot be handled as a Pod: strict decoding error: '
                                              'unknown field "spec.foo"\n', 1)
    assert k("create", "-f", unknown, "--validate=warn") == ("pod/u created\n", 'Warning: unknown field "spec.foo"\n', 0)


def test_forbidden_for_limited_user(runners, kubeconfig_for, tmp_path):
    require_real_kubectl()
    limited = kubeconfig_for("limited")
    f = tmp_path / "cm.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    result = runners.kubectl("create", "-f", str(f), env={"KUBECONFIG": str(limited)})
    assert (result.stdout, result.stderr, result.exit_code) == (
        "", f'Error from server (Forbidden): error when creating "{f}": configmaps is forbidden: User "limited" '
            'cannot create resource "configmaps" in API group "" in the namespace "default"\n', 1)


def test_replace_with_stale_object_conflicts(k):
    k("create", "-f", write(k, "m.yaml", MANIFESTS))
    stale, _, _ = k("get", "deploy", "web", "-o", "yaml")
    f = write(k, "stale.yaml", stale)
    assert k("scale", "deploy", "web", "--replicas=3") == ("deployment.apps/web scaled\n", "", 0)
    assert k("replace", "-f", f) == (
        "", f'Error from server (Conflict): error when replacing "{f}": Operation cannot be fulfilled on '
            'deployments.apps "web": the object has been modified; please apply your changes to the latest '
            "version and try again\n", 1)
    fresh, _, _ = k("get", "deploy", "web", "-o", "yaml")
    assert k("replace", "-f", write(k, "fresh.yaml", fresh.replace("replicas: 3", "replicas: 4"))) == (
        "deployment.apps/web replaced\n", "", 0)
    out, _, _ = k("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}")
    assert out == "4 3"


@pytest.mark.no_simulation  # pods stay as created (no scheduler/kubelet)
def test_apply_twice_and_server_side_conflict(k):
    f = write(k, "m.yaml", MANIFESTS)
    assert k("apply", "-f", f)[0] == ("deployment.apps/web created\npod/p1 created\nservice/websvc created\n"
                                      "configmap/cm1 created\n")
    changed = write(k, "m2.yaml", MANIFESTS.replace("nginx:1.25", "nginx:1.26"))
    assert k("apply", "-f", changed) == ("deployment.apps/web configured\npod/p1 unchanged\nservice/websvc unchanged\n"
                                         "configmap/cm1 unchanged\n", "", 0)
    out, _, _ = k("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
    assert out == "nginx:1.26"
    scaled = write(k, "m3.yaml", MANIFESTS.replace("nginx:1.25", "nginx:1.26").replace("replicas: 2", "replicas: 3"))
    out, err, code = k("apply", "--server-side", "-f", scaled)
    assert code == 1
    assert err.startswith('error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using '
                          "apps/v1: .spec.replicas\nPlease review the fields above--they currently have other managers.")
    out, err, code = k("apply", "--server-side", "--force-conflicts", "-f", scaled)
    assert code == 0 and out.startswith("deployment.apps/web serverside-applied\n")
    out, _, _ = k("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")
    assert out == "3"


@pytest.mark.no_simulation  # "(no change)" compares what kubectl read with the patch's answer: no controller between
def test_label_annotate_patch(k):
    k("create", "-f", write(k, "m.yaml", MANIFESTS))
    assert k("label", "pod", "p1", "x=y") == ("pod/p1 labeled\n", "", 0)
    assert k("label", "pod", "p1", "x=z") == ("", "error: 'x' already has a value (y), and --overwrite is false\n", 1)
    assert k("annotate", "pod", "p1", "note=hi") == ("pod/p1 annotated\n", "", 0)
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}'
    assert k("patch", "deploy", "web", "-p", patch) == ("deployment.apps/web patched\n", "", 0)
    assert k("patch", "deploy", "web", "-p", patch) == ("deployment.apps/web patched (no change)\n", "", 0)
    assert k("patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"replicas":5}}')[0] == \
        "deployment.apps/web patched\n"
    assert k("patch", "deploy", "web", "--type=json", "-p",
             '[{"op":"replace","path":"/spec/replicas","value":4}]')[0] == "deployment.apps/web patched\n"
    out, _, _ = k("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}")
    assert out == "4 nginx:2"
    out, _, _ = k("get", "pod", "p1", "-o", "jsonpath={.metadata.labels.x} {.metadata.annotations.note}")
    assert out == "y hi"


def test_crd_and_custom_objects(k):
    assert k("create", "-f", write(k, "crd.yaml", CRD)) == (
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n", "", 0)
    assert k("create", "-f", write(k, "ct.yaml", CRONTAB)) == ("crontab.stable.example.com/my-cron created\n", "", 0)
    out, err, code = k("get", "ct")
    assert (ages(out), err, code) == ("NAME      SPEC          REPLICAS   AGE\nmy-cron   * * * * */5   1          Ns\n",
                                      "", 0)
    assert k("scale", "ct", "my-cron", "--replicas=3") == ("crontab.stable.example.com/my-cron scaled\n", "", 0)
    assert k("patch", "ct", "my-cron", "--type=merge", "-p", '{"spec":{"cronSpec":"x"}}')[0] == \
        "crontab.stable.example.com/my-cron patched\n"
    out, _, _ = k("get", "ct", "my-cron", "-o", "jsonpath={.spec.replicas} {.spec.cronSpec}")
    assert out == "3 x"
    assert k("delete", "crd", "crontabs.stable.example.com") == (
        'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n', "", 0)
    # kubectl still has "ct" in its discovery cache, so it asks and gets the 404 of a type that is gone.
    assert k("get", "ct") == ("", 'Error from server (NotFound): Unable to list "stable.example.com/v1, '
                                  'Resource=crontabs": the server could not find the requested resource\n', 1)


def test_delete_variants(k):
    k("create", "-f", write(k, "m.yaml", MANIFESTS))
    assert k("delete", "pod", "p1") == ('pod "p1" deleted\n', "", 0)
    assert k("delete", "cm", "-l", "nope=1") == ("No resources found\n", "", 0)
    assert k("delete", "deploy", "--all") == ('deployment.apps "web" deleted\n', "", 0)
    assert k("create", "namespace", "--dry-run=client", "-o", "name", "zz")[0] == "namespace/zz\n"
    ns = write(k, "ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: zz}\n")
    k("create", "-f", ns)
    k("create", "-n", "zz", "-f", write(k, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"))
    assert k("delete", "ns", "zz") == ('namespace "zz" deleted\n', "", 0)
    assert k("get", "cm", "-n", "zz") == ("", "No resources found in zz namespace.\n", 0)
    assert k("get", "ns", "zz") == ("", 'Error from server (NotFound): namespaces "zz" not found\n', 1)


@pytest.mark.no_simulation  # pods stay as created (no scheduler/kubelet)
def test_get_watch_until_request_timeout(k, kubeconfig_file, runners):
    k("create", "-f", write(k, "m.yaml", MANIFESTS))
    binary = require_real_kubectl()
    env = {**runners_env(runners), "KUBECONFIG": str(kubeconfig_file)}
    proc = subprocess.Popen([binary, "get", "pods", "-w", "--request-timeout=3s"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.0)
    k("label", "pod", "p1", "new=1")
    out, err = proc.communicate(timeout=30)
    assert (err, proc.returncode) == ("", 0)
    assert ages(out) == ("NAME   READY   STATUS    RESTARTS   AGE\n"
                         "p1     0/1     Pending   0          Ns\n"
                         "p1     0/1     Pending   0          Ns\n")


def runners_env(runners) -> dict[str, str]:
    from tests.conftest import _isolated_env
    return _isolated_env(runners.home, runners.env)


@pytest.mark.no_simulation  # lists every ConfigMap: no kube-root-ca.crt from the cluster
def test_typed_client_creates_send_protobuf(k):
    """create deployment/configmap/namespace, run and expose use kubectl's typed clients, which send protobuf."""
    assert k("create", "namespace", "team") == ("namespace/team created\n", "", 0)
    assert k("create", "deployment", "web", "--image=nginx:1.25", "--replicas=0", "-n", "team") == (
        "deployment.apps/web created\n", "", 0)
    assert k("create", "configmap", "c1", "--from-literal=a=b", "-n", "team") == ("configmap/c1 created\n", "", 0)
    assert k("run", "r1", "--image=busybox", "-n", "team") == ("pod/r1 created\n", "", 0)
    assert k("expose", "deployment", "web", "--port=80", "--target-port=8080", "-n", "team") == (
        "service/web exposed\n", "", 0)
    out, _, _ = k("get", "deploy,cm,svc", "-n", "team", "-o",
                  "jsonpath={range .items[*]}{.kind}/{.metadata.name} {.spec.replicas}{.data.a}"
                  "{.spec.ports[0].targetPort}{'\\n'}{end}")
    assert out == "Deployment/web 0\nConfigMap/c1 b\nService/web 8080\n"
    out, _, _ = k("get", "deploy", "web", "-n", "team", "-o", "yaml")
    assert "    metadata:\n      creationTimestamp: null\n      labels:\n        app: web\n" in out
