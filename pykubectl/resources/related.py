"""What `describe` shows besides the object itself: its events and the objects it owns or points at.

`gather_related(client, obj, show_events=True, chunk_size=500) -> dict` asks the server what kubectl's
describer for the object's kind asks (pkg/describe/describe.go) and returns plain data:

* "events": the Events whose involvedObject is the object (kubectl's fieldSelector on name, namespace,
  kind and uid; pods leave the kind out), or None with --show-events=false or for kinds kubectl shows none.
* per kind: "quotas"/"limits" (Namespace), "secrets" (ServiceAccount), "replica_sets" (Deployment),
  "pods" (ReplicaSet, StatefulSet, DaemonSet, Job: their pods for the status counts; Node: its pods;
  PVC: the pods using it), "endpoint_slices" (Service), "services" (Ingress backends), "lease" (Node),
  "jobs" (CronJob). A failed side query leaves its key None, as kubectl tolerates those.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from pykubectl.errors import ApiError, KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

# Kinds whose describer shows no events at all (describe.go: Secret, LimitRange, ResourceQuota, Namespace,
# NetworkPolicy, Role/ClusterRole and their bindings).
_NO_EVENTS = {("", "Secret"), ("", "LimitRange"), ("", "ResourceQuota"), ("", "Namespace"),
              ("networking.k8s.io", "NetworkPolicy"), ("rbac.authorization.k8s.io", "Role"),
              ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "RoleBinding"),
              ("rbac.authorization.k8s.io", "ClusterRoleBinding")}


def group_kind(obj: Mapping) -> tuple[str, str]:
    api_version = obj.get("apiVersion", "")
    group = api_version.rpartition("/")[0] if "/" in api_version else ""
    return group, obj.get("kind", "")


def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def list_all(client: RestClient, path: str, params: Mapping | None = None, chunk_size: int = 500) -> list[dict]:
    items: list[dict] = []
    for page in client.list_pages(path, dict(params or {}), chunk_size=chunk_size):
        items.extend(page.get("items") or [])
    return items


def _tolerant(client: RestClient, path: str, params: Mapping | None = None, chunk_size: int = 500):
    try:
        return list_all(client, path, params, chunk_size)
    except KubectlError:
        return None


def event_field_selector(name: str | None, namespace: str | None, kind: str | None = None,
                         uid: str | None = None) -> str:
    """client-go's Events GetFieldSelector: set fields only, sorted by key."""
    fields = {"involvedObject.name": name, "involvedObject.namespace": namespace,
              "involvedObject.kind": kind or None, "involvedObject.uid": uid or None}
    return ",".join(f"{k}={v}" for k, v in sorted(fields.items()) if v is not None)


def search_events(client: RestClient, obj: Mapping, chunk_size: int = 500, with_kind: bool = True,
                  uid: str | None = None) -> list[dict] | None:
    m = _meta(obj)
    namespace = m.get("namespace", "")
    selector = event_field_selector(m.get("name", ""), namespace, obj.get("kind") if with_kind else None,
                                    uid if uid is not None else m.get("uid"))
    path = f"/api/v1/namespaces/{namespace}/events" if namespace else "/api/v1/events"
    return _tolerant(client, path, {"fieldSelector": selector}, chunk_size)


def events_for_missing_pod(client: RestClient, namespace: str, name: str, chunk_size: int = 500) -> list[dict]:
    """PodDescriber on a pod that is gone: events by name and namespace only."""
    selector = event_field_selector(name, namespace)
    return _tolerant(client, f"/api/v1/namespaces/{namespace}/events", {"fieldSelector": selector},
                     chunk_size) or []


def _selector_string(selector: Mapping | None) -> str | None:
    """metav1.LabelSelectorAsSelector(...).String() for a list query; None when it selects nothing."""
    if selector is None:
        return None
    parts: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), sorted(expr.get("values") or [])
        text = {"In": f"{key} in ({','.join(values)})", "NotIn": f"{key} notin ({','.join(values)})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op)
        if text is None:
            return None
        parts.append((key, text))
    return ",".join(t for _, t in sorted(parts, key=lambda p: p[0]))


def _pods_of(client: RestClient, namespace: str, selector: Mapping | None, chunk_size: int):
    label = _selector_string(selector)
    if label is None:
        return None
    return _tolerant(client, f"/api/v1/namespaces/{namespace}/pods", {"labelSelector": label}, chunk_size)


def _owned(items: list | None, uid: str) -> Iterator[dict]:
    for item in items or []:
        if any(ref.get("controller") and ref.get("uid") == uid for ref in _meta(item).get("ownerReferences") or []):
            yield item


def gather_related(client: RestClient, obj: Mapping, show_events: bool = True, chunk_size: int = 500) -> dict:
    group, kind = group_kind(obj)
    m = _meta(obj)
    name, namespace, uid = m.get("name", ""), m.get("namespace", ""), m.get("uid", "")
    related: dict = {"events": None}
    spec = obj.get("spec") or {}

    if kind == "Namespace" and group == "":
        related["quotas"] = _tolerant(client, f"/api/v1/namespaces/{name}/resourcequotas", None, chunk_size)
        related["limits"] = _tolerant(client, f"/api/v1/namespaces/{name}/limitranges", None, chunk_size)
    elif kind == "ServiceAccount" and group == "":
        related["secrets"] = _tolerant(client, f"/api/v1/namespaces/{namespace}/secrets", None, chunk_size)
    elif kind == "Deployment" and group == "apps":
        label = _selector_string(spec.get("selector"))
        items = None
        if label is not None:
            items = _tolerant(client, f"/apis/apps/v1/namespaces/{namespace}/replicasets",
                              {"labelSelector": label}, chunk_size)
        related["replica_sets"] = list(_owned(items, uid))
    elif (group, kind) in (("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
                           ("", "ReplicationController")):
        selector = spec.get("selector")
        if kind == "ReplicationController":
            selector = {"matchLabels": selector or {}}
        pods = _pods_of(client, namespace, selector, chunk_size)
        related["pods"] = None if pods is None else list(_owned(pods, uid))
    elif kind == "Node" and group == "":
        # Pods on the node, from every namespace; only Forbidden is tolerated (kubectl: "not authorized").
        try:
            related["pods"] = list_all(client, "/api/v1/pods", {
                "fieldSelector": f"spec.nodeName={name},status.phase!=Succeeded,status.phase!=Failed"}, chunk_size)
        except ApiError as exc:
            if exc.reason != "Forbidden":
                raise
            related["pods"] = None
        try:
            related["lease"] = client.get_json(f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{name}")
        except KubectlError as exc:
            related["lease"], related["lease_error"] = None, str(exc)
    elif kind == "Service" and group == "":
        related["endpoint_slices"] = _tolerant(
            client, f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices",
            {"labelSelector": f"kubernetes.io/service-name={name}"}, chunk_size)
    elif kind == "PersistentVolumeClaim" and group == "":
        pods = _tolerant(client, f"/api/v1/namespaces/{namespace}/pods", None, chunk_size) or []
        related["pods"] = [p for p in pods if any(
            (v.get("persistentVolumeClaim") or {}).get("claimName") == name
            or ((v.get("ephemeral") is not None) and f"{_meta(p).get('name', '')}-{v.get('name', '')}" == name)
            for v in (p.get("spec") or {}).get("volumes") or [])]
    elif kind == "Ingress" and group == "networking.k8s.io":
        related["backends"] = {name: _ingress_backend(client, namespace, name, chunk_size)
                               for name in _ingress_service_names(spec)}

    if show_events and (group, kind) not in _NO_EVENTS:
        if kind == "Pod" and group == "":
            mirror = (m.get("annotations") or {}).get("kubernetes.io/config.mirror")
            related["events"] = search_events(client, obj, chunk_size, with_kind=False, uid=mirror) or []
        elif kind == "Node" and group == "":
            # events about the node by its uid, then those that name the node as their uid (kubelet's)
            related["events"] = ((search_events(client, obj, chunk_size) or [])
                                 + (search_events(client, obj, chunk_size, uid=name) or []))
        else:
            related["events"] = search_events(client, obj, chunk_size) or []
    return related


def _ingress_service_names(spec: Mapping) -> list[str]:
    names: list[str] = []
    backends = [spec.get("defaultBackend")]
    for rule in spec.get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            backends.append(path.get("backend"))
    for backend in backends:
        service = (backend or {}).get("service")
        if service and service.get("name") and service["name"] not in names:
            names.append(service["name"])
    return names


def _ingress_backend(client: RestClient, namespace: str, name: str, chunk_size: int) -> dict:
    """IngressDescriber.describeBackendV1: the service's endpoint slices, then the service; the first
    failure is shown in place of the endpoints."""
    try:
        slices = list_all(client, f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices",
                          {"labelSelector": f"kubernetes.io/service-name={name}"}, chunk_size)
        service = client.get_json(f"/api/v1/namespaces/{namespace}/services/{name}")
    except KubectlError as exc:
        return {"error": str(exc)}
    return {"endpoint_slices": slices, "service": service}
