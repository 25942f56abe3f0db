"""kubectl rollout pause: mark deployments as paused."""

from __future__ import annotations

import click

from pykubectl.commands.rollout._patching import PatchOptions, flags, patch_each
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Mark the provided resource as paused.\n\n Paused resources will not be reconciled by a controller. Use "
        "\"kubectl rollout resume\" to resume a paused resource. Currently only deployments support being paused.")
EXAMPLES = ("  # Mark the nginx deployment as paused\n  # Any current state of the deployment will continue its "
            "function; new updates\n  # to the deployment will not have an effect as long as the deployment is "
            "paused\n  kubectl rollout pause deployment/nginx")
USAGE = "RESOURCE [options]"


class PauseOptions(PatchOptions):
    pass


@click.command("pause", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@flags
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = PauseOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: PauseOptions, session) -> None:
    from pykubectl.resources.rollouts import pause_patch

    patch_each(options, session, pause_patch, "paused")
