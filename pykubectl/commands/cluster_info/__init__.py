"""kubectl cluster-info: the control plane address and the cluster services labelled cluster-service=true."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import ApiError
from pykubectl.flags.command import KubectlCommand, render_command_help
from pykubectl.flags.global_flags import current_session

CLUSTER_SERVICE_SELECTOR = "kubernetes.io/cluster-service=true"
DUMP_HINT = "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
EXAMPLES = "  # Print the address of the control plane and cluster services\n  kubectl cluster-info"


DUMP_SHORT = "Dump relevant information for debugging and diagnosis"
AVAILABLE = f"Available Commands:\n  dump          {DUMP_SHORT}\n"
SUBCOMMANDS = {"dump": ("pykubectl.commands.cluster_info.dump", DUMP_SHORT)}


class _ClusterInfoCommand(KubectlCommand):
    """cobra's cluster-info with its one child: a first positional word `dump` hands the rest to it."""

    def make_context(self, info_name, args, parent=None, **extra):
        index = _first_word(self, list(args))
        if index is not None and args[index] == "dump":
            rest = list(args[:index]) + list(args[index + 1:])
            outer = click.Context(click.Command(info_name), info_name=info_name, parent=parent)
            import importlib

            dump = importlib.import_module(SUBCOMMANDS["dump"][0]).command
            return dump.make_context("dump", rest, parent=outer, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)

    def format_help(self, ctx, formatter):
        text = render_command_help(self, ctx.command_path)
        text = text.replace("\n\nUsage:\n", "\n\n" + AVAILABLE + "\nUsage:\n", 1)
        text = text.replace('\nUse "kubectl options"',
                            f'\nUse "{ctx.command_path} <command> --help" for more information about a given '
                            'command.\nUse "kubectl options"', 1)
        formatter.write(text)


def _first_word(command, args: list[str]) -> int | None:
    """Where the first non-flag argument is, skipping the values of the command's and the global flags."""
    from pykubectl.flags.global_flags import global_specs
    from pykubectl.flags.pflag import specs_of

    specs = [*specs_of(command), *global_specs()]
    valued = {f"--{s.long}" for s in specs if s.long and s.takes_value and s.no_opt_default is None}
    valued |= {f"-{s.short}" for s in specs if s.short and s.takes_value}
    # cobra looks for the child before it adds the help flag, so -h/--help then count as taking a value
    valued |= {"-h", "--help"}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if arg.startswith("-") and arg != "-":
            i += 2 if arg in valued else 1
            continue
        return i
    return None


@dataclass(frozen=True)
class ClusterInfoOptions:
    """cluster-info has no flags of its own; extra words are ignored, as cobra does for a command with children."""

    @classmethod
    def from_flags(cls, params: dict) -> ClusterInfoOptions:
        return cls()

    def validate(self) -> None:
        return None


@click.command("cluster-info", cls=_ClusterInfoCommand, examples=EXAMPLES,
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

