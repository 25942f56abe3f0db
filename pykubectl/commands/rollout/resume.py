"""kubectl rollout resume: resume paused deployments."""

from __future__ import annotations

import click

from pykubectl.commands.rollout._patching import PatchOptions, flags, patch_each
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Resume a paused resource.\n\n Paused resources will not be reconciled by a controller. By resuming a "
        "resource, we allow it to be reconciled again. Currently only deployments support being resumed.")
EXAMPLES = "  # Resume an already paused deployment\n  kubectl rollout resume deployment/nginx"
USAGE = "RESOURCE [options]"


class ResumeOptions(PatchOptions):
    pass


@click.command("resume", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@flags
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ResumeOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: ResumeOptions, session) -> None:
    from pykubectl.resources.rollouts import resume_patch

    patch_each(options, session, resume_patch, "resumed")
