"""CronJob controller (pkg/controller/cronjob): Jobs on a cron schedule, evaluated on the cluster clock.

Each tick (and each `Clock.advance`) finds the most recent scheduled time after lastScheduleTime (or the
CronJob's creation) that is not in the future, and starts `<cronjob>-<scheduled minutes since the epoch>`,
honouring suspend, startingDeadlineSeconds and concurrencyPolicy. Finished Jobs leave status.active and
are pruned to the history limits.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo

from . import _base as b

MANAGER = b.MANAGER

SCHEDULED = "batch.kubernetes.io/cronjob-scheduled-timestamp"
_DESCRIPTORS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
_MONTHS = {name: i + 1 for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {name: i for i, name in enumerate("sun mon tue wed thu fri sat".split())}
MAX_MISSED = 100


class ScheduleError(ValueError):
    pass


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step <= 0:
                raise ScheduleError(f"step of range should be a positive number: {text}")
        if part in ("*", "?"):
            start, end = low, high
        else:
            bounds = part.split("-", 1)
            lookup = [names.get(x.lower(), None) if names else None for x in bounds]
            nums = [lookup[i] if lookup[i] is not None else int(bounds[i]) for i in range(len(bounds))]
            start = nums[0]
            end = nums[1] if len(nums) > 1 else (high if step != 1 else start)
        if start < low or end > high or start > end:
            raise ScheduleError(f"value out of range: {text}")
        values.update(range(start, end + 1, step))
    return values


class Schedule:
    """A standard five-field cron schedule (robfig/cron's ParseStandard) in a time zone."""

    def __init__(self, text: str, zone: str | None = None):
        text = text.strip()
        if text.startswith(("TZ=", "CRON_TZ=")):
            prefix, _, text = text.partition(" ")
            zone = prefix.split("=", 1)[1]
        self.zone = zoneinfo.ZoneInfo(zone) if zone else _dt.UTC
        text = _DESCRIPTORS.get(text, text)
        fields = text.split()
        if len(fields) != 5:
            raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: {text}")
        try:
            self.minutes = _field(fields[0], 0, 59)
            self.hours = _field(fields[1], 0, 23)
            self.days = _field(fields[2], 1, 31)
            self.months = _field(fields[3], 1, 12, _MONTHS)
            dow = _field(fields[4], 0, 7, _DAYS)
        except ValueError as exc:
            raise ScheduleError(str(exc)) from None
        self.weekdays = {d % 7 for d in dow}
        self.any_day = fields[2] in ("*", "?")
        self.any_weekday = fields[4] in ("*", "?")

    def _day_matches(self, moment: _dt.datetime) -> bool:
        dom = moment.day in self.days
        dow = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return dom and dow
        return dom or dow

    def next(self, after: _dt.datetime) -> _dt.datetime:
        """The first scheduled time strictly after `after`."""
        t = after.astimezone(self.zone).replace(second=0, microsecond=0) + _dt.timedelta(minutes=1)
        limit = t + _dt.timedelta(days=366 * 5)
        while t < limit:
            if t.month not in self.months:
                year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
                t = t.replace(year=year, month=month, day=1, hour=0, minute=0)
                continue
            if not self._day_matches(t):
                t = (t + _dt.timedelta(days=1)).replace(hour=0, minute=0)
                continue
            if t.hour not in self.hours:
                t = (t + _dt.timedelta(hours=1)).replace(minute=0)
                continue
            if t.minute not in self.minutes:
                t = t + _dt.timedelta(minutes=1)
                continue
            return t.astimezone(_dt.UTC)
        raise ScheduleError("no time matches the schedule")


def _job_finished(job: dict) -> str | None:
    for cond in (job.get("status") or {}).get("conditions") or []:
        if cond.get("type") in ("Complete", "Failed") and cond.get("status") == "True":
            return cond["type"]
    return None


class CronJobController:
    name = "cronjob-controller"
    watches = (("batch", "cronjobs"), ("batch", "jobs"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if event.resource == "cronjobs":
            if event.type != "DELETED":
                self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        ref = b.controller_ref_of(obj)
        if ref is not None and ref.get("kind") == "CronJob":
            self.sync(cluster, b.ns_of(obj), ref.get("name", ""))

    def tick(self, cluster) -> None:
        for cj in cluster.list("batch", "cronjobs"):
            self.sync(cluster, b.ns_of(cj), b.name_of(cj))

    def sync(self, cluster, namespace: str, name: str) -> None:
        cj = cluster.get("batch", "cronjobs", namespace, name)
        if cj is None or b.deleting(cj):
            return
        spec = cj.get("spec") or {}
        status = dict(cj.get("status") or {})
        old_status = dict(status)
        jobs = [j for j in cluster.list("batch", "jobs", namespace) if b.owned_by(j, cj)]
        active_refs = []
        for job in jobs:
            outcome = _job_finished(job)
            known = next((r for r in status.get("active") or [] if r.get("uid") == b.uid_of(job)), None)
            was_active = known is not None
            if outcome is None:
                active_refs.append(known or self._ref(job))
            elif was_active:
                cluster.record_event(cj, "Normal", "SawCompletedJob",
                                     f"Saw completed job: {b.name_of(job)}, condition: {outcome}", self.name)
                if outcome == "Complete":
                    done = (job.get("status") or {}).get("completionTime")
                    if done and (status.get("lastSuccessfulTime") or "") < done:
                        status["lastSuccessfulTime"] = done
        self._prune(cluster, cj, jobs)
        now = b.now(cluster)
        try:
            schedule = Schedule(spec.get("schedule", ""), spec.get("timeZone"))
        except (ScheduleError, zoneinfo.ZoneInfoNotFoundError) as exc:
            cluster.record_event(cj, "Warning", "UnparseableSchedule",
                                 f"unparseable schedule: {spec.get('schedule', '')!r} : {exc}", self.name)
            self._write(cluster, cj, status, old_status, active_refs)
            return
        if not spec.get("suspend"):
            earliest = b.parse_time(status.get("lastScheduleTime")) or b.parse_time(
                b.meta(cj).get("creationTimestamp")) or now
            scheduled, missed = None, 0
            moment = earliest
            while True:
                nxt = schedule.next(moment)
                if nxt > now:
                    break
                scheduled, moment, missed = nxt, nxt, missed + 1
                if missed > MAX_MISSED * 10:
                    break
            if missed > MAX_MISSED:
                cluster.record_event(cj, "Warning", "TooManyMissedTimes",
                                     "too many missed start times. Set or decrease .spec.startingDeadlineSeconds "
                                     "or check clock skew", self.name)
            deadline = spec.get("startingDeadlineSeconds")
            if scheduled is not None and deadline is not None and (now - scheduled).total_seconds() > int(deadline):
                cluster.record_event(cj, "Warning", "MissSchedule",
                                     f"Missed scheduled time to start a job: {b.rfc3339(scheduled)}", self.name)
                scheduled = None
            if scheduled is not None:
                policy = spec.get("concurrencyPolicy", "Allow")
                if policy == "Forbid" and active_refs:
                    cluster.record_event(cj, "Normal", "JobAlreadyActive",
                                         "Not starting job because prior execution is running and concurrency "
                                         "policy is Forbid", self.name)
                else:
                    if policy == "Replace":
                        for ref in active_refs:
                            cluster.delete("batch", "jobs", namespace, ref["name"], propagation="Background")
                            cluster.record_event(cj, "Normal", "SuccessfulDelete", f"Deleted job {ref['name']}",
                                                 self.name)
                        active_refs = []
                    job = self._start(cluster, cj, scheduled, schedule)
                    if job is not None:
                        active_refs.append(self._ref(job))
                    status["lastScheduleTime"] = b.rfc3339(scheduled)
        self._write(cluster, cj, status, old_status, active_refs)

    @staticmethod
    def _ref(job: dict) -> dict:
        return {"apiVersion": "batch/v1", "kind": "Job", "name": b.name_of(job), "namespace": b.ns_of(job),
                "resourceVersion": b.meta(job).get("resourceVersion"), "uid": b.uid_of(job)}

    def _start(self, cluster, cj: dict, scheduled: _dt.datetime, schedule: Schedule) -> dict | None:
        template = (cj.get("spec") or {}).get("jobTemplate") or {}
        tmeta = template.get("metadata") or {}
        name = f"{b.name_of(cj)}-{int(scheduled.timestamp()) // 60}"
        annotations = dict(tmeta.get("annotations") or {})
        annotations[SCHEDULED] = scheduled.astimezone(schedule.zone).isoformat().replace("+00:00", "Z")
        job = {"apiVersion": "batch/v1", "kind": "Job",
               "metadata": {"name": name, "namespace": b.ns_of(cj), "annotations": annotations,
                            "ownerReferences": [b.owner_reference(cj, "batch/v1", "CronJob")]},
               "spec": dict(template.get("spec") or {})}
        if tmeta.get("labels"):
            job["metadata"]["labels"] = dict(tmeta["labels"])
        try:
            created = cluster.create("batch", "jobs", job, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001
            if getattr(exc, "code", None) == 409:
                return cluster.get("batch", "jobs", b.ns_of(cj), name)
            message = (getattr(exc, "body", None) or {}).get("message", str(exc))
            cluster.record_event(cj, "Warning", "FailedCreate", f"Error creating job: {message}", self.name)
            return None
        cluster.record_event(cj, "Normal", "SuccessfulCreate", f"Created job {name}", self.name)
        return created

    def _prune(self, cluster, cj: dict, jobs: list[dict]) -> None:
        spec = cj.get("spec") or {}
        for outcome, key, default in (("Complete", "successfulJobsHistoryLimit", 3),
                                      ("Failed", "failedJobsHistoryLimit", 1)):
            limit = spec.get(key, default)
            if limit is None:
                continue
            done = sorted((j for j in jobs if _job_finished(j) == outcome and not b.deleting(j)),
                          key=lambda j: (j.get("status") or {}).get("startTime") or "")
            for job in done[:max(len(done) - int(limit), 0)]:
                if cluster.delete("batch", "jobs", b.ns_of(job), b.name_of(job), propagation="Background") is not None:
                    cluster.record_event(cj, "Normal", "SuccessfulDelete", f"Deleted job {b.name_of(job)}", self.name)

    def _write(self, cluster, cj: dict, status: dict, old_status: dict, active_refs: list[dict]) -> None:
        if active_refs:
            status["active"] = active_refs
        else:
            status.pop("active", None)
        if status == old_status:
            return

        def change(current: dict) -> None:
            current["status"] = status

        cluster.mutate("batch", "cronjobs", b.ns_of(cj), b.name_of(cj), change, status=True, manager=MANAGER)
