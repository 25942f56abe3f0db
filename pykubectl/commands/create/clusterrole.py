"""kubectl create clusterrole: a ClusterRole from verbs, resources and non-resource URLs, or an aggregation
rule (create_clusterrole.go)."""

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

HELP = 'Create a cluster role.'
EXAMPLES = '  # Create a cluster role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods\n  kubectl create clusterrole pod-reader --verb=get,list,watch --resource=pods\n  \n  # Create a cluster role named "pod-reader" with ResourceName specified\n  kubectl create clusterrole pod-reader --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod\n  \n  # Create a cluster role named "foo" with API Group specified\n  kubectl create clusterrole foo --verb=get,list,watch --resource=rs.apps\n  \n  # Create a cluster role named "foo" with SubResource specified\n  kubectl create clusterrole foo --verb=get,list,watch --resource=pods,pods/status\n  \n  # Create a cluster role name "foo" with NonResourceURL specified\n  kubectl create clusterrole "foo" --verb=get --non-resource-url=/logs/*\n  \n  # Create a cluster role name "monitoring" with AggregationRule specified\n  kubectl create clusterrole monitoring --aggregation-rule="rbac.example.com/aggregate-to-monitoring=true"'
USAGE = 'NAME --verb=verb --resource=resource.group [--resource-name=resourcename] [--dry-run=server|client|none] [options]'

VALID_NON_RESOURCE_VERBS = ("*", "get", "post", "put", "delete", "patch", "head", "options")


class _StringMap(click.ParamType):
    """cliflag.MapStringString: `k=v,k2=v2` per occurrence, keys and values trimmed; pflag's error wording."""

    name = "mapStringString"

    def convert(self, value, param, ctx):
        if isinstance(value, dict):
            return value
        from pykubectl.errors import FlagError

        pairs: dict[str, str] = {}
        for pair in str(value).split(","):
            if pair == "":  # a trailing comma, as in "a=b,"
                continue
            key, eq, val = pair.partition("=")
            if not eq:
                raise FlagError(f'invalid argument "{value}" for "--aggregation-rule" flag: malformed pair, '
                                f'expect string=string', ctx.command_path if ctx is not None else None)
            pairs[key.strip()] = val.strip()
        return pairs


def _aggregation_rule(f):
    f = pflag._decorate("array", ("--aggregation-rule",), shown_default="", multiple=True, type=_StringMap(),
                        help='An aggregation label selector for combining ClusterRoles.')(f)
    return f


@click.command('clusterrole', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@_aggregation_rule
@pflag.string_slice("--non-resource-url", help='A partial url that user should have access to.')
@pflag.string_slice("--resource", help='Resource that the rule applies to')
@pflag.string_array("--resource-name", help='Resource in the white list that the rule applies to, repeat this flag for multiple items')
@pflag.string_slice("--verb", help='Verb that applies to the resources contained in the rule')
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create import _rbac
    from pykubectl.commands.create._common import canonical_path, cluster_path
    from pykubectl.errors import KubectlError

    session = current_session()
    non_resource_urls = _rbac.unique(flat(params.get("non_resource_url")))
    name, _ = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"], canonical_path(ctx))
    verbs = _rbac.clean_verbs(flat(params.get("verb")))
    resources = _rbac.parse_resources(flat(params.get("resource")))
    resource_names = _rbac.unique(params.get("resource_name") or ())
    aggregation: dict[str, str] = {}
    for chunk in params.get("aggregation_rule") or ():
        aggregation.update(chunk)
    prepared = Prepared(GeneratorOutput.from_flags(params))

    if not name:
        raise KubectlError("name must be specified")
    mapper = None
    if aggregation:
        if non_resource_urls or verbs or resources or resource_names:
            raise KubectlError("aggregation rule must be specified without nonResourceURLs, verbs, resources or "
                               "resourceNames")
    else:
        if not verbs:
            raise KubectlError("at least one verb must be specified")
        if not resources and not non_resource_urls:
            raise KubectlError("one of resource or nonResourceURL must be specified")
        if resources:
            _rbac.warn_nonstandard_verbs(session.streams.err, verbs)
            mapper = session.mapper
            _rbac.validate_resources(mapper, verbs, resources)
        if non_resource_urls:
            for verb in verbs:
                if verb not in VALID_NON_RESOURCE_VERBS:
                    raise KubectlError(f"invalid verb: '{verb}' for nonResourceURL")
            for url in non_resource_urls:
                if url == "*":
                    continue
                if not url.startswith("/"):
                    raise KubectlError("nonResourceURL should start with /")
                if "*" in url[:-1]:
                    raise KubectlError("nonResourceURL only supports wildcard matches when '*' is at the end")

    obj: dict = {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1",
                 "metadata": {"name": name, "creationTimestamp": None}}
    if aggregation:
        obj["rules"] = None
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": dict(sorted(aggregation.items()))}]}
    else:
        obj["rules"] = _rbac.policy_rules(mapper or session.mapper, verbs, resources, resource_names,
                                          non_resource_urls)
    if aggregation and prepared.dry_run != "client":
        _send_aggregated(session, prepared, obj)
        return
    prepared.send(session, obj, cluster_path("rbac.authorization.k8s.io/v1", "clusterroles"))


def _send_aggregated(session, prepared, obj: dict) -> None:
    """kubectl's typed ClusterRole always has `rules` (no omitempty), even as null; the wire body leaves a null
    out, as the protobuf kubectl sends cannot hold one, and the answer is printed with it put back."""
    from pykubectl.commands.create._common import cluster_path
    from pykubectl.resources.dry_run import with_typed_last_applied, write_params

    body = {k: v for k, v in obj.items() if k != "rules"}
    if prepared.options.save_config:
        body = with_typed_last_applied(obj)
        body.pop("rules", None)
    params = write_params(prepared.options.field_manager, prepared.dry_run, prepared.validation)
    created = session.client.request_json("POST", cluster_path("rbac.authorization.k8s.io/v1", "clusterroles"),
                                          params, json=body)
    typed: dict = {}
    for key, value in created.items():
        if key == "aggregationRule":
            typed["rules"] = created.get("rules")
        if key != "rules":
            typed[key] = value
    typed.setdefault("rules", created.get("rules"))
    prepared.print(session, typed)
