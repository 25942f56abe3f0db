"""kubectl set resources: container requests and limits in pod templates."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Specify compute resource requirements (CPU, memory) for any resource that defines a pod template.  If a pod is successfully scheduled, it is guaranteed the amount of resource requested, but may burst up to its specified limits.\n\n For each compute resource, if a limit is specified and a request is omitted, the request will default to the limit.\n\n Possible resources include (case insensitive): Use "kubectl api-resources" for a complete list of supported resources..'
EXAMPLES = '  # Set a deployments nginx container cpu limits to "200m" and memory to "512Mi"\n  kubectl set resources deployment nginx -c=nginx --limits=cpu=200m,memory=512Mi\n  \n  # Set the resource request and limits for all containers in nginx\n  kubectl set resources deployment nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi\n  \n  # Remove the resource requests for resources on containers in nginx\n  kubectl set resources deployment nginx --limits=cpu=0,memory=0 --requests=cpu=0,memory=0\n  \n  # Print the result (in yaml format) of updating nginx container limits from a local, without hitting the server\n  kubectl set resources -f path/to/file.yaml --limits=cpu=200m,memory=512Mi --local -o yaml'
USAGE = '(-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS] [options]'


@click.command("resources", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help='Select all resources, in the namespace of the specified resource types')
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("-c", "--containers", default='*', help='The names of containers in the selected pod templates to change, all containers are selected by default - may use wildcards')
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--field-manager", default='kubectl-set', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files identifying the resource to get from a server.')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("--limits", help="The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.  Note that server side components may assign requests depending on the server configuration, such as limit ranges.")
@pflag.boolean("--local", help='If true, set resources will NOT contact api-server but run locally.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.string("--requests", help="The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.  Note that server side components may assign requests depending on the server configuration, such as limit ranges.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
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
        raw_error,
        validate,
    )
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.pod_spec import select_containers

    common = SetCommon.from_flags(params)
    dry_run = parse_dry_run(common.dry_run)
    make_printer(common, dry_run, "resource requirements updated")
    containers = params.get("containers") if params.get("containers") is not None else "*"
    limits_text, requests_text = params.get("limits") or "", params.get("requests") or ""
    infos = collect(session, common, tuple(params.get("args") or ()))
    problems = []
    if common.all and common.selector:
        problems.append("cannot set --all and --selector at the same time")
    if not limits_text and not requests_text:
        problems.append("you must specify an update to requests or limits (in the form of --requests/--limits)")
    if common.local and dry_run == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    validate(problems)
    limits = _resource_list(limits_text)
    requests = _resource_list(requests_text)
    errors: list[Exception] = []

    def mutate(target, obj: dict) -> None:
        spec = pod_spec_or_error(obj)
        matched = (select_containers(spec.get("initContainers") or [], containers)[0]
                   + select_containers(spec.get("containers") or [], containers)[0])
        if not matched:
            errors.append(raw_error(f"error: unable to find container named {containers}"))
            return
        for container in matched:
            resources = container.setdefault("resources", {})
            if limits:
                resources["limits"] = {**(resources.get("limits") or {}), **limits}
            if requests:
                resources["requests"] = {**(resources.get("requests") or {}), **requests}

    patch_all(session, common, infos, mutate, dry_run, "resource requirements updated",
              "failed to patch resources update to pod template ", errors)


def _resource_list(text: str) -> dict:
    from pykubectl.resources.pod_spec import QuantityError, canonical_quantity

    result = {}
    for item in text.split(",") if text else ():
        parts = item.split("=")
        if len(parts) != 2:
            raise KubectlError(f"Invalid argument syntax {item}, expected <resource>=<value>")
        try:
            result[parts[0]] = canonical_quantity(parts[1])
        except QuantityError as exc:
            raise KubectlError(str(exc)) from None
    return result
