"""kubectl create deployment: a Deployment running the given images."""

from __future__ import annotations

import click

from pykubectl.commands.create._common import (
    GeneratorCommand,
    GeneratorOutput,
    Prepared,
    flat,
    generator_flags,
    name_and_command,
)
from pykubectl.flags import pflag
from pykubectl.flags.global_flags import current_session

HELP = 'Create a deployment with the specified name.\n\nAliases:\ndeployment, deploy'
EXAMPLES = '  # Create a deployment named my-dep that runs the busybox image\n  kubectl create deployment my-dep --image=busybox\n  \n  # Create a deployment with a command\n  kubectl create deployment my-dep --image=busybox -- date\n  \n  # Create a deployment named my-dep that runs the nginx image with 3 replicas\n  kubectl create deployment my-dep --image=nginx --replicas=3\n  \n  # Create a deployment named my-dep that runs the busybox image and expose port 5701\n  kubectl create deployment my-dep --image=busybox --port=5701\n  \n  # Create a deployment named my-dep that runs multiple containers\n  kubectl create deployment my-dep --image=busybox:latest --image=ubuntu:latest --image=nginx'
USAGE = 'NAME --image=image -- [COMMAND] [args...] [options]'


@click.command('deployment', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string_slice("--image", help='Image names to run. A deployment can have multiple images set for multi-container pod.')
@pflag.integer("--port", default=-1, help='The containerPort that this deployment exposes.')
@pflag.integer("-r", "--replicas", default=1, help='Number of replicas to create. Default is 1.')
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

    require_flags(params, "image")
    session = current_session()
    name, command_args = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"],
                                          canonical_path(ctx))
    prepared = Prepared(GeneratorOutput.from_flags(params))
    ns = enforced_namespace(session)

    obj = generators.deployment(name, ns, images=flat(params.get("image")), replicas=params["replicas"],
                                port=params["port"], command=command_args)
    prepared.send(session, obj, namespaced_path(session, "apps/v1", "deployments"),
                  "failed to create deployment: ")
