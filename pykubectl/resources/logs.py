"""Which log streams `kubectl logs` opens: kubectl's LogsForObject (polymorphichelpers) in Python.

API:

* `requests_for_object(client, obj, query, timeout, all_containers=False, all_pods=False, warn=None)
  -> list[LogRequest]`: for a Pod, its default container (the `kubectl.kubernetes.io/default-container`
  annotation, else the first container, with kubectl's `Defaulted container "a" out of: a, b (init)`
  notice on `warn`) or, with `all_containers`, every init, regular and ephemeral container in that
  order; for a PodList, each pod's; for a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
  ReplicationController, Service), the pods its selector matches, the first by kubectl's ByLogging order
  (`Found 3 pods, using pod/x`), or all of them with `all_pods`. With no pod yet, it watches for one for
  `timeout` seconds (kubectl's --pod-running-timeout). Errors are KubectlErrors in kubectl's words.
* `LogRequest(source, query)`; `LogSource(namespace, pod, container, field_path)` with `.prefix`, the
  `[pod/NAME/CONTAINER] ` that `--prefix` writes before each line.
* `selector_for_object(obj) -> (namespace, selector)`, `label_selector_string(label_selector)`: a
  workload's pod selector as labels.Selector.String() renders it.
* `sort_for_logging(pods)`: podutils.ByLogging (assigned, Running, ready longest, most restarts, oldest
  first), stable like Go's insertion sort for small lists.
* `all_container_names(pod)`, `find_container(pod, name) -> field path | None`.
* `parse_rfc3339(text) -> str`: kubectl's ParseRFC3339 for --since-time, as the UTC RFC 3339 text
  (seconds precision) metav1.Time puts in a query; Go's time.Parse error texts.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cmp_to_key
from typing import TYPE_CHECKING, TextIO

from pykubectl.client.logs import PodLogQuery
from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
POD_WAIT_TIMEOUT_MESSAGE = "timed out waiting for the condition"


@dataclass(frozen=True)
class LogSource:
    namespace: str
    pod: str
    container: str
    field_path: str  # spec.containers{NAME}, spec.initContainers{NAME} or spec.ephemeralContainers{NAME}

    @property
    def prefix(self) -> str:
        return f"[pod/{self.pod}/{self.container}] "


@dataclass(frozen=True)
class LogRequest:
    source: LogSource
    query: PodLogQuery


# ------------------------------------------------------------------------------------------------------
# Containers


def _names(pod: Mapping, key: str) -> list[str]:
    return [str((c or {}).get("name") or "") for c in ((pod.get("spec") or {}).get(key) or [])]


def all_container_names(pod: Mapping) -> str:
    """podcmd.AllContainerNames: containers, then ephemeral (ephem), then init (init)."""
    names = _names(pod, "containers")
    names += [f"{n} (ephem)" for n in _names(pod, "ephemeralContainers")]
    names += [f"{n} (init)" for n in _names(pod, "initContainers")]
    return ", ".join(names)


def find_container(pod: Mapping, name: str) -> str | None:
    """podcmd.FindContainerByName: the container's field path, or None."""
    for key in ("containers", "initContainers", "ephemeralContainers"):
        if name in _names(pod, key):
            return f"spec.{key}{{{name}}}"
    return None


# ------------------------------------------------------------------------------------------------------
# Selectors of workloads


def _requirement(key: str, op: str, values: list[str]) -> str:
    if op == "exists":
        return key
    if op == "!":
        return f"!{key}"
    if op == "=":
        return f"{key}={values[0]}"
    if op == "!=":
        return f"{key}!={values[0]}"
    shown = values[0] if len(values) == 1 else ",".join(sorted(values))
    return f"{key} {op} ({shown})"


def label_selector_string(selector: Mapping | None) -> str:
    """metav1.LabelSelectorAsSelector(selector).String(): requirements sorted by key."""
    if not selector:
        return ""
    requirements: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        requirements.append((str(key), _requirement(str(key), "=", [str(value)])))
    ops = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    for expression in selector.get("matchExpressions") or []:
        key, operator = str(expression.get("key") or ""), str(expression.get("operator") or "")
        if operator not in ops:
            raise KubectlError(f'invalid label selector: "{operator}" is not a valid label selector operator')
        values = [str(v) for v in expression.get("values") or []]
        requirements.append((key, _requirement(key, ops[operator], values)))
    requirements.sort(key=lambda r: r[0])
    return ",".join(text for _, text in requirements)


def _set_selector_string(labels: Mapping | None) -> str:
    """labels.SelectorFromSet(set).String()."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items()))


_SELECTOR_KINDS = {("apps", "ReplicaSet"), ("extensions", "ReplicaSet"), ("apps", "StatefulSet"),
                   ("apps", "DaemonSet"), ("extensions", "DaemonSet"), ("apps", "Deployment"),
                   ("extensions", "Deployment"), ("batch", "Job")}


def _group_version(obj: Mapping) -> tuple[str, str]:
    api_version = str(obj.get("apiVersion") or "")
    group, _, version = api_version.rpartition("/")
    return group, version


def go_type_name(obj: Mapping) -> str:
    """What Go's %T prints for the typed object kubectl's scheme decodes `obj` into."""
    group, version = _group_version(obj)
    kind = str(obj.get("kind") or "")
    if not group or "." not in group or group.endswith(".k8s.io"):
        return f"*{version}.{kind}"
    return "*unstructured.Unstructured"


def selector_for_object(obj: Mapping) -> tuple[str, str]:
    """polymorphichelpers.SelectorsForObject: the namespace and pod selector of a workload or service."""
    group, _ = _group_version(obj)
    kind = str(obj.get("kind") or "")
    metadata = obj.get("metadata") or {}
    namespace, spec = str(metadata.get("namespace") or ""), obj.get("spec") or {}
    if (group, kind) in _SELECTOR_KINDS:
        return namespace, label_selector_string(spec.get("selector"))
    if (group, kind) == ("", "ReplicationController"):
        return namespace, _set_selector_string(spec.get("selector"))
    if (group, kind) == ("", "Service"):
        if not spec.get("selector"):
            raise KubectlError(f"invalid service '{metadata.get('name', '')}': Service is defined without a selector")
        return namespace, _set_selector_string(spec.get("selector"))
    raise KubectlError(f"selector for {go_type_name(obj)} not implemented")


# ------------------------------------------------------------------------------------------------------
# Choosing the pod


def _parse_time(value) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _ready_time(pod: Mapping) -> float | None:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready" and condition.get("status") == "True":
            return _parse_time(condition.get("lastTransitionTime"))
    return None


def _is_ready(pod: Mapping) -> bool:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def _after_or_zero(t1: float | None, t2: float | None) -> bool:
    """podutils.afterOrZero: t1 after t2, a zero time counting as after any other."""
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _max_restarts(pod: Mapping) -> tuple[int, int]:
    status, spec = pod.get("status") or {}, pod.get("spec") or {}
    regular = max([int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or []], default=0)
    sidecars = {c.get("name") for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"}
    sidecar = max([int(c.get("restartCount") or 0) for c in status.get("initContainerStatuses") or []
                   if c.get("name") in sidecars], default=0)
    return regular, sidecar


_PHASE_RANK = {"Running": 0, "Unknown": 1, "Pending": 2}


def by_logging_less(a: Mapping, b: Mapping) -> bool:
    """podutils.ByLogging.Less."""
    node_a, node_b = (a.get("spec") or {}).get("nodeName") or "", (b.get("spec") or {}).get("nodeName") or ""
    if node_a != node_b and (not node_a or not node_b):
        return bool(node_a)
    rank_a = _PHASE_RANK.get((a.get("status") or {}).get("phase") or "", 0)
    rank_b = _PHASE_RANK.get((b.get("status") or {}).get("phase") or "", 0)
    if rank_a != rank_b:
        return rank_a < rank_b
    ready_a, ready_b = _is_ready(a), _is_ready(b)
    if ready_a != ready_b:
        return ready_a
    if ready_a and ready_b and _ready_time(a) != _ready_time(b):
        return _after_or_zero(_ready_time(b), _ready_time(a))
    restarts_a, restarts_b = _max_restarts(a), _max_restarts(b)
    if restarts_a[0] != restarts_b[0]:
        return restarts_a[0] > restarts_b[0]
    if restarts_a[1] != restarts_b[1]:
        return restarts_a[1] > restarts_b[1]
    created_a = _parse_time((a.get("metadata") or {}).get("creationTimestamp"))
    created_b = _parse_time((b.get("metadata") or {}).get("creationTimestamp"))
    if created_a != created_b:
        return _after_or_zero(created_b, created_a)
    return False


def sort_for_logging(pods: list[Mapping]) -> list[Mapping]:
    def compare(a, b) -> int:
        if by_logging_less(a, b):
            return -1
        return 1 if by_logging_less(b, a) else 0

    return sorted(pods, key=cmp_to_key(compare))


def get_pod_list(client: RestClient, namespace: str, selector: str, timeout: float,
                 clock: Callable[[], float] = time.monotonic) -> list[dict]:
    """polymorphichelpers.GetPodList: the matching pods, sorted; with none, wait for one to appear."""
    path = f"/api/v1/namespaces/{namespace}/pods"
    params = {"labelSelector": selector} if selector else {}
    listed = client.get_json(path, params or None)
    pods = [p for p in listed.get("items") or [] if isinstance(p, dict)]
    if pods:
        return [dict(p) for p in sort_for_logging(pods)]
    from pykubectl.client.watch import watch_once

    deadline = clock() + timeout
    rv = str((listed.get("metadata") or {}).get("resourceVersion") or "")
    while clock() < deadline:
        remaining = max(1, math.ceil(deadline - clock()))
        for event in watch_once(client, path, params, rv or None, timeout_seconds=remaining):
            if event.resource_version:
                rv = event.resource_version
            if event.type in ("ADDED", "MODIFIED"):
                return [event.object]
            if clock() >= deadline:
                break
    raise KubectlError(POD_WAIT_TIMEOUT_MESSAGE)


# ------------------------------------------------------------------------------------------------------
# LogsForObject


def _is_pod_list(obj: Mapping) -> bool:
    return str(obj.get("kind") or "") == "PodList" or (isinstance(obj.get("items"), list) and "spec" not in obj)


def requests_for_object(client: RestClient, obj: Mapping, query: PodLogQuery, timeout: float,
                        all_containers: bool = False, all_pods: bool = False,
                        warn: TextIO | None = None) -> list[LogRequest]:
    def notice(text: str) -> None:
        if warn is not None:
            warn.write(text)
            warn.flush()

    if _is_pod_list(obj):  # a list's items carry no kind of their own
        out: list[LogRequest] = []
        for pod in obj.get("items") or []:
            out += _pod_requests(pod, query, all_containers, all_pods, notice)
        return out
    if str(obj.get("kind") or "") == "Pod" and _group_version(obj)[0] == "":
        return _pod_requests(obj, query, all_containers, all_pods, notice)
    try:
        namespace, selector = selector_for_object(obj)
    except KubectlError as exc:
        raise KubectlError(f"cannot get the logs from {go_type_name(obj)}: {exc}") from None
    pods = get_pod_list(client, namespace, selector, timeout)
    targets = pods[:1]
    if len(pods) > 1:
        if all_pods:
            targets = get_pod_list(client, namespace, selector, timeout)
        else:
            notice(f"Found {len(pods)} pods, using pod/{(pods[0].get('metadata') or {}).get('name', '')}\n")
    return requests_for_object(client, {"kind": "PodList", "items": targets}, query, timeout, all_containers,
                               all_pods, warn)


def _pod_requests(pod: Mapping, query: PodLogQuery, all_containers: bool, all_pods: bool,
                  notice: Callable[[str], None]) -> list[LogRequest]:
    metadata = pod.get("metadata") or {}
    name, namespace = str(metadata.get("name") or ""), str(metadata.get("namespace") or "")
    if all_containers:
        out: list[LogRequest] = []
        for key in ("initContainers", "containers", "ephemeralContainers"):
            for container in _names(pod, key):
                out += _pod_requests(pod, query.with_container(container), False, False, notice)
        return out
    container = query.container
    annotations = metadata.get("annotations") or {}
    if not container and annotations.get(DEFAULT_CONTAINER_ANNOTATION):
        default = str(annotations[DEFAULT_CONTAINER_ANNOTATION])
        if find_container(pod, default) is None:
            notice(f'Default container name "{default}" not found in pod {name}\n')
        else:
            container = default
    if not container:
        containers = _names(pod, "containers")
        if not containers:
            raise KubectlError(f"pod {namespace}/{name} does not have any containers")
        container = containers[0]
        if (len(containers) > 1 or _names(pod, "initContainers") or _names(pod, "ephemeralContainers")) \
                and not all_pods:
            notice(f'Defaulted container "{container}" out of: {all_container_names(pod)}\n')
    field_path = find_container(pod, container)
    if field_path is None:
        raise KubectlError(f"container {container} is not valid for pod {name}")
    return [LogRequest(LogSource(namespace, name, container, field_path), query.with_container(container))]


# ------------------------------------------------------------------------------------------------------
# --since-time

_RFC3339 = "2006-01-02T15:04:05Z07:00"


class _TimeError(Exception):
    pass


def _go_quote(text: str) -> str:
    from pykubectl.client.status import go_quote

    return go_quote(text)


def parse_rfc3339(text: str) -> str:
    """util.ParseRFC3339: RFC3339Nano or RFC3339 (Go's time.Parse, so its error texts); the answer is what
    a metav1.Time becomes in a query: UTC, whole seconds, `Z`."""
    try:
        moment = _parse_rfc3339(text)
    except _TimeError as exc:
        raise KubectlError(str(exc)) from None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_rfc3339(value: str) -> datetime:
    whole = value
    layout_error = lambda element, rest: _TimeError(  # noqa: E731
        f"parsing time {_go_quote(whole)} as {_go_quote(_RFC3339)}: cannot parse {_go_quote(rest)} as "
        f"{_go_quote(element)}")
    range_error = lambda what: _TimeError(f"parsing time {_go_quote(whole)}: {what} out of range")  # noqa: E731

    def digits(rest: str, element: str, fixed: bool) -> tuple[int, str]:
        if not rest[:1].isdigit():
            raise layout_error(element, rest)
        if len(rest) >= 2 and rest[1].isdigit():
            return int(rest[:2]), rest[2:]
        if fixed:
            raise layout_error(element, rest)
        return int(rest[:1]), rest[1:]

    def literal(rest: str, lit: str, following: str) -> str:
        if not rest.startswith(lit):
            raise layout_error(lit, rest)
        return rest[len(lit):]

    rest = value
    if len(rest) < 4 or not rest[:4].isdigit():
        raise layout_error("2006", rest)
    year, rest = int(rest[:4]), rest[4:]
    rest = literal(rest, "-", "01")
    month, rest = digits(rest, "01", True)
    if not 1 <= month <= 12:
        raise range_error("month")
    rest = literal(rest, "-", "02")
    day, rest = digits(rest, "02", True)
    rest = literal(rest, "T", "15")
    hour, rest = digits(rest, "15", False)
    if hour > 23:
        raise range_error("hour")
    rest = literal(rest, ":", "04")
    minute, rest = digits(rest, "04", True)
    if minute > 59:
        raise range_error("minute")
    rest = literal(rest, ":", "05")
    second, rest = digits(rest, "05", True)
    if second > 59:
        raise range_error("second")
    micros = 0
    if len(rest) >= 2 and rest[0] in ".," and rest[1].isdigit():
        match = re.match(r"[.,](\d+)", rest)
        assert match is not None
        micros = int((match.group(1) + "000000")[:6])
        rest = rest[match.end():]
    if rest.startswith("Z"):
        tz, rest = UTC, rest[1:]
    else:
        if len(rest) < 6 or rest[0] not in "+-" or rest[3] != ":" or not (rest[1:3] + rest[4:6]).isdigit():
            raise layout_error("Z07:00", rest)
        offset = timedelta(hours=int(rest[1:3]), minutes=int(rest[4:6]))
        tz, rest = timezone(-offset if rest[0] == "-" else offset), rest[6:]
    if rest:
        raise _TimeError(f"parsing time {_go_quote(whole)}: extra text: {_go_quote(rest)}")
    try:
        return datetime(year, month, day, hour, minute, second, micros, tzinfo=tz)
    except ValueError:
        raise range_error("day") from None
