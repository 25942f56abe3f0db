"""kubectl create job: a Job running an image, or one instantiated from a CronJob (--from)."""

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

HELP = 'Create a job with the specified name.'
EXAMPLES = '  # Create a job\n  kubectl create job my-job --image=busybox\n  \n  # Create a job with a command\n  kubectl create job my-job --image=busybox -- date\n  \n  # Create a job from a cron job named "a-cronjob"\n  kubectl create job test-job --from=cronjob/a-cronjob'
USAGE = 'NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...] [options]'


@click.command('job', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--from", help='The name of the resource to create a Job from (only cronjob is supported).')
@pflag.string("--image", help='Image name to run.')
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create._common import (
        canonical_path,
        enforced_namespace,
        namespaced_path,
    )
    from pykubectl.resources import generators

    session = current_session()
    name, command_args = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"],
                                          canonical_path(ctx))
    prepared = Prepared(GeneratorOutput.from_flags(params))
    ns = enforced_namespace(session)

    source = params.get("from_") or params.get("from") or ""
    image = params.get("image") or ""
    if bool(image) == bool(source):
        from pykubectl.errors import KubectlError

        raise KubectlError("either --image or --from must be specified")
    if command_args and source:
        from pykubectl.errors import KubectlError

        raise KubectlError("cannot specify --from and command")
    if image:
        obj = generators.job(name, ns, image=image, command=command_args)
    else:
        obj = generators.job_from_cronjob(name, ns, _cronjob(session, source))
    prepared.send(session, obj, namespaced_path(session, "batch/v1", "jobs"), "failed to create job: ")


def _cronjob(session, source: str) -> dict:
    """The builder's lookup of --from=cronjob/NAME (only cronjobs will do)."""
    from pykubectl.errors import KubectlError

    kind, _, cron_name = source.partition("/")
    if not cron_name:
        raise KubectlError("resource(s) were provided, but no name was specified")
    resource = session.mapper.resource_for(kind)
    if resource.plural != "cronjobs":
        raise KubectlError("from must be an existing cronjob")
    return session.client.get_json(resource.object_path(cron_name, session.namespace))
