"""The REAL kubectl 1.32 driving workloads on the simulated cluster: the controllers must converge the way
kube-controller-manager does, so that rollout, scale, wait and describe behave as against a real cluster."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.needs_simulation(reason="it checks the simulated controllers and nodes (node01/node02) themselves")

HASH = "[456789bcdf]{1,10}"
SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]{5}"
AGE = r"\d+s"


@pytest.fixture
def kubectl(runners, kubeconfig_file):
    def run(*args: str, stdin: str = "", ok: bool = True):
        result = runners.kubectl(*args, env={"KUBECONFIG": str(kubeconfig_file)}, stdin=stdin)
        if ok:
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result

    return run


def test_create_deployment_rolls_out_and_shows_its_replicaset_and_pods(kubectl):
    assert kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2").stdout == \
        "deployment.apps/web created\n"
    out = kubectl("rollout", "status", "deployment/web", "--timeout=20s").stdout
    assert out.endswith('deployment "web" successfully rolled out\n')
    lines = kubectl("get", "rs,pods", "-l", "app=web").stdout.splitlines()
    assert re.fullmatch(r"NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE", lines[0])
    match = re.fullmatch(rf"replicaset\.apps/(web-{HASH})\s+2\s+2\s+2\s+{AGE}", lines[1])
    assert match, lines
    rs = match.group(1)
    assert lines[2] == ""
    assert re.fullmatch(r"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", lines[3])
    assert len(lines) == 6
    for line in lines[4:]:
        assert re.fullmatch(rf"pod/{rs}-{SUFFIX}\s+1/1\s+Running\s+0\s+{AGE}", line), line
    kubectl("wait", "--for=condition=Available", "deploy/web", "--timeout=20s")
    ready = kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=20s").stdout.splitlines()
    assert len(ready) == 2 and all(re.fullmatch(rf"pod/{rs}-{SUFFIX} condition met", x) for x in ready)


def test_set_image_history_and_undo_to_a_revision(kubectl):
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2")
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    assert kubectl("set", "image", "deployment/web", "nginx=nginx:1.25").stdout == \
        "deployment.apps/web image updated\n"
    assert kubectl("rollout", "status", "deployment/web", "--timeout=20s").stdout.endswith(
        'deployment "web" successfully rolled out\n')
    history = "deployment.apps/web \nREVISION  CHANGE-CAUSE\n{}         <none>\n{}         <none>\n\n"
    assert kubectl("rollout", "history", "deployment/web").stdout == history.format(1, 2)
    assert "Image:\tnginx:1.25" in kubectl("rollout", "history", "deployment/web", "--revision=2").stdout
    assert kubectl("rollout", "undo", "deployment/web", "--to-revision=1").stdout == \
        "deployment.apps/web rolled back\n"
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    assert kubectl("rollout", "history", "deployment/web").stdout == history.format(2, 3)
    images = kubectl("get", "deploy/web", "-o", "jsonpath={.spec.template.spec.containers[0].image} "
                     "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}").stdout
    assert images == "nginx 3"
    sets = kubectl("get", "rs", "-l", "app=web", "-o",
                   "jsonpath={range .items[*]}{.spec.replicas}{\"\\n\"}{end}").stdout.split()
    assert sorted(sets) == ["0", "2"]


def test_scale_up_and_down(kubectl):
    kubectl("create", "deployment", "web", "--image=nginx")
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    assert kubectl("scale", "deployment/web", "--replicas=3").stdout == "deployment.apps/web scaled\n"
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    line = kubectl("get", "deploy/web", "--no-headers").stdout
    assert re.fullmatch(rf"web\s+3/3\s+3\s+3\s+{AGE}\n", line), line
    kubectl("scale", "deployment/web", "--replicas=1")
    kubectl("wait", "--for=jsonpath={.status.replicas}=1", "deploy/web", "--timeout=20s")
    line = kubectl("get", "deploy/web", "--no-headers").stdout
    assert re.fullmatch(rf"web\s+1/1\s+1\s+1\s+{AGE}\n", line), line


def test_wait_for_delete_of_a_replaced_pod(kubectl):
    kubectl("create", "deployment", "web", "--image=nginx")
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    pod = kubectl("get", "pods", "-l", "app=web", "-o", "name").stdout.strip()
    kubectl("delete", pod, "--wait=false")
    # a pod already gone when wait starts is reported by silence (fast mode ends grace periods quickly)
    assert kubectl("wait", "--for=delete", pod, "--timeout=20s").stdout in ("", f"{pod} condition met\n")
    assert kubectl("get", pod, "--ignore-not-found").stdout == ""
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    replacement = kubectl("get", "pods", "-l", "app=web", "-o", "name").stdout.strip()
    assert replacement and replacement != pod


def test_describe_deployment_ends_with_the_controller_events(kubectl):
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2")
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    out = kubectl("describe", "deployment", "web").stdout
    assert "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n" in out
    assert re.search(r"Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n"
                     r"  Available      True    MinimumReplicasAvailable\n"
                     r"  Progressing    True    NewReplicaSetAvailable\n", out), out
    assert re.search(rf"OldReplicaSets:  <none>\nNewReplicaSet:   web-{HASH} \(2/2 replicas created\)\n", out), out
    events = out[out.index("Events:"):].splitlines()
    assert re.fullmatch(r"  Type    Reason             Age\s+From                   Message", events[1])
    assert re.fullmatch(rf"  Normal  ScalingReplicaSet  {AGE}\s+deployment-controller  "
                        rf"Scaled up replica set web-{HASH} to 2 from 0", events[3]), events
    assert len(events) == 4


def test_job_runs_to_completion(kubectl):
    kubectl("create", "job", "hello", "--image=busybox", "--", "echo", "hi")
    assert kubectl("wait", "--for=condition=complete", "job/hello", "--timeout=20s").stdout == \
        "job.batch/hello condition met\n"
    line = kubectl("get", "job/hello", "--no-headers").stdout
    assert re.fullmatch(rf"hello\s+Complete\s+1/1\s+\d+s\s+{AGE}\n", line), line
    pod = kubectl("get", "pods", "-l", "batch.kubernetes.io/job-name=hello", "--no-headers").stdout
    assert re.fullmatch(rf"hello-{SUFFIX}\s+0/1\s+Completed\s+0\s+{AGE}\n", pod), pod
    reasons = kubectl("get", "events", "--field-selector", "involvedObject.kind=Job", "-o",
                      "jsonpath={range .items[*]}{.reason}:{.message}{\"\\n\"}{end}").stdout.splitlines()
    assert reasons[0].startswith("SuccessfulCreate:Created pod: hello-")
    assert reasons[-1] == "Completed:Job completed"


DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox, command: [sleep, "3600"]}]
"""

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: redis, image: redis}]
"""


def test_daemonset_runs_on_both_nodes(kubectl):
    kubectl("apply", "-f", "-", stdin=DAEMONSET)
    assert kubectl("rollout", "status", "ds/agent", "--timeout=20s").stdout.endswith(
        'daemon set "agent" successfully rolled out\n')
    nodes = kubectl("get", "pods", "-l", "app=agent", "-o",
                    "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}").stdout.split()
    assert sorted(nodes) == ["node01", "node02"]
    line = kubectl("get", "ds/agent", "--no-headers").stdout
    assert re.fullmatch(rf"agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+{AGE}\n", line), line


def test_statefulset_pods_have_stable_ordered_names(kubectl):
    kubectl("apply", "-f", "-", stdin=STATEFULSET)
    out = kubectl("rollout", "status", "sts/db", "--timeout=20s").stdout
    assert out.endswith("partitioned roll out complete: 3 new pods have been updated...\n"), out
    names = kubectl("get", "pods", "-l", "app=db", "-o", "name").stdout.split()
    assert names == ["pod/db-0", "pod/db-1", "pod/db-2"]
    messages = kubectl("get", "events", "--field-selector", "involvedObject.kind=StatefulSet", "-o",
                       "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}").stdout.splitlines()
    assert messages == [f"create Pod db-{i} in StatefulSet db successful" for i in range(3)]
