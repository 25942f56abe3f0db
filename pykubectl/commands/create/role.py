"""kubectl create role: a Role with one rule per API group (create_role.go)."""

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

HELP = 'Create a role with single rule.'
EXAMPLES = '  # Create a role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods\n  kubectl create role pod-reader --verb=get --verb=list --verb=watch --resource=pods\n  \n  # Create a role named "pod-reader" with ResourceName specified\n  kubectl create role pod-reader --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod\n  \n  # Create a role named "foo" with API Group specified\n  kubectl create role foo --verb=get,list,watch --resource=rs.apps\n  \n  # Create a role named "foo" with SubResource specified\n  kubectl create role foo --verb=get,list,watch --resource=pods,pods/status'
USAGE = 'NAME --verb=verb --resource=resource.group/subresource [--resource-name=resourcename] [--dry-run=server|client|none] [options]'


@click.command('role', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string_slice("--resource", help='Resource that the rule applies to')
@pflag.string_array("--resource-name", help='Resource in the white list that the rule applies to, repeat this flag for multiple items')
@pflag.string_slice("--verb", help='Verb that applies to the resources contained in the rule')
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create import _rbac
    from pykubectl.commands.create._common import canonical_path, enforced_namespace, namespaced_path
    from pykubectl.errors import KubectlError

    session = current_session()
    name, _ = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"], canonical_path(ctx))
    verbs = _rbac.clean_verbs(flat(params.get("verb")))
    resources = _rbac.parse_resources(flat(params.get("resource")))
    resource_names = _rbac.unique(params.get("resource_name") or ())
    prepared = Prepared(GeneratorOutput.from_flags(params))
    ns = enforced_namespace(session)
    if not name:
        raise KubectlError("name must be specified")
    if not verbs:
        raise KubectlError("at least one verb must be specified")
    _rbac.warn_nonstandard_verbs(session.streams.err, verbs)
    if not resources:
        raise KubectlError("at least one resource must be specified")
    mapper = session.mapper
    _rbac.validate_resources(mapper, verbs, resources)

    metadata: dict = {"name": name}
    if ns:
        metadata["namespace"] = ns
    metadata["creationTimestamp"] = None
    obj = {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": metadata,
           "rules": _rbac.policy_rules(mapper, verbs, resources, resource_names)}
    prepared.send(session, obj, namespaced_path(session, "rbac.authorization.k8s.io/v1", "roles"))
