"""`run`, `expose` and `autoscale`: the real kubectl 1.32 and pykubectl on the same fresh server state — the same
output, exit code and resulting objects (the created pods, services and autoscalers)."""

from __future__ import annotations

import pytest

from tests.compat.test_write_harness import (
    DEPLOYMENT,
    POD,
    WriteHarness,
    _normalise,
    normalise_text,
    yaml_text,
)
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

MULTI = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "mp", "labels": {"a": "b"}},
         "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [
             {"containerPort": 80, "name": "http"}, {"containerPort": 53, "protocol": "UDP"}]},
             {"name": "d", "image": "nginx", "ports": [{"containerPort": 9000}]}]}}
PORTED = {**DEPLOYMENT, "metadata": {"name": "ported", "labels": {"app": "ported"}},
          "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "ported"}},
                   "template": {"metadata": {"labels": {"app": "ported"}},
                                "spec": {"containers": [{"name": "main", "image": "nginx",
                                                         "ports": [{"containerPort": 8080}]}]}}}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "labels": {"x": "y"}},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1"}, "data": {"a": "1"}}
SETUP = [DEPLOYMENT, PORTED, MULTI, POD, SERVICE, CM]
FILES = {"mp.yaml": yaml_text(MULTI), "ported.yaml": yaml_text(PORTED)}


def normalise(text: str) -> str:
    return normalise_text(text).replace("kubectl.1.32", "kubectl")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("run-home")


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, home, monkeypatch, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential write tests need the test API server")
    harness = WriteHarness(kube_apiserver, Runners(home, monkeypatch), kubeconfig_file, tmp_path)
    harness.write_files(FILES)
    yield harness
    harness.close()


RUN_CASES = [
    ("nginx", "--image=nginx"),
    ("nginx", "--image=nginx", "--port=80", "--expose"),
    ("nginx", "--image=nginx", "--port=80", "--env=A=b", "--labels=x=y,z=w", "--restart=Never", "--", "sh", "-c",
     "echo hi"),
    ("nginx", "--image=nginx", "--command", "--", "sleep", "10"),
    ("nginx", "--image=nginx", "--restart=OnFailure", "--image-pull-policy=Always", "--privileged",
     "--annotations=a=b"),
    ("nginx", "--image=nginx", "--overrides", '{"spec":{"hostname":"h"}}'),
    ("nginx", "--image=nginx", "--dry-run=client", "-o", "yaml"),
    ("nginx", "--image=nginx", "--dry-run=client", "-o", "json", "--port=80", "--env=A=b", "--labels=x=y,z=w"),
    ("nginx", "--image=nginx", "--dry-run=client", "-o", "yaml", "--command", "--", "sh", "-c", "echo"),
    ("nginx", "--image=nginx", "--dry-run=client"),
    ("nginx", "--image=nginx", "--dry-run=server"),
    ("nginx", "--image=nginx", "--save-config", "--annotations=a=<b>"),
    ("nginx", "--image=nginx", "--dry-run=client", "-n", "foo", "-o", "yaml"),
    ("x", "--image=nginx", "--expose", "--port=80", "--dry-run=client", "-o", "yaml"),
    ("x", "--image=nginx", "--expose", "--port=80", "--dry-run=client", "-o", "json"),
    ("x", "--image=nginx", "--expose", "--port=80", "--dry-run=client"),
    ("x", "--image=nginx", "--overrides", '{"spec":{"hostname":"h"}}', "--dry-run=client", "-o", "yaml"),
    ("x", "--image=nginx", "-o", "name"),
    ("x", "--image=nginx", "--image-pull-policy=Bad"),
    ("x", "--image=nginx", "--labels=a"),
    ("x", "--image=nginx", "--labels==b"),
    ("x", "--image=nginx", "--env=1A=b"),
    ("x", "--image=nginx", "--env=A"),
    ("x", "--image=nginx", "--annotations=a"),
    ("x", "--image=nginx", "--port=abc"),
    ("x", "--image=nginx", "--expose"),
    ("x", "--image=nginx", "--rm"),
    ("x", "--image=nginx", "-t"),
    ("x", "--image=nginx", "-i", "--dry-run=client"),
    ("x", "--image=Bad:Image"),
    ("x", "--image=nginx", "--dry-run=bad"),
    ("x", "--image=nginx", "--restart=Bad"),
    ("x", "--image=nginx", "--overrides=notjson", "--dry-run=client"),
    ("x", "--image=nginx", "--dry-run=client", "-o", "wide"),
    ("x", "--dry-run=client"),
    ("--image=nginx", "--dry-run=client"),
    ("p1", "--image=nginx"),
    ("--help",),
]


@pytest.mark.parametrize("args", RUN_CASES, ids=" ".join)
def test_run(harness, args):
    harness.check(("run", *args), setup=SETUP, normalise=normalise)


EXPOSE_CASES = [
    ("deploy/ported",),
    ("deploy/ported", "--dry-run=client", "-o", "json"),
    ("deploy/ported", "--port=81", "--target-port=http", "--type=NodePort", "--name=foo", "--protocol=UDP",
     "--selector=a=b,c=d", "-l", "x=y", "--external-ip=1.2.3.4", "--session-affinity=ClientIP"),
    ("deploy/ported", "--cluster-ip=None", "--name=headless", "--dry-run=client", "-o", "yaml"),
    ("pod/p1", "--port=80"),
    ("pod/mp",),
    ("pod/mp", "--dry-run=client", "-o", "json", "--target-port=99", "--protocol=SCTP"),
    ("pod/mp", "--port=53", "--dry-run=client", "-o", "yaml"),
    ("deploy/web",),
    ("svc/svc", "--name=svc2"),
    ("svc/svc", "--name=svc2", "--dry-run=client", "-o", "yaml"),
    ("cm/x",),
    ("configmap", "cm1"),
    (),
    ("-f", "mp.yaml", "--port=53", "--dry-run=client", "-o", "name", "--name=xx", "--type=Bad"),
    ("-f", "mp.yaml", "--port=abc", "--dry-run=client", "-o", "name"),
    ("-f", "ported.yaml", "--name=fromfile"),
    ("deploy/ported", "--port=90", "--name=s90", "--dry-run=server", "-o", "yaml"),
    ("deploy/ported", "--port=92", "--dry-run=client", "-o", "wide"),
    ("deploy/ported", "--port=93", "--target-port=8080", "--overrides", '{"spec":{"type":"NodePort"}}'),
    ("deploy/ported", "--port=94", "--save-config", "-o", "name"),
    ("deploy", "web", "ported", "--port=80", "--dry-run=client", "-o", "yaml"),
    ("pod", "mp", "p1", "--dry-run=client", "-o", "yaml"),
    ("deploy", "ported", "web", "--dry-run=client", "-o", "yaml"),
    ("--help",),
]


@pytest.mark.parametrize("args", EXPOSE_CASES, ids=lambda a: " ".join(a) or "no-args")
def test_expose(harness, args):
    harness.check(("expose", *args), setup=SETUP, normalise=normalise)


def test_expose_twice_already_exists(harness):
    harness.check(("expose", "deploy/ported"), setup=[*SETUP, {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "ported"},
        "spec": {"selector": {"app": "ported"}, "ports": [{"port": 1}]}}], normalise=normalise)


AUTOSCALE_CASES = [
    ("deploy/web", "--max=5"),
    ("deploy/web", "--min=2", "--max=5", "--cpu-percent=80", "--name=hh"),
    ("deploy/web", "--max=5", "--dry-run=client", "-o", "json"),
    ("deploy/web", "--min=2", "--max=5", "--cpu-percent=80", "--dry-run=client", "-o", "yaml"),
    ("deploy/web",),
    ("deploy/web", "--max=1", "--min=3"),
    ("deploy/web", "--max=0"),
    ("svc/svc", "--max=3"),
    ("deploy/nope", "--max=3"),
    ("--max=3",),
    ("-f", "mp.yaml", "--max=3"),
    ("deploy", "web", "ported", "--max=3", "--dry-run=client"),
    ("deploy", "web", "ported", "--max=3", "--dry-run=server"),
    ("deploy", "web", "ported", "--max=3", "--dry-run=client", "-o", "yaml"),
    ("deploy/web", "--max=4", "-o", "name"),
    ("deploy/web", "--max=4", "--save-config"),
    ("deploy/web", "--max=4", "-o", "yaml"),
    ("deploy/web", "--max=4", "--dry-run=client", "-o", "wide"),
    ("--help",),
]


def _autoscalers(harness) -> dict:
    response = harness.http.get("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers")
    return {item["metadata"]["name"]: _normalise(item) for item in response.json().get("items") or ()}


@pytest.mark.parametrize("args", AUTOSCALE_CASES, ids=" ".join)
def test_autoscale(harness, args):
    results = []
    for tool in ("kubectl", "pykubectl"):
        harness.prepare(SETUP)
        result = getattr(harness.runners, tool)("autoscale", *args, env=harness.env)
        results.append(((normalise(result.stdout), normalise(result.stderr), result.exit_code),
                        _autoscalers(harness)))
    assert results[1] == results[0]
