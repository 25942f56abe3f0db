"""describe for Nodes: conditions, capacity, the node's lease, and the pods it runs with their share of it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.quantity import Quantity
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    annotations_multiline,
    describe_events,
    get,
    go_str,
    labels_multiline,
    meta,
    rfc1123z,
    since,
    tabbed,
    taints_multiline,
)

_ROLE_PREFIX = "node-role.kubernetes.io/"


def node_roles(node: Mapping) -> list[str]:
    roles = set()
    for key, value in (meta(node).get("labels") or {}).items():
        if key.startswith(_ROLE_PREFIX) and key[len(_ROLE_PREFIX):]:
            roles.add(key[len(_ROLE_PREFIX):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _add(total: dict[str, Quantity], values: Mapping | None) -> None:
    for name, text in (values or {}).items():
        q = Quantity.parse(text)
        total[name] = total[name] + q if name in total else q


def _max(total: dict[str, Quantity], values: Mapping | None) -> None:
    for name, text in (values or {}).items():
        q = Quantity.parse(text)
        if name not in total or q.value > total[name].value:
            total[name] = q


def pod_requests_and_limits(pod: Mapping) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: containers summed, each init container as a floor, plus overhead."""
    spec = pod.get("spec") or {}
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for c in spec.get("containers") or []:
        _add(reqs, get(c, "resources", "requests"))
        _add(limits, get(c, "resources", "limits"))
    sidecar_reqs: dict[str, Quantity] = {}
    sidecar_limits: dict[str, Quantity] = {}
    for c in spec.get("initContainers") or []:
        if c.get("restartPolicy") == "Always":
            _add(reqs, get(c, "resources", "requests"))
            _add(limits, get(c, "resources", "limits"))
            _add(sidecar_reqs, get(c, "resources", "requests"))
            _add(sidecar_limits, get(c, "resources", "limits"))
            continue
        init_reqs = dict(sidecar_reqs)
        _add(init_reqs, get(c, "resources", "requests"))
        init_limits = dict(sidecar_limits)
        _add(init_limits, get(c, "resources", "limits"))
        _max(reqs, {k: str(v) for k, v in init_reqs.items()})
        _max(limits, {k: str(v) for k, v in init_limits.items()})
    if spec.get("overhead"):
        _add(reqs, spec["overhead"])
        for name, text in spec["overhead"].items():
            if name in limits:
                limits[name] = limits[name] + Quantity.parse(text)
    return reqs, limits


def _zero() -> Quantity:
    return Quantity.parse("0")


def _percent(part: float, whole: float) -> int:
    if whole == 0:
        return 0
    return int(part / whole * 100)


def _node_resources(w, pods: list, node: Mapping, now: datetime) -> None:
    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    cpu = Quantity.parse(allocatable.get("cpu", "0")).milli()
    memory = Quantity.parse(allocatable.get("memory", "0")).int_value()
    storage = Quantity.parse(allocatable.get("ephemeral-storage", "0")).int_value()
    for pod in pods:
        reqs, limits = pod_requests_and_limits(pod)
        cr, cl = reqs.get("cpu", _zero()), limits.get("cpu", _zero())
        mr, ml = reqs.get("memory", _zero()), limits.get("memory", _zero())
        m = meta(pod)
        w.write(LEVEL_1, f"{m.get('namespace', '')}\t{m.get('name', '')}\t\t{cr} ({_percent(cr.milli(), cpu)}%)\t"
                         f"{cl} ({_percent(cl.milli(), cpu)}%)\t{mr} ({_percent(mr.int_value(), memory)}%)\t"
                         f"{ml} ({_percent(ml.int_value(), memory)}%)\t{since(m.get('creationTimestamp'), now)}\n")
    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod in pods:
        pod_reqs, pod_limits = pod_requests_and_limits(pod)
        for name, q in pod_reqs.items():
            reqs[name] = reqs[name] + q if name in reqs else q
        for name, q in pod_limits.items():
            limits[name] = limits[name] + q if name in limits else q
    for name, whole, value in (("cpu", cpu, Quantity.milli), ("memory", memory, Quantity.int_value),
                               ("ephemeral-storage", storage, Quantity.int_value)):
        r, li = reqs.get(name, _zero()), limits.get(name, _zero())
        w.write(LEVEL_1, f"{name}\t{r} ({_percent(value(r), whole)}%)\t{li} ({_percent(value(li), whole)}%)\n")
    huge = sorted(n for n in allocatable if n.startswith("hugepages-"))
    # IsStandardContainerResourceName: cpu, memory, ephemeral-storage and hugepages-*; pods is not shown
    extended = sorted(n for n in allocatable if not n.startswith("hugepages-")
                      and n not in ("cpu", "memory", "ephemeral-storage", "pods"))
    for name in huge:
        r, li = reqs.get(name, _zero()), limits.get(name, _zero())
        whole = Quantity.parse(allocatable[name]).int_value()
        w.write(LEVEL_1, f"{name}\t{r} ({_percent(r.int_value(), whole)}%)\t{li} ({_percent(li.int_value(), whole)}%)\n")
    for name in extended:
        w.write(LEVEL_1, f"{name}\t{reqs.get(name, _zero())}\t{limits.get(name, _zero())}\n")


def describe_node(node: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(node), node.get("spec") or {}, node.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
        taints_multiline(w, "Taints", spec.get("taints"))
        w.write(LEVEL_0, f"Unschedulable:\t{go_str(bool(spec.get('unschedulable')))}\n")
        lease = related.get("lease")
        if isinstance(lease, Mapping):
            lease_spec = lease.get("spec") or {}
            w.write(LEVEL_0, "Lease:\n")
            w.write(LEVEL_1, f"HolderIdentity:\t{lease_spec.get('holderIdentity') or '<unset>'}\n")
            for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
                value = lease_spec.get(key)
                w.write(LEVEL_1, f"{title}:\t{rfc1123z(value) if value else '<unset>'}\n")
        else:
            w.write(LEVEL_0, f"Lease:\tFailed to get lease: {related.get('lease_error', '')}\n")
        conditions = status.get("conditions") or []
        if conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                                 f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                                 f"{c.get('message', '')}\n")
        w.write(LEVEL_0, "Addresses:\n")
        for address in status.get("addresses") or []:
            w.write(LEVEL_1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
        for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
            values = status.get(key) or {}
            if values:
                w.write(LEVEL_0, f"{title}:\n")
                for name in sorted(values):
                    w.write(LEVEL_0, f"  {name}:\t{Quantity.parse(values[name])}\n")
        info = status.get("nodeInfo") or {}
        w.write(LEVEL_0, "System Info:\n")
        for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                           ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                           ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                           ("Container Runtime Version", "containerRuntimeVersion"),
                           ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
            w.write(LEVEL_0, f"  {title}:\t{info.get(key, '')}\n")
        if spec.get("podCIDR"):
            w.write(LEVEL_0, f"PodCIDR:\t{spec['podCIDR']}\n")
        if spec.get("podCIDRs"):
            w.write(LEVEL_0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
        if spec.get("providerID"):
            w.write(LEVEL_0, f"ProviderID:\t{spec['providerID']}\n")
        if related.get("pods") is not None:
            _node_resources(w, related["pods"], node, now)
        else:
            w.write(LEVEL_0, "Pods:\tnot authorized\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)
