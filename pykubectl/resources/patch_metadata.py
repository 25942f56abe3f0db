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

    def v3_schema(self, resource: ResourceType) -> V3PatchMeta | None:
        document = self._document(resource)
        if document is None or not self._supports_strategic(document, resource):
            return None
        schemas = (document.get("components") or {}).get("schemas") or {}
        wanted = (resource.group, resource.version, resource.kind)
        for schema in schemas.values():
            for gvk in (schema or {}).get("x-kubernetes-group-version-kind") or ():
                if (gvk.get("group", ""), gvk.get("version"), gvk.get("kind")) == wanted:
                    return V3PatchMeta(schema, schemas)
        return None

    def fallback_for(self, resource: ResourceType):
        from pykubectl.resources.patches import PatchSchema

        document = self._document(resource)
        if is_builtin_group(resource.group):
            schema = None
            if document is not None:
                schema = PatchSchema.for_kind(document, resource.group, resource.version, resource.kind)
            return "strategic", schema or PatchSchema.none()
        return "merge", None


class V3PatchMeta:
    """strategicpatch.PatchMetaFromOpenAPIV3: one schema node and the document's components."""

    def __init__(self, node: dict | None, schemas: dict, merge_key: str = "", strategies: tuple[str, ...] = ()):
        self.node = node
        self.schemas = schemas
        self.merge_key = merge_key
        self.strategies = strategies

    def _resolve(self, node: dict) -> dict:
        if node.get("allOf"):
            node = node["allOf"][0] or {}
        ref = node.get("$ref")
        if ref:
            name = ref.removeprefix("#/components/schemas/")
            if name not in self.schemas:
                from pykubectl.resources.three_way import ThreeWayError

                raise ThreeWayError(f"unable to resolve {ref} in OpenAPI V3")
            node = self.schemas[name] or {}
        return node

    def field(self, key: str) -> V3PatchMeta:
        from pykubectl.resources.three_way import ThreeWayError

        if self.node is None:
            return V3PatchMeta(None, self.schemas)
        properties = self.node.get("properties") or {}
        if key not in properties:
            raise ThreeWayError(f'unable to find api field "{key}"')
        sub = properties[key] or {}
        strategy = str(sub.get("x-kubernetes-patch-strategy") or "")
        return V3PatchMeta(self._resolve(sub), self.schemas, str(sub.get("x-kubernetes-patch-merge-key") or ""),
                           tuple(s for s in strategy.split(",") if s) if strategy else ())

    def items(self) -> V3PatchMeta:
        if self.node is None:
            return self
        items = self.node.get("items")
        node = self._resolve(items) if isinstance(items, dict) else self.node
        return V3PatchMeta(node, self.schemas)
