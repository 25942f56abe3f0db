"""/openapi/v3 (the index) and /openapi/v3/<gv> documents; /openapi/v2 is not served (404), as kubectl allows."""

from __future__ import annotations

import json

from aiohttp import web

from ..catalog.openapi import OpenAPIBuilder


class OpenAPIHandlers:
    def __init__(self, builder: OpenAPIBuilder):
        self.builder = builder

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/openapi/v3", self.index)
        app.router.add_get("/openapi/v3/{gv:.+}", self.document)

    async def index(self, request: web.Request) -> web.Response:
        response = web.Response(text=json.dumps(self.builder.index(), separators=(",", ":")),
                                content_type="application/json")
        response.headers["Cache-Control"] = "no-cache, private"
        return response

    async def document(self, request: web.Request) -> web.Response:
        found = self.builder.document(request.match_info["gv"])
        if found is None:
            raise web.HTTPNotFound()
        digest, body = found
        response = web.Response(body=body, content_type="application/json")
        response.headers["Etag"] = f'"{digest}"'
        wanted = request.query.get("hash")
        # A request naming the current hash may be cached for ever; the apiserver redirects a stale one.
        if wanted and wanted == digest:
            response.headers["Cache-Control"] = "public, immutable"
            response.headers["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
        elif wanted:
            raise web.HTTPMovedPermanently(f"/openapi/v3/{request.match_info['gv']}?hash={digest}")
        else:
            response.headers["Cache-Control"] = "no-cache, private"
        return response
