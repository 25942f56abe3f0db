"""Start-up benchmark: `pykubectl version --client` against `kubectl version --client`, in one run.

Prints the median wall time of each and the ratio (pykubectl / kubectl). Not a timed test: it only
measures. Runs both interleaved so that machine noise hits both alike.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def real_kubectl() -> str | None:
    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else dispatcher


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    kubectl = real_kubectl()
    if kubectl is None:
        print("kubectl not found on PATH: nothing to compare against", file=sys.stderr)
        return 1
    ours = [sys.executable, "-m", "pykubectl", "version", "--client"]
    theirs = [kubectl, "version", "--client"]
    timed(ours), timed(theirs)  # warm the page cache and .pyc files
    ours_times, theirs_times = [], []
    for _ in range(ROUNDS):
        ours_times.append(timed(ours))
        theirs_times.append(timed(theirs))
    ours_ms = statistics.median(ours_times) * 1000
    theirs_ms = statistics.median(theirs_times) * 1000
    print(f"version --client, median of {ROUNDS}:")
    print(f"  pykubectl {ours_ms:7.1f} ms")
    print(f"  kubectl   {theirs_ms:7.1f} ms  ({kubectl})")
    print(f"  ratio     {ours_ms / theirs_ms:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
