"""Load benchmark of the test API server (pykubectl.testing): 5,000 pods listed as Tables, 10,000 watch events.

Figures printed (medians of BENCH_ROUNDS runs, default 5):
  * the server alone: one GET of all 5,000 pods as a meta.k8s.io/v1 Table, and as a paged list (limit=500,
    what kubectl asks for), timed with a plain HTTP client on a kept-alive connection;
  * the real kubectl 1.32 `get pods -A` against it (table printed to /dev/null), and pykubectl's `get pods -A`
    with the ratio pykubectl / kubectl, when both are there;
  * a watch receiving 10,000 events (5,000 creations then 5,000 label changes), events per second from the
    first write to the last event read.

Not a test: it only measures (`make bench`). The simulated cluster is off so that only the API server works.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pykubectl.testing.threaded import FakeApiServer

PODS = int(os.environ.get("BENCH_PODS", "5000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
NAMESPACES = 10
BATCH = 250
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io"


def real_kubectl() -> str | None:
    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else None


def pod(name: str, namespace: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": {"app": "bench", "shard": namespace}},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


def fill(server: FakeApiServer) -> float:
    """Create the namespaces and pods straight in the store (on the server's loop); returns seconds."""
    store = server.store
    ns_info, pod_info = store.info("", "v1", "namespaces"), store.info("", "v1", "pods")
    start = time.perf_counter()

    def namespaces() -> None:
        for n in range(NAMESPACES):
            store.create(ns_info, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"bench-{n}"}},
                         field_manager="bench")

    def pods(first: int, last: int) -> None:
        for i in range(first, last):
            namespace = f"bench-{i % NAMESPACES}"
            store.create(pod_info, namespace, pod(f"pod-{i:05d}", namespace), field_manager="bench")

    server.call(namespaces)
    for first in range(0, PODS, BATCH):  # in batches, so that no call on the server's loop runs long
        server.call(pods, first, min(first + BATCH, PODS))
    return time.perf_counter() - start


def client(server: FakeApiServer, tmp: Path) -> httpx.Client:
    ca = tmp / "ca.pem"
    ca.write_bytes(server.ca_pem)
    context = ssl.create_default_context(cafile=str(ca))
    return httpx.Client(base_url=server.url, verify=context, timeout=120,
                        headers={"Authorization": f"Bearer {server.tokens['admin']}"})


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_table_list(http: httpx.Client) -> tuple[float, float, int]:
    """(one GET of every pod as a Table, the same paged by 500 as kubectl asks, bytes of the one GET)."""
    whole, paged, size = [], [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = http.get("/api/v1/pods", headers={"Accept": TABLE})
        response.raise_for_status()
        whole.append(time.perf_counter() - start)
        size = len(response.content)
        rows = len(response.json()["rows"])
        assert rows == PODS, rows
        start = time.perf_counter()
        token, seen = "", 0
        while True:
            page = http.get("/api/v1/pods", params={"limit": 500, **({"continue": token} if token else {})},
                            headers={"Accept": TABLE}).json()
            seen += len(page["rows"])
            token = page["metadata"].get("continue", "")
            if not token:
                break
        paged.append(time.perf_counter() - start)
        assert seen == PODS, seen
    return median_ms(whole), median_ms(paged), size


def time_cli(argv: list[str], env: dict[str, str]) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, env=env, text=True)
        samples.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {proc.stderr.strip()}")
        lines = proc.stdout.count("\n")
        assert lines >= PODS + 1, (argv, lines)
    return median_ms(samples)


def time_watch(server: FakeApiServer, http: httpx.Client) -> tuple[float, int]:
    """Seconds from the first write to the last of EVENTS watch events read by a client, and events read."""
    store = server.store
    info = store.info("", "v1", "configmaps")
    creations = EVENTS // 2
    rv = http.get("/api/v1/namespaces/bench-0/configmaps", params={"limit": 1}).json()["metadata"]["resourceVersion"]
    received = 0
    done = threading.Event()
    opened = threading.Event()

    def reader() -> None:
        nonlocal received
        params = {"watch": "1", "resourceVersion": rv, "timeoutSeconds": "600"}
        with http.stream("GET", "/api/v1/namespaces/bench-0/configmaps", params=params) as response:
            opened.set()
            for line in response.iter_lines():
                if line and json.loads(line)["type"] in ("ADDED", "MODIFIED"):
                    received += 1
                    if received == EVENTS:
                        done.set()
                        return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    opened.wait(30)

    def create(first: int, last: int) -> None:
        for i in range(first, last):
            store.create(info, "bench-0", {"apiVersion": "v1", "kind": "ConfigMap",
                                           "metadata": {"name": f"cm-{i:05d}"}, "data": {"i": str(i)}},
                         field_manager="bench")

    def label(first: int, last: int) -> None:
        for i in range(first, last):
            store.mutate(info, "bench-0", f"cm-{i:05d}",
                         lambda obj: {**obj, "metadata": {**obj["metadata"], "labels": {"seen": "yes"}}})

    start = time.perf_counter()
    # Writes go in batches on the server's loop, which streams the events out between batches.
    for first in range(0, creations, BATCH):
        server.call(create, first, min(first + BATCH, creations))
    for first in range(0, EVENTS - creations, BATCH):
        server.call(label, first, min(first + BATCH, EVENTS - creations))
    done.wait(600)
    elapsed = time.perf_counter() - start
    thread.join(5)
    return elapsed, received


def main() -> int:
    kubectl = real_kubectl()
    with tempfile.TemporaryDirectory() as tmpdir, FakeApiServer(simulate=False) as server:
        tmp = Path(tmpdir)
        kubeconfig = server.write_kubeconfig(tmp / "kubeconfig")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update({"KUBECONFIG": str(kubeconfig), "HOME": str(tmp)})
        print(f"test API server load, {PODS} pods in {NAMESPACES} namespaces, median of {ROUNDS}:")
        print(f"  create {PODS} pods in the store          {fill(server):8.2f} s")
        with client(server, tmp) as http:
            whole, paged, size = time_table_list(http)
            print(f"  list all as Table (one response)       {whole:8.1f} ms  ({size / 1e6:.1f} MB)")
            print(f"  list all as Table, limit=500 pages     {paged:8.1f} ms")
            theirs = ours = None
            if kubectl:
                theirs = time_cli([kubectl, "get", "pods", "-A"], env)
                print(f"  kubectl get pods -A                    {theirs:8.1f} ms  ({kubectl})")
            else:
                print("  kubectl get pods -A                    (kubectl.1.32 not found beside `kubectl`)")
            try:
                ours = time_cli([sys.executable, "-m", "pykubectl", "get", "pods", "-A"], env)
            except (RuntimeError, AssertionError) as exc:
                print(f"  pykubectl get pods -A                  (not measured: {exc})")
            if ours is not None:
                print(f"  pykubectl get pods -A                  {ours:8.1f} ms")
                if theirs:
                    print(f"  ratio pykubectl / kubectl              {ours / theirs:8.2f}x")
            elapsed, received = time_watch(server, http)
            print(f"  watch: {received} events in {elapsed:.2f} s              {received / elapsed:8.0f} events/s")
            if received != EVENTS:
                print(f"  watch: expected {EVENTS} events, read {received}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
