"""kubectl alpha: kubectl 1.32 ships no alpha sub-commands, so the verb only says so (on stderr, exit 0)."""

from __future__ import annotations

import click

from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_streams

MESSAGE = "No alpha commands are available in this version of kubectl\n"


class _AlphaCommand(KubectlCommand):
    """Its help is the same message: kubectl's alpha has no children to list."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        remaining = super().parse_args(ctx, [a for a in args if a not in ("-h", "--help")])
        if any(a in ("-h", "--help") for a in args):
            current_streams().err.write(MESSAGE)
            ctx.exit(0)
        return remaining


@click.command("alpha", cls=_AlphaCommand, help="Commands for features in alpha")
@click.argument("args", nargs=-1)  # cobra ignores extra words here
def command(**params) -> None:
    current_streams().err.write(MESSAGE)
