"""metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics, answered as metrics-server does (JSON only).

Routes are added before the generic object routes, so these paths never reach the (empty) store.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .. import selectors, status
from ..cluster import metrics
from ..status import StatusError

PREFIX = "/apis/metrics.k8s.io/v1beta1"


def add_routes(app: web.Application, cluster: Any, catalog: Any = None) -> None:
    handler = MetricsHandler(cluster)
    router = app.router

    @web.middleware
    async def unavailable(request: web.Request, handler):
        # Without its APIService the group is unknown to the apiserver: the mux's plain 404.
        if catalog is not None and not catalog.available("metrics.k8s.io") and request.path.startswith(PREFIX):
            raise web.HTTPNotFound()
        return await handler(request)

    app.middlewares.append(unavailable)
    router.add_get(PREFIX + "/nodes", handler.nodes)
    router.add_get(PREFIX + "/nodes/{name}", handler.node)
    router.add_get(PREFIX + "/pods", handler.pods)
    router.add_get(PREFIX + "/namespaces/{namespace}/pods", handler.pods)
    router.add_get(PREFIX + "/namespaces/{namespace}/pods/{name}", handler.pod)


def _json(body: dict, code: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body, separators=(",", ":")) + "\n", status=code,
                        content_type="application/json")


def _matcher(request: web.Request):
    try:
        return selectors.label_matcher(request.query.get("labelSelector") or None)
    except selectors.SelectorError as exc:
        raise StatusError(status.bad_request(str(exc))) from None


def _list(kind: str, items: list[dict]) -> dict:
    return {"kind": kind, "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}


class MetricsHandler:
    def __init__(self, cluster: Any):
        self.cluster = cluster

    async def nodes(self, request: web.Request) -> web.Response:
        try:
            match = _matcher(request)
        except StatusError as exc:
            return _json(exc.body, exc.code)
        pods = self.cluster.list("", "pods")
        # only nodes with a (simulated) kubelet are scraped: a Node object alone has no metrics
        items = [metrics.node_metrics(self.cluster, node, pods) for node in self.cluster.list("", "nodes")
                 if node["metadata"]["name"] in self.cluster.node_names
                 and match(node["metadata"].get("labels") or {})]
        return _json(_list("NodeMetricsList", items))

    async def node(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        node = self.cluster.get("", "nodes", None, name)
        if node is None or name not in self.cluster.node_names:
            return _json(status.not_found("nodemetrics", "metrics.k8s.io", name), 404)
        return _json(metrics.node_metrics(self.cluster, node, self.cluster.list("", "pods")))

    async def pods(self, request: web.Request) -> web.Response:
        try:
            match = _matcher(request)
        except StatusError as exc:
            return _json(exc.body, exc.code)
        try:
            # metrics-server filters pods on metadata.name and metadata.namespace only
            fields = selectors.field_matcher(selectors.parse_fields(request.query.get("fieldSelector") or ""))
        except selectors.SelectorError as exc:
            return _json(status.bad_request(str(exc)), 400)
        namespace = request.match_info.get("namespace")
        items = []
        for pod in self.cluster.list("", "pods", namespace):
            meta = pod["metadata"]
            if match(meta.get("labels") or {}) and fields({"metadata.name": meta.get("name", ""),
                                                           "metadata.namespace": meta.get("namespace", "")}):
                entry = metrics.pod_metrics(self.cluster, pod)
                if entry is not None:
                    items.append(entry)
        return _json(_list("PodMetricsList", items))

    async def pod(self, request: web.Request) -> web.Response:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        pod = self.cluster.get("", "pods", namespace, name)
        entry = metrics.pod_metrics(self.cluster, pod) if pod is not None else None
        if entry is None:
            return _json(status.not_found("podmetrics", "metrics.k8s.io", name), 404)
        return _json(entry)
