"""ResourcePath: where an object or collection lives on the API server (pure; no IO)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pykubectl.model.types import ResourceType


@dataclass(frozen=True)
class ResourcePath:
    """A collection (no name) or one object, optionally a subresource of it (`log`, `scale`, `status`).

    The namespace is ignored for cluster-scoped types; None on a namespaced type means all namespaces."""

    type: ResourceType
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None

    def url(self) -> str:
        scope = ""
        if self.type.namespaced and self.namespace:
            scope = f"/namespaces/{_segment(self.namespace)}"
        path = f"{self.type.api_prefix}{scope}/{self.type.plural}"
        if self.name is not None:
            path += f"/{_segment(self.name)}"
            if self.subresource:
                path += f"/{self.subresource}"
        return path


def _segment(text: str) -> str:
    # client-go escapes path segments with url.PathEscape; names are DNS labels almost always.
    return quote(text, safe="-._~!$&'()*+,;=:@")


def list_params(label_selector: str | None = None, field_selector: str | None = None, limit: int | None = None,
                resource_version: str | None = None, **extra: str) -> dict[str, str]:
    """The query of a LIST or WATCH, omitting unset values (client-go leaves empty options out)."""
    params: dict[str, str] = {}
    if label_selector:
        params["labelSelector"] = label_selector
    if field_selector:
        params["fieldSelector"] = field_selector
    if limit:
        params["limit"] = str(limit)
    if resource_version is not None:
        params["resourceVersion"] = resource_version
    params.update({k: v for k, v in extra.items() if v is not None and v != ""})
    return params
