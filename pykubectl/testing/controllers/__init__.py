"""The workload controllers of the simulated cluster, one module per controller of kube-controller-manager.

`register_all(cluster)` adds them all to a `pykubectl.testing.cluster.Cluster`.
"""

from __future__ import annotations


def all_controllers() -> list:
    from .certificates import CertificateSigningController
    from .cronjob import CronJobController
    from .daemonset import DaemonSetController
    from .deployment import DeploymentController
    from .disruption import DisruptionController
    from .endpoints import EndpointsController
    from .horizontalpodautoscaler import HorizontalPodAutoscalerController
    from .job import JobController
    from .replicaset import ReplicaSetController, ReplicationControllerController
    from .resourcequota import ResourceQuotaController
    from .serviceaccount import ServiceAccountController
    from .statefulset import StatefulSetController

    return [DeploymentController(), ReplicaSetController(), ReplicationControllerController(),
            StatefulSetController(), DaemonSetController(), JobController(), CronJobController(), EndpointsController(),
            ServiceAccountController(), HorizontalPodAutoscalerController(),
            ResourceQuotaController(), CertificateSigningController(), DisruptionController()]


def register_all(cluster) -> None:
    for controller in all_controllers():
        cluster.register(controller)
