"""pykubectl.testing: a Kubernetes API server for tests and demos. Imports nothing else of pykubectl.

`FakeApiServer` runs it in a background thread (`with FakeApiServer() as server: ...`); `build_app` gives the
aiohttp application for embedding. Both are imported lazily, so `import pykubectl.testing` stays cheap.
"""

from __future__ import annotations

__all__ = ["FakeApiServer", "ServerState", "build_app"]


def __getattr__(name: str):
    if name == "FakeApiServer":
        from .threaded import FakeApiServer

        return FakeApiServer
    if name in ("build_app", "ServerState"):
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
