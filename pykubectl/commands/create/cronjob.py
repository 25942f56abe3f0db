"""kubectl create cronjob: a CronJob running an image on a schedule."""

from __future__ import annotations

import click

from pykubectl.commands.create._common import (
    GeneratorCommand,
    GeneratorOutput,
    Prepared,
    generator_flags,
    name_and_command,
)
from pykubectl.flags import pflag
from pykubectl.flags.global_flags import current_session

HELP = 'Create a cron job with the specified name.\n\nAliases:\ncronjob, cj'
EXAMPLES = '  # Create a cron job\n  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *"\n  \n  # Create a cron job with a command\n  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date'
USAGE = "NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...] [flags] [options]"


@click.command('cronjob', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--image", help='Image name to run.')
@pflag.string("--restart", help="job's restart policy. supported values: OnFailure, Never")
@pflag.string("--schedule", help='A schedule in the Cron format the job should be run with.')
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create._common import (
        canonical_path,
        enforced_namespace,
        namespaced_path,
        require_flags,
    )
    from pykubectl.resources import generators

    require_flags(params, "image", "schedule")
    session = current_session()
    name, command_args = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"],
                                          canonical_path(ctx))
    prepared = Prepared(GeneratorOutput.from_flags(params))
    ns = enforced_namespace(session)

    obj = generators.cronjob(name, ns, image=params.get("image") or "", schedule=params.get("schedule") or "",
                             restart=params.get("restart") or "", command=command_args)
    prepared.send(session, obj, namespaced_path(session, "batch/v1", "cronjobs"), "failed to create cronjob: ")
