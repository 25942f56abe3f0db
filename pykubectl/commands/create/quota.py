"""kubectl create quota: a ResourceQuota."""

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

HELP = 'Create a resource quota with the specified name, hard limits, and optional scopes.\n\nAliases:\nquota, resourcequota'
EXAMPLES = '  # Create a new resource quota named my-quota\n  kubectl create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,persistentvolumeclaims=10\n  \n  # Create a new resource quota named best-effort\n  kubectl create quota best-effort --hard=pods=100 --scopes=BestEffort'
USAGE = 'NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2] [--dry-run=server|client|none] [options]'


@click.command('quota', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--hard", help='A comma-delimited set of resource=quantity pairs that define a hard limit.')
@pflag.string("--scopes", help='A comma-delimited set of quota scopes that must all match each object tracked by the quota.')
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

    obj = generators.quota(name, ns, hard=params.get("hard") or "", scopes=params.get("scopes") or "")
    prepared.send(session, obj, namespaced_path(session, "v1", "resourcequotas"), "failed to create quota: ")
