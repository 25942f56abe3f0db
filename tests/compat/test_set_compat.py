"""`set image|env|resources|serviceaccount`: the real kubectl 1.32 and pykubectl on the same fresh server state —
the same output, exit code and resulting objects; `--local -f … -o yaml` runs compared as printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compat.test_write_harness import DEPLOYMENT, POD, WriteHarness, normalise_text, yaml_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

TWO = {**DEPLOYMENT, "metadata": {"name": "two", "labels": {"app": "two"}},
       "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "two"}},
                "template": {"metadata": {"labels": {"app": "two"}},
                             "spec": {"initContainers": [{"name": "init", "image": "busybox"}],
                                      "containers": [{"name": "nginx", "image": "nginx:1.25",
                                                      "env": [{"name": "A", "value": "1"}]},
                                                     {"name": "side", "image": "busybox"}]}}}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"K1": "v1", "a.b": "2"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sec"}, "data": {"PASS": "eA=="}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
FILES = {"deploy.yaml": yaml_text(TWO), "pod.yaml": yaml_text(POD),
         # one of each kind with a pod template, printed after the change as kubectl's typed objects print
         "kinds.yaml": (Path(__file__).parent / "set_kinds.yaml").read_text()}
SETUP = [DEPLOYMENT, TWO, CM, SECRET, SERVICE, POD]


def normalise(text: str) -> str:
    """Time-dependent text, and the oracle's binary name where kubectl quotes os.Args[0]."""
    return normalise_text(text).replace("kubectl.1.32", "kubectl")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("set-home")


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, home, monkeypatch, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential write tests need the test API server")
    harness = WriteHarness(kube_apiserver, Runners(home, monkeypatch), kubeconfig_file, tmp_path)
    harness.write_files(FILES)
    yield harness
    harness.close()


IMAGE_CASES = [
    ("deploy/web", "nginx=nginx:1.26"),
    ("deploy/web", "nginx=nginx:1.25"),
    ("deploy/two", "*=alpine"),
    ("deploy/two", "init=busybox:2", "side=busybox:3"),
    ("deploy/two", "nope=x"),
    ("deploy", "web", "two", "nginx=nginx:1.27"),
    ("deploy", "--all", "nginx=nginx:1.27", "-o", "name"),
    ("deploy", "-l", "app=two", "nginx=nginx:1.27"),
    ("pod/p1", "c=busybox"),
    ("svc/svc", "a=b"),
    ("deploy/web", "nginx=nginx:1.26", "--dry-run=client"),
    ("deploy/web", "nginx=nginx:1.26", "--dry-run=server"),
    ("deploy/web", "nginx=nginx:1.26", "-o", "yaml"),
    ("deploy/web",),
    ("c=d",),
    ("deploy/web", "=x"),
    ("deploy/web", "a=b", "c"),
    ("deploy/missing", "a=b"),
    ("deploy/web", "a=b", "*=c"),
    ("--local", "deploy/web", "c=d"),
    ("-f", "deploy.yaml", "nginx=nginx:2", "--local", "-o", "yaml"),
    ("-f", "deploy.yaml", "nginx=nginx:2", "--local", "--dry-run=server"),
    ("-f", "pod.yaml", "c=x", "--local", "-o", "yaml"),
    ("-f", "deploy.yaml", "nginx=nginx:2", "--local", "-o", "wide"),
    ("-f", "deploy.yaml", "nginx=nginx:2"),
]


@pytest.mark.parametrize("args", IMAGE_CASES, ids=" ".join)
def test_set_image(harness, args):
    harness.check(("set", "image", *args), setup=SETUP, normalise=normalise)


ENV_CASES = [
    ("deploy/two", "A=1", "B=2"),
    ("deploy/two", "A-", "C=3", "-c", "nginx"),
    ("deploy/two", "-e", "X=1", "-e", "Y=2", "-c", "side"),
    ("deploy/two", "--from=configmap/cfg", "--keys=a.b"),
    ("deploy/two", "--from=secret/sec", "--prefix=P_", "-c", "side"),
    ("deploy/two", "--from=configmap/cfg", "--keys=K1"),
    ("deploy/two", "--list"),
    ("deploy/two", "--list", "-c", "nginx"),
    ("deploy/two", "A=9", "--overwrite=false"),
    ("deploy/two", "1A=2"),
    ("deploy/two", "--from=cm/nope"),
    ("deploy/two", "--from=foo/x"),
    ("svc/svc", "A=1"),
    ("deploy/two", "-c", "nope", "A=1"),
    ("deploy/two", "--list", "-o", "yaml"),
    ("deploy/two", "--keys=a"),
    ("deploy/two", "E"),
    ("deploy/two", "B=2", "--dry-run=client", "-o", "name"),
    ("-f", "deploy.yaml", "B=2", "--local", "-o", "yaml"),
    ("deploy/two", "-c", "nginx", "-e", "-"),
    ("pods", "--all", "--list"),
    ("deploy", "--all", "Z=1", "-c", "nginx"),
    ("deploy", "-l", "app=web", "Z=1"),
]


@pytest.mark.parametrize("args", ENV_CASES, ids=" ".join)
def test_set_env(harness, args):
    stdin = "S1=one\n# comment\nS2=two\n" if args[-1] == "-" else ""
    harness.check(("set", "env", *args), setup=SETUP, stdin=stdin, normalise=normalise)


def test_set_env_list_resolves_references(harness):
    with_refs = {**TWO, "spec": {**TWO["spec"], "template": {**TWO["spec"]["template"], "spec": {
        "containers": [{"name": "nginx", "image": "nginx", "env": [
            {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "K1"}}},
            {"name": "P", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "PASS"}}},
            {"name": "F", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}}}}
    setup = [CM, SECRET, with_refs]
    harness.check(("set", "env", "deploy/two", "--list"), setup=setup, normalise=normalise)
    harness.check(("set", "env", "deploy/two", "--list", "--resolve"), setup=setup, normalise=normalise)


RESOURCES_CASES = [
    ("deploy/web", "--limits=cpu=200m,memory=512Mi"),
    ("deploy/two", "-c", "nginx", "--requests=cpu=0.5,memory=1024Mi"),
    ("deploy/two", "-c", "si*", "--limits=cpu=1", "--requests=cpu=100m"),
    ("deploy/web",),
    ("deploy/web", "-c", "nope", "--requests=cpu=1"),
    ("svc/svc", "--limits=cpu=1"),
    ("deploy/web", "--limits=foo"),
    ("deploy/web", "--limits=cpu=abc"),
    ("deploy/web", "--limits=cpu=2", "--dry-run=client", "-o", "name"),
    ("-f", "deploy.yaml", "--limits=cpu=1,memory=1.5Gi", "--requests=cpu=1500m,memory=2048", "--local",
     "-o", "yaml"),
]


@pytest.mark.parametrize("args", RESOURCES_CASES, ids=" ".join)
def test_set_resources(harness, args):
    harness.check(("set", "resources", *args), setup=SETUP, normalise=normalise)


SERVICEACCOUNT_CASES = [
    ("serviceaccount", "deploy/web", "mysa"),
    ("sa", "deploy/web", "default"),
    ("sa",),
    ("sa", "deploy/web"),
    ("sa", "svc/svc", "x"),
    ("sa", "pod/p1", "x", "--dry-run=server"),
    ("sa", "-f", "deploy.yaml", "sa1", "--local", "-o", "yaml"),
]


@pytest.mark.parametrize("args", SERVICEACCOUNT_CASES, ids=" ".join)
def test_set_serviceaccount(harness, args):
    harness.check(("set", *args), setup=SETUP, normalise=normalise)


LOCAL_KINDS_CASES = [
    ("image", "-f", "kinds.yaml", "c=nginx", "--local", "-o", "yaml"),
    ("image", "-f", "kinds.yaml", "c=nginx", "--local", "-o", "name"),
    ("env", "-f", "kinds.yaml", "A=1", "--local", "-o", "yaml"),
    ("resources", "-f", "kinds.yaml", "--limits=cpu=1", "--local", "-o", "yaml"),
    ("sa", "-f", "kinds.yaml", "x", "--local", "-o", "yaml"),
    ("image", "deploy", "web", "two", "*=x", "-o", "yaml", "--dry-run=server"),
]


@pytest.mark.parametrize("args", LOCAL_KINDS_CASES, ids=" ".join)
def test_set_every_pod_template_kind(harness, args):
    harness.check(("set", *args), setup=SETUP, normalise=normalise)


@pytest.mark.parametrize("args", [("set",), ("set", "--help"), ("set", "foo"), ("set", "image", "--help"),
                                  ("set", "env", "--help"), ("set", "resources", "--help"),
                                  ("set", "sa", "--help"), ("set", "serviceaccount", "-h"),
                                  ("set", "selector", "-h"), ("set", "subject", "--help")], ids=" ".join)
def test_set_help(runners, args):
    runners.assert_same(*args)


SELECTOR_SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "sel", "labels": {"app": "sel"}},
                    "spec": {"selector": {"app": "sel"}, "ports": [{"port": 80}]}}
SELECTOR_CASES = [
    ("svc/sel", "app=x,tier=y"),
    ("svc/sel", "app=x", "-o", "yaml"),
    ("svc/sel", "app=sel"),
    ("svc/sel",),
    ("svc/sel", "a=b", "c=d"),
    ("svc/sel", "a in (b)"),
    ("svc/sel", "a=b", "--resource-version=1"),
    ("deploy/web", "a=b"),
    ("svc/sel", "a=b", "--all"),
    ("svc", "sel", "a=b"),
    ("svc/sel", "=b"),
    ("svc/sel", "a=b", "--dry-run=client", "-o", "name"),
    ("svc/sel", "a=b", "--dry-run=server"),
    ("-f", "deploy.yaml", "a=b", "--local", "-o", "yaml"),
    ("--help",),
]


@pytest.mark.parametrize("args", SELECTOR_CASES, ids=" ".join)
def test_set_selector(harness, args):
    harness.check(("set", "selector", *args), setup=[*SETUP, SELECTOR_SERVICE], normalise=normalise)


RBAC = "/apis/rbac.authorization.k8s.io/v1"
BINDINGS = [
    (f"{RBAC}/namespaces/default/rolebindings",
     {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb"},
      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
      "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "u1"}]}),
    (f"{RBAC}/clusterrolebindings",
     {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "w5-crb"},
      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
      "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "g1"}]}),
]
SUBJECT_CASES = [
    ("rolebinding/rb", "--user=u2", "--group=g", "--serviceaccount=default:sa1"),
    ("rolebinding/rb", "--user=u1"),
    ("rolebinding/rb", "--user=u1", "--user=u5"),
    ("rolebinding/rb",),
    ("rolebinding/rb", "--serviceaccount=bad"),
    ("clusterrolebinding/w5-crb", "--group=g2", "-o", "yaml"),
    ("svc/svc", "--user=x"),
    ("rolebinding/rb", "--user=u3", "--dry-run=client", "-o", "name"),
    ("rolebinding/rb", "--user=u3", "--dry-run=server"),
    ("--help",),
]


def _bindings(harness) -> dict:
    from tests.compat.test_write_harness import _normalise

    state = {}
    for path, obj in BINDINGS:
        response = harness.http.get(f"{path}/{obj['metadata']['name']}")
        state[path] = _normalise(response.json())
    return state


@pytest.mark.parametrize("args", SUBJECT_CASES, ids=" ".join)
def test_set_subject(harness, args):
    results = []
    for tool in ("kubectl", "pykubectl"):
        harness.prepare(SETUP)
        for path, obj in BINDINGS:
            harness.http.delete(f"{path}/{obj['metadata']['name']}")
            assert harness.http.post(path, json=obj).status_code == 201
        result = getattr(harness.runners, tool)("set", "subject", *args, env=harness.env)
        results.append(((normalise(result.stdout), normalise(result.stderr), result.exit_code), _bindings(harness)))
    assert results[1] == results[0]
