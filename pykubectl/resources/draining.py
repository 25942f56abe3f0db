"""What cordon, uncordon and drain share (kubectl pkg/drain and pkg/cmd/drain): the nodes to act on, the cordon
patch, which pods a drain may remove, and their eviction or deletion.

API:

* `select_nodes(session, names, selector, chunk_size) -> list[dict]`: the builder of `drain NODE...` / `-l`
  (not continue-on-error: the first failure is raised and nothing is changed).
* `cordon(session, nodes, desired, dry_run)`: RunCordonOrUncordon: `node/x cordoned`, `... already cordoned`;
  a failed patch is reported on stderr and the next node is tried.
* `Drainer(session, DrainSettings)`: `.pods_for_deletion(node) -> PodDeleteList`, `.delete_or_evict(pods)`.
* `PodDeleteList.pods()`, `.warnings()`, `.errors()`: the filters' verdicts in kubectl's words.
* `valid_label_selector(text)`: whether labels.Parse accepts it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from pykubectl.errors import AggregateError, ApiError, KubectlError

DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"  # 1.32's doubled words
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
EVICT_RETRY_DELAY = 5.0
POLL_INTERVAL = 1.0

OKAY, SKIP, WARNING, ERROR = "Okay", "Skip", "Warning", "Error"


# -- nodes ------------------------------------------------------------------------------------------------


def select_nodes(session, names, selector: str, chunk_size: int = 500) -> list[dict]:
    """ResourceNames("nodes", names...) plus -l over nodes; every object must be a node."""
    from pykubectl.resources.fetching import items_of

    if not names and not selector:  # `-l ''`: the builder has nothing to visit
        raise KubectlError("You must provide one or more resources by argument or filename.\n"
                           "Example resource specifications include:\n"
                           "   '-f rsrc.yaml'\n"
                           "   '--filename=rsrc.json'\n"
                           "   '<resource> <name>'\n"
                           "   '<resource>'")
    client = session.client
    nodes: list[dict] = []
    node_type = session.mapper.resource_for("nodes")
    tuples = []
    for name in names:
        if "/" in name:
            parts = name.split("/")
            if len(parts) > 2:
                raise KubectlError("arguments in resource/name form may not have more than one slash")
            resource, object_name = parts
            if not resource or not object_name:
                raise KubectlError("arguments in resource/name form must have a single resource and name")
            tuples.append((session.mapper.resource_for(resource), object_name))
        else:
            tuples.append((node_type, name))
    if len({(mapping.group, mapping.plural) for mapping, _ in tuples}) > 1:  # SingleResourceType
        raise KubectlError("you may only specify a single resource type")
    for mapping, name in tuples:
        namespace = session.namespace if mapping.namespaced else None
        obj = client.get_json(mapping.object_path(name, namespace))
        if (mapping.group, mapping.plural) != ("", "nodes"):
            from pykubectl.errors import PlainError  # the message carries its own `error: `

            raise PlainError(f'error: expected resource of type node, got "{mapping.group}/{mapping.version}, '
                             f'Resource={mapping.plural}"')
        nodes.append(obj)
    if selector:
        params = {"labelSelector": selector}
        for page in client.list_pages(node_type.collection_path(None), params, chunk_size=chunk_size):
            for obj in items_of(page):
                nodes.append({"apiVersion": "v1", "kind": "Node", **obj} if not obj.get("kind") else obj)
    return nodes


def node_name(node: dict) -> str:
    return str((node.get("metadata") or {}).get("name") or "")


def _name_line(kind: str, name: str, operation: str) -> str:
    return f"{kind}/{name} {operation}\n"


def cordon(session, nodes: list[dict], desired: bool, dry_run: str, suffix: str) -> None:
    out, err = session.streams.out, session.streams.err
    verb = "cordon" if desired else "uncordon"
    for node in nodes:
        name = node_name(node)
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            out.write(_name_line("node", name, f"already {verb}ed{suffix}"))
            out.flush()
            continue
        if dry_run != "client":
            params = {"dryRun": "All"} if dry_run == "server" else None
            try:
                session.client.request_json(
                    "PATCH", f"/api/v1/nodes/{name}", params, json={"spec": {"unschedulable": True if desired else None}},
                    headers={"Content-Type": "application/strategic-merge-patch+json"})
            except KubectlError as exc:
                err.write(f'error: unable to {verb} node "{name}": {exc}\n')
                err.flush()
                continue
        node.setdefault("spec", {})["unschedulable"] = desired  # the 1.32 helper changes the object it printed
        out.write(_name_line("node", name, f"{verb}ed{suffix}"))
        out.flush()


# -- pods a drain removes -----------------------------------------------------------------------------------


@dataclass
class PodDelete:
    pod: dict
    delete: bool
    reason: str = OKAY
    message: str = ""


@dataclass
class PodDeleteList:
    items: list[PodDelete] = field(default_factory=list)

    def pods(self) -> list[dict]:
        return [item.pod for item in self.items if item.delete]

    def _grouped(self, reason: str) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}  # kubectl ranges over a Go map here: its order varies from run to run
        for item in self.items:
            if item.reason == reason:
                message = item.message or ("unexpected error" if reason == ERROR else "")
                metadata = item.pod.get("metadata") or {}
                groups.setdefault(message, []).append(f"{metadata.get('namespace', '')}/{metadata.get('name', '')}")
        return groups

    def warnings(self) -> str:
        return "; ".join(f"{message}: {', '.join(pods)}" for message, pods in self._grouped(WARNING).items())

    def errors(self) -> list[KubectlError]:
        return [KubectlError(f"cannot delete {message}: {', '.join(pods)}")
                for message, pods in self._grouped(ERROR).items()]


@dataclass(frozen=True)
class DrainSettings:
    force: bool = False
    ignore_daemonsets: bool = False
    delete_emptydir_data: bool = False
    grace_period: int = -1
    timeout: float = 0.0  # seconds; 0 means no limit
    pod_selector: str = ""
    disable_eviction: bool = False
    skip_wait_for_delete_timeout: int = 0
    chunk_size: int = 500
    dry_run: str = "none"


def _controller_of(pod: dict) -> dict | None:
    for ref in (pod.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def _finished(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _deletion_age(pod: dict) -> float | None:
    stamp = (pod.get("metadata") or {}).get("deletionTimestamp")
    if not stamp:
        return None
    from datetime import datetime

    try:
        when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    return time.time() - when


def should_skip_pod(pod: dict, skip_seconds: int) -> bool:
    age = _deletion_age(pod)
    return skip_seconds > 0 and age is not None and int(age) > skip_seconds


class Drainer:
    """drain.Helper: filters, eviction or deletion, waiting for the pods to be gone."""

    def __init__(self, session, settings: DrainSettings):
        self.session = session
        self.client = session.client
        self.settings = settings
        self._lock = threading.Lock()

    # -- output shared by concurrent evictions
    def _write(self, stream, text: str) -> None:
        with self._lock:
            stream.write(text)
            stream.flush()

    def _out(self, text: str) -> None:
        self._write(self.session.streams.out, text)

    def _err(self, text: str) -> None:
        self._write(self.session.streams.err, text)

    # -- which pods
    def pods_for_deletion(self, node: str) -> PodDeleteList:
        """GetPodsForDeletion; raises nothing for filter verdicts (see .errors())."""
        params = {"fieldSelector": f"spec.nodeName={node}"}
        if self.settings.pod_selector.strip():
            params = {"labelSelector": self.settings.pod_selector.strip(), **params}
        pods: list[dict] = []
        for page in self.client.list_pages("/api/v1/pods", params, chunk_size=self.settings.chunk_size):
            pods.extend(page.get("items") or [])
        result = PodDeleteList()
        for pod in pods:
            verdict = PodDelete(pod, True)
            for check in (self._skip_deleted, self._daemonset, self._mirror, self._local_storage, self._unreplicated):
                verdict = check(pod)
                if not verdict.delete:
                    break
            pod = {"kind": "Pod", "apiVersion": "v1", **{k: v for k, v in pod.items() if k not in ("kind", "apiVersion")}}
            verdict.pod = pod
            result.items.append(verdict)
        return result

    def _skip_deleted(self, pod: dict) -> PodDelete:
        if should_skip_pod(pod, self.settings.skip_wait_for_delete_timeout):
            return PodDelete(pod, False, SKIP)
        return PodDelete(pod, True)

    def _daemonset(self, pod: dict) -> PodDelete:
        ref = _controller_of(pod)
        if ref is None or ref.get("kind") != "DaemonSet" or _finished(pod):
            return PodDelete(pod, True)
        namespace = (pod.get("metadata") or {}).get("namespace") or ""
        try:
            self.client.get_json(f"/apis/apps/v1/namespaces/{namespace}/daemonsets/{ref.get('name', '')}")
        except ApiError as exc:
            if exc.reason == "NotFound" and self.settings.force:
                return PodDelete(pod, True, WARNING, str(exc))
            return PodDelete(pod, False, ERROR, str(exc))
        if not self.settings.ignore_daemonsets:
            return PodDelete(pod, False, ERROR, DAEMONSET_FATAL)
        return PodDelete(pod, False, WARNING, DAEMONSET_WARNING)

    def _mirror(self, pod: dict) -> PodDelete:
        if MIRROR_ANNOTATION in ((pod.get("metadata") or {}).get("annotations") or {}):
            return PodDelete(pod, False, SKIP)
        return PodDelete(pod, True)

    def _local_storage(self, pod: dict) -> PodDelete:
        volumes = (pod.get("spec") or {}).get("volumes") or []
        if not any(isinstance(v, dict) and v.get("emptyDir") is not None for v in volumes) or _finished(pod):
            return PodDelete(pod, True)
        if not self.settings.delete_emptydir_data:
            return PodDelete(pod, False, ERROR, LOCAL_STORAGE_FATAL)
        return PodDelete(pod, True, WARNING, LOCAL_STORAGE_WARNING)

    def _unreplicated(self, pod: dict) -> PodDelete:
        if _finished(pod) or _controller_of(pod) is not None:
            return PodDelete(pod, True)
        if self.settings.force:
            return PodDelete(pod, True, WARNING, UNMANAGED_WARNING)
        return PodDelete(pod, False, ERROR, UNMANAGED_FATAL)

    # -- removing them
    def _delete_options(self) -> dict:
        options: dict = {}
        if self.settings.grace_period >= 0:
            options["gracePeriodSeconds"] = self.settings.grace_period
        if self.settings.dry_run == "server":
            options["dryRun"] = ["All"]
        return options

    def _deadline(self) -> float | None:
        # 0 means no limit; a negative one has already passed (context.WithTimeout)
        return time.monotonic() + self.settings.timeout if self.settings.timeout else None

    def _timeout_text(self) -> str:
        from pykubectl.client.transport import format_go_duration

        if self.settings.timeout:
            return format_go_duration(self.settings.timeout)
        return "2562047h47m16.854775807s"  # time.Duration(math.MaxInt64)

    def delete_or_evict(self, pods: list[dict]) -> None:
        """DeleteOrEvictPods; raises the aggregate of what went wrong."""
        if not pods:
            return
        if not self.settings.disable_eviction and self._eviction_supported():
            self._evict_all(pods)
            return
        self._delete_all(pods)

    def _eviction_supported(self) -> bool:
        resources = self.client.get_json("/api/v1", discovery=False).get("resources") or []
        return any(r.get("name") == "pods/eviction" and r.get("kind") == "Eviction" and r.get("group")
                   and r.get("version") for r in resources)

    def _get_pod(self, pod: dict) -> dict:
        metadata = pod.get("metadata") or {}
        return self.client.get_json(f"/api/v1/namespaces/{metadata.get('namespace', '')}/pods/{metadata.get('name', '')}")

    def _finished_line(self, pod: dict, eviction: bool, failed: bool = False) -> None:
        verb = ("eviction failed" if failed else "evicted") if eviction else ("deletion failed" if failed else "deleted")
        self._out(_name_line("pod", (pod.get("metadata") or {}).get("name", ""), verb))

    def _evict_all(self, pods: list[dict]) -> None:
        deadline = self._deadline()
        results: list[Exception | None] = []
        done = threading.Condition()

        def worker(pod: dict) -> None:
            try:
                outcome = self._evict_one(pod, deadline)
            except Exception as exc:  # noqa: BLE001 - reported like kubectl's goroutine result
                outcome = exc
            with done:
                results.append(outcome)
                done.notify()

        threads = [threading.Thread(target=worker, args=(pod,), daemon=True) for pod in pods]
        for thread in threads:
            thread.start()
        with done:
            done.wait_for(lambda: len(results) == len(pods))
        errors = [r for r in results if r is not None]
        if errors:
            raise AggregateError(errors)

    def _evict_one(self, pod: dict, deadline: float | None) -> Exception | None:
        from pykubectl.client.rest import verbosity

        metadata = pod.get("metadata") or {}
        name, namespace = metadata.get("name", ""), metadata.get("namespace", "")
        body = {"kind": "Eviction", "apiVersion": "policy/v1",
                "metadata": {"name": name, "namespace": namespace, "creationTimestamp": None},
                "deleteOptions": self._delete_options()}
        server_dry_run = self.settings.dry_run == "server"
        while True:
            if server_dry_run:
                self._out(f"evicting pod {namespace}/{name} (server dry run)\n")
            else:
                if verbosity() >= 2:
                    self._out(_name_line("pod", name, "eviction started"))
                self._out(f"evicting pod {namespace}/{name}\n")
            if deadline is not None and time.monotonic() >= deadline:
                return KubectlError(f'error when evicting pods/"{name}" -n "{namespace}": global timeout reached: '
                                    f"{self._timeout_text()}")
            try:
                self.client.request_json("POST", f"/api/v1/namespaces/{namespace}/pods/{name}/eviction", json=body)
                break
            except ApiError as exc:
                if exc.reason == "NotFound" or exc.code == 404:
                    return None
                if exc.reason == "TooManyRequests" or exc.code == 429:
                    self._err(f'error when evicting pods/"{name}" -n "{namespace}" (will retry after 5s): {exc}\n')
                    time.sleep(EVICT_RETRY_DELAY)
                    continue
                terminating = any(c.get("type") == "NamespaceTerminating"
                                  for c in (exc.details.get("causes") or []))
                if (exc.reason == "Forbidden" or exc.code == 403) and terminating:
                    if metadata.get("deletionTimestamp"):
                        break
                    self._err(f'error when evicting pod "{name}" from terminating namespace "{namespace}" (will retry '
                              f"after 5s): {exc}\n")
                    time.sleep(EVICT_RETRY_DELAY)
                    continue
                return KubectlError(f'error when evicting pods/"{name}" -n "{namespace}": {exc}')
            except KubectlError as exc:
                return KubectlError(f'error when evicting pods/"{name}" -n "{namespace}": {exc}')
        if server_dry_run:
            return None
        try:
            self._wait_for_delete([pod], eviction=True, deadline=deadline)
        except KubectlError as exc:
            return KubectlError(f'error when waiting for pod "{name}" in namespace "{namespace}" to terminate: {exc}')
        return None

    def _delete_all(self, pods: list[dict]) -> None:
        from pykubectl.client.rest import verbosity

        for pod in pods:
            metadata = pod.get("metadata") or {}
            try:
                self.client.request_json(
                    "DELETE", f"/api/v1/namespaces/{metadata.get('namespace', '')}/pods/{metadata.get('name', '')}",
                    json=self._delete_options())
            except ApiError as exc:
                if not (exc.reason == "NotFound" or exc.code == 404):
                    raise
            if verbosity() >= 2:
                self._out(_name_line("pod", metadata.get("name", ""), "deletion started"))
        self._wait_for_delete(pods, eviction=False, deadline=self._deadline())

    def _wait_for_delete(self, pods: list[dict], eviction: bool, deadline: float | None) -> None:
        """waitForDelete: poll at once and then every second until every pod is gone (or replaced)."""
        pending = list(pods)
        while True:
            still: list[dict] = []
            for pod in pending:
                try:
                    current = self._get_pod(pod)
                except ApiError as exc:
                    if exc.reason == "NotFound" or exc.code == 404:
                        self._finished_line(pod, eviction)
                        continue
                    self._finished_line(pod, eviction, failed=True)
                    raise
                if (current.get("metadata") or {}).get("uid") != (pod.get("metadata") or {}).get("uid"):
                    self._finished_line(pod, eviction)
                    continue
                skip = self.settings.skip_wait_for_delete_timeout
                if should_skip_pod(current, skip):
                    name = (pod.get("metadata") or {}).get("name", "")
                    self._out(f'pod "{name}" has DeletionTimestamp older than {skip} seconds, skipping\n')
                    continue
                still.append(pod)
            pending = still
            if not pending:
                return
            if deadline is not None and time.monotonic() + POLL_INTERVAL > deadline:
                if deadline > time.monotonic():
                    time.sleep(deadline - time.monotonic())
                raise KubectlError("context deadline exceeded")
            time.sleep(POLL_INTERVAL)


# -- label selectors ------------------------------------------------------------------------------------------


def valid_label_selector(text: str) -> bool:
    """Whether labels.Parse accepts the selector (keys qualified names, values label values)."""
    import re

    from pykubectl.resources.taints import label_value_errors, qualified_name_errors

    for part in re.split(r",(?![^()]*\))", text):
        part = part.strip()
        if not part:
            if text.strip():
                return False
            continue
        match = re.fullmatch(r"(\S+)\s+(in|notin)\s+\(([^)]*)\)", part)
        if match:
            key, values = match.group(1), [v.strip() for v in match.group(3).split(",")]
        else:
            key, values = part.lstrip("!"), []
            for op in ("==", "!=", "="):
                if op in part:
                    key, _, value = part.partition(op)
                    key, values = key.strip(), [value.strip()]
                    break
        if qualified_name_errors(key) or any(label_value_errors(v) for v in values):
            return False
    return True


def check_node_arguments(names, selector: str, selector_given: bool, use: str, command_path: str) -> None:
    """Complete's argument checks, as usage errors: a node or -l is needed, and not both."""
    from pykubectl.errors import UsageError

    if not names and not selector_given:
        raise UsageError(f"USAGE: {use} [flags]", command_path)
    if names and selector:
        raise UsageError("cannot specify both a node name and a --selector option", command_path)
