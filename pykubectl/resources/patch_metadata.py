"""Which patch type kubectl's Patcher uses for a kind, and the strategic-merge metadata it diffs with.

API (shared with W1's patching; `PatchSchema` itself lives in `pykubectl.resources.patches`):

* `PatchMetadata(client)`: one per command run; caches the server's OpenAPI v3 documents.
* `.strategy_for(resource) -> ("strategic", PatchSchema) | ("merge", None)`: kubectl 1.32's patchSimple.
  A kind whose OpenAPI v3 `patch` operation accepts `application/strategic-merge-patch+json` gets a
  strategic merge patch with the metadata (`x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`) of
  its schema; a kind of kubectl's own scheme (core and `*.k8s.io` groups and the other built-in groups) falls
  back to strategic merge as well; everything else (custom resources) gets a JSON merge patch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient
    from pykubectl.model.types import ResourceType

STRATEGIC_CONTENT_TYPE = "application/strategic-merge-patch+json"
# groups of client-go's scheme.Scheme that do not end in .k8s.io
_BUILTIN_GROUPS = {"", "apps", "batch", "autoscaling", "policy", "extensions"}


def is_builtin_group(group: str) -> bool:
    return group in _BUILTIN_GROUPS or (group.endswith(".k8s.io") and group.count(".") >= 2
                                        and not group.endswith(".x-k8s.io"))


def _gv_path(resource: ResourceType) -> str:
    return f"apis/{resource.group}/{resource.version}" if resource.group else f"api/{resource.version}"


class PatchMetadata:
    def __init__(self, client: RestClient):
        self.client = client
        self._openapi = None

    def _document(self, resource: ResourceType) -> dict | None:
        from pykubectl.client.openapi import OpenAPIV3

        if self._openapi is None:
            self._openapi = OpenAPIV3(self.client)
        try:
            return self._openapi.document(_gv_path(resource))
        except (KubectlError, KeyError):
            return None

    def _supports_strategic(self, document: dict, resource: ResourceType) -> bool:
        """gvkSupportsPatchOpenAPIV3: the patch operation for the kind lists the strategic content type."""
        wanted = (resource.group, resource.version, resource.kind)
        for item in (document.get("paths") or {}).values():
            operation = (item or {}).get("patch") if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            gvk = operation.get("x-kubernetes-group-version-kind") or {}
            if (gvk.get("group", ""), gvk.get("version"), gvk.get("kind")) != wanted:
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            return STRATEGIC_CONTENT_TYPE in content
        return False

    def strategy_for(self, resource: ResourceType):
        from pykubectl.resources.patches import PatchSchema

        document = self._document(resource)
        if document is not None and self._supports_strategic(document, resource):
            schema = PatchSchema.for_kind(document, resource.group, resource.version, resource.kind)
            if schema is not None:
                return "strategic", schema
        if is_builtin_group(resource.group):
            schema = None
            if document is not None:
                schema = PatchSchema.for_kind(document, resource.group, resource.version, resource.kind)
            return "strategic", schema or PatchSchema.none()
        return "merge", None
