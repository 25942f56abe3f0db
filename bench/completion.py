"""Completion benchmark: `pykubectl __complete get pods ''` against `kubectl __complete get pods ''`.

Starts the test API server with a few pods, warms the discovery cache (as a shell user's cache normally is),
then times both interleaved and prints the medians and their ratio (pykubectl / kubectl), plus pykubectl's
answer for resource types (`get po`, no network on a warm cache) and for a JSON and a YAML kubeconfig (the
test server writes JSON, which pykubectl reads without importing yaml; most users' files are YAML). Not a timed test: it only measures; the
issue's target is an answer within 150 ms.
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

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def real_kubectl() -> str | None:
    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else dispatcher


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=True)
    elapsed = time.perf_counter() - start
    assert proc.stdout.startswith(b"pod-0\n"), proc.stdout[:200]  # a real answer, not just a directive
    return elapsed


def median_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    kubectl = real_kubectl()
    if kubectl is None:
        print("kubectl not found on PATH: nothing to compare against", file=sys.stderr)
        return 1
    from pykubectl.testing.threaded import FakeApiServer

    server = FakeApiServer().start()
    try:
        with tempfile.TemporaryDirectory() as home:
            kubeconfig = server.write_kubeconfig(Path(home) / "kubeconfig")
            # PYTHONDONTWRITEBYTECODE would make every run compile pykubectl again: an installed package has
            # its .pyc files, so the bench lets the warm-up runs write them.
            env = {**{k: v for k, v in os.environ.items()
                      if not k.startswith("KUBE") and k != "PYTHONDONTWRITEBYTECODE"},
                   "HOME": home, "KUBECONFIG": str(kubeconfig)}
            for i in range(20):
                subprocess.run([kubectl, "run", f"pod-{i}", "--image=nginx"], env=env, check=True,
                               stdout=subprocess.DEVNULL)
            subprocess.run([kubectl, "api-resources"], env=env, check=True, stdout=subprocess.DEVNULL)
            ours = [sys.executable, "-m", "pykubectl", "__complete", "get", "pods", ""]
            theirs = [kubectl, "__complete", "get", "pods", ""]
            timed(ours, env), timed(theirs, env)  # warm the page cache, .pyc files and pykubectl's completion index
            ours_times, theirs_times = [], []
            for _ in range(ROUNDS):
                ours_times.append(timed(ours, env))
                theirs_times.append(timed(theirs, env))
            import json

            import yaml

            as_yaml = Path(home) / "kubeconfig.yaml"
            as_yaml.write_text(yaml.safe_dump(json.loads(Path(kubeconfig).read_text())))
            yaml_env = {**env, "KUBECONFIG": str(as_yaml)}
            ours_types = [sys.executable, "-m", "pykubectl", "__complete", "get", "po"]
            types = statistics.median(median_ms(ours_types, env) for _ in range(ROUNDS))
            types_yaml = statistics.median(median_ms(ours_types, yaml_env) for _ in range(ROUNDS))
            types_kubectl = statistics.median(median_ms([kubectl, "__complete", "get", "po"], env)
                                              for _ in range(ROUNDS))
    finally:
        server.stop()
    ours_ms = statistics.median(ours_times) * 1000
    theirs_ms = statistics.median(theirs_times) * 1000
    print(f"__complete get pods '' (warm discovery cache, 20 pods), median of {ROUNDS}:")
    print(f"  pykubectl {ours_ms:7.1f} ms")
    print(f"  kubectl   {theirs_ms:7.1f} ms  ({kubectl})")
    print(f"  ratio     {ours_ms / theirs_ms:7.2f}x")
    print(f"__complete get po (types from the cache, no request), median of {ROUNDS}:")
    print(f"  pykubectl {types:7.1f} ms (JSON kubeconfig), {types_yaml:7.1f} ms (YAML kubeconfig)")
    print(f"  kubectl   {types_kubectl:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
