"""Job controller (pkg/controller/job): pods up to parallelism until completions, back-off, conditions.

Finished pods are counted once: the controller creates pods with the `batch.kubernetes.io/job-tracking`
finalizer and adds a pod to status.succeeded/failed when it removes that finalizer, as the real one does
(so counts survive pods being deleted afterwards).
"""

from __future__ import annotations

from . import _base as b

MANAGER = b.MANAGER

TRACKING = "batch.kubernetes.io/job-tracking"
INDEX = "batch.kubernetes.io/job-completion-index"
BACKOFF_BASE, BACKOFF_MAX = 10, 360


def _condition_true(job: dict, type_: str) -> bool:
    return any(c.get("type") == type_ and c.get("status") == "True"
               for c in (job.get("status") or {}).get("conditions") or [])


def finished(job: dict) -> bool:
    return _condition_true(job, "Complete") or _condition_true(job, "Failed")


class JobController:
    name = "job-controller"
    watches = (("batch", "jobs"), ("", "pods"))

    def __init__(self) -> None:
        self._not_before: dict[str, float] = {}

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if event.resource == "jobs":
            if event.type == "DELETED":
                self._not_before.pop(b.uid_of(obj), None)
                self._release_pods(cluster, obj)
                return
            self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        ref = b.controller_ref_of(obj)
        if ref is not None and ref.get("kind") == "Job":
            job = cluster.get("batch", "jobs", b.ns_of(obj), ref.get("name", ""))
            if job is None:
                if TRACKING in (b.meta(obj).get("finalizers") or []):
                    self._drop_finalizer(cluster, obj)
                return
            self.sync(cluster, b.ns_of(obj), ref.get("name", ""))

    # ------------------------------------------------------------------ sync
    def sync(self, cluster, namespace: str, name: str) -> None:
        job = cluster.get("batch", "jobs", namespace, name)
        if job is None:
            return
        spec = job.get("spec") or {}
        pods = [p for p in cluster.list("", "pods", namespace) if b.owned_by(p, job)]
        status = dict(job.get("status") or {})
        old_status = dict(status)
        events: list[tuple[str, str, str]] = []
        # Count finished pods once, releasing them.
        for pod in pods:
            phase = b.pod_phase(pod)
            if phase in ("Succeeded", "Failed") and TRACKING in (b.meta(pod).get("finalizers") or []):
                key = "succeeded" if phase == "Succeeded" else "failed"
                status[key] = int(status.get(key) or 0) + 1
                self._drop_finalizer(cluster, pod)
                if key == "failed":
                    self._backoff(cluster, job, int(status["failed"]))
        if b.deleting(job) or finished(job):
            self._write(cluster, job, status, old_status, events)
            return
        at = b.now(cluster)
        if not status.get("startTime") and not spec.get("suspend"):
            status["startTime"] = b.rfc3339(at)
            deadline = spec.get("activeDeadlineSeconds")
            if deadline:
                cluster.after(int(deadline), lambda: self.sync(cluster, namespace, name))
        active = [p for p in pods if b.pod_active(p)]
        terminating = [p for p in pods if b.deleting(p) and b.pod_phase(p) not in ("Succeeded", "Failed")]
        succeeded, failed = int(status.get("succeeded") or 0), int(status.get("failed") or 0)
        completions = spec.get("completions")
        parallelism = int(spec.get("parallelism", 1) if spec.get("parallelism") is not None else 1)
        conditions = list(status.get("conditions") or [])
        stamp = b.rfc3339(at)

        def cond(type_: str, reason: str, message: str) -> dict:
            return {"type": type_, "status": "True", "lastProbeTime": stamp, "lastTransitionTime": stamp,
                    "reason": reason, "message": message}

        failure = None
        if failed > int(spec.get("backoffLimit", 6)):
            failure = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
        elif spec.get("activeDeadlineSeconds") and status.get("startTime"):
            started = b.parse_time(status["startTime"])
            if started is not None and (at - started).total_seconds() >= int(spec["activeDeadlineSeconds"]):
                failure = ("DeadlineExceeded", "Job was active longer than specified deadline")
        complete = (succeeded >= int(completions) if completions is not None
                    else succeeded > 0 and not active)
        if failure is not None:
            for pod in active:
                cluster.delete("", "pods", namespace, b.name_of(pod))
            conditions.append(cond("FailureTarget", *failure))
            conditions.append(cond("Failed", *failure))
            events.append(("Warning", failure[0], failure[1]))
            active = []
        elif complete:
            conditions.append(cond("SuccessCriteriaMet", "CompletionsReached",
                                   "Reached expected number of succeeded pods"))
            conditions.append(cond("Complete", "CompletionsReached", "Reached expected number of succeeded pods"))
            status["completionTime"] = stamp
            events.append(("Normal", "Completed", "Job completed"))
        elif spec.get("suspend"):
            for pod in active:
                cluster.delete("", "pods", namespace, b.name_of(pod))
            active = []
        else:
            wanted = parallelism
            if completions is not None:
                wanted = min(parallelism, int(completions) - succeeded)
            elif succeeded > 0:
                wanted = 0
            missing = wanted - len(active)
            if missing > 0 and cluster.clock.now() >= self._not_before.get(b.uid_of(job), 0):
                indexed = spec.get("completionMode") == "Indexed"
                taken = {int((b.meta(p).get("annotations") or {}).get(INDEX, -1)) for p in pods
                         if b.pod_active(p) or b.pod_phase(p) == "Succeeded"}
                free = [i for i in range(int(completions or 0)) if i not in taken] if indexed else []
                for n in range(missing):
                    created = self._create_pod(cluster, job, free[n] if indexed and n < len(free) else None)
                    if created is not None:
                        active.append(created)
            elif missing < 0:
                for pod in sorted(active, key=b.deletion_rank)[:-missing]:
                    cluster.delete("", "pods", namespace, b.name_of(pod))
                active = sorted(active, key=b.deletion_rank)[-missing:]
        status["active"] = len(active)
        status["ready"] = sum(1 for p in active if b.pod_ready(p))
        status["terminating"] = len(terminating)
        status.setdefault("uncountedTerminatedPods", {})
        if not status["active"]:
            status.pop("active")
        if conditions:
            status["conditions"] = conditions
        self._write(cluster, job, status, old_status, events)

    def _write(self, cluster, job: dict, status: dict, old_status: dict, events: list) -> None:
        if status != old_status:
            def change(current: dict) -> None:
                current["status"] = status

            cluster.mutate("batch", "jobs", b.ns_of(job), b.name_of(job), change, status=True, manager=MANAGER)
        for type_, reason, message in events:
            cluster.record_event(job, type_, reason, message, self.name)

    def _backoff(self, cluster, job: dict, failures: int) -> None:
        delay = min(BACKOFF_BASE * 2 ** max(failures - 1, 0), BACKOFF_MAX)
        self._not_before[b.uid_of(job)] = cluster.clock.now() + delay
        namespace, name = b.ns_of(job), b.name_of(job)
        cluster.after(delay, lambda: self.sync(cluster, namespace, name))

    def _create_pod(self, cluster, job: dict, index: int | None) -> dict | None:
        spec = job.get("spec") or {}
        template = spec.get("template") or {}
        prefix = f"{b.name_of(job)}-" if index is None else f"{b.name_of(job)}-{index}-"
        pod = b.pod_from_template(template, b.owner_reference(job, "batch/v1", "Job"), b.ns_of(job),
                                  generate_name=prefix)
        pod["metadata"].setdefault("finalizers", []).append(TRACKING)
        if index is not None:
            pod["metadata"].setdefault("annotations", {})[INDEX] = str(index)
            pod["metadata"].setdefault("labels", {})[INDEX] = str(index)
            pod["spec"].setdefault("hostname", f"{b.name_of(job)}-{index}")
            for container in pod["spec"].get("containers") or []:
                container.setdefault("env", []).append({"name": "JOB_COMPLETION_INDEX", "valueFrom": {
                    "fieldRef": {"fieldPath": f"metadata.annotations['{INDEX}']"}}})
        try:
            created = cluster.create("", "pods", pod, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001
            message = (getattr(exc, "body", None) or {}).get("message", str(exc))
            cluster.record_event(job, "Warning", "FailedCreate", f"Error creating: {message}", self.name)
            return None
        cluster.record_event(job, "Normal", "SuccessfulCreate", f"Created pod: {b.name_of(created)}", self.name)
        return created

    def _drop_finalizer(self, cluster, pod: dict) -> None:
        def change(current: dict) -> None:
            kept = [f for f in current["metadata"].get("finalizers") or [] if f != TRACKING]
            if kept:
                current["metadata"]["finalizers"] = kept
            else:
                current["metadata"].pop("finalizers", None)

        cluster.mutate("", "pods", b.ns_of(pod), b.name_of(pod), change, manager=MANAGER)

    def _release_pods(self, cluster, job: dict) -> None:
        for pod in cluster.list("", "pods", b.ns_of(job)):
            ref = b.controller_ref_of(pod)
            if ref is not None and ref.get("uid") == b.uid_of(job) and TRACKING in (
                    b.meta(pod).get("finalizers") or []):
                self._drop_finalizer(cluster, pod)
