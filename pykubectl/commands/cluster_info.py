"""kubectl cluster-info: the control plane address and the cluster services labelled cluster-service=true."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import ApiError, KubectlError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

CLUSTER_SERVICE_SELECTOR = "kubernetes.io/cluster-service=true"
DUMP_HINT = "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
EXAMPLES = "  # Print the address of the control plane and cluster services\n  kubectl cluster-info"


@dataclass(frozen=True)
class ClusterInfoOptions:
    dump: bool

    @classmethod
    def from_flags(cls, params: dict) -> ClusterInfoOptions:
        args = tuple(params.get("args") or ())
        return cls(dump=bool(args) and args[0] == "dump")

    def validate(self) -> None:
        if self.dump:
            raise KubectlError("cluster-info dump is not implemented by pykubectl")


@click.command("cluster-info", cls=KubectlCommand, examples=EXAMPLES,
               help="Display addresses of the control plane and services with label "
                    "kubernetes.io/cluster-service=true. To further debug and diagnose cluster problems, "
                    "use 'kubectl cluster-info dump'.")
@click.argument("args", nargs=-1)  # kubectl ignores extra words (only `dump` is a sub-command)
def command(**params) -> None:
    options = ClusterInfoOptions.from_flags(params)
    options.validate()
    run(options, current_session(namespace_first=False))


def run(options: ClusterInfoOptions, session) -> None:
    settings = session.settings
    # Only the -n flag counts here, not the context's namespace (cmdutil.GetFlagString(cmd, "namespace")).
    namespace = session.overrides.namespace or "kube-system"
    out = session.streams.out
    try:
        services_type = session.mapper.resource_for("services")
        params = {"labelSelector": CLUSTER_SERVICE_SELECTOR}
        try:
            listing = session.client.get_json(services_type.collection_path(namespace), params)
        except ApiError as exc:
            if exc.reason in ("NotFound", "BadRequest"):  # cli-runtime EnhanceListError
                subject = str(services_type.gvr)
                exc.args = (f'Unable to find "{subject}" that match label selector '
                            f'"{CLUSTER_SERVICE_SELECTOR}", field selector "": {exc}',)
            raise
        out.write(f"Kubernetes control plane is running at {settings.server}\n")
        for service in listing.get("items") or []:
            out.write(_service_line(service, settings.server))
    finally:
        out.write(DUMP_HINT)


def _service_line(service: dict, host: str) -> str:
    metadata = service.get("metadata") or {}
    spec = service.get("spec") or {}
    ports = spec.get("ports") or []
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        ip = ingress[0].get("ip") or ingress[0].get("hostname") or ""
        link = "".join(f"http://{ip}:{port.get('port', 0)} " for port in ports)
    else:
        name = metadata.get("name", "")
        if ports:
            port = ports[0]
            port_name = port.get("name") or ""
            scheme = "https" if port_name == "https" or port.get("port") == 443 else ""
            if scheme:
                name = f"{scheme}:{name}:{port_name}"
            elif port_name:
                name = f"{name}:{port_name}"
        link = f"{host}/api/v1/namespaces/{metadata.get('namespace', '')}/services/{name}/proxy"
    label = (metadata.get("labels") or {}).get("kubernetes.io/name") or metadata.get("name", "")
    return f"{label} is running at {link}\n"
