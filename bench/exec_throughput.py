"""`exec` stdout throughput: pykubectl against the real kubectl on one test API server, in one run.

Starts pykubectl.testing's server (with the simulated cluster, since exec needs a running container), creates a
busybox pod, then runs `exec box -- head -c N /dev/zero` with each client, interleaved, several rounds, reading
stdout to the end. Prints the median MB/s of each and the ratio pykubectl/kubectl, after checking that both
delivered exactly N bytes. Set BENCH_MB and BENCH_ROUNDS to change the size.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEGABYTES = int(os.environ.get("BENCH_MB", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def real_kubectl() -> str | None:
    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else dispatcher


def run(argv: list[str], env: dict[str, str], size: int) -> float:
    """Seconds for one exec that writes `size` bytes; fails unless all of them arrived."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    received = 0
    while chunk := proc.stdout.read1(1 << 20):
        received += len(chunk)
    proc.wait()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or received != size:
        raise SystemExit(f"{argv[0]}: exit {proc.returncode}, {received} of {size} bytes: {proc.stderr.read()!r}")
    return elapsed


def main() -> int:
    from pykubectl.testing.threaded import FakeApiServer

    kubectl = real_kubectl()
    size = MEGABYTES * 1024 * 1024
    server = FakeApiServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kubeconfig = server.write_kubeconfig(Path(tmp) / "kubeconfig")
            env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
            env.update(HOME=tmp, KUBECONFIG=str(kubeconfig), KUBECTL_COMMAND_HEADERS="false")
            server.cluster.create("", "pods", {
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "box", "namespace": "default"},
                "spec": {"containers": [{"name": "box", "image": "busybox", "command": ["sleep", "3600"]}]}})
            deadline = time.monotonic() + 30
            while (server.cluster.get("", "pods", "default", "box") or {}).get("status", {}).get("phase") != "Running":
                if time.monotonic() > deadline:
                    raise SystemExit("the pod did not start")
                server.settle(timeout=1)
                time.sleep(0.05)
            command = ["exec", "box", "--", "head", "-c", str(size), "/dev/zero"]
            clients = {"pykubectl": [sys.executable, "-m", "pykubectl", *command]}
            if kubectl:
                clients["kubectl"] = [kubectl, *command]
            times: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(ROUNDS):
                for name, argv in clients.items():
                    times[name].append(run(argv, env, size))
    finally:
        server.stop()
    rates = {name: MEGABYTES / statistics.median(values) for name, values in times.items()}
    print(f"exec stdout, {MEGABYTES} MiB, median of {ROUNDS} rounds")
    for name, rate in rates.items():
        print(f"  {name:10} {rate:8.1f} MiB/s")
    if "kubectl" in rates:
        print(f"  ratio pykubectl/kubectl: {rates['pykubectl'] / rates['kubectl']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
