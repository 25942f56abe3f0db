"""kubectl create service loadbalancer: a LoadBalancer Service."""

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

HELP = 'Create a LoadBalancer service with the specified name.'
EXAMPLES = '  # Create a new LoadBalancer service named my-lbs\n  kubectl create service loadbalancer my-lbs --tcp=5678:8080'
USAGE = 'NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]'


@click.command('loadbalancer', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
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

    obj = generators.service(name, ns, service_type="LoadBalancer", tcp=flat(params.get("tcp")),
                             cluster_ip=params.get("clusterip") or "", node_port=params.get("node_port") or 0,
                             external_name=params.get("external_name") or "")
    prepared.send(session, obj, namespaced_path(session, "v1", "services"), "failed to create LoadBalancer service: ")
