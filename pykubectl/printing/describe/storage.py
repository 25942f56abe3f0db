"""describe for storage: PersistentVolumes, PersistentVolumeClaims and StorageClasses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.pods import _volume_source
from pykubectl.printing.describe.quantity import Quantity
from pykubectl.printing.describe.workloads import format_labels
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    annotations_multiline,
    bool_ptr,
    describe_events,
    get,
    labels_multiline,
    meta,
    rfc1123z,
    since,
    tabbed,
)

_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP"))


def access_modes(modes: list | None) -> str:
    """storageutil.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order."""
    return ",".join(short for mode, short in _MODES if mode in (modes or []))


def storage_class_of(obj: Mapping) -> str:
    notes = meta(obj).get("annotations") or {}
    if _CLASS_ANNOTATION in notes:
        return notes[_CLASS_ANNOTATION]
    return get(obj, "spec", "storageClassName", default="")


def _go_list(values: list | None) -> str:
    return "[" + " ".join(str(v) for v in values or []) + "]"


def _quantity(value) -> str:
    return str(Quantity.parse(value)) if value is not None else "0"


def _node_selector_terms(w, level: int, title: str, expressions: list | None) -> None:
    w.write(level, f"{title}:\t")
    if not expressions:
        w.line("<none>")
        return
    for i, expr in enumerate(expressions):
        if i:
            w.write(level, "\t")
        values = ", ".join(expr.get("values") or [])
        if expr.get("operator") in ("In", "NotIn") or values:
            w.write(LEVEL_0, f"{expr.get('key', '')} {expr.get('operator', '')} [{values}]\n")
        else:
            w.write(LEVEL_0, f"{expr.get('key', '')} {expr.get('operator', '')}\n")


def describe_persistent_volume(pv: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec = meta(pv), pv.get("spec") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Finalizers:\t{_go_list(m.get('finalizers'))}\n")
        w.write(LEVEL_0, f"StorageClass:\t{storage_class_of(pv)}\n")
        if m.get("deletionTimestamp"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(m['deletionTimestamp'], now)})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{get(pv, 'status', 'phase', default='')}\n")
        claim = spec.get("claimRef")
        w.write(LEVEL_0, f"Claim:\t{claim.get('namespace', '') + '/' + claim.get('name', '') if claim else ''}\n")
        w.write(LEVEL_0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
        w.write(LEVEL_0, f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
        if spec.get("volumeMode") is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
        w.write(LEVEL_0, f"Capacity:\t{_quantity((spec.get('capacity') or {}).get('storage'))}\n")
        w.write(LEVEL_0, "Node Affinity:\t")
        required = get(spec, "nodeAffinity", "required")
        if required is None:
            w.line("<none>")
        else:
            w.line("")
            w.write(LEVEL_1, "Required Terms:\t")
            terms = required.get("nodeSelectorTerms") or []
            if not terms:
                w.line("<none>")
            else:
                w.line("")
                for i, term in enumerate(terms):
                    _node_selector_terms(w, LEVEL_2, f"Term {i}", term.get("matchExpressions"))
        w.write(LEVEL_0, f"Message:\t{get(pv, 'status', 'message', default='')}\n")
        w.write(LEVEL_0, "Source:\n")
        if spec.get("local") is not None:
            local = spec["local"]
            w.write(LEVEL_2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
                             f"    Path:\t{local.get('path', '')}\n")
        elif any(spec.get(k) is not None for k in ("hostPath", "nfs", "csi")):
            if spec.get("csi") is not None:
                csi = spec["csi"]
                w.write(LEVEL_2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                                 f"    Driver:\t{csi.get('driver', '')}\n    FSType:\t{csi.get('fsType', '')}\n"
                                 f"    VolumeHandle:\t{csi.get('volumeHandle', '')}\n"
                                 f"    ReadOnly:\t{'true' if csi.get('readOnly') else 'false'}\n")
            else:
                _volume_source(w, spec)
        else:
            w.write(LEVEL_1, "<unknown>\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_persistent_volume_claim(pvc: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(pvc), pvc.get("spec") or {}, pvc.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        w.write(LEVEL_0, f"StorageClass:\t{storage_class_of(pvc)}\n")
        if m.get("deletionTimestamp"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(m['deletionTimestamp'], now)})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{status.get('phase', '')}\n")
        w.write(LEVEL_0, f"Volume:\t{spec.get('volumeName', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Finalizers:\t{_go_list(m.get('finalizers'))}\n")
        capacity, modes = "", ""
        if spec.get("volumeName"):
            modes = access_modes(status.get("accessModes"))
            capacity = _quantity((status.get("capacity") or {}).get("storage"))
        w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
        w.write(LEVEL_0, f"Access Modes:\t{modes}\n")
        if spec.get("volumeMode") is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
        source = spec.get("dataSource")
        if source is not None:
            w.write(LEVEL_0, "DataSource:\n")
            if source.get("apiGroup") is not None:
                w.write(LEVEL_1, f"APIGroup:\t{source['apiGroup']}\n")
            w.write(LEVEL_1, f"Kind:\t{source.get('kind', '')}\n")
            w.write(LEVEL_1, f"Name:\t{source.get('name', '')}\n")
        pods = sorted(meta(p).get("name", "") for p in related.get("pods") or [])
        w.write(LEVEL_0, "Used By:\t")
        if not pods:
            w.line("<none>")
        for i, name in enumerate(pods):
            if i:
                w.write(LEVEL_0, "\t")
            w.write(LEVEL_0, f"{name}\n")
        conditions = status.get("conditions") or []
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} \t"
                                 f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                                 f"{c.get('message', '')}\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_storage_class(sc: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m = meta(sc)
        notes = m.get("annotations") or {}
        default = "Yes" if "true" in (notes.get("storageclass.kubernetes.io/is-default-class"),
                                      notes.get("storageclass.beta.kubernetes.io/is-default-class")) else "No"
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"IsDefaultClass:\t{default}\n")
        w.write(LEVEL_0, f"Annotations:\t{format_labels(notes)}\n")
        w.write(LEVEL_0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
        w.write(LEVEL_0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
        allow = sc.get("allowVolumeExpansion")
        w.write(LEVEL_0, f"AllowVolumeExpansion:\t{bool_ptr(allow) if allow is None else ('True' if allow else 'False')}\n")
        options = sc.get("mountOptions") or []
        if not options:
            w.write(LEVEL_0, "MountOptions:\t<none>\n")
        else:
            w.write(LEVEL_0, "MountOptions:\n")
            for option in options:
                w.write(LEVEL_1, f"{option}\n")
        if sc.get("reclaimPolicy") is not None:
            w.write(LEVEL_0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
        if sc.get("volumeBindingMode") is not None:
            w.write(LEVEL_0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
        topologies = sc.get("allowedTopologies")
        if topologies is not None:
            w.write(LEVEL_0, "AllowedTopologies:\t")
            if not topologies:
                w.line("<none>")
            else:
                w.line("")
                for i, term in enumerate(topologies):
                    exprs = term.get("matchLabelExpressions") or []
                    w.write(LEVEL_1, f"Term {i}:\t")
                    if not exprs:
                        w.line("<none>")
                    for j, expr in enumerate(exprs):
                        if j:
                            w.write(LEVEL_1, "\t")
                        w.write(LEVEL_0, f"{expr.get('key', '')} in [{', '.join(expr.get('values') or [])}]\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)
