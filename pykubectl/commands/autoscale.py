"""kubectl autoscale: a HorizontalPodAutoscaler (autoscaling/v1) for a scalable object."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Creates an autoscaler that automatically chooses and sets the number of pods that run in a Kubernetes cluster.\n\n Looks up a deployment, replica set, stateful set, or replication controller by name and creates an autoscaler that uses the given resource as a reference. An autoscaler can automatically increase or decrease number of pods deployed within the system as needed.'
EXAMPLES = '  # Auto scale a deployment "foo", with the number of pods between 2 and 10, no target CPU utilization specified so a default autoscaling policy will be used\n  kubectl autoscale deployment foo --min=2 --max=10\n  \n  # Auto scale a replication controller "foo", with the number of pods between 1 and 5, target CPU utilization at 80%\n  kubectl autoscale rc foo --max=5 --cpu-percent=80'
USAGE = '(-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU] [options]'


@click.command("autoscale", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.integer("--cpu-percent", default=-1, help="The target average CPU utilization (represented as a percent of requested CPU) over all the pods. If it's not specified or negative, a default autoscaling policy will be used.")
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--field-manager", default='kubectl-autoscale', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files identifying the resource to autoscale.')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag._decorate("int", ("--max",), shown_default="-1", type=int, default=None, help='The upper limit for the number of pods that can be set by the autoscaler. Required.')
@pflag.integer("--min", default=-1, help="The lower limit for the number of pods that can be set by the autoscaler. If it's not specified or negative, the server will apply a default value.")
@pflag.string("--name", help='The name for the newly created object. If not specified, the name of the input resource will be used.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.boolean("--save-config", help='If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.')
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    if params.get("max") is None:  # cobra's MarkFlagRequired
        raise UsageError('required flag(s) "max" not set', hint=False)
    run(params, current_session())


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def run(params: dict, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run, with_typed_last_applied, write_params
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    dry_run = parse_dry_run(params.get("dry_run") or "none")
    printer = _printer(params, dry_run)
    maximum = params["max"]
    minimum = params.get("min") if params.get("min") is not None else -1
    cpu = params.get("cpu_percent") if params.get("cpu_percent") is not None else -1
    if maximum < 1:
        raise KubectlError("--max=MAXPODS is required and must be at least 1, max: " + str(maximum))
    if maximum < minimum:
        raise KubectlError(f"--max=MAXPODS must be larger or equal to --min=MINPODS, max: {maximum}, "
                           f"min: {minimum}")
    namespace = session.namespace
    request = SelectionRequest(args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
                               recursive=bool(params.get("recursive")), allow_empty_selector=False)
    selection = select(request, session.mapper, namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    out = session.streams.out
    count = 0
    for item in selection.items:
        for member in item if isinstance(item, list) else [item]:
            if not isinstance(member, Target):
                raise member
            errors: list[Exception] = []
            if member.manifest is not None:
                objects = [member.manifest.obj]
            else:
                objects = [o for fetched in fetcher.fetch(member, errors)
                           for o in items_of(fetched.obj)]
            if errors:
                raise errors[0]
            for obj in objects:
                _check_scalable(session, member.type)
                count += 1
                hpa = _hpa(params, obj, member.type, minimum, maximum, cpu)
                if dry_run == "client":
                    out.write(printer(hpa, False))
                    out.flush()
                    continue
                if params.get("save_config"):
                    hpa = with_typed_last_applied(hpa)
                body = {k: v for k, v in hpa.items() if k != "status"}
                body["metadata"] = {k: v for k, v in hpa["metadata"].items() if k != "creationTimestamp"}
                target = session.mapper.resource_for("horizontalpodautoscalers.v1.autoscaling")
                created = session.client.request_json(
                    "POST", target.collection_path(namespace),
                    write_params(params.get("field_manager") or "kubectl-autoscale", dry_run), json=body)
                status = created.setdefault("status", {})  # the typed v1 object's non-omitempty counters
                status.setdefault("currentReplicas", 0)
                status.setdefault("desiredReplicas", 0)
                out.write(printer(created, True))
                out.flush()
    if count == 0:
        raise KubectlError("no objects passed to autoscale")


def _check_scalable(session, resource) -> None:
    """CanBeAutoscaled (1.32): the resource has a scale subresource in discovery."""
    group_version = f"{resource.group}/{resource.version}" if resource.group else resource.version
    try:
        listing = session.discovery.server_resources_for(group_version)
    except KubectlError:
        listing = {}
    names = {str(r.get("name")) for r in listing.get("resources") or ()}
    if f"{resource.plural}/scale" not in names:
        raise KubectlError(f"cannot autoscale a {resource.kind}: could not find scale subresource for "
                           f"{resource.group}/{resource.version}, Resource={resource.plural} in discovery "
                           "information")


def _hpa(params: dict, obj: dict, resource, minimum: int, maximum: int, cpu: int) -> dict:
    metadata = obj.get("metadata") or {}
    name = params.get("name") or str(metadata.get("name") or "")
    spec: dict = {"scaleTargetRef": {"kind": str(obj.get("kind") or resource.kind),
                                     "name": str(metadata.get("name") or ""),
                                     "apiVersion": str(obj.get("apiVersion") or "")}}
    if minimum > 0:
        spec["minReplicas"] = minimum
    spec["maxReplicas"] = maximum
    if cpu >= 0:
        spec["targetCPUUtilizationPercentage"] = cpu
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1",
            "metadata": {"name": name, "creationTimestamp": None}, "spec": spec,
            "status": {"currentReplicas": 0, "desiredReplicas": 0}}


def _printer(params: dict, dry_run: str):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    output, template = params.get("output") or "", params.get("template") or ""
    if not output and not template:
        # kubectl 1.32 says "created" for a client dry run
        operation = "created" if dry_run == "client" else "autoscaled"
        return lambda obj, _server: to_name(obj, operation + dry_run_suffix(dry_run))
    allow = params.get("allow_missing_template_keys") is not False
    typed = printer_for(output, allowed=GENERIC_FORMATS, template_argument=template, allow_missing_keys=allow)
    unstructured = printer_for(output, allowed=GENERIC_FORMATS, template_argument=template,
                               allow_missing_keys=allow, sort_keys=True)
    strip = output.lower() in ("json", "yaml") and not params.get("show_managed_fields")

    def emit(obj, server: bool):
        if strip and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        return (unstructured if server else typed)(obj)  # a new printer per object: no YAML separators

    return emit
