"""Plausible, deterministic resource usage for `kubectl top`, as metrics-server reports it.

Each running container uses a stable amount derived from a hash of its pod and name, shaped by its image
(nginx a few MiB, redis a little more, shell commands less); a node uses a system baseline plus its pods.
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import images

POD_WINDOW, NODE_WINDOW = "15.011s", "20.027s"
NODE_BASE_CPU_NANOS = 112_000_000  # kubelet, containerd, system daemons
NODE_BASE_MEMORY = 1_210_000 * 1024


def _unit(seed: str) -> float:
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def container_usage(namespace: str, pod: str, container: str, image: str) -> tuple[int, int]:
    """(cpu nanocores, memory bytes)."""
    u, v = _unit(f"{namespace}/{pod}/{container}/cpu"), _unit(f"{namespace}/{pod}/{container}/mem")
    kind = images.kind_of(image)
    if kind == "nginx":
        cpu, mem = 400_000 + int(u * 2_000_000), 2_600_000 + int(v * 9_000_000)
    elif kind == "redis":
        cpu, mem = 1_500_000 + int(u * 3_000_000), 3_200_000 + int(v * 6_000_000)
    else:
        cpu, mem = int(u * 900_000), 250_000 + int(v * 1_500_000)
    return cpu, (mem // 4096) * 4096


def pod_usage(pod: dict) -> list[tuple[str, int, int]] | None:
    """[(container, cpu nanocores, memory bytes)] for a pod whose containers all run, else None."""
    meta, spec, st = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    if st.get("phase") != "Running" or meta.get("deletionTimestamp"):
        return None
    running = {cs.get("name") for cs in st.get("containerStatuses") or [] if "running" in (cs.get("state") or {})}
    result = []
    for container in spec.get("containers") or []:
        if container.get("name") not in running:
            return None
        cpu, mem = container_usage(meta.get("namespace", ""), meta.get("name", ""), container["name"],
                                   container.get("image", ""))
        result.append((container["name"], cpu, mem))
    return result or None


def pod_metrics(cluster: Any, pod: dict) -> dict | None:
    usage = pod_usage(pod)
    if usage is None:
        return None
    meta = pod["metadata"]
    metadata: dict = {"name": meta["name"], "namespace": meta.get("namespace", ""),
                      "creationTimestamp": cluster.clock.rfc3339()}
    if meta.get("labels"):
        metadata["labels"] = dict(meta["labels"])
    return {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": metadata,
            "timestamp": cluster.clock.rfc3339(cluster.clock.now() - 5), "window": POD_WINDOW,
            "containers": [{"name": name, "usage": {"cpu": f"{cpu}n", "memory": f"{mem // 1024}Ki"}}
                           for name, cpu, mem in usage]}


def node_metrics(cluster: Any, node: dict, pods: list[dict]) -> dict:
    name = node["metadata"]["name"]
    cpu = NODE_BASE_CPU_NANOS + int(_unit(name + "/cpu") * 40_000_000)
    mem = NODE_BASE_MEMORY + int(_unit(name + "/mem") * 200_000_000)
    for pod in pods:
        if (pod.get("spec") or {}).get("nodeName") != name:
            continue
        for _, c, m in pod_usage(pod) or []:
            cpu, mem = cpu + c, mem + m
    metadata: dict = {"name": name, "creationTimestamp": cluster.clock.rfc3339()}
    if node["metadata"].get("labels"):
        metadata["labels"] = dict(node["metadata"]["labels"])
    return {"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": metadata,
            "timestamp": cluster.clock.rfc3339(cluster.clock.now() - 7), "window": NODE_WINDOW,
            "usage": {"cpu": f"{cpu}n", "memory": f"{mem // 1024}Ki"}}
