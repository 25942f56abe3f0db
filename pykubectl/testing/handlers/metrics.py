"""metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics (being written)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


def add_routes(app: web.Application, cluster: Any) -> None:
    pass
