"""kubectl scale: set the replica count of deployments, replica sets, stateful sets, … through /scale."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import FlagError, KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Set a new size for a deployment, replica set, replication controller, or stateful set.\n\n Scale also allows users to specify one or more preconditions for the scale action.\n\n If --current-replicas or --resource-version is specified, it is validated before the scale is attempted, and it is guaranteed that the precondition holds true when the scale is sent to the server.'
EXAMPLES = '  # Scale a replica set named \'foo\' to 3\n  kubectl scale --replicas=3 rs/foo\n  \n  # Scale a resource identified by type and name specified in "foo.yaml" to 3\n  kubectl scale --replicas=3 -f foo.yaml\n  \n  # If the deployment named mysql\'s current size is 2, scale mysql to 3\n  kubectl scale --current-replicas=2 --replicas=3 deployment/mysql\n  \n  # Scale multiple replication controllers\n  kubectl scale --replicas=5 rc/example1 rc/example2 rc/example3\n  \n  # Scale stateful set named \'web\' to 3\n  kubectl scale --replicas=3 statefulset/web'
USAGE = '[--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]'



@dataclass(frozen=True)
class ScaleOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    all: bool = False
    replicas: int = -1
    current_replicas: int = -1
    resource_version: str = ""
    timeout: float = 0.0
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"

    @classmethod
    def from_flags(cls, params: dict) -> ScaleOptions:
        return cls(
            args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
            recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
            selector=params.get("selector") or "", all=bool(params.get("all")),
            replicas=params["replicas"] if params.get("replicas") is not None else -1,
            current_replicas=params["current_replicas"] if params.get("current_replicas") is not None else -1,
            resource_version=params.get("resource_version") or "",
            timeout=_parse_duration(params.get("timeout") or "0s", "--timeout", "kubectl scale"),
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none")

    def validate(self) -> None:
        if self.replicas < 0:
            raise KubectlError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
        if self.current_replicas < -1:
            raise KubectlError("The --current-replicas must specify an integer of -1 or greater")


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def _parse_duration(text: str, flag: str, path: str) -> float:
    from pykubectl.client.transport import parse_go_duration

    try:
        return parse_go_duration(text) / 1e9
    except ValueError:
        raise FlagError(f'invalid argument "{text}" for "{flag}" flag: time: invalid duration "{text}"',
                        path) from None


@click.command("scale", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all resources in the namespace of the specified resource types")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.integer("--current-replicas", default=-1, help="Precondition for current size. Requires that the current size of the resource match this value in order to scale. -1 (default) for no condition.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to set a new size")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag._decorate("int", ("--replicas",), shown_default="0", type=int, default=None, required=True, help="The new desired number of replicas. Required.")
@pflag.string("--resource-version", help="Precondition for resource version. Requires that the current resource version match this value in order to scale.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag._decorate("string", ("--timeout",), shown_default="0s", default="0s", help="The length of time to wait before giving up on a scale operation, zero means don't wait. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    if params.get("replicas") is None:  # cobra's MarkFlagRequired, checked before anything else
        raise UsageError('required flag(s) "replicas" not set', hint=False)
    options = ScaleOptions.from_flags(params)
    run(options, current_session())


def run(options: ScaleOptions, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    namespace = session.namespace
    dry_run = parse_dry_run(options.dry_run)
    printer = _printer(options, dry_run)
    options.validate()
    explicit = bool(session.overrides.namespace)
    request = SelectionRequest(args=options.args, filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive,
                               label_selector=options.selector, select_all=options.all,
                               allow_empty_selector=options.all)
    selection = select(request, session.mapper, namespace, explicit, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    fetcher = Fetcher(session.client)
    infos: list[tuple[Target, dict]] = []
    for fetched in fetcher.visit(selection):
        page = fetched.obj
        kind = str(page.get("kind") or "")
        for obj in items_of(page):
            if kind.endswith("List") and not obj.get("kind"):
                obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
            metadata = obj.get("metadata") or {}
            infos.append((Target(fetched.target.type, str(metadata.get("namespace") or ""),
                                 str(metadata.get("name") or "")), obj))
    info_error = fetcher.unwrapped_error()
    if options.resource_version and len(infos) > 1:
        raise KubectlError("cannot use --resource-version with multiple resources")
    if not infos:
        if info_error is not None:
            raise info_error
        raise KubectlError("no objects passed to scale")
    out = session.streams.out
    for target, obj in infos:
        # kubectl 1.32 prints the object as it was fetched, before the scale
        if dry_run == "client":
            out.write(printer(obj))
            continue
        _scale(session.client, target, options, dry_run == "server")
        out.write(printer(obj))
        out.flush()
    if info_error is not None:
        raise info_error


def _scale(client, target, options: ScaleOptions, server_dry_run: bool) -> None:
    """scale.Scaler: a merge patch of /scale, or GET, check the preconditions and PUT when there are any;
    conflicts are retried every second for up to five minutes; --timeout waits for status.replicas."""
    import time

    from pykubectl.errors import ApiError

    path = target.type.object_path(target.name, target.namespace or None) + "/scale"
    params = {"dryRun": "All"} if server_dry_run else None
    deadline = time.monotonic() + 300
    while True:
        try:
            if options.current_replicas != -1 or options.resource_version:
                scale = client.get_json(path, discovery=False)
                spec_replicas = int((scale.get("spec") or {}).get("replicas") or 0)
                if options.current_replicas != -1 and spec_replicas != options.current_replicas:
                    raise KubectlError(f"Expected replicas to be {options.current_replicas}, was {spec_replicas}")
                live_version = str((scale.get("metadata") or {}).get("resourceVersion") or "")
                if options.resource_version and live_version != options.resource_version:
                    raise KubectlError(f"Expected resource version to be {options.resource_version}, "
                                       f"was {live_version}")
                scale.setdefault("spec", {})["replicas"] = options.replicas
                result = client.request_json("PUT", path, params, json=scale)
            else:
                result = client.request_json("PATCH", path, params, json={"spec": {"replicas": options.replicas}},
                                             headers={"Content-Type": "application/merge-patch+json"})
            break
        except ApiError as exc:
            if exc.reason != "Conflict" or time.monotonic() > deadline:
                raise
            time.sleep(1)
    if options.timeout and not server_dry_run:
        _wait_for_replicas(client, path, options.replicas, options.timeout, result, target)


def _wait_for_replicas(client, path: str, replicas: int, timeout: float, scale: dict, target) -> None:
    import time

    deadline = time.monotonic() + timeout
    while True:
        status = scale.get("status") or {}
        if int(status.get("replicas") or 0) == replicas:
            return
        if time.monotonic() >= deadline:
            raise KubectlError(f'timed out waiting for "{target.name}" to be synced')
        time.sleep(1)
        scale = client.get_json(path, discovery=False)


def _printer(options: ScaleOptions, dry_run: str):
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    if not options.output and not options.template:
        return lambda obj: to_name(obj, "scaled" + dry_run_suffix(dry_run))
    return object_printer(options.output, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys,
                          show_managed_fields=options.show_managed_fields)
