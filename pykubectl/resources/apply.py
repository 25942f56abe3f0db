"""kubectl apply's per-object work: client-side apply (create, or a three-way patch) and server-side apply.

API:

* `Applier(client, *, dry_run, field_manager, validation, overwrite=True, force=False, grace_period=-1,
  cascade="background", timeout=0.0, warn=callable)`: one per command run.
* `.client_side(target) -> Applied`: kubectl's applyOneObject without --server-side: GET the object; when
  it is missing, POST it with the last-applied annotation (nulls pruned); otherwise compute the three-way
  patch from the live annotation, the manifest and the live object, send it unless it is `{}`, re-GET and
  retry on 409 (at most 5 more times) and delete/recreate with `force` on a conflict or an invalid patch.
  `--dry-run=client` patches locally.
* `.server_side(target, force_conflicts, subresource="") -> Applied`: PATCH application/apply-patch+yaml
  with the manifest as JSON, kubectl's conflict guidance on 409, then the last-applied and CSA→SSA managed
  fields migration kubectl performs with the default field manager `kubectl`.
* `.merged(target, current, server_side, force_conflicts, lock=True) -> dict`: what `kubectl diff` compares
  the live object with (server dry runs of create, the three-way patch or server-side apply).
* `Applied(operation, obj, patch)`: operation is created / configured / unchanged / serverside-applied.
* `modified_configuration(obj, annotate)`: util.GetModifiedConfiguration as a dict.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pykubectl.errors import ApiError, KubectlError
from pykubectl.resources.dry_run import LAST_APPLIED, go_compact_json, last_applied, with_source, write_params

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient
    from pykubectl.resources.selection import Target

MAX_PATCH_RETRY = 5
TRIES_BEFORE_BACKOFF = 1
SSA_DEFAULT_MANAGER = "kubectl"
LAST_APPLIED_MANAGER = "kubectl-last-applied"

MISSING_ANNOTATION_WARNING = (
    "Warning: resource {name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is "
    "required by kubectl apply. kubectl apply should only be used on resources created declaratively by either "
    "kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n")
DELETING_WARNING = "Warning: Detected changes to resource {name} which is currently being deleted.\n"
CONFLICT_GUIDANCE = """
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts"""


@dataclass
class Applied:
    operation: str
    obj: dict
    patch: str | None = None


def modified_configuration(obj: dict, annotate: bool) -> dict:
    """GetModifiedConfiguration: the object without the annotation, or (annotate) carrying it as its value."""
    clean = copy.deepcopy(obj)
    metadata = clean.setdefault("metadata", {})
    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    if not annotate:
        metadata["annotations"] = annotations
        return clean
    annotations[LAST_APPLIED] = last_applied(obj)
    metadata["annotations"] = annotations
    return clean


def _prune_nulls(value):
    if isinstance(value, dict):
        return {k: _prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune_nulls(v) for v in value]
    return value


def _gvr_text(target: Target) -> str:
    resource = target.type
    return (f'Resource: "{resource.group}/{resource.version}, Resource={resource.plural}", GroupVersionKind: '
            f'"{resource.group}/{resource.version}, Kind={resource.kind}"\n'
            f'Name: "{target.name}", Namespace: "{target.namespace}"')


def with_manifest_namespace(target: Target) -> dict:
    """The builder's SetNamespace: a namespaced object without a namespace gets the command's."""
    obj = copy.deepcopy(target.manifest.obj)
    if target.type.namespaced and target.namespace:
        metadata = obj.setdefault("metadata", {})
        if not metadata.get("namespace"):
            metadata["namespace"] = target.namespace
    return obj


class Applier:
    def __init__(self, client: RestClient, *, dry_run: str = "none", field_manager: str = "",
                 validation: str | None = None, overwrite: bool = True, force: bool = False,
                 grace_period: int = -1, cascade: str = "background", timeout: float = 0.0,
                 warn: Callable[[str], None] = lambda text: None, sleep: Callable[[float], None] = time.sleep):
        from pykubectl.resources.patch_metadata import PatchMetadata

        self.client = client
        self.dry_run = dry_run
        self.field_manager = field_manager
        self.validation = validation
        self.overwrite = overwrite
        self.force = force
        self.grace_period = grace_period
        self.cascade = cascade
        self.timeout = timeout
        self.warn = warn
        self.sleep = sleep
        self.metadata = PatchMetadata(client)
        self._schemas: dict = {}

    def _params(self) -> dict:
        return write_params(self.field_manager, self.dry_run, self.validation)

    # -- client-side -------------------------------------------------------------------------------------

    def client_side(self, target: Target) -> Applied:
        from pykubectl.resources.fetching import is_not_found

        obj = with_manifest_namespace(target)
        source = target.manifest.source if target.manifest else ""
        metadata = obj.get("metadata") or {}
        if not target.name and metadata.get("generateName"):
            raise KubectlError(f"from {metadata['generateName']}: cannot use generate name with apply")
        modified = modified_configuration(obj, annotate=True)
        path = target.type.object_path(target.name, target.namespace or None)
        try:
            current = self.client.get_json(path, discovery=False)
        except KubectlError as exc:
            if not is_not_found(exc):
                raise with_source(f"retrieving current configuration of:\n{_gvr_text(target)}\nfrom server for:",
                                  source, exc) from None
            return self._create(target, obj, source)
        if self.dry_run == "client":  # kubectl 1.32 computes no patch: the live object, "configured"
            return Applied("configured", current)
        annotations = (current.get("metadata") or {}).get("annotations") or {}
        if LAST_APPLIED not in annotations:
            self.warn(MISSING_ANNOTATION_WARNING.format(name=f"{target.type.group_resource}/{target.name}"))
        try:
            patch, result = self._patch(target, current, modified, source)
        except _PatchFailure as failure:
            raise with_source(f"applying patch:\n{failure.patch}\nto:\n{_gvr_text(target)}\nfor:", source,
                              failure.error) from None
        if (result.get("metadata") or {}).get("deletionTimestamp"):
            self.warn(DELETING_WARNING.format(name=target.name))
        return Applied("unchanged" if patch == "{}" else "configured", result, patch)

    def _create(self, target: Target, obj: dict, source: str) -> Applied:
        body = copy.deepcopy(obj)
        metadata = body.setdefault("metadata", {})
        metadata["annotations"] = {**(metadata.get("annotations") or {}), LAST_APPLIED: last_applied(obj)}
        body = _prune_nulls(body)
        if self.dry_run == "client":
            return Applied("created", body)
        try:
            created = self.client.request_json("POST", target.type.collection_path(target.namespace or None),
                                               self._params(), json=body)
        except KubectlError as exc:
            raise with_source("creating", source, exc) from None
        return Applied("created", created)

    def _compute(self, target: Target, current: dict, modified: dict) -> tuple[str, str, dict]:
        """patchSimple's choice: OpenAPI v3 strategic metadata, else kubectl's scheme, else a JSON merge patch."""
        from pykubectl.resources import three_way

        annotations = (current.get("metadata") or {}).get("annotations") or {}
        original_text = annotations.get(LAST_APPLIED) or ""
        original = json.loads(original_text) if original_text.strip() else None
        v3 = self.metadata.v3_schema(target.type)
        if v3 is not None:
            try:
                patch = three_way.three_way_strategic_patch(original, modified, current, v3, self.overwrite)
                self._schemas[target.type] = ("strategic", v3)
                return "strategic", three_way.patch_json(patch), patch
            except three_way.ThreeWayError as exc:
                self.warn(f"warning: error calculating patch from openapi v3 spec: {exc}\n")
        kind, schema = self.metadata.fallback_for(target.type)
        self._schemas[target.type] = (kind, schema)
        try:
            if kind == "strategic":
                patch = three_way.three_way_strategic_patch(original, modified, current, schema, self.overwrite)
            else:
                patch = three_way.three_way_merge_patch(original, modified, current)
        except three_way.ThreeWayError as exc:
            raise KubectlError(
                f"creating patch with:\noriginal:\n{original_text}\nmodified:\n{go_compact_json(modified)}\n"
                f"current:\n{go_compact_json(current)}\nfor: {exc}") from None
        return kind, three_way.patch_json(patch), patch

    def _patch(self, target: Target, current: dict, modified: dict, source: str) -> tuple[str, dict]:
        kind, text, patch = self._compute(target, current, modified)
        if text == "{}":
            return text, current
        if self.dry_run == "client":
            return text, self._patch_locally(kind, current, patch, target)
        path = target.type.object_path(target.name, target.namespace or None)
        content_type = ("application/strategic-merge-patch+json" if kind == "strategic"
                        else "application/merge-patch+json")
        error: ApiError | None = None
        attempt = 0
        while True:
            try:
                result = self.client.request_json("PATCH", path, self._params(), content=text.encode(),
                                                  headers={"Content-Type": content_type})
                return text, result
            except ApiError as exc:
                error = exc
            attempt += 1
            if error.reason != "Conflict" or attempt > MAX_PATCH_RETRY:
                break
            if attempt > TRIES_BEFORE_BACKOFF:
                self.sleep(1.0)
            current = self.client.get_json(path, discovery=False)
            kind, text, patch = self._compute(target, current, modified)
            if text == "{}":
                return text, current
        if self.force and error.reason in ("Conflict", "Invalid"):
            return text, self._delete_and_create(target, current, modified)
        raise _PatchFailure(text, with_source("patching", source, error))

    def _patch_locally(self, kind: str, current: dict, patch: dict, target: Target) -> dict:
        from pykubectl.resources import patches

        try:
            if kind == "strategic":
                _, schema = self.metadata.fallback_for(target.type)
                return patches.apply_strategic_merge_patch(current, patch, schema)
            return patches.apply_merge_patch(current, patch)
        except patches.PatchError as exc:
            raise KubectlError(f"applying patch locally: {exc}") from None

    def _delete_and_create(self, target: Target, original: dict, modified: dict) -> dict:
        from pykubectl.resources.deleting import cascade_policy, delete_body, delete_object
        from pykubectl.resources.fetching import is_not_found

        path = target.type.object_path(target.name, target.namespace or None)
        delete_object(self.client, path, delete_body(self.grace_period, cascade_policy(self.cascade)))
        deadline = time.monotonic() + (self.timeout or 0)
        while True:
            try:
                self.client.get_json(path, discovery=False)
            except KubectlError as exc:
                if is_not_found(exc):
                    break
                raise
            if time.monotonic() >= deadline:
                raise KubectlError("timed out waiting for the condition")
            self.sleep(1.0)
        collection = target.type.collection_path(target.namespace or None)
        try:
            return self.client.request_json("POST", collection, self._params(), json=modified)
        except KubectlError as exc:
            restore = copy.deepcopy(original)
            (restore.get("metadata") or {}).pop("resourceVersion", None)
            try:
                self.client.request_json("POST", collection, self._params(), json=restore)
            except KubectlError as again:
                raise KubectlError("An error occurred force-replacing the existing object with the newly provided "
                                   f"one:\n\n{exc}.\n\nAdditionally, an error occurred attempting to restore the "
                                   f"original object:\n\n{again}") from None
            raise

    # -- what diff compares with --------------------------------------------------------------------------

    def merged(self, target: Target, current: dict | None, server_side: bool, force_conflicts: bool,
               lock: bool = True) -> dict:
        """kubectl diff's InfoObject.Merged: the object as the server would store it, by a dry-run create, a
        dry-run three-way patch (from the manifest without the annotation, pinned to the live
        resourceVersion unless `lock` is off) or a dry-run server-side apply."""
        obj = with_manifest_namespace(target)
        path = target.type.object_path(target.name, target.namespace or None)
        params = write_params(self.field_manager, "server")
        if server_side:
            return self.client.request_json(
                "PATCH", path, {**params, "force": "true" if force_conflicts else "false"},
                content=go_compact_json(obj).encode(), headers={"Content-Type": "application/apply-patch+yaml"})
        if current is None:
            return self.client.request_json("POST", target.type.collection_path(target.namespace or None), params,
                                            json=obj)
        modified = modified_configuration(obj, annotate=False)
        kind, text, patch = self._compute(target, current, modified)
        if text == "{}":
            return current
        if lock:
            from pykubectl.resources import three_way

            patch.setdefault("metadata", {})["resourceVersion"] = (current.get("metadata") or {}).get(
                "resourceVersion", "")
            text = three_way.patch_json(patch)
        content_type = ("application/strategic-merge-patch+json" if kind == "strategic"
                        else "application/merge-patch+json")
        return self.client.request_json("PATCH", path, params, content=text.encode(),
                                        headers={"Content-Type": content_type})

    # -- server-side -------------------------------------------------------------------------------------

    def server_side(self, target: Target, force_conflicts: bool, subresource: str = "") -> Applied:
        obj = with_manifest_namespace(target)
        path = target.type.object_path(target.name, target.namespace or None)
        if subresource:
            path += f"/{subresource}"
        params = {**self._params(), "force": "true" if force_conflicts else "false"}
        body = go_compact_json(obj).encode()
        headers = {"Content-Type": "application/apply-patch+yaml"}
        try:
            result = self.client.request_json("PATCH", path, params, content=body, headers=headers)
        except ApiError as exc:
            if exc.code == 415:
                raise KubectlError(f"Server-side apply not available on the server: ({exc.message})") from None
            if exc.reason == "Conflict":
                status = {**exc.status, "message": exc.message + CONFLICT_GUIDANCE}
                raise type(exc)(status, http_code=exc.code) from None
            raise
        result = self._migrate(target, result, path, body, params, headers)
        if (result.get("metadata") or {}).get("deletionTimestamp"):
            self.warn(DELETING_WARNING.format(name=target.name))
        return Applied("serverside-applied", result)

    def _migrate(self, target: Target, result: dict, path: str, body: bytes, params: dict, headers: dict) -> dict:
        """saveLastApplyAnnotationIfNecessary, then migrateToSSAIfNecessary (and the re-apply after it)."""
        if self.field_manager != SSA_DEFAULT_MANAGER:
            return result
        metadata = result.get("metadata") or {}
        annotation = (metadata.get("annotations") or {}).get(LAST_APPLIED)
        if annotation is not None and not _owners(metadata.get("managedFields"), "Apply"):
            just = {"apiVersion": result.get("apiVersion"), "kind": result.get("kind"),
                    "metadata": {"annotations": {LAST_APPLIED: annotation}, "name": metadata.get("name")}}
            if metadata.get("namespace"):
                just["metadata"]["namespace"] = metadata["namespace"]
            annotation_params = {**write_params(LAST_APPLIED_MANAGER, self.dry_run, self.validation)}
            try:
                result = self.client.request_json("PATCH", path, annotation_params,
                                                  content=go_compact_json(just).encode(), headers=headers)
            except KubectlError as exc:
                self.warn("Warning: failed to migrate kubectl.kubernetes.io/last-applied-configuration for "
                          "Server-Side Apply. This is non-fatal and will be retried next time you apply. "
                          f"Error: {_error_text(exc)}\n")
                return result
        migrated = False
        for _ in range(MAX_PATCH_RETRY):
            managers = {e.get("manager") for e in _owners((result.get("metadata") or {}).get("managedFields"),
                                                          "Update")}
            operations = _upgrade_patch(result, managers, self.field_manager)
            if operations is None:
                break
            try:
                result = self.client.request_json(
                    "PATCH", path, write_params(self.field_manager, self.dry_run, self.validation),
                    content=json.dumps(operations, separators=(",", ":")).encode(),
                    headers={"Content-Type": "application/json-patch+json"})
                migrated = True
                break
            except ApiError as exc:
                if exc.reason != "Conflict":
                    self.warn("Warning: server rejected managed fields migration to Server-Side Apply. This is "
                              f"non-fatal and will be retried next time you apply. Error: {_error_text(exc)}\n")
                    return result
                result = self.client.get_json(path, discovery=False)
        if migrated:
            try:
                result = self.client.request_json("PATCH", path, params, content=body, headers=headers)
            except KubectlError as exc:
                self.warn("Warning: failed to re-apply configuration after performing Server-Side Apply migration. "
                          "This is non-fatal and will be retried next time you apply. "
                          f"Error: {_error_text(exc)}\n")
        return result


class _PatchFailure(Exception):
    def __init__(self, patch: str, error: Exception):
        super().__init__(str(error))
        self.patch = patch
        self.error = error


def _error_text(exc: Exception) -> str:
    return exc.message if isinstance(exc, ApiError) else str(exc)


def _owns_last_applied(entry: dict) -> bool:
    fields = entry.get("fieldsV1") or {}
    return f"f:{LAST_APPLIED}" in ((fields.get("f:metadata") or {}).get("f:annotations") or {})


def _owners(entries, operation: str) -> list[dict]:
    """csaupgrade.FindFieldsOwners for the last-applied annotation's field."""
    return [e for e in entries or () if e.get("operation") == operation and _owns_last_applied(e)]


def _union_fields(left: dict, right: dict) -> dict:
    out = copy.deepcopy(left)
    for key, value in right.items():
        if key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _union_fields(out[key], value)
        else:
            out.setdefault(key, copy.deepcopy(value))
    return _sorted_fields(out)


def _sorted_fields(fields: dict) -> dict:
    return {k: _sorted_fields(v) if isinstance(v, dict) else v for k, v in sorted(fields.items())}


def _upgrade_patch(obj: dict, csa_managers: set, ssa_manager: str) -> list | None:
    """csaupgrade.UpgradeManagedFieldsPatch: fold each client-side manager into the server-side one."""
    metadata = obj.get("metadata") or {}
    original = metadata.get("managedFields") or []
    entries = copy.deepcopy(original)
    for csa in sorted(m for m in csa_managers if m):
        def is_csa(entry, csa=csa):
            return entry.get("manager") == csa and entry.get("operation") == "Update" and not entry.get("subresource")

        index = next((i for i, e in enumerate(entries) if e.get("manager") == ssa_manager
                      and e.get("operation") == "Apply" and not e.get("subresource")), -1)
        if index < 0:
            index = next((i for i, e in enumerate(entries) if is_csa(e)), -1)
            if index < 0:
                continue
            entries[index]["operation"] = "Apply"
            entries[index]["manager"] = ssa_manager
        for i, entry in enumerate(entries):
            if i != index and is_csa(entry):
                entries[index]["fieldsV1"] = _union_fields(entries[index].get("fieldsV1") or {},
                                                           entry.get("fieldsV1") or {})
        entries = [e for e in entries if not is_csa(e)]
    if entries == original:
        return None
    value = entries if entries else [{}]
    return [{"op": "replace", "path": "/metadata/managedFields", "value": value},
            {"op": "test", "path": "/metadata/resourceVersion", "value": metadata.get("resourceVersion", "")}]
