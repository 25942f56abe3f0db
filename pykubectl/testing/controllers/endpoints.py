"""Endpoints and EndpointSlice controllers (pkg/controller/endpoint, endpointslice): Service backends.

For every Service with a selector: an Endpoints object of the same name whose subsets list the matching
pods with an IP (ready ones under `addresses`, the rest under `notReadyAddresses`) and the resolved target
ports; and an EndpointSlice `<service>-<5 chars>` owned by the Service with one endpoint per pod.
"""

from __future__ import annotations

import ipaddress

from . import _base as b

MANAGER = b.MANAGER

TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
SLICE_MANAGER = "endpointslice-controller.k8s.io"
SERVICE_NAME = "kubernetes.io/service-name"


def _target_port(port: dict, pod: dict) -> int | None:
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target and cport.get("protocol", "TCP") == port.get("protocol", "TCP"):
                return int(cport["containerPort"])
    return None


def _ip_key(address: dict) -> tuple:
    try:
        return (0, int(ipaddress.ip_address(address.get("ip", ""))))
    except ValueError:
        return (1, address.get("ip", ""))


def _target_ref(pod: dict) -> dict:
    return {"kind": "Pod", "name": b.name_of(pod), "namespace": b.ns_of(pod), "uid": b.uid_of(pod)}


def _serving(pod: dict) -> bool:
    return b.pod_ready(pod)


class EndpointsController:
    name = "endpoint-controller"
    watches = (("", "services"), ("", "pods"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        namespace = b.ns_of(obj)
        if event.resource == "services":
            if event.type == "DELETED":
                cluster.delete("", "endpoints", namespace, b.name_of(obj))
                return
            self.sync(cluster, obj)
            return
        for service in cluster.list("", "services", namespace):
            self.sync(cluster, service)

    def _backends(self, cluster, service: dict) -> list[dict]:
        selector = (service.get("spec") or {}).get("selector")
        pods = [p for p in cluster.list("", "pods", b.ns_of(service))
                if b.map_selector_matches(selector, b.labels_of(p))]
        publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
        return [p for p in pods if (p.get("status") or {}).get("podIP") and not b.deleting(p)
                and b.pod_phase(p) not in ("Succeeded", "Failed") or publish and (p.get("status") or {}).get("podIP")]

    def sync(self, cluster, service: dict) -> None:
        spec = service.get("spec") or {}
        if not spec.get("selector") or spec.get("type") == "ExternalName" or b.deleting(service):
            return
        pods = self._backends(cluster, service)
        publish = bool(spec.get("publishNotReadyAddresses"))
        self._sync_endpoints(cluster, service, pods, publish)
        self._sync_slice(cluster, service, pods, publish)

    # ------------------------------------------------------------------ Endpoints
    def _sync_endpoints(self, cluster, service: dict, pods: list[dict], publish: bool) -> None:
        namespace, name = b.ns_of(service), b.name_of(service)
        groups: dict[tuple, dict] = {}
        for pod in pods:
            ports = []
            for port in (service.get("spec") or {}).get("ports") or []:
                number = _target_port(port, pod)
                if number is None:
                    continue
                entry = {"port": number, "protocol": port.get("protocol", "TCP")}
                if port.get("name"):
                    entry = {"name": port["name"], **entry}
                ports.append(entry)
            if not ports and (service.get("spec") or {}).get("ports"):
                continue
            key = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
            subset = groups.setdefault(key, {"ports": ports})
            address = {"ip": pod["status"]["podIP"]}
            if (pod.get("spec") or {}).get("nodeName"):
                address["nodeName"] = pod["spec"]["nodeName"]
            address["targetRef"] = _target_ref(pod)
            bucket = "addresses" if publish or b.pod_ready(pod) else "notReadyAddresses"
            subset.setdefault(bucket, []).append(address)
        subsets = []
        for key in sorted(groups):
            subset = groups[key]
            out = {}
            for bucket in ("addresses", "notReadyAddresses"):
                if subset.get(bucket):
                    out[bucket] = sorted(subset[bucket], key=_ip_key)
            if subset["ports"]:
                out["ports"] = sorted(subset["ports"], key=lambda p: (p.get("name", ""), p["port"]))
            subsets.append(out)
        labels = dict(b.labels_of(service))
        if (service.get("spec") or {}).get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        current = cluster.get("", "endpoints", namespace, name)
        if current is not None and (current.get("subsets") or []) == subsets and b.labels_of(current) == labels:
            return
        obj = {"apiVersion": "v1", "kind": "Endpoints",
               "metadata": {"name": name, "namespace": namespace,
                            "annotations": {TRIGGER: b.stamp(cluster)}}}
        if labels:
            obj["metadata"]["labels"] = labels
        if subsets:
            obj["subsets"] = subsets
        if current is None:
            cluster.create("", "endpoints", obj, manager=MANAGER)
            return

        def change(cur: dict) -> dict:
            obj["metadata"] = {**cur["metadata"], "annotations": {**(b.meta(cur).get("annotations") or {}),
                                                                 TRIGGER: b.stamp(cluster)}}
            if labels:
                obj["metadata"]["labels"] = labels
            else:
                obj["metadata"].pop("labels", None)
            return obj

        cluster.mutate("", "endpoints", namespace, name, change, manager=MANAGER)

    # ------------------------------------------------------------------ EndpointSlice
    def _sync_slice(self, cluster, service: dict, pods: list[dict], publish: bool) -> None:
        namespace, name = b.ns_of(service), b.name_of(service)
        nodes = {b.name_of(n): n for n in cluster.list("", "nodes")}
        endpoints = []
        ports: list[dict] = []
        for pod in sorted(pods, key=lambda p: _ip_key({"ip": p["status"]["podIP"]})):
            ready = b.pod_ready(pod)
            endpoint = {"addresses": [pod["status"]["podIP"]],
                        "conditions": {"ready": ready or publish, "serving": ready, "terminating": False}}
            node_name = (pod.get("spec") or {}).get("nodeName")
            if node_name:
                endpoint["nodeName"] = node_name
            endpoint["targetRef"] = _target_ref(pod)
            zone = b.labels_of(nodes.get(node_name or "", {})).get("topology.kubernetes.io/zone")
            if zone:
                endpoint["zone"] = zone
            endpoints.append(endpoint)
        for port in (service.get("spec") or {}).get("ports") or []:
            number = next((n for n in (_target_port(port, p) for p in pods) if n is not None), None)
            if number is None and pods:
                continue
            if number is None:
                continue
            ports.append({"name": port.get("name", ""), "port": number, "protocol": port.get("protocol", "TCP")})
        labels = {**b.labels_of(service), MANAGED_BY: SLICE_MANAGER, SERVICE_NAME: name}
        if (service.get("spec") or {}).get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        slices = [s for s in cluster.list("discovery.k8s.io", "endpointslices", namespace)
                  if b.labels_of(s).get(SERVICE_NAME) == name and b.labels_of(s).get(MANAGED_BY) == SLICE_MANAGER]
        body = {"endpoints": endpoints or None, "ports": ports or None}
        if slices:
            first = slices[0]
            for extra in slices[1:]:
                cluster.delete("discovery.k8s.io", "endpointslices", namespace, b.name_of(extra))
            if (first.get("endpoints"), first.get("ports")) == (body["endpoints"], body["ports"]) and \
                    b.labels_of(first) == labels:
                return

            def change(cur: dict) -> None:
                cur.update(body)
                cur["metadata"]["labels"] = labels
                cur["metadata"].setdefault("annotations", {})[TRIGGER] = b.stamp(cluster)

            cluster.mutate("discovery.k8s.io", "endpointslices", namespace, b.name_of(first), change, manager=MANAGER)
            return
        cluster.create("discovery.k8s.io", "endpointslices", {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"generateName": f"{name}-", "namespace": namespace, "labels": labels,
                         "annotations": {TRIGGER: b.stamp(cluster)},
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": name,
                                              "uid": b.uid_of(service), "controller": True,
                                              "blockOwnerDeletion": True}]},
            "addressType": "IPv4", **body}, manager=MANAGER)
