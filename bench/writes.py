"""apply, create and delete of N ConfigMaps from one file: pykubectl against the real kubectl on one test API
server, as ratios.

Each round resets the server, then for each tool runs, on the same fresh state:
  create -f objs.yaml   (N creations)
  apply  -f objs.yaml   (N client-side applies over the created objects: GET, three-way patch)
  delete -f objs.yaml   (N deletions, waiting for each to be gone)
and a first `apply -f` on an empty server (N creations with the last-applied annotation). It prints the
median wall time of each step for both tools and pykubectl's ratio (pykubectl / kubectl; below 1 is faster).
Both tools must print the same bytes for every step; the script checks that too.
Set BENCH_OBJECTS and BENCH_ROUNDS to change the size (defaults 300 and 3).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

OBJECTS = int(os.environ.get("BENCH_OBJECTS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
STEPS = (("apply (create)", ("apply", "-f")), ("create", ("create", "-f")), ("apply (update)", ("apply", "-f")),
         ("delete", ("delete", "-f")))


def real_kubectl() -> str | None:
    import shutil

    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else dispatcher


def manifest(count: int) -> str:
    docs = []
    for i in range(count):
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:05d}\n  labels:\n    app: bench\n"
                    f"data:\n  index: \"{i}\"\n  payload: {'x' * 64}\n")
    return "---\n".join(docs)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, bytes, int]:
    import subprocess

    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, proc.stdout, proc.returncode


def one_round(server, tools: dict[str, list[str]], env: dict[str, str], path: str) -> dict:
    """{step: {tool: (seconds, output, code)}}; every tool starts each sequence from an empty server."""
    results: dict[str, dict[str, tuple[float, bytes, int]]] = {name: {} for name, _ in STEPS}
    for tool, prefix in tools.items():
        server.reset()
        for name, verb in STEPS:
            if name == "create":  # create needs the objects gone: the first apply made them
                run([*prefix, "delete", "-f", path], env)
            results[name][tool] = run([*prefix, *verb, path], env)
    return results


def main() -> int:
    kubectl = real_kubectl()
    if kubectl is None:
        print("kubectl not found on PATH: nothing to compare against", file=sys.stderr)
        return 1
    from pykubectl.testing.threaded import FakeApiServer

    tools = {"pykubectl": [sys.executable, "-m", "pykubectl"], "kubectl": [kubectl]}
    timings: dict[str, dict[str, list[float]]] = {name: {tool: [] for tool in tools} for name, _ in STEPS}
    same = True
    with FakeApiServer(simulate=False) as server, tempfile.TemporaryDirectory() as home:
        path = os.path.join(home, "objs.yaml")
        Path(path).write_text(manifest(OBJECTS))
        kubeconfig = server.write_kubeconfig(Path(home) / "kubeconfig")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update({"HOME": home, "KUBECONFIG": str(kubeconfig), "KUBECTL_COMMAND_HEADERS": "false"})
        one_round(server, tools, env, path)  # warm discovery caches and .pyc files
        for _ in range(ROUNDS):
            results = one_round(server, tools, env, path)
            for name, by_tool in results.items():
                outputs = {(out, code) for _, out, code in by_tool.values()}
                if len(outputs) != 1:
                    same = False
                    print(f"{name}: the outputs differ", file=sys.stderr)
                for tool, (seconds, _, _) in by_tool.items():
                    timings[name][tool].append(seconds)
    print(f"{OBJECTS} ConfigMaps from one file, median of {ROUNDS} rounds (outputs identical: {same}):")
    print(f"  {'step':16} {'pykubectl':>10} {'kubectl':>10} {'ratio':>7}")
    for name, by_tool in timings.items():
        ours, theirs = statistics.median(by_tool["pykubectl"]), statistics.median(by_tool["kubectl"])
        print(f"  {name:16} {ours:9.2f}s {theirs:9.2f}s {ours / theirs:7.2f}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
