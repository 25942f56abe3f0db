"""kubectl create priorityclass: a PriorityClass."""

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

HELP = 'Create a priority class with the specified name, value, globalDefault and description.\n\nAliases:\npriorityclass, pc'
EXAMPLES = '  # Create a priority class named high-priority\n  kubectl create priorityclass high-priority --value=1000 --description="high priority"\n  \n  # Create a priority class named default-priority that is considered as the global default priority\n  kubectl create priorityclass default-priority --value=1000 --global-default=true --description="default priority"\n  \n  # Create a priority class named high-priority that cannot preempt pods with lower priority\n  kubectl create priorityclass high-priority --value=1000 --description="high priority" --preemption-policy="Never"'
USAGE = 'NAME --value=VALUE --global-default=BOOL [--dry-run=server|client|none] [options]'


@click.command('priorityclass', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--description", help='description is an arbitrary string that usually provides guidelines on when this priority class should be used.')
@pflag.boolean("--global-default", help='global-default specifies whether this PriorityClass should be considered as the default priority.')
@pflag.string("--preemption-policy", default='PreemptLowerPriority', help='preemption-policy is the policy for preempting pods with lower priority.')
@pflag.integer("--value", default=0, help='the value of this priority class.')
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

    obj = generators.priority_class(name, value=params.get("value") or 0,
                                    global_default=bool(params.get("global_default")),
                                    description=params.get("description") or "",
                                    preemption_policy=params.get("preemption_policy") or "")
    prepared.send(session, obj, cluster_path("scheduling.k8s.io/v1", "priorityclasses"),
                  "failed to create priorityclass: ")
