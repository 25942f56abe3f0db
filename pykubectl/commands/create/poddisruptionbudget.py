"""kubectl create poddisruptionbudget: a PodDisruptionBudget for the pods a selector picks."""

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

HELP = 'Create a pod disruption budget with the specified name, selector, and desired minimum available pods.\n\nAliases:\npoddisruptionbudget, pdb'
EXAMPLES = '  # Create a pod disruption budget named my-pdb that will select all pods with the app=rails label\n  # and require at least one of them being available at any point in time\n  kubectl create poddisruptionbudget my-pdb --selector=app=rails --min-available=1\n  \n  # Create a pod disruption budget named my-pdb that will select all pods with the app=nginx label\n  # and require at least half of the pods selected to be available at any point in time\n  kubectl create pdb my-pdb --selector=app=nginx --min-available=50%'
USAGE = 'NAME --selector=SELECTOR --min-available=N [--dry-run=server|client|none] [options]'


@click.command('poddisruptionbudget', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--max-unavailable", help='The maximum number or percentage of unavailable pods this budget requires.')
@pflag.string("--min-available", help='The minimum number or percentage of available pods this budget requires.')
@pflag.string("--selector", help='A label selector to use for this budget. Only equality-based selector requirements are supported.')
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

    obj = generators.pdb(name, ns, selector=params.get("selector") or "",
                         min_available=params.get("min_available") or "",
                         max_unavailable=params.get("max_unavailable") or "")
    prepared.send(session, obj, namespaced_path(session, "policy/v1", "poddisruptionbudgets"),
                  "failed to create poddisruptionbudgets: ")
