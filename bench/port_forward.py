"""`port-forward` throughput and request latency: pykubectl against the real kubectl on one test API server.

Starts pykubectl.testing's server with its simulated cluster, runs an nginx pod and a redis pod, then for each
tool starts `port-forward` and measures:

* throughput: a BENCH_MB-megabyte value SET into redis and read back with GET through the forward, MB/s for
  the round trip of both copies (client → pod and pod → client);
* latency: BENCH_REQUESTS sequential HTTP GETs to nginx, each on a new connection (so each opens a new
  forwarded stream, as a browser's or curl's requests do), median and p90 in milliseconds;
* concurrency: 100 parallel GETs, wall time.

Both multiplex every connection over one SPDY-in-websocket tunnel (PROTOCOLS.md §7.1); set
PYKUBECTL_PORT_FORWARD_TUNNEL=false to measure pykubectl's plain protocol, one websocket per connection (§7.2).
The figures move with the machine's load: compare the two rows of one run. Run: `python bench/port_forward.py`.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MEGABYTES = int(os.environ.get("BENCH_MB", "32"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
FORWARDING = re.compile(r"^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)$")

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: web}
spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: cache}
spec: {containers: [{name: redis, image: redis, ports: [{containerPort: 6379}]}]}
"""


def real_kubectl() -> str | None:
    import shutil

    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / "kubectl.1.32"
    return str(candidate) if candidate.exists() else dispatcher


def start_forward(argv: list[str], env: dict[str, str], target: str, remote: int) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([*argv, "port-forward", target, f":{remote}"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{argv[0]} port-forward ended early")
        match = FORWARDING.match(line.strip())
        if match:
            return proc, int(match.group(1))


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _read_line(sock: socket.socket, buffer: bytearray) -> bytes:
    while b"\r\n" not in buffer:
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    line, _, rest = bytes(buffer).partition(b"\r\n")
    buffer[:] = rest
    return line


def redis_round_trip(port: int, size: int) -> float:
    value = os.urandom(size // 2).hex().encode()[:size]
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        buffer = bytearray()
        started = time.perf_counter()
        sock.sendall(b"*3\r\n$3\r\nSET\r\n$5\r\nbench\r\n$%d\r\n" % len(value) + value + b"\r\n")
        assert _read_line(sock, buffer) == b"+OK"
        sock.sendall(b"*2\r\n$3\r\nGET\r\n$5\r\nbench\r\n")
        header = _read_line(sock, buffer)
        assert header == b"$%d" % len(value), header
        while len(buffer) < len(value) + 2:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("closed")
            buffer += chunk
        elapsed = time.perf_counter() - started
        assert bytes(buffer[:len(value)]) == value
    return elapsed


def http_get(port: int) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
        assert response.status == 200
        response.read()
    return time.perf_counter() - started


def measure(argv: list[str], env: dict[str, str]) -> dict[str, float]:
    cache, cache_port = start_forward(argv, env, "cache", 6379)
    web, web_port = start_forward(argv, env, "web", 80)
    try:
        http_get(web_port)  # warm up
        throughput = []
        for _ in range(ROUNDS):
            elapsed = redis_round_trip(cache_port, MEGABYTES * 1024 * 1024)
            throughput.append(2 * MEGABYTES / elapsed)
        latencies = sorted(http_get(web_port) * 1000 for _ in range(REQUESTS))
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(100) as pool:
            list(pool.map(lambda _: http_get(web_port), range(100)))
        concurrent_wall = time.perf_counter() - started
    finally:
        stop(cache)
        stop(web)
    return {"MB/s": statistics.median(throughput), "median ms": statistics.median(latencies),
            "p90 ms": latencies[int(len(latencies) * 0.9)], "100 parallel s": concurrent_wall}


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pykubectl.testing.threaded import FakeApiServer

    kubectl = real_kubectl()
    with FakeApiServer() as server, tempfile.TemporaryDirectory() as home:
        kubeconfig = server.write_kubeconfig(Path(home) / "kubeconfig")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update({"HOME": home, "KUBECONFIG": str(kubeconfig)})
        tools = {"pykubectl": [sys.executable, "-m", "pykubectl"]}
        if kubectl:
            tools = {"kubectl": [kubectl], **tools}
        setup = next(iter(tools.values()))
        subprocess.run([*setup, "apply", "-f", "-"], input=PODS, text=True, env=env, check=True,
                       capture_output=True)
        for _ in range(100):
            server.settle()
            phases = subprocess.run([*setup, "get", "pods", "-o", "jsonpath={.items[*].status.phase}"], env=env,
                                    capture_output=True, text=True).stdout
            if phases == "Running Running":
                break
            time.sleep(0.1)
        print(f"port-forward: {MEGABYTES} MB redis SET+GET x{ROUNDS}, {REQUESTS} sequential GETs, 100 parallel GETs")
        print(f"{'tool':<10} {'MB/s':>8} {'median ms':>10} {'p90 ms':>8} {'100 parallel s':>15}")
        for name, argv in tools.items():
            figures = measure(argv, env)
            print(f"{name:<10} {figures['MB/s']:>8.1f} {figures['median ms']:>10.2f} {figures['p90 ms']:>8.2f} "
                  f"{figures['100 parallel s']:>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
