"""apply --prune: delete the objects that carry a last-applied annotation but were not in this apply.

API:

* `DEFAULT_NAMESPACED`, `DEFAULT_CLUSTER`: kubectl's default allowlist (pkg/util/prune).
* `parse_allowlist(mapper, values) -> list[ResourceType]`: `--prune-allowlist` entries as group/version/kind
  (`core` meaning the legacy group), with kubectl's error for any other shape; an empty list is the default.
* `prune(client, mapper, allowlist, namespaces, visited_uids, selector, dry_run, cascade, grace_period)`
  yields kubectl's output lines (`pod/x pruned`, with the dry-run suffix): for every visited namespace and
  every namespaced kind, then once for the cluster-scoped kinds (the defaults include Namespace and
  PersistentVolume), each listed object with the annotation
  whose uid was not applied is deleted (not with --dry-run=client; dryRun=All with --dry-run=server).
* `pruned_objects(...)`, same arguments: the pruned objects themselves, for apply's -o printers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pykubectl.errors import KubectlError
from pykubectl.resources.dry_run import LAST_APPLIED

if TYPE_CHECKING:
    from pykubectl.client.mapper import RestMapper
    from pykubectl.client.rest import RestClient
    from pykubectl.model.types import ResourceType

DEFAULT_NAMESPACED = (
    ("", "v1", "ConfigMap"), ("", "v1", "Endpoints"), ("", "v1", "PersistentVolumeClaim"), ("", "v1", "Pod"),
    ("", "v1", "ReplicationController"), ("", "v1", "Secret"), ("", "v1", "Service"), ("batch", "v1", "Job"),
    ("batch", "v1", "CronJob"), ("networking.k8s.io", "v1", "Ingress"), ("apps", "v1", "DaemonSet"),
    ("apps", "v1", "Deployment"), ("apps", "v1", "ReplicaSet"), ("apps", "v1", "StatefulSet"),
)
DEFAULT_CLUSTER = (("", "v1", "Namespace"), ("", "v1", "PersistentVolume"))


def parse_allowlist(mapper: RestMapper, values) -> list[ResourceType]:
    out: list[ResourceType] = []
    for value in values or ():
        parts = value.split("/")
        if len(parts) != 3:
            raise KubectlError(f"invalid GroupVersionKind format: {value}, please follow <group/version/kind>")
        group = "" if parts[0] == "core" else parts[0]
        out.append(mapper.kind_for(group, parts[1], parts[2]))
    return out


def _mappings(mapper: RestMapper, allowlist: list[ResourceType], namespace_specified: bool):
    if not allowlist:
        # kubectl 1.32 still prunes the cluster-scoped defaults (and warns that it will stop doing so)
        kinds = list(DEFAULT_NAMESPACED) + list(DEFAULT_CLUSTER)
        allowlist = []
        for group, version, kind in kinds:
            try:
                allowlist.append(mapper.kind_for(group, version, kind))
            except KubectlError:
                continue
    namespaced = [m for m in allowlist if m.namespaced]
    cluster = [m for m in allowlist if not m.namespaced]
    return namespaced, cluster


def prune(client: RestClient, mapper: RestMapper, allowlist, namespaces, visited_uids, selector: str,
          dry_run: str, cascade: str, grace_period: int, namespace_specified: bool = True) -> Iterator[str]:
    from pykubectl.resources.dry_run import dry_run_suffix

    suffix = dry_run_suffix(dry_run)
    for obj in pruned_objects(client, mapper, allowlist, namespaces, visited_uids, selector, dry_run, cascade,
                              grace_period, namespace_specified):
        group = obj["apiVersion"].rpartition("/")[0]
        kind = obj["kind"].lower() + (f".{group}" if group else "")
        yield f"{kind}/{obj['metadata'].get('name', '')} pruned{suffix}\n"


def pruned_objects(client: RestClient, mapper: RestMapper, allowlist, namespaces, visited_uids, selector: str,
                   dry_run: str, cascade: str, grace_period: int, namespace_specified: bool = True) -> Iterator[dict]:
    """The objects pruned (deleted unless a client dry run), as listed, with their apiVersion and kind: kubectl
    prints each with apply's printer and the operation "pruned". Nothing waits for them to be gone: kubectl
    1.32's pruner ignores --wait and --timeout."""
    from pykubectl.resources.deleting import cascade_policy, delete_body, delete_object

    namespaced, cluster = _mappings(mapper, list(allowlist or ()), namespace_specified)
    scopes = [(ns, m) for ns in sorted(namespaces) for m in namespaced] + [("", m) for m in cluster]
    for namespace, mapping in scopes:
        params = {"labelSelector": selector} if selector else None
        listing = client.get_json(mapping.collection_path(namespace or None), params, discovery=False)
        for item in listing.get("items") or ():
            metadata = item.get("metadata") or {}
            if LAST_APPLIED not in (metadata.get("annotations") or {}):
                continue
            if metadata.get("uid") in visited_uids:
                continue
            name = metadata.get("name", "")
            if dry_run != "client":
                body = delete_body(grace_period, cascade_policy(cascade), server_dry_run=dry_run == "server")
                delete_object(client, mapping.object_path(name, namespace or None), body)
            yield {"apiVersion": mapping.api_version, "kind": mapping.kind,
                   **{k: v for k, v in item.items() if k not in ("apiVersion", "kind")}}
