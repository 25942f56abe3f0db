"""kubectl set: change one feature of existing objects (image, env, resources, selector, serviceaccount,
subject); each sub-verb is its own module in this package."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

_PKG = "pykubectl.commands.set"

SET_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("env", f"{_PKG}.env", "Update environment variables on a pod template"),
    CommandSpec("image", f"{_PKG}.image", "Update the image of a pod template"),
    CommandSpec("resources", f"{_PKG}.resources", "Update resource requests/limits on objects with pod templates"),
    CommandSpec("selector", f"{_PKG}.selector", "Set the selector on a resource"),
    CommandSpec("serviceaccount", f"{_PKG}.serviceaccount", "Update the service account of a resource"),
    CommandSpec("sa", f"{_PKG}.serviceaccount", "Update the service account of a resource", hidden=True),
    CommandSpec("subject", f"{_PKG}.subject",
                "Update the user, group, or service account in a role binding or cluster role binding"),
)

class _SetGroup(KubectlGroup):
    """cobra's layout for a verb with sub-verbs: "Available Commands", and the help on stderr when none is given."""

    def format_help(self, ctx, formatter):
        formatter.write(_help(ctx.command_path))

    def parse_args(self, ctx, args):
        if not args:
            from pykubectl.errors import PlainError

            raise PlainError(_help(ctx.command_path).rstrip("\n"))
        return super().parse_args(ctx, args)


def _help(path: str) -> str:
    lines = [command.help, "", "Available Commands:"]
    lines += [f"  {spec.name.ljust(17)}{spec.short_help}" for spec in SET_COMMANDS if not spec.hidden]
    lines += ["", "Usage:", f"  {path} SUBCOMMAND [options]", "",
              f'Use "{path} <command> --help" for more information about a given command.',
              'Use "kubectl options" for a list of global command-line options (applies to all commands).', ""]
    return "\n".join(lines)


command = _SetGroup(
    "set",
    specs=SET_COMMANDS,
    help="Configure application resources.\n\n These commands help you make changes to existing application "
    "resources.",
)
