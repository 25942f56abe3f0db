"""kubectl plugin (list): the kubectl-* executables visible on PATH, with kubectl's warnings."""

from __future__ import annotations

import os
from dataclasses import dataclass

import click

from pykubectl.errors import PlainError
from pykubectl.flags import pflag
from pykubectl.flags.command import CommandSpec, KubectlCommand, KubectlGroup
from pykubectl.flags.global_flags import current_streams

EXAMPLES = ("  # List all available plugins\n  kubectl plugin list\n  \n"
            "  # List only binary names of available plugins without paths\n  kubectl plugin list --name-only")

GROUP_HELP = (
    "Provides utilities for interacting with plugins.\n\n"
    " Plugins provide extended functionality that is not part of the major command-line distribution. Please "
    "refer to the documentation and examples for more information about how write your own plugins.\n\n"
    " The easiest way to discover and install plugins is via the kubernetes sub-project krew: "
    "[krew.sigs.k8s.io]. To install krew, visit https://krew.sigs.k8s.io/docs/user-guide/setup/install\n\n"
    f"Examples:\n{EXAMPLES}\n\n"
    "Available Commands:\n"
    "  list          List all visible plugin executables on a user's PATH\n\n"
    "Usage:\n  kubectl plugin [flags] [options]\n\n"
    'Use "kubectl plugin <command> --help" for more information about a given command.\n'
    'Use "kubectl options" for a list of global command-line options (applies to all commands).\n'
)

LIST_HELP = (
    "List all available plugin files on a user's PATH. To see plugins binary names without the full path use "
    "--name-only flag.\n\n"
    ' Available plugin files are those that are: - executable - anywhere on the user\'s PATH - begin with "kubectl-"'
)


@dataclass(frozen=True)
class PluginListOptions:
    name_only: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> PluginListOptions:
        return cls(name_only=bool(params.get("name_only")))

    def validate(self) -> None:
        """Arguments are ignored, as kubectl's `plugin list` does."""


@click.command("list", cls=KubectlCommand, help=LIST_HELP, examples=EXAMPLES, usage="[flags] [options]")
@pflag.boolean("--name-only",
               help="If true, display only the binary name of each plugin, rather than its full path")
@click.argument("args", nargs=-1)
def list_command(**params) -> None:
    options = PluginListOptions.from_flags(params)
    options.validate()
    run(options, click.get_current_context().find_root())


def run(options: PluginListOptions, root_ctx: click.Context) -> None:
    """PluginListOptions.Run: paths (or names) on stdout, warnings on stderr, one error summing them up."""
    from pykubectl.resources.plugins import list_plugins, verify

    streams = current_streams()
    listing = list_plugins()
    for line in listing.skipped:
        streams.err.write(line + "\n")
    errors = list(listing.errors)
    if listing.paths:
        streams.out.write("The following compatible plugins are available:\n\n")
    else:
        errors.append("error: unable to find any kubectl plugins in your PATH")
    warnings = 0
    problems = verify(listing.paths, lambda words: _builtin_path(root_ctx, words))
    for path, found in zip(listing.paths, problems, strict=True):
        streams.out.write((os.path.basename(path) if options.name_only else path) + "\n")
        for problem in found:
            streams.err.write(f"  - {problem}\n")
            warnings += 1
    if warnings == 1:
        errors.append("error: one plugin warning was found")
    elif warnings:
        errors.append(f"error: {warnings} plugin warnings were found")
    if errors:
        streams.out.flush()
        raise PlainError("".join(e + "\n" for e in errors))


def _builtin_path(root_ctx: click.Context, words: list[str]) -> str | None:
    """cobra's Find from the root: the deepest command the words name, or None when the first is unknown."""
    words = [w for w in words if w and not w.startswith("-")]
    if not words:
        return None
    if words[0] in ("alpha", "help", "__complete", "__completeNoDesc"):  # cobra's and hidden commands
        return f"kubectl {words[0]}"
    from pykubectl.resources.plugins import CREATE_SUBCOMMANDS

    group = root_ctx.command
    path = ["kubectl"]
    for depth, word in enumerate(words):
        if path == ["kubectl", "create"] and word in CREATE_SUBCOMMANDS:  # create's generators, aliases too
            path.append(CREATE_SUBCOMMANDS[word])
            break
        if not isinstance(group, KubectlGroup) or word not in group.specs:
            break
        path.append(word)
        group = group.get_command(root_ctx, word) if depth + 1 < len(words) else None
    return " ".join(path) if len(path) > 1 else None


class _PluginGroup(KubectlGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if "Missing command" not in str(exc):
                raise
        # cobra's DefaultSubCommandRun(ErrOut): the help on stderr, then exit 1 with no message
        current_streams().err.write(GROUP_HELP)
        raise PlainError("")

    def get_command(self, ctx, name):
        if name != "list":
            return None
        list_command.short_help = self.specs[name].short_help
        return list_command

    def format_help(self, ctx, formatter):
        formatter.write(GROUP_HELP)


command = _PluginGroup("plugin", specs=(CommandSpec("list", "pykubectl.commands.plugin",
                                                    "List all visible plugin executables on a user's PATH"),),
                       help="Provides utilities for interacting with plugins.", no_args_is_help=False)

