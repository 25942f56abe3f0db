"""Server-side printing: meta.k8s.io Table columns and cells per kind, as the 1.32 apiserver builds them
(pkg/printers/internalversion/printers.go, always with Wide on), the default Name/Created At table, and
CRD additionalPrinterColumns.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from typing import Any

NAME_DOC = ("Name must be unique within a namespace. Is required when creating resources, although some resources "
            "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
            "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
CREATED_DOC = ("CreationTimestamp is a timestamp representing the server time when this object was created. It is "
               "not guaranteed to be set in happens-before order across separate operations. Clients may not set "
               "this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
               "Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/"
               "sig-architecture/api-conventions.md#metadata")


def _col(name: str, type_: str = "string", priority: int = 0, fmt: str = "", description: str = "") -> dict:
    if not description:
        description = {"Name": NAME_DOC, "Age": CREATED_DOC}.get(name, name)
    return {"name": name, "type": type_, "format": fmt, "description": description, "priority": priority}


NAME = _col("Name", fmt="name")
AGE = _col("Age")


# ------------------------------------------------------------------ durations (apimachinery HumanDuration)


def human_duration(seconds_total: float) -> str:
    seconds = int(seconds_total)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def parse_time(value: Any) -> _dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    match = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:\d\d)$", text)
    if match:  # Python wants at most 6 fractional digits
        frac = (match.group(2) or "")[:7]
        text = match.group(1) + frac + match.group(3)
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)


def since(value: Any) -> str:
    moment = parse_time(value)
    if moment is None:
        return "<unknown>"
    return human_duration((_dt.datetime.now(_dt.UTC) - moment).total_seconds())


def _age(obj: dict) -> str:
    return since(obj.get("metadata", {}).get("creationTimestamp"))


# ------------------------------------------------------------------ shared cell helpers


def _get(obj: Any, *path: str, default: Any = None) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return default
        obj = obj.get(key)
    return default if obj is None else obj


def _containers(template_spec: dict) -> tuple[str, str]:
    containers = (template_spec or {}).get("containers") or []
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)


def format_labels(labels: dict | None) -> str:
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: `<none>` for nil or empty, else the requirements sorted by key."""
    if selector is None:
        return "<none>"
    parts: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        parts.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
        if op == "In":
            parts.append((key, f"{key} in ({','.join(sorted(values))})"))
        elif op == "NotIn":
            parts.append((key, f"{key} notin ({','.join(sorted(values))})"))
        elif op == "Exists":
            parts.append((key, key))
        elif op == "DoesNotExist":
            parts.append((key, f"!{key}"))
    if not parts:
        return "<none>"
    return ",".join(text for _, text in sorted(parts, key=lambda p: p[0]))


def _selector_string(selector: dict | None) -> str:
    """LabelSelectorAsSelector(...).String(): empty string for an empty selector."""
    text = format_label_selector(selector)
    return "" if text == "<none>" else text


# ------------------------------------------------------------------ per-kind printers

Printer = Callable[[dict], list]


def _pod_row(pod: dict) -> tuple[list, list | None]:
    spec, st = pod.get("spec") or {}, pod.get("status") or {}
    phase = st.get("phase", "")
    reason = st.get("reason") or phase
    for cond in st.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    containers = spec.get("containers") or []
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(containers) + sum(1 for c in init_specs.values() if c.get("restartPolicy") == "Always")
    ready = restarts = sidecar_restarts = 0
    last_restart: _dt.datetime | None = None
    last_sidecar_restart: _dt.datetime | None = None

    def later(a, b):
        return b if b is not None and (a is None or b > a) else a

    initializing = False
    init_statuses = st.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += cs.get("restartCount", 0)
        finished = parse_time(_get(cs, "lastState", "terminated", "finishedAt"))
        last_restart = later(last_restart, finished)
        sidecar = (init_specs.get(cs.get("name")) or {}).get("restartPolicy") == "Always"
        if sidecar:
            sidecar_restarts += cs.get("restartCount", 0)
            last_sidecar_restart = later(last_sidecar_restart, finished)
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                reason = (f"Init:Signal:{terminated['signal']}" if terminated.get("signal")
                          else f"Init:ExitCode:{terminated.get('exitCode', 0)}")
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break
    initialized = any(c.get("type") == "Initialized" and c.get("status") == "True" for c in st.get("conditions") or [])
    if not initializing or initialized:
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        for cs in reversed(st.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            last_restart = later(last_restart, parse_time(_get(cs, "lastState", "terminated", "finishedAt")))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                reason = (f"Signal:{terminated['signal']}" if terminated.get("signal")
                          else f"ExitCode:{terminated.get('exitCode', 0)}")
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions") or [])
            reason = "Running" if pod_ready else "NotReady"
    meta = pod.get("metadata") or {}
    if meta.get("deletionTimestamp") and st.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration((_dt.datetime.now(_dt.UTC) - last_restart).total_seconds())} ago)"
    ips = st.get("podIPs") or []
    pod_ip = (ips[0].get("ip") if ips else "") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_text = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for cond in st.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    true_count += cond.get("status") == "True"
                    break
        gates_text = f"{true_count}/{len(gates)}"
    cells = [meta.get("name", ""), f"{ready}/{total}", reason, restarts_text, _age(pod), pod_ip,
             spec.get("nodeName") or "<none>", st.get("nominatedNodeName") or "<none>", gates_text]
    conditions = None
    if phase == "Succeeded":
        conditions = [{"type": "Completed", "status": "True", "reason": "Succeeded",
                       "message": "The pod has completed successfully."}]
    elif phase == "Failed":
        conditions = [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]
    return cells, conditions


def _service_external_ip(svc: dict) -> str:
    spec = svc.get("spec") or {}
    svc_type = spec.get("type", "")
    external = spec.get("externalIPs") or []
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if svc_type == "LoadBalancer":
        found = sorted({i.get("ip") or i.get("hostname") for i in _get(svc, "status", "loadBalancer", "ingress",
                                                                        default=[]) if i.get("ip") or i.get("hostname")})
        lb = ",".join(found)  # the server builds with Wide on, so nothing is clipped
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + external)
        return lb or "<pending>"
    if svc_type == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _service(svc: dict) -> list:
    spec = svc.get("spec") or {}
    ports = []
    for port in spec.get("ports") or []:
        if port.get("nodePort"):
            ports.append(f"{port.get('port', 0)}:{port['nodePort']}/{port.get('protocol', '')}")
        else:
            ports.append(f"{port.get('port', 0)}/{port.get('protocol', '')}")
    cluster_ips = spec.get("clusterIPs") or []
    return [_get(svc, "metadata", "name", default=""), spec.get("type", ""),
            cluster_ips[0] if cluster_ips else "<none>", _service_external_ip(svc), ",".join(ports) or "<none>",
            _age(svc), format_labels(spec.get("selector"))]


def _deployment(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(_get(spec, "template", "spec", default={}))
    selector = spec.get("selector")
    return [obj["metadata"].get("name", ""), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0), _age(obj), names, images,
            _selector_string(selector)]


def _replicaset(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(_get(spec, "template", "spec", default={}))
    return [obj["metadata"].get("name", ""), spec.get("replicas", 0), st.get("replicas", 0),
            st.get("readyReplicas", 0), _age(obj), names, images, format_label_selector(spec.get("selector"))]


def _replication_controller(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(_get(spec, "template", "spec", default={}))
    return [obj["metadata"].get("name", ""), spec.get("replicas", 0), st.get("replicas", 0),
            st.get("readyReplicas", 0), _age(obj), names, images, format_labels(spec.get("selector"))]


def _statefulset(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _containers(_get(spec, "template", "spec", default={}))
    return [obj["metadata"].get("name", ""), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 0)}", _age(obj),
            names, images]


def _daemonset(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    template_spec = _get(spec, "template", "spec", default={})
    names, images = _containers(template_spec)
    return [obj["metadata"].get("name", ""), st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            format_labels(template_spec.get("nodeSelector")), _age(obj), names, images,
            format_label_selector(spec.get("selector"))]


def _has_condition(conditions: list, kind: str) -> bool:
    for cond in conditions or []:
        if cond.get("type") == kind:
            return cond.get("status") == "True"
    return False


def _job(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = st.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = parse_time(st.get("startTime")), parse_time(st.get("completionTime"))
    if start is None:
        duration = ""
    elif end is None:
        duration = human_duration((_dt.datetime.now(_dt.UTC) - start).total_seconds())
    else:
        duration = human_duration((end - start).total_seconds())
    conditions = st.get("conditions") or []
    if _has_condition(conditions, "Complete"):
        state = "Complete"
    elif _has_condition(conditions, "Failed"):
        state = "Failed"
    elif obj["metadata"].get("deletionTimestamp"):
        state = "Terminating"
    elif _has_condition(conditions, "Suspended"):
        state = "Suspended"
    elif _has_condition(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    names, images = _containers(_get(spec, "template", "spec", default={}))
    return [obj["metadata"].get("name", ""), state, completions, duration, _age(obj), names, images,
            format_label_selector(spec.get("selector"))]


def _cronjob(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    last = since(st["lastScheduleTime"]) if st.get("lastScheduleTime") else "<none>"
    job_spec = _get(spec, "jobTemplate", "spec", default={})
    names, images = _containers(_get(job_spec, "template", "spec", default={}))
    suspend = spec.get("suspend")
    return [obj["metadata"].get("name", ""), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "<unset>" if suspend is None else ("True" if suspend else "False"), len(st.get("active") or []), last,
            _age(obj), names, images, format_label_selector(job_spec.get("selector"))]


def _node(obj: dict) -> list:
    st, spec, meta = obj.get("status") or {}, obj.get("spec") or {}, obj.get("metadata") or {}
    states = []
    for cond in st.get("conditions") or []:
        if cond.get("type") == "Ready":
            states = ["Ready" if cond.get("status") == "True" else "NotReady"]
    if not states:
        states = ["Unknown"]
    if spec.get("unschedulable"):
        states.append("SchedulingDisabled")
    roles = set()
    for key, value in (meta.get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    info = st.get("nodeInfo") or {}

    def address(kind: str) -> str:
        return next((a.get("address") for a in st.get("addresses") or [] if a.get("type") == kind), "<none>")
    return [meta.get("name", ""), ",".join(states), ",".join(sorted(roles)) or "<none>", _age(obj),
            info.get("kubeletVersion", ""), address("InternalIP"), address("ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def _endpoints(obj: dict) -> list:
    subsets = obj.get("subsets") or []
    text = "<none>"
    if subsets:
        items: list[str] = []
        count, more = 0, False
        for subset in subsets:
            addresses = subset.get("addresses") or []
            ports = subset.get("ports") or []
            if not ports:
                count += len(addresses)
                for addr in addresses:
                    if len(items) == 3:
                        more = True
                        break
                    items.append(addr.get("ip", ""))
                continue
            for port in ports:
                count += len(addresses)
                for addr in addresses:
                    if len(items) == 3:
                        more = True
                        break
                    ip = addr.get("ip", "")
                    host = f"[{ip}]" if ":" in ip else ip
                    items.append(f"{host}:{port.get('port', 0)}")
        text = ",".join(items)
        if more:
            text = f"{text} + {count - 3} more..."
    return [obj["metadata"].get("name", ""), text, _age(obj)]


def _event(obj: dict) -> list:
    first = since(obj["firstTimestamp"]) if obj.get("firstTimestamp") else since(obj.get("eventTime"))
    last = since(obj["lastTimestamp"]) if obj.get("lastTimestamp") else first
    count = obj.get("count") or 0
    series = obj.get("series")
    if series is not None:
        last = since(series.get("lastObservedTime"))
        count = series.get("count", 0)
    elif count == 0:
        count = 1
    involved = obj.get("involvedObject") or {}
    target = involved.get("kind", "").lower()
    if involved.get("name"):
        target = f"{target}/{involved['name']}"
    source = obj.get("source") or {}
    component = source.get("component") or obj.get("reportingComponent") or ""
    instance = source.get("host") or obj.get("reportingInstance") or ""
    return [last, obj.get("type", ""), obj.get("reason", ""), target, involved.get("fieldPath", ""),
            f"{component}, {instance}" if instance else component, (obj.get("message") or "").strip(), first,
            count, obj["metadata"].get("name", "")]


def _access_modes(modes: list | None) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    out = []
    for mode in ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"):
        if mode in (modes or []):
            out.append(short[mode])
    return ",".join(out)


def _pv(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    claim = spec.get("claimRef")
    claim_text = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    phase = "Terminating" if obj["metadata"].get("deletionTimestamp") else st.get("phase", "")
    storage_class = spec.get("storageClassName") or \
        _get(obj, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class", default="")
    return [obj["metadata"].get("name", ""), str(_get(spec, "capacity", "storage", default="0")),
            _access_modes(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""), phase,
            claim_text, storage_class, spec.get("volumeAttributesClassName") or "<unset>", st.get("reason", ""),
            _age(obj), spec.get("volumeMode") or "<unset>"]


def _pvc(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    phase = "Terminating" if obj["metadata"].get("deletionTimestamp") else st.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = _access_modes(st.get("accessModes"))
        capacity = str(_get(st, "capacity", "storage", default="0"))
    storage_class = spec.get("storageClassName") or \
        _get(obj, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class", default="")
    return [obj["metadata"].get("name", ""), phase, spec.get("volumeName", ""), capacity, modes, storage_class,
            spec.get("volumeAttributesClassName") or "<unset>", _age(obj), spec.get("volumeMode") or "<unset>"]


def _hpa(obj: dict) -> list:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    metrics = spec.get("metrics")
    if metrics is None and spec.get("targetCPUUtilizationPercentage") is not None:  # autoscaling/v1
        current = st.get("currentCPUUtilizationPercentage")
        metrics_text = f"cpu: {'<unknown>' if current is None else f'{current}%'}/{spec['targetCPUUtilizationPercentage']}%"
    elif not metrics:
        metrics_text = "<none>"
    else:
        parts = []
        statuses = st.get("currentMetrics") or []
        for i, metric in enumerate(metrics):
            if metric.get("type") == "Resource":
                resource = metric.get("resource") or {}
                target = resource.get("target") or {}
                current_status = (statuses[i].get("resource") or {}).get("current", {}) if len(statuses) > i else {}
                if target.get("averageUtilization") is not None:
                    current = current_status.get("averageUtilization")
                    current_text = "<unknown>" if current is None else f"{current}%"
                    parts.append(f"{resource.get('name', '')}: {current_text}/{target['averageUtilization']}%")
                else:
                    current = current_status.get("averageValue")
                    parts.append(f"{resource.get('name', '')}: {current or '<unknown>'}/{target.get('averageValue', '')}")
            else:
                parts.append("<unknown>/<unknown>")
        metrics_text = ", ".join(parts[:2]) + (f" + {len(parts) - 2} more..." if len(parts) > 2 else "")
    min_pods = str(spec["minReplicas"]) if spec.get("minReplicas") is not None else "<unset>"
    return [obj["metadata"].get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}", metrics_text, min_pods,
            spec.get("maxReplicas", 0), st.get("currentReplicas", 0), _age(obj)]


def _binding(obj: dict) -> list:
    ref = obj.get("roleRef") or {}
    users, groups, sas = [], [], []
    for subject in obj.get("subjects") or []:
        kind = subject.get("kind")
        if kind == "User":
            users.append(subject.get("name", ""))
        elif kind == "Group":
            groups.append(subject.get("name", ""))
        elif kind == "ServiceAccount":
            sas.append(f"{subject.get('namespace', '')}/{subject.get('name', '')}")
    return [obj["metadata"].get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(obj),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


def _ingress(obj: dict) -> list:
    spec = obj.get("spec") or {}
    rules = spec.get("rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    host_text = "*" if not hosts else ",".join(hosts) + (f" + {len(rules) - 3} more..." if more else "")
    found = sorted({i.get("ip") or i.get("hostname") for i in _get(obj, "status", "loadBalancer", "ingress",
                                                                    default=[]) if i.get("ip") or i.get("hostname")})
    return [obj["metadata"].get("name", ""), spec.get("ingressClassName") or "<none>", host_text, ",".join(found),
            "80, 443" if spec.get("tls") else "80", _age(obj)]


def _pdb(obj: dict) -> list:
    spec = obj.get("spec") or {}
    return [obj["metadata"].get("name", ""), str(spec["minAvailable"]) if "minAvailable" in spec else "N/A",
            str(spec["maxUnavailable"]) if "maxUnavailable" in spec else "N/A",
            _get(obj, "status", "disruptionsAllowed", default=0), _age(obj)]


def _storage_class(obj: dict) -> list:
    name = obj["metadata"].get("name", "")
    annotations = obj["metadata"].get("annotations") or {}
    if annotations.get("storageclass.kubernetes.io/is-default-class") == "true" or \
            annotations.get("storageclass.beta.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    expansion = obj.get("allowVolumeExpansion")
    return [name, obj.get("provisioner", ""), obj.get("reclaimPolicy") or "Delete",
            obj.get("volumeBindingMode") or "Immediate", "true" if expansion else "false", _age(obj)]


def _simple(*cells: Callable[[dict], Any]) -> Printer:
    return lambda obj: [cell(obj) for cell in cells]


def _name(obj: dict) -> str:
    return _get(obj, "metadata", "name", default="")


PRINTERS: dict[tuple[str, str], tuple[list[dict], Callable[[dict], Any]]] = {
    ("", "pods"): ([NAME, _col("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
                    _col("Status", description="The aggregate status of the containers in this pod."),
                    _col("Restarts", description="The number of times the containers in this pod have been "
                         "restarted and when the last container in this pod has restarted."), AGE,
                    _col("IP", priority=1), _col("Node", priority=1), _col("Nominated Node", priority=1),
                    _col("Readiness Gates", priority=1)], _pod_row),
    ("", "services"): ([NAME, _col("Type"), _col("Cluster-IP"), _col("External-IP"), _col("Port(s)"), AGE,
                        _col("Selector", priority=1)], _service),
    ("apps", "deployments"): ([NAME, _col("Ready"), _col("Up-to-date"), _col("Available"), AGE,
                               _col("Containers", priority=1), _col("Images", priority=1),
                               _col("Selector", priority=1)], _deployment),
    ("apps", "replicasets"): ([NAME, _col("Desired", "integer"), _col("Current", "integer"), _col("Ready", "integer"),
                               AGE, _col("Containers", priority=1), _col("Images", priority=1),
                               _col("Selector", priority=1)], _replicaset),
    ("", "replicationcontrollers"): ([NAME, _col("Desired", "integer"), _col("Current", "integer"),
                                      _col("Ready", "integer"), AGE, _col("Containers", priority=1),
                                      _col("Images", priority=1), _col("Selector", priority=1)],
                                     _replication_controller),
    ("apps", "statefulsets"): ([NAME, _col("Ready"), AGE, _col("Containers", priority=1), _col("Images", priority=1)],
                               _statefulset),
    ("apps", "daemonsets"): ([NAME, _col("Desired", "integer"), _col("Current", "integer"), _col("Ready", "integer"),
                              _col("Up-to-date", "integer"), _col("Available", "integer"), _col("Node Selector"), AGE,
                              _col("Containers", priority=1), _col("Images", priority=1),
                              _col("Selector", priority=1)], _daemonset),
    ("batch", "jobs"): ([NAME, _col("Status"), _col("Completions"), _col("Duration"), AGE,
                         _col("Containers", priority=1), _col("Images", priority=1), _col("Selector", priority=1)],
                        _job),
    ("batch", "cronjobs"): ([NAME, _col("Schedule"), _col("Timezone"), _col("Suspend", "boolean"),
                             _col("Active", "integer"), _col("Last Schedule"), AGE, _col("Containers", priority=1),
                             _col("Images", priority=1), _col("Selector", priority=1)], _cronjob),
    ("", "nodes"): ([NAME, _col("Status"), _col("Roles"), AGE, _col("Version"), _col("Internal-IP", priority=1),
                     _col("External-IP", priority=1), _col("OS-Image", priority=1),
                     _col("Kernel-Version", priority=1), _col("Container-Runtime", priority=1)], _node),
    ("", "endpoints"): ([NAME, _col("Endpoints"), AGE], _endpoints),
    ("", "events"): ([_col("Last Seen"), _col("Type"), _col("Reason"), _col("Object"), _col("Subobject", priority=1),
                      _col("Source", priority=1), _col("Message"), _col("First Seen", priority=1),
                      _col("Count", priority=1), _col("Name", priority=1, fmt="name", description=NAME_DOC)], _event),
    ("", "namespaces"): ([NAME, _col("Status"), AGE],
                         _simple(_name, lambda o: _get(o, "status", "phase", default=""), _age)),
    ("", "secrets"): ([NAME, _col("Type"), _col("Data"), AGE],
                      _simple(_name, lambda o: o.get("type", ""), lambda o: len(o.get("data") or {}), _age)),
    ("", "configmaps"): ([NAME, _col("Data"), AGE],
                         _simple(_name, lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {}), _age)),
    ("", "serviceaccounts"): ([NAME, _col("Secrets"), AGE],
                              _simple(_name, lambda o: len(o.get("secrets") or []), _age)),
    ("", "persistentvolumes"): ([NAME, _col("Capacity"), _col("Access Modes"), _col("Reclaim Policy"), _col("Status"),
                                 _col("Claim"), _col("StorageClass"), _col("VolumeAttributesClass"), _col("Reason"),
                                 AGE, _col("VolumeMode", priority=1)], _pv),
    ("", "persistentvolumeclaims"): ([NAME, _col("Status"), _col("Volume"), _col("Capacity"), _col("Access Modes"),
                                      _col("StorageClass"), _col("VolumeAttributesClass"), AGE,
                                      _col("VolumeMode", priority=1)], _pvc),
    ("autoscaling", "horizontalpodautoscalers"): ([NAME, _col("Reference"), _col("Targets"), _col("MinPods"),
                                                   _col("MaxPods"), _col("Replicas"), AGE], _hpa),
    ("rbac.authorization.k8s.io", "rolebindings"): ([NAME, _col("Role"), AGE, _col("Users", priority=1),
                                                     _col("Groups", priority=1), _col("ServiceAccounts", priority=1)],
                                                    _binding),
    ("rbac.authorization.k8s.io", "clusterrolebindings"): ([NAME, _col("Role"), AGE, _col("Users", priority=1),
                                                            _col("Groups", priority=1),
                                                            _col("ServiceAccounts", priority=1)], _binding),
    ("networking.k8s.io", "ingresses"): ([NAME, _col("Class"), _col("Hosts"), _col("Address"), _col("Ports"), AGE],
                                         _ingress),
    ("policy", "poddisruptionbudgets"): ([NAME, _col("Min Available"), _col("Max Unavailable"),
                                          _col("Allowed Disruptions", "integer"), AGE], _pdb),
    ("storage.k8s.io", "storageclasses"): ([NAME, _col("Provisioner"), _col("ReclaimPolicy"),
                                            _col("VolumeBindingMode"), _col("AllowVolumeExpansion"), AGE],
                                           _storage_class),
    ("coordination.k8s.io", "leases"): ([NAME, _col("Holder"), AGE],
                                        _simple(_name, lambda o: _get(o, "spec", "holderIdentity", default=""), _age)),
    ("", "podtemplates"): ([NAME, _col("Containers"), _col("Images"), _col("Pod Labels")],
                           lambda o: [_name(o), *_containers(_get(o, "template", "spec", default={})),
                                      format_labels(_get(o, "template", "metadata", "labels"))]),
    ("networking.k8s.io", "networkpolicies"): ([NAME, _col("Pod-Selector"), AGE],
                                               _simple(_name, lambda o: _selector_string(
                                                   _get(o, "spec", "podSelector", default={})) or "<none>", _age)),
    ("apps", "controllerrevisions"): ([NAME, _col("Controller"), _col("Revision", "integer"), AGE],
                                      lambda o: [_name(o), _controller_ref(o), o.get("revision", 0), _age(o)]),
    ("scheduling.k8s.io", "priorityclasses"): ([NAME, _col("Value", "integer"), _col("Global-Default", "boolean"), AGE,
                                                _col("PreemptionPolicy")],
                                               lambda o: [_name(o), o.get("value", 0), bool(o.get("globalDefault")),
                                                          _age(o), o.get("preemptionPolicy") or
                                                          "PreemptLowerPriority"]),
    ("discovery.k8s.io", "endpointslices"): ([NAME, _col("AddressType"), _col("Ports"), _col("Endpoints"), AGE],
                                             lambda o: [_name(o), o.get("addressType", ""), _slice_ports(o),
                                                        _slice_endpoints(o), _age(o)]),
}


def _resource_quota(obj: dict) -> list:
    st = obj.get("status") or {}
    hard, used = st.get("hard") or {}, st.get("used") or {}
    requests, limits = [], []
    for resource in sorted(hard, key=_quota_sort_key):
        target = limits if resource.split(".")[0] == "limits" and "." in resource else requests
        target.append(f"{resource}: {used.get(resource, '0')}/{hard[resource]}")
    return [_name(obj), _age(obj), ", ".join(requests), ", ".join(limits)]


def _quota_sort_key(name: str) -> str:
    return name


def _csr_condition(obj: dict) -> str:
    kinds = {c.get("type") for c in _get(obj, "status", "conditions", default=[])}
    text = "Denied" if "Denied" in kinds else "Approved" if "Approved" in kinds else "Pending"
    if "Failed" in kinds:
        text += ",Failed"
    if _get(obj, "status", "certificate"):
        text += ",Issued"
    return text


def _csr(obj: dict) -> list:
    spec = obj.get("spec") or {}
    seconds = spec.get("expirationSeconds")
    return [_name(obj), _age(obj), spec.get("signerName") or "<none>", spec.get("username", ""),
            "<none>" if seconds is None else human_duration(seconds), _csr_condition(obj)]


def _ingress_class(obj: dict) -> list:
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    text = "<none>"
    if params:
        text = params.get("kind", "") + (f".{params['apiGroup']}" if params.get("apiGroup") else "")
        text += f"/{params.get('name', '')}"
    return [_name(obj), spec.get("controller", ""), text, _age(obj)]


def _csi_driver(obj: dict) -> list:
    spec = obj.get("spec") or {}

    def flag(key: str, default: bool) -> bool:
        value = spec.get(key)
        return default if value is None else bool(value)
    tokens = spec.get("tokenRequests")
    return [_name(obj), flag("attachRequired", True), flag("podInfoOnMount", False), flag("storageCapacity", False),
            "<unset>" if tokens is None else ",".join(t.get("audience", "") for t in tokens),
            flag("requiresRepublish", False), ",".join(spec.get("volumeLifecycleModes") or []) or "<none>", _age(obj)]


def _flow_schema(obj: dict) -> list:
    spec = obj.get("spec") or {}
    method = (spec.get("distinguisherMethod") or {}).get("type") or "<none>" \
        if spec.get("distinguisherMethod") is not None else "<none>"
    dangling = next((c.get("status", "") for c in _get(obj, "status", "conditions", default=[])
                     if c.get("type") == "Dangling"), "?")
    return [_name(obj), _get(spec, "priorityLevelConfiguration", "name", default=""),
            spec.get("matchingPrecedence", 0), method, _age(obj), dangling]


def _priority_level(obj: dict) -> list:
    spec = obj.get("spec") or {}
    limited = spec.get("limited")
    shares = queues = hand = length = "<none>"
    if limited is not None:
        shares = limited.get("nominalConcurrencyShares", 0)
        queuing = (limited.get("limitResponse") or {}).get("queuing")
        if queuing is not None:
            queues, hand, length = (queuing.get("queues", 0), queuing.get("handSize", 0),
                                    queuing.get("queueLengthLimit", 0))
    return [_name(obj), spec.get("type", ""), shares, queues, hand, length, _age(obj)]


def _admission_policy(obj: dict) -> list:
    spec = obj.get("spec") or {}
    kind = spec.get("paramKind")
    return [_name(obj), len(spec.get("validations") or []),
            "<unset>" if not kind else f"{kind.get('apiVersion', '')}/{kind.get('kind', '')}", _age(obj)]


def _admission_binding(obj: dict) -> list:
    spec = obj.get("spec") or {}
    ref = spec.get("paramRef")
    text = "<unset>"
    if ref:
        if ref.get("name"):
            text = f"{ref['namespace']}/{ref['name']}" if ref.get("namespace") else f"*/{ref['name']}"
        elif ref.get("selector") is not None:
            text = _selector_string(ref["selector"])
    return [_name(obj), spec.get("policyName", ""), text, _age(obj)]


def _volume_attachment(obj: dict) -> list:
    spec = obj.get("spec") or {}
    return [_name(obj), spec.get("attacher", ""), _get(spec, "source", "persistentVolumeName", default=""),
            spec.get("nodeName", ""), bool(_get(obj, "status", "attached", default=False)), _age(obj)]


def _webhooks(obj: dict) -> list:
    return [_name(obj), len(obj.get("webhooks") or []), _age(obj)]


def _api_service(obj: dict) -> list:
    """kube-aggregator's table: the backing service or Local, and the Available condition."""
    spec = obj.get("spec") or {}
    service = spec.get("service")
    backing = f"{service.get('namespace', '')}/{service.get('name', '')}" if service else "Local"
    available = "Unknown"
    for cond in _get(obj, "status", "conditions", default=[]):
        if cond.get("type") == "Available":
            available = cond.get("status", "")
            if available != "True" and cond.get("reason"):
                available = f"{available} ({cond['reason']})"
            break
    return [_name(obj), backing, available, _age(obj)]


_WEBHOOK_COLUMNS = [NAME, _col("Webhooks", "integer"), AGE]
PRINTERS.update({
    ("", "resourcequotas"): ([NAME, AGE, _col("Request"), _col("Limit")], _resource_quota),
    ("certificates.k8s.io", "certificatesigningrequests"): ([NAME, AGE, _col("SignerName"), _col("Requestor"),
                                                             _col("RequestedDuration"), _col("Condition")], _csr),
    ("networking.k8s.io", "ingressclasses"): ([NAME, _col("Controller"), _col("Parameters"), AGE], _ingress_class),
    ("node.k8s.io", "runtimeclasses"): ([NAME, _col("Handler"), AGE],
                                        _simple(_name, lambda o: o.get("handler", ""), _age)),
    ("storage.k8s.io", "volumeattachments"): ([NAME, _col("Attacher", fmt="name"), _col("PV"), _col("Node"),
                                               _col("Attached", "boolean"), AGE], _volume_attachment),
    ("storage.k8s.io", "csinodes"): ([NAME, _col("Drivers", "integer"), AGE],
                                     _simple(_name, lambda o: len(_get(o, "spec", "drivers", default=[])), _age)),
    ("storage.k8s.io", "csidrivers"): ([NAME, _col("AttachRequired", "boolean"), _col("PodInfoOnMount", "boolean"),
                                        _col("StorageCapacity", "boolean"), _col("TokenRequests"),
                                        _col("RequiresRepublish", "boolean"), _col("Modes"), AGE], _csi_driver),
    ("storage.k8s.io", "csistoragecapacities"): ([NAME, _col("StorageClassName"), _col("Capacity")],
                                                 _simple(_name, lambda o: o.get("storageClassName", ""),
                                                         lambda o: str(o["capacity"]) if o.get("capacity") is not None
                                                         else "<unset>")),
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"): (_WEBHOOK_COLUMNS, _webhooks),
    ("admissionregistration.k8s.io", "validatingwebhookconfigurations"): (_WEBHOOK_COLUMNS, _webhooks),
    ("admissionregistration.k8s.io", "validatingadmissionpolicies"): (
        [NAME, _col("Validations", "integer"), _col("ParamKind"), AGE], _admission_policy),
    ("admissionregistration.k8s.io", "validatingadmissionpolicybindings"): (
        [NAME, _col("PolicyName"), _col("ParamRef"), AGE], _admission_binding),
    ("flowcontrol.apiserver.k8s.io", "flowschemas"): ([NAME, _col("PriorityLevel"), _col("MatchingPrecedence"),
                                                       _col("DistinguisherMethod"), AGE, _col("MissingPL")],
                                                      _flow_schema),
    ("apiregistration.k8s.io", "apiservices"): ([NAME, _col("Service"), _col("Available"), AGE], _api_service),
    ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations"): (
        [NAME, _col("Type"), _col("NominalConcurrencyShares"), _col("Queues"), _col("HandSize"),
         _col("QueueLengthLimit"), AGE], _priority_level),
})


def _controller_ref(obj: dict) -> str:
    for ref in _get(obj, "metadata", "ownerReferences", default=[]):
        if ref.get("controller"):
            group = ref.get("apiVersion", "").split("/")[0] if "/" in ref.get("apiVersion", "") else ""
            kind = ref.get("kind", "").lower() + (f".{group}" if group else "")
            return f"{kind}/{ref.get('name', '')}"
    return "<none>"


def _limited(items: list[str], count: int) -> str:
    text = ",".join(items[:3])
    if count > 3:
        return f"{text} + {count - 3} more..."
    return text or "<unset>"


def _slice_ports(obj: dict) -> str:
    ports = obj.get("ports") or []
    items = [str(p["port"]) if p.get("port") is not None else (p.get("name") or "*") for p in ports]
    return _limited(items, len(items))


def _slice_endpoints(obj: dict) -> str:
    items = [a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return _limited(items, len(items))


# ------------------------------------------------------------------ table assembly


def partial_metadata(obj: dict, api_version: str = "meta.k8s.io/v1", with_type: bool = True) -> dict:
    out: dict[str, Any] = {}
    if with_type:
        out["kind"] = "PartialObjectMetadata"
        out["apiVersion"] = api_version
    out["metadata"] = obj.get("metadata", {})
    return out


def _crd_columns(crd: dict, version: str) -> list[dict] | None:
    spec = crd.get("spec") or {}
    for entry in spec.get("versions") or []:
        if entry.get("name") == version:
            columns = entry.get("additionalPrinterColumns")
            if columns is None:
                columns = spec.get("additionalPrinterColumns")
            if columns is None:
                columns = [{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]
            return columns
    return None


def _json_path(obj: Any, path: str) -> Any:
    """The simple JSONPath subset CRD printer columns allow: .a.b, .a[0].b, .a['x.y']."""
    tokens = re.findall(r"\.([A-Za-z0-9_\-$]+)|\[(\d+)\]|\[['\"]([^'\"]+)['\"]\]", path.strip().lstrip("{").rstrip("}"))
    value = obj
    for field, index, quoted in tokens:
        if index:
            if not isinstance(value, list) or int(index) >= len(value):
                return None
            value = value[int(index)]
        else:
            key = field or quoted
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
    return value


def _crd_cell(type_: str, value: Any) -> Any:
    if value is None:
        return None
    if type_ == "string":
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":")) \
            if isinstance(value, dict | list) else ("true" if value is True else "false" if value is False else str(value))
    if type_ == "integer":
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    if type_ == "number":
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    if type_ == "boolean":
        return value if isinstance(value, bool) else None
    if type_ == "date":
        if isinstance(value, str):
            moment = parse_time(value)
            return "<invalid>" if moment is None else since(value)
        return None
    return None


def columns_and_rows(info, objects: list[dict], crd: dict | None) -> tuple[list[dict], list[dict]]:
    key = (info.group, info.resource)
    rows: list[dict] = []
    if crd is not None and info.crd_name:
        specs = _crd_columns(crd, info.version) or []
        columns = [NAME] + [
            {"name": c.get("name", ""), "type": c.get("type", "string"), "format": c.get("format", ""),
             "description": c.get("description") or _crd_column_doc(c), "priority": c.get("priority", 0)}
            for c in specs]
        for obj in objects:
            cells = [_name(obj)] + [_crd_cell(c.get("type", "string"), _json_path(obj, c.get("jsonPath", "")))
                                    for c in specs]
            rows.append({"cells": cells})
        return columns, rows
    if key in PRINTERS:
        columns, printer = PRINTERS[key]
        for obj in objects:
            result = printer(obj)
            if isinstance(result, tuple):
                cells, conditions = result
                row = {"cells": cells}
                if conditions:
                    row["conditions"] = conditions
            else:
                row = {"cells": result}
            rows.append(row)
        return columns, rows
    columns = [NAME, {"name": "Created At", "type": "date", "format": "", "description": CREATED_DOC, "priority": 0}]
    for obj in objects:
        rows.append({"cells": [_name(obj), _get(obj, "metadata", "creationTimestamp", default="0001-01-01T00:00:00Z")]})
    return columns, rows


def _crd_column_doc(column: dict) -> str:
    if column.get("jsonPath") == ".metadata.creationTimestamp":
        return CREATED_DOC
    return f"Custom resource definition column (in JSONPath format): {column.get('jsonPath', '')}"


def build_table(info, objects: list[dict], *, include_object: str = "", api_version: str = "meta.k8s.io/v1",
                list_meta: dict | None = None, crd: dict | None = None, with_columns: bool = True) -> dict:
    columns, rows = columns_and_rows(info, objects, crd)
    include = include_object or "Metadata"
    for row, obj in zip(rows, objects, strict=True):
        if include == "None":
            row["object"] = None
        elif include == "Object":
            full = dict(obj)
            full.setdefault("kind", info.kind)
            full.setdefault("apiVersion", info.api_version)
            row["object"] = full
        else:
            row["object"] = partial_metadata(obj, api_version)
    table: dict[str, Any] = {"kind": "Table", "apiVersion": api_version, "metadata": dict(list_meta or {})}
    table["columnDefinitions"] = columns if with_columns else None
    table["rows"] = rows
    return table
