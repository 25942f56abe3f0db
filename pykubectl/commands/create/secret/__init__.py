"""kubectl create secret: Secrets of several types; each kind is its own module in this package."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

_PKG = "pykubectl.commands.create.secret"

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec('docker-registry', f"{_PKG}.docker_registry", 'Create a secret for use with a Docker registry'),
    CommandSpec('generic', f"{_PKG}.generic", 'Create a secret from a local file, directory, or literal value'),
    CommandSpec('tls', f"{_PKG}.tls", 'Create a TLS secret'),
)

HELP_TEXT = 'Create a secret with specified type.\n\n A docker-registry type secret is for accessing a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n A tls type secret holds TLS certificate and its associated key.\n\nAvailable Commands:\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n  tls               Create a TLS secret\n\nUsage:\n  kubectl create secret (docker-registry | generic | tls) [options]\n\nUse "kubectl create secret <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n'


class _Group(KubectlGroup):
    """cobra's help for a verb with sub-verbs; with none given kubectl prints it on stderr and fails."""

    def format_help(self, ctx, formatter):
        formatter.write(HELP_TEXT)

    def parse_args(self, ctx, args):
        if not args:
            from pykubectl.errors import PlainError

            raise PlainError(HELP_TEXT.rstrip("\n"))
        return super().parse_args(ctx, args)


command = _Group("secret", specs=COMMANDS, help='Create a secret with specified type.')
