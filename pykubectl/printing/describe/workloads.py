"""describe for workload controllers: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs
(and ReplicationControllers)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.pods import describe_pod_template
from pykubectl.printing.describe.quantity import Quantity
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    annotations_multiline,
    bool_ptr,
    controller_of,
    describe_events,
    format_label_selector,
    get,
    go_str,
    human_duration,
    labels_multiline,
    meta,
    parse_time,
    rfc1123z,
    tabbed,
)


def selector_string(selector: Mapping | None) -> str:
    """labels.Selector.String() of LabelSelectorAsSelector: '' for an empty or missing selector."""
    text = format_label_selector(selector)
    return "" if text == "<none>" else text


def format_labels(values: Mapping | None) -> str:
    """labels.FormatLabels: sorted k=v pairs, '<none>' when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((values or {}).items())) or "<none>"


def pod_counts(pods: list | None) -> tuple[int, int, int, int]:
    """getPodStatusForController: running, waiting (Pending), succeeded, failed."""
    phases = [get(p, "status", "phase", default="") for p in pods or []]
    return (phases.count("Running"), phases.count("Pending"), phases.count("Succeeded"), phases.count("Failed"))


def _pods_status(w, related: Mapping) -> None:
    running, waiting, succeeded, failed = pod_counts(related.get("pods"))
    w.write(LEVEL_0, f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n")


def _events(w, related: Mapping, now: datetime) -> None:
    if related.get("events") is not None:
        describe_events(w, related["events"], now)


def _conditions(w, conditions: list | None) -> None:
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(LEVEL_1, "----\t------\t------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def _int_or_string(value) -> str:
    return "" if value is None else go_str(value)


def describe_replica_set(rs: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec = meta(rs), rs.get("spec") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        controller = controller_of(rs)
        if controller:
            w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
        w.write(LEVEL_0, f"Replicas:\t{get(rs, 'status', 'replicas', default=0)} current / "
                         f"{spec.get('replicas', 1)} desired\n")
        w.write(LEVEL_0, "Pods Status:\t")
        if related.get("pods") is None and related.get("pods_error"):
            w.write(LEVEL_0, f"error in fetching pods: {related['pods_error']}\n")
        else:
            running, waiting, succeeded, failed = pod_counts(related.get("pods"))
            w.write(LEVEL_0, f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n")
        describe_pod_template(w, spec.get("template") or {})
        _conditions(w, get(rs, "status", "conditions"))
        _events(w, related, now)

    return tabbed(render)


def describe_replication_controller(rc: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec = meta(rc), rc.get("spec") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Replicas:\t{get(rc, 'status', 'replicas', default=0)} current / "
                         f"{spec.get('replicas', 1)} desired\n")
        _pods_status(w, related)
        describe_pod_template(w, spec.get("template"))
        _conditions(w, get(rc, "status", "conditions"))
        _events(w, related, now)

    return tabbed(render)


def _strip_empty(value):
    if isinstance(value, Mapping):
        out = {k: _strip_empty(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_strip_empty(v) for v in value]
    return value


def _template_key(template: Mapping | None) -> dict:
    copied = copy.deepcopy(dict(template or {}))
    labels = (copied.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop("pod-template-hash", None)
    return _strip_empty(copied)


def split_replica_sets(deployment: Mapping, replica_sets: list) -> tuple[list, list]:
    """deploymentutil.GetAllReplicaSets: the new one has the deployment's template (hash label aside),
    the oldest such first; every other owned ReplicaSet is old."""
    wanted = _template_key(get(deployment, "spec", "template"))
    by_age = sorted(replica_sets, key=lambda rs: (meta(rs).get("creationTimestamp", ""), meta(rs).get("name", "")))
    new = next((rs for rs in by_age if _template_key(get(rs, "spec", "template")) == wanted), None)
    old = [rs for rs in replica_sets if rs is not new]
    return old, [new] if new is not None else []


def _replica_sets_text(items: list) -> str:
    text = ", ".join(f"{meta(rs).get('name', '')} ({get(rs, 'status', 'replicas', default=0)}/"
                     f"{get(rs, 'spec', 'replicas', default=1)} replicas created)" for rs in items)
    return text or "<none>"


def describe_deployment(d: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(d), d.get("spec") or {}, d.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        w.write(LEVEL_0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
                         f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
                         f"{status.get('unavailableReplicas', 0)} unavailable\n")
        strategy = spec.get("strategy") or {}
        w.write(LEVEL_0, f"StrategyType:\t{strategy.get('type', '')}\n")
        w.write(LEVEL_0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
        if strategy.get("rollingUpdate") is not None:
            ru = strategy["rollingUpdate"]
            w.write(LEVEL_0, f"RollingUpdateStrategy:\t{_int_or_string(ru.get('maxUnavailable'))} max unavailable, "
                             f"{_int_or_string(ru.get('maxSurge'))} max surge\n")
        describe_pod_template(w, spec.get("template") or {})
        _conditions(w, status.get("conditions"))
        if related.get("replica_sets") is not None:
            old, new = split_replica_sets(d, related["replica_sets"])
            if old or new:
                w.write(LEVEL_0, f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
                w.write(LEVEL_0, f"NewReplicaSet:\t{_replica_sets_text(new)}\n")
        _events(w, related, now)

    return tabbed(render)


def _claim_class(pvc: Mapping) -> str:
    notes = meta(pvc).get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in notes:
        return notes["volume.beta.kubernetes.io/storage-class"]
    return get(pvc, "spec", "storageClassName", default="")


def describe_volume_claim_templates(w, templates: list | None) -> None:
    if not templates:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for pvc in templates:
        w.write(LEVEL_1, f"Name:\t{meta(pvc).get('name', '')}\n")
        w.write(LEVEL_1, f"StorageClass:\t{_claim_class(pvc)}\n")
        labels_multiline(w, "Labels", meta(pvc).get("labels"), initial_indent="  ")
        labels_multiline(w, "Annotations", meta(pvc).get("annotations"), initial_indent="  ")
        storage = get(pvc, "spec", "resources", "requests", "storage")
        w.write(LEVEL_1, f"Capacity:\t{Quantity.parse(storage) if storage is not None else '<default>'}\n")
        w.write(LEVEL_1, f"Access Modes:\t[{' '.join(get(pvc, 'spec', 'accessModes', default=[]))}]\n")


def describe_stateful_set(ss: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec = meta(ss), ss.get("spec") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Replicas:\t{spec.get('replicas', 1)} desired | {get(ss, 'status', 'replicas', default=0)} total\n")
        strategy = spec.get("updateStrategy") or {}
        w.write(LEVEL_0, f"Update Strategy:\t{strategy.get('type', '')}\n")
        ru = strategy.get("rollingUpdate")
        if ru is not None and ru.get("partition") is not None:
            w.write(LEVEL_1, f"Partition:\t{ru['partition']}\n")
            if ru.get("maxUnavailable") is not None:
                w.write(LEVEL_1, f"MaxUnavailable:\t{_int_or_string(ru['maxUnavailable'])}\n")
        _pods_status(w, related)
        describe_pod_template(w, spec.get("template") or {})
        describe_volume_claim_templates(w, spec.get("volumeClaimTemplates"))
        _events(w, related, now)

    return tabbed(render)


def describe_daemon_set(ds: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(ds), ds.get("spec") or {}, ds.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        w.write(LEVEL_0, f"Node-Selector:\t{format_labels(get(spec, 'template', 'spec', 'nodeSelector'))}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Desired Number of Nodes Scheduled: {status.get('desiredNumberScheduled', 0)}\n")
        w.write(LEVEL_0, f"Current Number of Nodes Scheduled: {status.get('currentNumberScheduled', 0)}\n")
        w.write(LEVEL_0, f"Number of Nodes Scheduled with Up-to-date Pods: {status.get('updatedNumberScheduled', 0)}\n")
        w.write(LEVEL_0, f"Number of Nodes Scheduled with Available Pods: {status.get('numberAvailable', 0)}\n")
        w.write(LEVEL_0, f"Number of Nodes Misscheduled: {status.get('numberMisscheduled', 0)}\n")
        _pods_status(w, related)
        describe_pod_template(w, spec.get("template") or {})
        _events(w, related, now)

    return tabbed(render)


def _cap_indexes(indexes: str, soft_limit: int = 50) -> str:
    if not indexes:
        return "<none>"
    ix = soft_limit
    while ix < len(indexes) and indexes[ix] != ",":
        ix += 1
    return indexes if ix >= len(indexes) else indexes[:ix + 1] + "..."


def describe_job(job: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(job), job.get("spec") or {}, job.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        controller = controller_of(job)
        if controller:
            w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
        if spec.get("parallelism") is not None:
            w.write(LEVEL_0, f"Parallelism:\t{spec['parallelism']}\n")
        if spec.get("completions") is not None:
            w.write(LEVEL_0, f"Completions:\t{spec['completions']}\n")
        else:
            w.write(LEVEL_0, "Completions:\t<unset>\n")
        if spec.get("completionMode") is not None:
            w.write(LEVEL_0, f"Completion Mode:\t{spec['completionMode']}\n")
        if spec.get("suspend") is not None:
            w.write(LEVEL_0, f"Suspend:\t{go_str(spec['suspend'])}\n")
        if spec.get("backoffLimit") is not None:
            w.write(LEVEL_0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
        if spec.get("ttlSecondsAfterFinished") is not None:
            w.write(LEVEL_0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
        if status.get("startTime"):
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
        if status.get("completionTime"):
            w.write(LEVEL_0, f"Completed At:\t{rfc1123z(status['completionTime'])}\n")
        if status.get("startTime") and status.get("completionTime"):
            took = parse_time(status["completionTime"]) - parse_time(status["startTime"])
            w.write(LEVEL_0, f"Duration:\t{human_duration(took.total_seconds())}\n")
        if spec.get("activeDeadlineSeconds") is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
        active, succeeded, failed = status.get("active", 0), status.get("succeeded", 0), status.get("failed", 0)
        if status.get("ready") is None:
            w.write(LEVEL_0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
        else:
            w.write(LEVEL_0, f"Pods Statuses:\t{active} Active ({status['ready']} Ready) / {succeeded} Succeeded / "
                             f"{failed} Failed\n")
        if spec.get("completionMode") == "Indexed":
            w.write(LEVEL_0, f"Completed Indexes:\t{_cap_indexes(status.get('completedIndexes', ''))}\n")
        describe_pod_template(w, spec.get("template") or {})
        _events(w, related, now)

    return tabbed(render)


def describe_cron_job(cj: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec, status = meta(cj), cj.get("spec") or {}, cj.get("status") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Schedule:\t{spec.get('schedule', '')}\n")
        w.write(LEVEL_0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
        suspend = spec.get("suspend")
        w.write(LEVEL_0, f"Suspend:\t{bool_ptr(suspend) if suspend is None else ('True' if suspend else 'False')}\n")
        for title, key in (("Successful Job History Limit", "successfulJobsHistoryLimit"),
                           ("Failed Job History Limit", "failedJobsHistoryLimit")):
            value = spec.get(key)
            w.write(LEVEL_0, f"{title}:\t{value if value is not None else '<unset>'}\n")
        deadline = spec.get("startingDeadlineSeconds")
        w.write(LEVEL_0, f"Starting Deadline Seconds:\t{f'{deadline}s' if deadline is not None else '<unset>'}\n")
        job_spec = get(spec, "jobTemplate", "spec", default={})
        if job_spec.get("selector") is not None:
            w.write(LEVEL_0, f"Selector:\t{selector_string(job_spec['selector'])}\n")
        else:
            w.write(LEVEL_0, "Selector:\t<unset>\n")
        for title, key in (("Parallelism", "parallelism"), ("Completions", "completions")):
            value = job_spec.get(key)
            w.write(LEVEL_0, f"{title}:\t{value if value is not None else '<unset>'}\n")
        if job_spec.get("activeDeadlineSeconds") is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{job_spec['activeDeadlineSeconds']}s\n")
        describe_pod_template(w, job_spec.get("template") or {})
        if status.get("lastScheduleTime"):
            w.write(LEVEL_0, f"Last Schedule Time:\t{rfc1123z(status['lastScheduleTime'])}\n")
        else:
            w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n")
        active = status.get("active") or []
        w.write(LEVEL_0, "Active Jobs:\t")
        if not active:
            w.line("<none>")
        else:
            w.write(LEVEL_0, ", ".join(j.get("name", "") for j in active))
            w.line("")
        _events(w, related, now)

    return tabbed(render)
