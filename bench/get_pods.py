"""`get pods -A` over 5,000 pods: pykubectl against the real kubectl on one test API server, in one run.

Starts pykubectl.testing's server without the cluster simulation (no scheduler or kubelet to slow the
setup), creates the pods over REST, then runs `kubectl get pods -A` and `python -m pykubectl get pods -A`
interleaved, several rounds, and prints the median wall time and peak RSS of each (VmHWM, polled: Linux
carries a vfork parent's high-water mark into ru_maxrss across exec, so wait4's figure would be this
script's own).
Both print the same bytes; the script checks that too. Set BENCH_PODS and BENCH_ROUNDS to change the size.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PODS = int(os.environ.get("BENCH_PODS", "5000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
NAMESPACES = 10


def real_kubectl() -> str | None:
    import shutil

    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else dispatcher


def populate(server) -> None:
    import httpx

    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as ca:
        ca.write(server.ca_pem)
    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    with httpx.Client(base_url=server.url, verify=ca.name, headers=headers, timeout=30) as client:
        for n in range(NAMESPACES):
            client.post("/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                                    "metadata": {"name": f"bench-{n}"}}).raise_for_status()
        for i in range(PODS):
            namespace = f"bench-{i % NAMESPACES}"
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": f"pod-{i:05d}", "labels": {"app": "bench", "shard": str(i % 7)}},
                   "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]}}
            client.post(f"/api/v1/namespaces/{namespace}/pods", json=pod).raise_for_status()
    os.unlink(ca.name)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS in MiB and stdout of one run."""
    with tempfile.TemporaryFile() as out, open(os.devnull, "wb") as null:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, null.fileno(), 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        peak_kib = 0
        while True:  # VmHWM is the high-water mark of the process's own memory since its exec
            peak_kib = max(peak_kib, _vm_hwm(pid))
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise RuntimeError(f"{argv} exited with {code}")
        out.seek(0)
        return elapsed, peak_kib // 1024, out.read()


def _vm_hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    kubectl = real_kubectl()
    if kubectl is None:
        print("kubectl not found on PATH: nothing to compare against", file=sys.stderr)
        return 1
    from pykubectl.testing.threaded import FakeApiServer

    with FakeApiServer(simulate=False) as server, tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        populate(server)
        print(f"created {PODS} pods in {NAMESPACES} namespaces in {time.perf_counter() - started:.1f} s")
        kubeconfig = server.write_kubeconfig(Path(home) / "kubeconfig")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update({"HOME": home, "KUBECONFIG": str(kubeconfig), "KUBECTL_COMMAND_HEADERS": "false"})
        ours = [sys.executable, "-m", "pykubectl", "get", "pods", "-A"]
        theirs = [kubectl, "get", "pods", "-A"]
        _, _, our_out = run(ours, env)  # warm discovery caches and .pyc files
        _, _, their_out = run(theirs, env)
        same = _strip_ages(our_out) == _strip_ages(their_out)
        results: dict[str, list[tuple[float, int]]] = {"pykubectl": [], "kubectl": []}
        for _ in range(ROUNDS):
            results["pykubectl"].append(run(ours, env)[:2])
            results["kubectl"].append(run(theirs, env)[:2])
    print(f"get pods -A over {PODS} pods, median of {ROUNDS} (output identical: {same}):")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs) * 1000
        rss = max(r[1] for r in runs)
        print(f"  {name:9} {wall:8.1f} ms   peak RSS {rss:4d} MiB")
    return 0 if same else 1


def _strip_ages(text: bytes) -> bytes:
    import re

    return re.sub(rb"\d+[smhd]\s*\n", b"AGE\n", text)


if __name__ == "__main__":
    sys.exit(main())
