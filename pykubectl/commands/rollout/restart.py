"""kubectl rollout restart: a new rollout through the kubectl.kubernetes.io/restartedAt template annotation."""

from __future__ import annotations

import click

from pykubectl.commands.rollout._patching import PatchOptions, flags, patch_each
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Restart a resource.\n\n        Resource rollout will be restarted."
EXAMPLES = ("  # Restart all deployments in the test-namespace namespace\n"
            "  kubectl rollout restart deployment -n test-namespace\n  \n"
            "  # Restart a deployment\n  kubectl rollout restart deployment/nginx\n  \n"
            "  # Restart a daemon set\n  kubectl rollout restart daemonset/abc\n  \n"
            "  # Restart deployments with the app=nginx label\n"
            "  kubectl rollout restart deployment --selector=app=nginx")
USAGE = "RESOURCE [options]"


class RestartOptions(PatchOptions):
    pass


@click.command("restart", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@flags
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = RestartOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: RestartOptions, session) -> None:
    from datetime import datetime

    from pykubectl.resources.rollouts import restart_patch

    now = datetime.now().astimezone().replace(microsecond=0).isoformat()
    if now.endswith("+00:00"):
        now = now[:-6] + "Z"
    patch_each(options, session, lambda obj: restart_patch(obj, now), "restarted")
