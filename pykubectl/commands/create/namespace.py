"""kubectl create namespace: a Namespace."""

from __future__ import annotations

import click

from pykubectl.commands.create._common import (
    GeneratorCommand,
    GeneratorOutput,
    Prepared,
    generator_flags,
    name_and_command,
)
from pykubectl.flags.global_flags import current_session

HELP = 'Create a namespace with the specified name.\n\nAliases:\nnamespace, ns'
EXAMPLES = '  # Create a new namespace named my-namespace\n  kubectl create namespace my-namespace'
USAGE = 'NAME [--dry-run=server|client|none] [options]'


@click.command('namespace', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create._common import (
        canonical_path,
        cluster_path,
    )
    from pykubectl.resources import generators

    session = current_session()
    name, command_args = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"],
                                          canonical_path(ctx))
    prepared = Prepared(GeneratorOutput.from_flags(params))

    obj = generators.namespace(name)
    prepared.send(session, obj, cluster_path("v1", "namespaces"))
