"""describe for Pods, and the container, volume and pod-template sections workloads share."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.quantity import Quantity
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    annotations_multiline,
    controller_of,
    describe_events,
    format_label_selector,
    get,
    go_str,
    labels_multiline,
    meta,
    rfc1123z,
    since,
    string_or_none,
    tabbed,
    tolerations_multiline,
)

_QOS_RESOURCES = ("cpu", "memory")


def print_bool(value) -> str:
    """describe's printBool: True/False with capitals."""
    return "True" if value else "False"


def _ports(ports: list, field: str) -> str:
    return ", ".join(f"{p.get(field, 0) or 0}/{p.get('protocol', '')}" for p in ports or [])


def _int_or_string(value) -> str:
    return "" if value is None else go_str(value)


def describe_probe(probe: Mapping) -> str:
    attrs = (f"delay={probe.get('initialDelaySeconds', 0) or 0}s timeout={probe.get('timeoutSeconds', 0) or 0}s "
             f"period={probe.get('periodSeconds', 0) or 0}s #success={probe.get('successThreshold', 0) or 0} "
             f"#failure={probe.get('failureThreshold', 0) or 0}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        http = probe["httpGet"]
        scheme = str(http.get("scheme", "")).lower()
        host, port = http.get("host", ""), _int_or_string(http.get("port"))
        if port:
            host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        path = http.get("path", "")
        url = ""
        if scheme:
            url += scheme + ":"
        if scheme or host:
            url += "//" + host
        if path and not path.startswith("/") and host:
            path = "/" + path
        url += path
        return f"http-get {url} {attrs}"
    if probe.get("tcpSocket") is not None:
        tcp = probe["tcpSocket"]
        return f"tcp-socket {tcp.get('host', '')}:{_int_or_string(tcp.get('port'))} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', 0)} {grpc.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def describe_resources(w, resources: Mapping | None, level: int) -> None:
    if resources is None:
        return
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = resources.get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{Quantity.parse(values[name])}\n")


def _describe_state(w, title: str, state: Mapping) -> None:
    if state.get("running") is not None:
        w.write(LEVEL_2, f"{title}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(LEVEL_3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(LEVEL_2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.write(LEVEL_3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(LEVEL_3, f"Message:\t{t['message']}\n")
        w.write(LEVEL_3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if (t.get("signal") or 0) > 0:
            w.write(LEVEL_3, f"Signal:\t{t['signal']}\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(LEVEL_3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")


def _field_value(pod: Mapping | None, field_path: str) -> str:
    """EnvValueRetriever: kubectl's scheme converts only metadata.name and metadata.namespace (client-go
    registers no pod field-label conversions); every other field path shows as empty."""
    if pod is None or field_path not in ("metadata.name", "metadata.namespace"):
        return ""
    return str(get(pod, "metadata", field_path.split(".")[1], default=""))


def _resource_value(ref: Mapping, container: Mapping) -> str:
    resource = ref.get("resource", "")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests"):
        return ""
    value = Quantity.parse(get(container, "resources", kind, default={}).get(name, "0"))
    divisor = Quantity.parse(ref.get("divisor") or "1")
    if divisor.value == 0:
        divisor = Quantity.parse("1")
    if name == "cpu":
        return str(math.ceil(Quantity.parse(value.milli() / 1000).value / divisor.value))
    return str(math.ceil(value.value / divisor.value))


def _describe_env(w, container: Mapping, pod: Mapping | None) -> None:
    env = container.get("env") or []
    w.write(LEVEL_2, "Environment:" + ("" if env else "\t<none>") + "\n")
    for e in env:
        name, source = e.get("name", ""), e.get("valueFrom")
        if source is None:
            for i, part in enumerate(str(e.get("value", "")).split("\n")):
                w.write(LEVEL_3, f"{name}:\t{part}\n" if i == 0 else f"\t{part}\n")
            continue
        if source.get("fieldRef") is not None:
            ref = source["fieldRef"]
            value = _field_value(pod, ref.get("fieldPath", ""))
            w.write(LEVEL_3, f"{name}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n")
        elif source.get("resourceFieldRef") is not None:
            ref = source["resourceFieldRef"]
            value = _resource_value(ref, container)
            if value == "0" and ref.get("resource") in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(LEVEL_3, f"{name}:\t{value} ({ref.get('resource', '')})\n")
        elif source.get("secretKeyRef") is not None:
            ref = source["secretKeyRef"]
            w.write(LEVEL_3, f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>"
                             f"\tOptional: {go_str(bool(ref.get('optional')))}\n")
        elif source.get("configMapKeyRef") is not None:
            ref = source["configMapKeyRef"]
            w.write(LEVEL_3, f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                             f"'{ref.get('name', '')}'>\tOptional: {go_str(bool(ref.get('optional')))}\n")


def _describe_env_from(w, container: Mapping) -> None:
    w.write(LEVEL_2, "Environment Variables from:\n")
    for e in container.get("envFrom") or []:
        source, name, optional = "", "", False
        if e.get("configMapRef") is not None:
            source, name = "ConfigMap", e["configMapRef"].get("name", "")
            optional = bool(e["configMapRef"].get("optional"))
        elif e.get("secretRef") is not None:
            source, name = "Secret", e["secretRef"].get("name", "")
            optional = bool(e["secretRef"].get("optional"))
        if e.get("prefix"):
            w.write(LEVEL_3, f"{name}\t{source} with prefix '{e['prefix']}'\tOptional: {go_str(optional)}\n")
        else:
            w.write(LEVEL_3, f"{name}\t{source}\tOptional: {go_str(optional)}\n")


def _describe_mounts(w, container: Mapping) -> None:
    mounts = container.get("volumeMounts") or []
    none = "" if mounts else "\t<none>"
    w.write(LEVEL_2, f"Mounts:{none}\n")
    for mount in sorted(mounts, key=lambda m: m.get("mountPath", "")):
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append('path="' + mount["subPath"].replace("\\", "\\\\").replace('"', '\\"') + '"')
        w.write(LEVEL_3, f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n")
    devices = container.get("volumeDevices") or []
    if devices:
        w.write(LEVEL_2, f"Devices:{none}\n")
        for device in sorted(devices, key=lambda d: d.get("devicePath", "")):
            w.write(LEVEL_3, f"{device.get('devicePath', '')} from {device.get('name', '')}\n")


def describe_containers(w, label: str, containers: list, statuses: list | None, pod: Mapping | None,
                        space: str) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(LEVEL_0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    name_indent = " " if space else ""
    for container in containers:
        status = by_name.get(container.get("name"))
        w.write(LEVEL_1, f"{name_indent}{container.get('name', '')}:\n")
        if status is not None:
            w.write(LEVEL_2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(LEVEL_2, f"Image:\t{container.get('image', '')}\n")
        if status is not None:
            w.write(LEVEL_2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = _ports(container.get("ports"), "containerPort")
        if "," in ports:
            w.write(LEVEL_2, f"Ports:\t{ports}\n")
        else:
            w.write(LEVEL_2, f"Port:\t{string_or_none(ports)}\n")
        host_ports = _ports(container.get("ports"), "hostPort")
        if "," in host_ports:
            w.write(LEVEL_2, f"Host Ports:\t{host_ports}\n")
        else:
            w.write(LEVEL_2, f"Host Port:\t{string_or_none(host_ports)}\n")
        seccomp = get(container, "securityContext", "seccompProfile")
        if seccomp is not None:
            w.write(LEVEL_2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.write(LEVEL_3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if container.get(key):
                w.write(LEVEL_2, f"{title}:\n")
                for item in container[key]:
                    for part in str(item).split("\n"):
                        w.write(LEVEL_3, f"{part}\n")
        if status is not None:
            _describe_state(w, "State", status.get("state") or {})
            if get(status, "lastState", "terminated") is not None:
                _describe_state(w, "Last State", status["lastState"])
            w.write(LEVEL_2, f"Ready:\t{print_bool(status.get('ready'))}\n")
            w.write(LEVEL_2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        describe_resources(w, container.get("resources") or {}, LEVEL_2)
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                           ("Startup", "startupProbe")):
            if container.get(key) is not None:
                w.write(LEVEL_2, f"{title}:\t{describe_probe(container[key])}\n")
        if container.get("envFrom"):
            _describe_env_from(w, container)
        _describe_env(w, container, pod)
        _describe_mounts(w, container)


def _volume_source(w, volume: Mapping) -> None:
    if volume.get("hostPath") is not None:
        v = volume["hostPath"]
        w.write(LEVEL_2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{v.get('path', '')}\n"
                         f"    HostPathType:\t{v.get('type') if v.get('type') is not None else '<none>'}\n")
    elif volume.get("emptyDir") is not None:
        v = volume["emptyDir"]
        limit = v.get("sizeLimit")
        size = str(Quantity.parse(limit)) if limit is not None and Quantity.parse(limit).value > 0 else "<unset>"
        w.write(LEVEL_2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                         f"    Medium:\t{v.get('medium', '')}\n    SizeLimit:\t{size}\n")
    elif volume.get("secret") is not None:
        v = volume["secret"]
        w.write(LEVEL_2, f"Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{v.get('secretName', '')}\n"
                         f"    Optional:\t{go_str(bool(v.get('optional')))}\n")
    elif volume.get("configMap") is not None:
        v = volume["configMap"]
        w.write(LEVEL_2, f"Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{v.get('name', '')}\n"
                         f"    Optional:\t{go_str(bool(v.get('optional')))}\n")
    elif volume.get("nfs") is not None:
        v = volume["nfs"]
        w.write(LEVEL_2, f"Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{v.get('server', '')}\n"
                         f"    Path:\t{v.get('path', '')}\n    ReadOnly:\t{go_str(bool(v.get('readOnly')))}\n")
    elif volume.get("persistentVolumeClaim") is not None:
        v = volume["persistentVolumeClaim"]
        w.write(LEVEL_2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
                         f"namespace)\n    ClaimName:\t{v.get('claimName', '')}\n"
                         f"    ReadOnly:\t{go_str(bool(v.get('readOnly')))}\n")
    elif volume.get("downwardAPI") is not None:
        w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
        for item in volume["downwardAPI"].get("items") or []:
            if item.get("fieldRef") is not None:
                w.write(LEVEL_3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
            if item.get("resourceFieldRef") is not None:
                w.write(LEVEL_3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")
    elif volume.get("projected") is not None:
        w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
        for source in volume["projected"].get("sources") or []:
            if source.get("secret") is not None:
                s = source["secret"]
                w.write(LEVEL_2, f"SecretName:\t{s.get('name', '')}\n    SecretOptionalName:\t"
                                 f"{_go_bool_ptr(s.get('optional'))}\n")
            elif source.get("downwardAPI") is not None:
                w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
            elif source.get("configMap") is not None:
                s = source["configMap"]
                w.write(LEVEL_2, f"ConfigMapName:\t{s.get('name', '')}\n    ConfigMapOptional:\t"
                                 f"{_go_bool_ptr(s.get('optional'))}\n")
            elif source.get("serviceAccountToken") is not None:
                seconds = source["serviceAccountToken"].get("expirationSeconds", 3600)
                w.write(LEVEL_2, f"TokenExpirationSeconds:\t{seconds}\n")
    elif volume.get("csi") is not None:
        v = volume["csi"]
        w.write(LEVEL_2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                         f"    Driver:\t{v.get('driver', '')}\n    FSType:\t{v.get('fsType', '')}\n"
                         f"    ReadOnly:\t{go_str(bool(v.get('readOnly')))}\n")
        attrs = v.get("volumeAttributes") or {}
        w.write(LEVEL_0, "    VolumeAttributes:")
        if not attrs:
            w.write(LEVEL_0, "\t<none>\n")
        for i, key in enumerate(sorted(attrs)):
            w.write(LEVEL_0, f"\t{key}={attrs[key]}\n" if i == 0 else f"    \t{key}={attrs[key]}\n")
    elif volume.get("ephemeral") is not None:
        w.write(LEVEL_2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and "
                         "deleted with the pod)\n")
    else:
        w.write(LEVEL_1, "<unknown>\n")


def _go_bool_ptr(value) -> str:
    # %v of a *bool prints the pointer; kubectl shows an address or <nil>. We cannot match an address.
    return "<nil>" if value is None else f"0x{id(value):x}"


def describe_volumes(w, volumes: list | None, space: str) -> None:
    if not volumes:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for volume in volumes:
        w.write(LEVEL_1, f"{name_indent}{volume.get('name', '')}:\n")
        _volume_source(w, volume)


def describe_topology_spread(w, constraints: list | None, space: str) -> None:
    if not constraints:
        return
    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for i, c in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if i:
            w.write(LEVEL_0, space)
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{c.get('topologyKey', '')}:")
        w.write(LEVEL_0, str(c.get("whenUnsatisfiable", "")))
        w.write(LEVEL_0, f" when max skew {c.get('maxSkew', 0)} is exceeded")
        if c.get("labelSelector") is not None:
            w.write(LEVEL_0, f" for selector {format_label_selector(c['labelSelector'])}")
        w.write(LEVEL_0, "\n")


def describe_pod_template(w, template: Mapping | None) -> None:
    w.write(LEVEL_0, "Pod Template:\n")
    if template is None:
        w.write(LEVEL_1, "<unset>")
        return
    m = template.get("metadata") or {}
    spec = template.get("spec") or {}
    labels_multiline(w, "  Labels", m.get("labels"))
    if m.get("annotations"):
        annotations_multiline(w, "  Annotations", m["annotations"])
    if spec.get("serviceAccountName"):
        w.write(LEVEL_1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    describe_topology_spread(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.write(LEVEL_1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def _sum_resources(total: dict, values: Mapping | None) -> None:
    for name, text in (values or {}).items():
        if name not in _QOS_RESOURCES:
            continue
        q = Quantity.parse(text)
        if q.value > 0:
            total[name] = total[name] + q.value if name in total else q.value


def pod_qos(pod: Mapping) -> str:
    """qos.GetPodQOS: status.qosClass, else computed from the containers' requests and limits."""
    if get(pod, "status", "qosClass"):
        return pod["status"]["qosClass"]
    spec = pod.get("spec") or {}
    requests: dict = {}
    limits: dict = {}
    guaranteed = True
    groups = [spec["resources"]] if spec.get("resources") is not None else [
        c.get("resources") or {} for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]]
    for resources in groups:
        _sum_resources(requests, resources.get("requests"))
        _sum_resources(limits, resources.get("limits"))
        positive = {n for n, t in (resources.get("limits") or {}).items()
                    if n in _QOS_RESOURCES and Quantity.parse(t).value > 0}
        if not {"cpu", "memory"} <= positive:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(name in limits and limits[name] == value for name, value in requests.items()):
        if len(requests) == len(limits):
            return "Guaranteed"
    return "Burstable"


def describe_pod(pod: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m = meta(pod)
        spec = pod.get("spec") or {}
        status = pod.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        if spec.get("priority") is not None:
            w.write(LEVEL_0, f"Priority:\t{spec['priority']}\n")
        if spec.get("priorityClassName"):
            w.write(LEVEL_0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
        if spec.get("runtimeClassName"):
            w.write(LEVEL_0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
        if spec.get("serviceAccountName"):
            w.write(LEVEL_0, f"Service Account:\t{spec['serviceAccountName']}\n")
        if not spec.get("nodeName"):
            w.write(LEVEL_0, "Node:\t<none>\n")
        else:
            w.write(LEVEL_0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
        if status.get("startTime"):
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        phase = status.get("phase", "")
        if m.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(m['deletionTimestamp'], now)})\n")
            w.write(LEVEL_0, f"Termination Grace Period:\t{m.get('deletionGracePeriodSeconds', 0)}s\n")
        else:
            w.write(LEVEL_0, f"Status:\t{phase}\n")
        if status.get("reason"):
            w.write(LEVEL_0, f"Reason:\t{status['reason']}\n")
        if status.get("message"):
            w.write(LEVEL_0, f"Message:\t{status['message']}\n")
        seccomp = get(spec, "securityContext", "seccompProfile")
        if seccomp is not None:
            w.write(LEVEL_0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.write(LEVEL_0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
        w.write(LEVEL_0, f"IP:\t{status.get('podIP', '')}\n")
        ips = status.get("podIPs") or []
        if not ips:
            w.write(LEVEL_0, "IPs:\t<none>\n")
        else:
            w.write(LEVEL_0, "IPs:\n")
            for ip in ips:
                w.write(LEVEL_1, f"IP:\t{ip.get('ip', '')}\n")
        controller = controller_of(pod)
        if controller:
            w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
        if status.get("nominatedNodeName"):
            w.write(LEVEL_0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
        if spec.get("resources") is not None:
            w.write(LEVEL_0, "Resources:\n")
            describe_resources(w, spec["resources"], LEVEL_1)
        if spec.get("initContainers"):
            describe_containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"),
                                pod, "")
        describe_containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod, "")
        if spec.get("ephemeralContainers"):
            describe_containers(w, "Ephemeral Containers", spec["ephemeralContainers"],
                                status.get("ephemeralContainerStatuses"), pod, "")
        conditions = status.get("conditions") or []
        if spec.get("readinessGates"):
            w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
            for gate in spec["readinessGates"]:
                value = next((str(c.get("status", "")) for c in conditions
                              if c.get("type") == gate.get("conditionType")), "<none>")
                w.write(LEVEL_1, f"{gate.get('conditionType', '')} \t{value} \n")
        if conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
            for c in conditions:
                w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
        describe_volumes(w, spec.get("volumes"), "")
        w.write(LEVEL_0, f"QoS Class:\t{pod_qos(pod)}\n")
        labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
        tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
        describe_topology_spread(w, spec.get("topologySpreadConstraints"), "")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_missing_pod_events(name: str, error_text: str, events: list, now: datetime) -> str:
    """A pod that is gone but still has events: kubectl prints those instead of failing."""
    def render(w) -> None:
        w.write(LEVEL_0, f"Pod '{name}': error '{error_text}', but found events.\n")
        describe_events(w, events, now)

    return tabbed(render)
