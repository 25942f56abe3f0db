"""kubectl create clusterrolebinding: a ClusterRoleBinding."""

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

HELP = 'Create a cluster role binding for a particular cluster role.'
EXAMPLES = '  # Create a cluster role binding for user1, user2, and group1 using the cluster-admin cluster role\n  kubectl create clusterrolebinding cluster-admin --clusterrole=cluster-admin --user=user1 --user=user2 --group=group1'
USAGE = 'NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none] [options]'


@click.command('clusterrolebinding', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--clusterrole", help='ClusterRole this ClusterRoleBinding should reference')
@pflag.string_array("--group", help='Groups to bind to the clusterrole. The flag can be repeated to add multiple groups.')
@pflag.string_array("--serviceaccount", help='Service accounts to bind to the clusterrole, in the format <namespace>:<name>. The flag can be repeated to add multiple service accounts.')
@pflag.string_array("--user", help='Usernames to bind to the clusterrole. The flag can be repeated to add multiple users.')
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

    obj = generators.cluster_role_binding(name, cluster_role=params.get("clusterrole") or "",
                                          users=flat(params.get("user")),
                                          groups=flat(params.get("group")),
                                          service_accounts=flat(params.get("serviceaccount")))
    prepared.send(session, obj, cluster_path("rbac.authorization.k8s.io/v1", "clusterrolebindings"),
                  "failed to create clusterrolebinding: ")
