"""The simulated kubelet (being written)."""

from __future__ import annotations

from typing import Any


class Kubelet:
    name = "kubelet"
    watches = (("", "pods"),)

    def reconcile(self, cluster: Any, event: Any) -> None:
        pass
