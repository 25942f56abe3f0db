"""HPAs and ResourceQuotas as the simulated cluster's controllers keep them: `get`, `describe` and quota
admission errors from the REAL kubectl 1.32 and pykubectl on one server state, byte for byte.

The state is built once per module with the real kubectl: deployments with their HPAs (one that scales up
to its maximum, one held by the scale-down stabilisation window, one raised to its minimum, one whose target
is missing, one whose pods set no cpu request) and a namespace with quotas and some usage. The simulated
metrics are stable, so once the cluster has settled both tools see the same objects.
"""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from tests.conftest import Result, _isolated_env, require_real_kubectl

pytestmark = pytest.mark.needs_simulation

WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: busy}
spec:
  replicas: 1
  selector: {matchLabels: {app: busy}}
  template:
    metadata: {labels: {app: busy}}
    spec:
      containers: [{name: web, image: nginx, resources: {requests: {cpu: 1m}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: idle}
spec:
  replicas: 2
  selector: {matchLabels: {app: idle}}
  template:
    metadata: {labels: {app: idle}}
    spec:
      containers: [{name: web, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: small}
spec:
  replicas: 1
  selector: {matchLabels: {app: small}}
  template:
    metadata: {labels: {app: small}}
    spec:
      containers: [{name: web, image: nginx, resources: {requests: {memory: 32Mi}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bare}
spec:
  replicas: 1
  selector: {matchLabels: {app: bare}}
  template:
    metadata: {labels: {app: bare}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy}
spec:
  replicas: 1
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: web, image: nginx, resources: {requests: {cpu: 100m}}}]
"""

AUTOSCALERS = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: busy}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: busy}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 10}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: idle}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: idle}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: small}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: small}
  minReplicas: 2
  maxReplicas: 4
  metrics:
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ghost}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: nowhere}
  maxReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: bare}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: bare}
  minReplicas: 1
  maxReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
"""

QUOTAS = """\
apiVersion: v1
kind: Namespace
metadata: {name: limited}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: limited}
spec:
  hard: {pods: "2", requests.cpu: "1", requests.memory: 1Gi, limits.cpu: "2", limits.memory: 2Gi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: objects, namespace: limited}
spec:
  hard: {configmaps: "3", secrets: "5", services: "1", count/deployments.apps: "0", persistentvolumeclaims: "2",
         services.nodeports: "0"}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: besteffort, namespace: limited}
spec:
  hard: {pods: "4"}
  scopes: [BestEffort]
"""

USAGE = """\
apiVersion: v1
kind: Pod
metadata: {name: one, namespace: limited}
spec:
  containers:
  - {name: c, image: nginx, resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 512Mi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: two, namespace: limited}
spec:
  containers:
  - {name: c, image: nginx, resources: {requests: {cpu: 100m, memory: 0.5Gi}, limits: {cpu: "1", memory: 1Gi}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: limited}
data: {a: b}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: limited}
spec:
  ports: [{port: 80}]
"""

EXTRA_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: three, namespace: limited}
spec:
  containers:
  - {name: c, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}}
"""

_AGE = re.compile(r"\b\d+[smhdy](\d+[smhdy])?\b")


def normalise(result: Result) -> Result:
    """Ages in tables and event lists may tick between the two runs: replace them and the padding after them."""
    lines = [re.sub(" {2,}", "  ", _AGE.sub("AGE", line)) for line in result.stdout.split("\n")]
    return Result("\n".join(lines), result.stderr, result.exit_code)


def _wait_for(predicate, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    binary = require_real_kubectl()
    home = tmp_path_factory.mktemp("hpa-quota-home")
    kube_apiserver.reset(simulate=True)
    kubeconfig = kube_apiserver.write_kubeconfig(home / "kubeconfig")
    env = _isolated_env(home, {"KUBECONFIG": str(kubeconfig)})

    def kubectl(*args: str, stdin: str = "") -> str:
        proc = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    kubectl("apply", "-f", "-", stdin=WORKLOADS + "---\n" + QUOTAS)
    kubectl("wait", "--for=condition=Available", "deploy", "--all", "--timeout=60s")
    kubectl("apply", "-f", "-", stdin=USAGE)
    kubectl("wait", "--for=condition=Ready", "pod", "--all", "-n", "limited", "--timeout=60s")
    kubectl("apply", "-f", "-", stdin=AUTOSCALERS)
    kubectl("autoscale", "deploy/legacy", "--max=3", "--cpu-percent=20")  # an autoscaling/v1 object
    cluster = kube_apiserver.cluster

    def hpa(name: str) -> dict:
        return cluster.get("autoscaling", "horizontalpodautoscalers", "default", name) or {}

    def settled() -> bool:
        busy = cluster.get("apps", "deployments", "default", "busy") or {}
        return (hpa("busy").get("status", {}).get("currentReplicas") == 3
                and (busy.get("status") or {}).get("readyReplicas") == 3
                and len((hpa("busy")["status"].get("currentMetrics") or [{}])[0].get("resource", {})) > 0
                and hpa("small").get("status", {}).get("currentReplicas") == 2
                and all(hpa(n).get("status", {}).get("conditions") for n in ("idle", "ghost", "bare"))
                and "currentCPUUtilizationPercentage" in hpa("legacy").get("status", {}))

    _wait_for(settled, "the autoscalers to settle")
    kube_apiserver.settle(10)
    time.sleep(0.3)  # the deployments' last pod changes reach the autoscaler on the next tick at the latest
    kube_apiserver.settle(10)
    return {"KUBECONFIG": str(kubeconfig)}


READS = [
    "get hpa", "get hpa -o wide", "get hpa busy", "get hpa legacy -o jsonpath={.status}", "get hpa ghost bare", "get hpa --no-headers",
    "describe hpa busy", "describe hpa idle", "describe hpa small", "describe hpa ghost", "describe hpa bare",
    "describe hpa", "get deploy busy small idle",
    "get quota -n limited", "get resourcequota compute -n limited", "get quota -A", "get quota -n limited -o wide",
    "describe quota -n limited", "describe quota compute -n limited", "describe quota besteffort -n limited",
    "describe namespace limited",
    "get quota compute -n limited -o jsonpath={.status.used}",
    "get hpa busy -o jsonpath={.status.conditions[*].reason}",
    "get hpa small -o jsonpath={.status.currentMetrics}",
]


@pytest.mark.parametrize("command", READS)
def test_reads_match_kubectl(runners, state, command):
    result = runners.assert_same(*command.split(), env=state, normalise=normalise)
    assert result.exit_code == 0


def test_the_autoscalers_reached_the_expected_decisions(runners, state):
    out = runners.pykubectl("get", "hpa", "-o",
                            "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[*].reason}{'\\n'}{end}",
                            env=state).stdout
    reasons = dict(line.split("=", 1) for line in out.splitlines())
    assert reasons["busy"] == "SucceededRescale ValidMetricFound TooManyReplicas" or \
        reasons["busy"] == "ReadyForNewScale ValidMetricFound TooManyReplicas"
    assert reasons["idle"] == "ScaleDownStabilized ValidMetricFound DesiredWithinRange"
    assert reasons["small"].endswith("ValidMetricFound TooFewReplicas")
    assert reasons["ghost"] == "FailedGetScale"
    assert reasons["bare"] == "SucceededGetScale FailedGetResourceMetric"
    events = runners.pykubectl("get", "events", "--field-selector", "involvedObject.name=busy,reason=SuccessfulRescale",
                               "-o", "jsonpath={.items[*].message}", env=state).stdout
    assert events == "New size: 3; reason: cpu resource utilization (percentage of request) above target"


def test_quota_usage_is_counted(runners, state):
    out = runners.pykubectl("get", "quota", "compute", "-n", "limited", "-o", "jsonpath={.status.used}",
                            env=state).stdout
    assert out == ('{"limits.cpu":"1500m","limits.memory":"1536Mi","pods":"2","requests.cpu":"350m",'
                   '"requests.memory":"768Mi"}')


FAILURES = [
    # (command, stdin): each is refused by quota admission, so the state stays as it was
    ("create -f -", EXTRA_POD),
    ("run extra -n limited --image=nginx", ""),
    ("create deployment more -n limited --image=nginx", ""),
    ("create service clusterip back -n limited --tcp=80", ""),
    ("create service nodeport edge -n limited --tcp=80", ""),
]


@pytest.mark.parametrize(("command", "stdin"), FAILURES, ids=lambda v: v.split("\n")[0] if v else "-")
def test_quota_admission_refusals_match_kubectl(runners, state, command, stdin):
    result = runners.assert_same(*command.split(), env=state, stdin=stdin)
    assert result.exit_code == 1
    assert "is forbidden: " in result.stderr
