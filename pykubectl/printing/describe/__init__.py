"""kubectl describe's renderers: pure functions of (object, related data, now) → text, one per kind family.

`render_description(obj, related, now)` picks kubectl's describer for the object's group and kind
(describe.go's describerMap) and falls back to the generic describer for everything else.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import datetime

# (group, kind) → "module:function" under pykubectl.printing.describe
DESCRIBERS: dict[tuple[str, str], str] = {
    ("", "Pod"): "pods:describe_pod",
    ("", "Node"): "nodes:describe_node",
    ("", "ConfigMap"): "config:describe_config_map",
    ("", "Secret"): "config:describe_secret",
    ("", "ServiceAccount"): "config:describe_service_account",
    ("", "Namespace"): "namespaces:describe_namespace",
    ("", "LimitRange"): "namespaces:describe_limit_range",
    ("", "ResourceQuota"): "namespaces:describe_resource_quota",
    ("", "ReplicationController"): "workloads:describe_replication_controller",
    ("apps", "Deployment"): "workloads:describe_deployment",
    ("apps", "ReplicaSet"): "workloads:describe_replica_set",
    ("apps", "StatefulSet"): "workloads:describe_stateful_set",
    ("apps", "DaemonSet"): "workloads:describe_daemon_set",
    ("batch", "Job"): "workloads:describe_job",
    ("batch", "CronJob"): "workloads:describe_cron_job",
    ("", "Service"): "services:describe_service",
    ("", "Endpoints"): "services:describe_endpoints",
    ("networking.k8s.io", "Ingress"): "services:describe_ingress",
    ("discovery.k8s.io", "EndpointSlice"): "services:describe_endpoint_slice",
    ("", "PersistentVolume"): "storage:describe_persistent_volume",
    ("", "PersistentVolumeClaim"): "storage:describe_persistent_volume_claim",
    ("storage.k8s.io", "StorageClass"): "storage:describe_storage_class",
    ("autoscaling", "HorizontalPodAutoscaler"): "autoscaling:describe_hpa",
    ("rbac.authorization.k8s.io", "Role"): "rbac:describe_role",
    ("rbac.authorization.k8s.io", "ClusterRole"): "rbac:describe_role",
    ("rbac.authorization.k8s.io", "RoleBinding"): "rbac:describe_binding",
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): "rbac:describe_binding",
    ("policy", "PodDisruptionBudget"): "policy:describe_pdb",
    ("scheduling.k8s.io", "PriorityClass"): "policy:describe_priority_class",
}


def describer_name(group: str, kind: str) -> str:
    return DESCRIBERS.get((group, kind), "generic:describe_generic_related")


def render_description(obj: Mapping, related: Mapping, now: datetime) -> str:
    api_version = obj.get("apiVersion", "")
    group = api_version.rpartition("/")[0] if "/" in api_version else ""
    module_name, _, function = describer_name(group, obj.get("kind", "")).partition(":")
    module = importlib.import_module(f"pykubectl.printing.describe.{module_name}")
    return getattr(module, function)(obj, related, now)
