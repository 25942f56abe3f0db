"""kubectl create service: Services of each type; each kind is its own module in this package."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

_PKG = "pykubectl.commands.create.service"

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec('clusterip', f"{_PKG}.clusterip", 'Create a ClusterIP service'),
    CommandSpec('externalname', f"{_PKG}.externalname", 'Create an ExternalName service'),
    CommandSpec('loadbalancer', f"{_PKG}.loadbalancer", 'Create a LoadBalancer service'),
    CommandSpec('nodeport', f"{_PKG}.nodeport", 'Create a NodePort service'),
)

HELP_TEXT = 'Create a service using a specified subcommand.\n\nAliases:\nservice, svc\n\nAvailable Commands:\n  clusterip      Create a ClusterIP service\n  externalname   Create an ExternalName service\n  loadbalancer   Create a LoadBalancer service\n  nodeport       Create a NodePort service\n\nUsage:\n  kubectl create service [flags] [options]\n\nUse "kubectl create service <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n'


class _Group(KubectlGroup):
    """cobra's help for a verb with sub-verbs; with none given kubectl prints it on stderr and fails."""

    def format_help(self, ctx, formatter):
        formatter.write(HELP_TEXT)

    def parse_args(self, ctx, args):
        if not args:
            from pykubectl.errors import PlainError

            raise PlainError(HELP_TEXT.rstrip("\n"))
        return super().parse_args(ctx, args)


command = _Group("service", specs=COMMANDS, help='Create a service using a specified subcommand.')
