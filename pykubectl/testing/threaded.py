"""FakeApiServer: the test API server on 127.0.0.1:<free port> in a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from pathlib import Path
from typing import Any

from aiohttp import web

from .app import ADMIN_TOKEN, JANE_TOKEN, LIMITED_TOKEN, ServerState, build_app
from .tls import TLSMaterial

CLUSTER_NAME = "pykubectl-test"
# kubeconfig users and the contexts naming them: token admin, certificate admin, read-only "limited".
USERS = {"token": "token-admin", "cert": "cert-admin", "limited": "limited"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class FakeApiServer:
    """A Kubernetes API server for tests: `with FakeApiServer() as server: server.write_kubeconfig(path)`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state: ServerState | None = None, *,
                 realistic: bool = False, simulate: bool = True):
        self.host, self._requested_port = host, port
        self.state = state or ServerState(simulate=simulate, realistic=realistic)
        self.simulate = simulate
        self.tls = TLSMaterial()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # -- life cycle -------------------------------------------------------------------------------------
    def start(self, timeout: float = 30) -> FakeApiServer:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._serve, name="pykubectl-test-apiserver", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the test API server did not start in time")
        if self._error is not None:
            raise RuntimeError(f"the test API server failed to start: {self._error}") from self._error
        return self

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._start_site())
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._runner.cleanup())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _start_site(self) -> None:
        app = build_app(self.state)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port, ssl_context=self.tls.server_context(),
                           reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> FakeApiServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def call(self, function, *args, **kwargs):
        """Run `function(*args, **kwargs)` on the server's event loop and return its result."""
        if self._loop is None:
            return function(*args, **kwargs)

        async def invoke():
            return function(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(invoke(), self._loop).result(timeout=30)

    def reset(self, simulate: bool | None = None) -> None:
        """Drop every object and CRD, back to the state right after start.

        `simulate` (default: the `simulate` attribute, which the pytest plugin sets per test) chooses whether the
        simulated cluster runs until the next reset."""
        self.call(self.state.reset, self.simulate if simulate is None else simulate)

    # -- what clients need ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def ca_pem(self) -> bytes:
        return self.tls.ca_pem

    @property
    def store(self) -> Any:
        return self.state.store

    @property
    def cluster(self) -> Any:
        """The simulated cluster (nodes, scheduler, kubelet, controllers), or None without simulation."""
        return self.state.cluster

    def settle(self, timeout: float = 5.0) -> bool:
        """Wait until the simulated cluster has handled every change so far."""
        return self.state.cluster.settle(timeout) if self.state.cluster is not None else True

    @property
    def catalog(self):
        return self.state.catalog

    @property
    def tokens(self) -> dict[str, str]:
        """kubeconfig user kind → bearer token (jane, group devs, has no context: pass --token, or bind her first)."""
        return {"admin": ADMIN_TOKEN, "limited": LIMITED_TOKEN, "jane": JANE_TOKEN}

    def kubeconfig(self, user: str = "token", namespace: str | None = None) -> dict:
        """A kubeconfig with a context for each user kind; `user` chooses the current context."""
        if user not in USERS:
            raise ValueError(f"user must be one of {sorted(USERS)}, not {user!r}")
        admin_cert = self.tls.client_cert("admin", ("system:masters",))
        users = [
            {"name": USERS["token"], "user": {"token": ADMIN_TOKEN}},
            {"name": USERS["cert"], "user": {"client-certificate-data": _b64(admin_cert.cert_pem),
                                             "client-key-data": _b64(admin_cert.key_pem)}},
            {"name": USERS["limited"], "user": {"token": LIMITED_TOKEN}},
        ]
        contexts = []
        for user_name in USERS.values():
            context: dict = {"cluster": CLUSTER_NAME, "user": user_name}
            if namespace:
                context["namespace"] = namespace
            contexts.append({"name": user_name, "context": context})
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": CLUSTER_NAME, "cluster": {
                "server": self.url, "certificate-authority-data": _b64(self.ca_pem)}}],
            "users": users,
            "contexts": contexts,
            "current-context": USERS[user],
            "preferences": {},
        }

    def write_kubeconfig(self, path: str | os.PathLike, user: str = "token", namespace: str | None = None) -> Path:
        """Write the kubeconfig as JSON (which is YAML, so every kubeconfig reader takes it); mode 0600."""
        import json

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.kubeconfig(user, namespace), indent=2) + "\n")
        target.chmod(0o600)
        return target
