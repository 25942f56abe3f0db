"""`python -m pykubectl.testing.demo` (make run): the walkthrough, played by pykubectl against the test server.

It starts the test API server with its simulated cluster (two nodes; nginx and redis containers really answer on
loopback ports; see pykubectl.testing.cluster), then runs pykubectl as a subprocess (`python -m pykubectl ...`),
exactly as a user would, over the manifests in examples/: two pods, `nginx-pod` and the two-container
`redis-nginx` (`key-value-store` and `frontend`). It stops the server and exits 0 when every step worked.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PORT_FORWARD = ("port-forward", "nginx-pod", "8080:80")

SCRIPT: tuple[tuple[str, ...], ...] = (
    ("get", "nodes"),
    ("apply", "-f", "{examples}"),
    ("wait", "--for=condition=Ready", "pod", "--all", "--timeout=60s"),
    ("get", "pods", "-o", "wide"),
    ("describe", "pod", "redis-nginx"),
    ("exec", "redis-nginx", "-c", "frontend", "--", "sh", "-c", 'echo "hello from the frontend of $HOSTNAME"'),
    PORT_FORWARD,
    ("logs", "nginx-pod", "--tail=1"),
    ("get", "namespaces"),
    ("api-resources", "--namespaced=false"),
    ("config", "current-context"),
    ("delete", "pod", "nginx-pod"),
)


class Demo:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.failures = 0

    @staticmethod
    def pykubectl(*args: str) -> list[str]:
        return [sys.executable, "-m", "pykubectl", *args]

    def run(self, args: tuple[str, ...]) -> None:
        if args == PORT_FORWARD and not _port_free(8080):
            print("# (local port 8080 is taken here: forwarding from a random local port instead)")
            args = (*args[:-1], ":80")
        print("$ pykubectl " + " ".join(shlex.quote(a) for a in args), flush=True)
        if args[0] == "port-forward":
            self._port_forward(args)
        else:
            try:
                result = subprocess.run(self.pykubectl(*args), env=self.env, capture_output=True, text=True,
                                        timeout=90)
            except subprocess.TimeoutExpired:
                self._failed("gave up after 90 s")
            else:
                sys.stdout.write(result.stdout + result.stderr)
                if result.returncode:
                    self._failed(f"exit code {result.returncode}")
        print(flush=True)

    def _port_forward(self, args: tuple[str, ...]) -> None:
        """Forward, fetch the nginx page through the tunnel, then stop with Ctrl-C as a user would."""
        process = subprocess.Popen(self.pykubectl(*args), env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        listening = threading.Event()
        local_port: list[int] = []

        def copy_output() -> None:  # pykubectl's own lines, as they come
            for line in process.stdout:
                sys.stdout.write(line)
                if line.startswith("Forwarding from 127.0.0.1:") and not local_port:
                    local_port.append(int(line.split(":", 1)[1].split()[0]))
                    listening.set()
            listening.set()

        reader = threading.Thread(target=copy_output, daemon=True)
        reader.start()
        fetched = ""
        try:
            if listening.wait(30) and local_port:
                time.sleep(0.2)  # let the [::1] line come first, as on a terminal
                with urllib.request.urlopen(f"http://127.0.0.1:{local_port[0]}/", timeout=10) as response:
                    page = response.read().decode()
                title = page.split("<title>", 1)[1].split("</title>", 1)[0] if "<title>" in page else "?"
                fetched = f"# curl http://127.0.0.1:{local_port[0]}/ -> HTTP {response.status}, <title>{title}</title>"
            else:
                self._failed("port-forward did not start")
        except OSError as exc:
            self._failed(f"fetching through the port-forward failed: {exc}")
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                self._failed("port-forward did not stop on Ctrl-C")
            reader.join(5)
        if fetched:
            print(fetched)

    def _failed(self, why: str) -> None:
        self.failures += 1
        print(f"({why})", flush=True)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    from .threaded import FakeApiServer

    with tempfile.TemporaryDirectory(prefix="pykubectl-demo-") as scratch, FakeApiServer() as server:
        root = Path(scratch)
        kubeconfig = server.write_kubeconfig(root / "kubeconfig")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update(HOME=str(root), KUBECONFIG=str(kubeconfig))
        print(f"# test API server at {server.url}; KUBECONFIG={kubeconfig}\n", flush=True)
        demo = Demo(env)
        started = time.monotonic()
        for template in SCRIPT:
            demo.run(tuple(a.replace("{examples}", str(EXAMPLES)) for a in template))
        print(f"# {len(SCRIPT)} commands in {time.monotonic() - started:.1f} s, {demo.failures} failed")
    print("# test API server stopped")
    return 1 if demo.failures else 0


if __name__ == "__main__":
    sys.exit(main())
