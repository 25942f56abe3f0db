"""The workload controllers of the simulated cluster, one module per controller of kube-controller-manager.

`register_all(cluster)` adds them all to a `pykubectl.testing.cluster.Cluster`.
"""

from __future__ import annotations


def register_all(cluster) -> None:
    from .deployment import DeploymentController
    from .replicaset import ReplicaSetController, ReplicationControllerController

    for controller in (DeploymentController(), ReplicaSetController(), ReplicationControllerController()):
        cluster.register(controller)
