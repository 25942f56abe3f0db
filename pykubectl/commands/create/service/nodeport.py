"""kubectl create service nodeport: a NodePort Service."""

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

HELP = 'Create a NodePort service with the specified name.'
EXAMPLES = '  # Create a new NodePort service named my-ns\n  kubectl create service nodeport my-ns --tcp=5678:8080'
USAGE = 'NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]'


@click.command('nodeport', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.integer("--node-port", default=0, help='Port used to expose the service on each node in a cluster.')
@pflag.string_slice("--tcp", help="Port pairs can be specified as '<port>:<targetPort>'.")
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

    obj = generators.service(name, ns, service_type="NodePort", tcp=flat(params.get("tcp")),
                             cluster_ip=params.get("clusterip") or "", node_port=params.get("node_port") or 0,
                             external_name=params.get("external_name") or "")
    prepared.send(session, obj, namespaced_path(session, "v1", "services"), "failed to create NodePort service: ")
