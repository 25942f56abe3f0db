"""kubectl set subject: add users, groups and service accounts to role bindings."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Update the user, group, or service account in a role binding or cluster role binding.'
EXAMPLES = '  # Update a cluster role binding for serviceaccount1\n  kubectl set subject clusterrolebinding admin --serviceaccount=namespace:serviceaccount1\n  \n  # Update a role binding for user1, user2, and group1\n  kubectl set subject rolebinding admin --user=user1 --user=user2 --group=group1\n  \n  # Print the result (in YAML format) of updating rolebinding subjects from a local, without hitting the server\n  kubectl create rolebinding admin --role=admin --user=admin -o yaml --dry-run=client | kubectl set subject --local -f - --user=foo -o yaml'
USAGE = '(-f FILENAME | TYPE NAME) [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none] [options]'


@click.command("subject", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help='Select all resources, in the namespace of the specified resource types')
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--field-manager", default='kubectl-set', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files the resource to update the subjects')
@pflag.string_array("--group", help='Groups to bind to the role')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--local", help='If true, set subject will NOT contact api-server but run locally.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.string_array("--serviceaccount", help='Service accounts to bind to the role')
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@pflag.string_array("--user", help='Usernames to bind to the role')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


_RBAC = "rbac.authorization.k8s.io"


def run(params: dict, session) -> None:
    from pykubectl.commands.set._common import SetCommon, collect, make_printer, patch_all, validate
    from pykubectl.resources.dry_run import parse_dry_run

    common = SetCommon.from_flags(params)
    dry_run = parse_dry_run(common.dry_run)
    make_printer(common, dry_run, "subjects updated")
    users = list(params.get("user") or ())
    groups = list(params.get("group") or ())
    accounts = list(params.get("serviceaccount") or ())
    infos = collect(session, common, tuple(params.get("args") or ()))
    problems = []
    if common.all and common.selector:
        problems.append("cannot set --all and --selector at the same time")
    if not users and not groups and not accounts:
        problems.append("you must specify at least one value of user, group or serviceaccount")
    for account in accounts:
        parts = account.split(":")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            problems.append("serviceaccount must be <namespace>:<name>")
            break
    if common.local and dry_run == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    validate(problems)
    wanted = ([{"kind": "User", "apiGroup": _RBAC, "name": u} for u in users]
              + [{"kind": "Group", "apiGroup": _RBAC, "name": g} for g in groups]
              + [{"kind": "ServiceAccount", "name": a.split(":")[1], "namespace": a.split(":")[0]}
                 for a in accounts])

    def mutate(target, obj: dict) -> None:
        if obj.get("kind") not in ("RoleBinding", "ClusterRoleBinding") or not str(
                obj.get("apiVersion") or "").startswith(_RBAC + "/"):
            raise KubectlError("setting subjects is only supported for RoleBinding/ClusterRoleBinding")
        subjects = list(obj.get("subjects") or [])
        for subject in wanted:
            if not any(_same(subject, s) for s in subjects):
                subjects.append(dict(subject))
        obj["subjects"] = subjects

    patch_all(session, common, infos, mutate, dry_run, "subjects updated",
              "failed to patch subjects to rolebinding: ")


def _same(a: dict, b: dict) -> bool:
    return all(a.get(k, "") == b.get(k, "") for k in ("kind", "apiGroup", "name", "namespace"))
