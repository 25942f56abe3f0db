"""kubectl options: print the flags every command accepts."""

from __future__ import annotations

import os

import click

from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import GLOBAL_FLAGS, current_streams


def render_options() -> str:
    lines = ["The following options can be passed to any command:", ""]
    for flag in GLOBAL_FLAGS:
        default = flag.default
        if flag.long == "cache-dir":  # kubectl shows the expanded default
            default = "'" + os.path.join(os.path.expanduser("~"), ".kube", "cache") + "'"
        names = f"-{flag.short}, --{flag.long}" if flag.short else f"--{flag.long}"
        lines += [f"    {names}={default}:", f"\t{flag.help}", ""]
    return "\n".join(lines) + "\n"


@click.command("options", cls=KubectlCommand)
def command() -> None:
    current_streams().out.write(render_options())
