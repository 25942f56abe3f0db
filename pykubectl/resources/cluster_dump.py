"""`kubectl cluster-info dump`: the objects it lists, in the shape kubectl prints them, and where they go.

kubectl (pkg/cmd/clusterinfo/clusterinfo_dump.go) lists them with client-go's typed clients, so each list is
a Go struct: `typed` rebuilds that shape from the server's JSON (struct field order, sorted map keys, unknown
fields dropped, the zero values omitempty keeps) from the tables in cluster_dump_types.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping

from pykubectl.resources.cluster_dump_types import STRUCTS

# (collection path under the namespace, list struct, file name), in kubectl's order.
NAMESPACED = (
    ("/api/v1/namespaces/{ns}/events", "core.EventList", "events"),
    ("/api/v1/namespaces/{ns}/replicationcontrollers", "core.ReplicationControllerList", "replication-controllers"),
    ("/api/v1/namespaces/{ns}/services", "core.ServiceList", "services"),
    ("/apis/apps/v1/namespaces/{ns}/daemonsets", "apps.DaemonSetList", "daemonsets"),
    ("/apis/apps/v1/namespaces/{ns}/deployments", "apps.DeploymentList", "deployments"),
    ("/apis/apps/v1/namespaces/{ns}/replicasets", "apps.ReplicaSetList", "replicasets"),
    ("/api/v1/namespaces/{ns}/pods", "core.PodList", "pods"),
)
LIST_KINDS = {"core.NodeList": ("NodeList", "v1")}
LIST_KINDS.update({struct: (struct.split(".")[1], "apps/v1" if struct.startswith("apps.") else "v1")
                   for _, struct, _ in NAMESPACED})

_ZERO_SCALARS = {"string": "", "bool": False}


def typed_list(raw: Mapping, struct: str) -> dict:
    """A list as kubectl holds it: its TypeMeta set from the scheme, the items as Go decoded them."""
    kind, api_version = LIST_KINDS[struct]
    return typed({**raw, "kind": kind, "apiVersion": api_version}, struct)


def typed(value, struct: str):
    fields = STRUCTS.get(struct)
    if fields is None or not isinstance(value, Mapping):
        return value
    out: dict = {}
    for name, kind, ref, omitempty, _inline in fields:
        if name == "":  # an embedded struct (TypeMeta, ListMeta inline): its fields sit at this level
            out.update(typed(value, ref))
            continue
        if name in value and value[name] is not None:
            converted = _convert(value[name], kind, ref)
            if omitempty and _empty(converted, kind, ref):
                continue
            out[name] = converted
        elif kind == "val" and not ref.startswith("!"):
            out[name] = typed({}, ref)  # Go never omits a struct value
        elif kind == "val" and ref == "!time":
            out[name] = None  # metav1.Time's zero marshals as null, omitempty or not
        elif not omitempty:
            out[name] = _zero(kind, ref)
    return out


def _convert(value, kind: str, ref: str):
    if kind == "slice":
        return [_element(item, ref) for item in value] if isinstance(value, list) else value
    if kind == "map":
        if not isinstance(value, Mapping):
            return value
        return {key: _element(value[key], ref) for key in sorted(value)}
    return _element(value, ref)


def _element(value, ref: str):
    if ref == "!map" and isinstance(value, Mapping):
        return {key: value[key] for key in sorted(value)}
    if ref.startswith("!"):
        return value
    return typed(value, ref)


def _empty(value, kind: str, ref: str) -> bool:
    if kind in ("slice", "map"):
        return not value
    if kind == "ptr":
        return False
    if ref in ("!string", "!bool", "!map", "!slice") or ref.startswith("!int") or ref.startswith("!uint") \
            or ref.startswith("!float"):
        return not value
    return False


def _zero(kind: str, ref: str):
    if kind != "val" or ref in ("!map", "!slice"):
        return None
    if ref.startswith("!int") or ref.startswith("!uint"):
        return 0
    return _ZERO_SCALARS.get(ref[1:])


def without_managed_fields(listing: dict) -> dict:
    """cli-runtime's OmitManagedFieldsPrinter on a list: every item's metadata.managedFields cleared."""
    items = []
    for item in listing.get("items") or []:
        metadata = item.get("metadata")
        if isinstance(metadata, Mapping) and "managedFields" in metadata:
            item = {**item, "metadata": {k: v for k, v in metadata.items() if k != "managedFields"}}
        items.append(item)
    return {**listing, "items": items} if "items" in listing else listing


def file_extension(output: str) -> str:
    return {"json": ".json", "yaml": ".yaml"}.get(output, ".txt")


class DumpTarget:
    """Where each part goes: the command's stdout, or NAME+extension under the output directory (directories
    0755 and files 0666 less the umask, truncated: kubectl 1.32's os.MkdirAll and os.Create)."""

    def __init__(self, directory: str, stdout_write: Callable[[str], None]):
        self.directory = "" if directory in ("", "-") else directory
        self._stdout_write = stdout_write

    @property
    def to_files(self) -> bool:
        return bool(self.directory)

    def writer(self, name: str, extension: str) -> Callable[[str], None]:
        if not self.directory:
            return self._stdout_write
        full = os.path.normpath(os.path.join(self.directory, name) + extension)  # filepath.Join cleans
        _mkdir_all(os.path.dirname(full))
        try:
            fd = os.open(full, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as exc:
            raise _path_error("open", exc, full) from None
        os.close(fd)

        def write(text: str) -> None:
            with open(full, "a", encoding="utf-8", newline="") as handle:
                handle.write(text)

        return write


def _mkdir_all(path: str) -> None:
    """Go's os.MkdirAll, for its errors: the first ancestor that is not a directory, or the one mkdir refused."""
    if not path or os.path.isdir(path):
        return
    if os.path.exists(path):
        raise _path_error("mkdir", None, path, "not a directory")
    parent = os.path.dirname(path.rstrip(os.sep))
    if parent and parent != path:
        _mkdir_all(parent)
    try:
        os.mkdir(path, 0o755)
    except OSError as exc:
        if not os.path.isdir(path):
            raise _path_error("mkdir", exc, path) from None


def _path_error(op: str, exc: OSError | None, path: str, reason: str = ""):
    """Go's *PathError text: `mkdir /x: permission denied`."""
    from pykubectl.errors import KubectlError

    reason = reason or (exc.strerror if exc is not None and exc.strerror else str(exc))
    return KubectlError(f"{op} {path}: {reason[:1].lower()}{reason[1:]}")


def pod_containers(pod: Mapping) -> Iterator[str]:
    """The containers whose logs are dumped: init containers first, then the regular ones."""
    spec = pod.get("spec") or {}
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        yield container.get("name") or ""


def container_log(client, namespace: str, pod: str, container: str) -> str:
    """One container's log as kubectl's dump writes it: the body, or `Request log error: …` for a refusal.

    client-go's DoRaw returns the error it made from the bare HTTP answer (newUnstructuredResponseError), not
    the Status in the body: a JSON refusal reads "the server rejected our request for an unknown reason (get
    pods NAME)", a text one carries the (trimmed, at most 2048 bytes) text."""
    from pykubectl.client.status import generic_server_response, is_text_content_type

    response = client.request("GET", f"/api/v1/namespaces/{namespace}/pods/{pod}/log", {"container": container},
                              raise_for_status=False)
    if 200 <= response.status_code <= 206:
        return response.content.decode("utf-8", "replace")
    body = response.content[:2048]
    server_message = "unknown"
    if is_text_content_type(response.headers.get("Content-Type")):
        server_message = body.decode("utf-8", "replace").strip()
    status = generic_server_response(response.status_code, "GET", "pods", "", pod, server_message)
    return f"Request log error: {status['message']}\n"
