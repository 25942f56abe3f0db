"""Waiting for one object: a condition, a predicate over the object, its creation or its deletion.

This is kubectl wait's engine (pkg/cmd/wait): a GET or a list filtered to `metadata.name=NAME`, then a
watch from the list's resourceVersion, opened again when the server ends it, until the predicate holds
or the shared deadline passes. It is shared by `wait`, `rollout status` (through `watch_object`) and
can serve `delete --wait` (resources/deleting.py keeps its own loop for now; `wait_deleted` here is the
same algorithm with kubectl wait's messages).

API:

* `Deadline(timeout)`: one deadline for every object of a run; a negative timeout is a week (kubectl's
  168h); zero means "check once".
* `WaitTarget(collection_path, name, label)`: `label` is kubectl's `info.ObjectName()`,
  `deployments/web`, used in `timed out waiting for the condition on deployments/web` and
  `condition not met for deployments/web`.
* `condition_check(name, status) -> Check`: status.conditions[type=name].status equals status
  (case-folded), honouring observedGeneration as kubectl does.
* `wait_until(client, target, check, deadline) -> dict`: the object once `check(obj)` is true.
* `wait_deleted(client, target, deadline, uid="") -> dict | None`: None when it was already gone.
* `wait_created(client, path, deadline) -> None`: polls GET every two seconds (kubectl's --for=create).
* `watch_object(client, target, deadline)`: yields the object on each change (list, then watch),
  raising `WaitTimeout` at the deadline. Used by rollout status.

Errors carry kubectl's text: `WaitTimeout("timed out waiting for the condition on deployments/web")`,
`ConditionNotMet("condition not met for deployments/web")`, the apiserver's NotFound when the object
disappears before its condition is met.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pykubectl.errors import ApiError, KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

Check = Callable[[dict], bool]
WEEK = 168 * 3600.0
WAIT_TIMEOUT = "timed out waiting for the condition"


class WaitTimeout(KubectlError):
    """wait.ErrWaitTimeout, possibly extended with ` on RESOURCE/NAME`."""


class ConditionNotMet(KubectlError):
    """A zero --timeout found the object but not the condition."""


@dataclass
class Deadline:
    timeout: float
    clock: Callable[[], float] = time.monotonic
    start: float = field(default=0.0)

    def __post_init__(self) -> None:
        if self.timeout < 0:
            self.timeout = WEEK
        self.start = self.clock()

    @property
    def once(self) -> bool:
        return self.timeout == 0

    def remaining(self) -> float:
        return self.start + self.timeout - self.clock()


@dataclass(frozen=True)
class WaitTarget:
    collection_path: str
    name: str
    label: str  # deployments/web
    group_resource: str = ""  # deployments.apps, for the NotFound of an object that went away

    @property
    def path(self) -> str:
        return f"{self.collection_path}/{self.name}"


def _nested_int(obj, *keys) -> int | None:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj if isinstance(obj, int) and not isinstance(obj, bool) else None


def condition_check(name: str, status: str) -> Check:
    """kubectl's ConditionalWait.checkCondition."""

    def check(obj: dict) -> bool:
        conditions = (obj.get("status") or {}).get("conditions") if isinstance(obj.get("status"), dict) else None
        if not isinstance(conditions, list):
            return False
        for condition in conditions:
            if not isinstance(condition, dict):
                continue
            kind, value = condition.get("type"), condition.get("status")
            if not isinstance(kind, str) or kind.casefold() != name.casefold() or not isinstance(value, str):
                continue
            generation = _nested_int(obj, "metadata", "generation")
            if generation is not None:
                observed = _nested_int(condition, "observedGeneration")
                if observed is None:
                    observed = _nested_int(obj, "status", "observedGeneration")
                if observed is not None and observed < generation:
                    return False
            return value.casefold() == status.casefold()
        return False

    return check


def _not_found(exc: Exception) -> bool:
    return isinstance(exc, ApiError) and (exc.code == 404 or exc.reason == "NotFound")


def _list_one(client: RestClient, target: WaitTarget) -> tuple[dict | None, str]:
    answer = client.get_json(target.collection_path, {"fieldSelector": f"metadata.name={target.name}"},
                             discovery=False)
    rv = str((answer.get("metadata") or {}).get("resourceVersion") or "")
    for item in answer.get("items") or []:
        if (item.get("metadata") or {}).get("name") == target.name:
            return item, rv
    return None, rv


def _events(client: RestClient, target: WaitTarget, rv: str, deadline: Deadline):
    """Watch events for the one object until the deadline; yields None when the stream ended and a
    fresh list is needed (410 Gone or a stream the server closed)."""
    from pykubectl.client.watch import BOOKMARK, watch_once
    from pykubectl.errors import Expired

    seconds = max(1, math.ceil(deadline.remaining()))
    try:
        for event in watch_once(client, target.collection_path, {"fieldSelector": f"metadata.name={target.name}"},
                                rv or None, bookmarks=True, timeout_seconds=seconds):
            if event.type == BOOKMARK:
                continue
            yield event
    except Expired:
        pass
    yield None


def watch_object(client: RestClient, target: WaitTarget, deadline: Deadline,
                 on_missing: Callable[[], None] | None = None) -> Iterator[dict | None]:
    """The object as listed, then on every watch event (None after a DELETED event) until the deadline.

    `on_missing` is called when a (re)list finds no object; by default that is the apiserver's NotFound."""
    first = True
    while True:
        if not first and deadline.remaining() <= 0:
            raise WaitTimeout(f"{WAIT_TIMEOUT} on {target.label}")
        first = False
        obj, rv = _list_one(client, target)
        if obj is None:
            if on_missing is None:
                raise not_found_error(target)
            on_missing()
        else:
            yield obj
        while deadline.remaining() > 0:
            relist = False
            for event in _events(client, target, rv, deadline):
                if event is None:
                    relist = True
                    break
                if event.resource_version:
                    rv = event.resource_version
                yield None if event.type == "DELETED" else event.object
                if deadline.remaining() <= 0:
                    break
            if relist:
                break
        else:
            raise WaitTimeout(f"{WAIT_TIMEOUT} on {target.label}")


def not_found_error(target: WaitTarget) -> ApiError:
    from pykubectl.errors import NotFound

    message = f'{target.group_resource} "{target.name}" not found'
    return NotFound({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message,
                     "reason": "NotFound", "code": 404}, 404)


def wait_until(client: RestClient, target: WaitTarget, check: Check, deadline: Deadline) -> dict:
    """getObjAndCheckCondition: the object once check(obj) holds."""
    if deadline.once:
        obj = client.get_json(target.path, discovery=False)
        if not check(obj):
            raise ConditionNotMet(f"condition not met for {target.label}")
        return obj
    if deadline.remaining() < 0:
        raise WaitTimeout(f"{WAIT_TIMEOUT} on {target.label}")

    for obj in watch_object(client, target, deadline):
        if obj is not None and check(obj):
            return obj
    raise WaitTimeout(f"{WAIT_TIMEOUT} on {target.label}")  # pragma: no cover - watch_object raises first


def wait_deleted(client: RestClient, target: WaitTarget, deadline: Deadline, uid: str = "") -> dict | None:
    """kubectl wait's IsDeleted: None when the object was already gone, else the object last seen."""
    try:
        live = client.get_json(target.path, discovery=False)
    except ApiError as exc:
        if _not_found(exc):
            return None
        raise
    if uid and (live.get("metadata") or {}).get("uid") != uid:
        return live
    if deadline.once:
        raise ConditionNotMet(f"condition not met for {target.label}")
    if deadline.remaining() < 0:
        raise WaitTimeout(f"{WAIT_TIMEOUT} on {target.label}")

    class _Gone(Exception):
        pass

    def gone() -> None:
        raise _Gone

    try:
        for obj in watch_object(client, target, deadline, on_missing=gone):
            if obj is None:
                return live
    except _Gone:
        return live
    raise WaitTimeout(f"{WAIT_TIMEOUT} on {target.label}")  # pragma: no cover


def wait_created(client: RestClient, path: str, deadline: Deadline, interval: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
    """kubectl's --for=create: GET every two seconds until the object exists."""
    while True:
        try:
            client.get_json(path, discovery=False)
            return
        except ApiError as exc:
            if not _not_found(exc):
                raise
        remaining = deadline.remaining()
        if remaining <= 0:
            raise WaitTimeout(WAIT_TIMEOUT)
        sleep(min(interval, remaining))
