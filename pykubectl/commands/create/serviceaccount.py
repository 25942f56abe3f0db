"""kubectl create serviceaccount: a ServiceAccount."""

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

HELP = 'Create a service account with the specified name.\n\nAliases:\nserviceaccount, sa'
EXAMPLES = '  # Create a new service account named my-service-account\n  kubectl create serviceaccount my-service-account'
USAGE = 'NAME [--dry-run=server|client|none] [options]'


@click.command('serviceaccount', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
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

    obj = generators.service_account(name, ns)
    prepared.send(session, obj, namespaced_path(session, "v1", "serviceaccounts"),
                  "failed to create serviceaccount: ")
