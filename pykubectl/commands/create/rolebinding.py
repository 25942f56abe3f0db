"""kubectl create rolebinding: a RoleBinding to a Role or ClusterRole."""

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

HELP = 'Create a role binding for a particular role or cluster role.'
EXAMPLES = '  # Create a role binding for user1, user2, and group1 using the admin cluster role\n  kubectl create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1\n  \n  # Create a role binding for service account monitoring:sa-dev using the admin role\n  kubectl create rolebinding admin-binding --role=admin --serviceaccount=monitoring:sa-dev'
USAGE = 'NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none] [options]'


@click.command('rolebinding', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string("--clusterrole", help='ClusterRole this RoleBinding should reference')
@pflag.string_array("--group", help='Groups to bind to the role. The flag can be repeated to add multiple groups.')
@pflag.string("--role", help='Role this RoleBinding should reference')
@pflag.string_array("--serviceaccount", help='Service accounts to bind to the role, in the format <namespace>:<name>. The flag can be repeated to add multiple service accounts.')
@pflag.string_array("--user", help='Usernames to bind to the role. The flag can be repeated to add multiple users.')
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

    obj = generators.role_binding(name, ns, cluster_role=params.get("clusterrole") or "",
                                  role=params.get("role") or "", users=flat(params.get("user")),
                                  groups=flat(params.get("group")),
                                  service_accounts=flat(params.get("serviceaccount")))
    prepared.send(session, obj, namespaced_path(session, "rbac.authorization.k8s.io/v1", "rolebindings"),
                  "failed to create rolebinding: ")
