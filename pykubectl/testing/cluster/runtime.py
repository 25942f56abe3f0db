"""The container runtime (filled in by the kubelet work): per-container processes, logs and port registry."""

from __future__ import annotations

from typing import Any


class Runtime:
    def __init__(self, cluster: Any):
        self.cluster = cluster

    def stop_all(self) -> None:
        pass
