"""The aiohttp application: route table, error → Status middleware, authentication, and the server state."""

from __future__ import annotations

import importlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import status
from .auth import Authenticator, Authorizer, add_review_routes, auth_middleware
from .catalog import Catalog
from .catalog.openapi import OpenAPIBuilder
from .handlers.discovery import VERSION_INFO, DiscoveryHandlers
from .handlers.openapi import OpenAPIHandlers
from .status import StatusError

log = logging.getLogger("pykubectl.testing")

ADMIN_TOKEN = "admin-token"
LIMITED_TOKEN = "limited-token"
JANE_TOKEN = "jane-token"  # user jane, group devs: RBAC decides (nothing bound to her at start)
ADMIN_GROUPS = ("system:masters", "system:authenticated")


def default_tokens() -> dict[str, dict]:
    return {
        ADMIN_TOKEN: {"username": "admin", "groups": list(ADMIN_GROUPS)},
        LIMITED_TOKEN: {"username": "limited", "groups": ["system:authenticated"]},
        JANE_TOKEN: {"username": "jane", "groups": ["devs", "system:authenticated"]},
    }


def _optional(module: str) -> Any:
    """A module of the object-serving half of the server, or None while it is not written yet."""
    try:
        return importlib.import_module(f"{__package__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{module}":
            raise
        return None
    except ImportError:  # a half-written sibling module: serve discovery anyway, but say why objects are missing
        log.warning("pykubectl.testing.%s cannot be imported; objects are not served", module, exc_info=True)
        return None


@dataclass
class ServerState:
    """Everything one server run holds: what it serves, the objects, who may call it."""

    catalog: Catalog = field(default_factory=Catalog)
    version_info: dict = field(default_factory=lambda: dict(VERSION_INFO))
    tokens: dict[str, dict] = field(default_factory=default_tokens)
    store: Any = None
    simulate: bool = True  # run the simulated cluster (nodes, scheduler, kubelet, controllers)
    realistic: bool = False  # the cluster's delays as a person would see them (demos)
    cluster: Any = None

    def __post_init__(self) -> None:
        if self.store is None:
            store_module = _optional("store")
            if store_module is not None:
                self.store = store_module.Store(self.catalog)
        if self.cluster is None and self.simulate and self.store is not None:
            from .cluster import Cluster

            self.cluster = Cluster(self.store, self.catalog, realistic=self.realistic)
        self.authenticator = Authenticator(self.tokens)
        self.authorizer = Authorizer(self.store)
        self.openapi = OpenAPIBuilder(self.catalog, self.version_info["gitVersion"])

    def reset(self, simulate: bool = True) -> None:
        """Forget every object and CRD: the state right after start (`simulate=False`: without the cluster)."""
        if self.cluster is not None:
            self.cluster.reset(simulate)
        elif self.store is not None:
            reset = getattr(self.store, "reset", None)
            if reset is not None:
                reset()
            else:  # a store without reset(): initialise the same object again, so the routes keep it
                self.store.__init__(self.catalog)
        for crd in self.catalog.crds():
            self.catalog.remove_crd(crd)
        for group in list(self.catalog.unavailable):
            self.catalog.set_available(group, True)
        self.authenticator.reset()

    def set_metrics_api(self, available: bool) -> None:
        """Register or remove the metrics.k8s.io APIService (discovery and its routes); reset() restores it."""
        self.catalog.set_available("metrics.k8s.io", available)


STATE = web.AppKey("state", ServerState)
NOT_FOUND_TEXT = "404 page not found\n"


@web.middleware
async def error_middleware(request: web.Request, handler):
    """StatusError → its v1 Status; an unknown path → the mux's plain 404; anything else → 500 InternalError."""
    try:
        return await handler(request)
    except StatusError as exc:
        return web.Response(text=json.dumps(exc.body), status=exc.code, content_type="application/json",
                            headers=exc.headers)
    except web.HTTPNotFound:
        # kube-apiserver's last delegate (notfoundhandler) is net/http's NotFound: text, not a Status.
        # kubectl reports it as `the server could not find the requested resource`.
        return web.Response(text=NOT_FOUND_TEXT, status=404, content_type="text/plain", charset="utf-8",
                            headers={"X-Content-Type-Options": "nosniff"})
    except web.HTTPMethodNotAllowed:
        body = status.status(405, "MethodNotAllowed", "the server does not allow this method on the requested "
                             "resource")
        return web.Response(text=json.dumps(body), status=405, content_type="application/json")
    except web.HTTPException:
        raise
    except Exception as exc:  # the server must answer with a Status, never drop the connection
        log.exception("unhandled error serving %s %s", request.method, request.path_qs)
        body = status.internal_error(str(exc) or type(exc).__name__)
        return web.Response(text=json.dumps(body), status=500, content_type="application/json")


def build_app(state: ServerState | None = None) -> web.Application:
    state = state or ServerState()
    app = web.Application(middlewares=[error_middleware, auth_middleware(state.authenticator, state.authorizer)],
                          client_max_size=64 * 1024 * 1024)
    app[STATE] = state
    DiscoveryHandlers(state.catalog, state.version_info).add_routes(app)
    OpenAPIHandlers(state.openapi).add_routes(app)
    # The review kinds are answered here, never stored: register them before the generic object routes.
    add_review_routes(app, state.authenticator, state.authorizer)
    if state.cluster is not None:
        from .handlers import channels, logs, metrics

        logs.add_routes(app, state.cluster)
        channels.add_routes(app, state.cluster)
        metrics.add_routes(app, state.cluster, state.catalog)
        from .handlers import portforward

        portforward.add_routes(app, state.cluster)

        async def start_cluster(_app: web.Application) -> None:
            state.cluster.start()

        async def stop_cluster(_app: web.Application) -> None:
            state.cluster.stop()

        app.on_startup.append(start_cluster)
        app.on_cleanup.append(stop_cluster)
    objects = _optional("handlers.objects")
    if objects is not None and state.store is not None:
        objects.add_routes(app, state.store, state.catalog)
    return app
