"""Which pod and container `exec` and `attach` talk to: kubectl's AttachablePodForObject and podcmd in Python.

API:

* `attachable_pod(client, obj, timeout) -> dict`: a Pod is itself; a workload or Service (anything
  `resources.logs.selector_for_object` knows) gives the most active pod its selector matches (kubectl's
  GetFirstPod with `sort.Reverse(ActivePods)`: assigned, Running, ready, not deleting, ready longest, most
  restarts, oldest), waiting up to `timeout` seconds for one to appear.
* `container_for(pod, name, quiet, warn) -> str`: podcmd.FindOrDefaultContainerByName: the named container,
  else the `kubectl.kubernetes.io/default-container` annotation, else the first container, with kubectl's
  `Defaulted container "a" out of: a, b` notice on `warn` (unless `quiet`) when there was a choice.
* `find_container(pod, name) -> dict | None` (containers, init containers, ephemeral containers).
* `remote_session(client, streams, pod, subresource, container, command, stdin, tty, quiet, nudge=False,
  announce=None) -> bool`: kubectl's SetupTTY and one exec/attach websocket session: `tty` needs `stdin` and
  a terminal on it (else kubectl's "Unable to use a TTY" notice), the terminal is raw while the session lasts
  and restored whatever happens, its size goes on the resize channel (`nudge`: first one bigger, as attach
  does to make the remote program redraw). `announce(raw)` runs just before connecting. Returns whether the
  terminal was raw. Raises RemoteExitError with the remote exit code.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cmp_to_key
from typing import TYPE_CHECKING, TextIO

from pykubectl.errors import KubectlError
from pykubectl.resources.logs import (
    _after_or_zero,
    _is_ready,
    _max_restarts,
    _parse_time,
    _ready_time,
    all_container_names,
    get_pod_list,
    go_type_name,
    selector_for_object,
)

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
_ACTIVE_PHASE = {"Pending": 0, "Unknown": 1, "Running": 2}


def _deleting(pod: Mapping) -> float | None:
    return _parse_time((pod.get("metadata") or {}).get("deletionTimestamp"))


def active_less(a: Mapping, b: Mapping) -> bool:
    """podutils.ActivePods.Less: the less active pod is smaller."""
    node_a, node_b = (a.get("spec") or {}).get("nodeName") or "", (b.get("spec") or {}).get("nodeName") or ""
    if node_a != node_b and (not node_a or not node_b):
        return not node_a
    phase_a = _ACTIVE_PHASE.get((a.get("status") or {}).get("phase") or "", 0)
    phase_b = _ACTIVE_PHASE.get((b.get("status") or {}).get("phase") or "", 0)
    if phase_a != phase_b:
        return phase_a < phase_b
    ready_a, ready_b = _is_ready(a), _is_ready(b)
    if ready_a != ready_b:
        return not ready_a
    deleting_a, deleting_b = _deleting(a), _deleting(b)
    if (deleting_a is not None) != (deleting_b is not None):
        return deleting_a is not None
    if deleting_a is not None and deleting_b is not None and deleting_a != deleting_b:
        return deleting_a < deleting_b
    if ready_a and ready_b and _ready_time(a) != _ready_time(b):
        return _after_or_zero(_ready_time(a), _ready_time(b))
    restarts_a, restarts_b = _max_restarts(a), _max_restarts(b)
    if restarts_a[0] != restarts_b[0]:
        return restarts_a[0] > restarts_b[0]
    if restarts_a[1] != restarts_b[1]:
        return restarts_a[1] > restarts_b[1]
    created_a = _parse_time((a.get("metadata") or {}).get("creationTimestamp"))
    created_b = _parse_time((b.get("metadata") or {}).get("creationTimestamp"))
    if created_a != created_b:
        return _after_or_zero(created_a, created_b)
    return False


def most_active_first(pods: list[Mapping]) -> list[Mapping]:
    def compare(a, b) -> int:  # sort.Reverse(ActivePods): b < a puts a first
        if active_less(b, a):
            return -1
        return 1 if active_less(a, b) else 0

    return sorted(pods, key=cmp_to_key(compare))


def attachable_pod(client: RestClient, obj: Mapping, timeout: float) -> dict:
    if str(obj.get("kind") or "") == "Pod":
        return dict(obj)
    try:
        namespace, selector = selector_for_object(obj)
    except KubectlError as exc:
        raise KubectlError(f"cannot attach to {go_type_name(obj)}: {exc}") from None
    pods = get_pod_list(client, namespace, selector, timeout)
    return dict(most_active_first(pods)[0]) if len(pods) > 1 else dict(pods[0])


def find_container(pod: Mapping, name: str) -> dict | None:
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            if (container or {}).get("name") == name:
                return dict(container)
    return None


def container_for(pod: Mapping, name: str, quiet: bool, warn: TextIO | None) -> dict:
    metadata, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    containers = spec.get("containers") or []
    if not containers:
        raise KubectlError(f"pod {metadata.get('namespace', '')}/{metadata.get('name', '')} does not have any "
                           "containers")
    if not name:  # kubectl 1.32: an annotation naming no container is passed over silently
        default = str((metadata.get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION) or "")
        if default and find_container(pod, default) is not None:
            return find_container(pod, default) or {}
    if name:
        found = find_container(pod, name)
        if found is None:
            raise KubectlError(f"container {name} not found in pod {metadata.get('name', '')}")
        return found
    first = dict(containers[0])
    if not quiet and warn is not None and (len(containers) > 1 or spec.get("initContainers")
                                           or spec.get("ephemeralContainers")):
        warn.write(f'Defaulted container "{first.get("name", "")}" out of: {all_container_names(pod)}\n')
        warn.flush()
    return first


def remote_session(client: RestClient, streams, pod: Mapping, subresource: str, container: str,
                   command: tuple[str, ...] | list[str], stdin: bool, tty: bool, quiet: bool, nudge: bool = False,
                   announce=None) -> bool:
    from pykubectl import streams_tty
    from pykubectl.client import channels

    stdin_fd = _fileno(streams.stdin) if stdin else None
    raw = False
    if stdin and tty:
        if streams_tty.is_terminal(stdin_fd):
            raw = True
        elif not quiet:
            streams.err.write("Unable to use a TTY - input is not a terminal or the right kind of file\n")
            streams.err.flush()
    params: list[tuple[str, object]] = [("command", list(command))] if command else []
    params.append(("container", container))
    if stdin:
        params.append(("stdin", "true"))
    params.append(("stdout", "true"))
    if not raw:
        params.append(("stderr", "true"))
    else:
        params.append(("tty", "true"))
    metadata = pod.get("metadata") or {}
    path = f"/api/v1/namespaces/{metadata.get('namespace', '')}/pods/{metadata.get('name', '')}/{subresource}"
    if announce is not None:
        announce(raw)
    conn = channels.connect(client, path, params)
    if not raw:
        channels.stream(conn, stdin=streams.stdin if stdin else None, stdout=streams.out, stderr=streams.err)
        return False
    monitor = streams_tty.SizeMonitor(stdin_fd)
    sizes = _nudged(monitor) if nudge else monitor
    try:
        with streams_tty.raw_terminal(stdin_fd):
            channels.stream(conn, stdin=stdin_fd, stdout=streams.out, stderr=None, tty=True, sizes=sizes)
    finally:
        monitor.stop()
    return True


def _nudged(sizes):
    first = True
    for width, height in sizes:
        if first:
            first = False
            yield width + 1, height + 1
        yield width, height


def _fileno(stream) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
