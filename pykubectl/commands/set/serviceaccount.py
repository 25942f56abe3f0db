"""kubectl set serviceaccount: the service account of pod templates."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand, render_command_help
from pykubectl.flags.global_flags import current_session

HELP = 'Update the service account of pod template resources.\n\n Possible resources (case insensitive) can be:\n\n replicationcontroller (rc), deployment (deploy), daemonset (ds), job, replicaset (rs), statefulset\n\nAliases:\nserviceaccount, sa'
EXAMPLES = "  # Set deployment nginx-deployment's service account to serviceaccount1\n  kubectl set serviceaccount deployment nginx-deployment serviceaccount1\n  \n  # Print the result (in YAML format) of updated nginx deployment with the service account from local file, without hitting the API server\n  kubectl set sa -f nginx-deployment.yaml serviceaccount1 --local --dry-run=client -o yaml"
USAGE = '(-f FILENAME | TYPE NAME) SERVICE_ACCOUNT [options]'


class _WithAliases(KubectlCommand):
    """Help under the verb's own name when called by its alias `sa`."""

    def format_help(self, ctx, formatter):
        text = render_command_help(self, ctx.command_path.rsplit(" ", 1)[0] + " serviceaccount")
        formatter.write(text)


@click.command("serviceaccount", cls=_WithAliases, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help='Select all resources, in the namespace of the specified resource types')
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--field-manager", default='kubectl-set', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files identifying the resource to get from a server.')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--local", help='If true, set serviceaccount will NOT contact api-server but run locally.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


def run(params: dict, session) -> None:
    from pykubectl.commands.set._common import (
        SetCommon,
        collect,
        make_printer,
        patch_all,
        pod_spec_or_error,
        validate,
    )
    from pykubectl.resources.dry_run import parse_dry_run

    common = SetCommon.from_flags(params)
    dry_run = parse_dry_run(common.dry_run)
    make_printer(common, dry_run, "serviceaccount updated")
    args = tuple(params.get("args") or ())
    if not args:
        raise KubectlError("serviceaccount is required")
    account = args[-1]
    resources = args[:-1]
    infos = collect(session, common, resources)
    problems = []
    if common.local and dry_run == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    validate(problems)

    def mutate(target, obj: dict) -> None:
        pod_spec_or_error(obj)["serviceAccountName"] = account

    patch_all(session, common, infos, mutate, dry_run, "serviceaccount updated", "failed to patch ServiceAccountName ",
              skip_unchanged=False)
