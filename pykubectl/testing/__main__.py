"""`python -m pykubectl.testing serve [--port N] [--kubeconfig PATH] [--realistic]`: run the test API server.

The simulated cluster behind it RUNS CONTAINER COMMANDS AS LOCAL PROCESSES of the user running the server
(see pykubectl.testing.cluster); it listens on 127.0.0.1 only and every request needs its credentials.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pykubectl.testing",
                                     description="A Kubernetes API server for tests and demos.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve on 127.0.0.1 until SIGINT or SIGTERM")
    serve.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    serve.add_argument("--kubeconfig", default=None,
                       help="write a kubeconfig here: contexts token-admin (current), cert-admin and limited")
    serve.add_argument("--namespace", default=None, help="namespace for the kubeconfig contexts")
    serve.add_argument("--realistic", action="store_true",
                       help="simulated cluster with the delays a person would see (image pulls, back-offs, grace "
                            "periods); default: react at once")
    serve.add_argument("--no-cluster", action="store_true",
                       help="a plain API server: no nodes, scheduler, kubelet or controllers")
    args = parser.parse_args(argv)

    from .threaded import FakeApiServer

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with FakeApiServer(port=args.port, realistic=args.realistic, simulate=not args.no_cluster) as server:
        if args.kubeconfig:
            server.write_kubeconfig(args.kubeconfig, namespace=args.namespace)
        print(server.url, flush=True)
        if args.kubeconfig:
            print(f"kubeconfig written to {args.kubeconfig}", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
