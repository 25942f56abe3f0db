"""kubectl rollout: the verb group; each sub-verb is its own module in this package."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

_PKG = "pykubectl.commands.rollout"

ROLLOUT_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("history", f"{_PKG}.history", "View rollout history"),
    CommandSpec("pause", f"{_PKG}.pause", "Mark the provided resource as paused"),
    CommandSpec("restart", f"{_PKG}.restart", "Restart a resource"),
    CommandSpec("resume", f"{_PKG}.resume", "Resume a paused resource"),
    CommandSpec("status", f"{_PKG}.status", "Show the status of the rollout"),
    CommandSpec("undo", f"{_PKG}.undo", "Undo a previous rollout"),
)

HELP_TEXT = (
    'Manage the rollout of one or many resources.\n'
    '        \n'
    ' Valid resource types include:\n'
    '\n'
    '  *  deployments\n'
    '  *  daemonsets\n'
    '  *  statefulsets\n'
    '\n'
    'Examples:\n'
    '  # Rollback to the previous deployment\n'
    '  kubectl rollout undo deployment/abc\n'
    '  \n'
    '  # Check the rollout status of a daemonset\n'
    '  kubectl rollout status daemonset/foo\n'
    '  \n'
    '  # Restart a deployment\n'
    '  kubectl rollout restart deployment/abc\n'
    '  \n'
    "  # Restart deployments with the 'app=nginx' label\n"
    '  kubectl rollout restart deployment --selector=app=nginx\n'
    '\n'
    'Available Commands:\n'
    '{commands}\n'
    'Usage:\n'
    '  kubectl rollout SUBCOMMAND [options]\n'
    '\n'
    'Use "kubectl rollout <command> --help" for more information about a given command.\n'
    'Use "kubectl options" for a list of global command-line options (applies to all commands).\n'
    '\n'
)


class _RolloutGroup(KubectlGroup):
    def invoke(self, ctx):
        import click

        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if "Missing command" not in str(exc):
                raise
        # cobra's DefaultSubCommandRun: the help on stdout, then exit 1 with nothing on stderr
        from pykubectl.errors import PlainError

        error = PlainError("")
        error.stdout_text = self.get_help(ctx) + "\n"
        raise error

    def format_help(self, ctx, formatter):
        width = max(len(spec.name) for spec in ROLLOUT_COMMANDS) + 7
        rows = "".join(f"  {spec.name.ljust(width)}{spec.short_help}\n" for spec in ROLLOUT_COMMANDS)
        formatter.write(HELP_TEXT.format(commands=rows))


command = _RolloutGroup("rollout", specs=ROLLOUT_COMMANDS, help="Manage the rollout of one or many resources.",
                        no_args_is_help=False)
