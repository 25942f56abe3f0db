"""GET /api/v1/namespaces/{ns}/pods/{name}/log (being written)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


def add_routes(app: web.Application, cluster: Any) -> None:
    pass
