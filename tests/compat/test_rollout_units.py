"""Pure parts of rollout and wait, without a server: kubectl's status viewer lines for every branch, the condition
check's observedGeneration rule, --for parsing, the history table and the pause/resume/restart patches."""

from __future__ import annotations

import pytest

from pykubectl.errors import KubectlError
from pykubectl.resources import rollouts, waiting


def deployment(generation=2, observed=2, replicas=3, updated=3, total=3, available=3, revision="2", **extra):
    status = {"observedGeneration": observed, "updatedReplicas": updated, "replicas": total,
              "availableReplicas": available, **extra}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "generation": generation,
                         "annotations": {"deployment.kubernetes.io/revision": revision}},
            "spec": {"replicas": replicas}, "status": status}


@pytest.mark.parametrize("obj, expected", [
    (deployment(generation=3), ("Waiting for deployment spec update to be observed...\n", False)),
    (deployment(updated=1), ('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been '
                             "updated...\n", False)),
    (deployment(total=5), ('Waiting for deployment "web" rollout to finish: 2 old replicas are pending '
                           "termination...\n", False)),
    (deployment(available=2), ('Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are '
                               "available...\n", False)),
    (deployment(), ('deployment "web" successfully rolled out\n', True)),
])
def test_deployment_status_lines(obj, expected):
    assert rollouts.rollout_status(obj) == expected


def test_deployment_status_errors():
    with pytest.raises(KubectlError, match=r"^desired revision \(4\) is different from the running revision \(2\)$"):
        rollouts.rollout_status(deployment(), 4)
    stuck = deployment(conditions=[{"type": "Progressing", "reason": "ProgressDeadlineExceeded"}])
    with pytest.raises(KubectlError, match='^deployment "web" exceeded its progress deadline$'):
        rollouts.rollout_status(stuck)
    with pytest.raises(KubectlError, match="^no status viewer has been implemented for ReplicaSet.apps$"):
        rollouts.rollout_status({"apiVersion": "apps/v1", "kind": "ReplicaSet"})


def _sts(status, partition=None, replicas=3):
    strategy = {"type": "RollingUpdate"}
    if partition is not None:
        strategy["rollingUpdate"] = {"partition": partition}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "generation": 1},
            "spec": {"replicas": replicas, "updateStrategy": strategy}, "status": {"observedGeneration": 1, **status}}


def test_statefulset_and_daemonset_status_lines():
    assert rollouts.rollout_status(_sts({"readyReplicas": 1})) == ("Waiting for 2 pods to be ready...\n", False)
    assert rollouts.rollout_status(_sts({"readyReplicas": 3, "updatedReplicas": 1}, partition=1)) == (
        "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...\n", False)
    assert rollouts.rollout_status(_sts({"readyReplicas": 3, "updatedReplicas": 2}, partition=1))[1] is True
    assert rollouts.rollout_status(_sts({"readyReplicas": 3, "updatedReplicas": 1, "updateRevision": "b",
                                         "currentRevision": "a"})) == (
        "waiting for statefulset rolling update to complete 1 pods at revision b...\n", False)
    assert rollouts.rollout_status(_sts({"readyReplicas": 3, "currentReplicas": 3, "updateRevision": "a",
                                         "currentRevision": "a"})) == (
        "statefulset rolling update complete 3 pods at revision a...\n", True)
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "generation": 1},
          "spec": {"updateStrategy": {"type": "RollingUpdate"}},
          "status": {"observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2,
                     "numberAvailable": 1}}
    assert rollouts.rollout_status(ds) == (
        'Waiting for daemon set "agent" rollout to finish: 1 of 2 updated pods are available...\n', False)
    ds["spec"]["updateStrategy"]["type"] = "OnDelete"
    with pytest.raises(KubectlError, match="^rollout status is only available for RollingUpdate strategy type$"):
        rollouts.rollout_status(ds)


def test_condition_check_waits_for_the_observed_generation():
    check = waiting.condition_check("Available", "true")
    obj = {"metadata": {"generation": 2}, "status": {"observedGeneration": 1,
                                                     "conditions": [{"type": "available", "status": "True"}]}}
    assert check(obj) is False
    obj["status"]["observedGeneration"] = 2
    assert check(obj) is True
    assert waiting.condition_check("Available", "False")(obj) is False
    assert waiting.condition_check("Ready", "true")(obj) is False


def test_history_table_and_patches():
    history = {2: rollouts.Revision(2, {}, "upgrade", {}), 10: rollouts.Revision(10, {}, "", {})}
    assert rollouts.history_table(history) == "REVISION  CHANGE-CAUSE\n2         upgrade\n10        <none>\n"
    web = deployment()
    assert rollouts.pause_patch(web) == {"spec": {"paused": True}}
    with pytest.raises(rollouts.ObjectError, match="^is not paused$"):
        rollouts.resume_patch(web)
    web["spec"]["paused"] = True
    assert rollouts.resume_patch(web) == {"spec": {"paused": None}}
    with pytest.raises(rollouts.ObjectError, match=r"^can't restart paused deployment"):
        rollouts.restart_patch(web, "2026-01-01T00:00:00Z")
    with pytest.raises(rollouts.ObjectError, match="^restarting is not supported$"):
        rollouts.restart_patch({"apiVersion": "v1", "kind": "Pod"}, "2026-01-01T00:00:00Z")


def test_deadline_zero_and_negative():
    assert waiting.Deadline(0).once
    assert waiting.Deadline(-1).timeout == waiting.WEEK
