"""The server's OpenAPI v3 documents: the `/openapi/v3` index and one document per group-version.

Mirrors client-go's openapi.Client behind kubectl's in-memory cache (cached.NewClient): the index is fetched
once per process, each group-version document at most once. Requests go out as client-go sends them:
discovery timeout (32s), `Accept: application/json, */*` for the index, `application/json` for a document.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient


class OpenAPIError(KubectlError):
    """The index or a document could not be fetched or decoded."""


class OpenAPIV3:
    def __init__(self, client: RestClient):
        self.client = client
        self._paths: dict[str, str] | None = None
        self._documents: dict[str, dict] = {}

    def paths(self) -> dict[str, str]:
        """{"api/v1": "/openapi/v3/api/v1?hash=…", "apis/apps/v1": …}; raises the client's error on failure."""
        if self._paths is None:
            response = self.client.request("GET", "/openapi/v3", discovery=True)
            try:
                body = json.loads(response.content)
            except ValueError as exc:
                raise OpenAPIError(f"failed to parse /openapi/v3: {exc}") from None
            paths = body.get("paths") if isinstance(body, dict) else None
            self._paths = {key: (value or {}).get("serverRelativeURL", "") for key, value in (paths or {}).items()
                           if isinstance(value, dict)}
        return self._paths

    def document(self, group_version_path: str) -> dict:
        """The OpenAPI v3 document for "api/v1" or "apis/<group>/<version>" (must be listed in `paths()`)."""
        if group_version_path in self._documents:
            return self._documents[group_version_path]
        relative = self.paths()[group_version_path]
        path, _, query = relative.partition("?")
        params = [tuple(part.split("=", 1)) if "=" in part else (part, "") for part in query.split("&") if part]
        response = self.client.request("GET", path, params=params, discovery=True,
                                       headers={"Accept": "application/json"})
        try:
            document = json.loads(response.content)
        except ValueError as exc:
            raise OpenAPIError(f"failed to parse openapi schema for {group_version_path}: {exc}") from None
        if not isinstance(document, dict):
            raise OpenAPIError(f"failed to parse openapi schema for {group_version_path}: json: cannot unmarshal "
                               f"{type(document).__name__} into Go value of type map[string]interface {{}}")
        self._documents[group_version_path] = document
        return document
