"""kubectl auth: the verb group (can-i, reconcile, whoami); each sub-verb is its own module in this package."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

_PKG = "pykubectl.commands.auth"

AUTH_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("can-i", f"{_PKG}.can_i", "Check whether an action is allowed"),
    CommandSpec("reconcile", f"{_PKG}.reconcile",
                "Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects"),
    CommandSpec("whoami", f"{_PKG}.whoami", "Experimental: Check self subject attributes"),
)

HELP_TEXT = (
    "Inspect authorization.\n"
    "\n"
    "Available Commands:\n"
    "{commands}"
    "\n"
    "Usage:\n"
    "  kubectl auth [flags] [options]\n"
    "\n"
    'Use "kubectl auth <command> --help" for more information about a given command.\n'
    'Use "kubectl options" for a list of global command-line options (applies to all commands).\n'
)


class _AuthGroup(KubectlGroup):
    def invoke(self, ctx):
        import click

        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if "Missing command" not in str(exc):
                raise
        # cobra's DefaultSubCommandRun(streams.ErrOut): the help on stderr, then exit 1
        from pykubectl.errors import PlainError

        raise PlainError(self.get_help(ctx))

    def format_help(self, ctx, formatter):
        width = max(11, *(len(spec.name) for spec in AUTH_COMMANDS)) + 3  # cobra pads names to at least 11, then a gap
        rows = "".join(f"  {spec.name.ljust(width)}{spec.short_help}\n" for spec in AUTH_COMMANDS)
        formatter.write(HELP_TEXT.format(commands=rows))


command = _AuthGroup("auth", specs=AUTH_COMMANDS, help="Inspect authorization.", no_args_is_help=False)
