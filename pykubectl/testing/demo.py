"""`python -m pykubectl.testing.demo` (make run): a short scripted pykubectl session against the test server and
its simulated cluster (two nodes; nginx pods really answer on loopback ports; see pykubectl.testing.cluster).

pykubectl runs as a subprocess (`python -m pykubectl ...`), exactly as a user would run it; a command that
pykubectl does not have yet (its `--help` fails) is skipped with a note.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo
  labels: {app: demo}
spec:
  replicas: 2
  selector:
    matchLabels: {app: demo}
  template:
    metadata:
      labels: {app: demo}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""

SCRIPT: tuple[tuple[str, ...], ...] = (
    ("version",),
    ("api-versions",),
    ("api-resources", "--api-group=apps"),
    ("config", "get-contexts"),
    ("config", "view", "--minify"),
    ("auth", "whoami"),
    ("auth", "can-i", "create", "pods"),
    ("create", "namespace", "demo"),
    ("get", "nodes", "-o", "wide"),
    ("apply", "-f", "{manifest}", "-n", "demo"),
    ("rollout", "status", "deployment/demo", "-n", "demo", "--timeout=30s"),
    ("get", "deployments", "-n", "demo"),
    ("get", "deployment", "demo", "-n", "demo", "-o", "yaml"),
    ("get", "pods", "-n", "demo", "-o", "wide"),
    ("top", "nodes"),
    ("get", "pods", "-n", "shop", "-o", "wide"),
    ("logs", "web", "-n", "shop", "--tail=4"),
    ("get", "events", "-n", "shop"),
    ("get", "namespaces"),
    ("delete", "namespace", "demo"),
)


def _command_path(args: tuple[str, ...]) -> list[str]:
    """The verb words of a command line ("config view", "create namespace"), for the --help probe."""
    words = []
    for arg in args:
        if arg.startswith("-") or len(words) == 2:
            break
        words.append(arg)
    return words[:2] if words and words[0] in ("config", "auth", "create", "rollout", "set") else words[:1]


SEEDED_PODS = (  # written straight into the server, so that the cluster has something to show from the start
    {"name": "web", "labels": {"app": "web"}, "containers": [{"name": "nginx", "image": "nginx:1.27",
                                                              "ports": [{"containerPort": 80}]}]},
    {"name": "cache", "labels": {"app": "cache"}, "containers": [{"name": "redis", "image": "redis:7.4"}]},
    {"name": "hello", "restartPolicy": "Never", "containers": [
        {"name": "hello", "image": "busybox", "command": ["sh", "-c", "echo hello from the simulated cluster"]}]},
)


def _seed(server) -> None:
    cluster = server.cluster
    if cluster is None:
        return
    cluster.create("", "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    for pod in SEEDED_PODS:
        spec = {k: v for k, v in pod.items() if k not in ("name", "labels")}
        meta = {"name": pod["name"], "namespace": "shop", **({"labels": pod["labels"]} if "labels" in pod else {})}
        cluster.create("", "pods", {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
    server.settle(timeout=10)
    host_port = cluster.runtime.port_address("shop", "web", 80)
    if host_port is not None:  # one request, so that the nginx access log has a line
        import urllib.request

        with urllib.request.urlopen(f"http://{host_port[0]}:{host_port[1]}/", timeout=5) as response:
            response.read()


def main(argv: list[str] | None = None) -> int:
    from .threaded import FakeApiServer

    with tempfile.TemporaryDirectory(prefix="pykubectl-demo-") as scratch, FakeApiServer() as server:
        root = Path(scratch)
        kubeconfig = server.write_kubeconfig(root / "kubeconfig")
        manifest = root / "deployment.yaml"
        manifest.write_text(MANIFEST)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update(HOME=str(root), KUBECONFIG=str(kubeconfig))
        _seed(server)
        print(f"# test API server at {server.url}; KUBECONFIG={kubeconfig}\n", flush=True)
        for template in SCRIPT:
            args = tuple(a.replace("{manifest}", str(manifest)) for a in template)
            line = "pykubectl " + " ".join(shlex.quote(a) for a in args)
            probe = subprocess.run([sys.executable, "-m", "pykubectl", *_command_path(args), "--help"],
                                   env=env, capture_output=True, text=True, timeout=60)
            if probe.returncode != 0:
                print(f"$ {line}\n(skipped: not implemented yet)\n", flush=True)
                continue
            print(f"$ {line}", flush=True)
            try:
                result = subprocess.run([sys.executable, "-m", "pykubectl", *args], env=env,
                                        capture_output=True, text=True, timeout=60)
            except subprocess.TimeoutExpired:
                print("(gave up after 60 s)\n", flush=True)
                continue
            sys.stdout.write(result.stdout)
            sys.stdout.write(result.stderr)
            if result.returncode:
                print(f"(exit code {result.returncode})")
            print(flush=True)
    print("# test API server stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
