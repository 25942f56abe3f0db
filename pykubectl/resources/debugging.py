"""What `run --attach` and `debug` do after they created something: wait for it, attach, fall back to logs;
and how `debug` builds its ephemeral container, its pod copy and its node pod (kubectl pkg/cmd/run, pkg/cmd/debug).

API:

* `wait_for_pod(client, namespace, name, timeout, condition) -> dict`: kubectl's waitForPod: list and watch the
  one pod (fieldSelector metadata.name) until `condition(pod)` is true (it may raise `PodCompleted`); a deleted
  pod is `pods "" not found`; a timeout (0 = none) is `timed out waiting for the condition`.
* `running_and_ready(pod)`, `completed(pod)`, `succeeded(pod)`: run's exit conditions.
* `container_started(name, warn=None)`: debug's waitForContainer condition (running or terminated; a waiting
  message goes to `warn`).
* `attach_or_logs(client, streams, pod, container, stdin, tty, quiet, command_name)`: kubectl's
  AttachOptions.Run with the pod already known, and when it fails `warning: couldn't attach to pod/NAME,
  falling back to streaming logs: ERR` then the container's logs.
* `print_logs(client, out, pod, container)`: the container's whole log to `out` (logOpts).
* `container_status(pod, name)`: a status among init, regular and ephemeral container statuses.
* `random_suffix(n)`: utilrand.String (bcdfghjklmnpqrstvwxz2456789).
* `Profile` rules: `apply_profile(profile, pod, container, style, keep)` with style "ephemeral", "podCopy" or
  "node"; `PROFILES`.
* `ephemeral_debug_pod(pod, spec) -> (copy, container)`, `pod_copy(pod, spec) -> (copy, container name)`,
  `node_debug_pod(node, spec, name) -> pod`, built from a `DebugSpec`.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from pykubectl.errors import KubectlError, NotFound

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

PROMPT_HINT = "If you don't see a command prompt, try pressing enter.\n"
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


class PodCompleted(KubectlError):
    """ErrPodCompleted: the pod ran to completion while run waited for it to be running."""

    def __init__(self) -> None:
        super().__init__("pod ran to completion")


def random_suffix(n: int) -> str:
    return "".join(random.choice(_ALPHANUMS) for _ in range(n))


# ------------------------------------------------------------------------------------------------ waiting


def _phase(pod: Mapping) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def running_and_ready(pod: Mapping) -> bool:
    phase = _phase(pod)
    if phase in ("Failed", "Succeeded"):
        raise PodCompleted()
    if phase == "Running":
        return any(c.get("type") == "Ready" and c.get("status") == "True"
                   for c in (pod.get("status") or {}).get("conditions") or [])
    return False


def completed(pod: Mapping) -> bool:
    return _phase(pod) in ("Failed", "Succeeded")


def succeeded(pod: Mapping) -> bool:
    return _phase(pod) == "Succeeded"


def container_status(pod: Mapping, name: str) -> dict | None:
    status = pod.get("status") or {}
    for key in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for item in status.get(key) or []:
            if item.get("name") == name:
                return item
    return None


def container_started(name: str, warn: Callable[[str], None] | None = None) -> Callable[[Mapping], bool]:
    def check(pod: Mapping) -> bool:
        status = container_status(pod, name)
        if status is None:
            return False
        state = status.get("state") or {}
        if "running" in state or "terminated" in state:
            return True
        message = (state.get("waiting") or {}).get("message") or ""
        if warn is not None and message:
            warn(f"container {name}: {message}")
        return False

    return check


def _pods_gone() -> NotFound:
    return NotFound({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": 'pods "" not found',
                     "reason": "NotFound", "details": {"kind": "pods"}, "code": 404}, 404)


def wait_for_pod(client: RestClient, namespace: str, name: str, timeout: float,
                 condition: Callable[[Mapping], bool]) -> dict:
    from pykubectl.resources.waiting import WAIT_TIMEOUT, Deadline, WaitTarget, WaitTimeout, watch_object

    deadline = Deadline(timeout if timeout > 0 else -1)
    target = WaitTarget(f"/api/v1/namespaces/{namespace}/pods", name, f"pods/{name}", "pods")

    def missing() -> None:  # UntilWithSync's precondition is nil: an absent pod is waited for
        return None

    try:
        for pod in watch_object(client, target, deadline, on_missing=missing):
            if pod is None:
                raise _pods_gone()
            if condition(pod):
                return pod
    except WaitTimeout:
        raise KubectlError(WAIT_TIMEOUT) from None
    raise KubectlError(WAIT_TIMEOUT)


# ------------------------------------------------------------------------------------------------ attach and logs


def print_logs(client: RestClient, out: TextIO, pod: Mapping, container: str) -> None:
    from pykubectl.client.channels import binary_writer
    from pykubectl.client.logs import PodLogQuery, iter_log_lines

    metadata = pod.get("metadata") or {}
    write = binary_writer(out)
    for line in iter_log_lines(client, metadata.get("namespace", ""), metadata.get("name", ""),
                               PodLogQuery(container=container)):
        write(line)
    out.flush()


def attach_or_logs(client: RestClient, streams, pod: Mapping, container: str, stdin: bool, tty: bool, quiet: bool,
                   command_name: str) -> None:
    """handleAttachPod's tail: attach (kubectl attach's Run with the pod known), or the logs when that fails."""
    from pykubectl.resources.attachable import container_for

    name = (pod.get("metadata") or {}).get("name", "")
    try:
        _attach(client, streams, pod, container, stdin, tty, quiet, command_name)
    except KubectlError as exc:
        if getattr(exc, "exit_code", 1) == 130:
            raise
        streams.err.write(f"warning: couldn't attach to pod/{name}, falling back to streaming logs: {exc}\n")
        streams.err.flush()
        chosen = container_for(pod, container, quiet, streams.err)
        print_logs(client, streams.out, pod, chosen.get("name", ""))


def _attach(client: RestClient, streams, pod: Mapping, container: str, stdin: bool, tty: bool, quiet: bool,
            command_name: str) -> None:
    from pykubectl.resources.attachable import container_for, remote_session

    try:
        chosen = container_for(pod, container, quiet, streams.err)
    except KubectlError as exc:
        raise KubectlError(f"cannot attach to the container: {exc}") from None
    name = chosen.get("name", "")
    if tty and not chosen.get("tty"):
        tty = False
        if not quiet:
            streams.err.write(f"error: Unable to use a TTY - container {name} did not allocate one\n")
    elif not tty and chosen.get("tty"):
        tty = True

    def announce(raw: bool) -> None:
        if not quiet:
            streams.err.write(PROMPT_HINT)
            streams.err.flush()

    raw = remote_session(client, streams, pod, "attach", name, (), stdin, tty, quiet, nudge=True, announce=announce)
    spec = pod.get("spec") or {}
    if quiet or not stdin or not raw or spec.get("restartPolicy") != "Always":
        return
    pod_name = (pod.get("metadata") or {}).get("name", "")
    if any(c.get("name") == name for c in spec.get("ephemeralContainers") or []):
        streams.out.write(f"Session ended, the ephemeral container will not be restarted but may be reattached "
                          f"using '{command_name} {pod_name} -c {name} -i -t' if it is still running\n")
    else:
        streams.out.write(f"Session ended, resume using '{command_name} {pod_name} -c {name} -i -t' command when "
                          "the pod is running\n")


# ------------------------------------------------------------------------------------------------ debug pods

PROFILES = ("legacy", "general", "baseline", "restricted", "netadmin", "sysadmin")


@dataclass(frozen=True)
class Keep:
    labels: bool = False
    annotations: bool = False
    liveness: bool = False
    readiness: bool = False
    startup: bool = False
    init_containers: bool = True


@dataclass(frozen=True)
class DebugSpec:
    """What the flags ask of the debug container."""

    image: str = ""
    container: str = ""
    args: tuple[str, ...] = ()
    args_only: bool = False
    env: tuple[tuple[str, str], ...] = ()
    pull_policy: str = ""
    stdin: bool = False
    tty: bool = False
    target: str = ""
    profile: str = "legacy"
    keep: Keep = field(default_factory=Keep)
    set_images: tuple[tuple[str, str], ...] = ()
    copy_to: str = ""
    same_node: bool = False
    share_processes: bool | None = None  # None: the flag was not given
    custom: dict | None = None


def container_names(pod: Mapping) -> set[str]:
    spec = pod.get("spec") or {}
    return {c.get("name") for key in ("containers", "initContainers", "ephemeralContainers")
            for c in spec.get(key) or []}


def debug_container_name(pod: Mapping, spec: DebugSpec, announce: Callable[[str], None] | None) -> str:
    """computeDebugContainerName: -c, else a free debugger-xxxxx (announced unless quiet)."""
    if spec.container:
        return spec.container
    taken = container_names(pod)
    name = ""
    while not name or name in taken:
        name = f"debugger-{random_suffix(5)}"
    if announce is not None:
        announce(f"Defaulting debug container name to {name}.\n")
    return name


def _env(spec: DebugSpec) -> list[dict]:
    return [{"name": k, "value": v} for k, v in spec.env]


def _visit(pod: dict, name: str, keys=("initContainers", "containers", "ephemeralContainers")) -> dict | None:
    for key in keys:
        for c in (pod.get("spec") or {}).get(key) or []:
            if c.get("name") == name:
                return c
    return None


def _security(c: dict) -> dict:
    if not isinstance(c.get("securityContext"), dict):
        c["securityContext"] = {}
    return c["securityContext"]


def _add_capability(c: dict, capability: str) -> None:
    caps = _security(c).setdefault("capabilities", {})
    caps["add"] = [*(caps.get("add") or []), capability]


def _on(pod: dict, name: str, action: Callable[[dict], None]) -> None:
    c = _visit(pod, name)
    if c is not None:
        action(c)


def _mount_root(pod: dict, name: str) -> None:
    spec = pod.setdefault("spec", {})
    spec["volumes"] = [*(spec.get("volumes") or []), {"name": "host-root", "hostPath": {"path": "/"}}]
    c = _visit(pod, name, ("containers",))
    if c is not None:
        c["volumeMounts"] = [*(c.get("volumeMounts") or []), {"name": "host-root", "mountPath": "/host"}]


def _host_namespaces(pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    spec["hostNetwork"] = True
    spec["hostPID"] = True
    spec["hostIPC"] = True


def _share_processes(pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    if spec.get("shareProcessNamespace") is None:
        spec["shareProcessNamespace"] = True


def _clear_security(c: dict) -> None:
    c.pop("securityContext", None)


def _remove_for_copy(pod: dict, keep: Keep) -> None:
    metadata = pod.setdefault("metadata", {})
    if not keep.labels:
        metadata.pop("labels", None)
    if not keep.annotations:
        metadata.pop("annotations", None)
    for c in (pod.get("spec") or {}).get("containers") or []:
        if not keep.liveness:
            c.pop("livenessProbe", None)
        if not keep.readiness:
            c.pop("readinessProbe", None)
        if not keep.startup:
            c.pop("startupProbe", None)
    if not keep.init_containers:
        (pod.get("spec") or {}).pop("initContainers", None)


def apply_profile(profile: str, pod: dict, name: str, style: str, keep: Keep) -> None:
    """profiles.go: each profile's Apply for the ephemeral, podCopy and node styles."""
    if profile == "legacy":
        if style == "node":
            _mount_root(pod, name)
            _host_namespaces(pod)
        elif style == "podCopy":
            (pod.get("metadata") or {}).pop("labels", None)
        return
    if profile == "general":
        if style == "node":
            _mount_root(pod, name)
            _on(pod, name, _clear_security)
            _host_namespaces(pod)
        elif style == "podCopy":
            _remove_for_copy(pod, keep)
            _on(pod, name, lambda c: _add_capability(c, "SYS_PTRACE"))
            _share_processes(pod)
        else:
            _on(pod, name, lambda c: _add_capability(c, "SYS_PTRACE"))
        return
    if profile == "baseline":
        _on(pod, name, _clear_security)
    elif profile == "restricted":
        def restrict(c: dict) -> None:
            c.pop("securityContext", None)
            _security(c)["runAsNonRoot"] = True
            caps = _security(c).setdefault("capabilities", {})
            caps["drop"] = ["ALL"]
            caps.pop("add", None)
            _security(c)["allowPrivilegeEscalation"] = False
            _security(c)["seccompProfile"] = {"type": "RuntimeDefault"}

        _on(pod, name, restrict)
    elif profile == "netadmin":
        _on(pod, name, lambda c: (_add_capability(c, "NET_ADMIN"), _add_capability(c, "NET_RAW")))
        if style == "node":
            _host_namespaces(pod)
    elif profile == "sysadmin":
        _on(pod, name, lambda c: _security(c).__setitem__("privileged", True))
        if style == "node":
            _host_namespaces(pod)
            _mount_root(pod, name)
    if style == "podCopy":
        _remove_for_copy(pod, keep)
        _share_processes(pod)


_MERGE_KEYS = {"env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath", "ports": "containerPort",
               "resizePolicy": "resourceName"}


def _merge(original, patch, key: str = ""):
    """A strategic merge of a corev1.Container: maps merge, keyed lists merge by their key, the rest is replaced."""
    if isinstance(original, dict) and isinstance(patch, dict):
        merged = dict(original)
        for k, v in patch.items():
            if v is None:
                merged.pop(k, None)
            elif k in merged:
                merged[k] = _merge(merged[k], v, k)
            else:
                merged[k] = v
        return merged
    merge_key = _MERGE_KEYS.get(key)
    if merge_key and isinstance(original, list) and isinstance(patch, list):
        merged_list = [dict(item) if isinstance(item, dict) else item for item in original]
        for item in patch:
            if not isinstance(item, dict):
                merged_list.append(item)
                continue
            for index, existing in enumerate(merged_list):
                if isinstance(existing, dict) and existing.get(merge_key) == item.get(merge_key):
                    merged_list[index] = _merge(existing, item)
                    break
            else:
                merged_list.append(item)
        return merged_list
    return patch


def _apply_custom(container: dict, custom: dict | None) -> dict:
    """applyCustomProfile: the --custom partial container merged into the debug container."""
    if not custom:
        return container
    return _merge(container, {**custom, "name": container.get("name")})


def _command(container: dict, spec: DebugSpec) -> None:
    if spec.args:
        container["args" if spec.args_only else "command"] = list(spec.args)


def ephemeral_debug_pod(pod: Mapping, spec: DebugSpec,
                        announce: Callable[[str], None] | None) -> tuple[dict, dict]:
    """generateDebugContainer: the pod with the new ephemeral container appended, and that container."""
    name = debug_container_name(pod, spec, announce)
    container: dict = {"name": name, "image": spec.image}
    _command(container, spec)
    if spec.env:
        container["env"] = _env(spec)
    container["resources"] = {}
    container["terminationMessagePolicy"] = "File"
    if spec.pull_policy:
        container["imagePullPolicy"] = spec.pull_policy
    if spec.stdin:
        container["stdin"] = True
    if spec.tty:
        container["tty"] = True
    if spec.target:
        container["targetContainerName"] = spec.target
    copied = copy.deepcopy(dict(pod))
    copied_spec = copied.setdefault("spec", {})
    copied_spec["ephemeralContainers"] = [*(copied_spec.get("ephemeralContainers") or []), container]
    apply_profile(spec.profile, copied, name, "ephemeral", spec.keep)
    last = copied_spec["ephemeralContainers"][-1]
    if spec.custom:
        last = copied_spec["ephemeralContainers"][-1] = _apply_custom(last, spec.custom)
    return copied, last


def pod_copy(pod: Mapping, spec: DebugSpec, announce: Callable[[str], None] | None) -> tuple[dict, str]:
    """generatePodCopyWithDebugContainer: the copy to create and the container to attach to ("" for none)."""
    metadata = pod.get("metadata") or {}
    new_meta: dict = {"name": spec.copy_to, "namespace": metadata.get("namespace", "")}
    if metadata.get("labels"):
        new_meta["labels"] = dict(metadata["labels"])
    if metadata.get("annotations"):
        new_meta["annotations"] = dict(metadata["annotations"])
    new_spec = copy.deepcopy(dict(pod.get("spec") or {}))
    new_spec.pop("ephemeralContainers", None)
    if spec.share_processes is not None:
        new_spec["shareProcessNamespace"] = spec.share_processes
    if not spec.same_node:
        new_spec.pop("nodeName", None)
    images = dict(spec.set_images)
    for c in new_spec.get("containers") or []:
        override = images.get(c.get("name"), images.get("*", ""))
        if override:
            c["image"] = override
    copied = {"apiVersion": "v1", "kind": "Pod", "metadata": new_meta, "spec": new_spec}
    name = spec.container
    container = _visit(copied, name) if name else None
    if container is None:
        if not spec.image:
            if spec.set_images:
                return copied, ""
            raise KubectlError("you must specify image when creating new container")
        if not name:
            name = debug_container_name(copied, spec, announce)
        container = {"name": name, "terminationMessagePolicy": "File"}
        new_spec["containers"] = [*(new_spec.get("containers") or []), container]
    if spec.args:
        if spec.args_only:
            container["args"] = list(spec.args)
        else:
            container["command"] = list(spec.args)
            container.pop("args", None)
    if spec.env:
        container["env"] = _env(spec)
    if spec.image:
        container["image"] = spec.image
    if spec.pull_policy:
        container["imagePullPolicy"] = spec.pull_policy
    _set_flag(container, "stdin", spec.stdin)
    _set_flag(container, "tty", spec.tty)
    apply_profile(spec.profile, copied, container["name"], "podCopy", spec.keep)
    if spec.custom:
        for index, c in enumerate(new_spec.get("containers") or []):
            if c.get("name") == name:
                new_spec["containers"][index] = _apply_custom(c, spec.custom)
    return copied, name


def _set_flag(container: dict, key: str, value: bool) -> None:
    if value:
        container[key] = True
    else:
        container.pop(key, None)


def node_debug_pod(node: Mapping, spec: DebugSpec, pod_name: str) -> dict:
    """generateNodeDebugPod: a pod on the node, in its host namespaces (per profile), restartPolicy Never."""
    name = spec.container or "debugger"
    container: dict = {"name": name, "image": spec.image}
    _command(container, spec)
    if spec.env:
        container["env"] = _env(spec)
    container["resources"] = {}
    container["terminationMessagePolicy"] = "File"
    if spec.pull_policy:
        container["imagePullPolicy"] = spec.pull_policy
    if spec.stdin:
        container["stdin"] = True
    if spec.tty:
        container["tty"] = True
    node_name = (node.get("metadata") or {}).get("name", "")
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": pod_name},
           "spec": {"containers": [container], "restartPolicy": "Never", "nodeName": node_name,
                    "tolerations": [{"operator": "Exists"}]}}
    apply_profile(spec.profile, pod, name, "node", spec.keep)
    if spec.custom:
        pod["spec"]["containers"][0] = _apply_custom(pod["spec"]["containers"][0], spec.custom)
    return pod
