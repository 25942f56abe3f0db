"""kubectl annotate: add, change or remove the annotations of objects (merge patches), or list them."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Update the annotations on one or more resources.\n\n All Kubernetes objects support the ability to store additional data with the object as annotations. Annotations are key/value pairs that can be larger than labels and include arbitrary string values such as structured JSON. Tools and system extensions may use annotations to store their own data.\n\n Attempting to set an annotation that already exists will fail unless --overwrite is set. If --resource-version is specified and does not match the current resource version on the server the command will fail.\n\nUse "kubectl api-resources" for a complete list of supported resources.'
EXAMPLES = '  # Update pod \'foo\' with the annotation \'description\' and the value \'my frontend\'\n  # If the same annotation is set multiple times, only the last value will be applied\n  kubectl annotate pods foo description=\'my frontend\'\n  \n  # Update a pod identified by type and name in "pod.json"\n  kubectl annotate -f pod.json description=\'my frontend\'\n  \n  # Update pod \'foo\' with the annotation \'description\' and the value \'my frontend running nginx\', overwriting any existing value\n  kubectl annotate --overwrite pods foo description=\'my frontend running nginx\'\n  \n  # Update all pods in the namespace\n  kubectl annotate pods --all description=\'my frontend running nginx\'\n  \n  # Update pod \'foo\' only if the resource is unchanged from version 1\n  kubectl annotate pods foo description=\'my frontend running nginx\' --resource-version=1\n  \n  # Update pod \'foo\' by removing an annotation named \'description\' if it exists\n  # Does not require the --overwrite flag\n  kubectl annotate pods foo description-'
USAGE = '[--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]'

FIELD = "annotations"
FIELD_MANAGER = "kubectl-annotate"
CHANGE_CAUSE = "kubernetes.io/change-cause"  # never an overwrite clash (validateNoAnnotationOverwrites)


@dataclass(frozen=True)
class AnnotateOptions:
    resources: tuple[str, ...] = ()
    new: dict = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    field_selector: str = ""
    all: bool = False
    all_namespaces: bool = False
    overwrite: bool = False
    list: bool = False
    local: bool = False
    resource_version: str = ""
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = FIELD_MANAGER

    @classmethod
    def from_flags(cls, params: dict) -> AnnotateOptions:
        from pykubectl.resources.patches import parse_annotation_changes, split_resources_and_pairs

        resources, pairs = split_resources_and_pairs(params.get("args") or (), "annotation")
        new, remove = parse_annotation_changes(pairs)
        return cls(
            resources=tuple(resources), new=new, remove=tuple(remove), filenames=_flat(params.get("filename")),
            recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
            selector=params.get("selector") or "", field_selector=params.get("field_selector") or "",
            all=bool(params.get("all")), all_namespaces=bool(params.get("all_namespaces")),
            overwrite=bool(params.get("overwrite")), list=bool(params.get("list")), local=bool(params.get("local")),
            resource_version=params.get("resource_version") or "", output=params.get("output") or "",
            template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else FIELD_MANAGER)

    def validate(self, dry_run: str) -> None:
        if self.all and self.selector:
            raise KubectlError("cannot set --all and --selector at the same time")
        if self.all and self.field_selector:
            raise KubectlError("cannot set --all and --field-selector at the same time")
        if self.local:
            if dry_run == "server":
                raise KubectlError("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
            if self.resources:
                raise KubectlError("can only use local files by -f rsrc.yaml or --filename=rsrc.json when --local=true "
                                   "is set")
            if not self.filenames and not self.kustomize:
                raise KubectlError("one or more files must be specified as -f rsrc.yaml or --filename=rsrc.json")
        elif not self.resources and not self.filenames and not self.kustomize:
            raise KubectlError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
        if not self.new and not self.remove and not self.list:
            raise KubectlError("at least one annotation update is required")


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


@click.command("annotate", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all resources, in the namespace of the specified resource types.")
@pflag.boolean("-A", "--all-namespaces", help="If true, check the specified action in all namespaces.")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default="kubectl-annotate", help="Name of the manager used to track field ownership.")
@pflag.string("--field-selector", help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to update the annotation")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--list", help="If true, display the annotations for a given resource.")
@pflag.boolean("--local", help="If true, annotation will NOT contact api-server but run locally.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--overwrite", help="If true, allow annotations to be overwritten, otherwise reject annotation updates that overwrite existing annotations.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("--resource-version", help="If non-empty, the annotation update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = AnnotateOptions.from_flags(params)
    run(options, current_session())


def run(options: AnnotateOptions, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run

    dry_run = parse_dry_run(options.dry_run)
    options.validate(dry_run)
    _run_metadata_change(options, session, dry_run)


def _change(obj: dict, options: AnnotateOptions) -> tuple[set, set]:
    """labelFunc: refuse overwrites unless --overwrite, then set and remove; returns (added, removed)."""
    metadata = obj.setdefault("metadata", {})
    current = metadata.get(FIELD) or {}
    if not options.overwrite:
        clashes = [f"'{key}' already has a value ({current[key]})" for key, value in options.new.items()
                   if key != CHANGE_CAUSE and key in current and current[key] != value]
        if clashes:
            raise KubectlError("--overwrite is false but found the following declared annotation(s): "
                               + "; ".join(clashes))
    values = dict(current)
    added, removed = set(), set()
    for key, value in options.new.items():
        if values.get(key) != value or key not in values:
            values[key] = value
            added.add(key)
    for key in options.remove:
        if key in values:
            del values[key]
            removed.add(key)
    metadata[FIELD] = values  # an emptied map stays, as unstructured SetAnnotations leaves it
    if options.resource_version:
        metadata["resourceVersion"] = options.resource_version
    return added, removed


def _run_metadata_change(options: AnnotateOptions, session, dry_run: str) -> None:
    from pykubectl.resources.dry_run import dry_run_suffix, write_params
    from pykubectl.resources.patches import create_merge_patch

    out = session.streams.out
    structured = _structured_printer(options)
    visit, one, finish = _visit(options, session)
    if not one and options.resource_version:
        raise KubectlError("--resource-version may only be used with a single resource")
    errors: list[Exception] = []
    for target, live in visit:
        obj = copy.deepcopy(live)
        metadata = obj.setdefault("metadata", {})
        if options.resource_version:
            metadata.pop("resourceVersion", None)
        old = copy.deepcopy(obj)
        try:
            if dry_run == "client" or options.local or options.list:
                added, removed = _change(obj, options)
            else:
                added, removed = _change(obj, options)
                patch = create_merge_patch(old, obj)
                obj = session.client.request_json(
                    "PATCH", target.type.object_path(target.name, target.namespace or None),
                    write_params(options.field_manager, dry_run), json=patch,
                    headers={"Content-Type": "application/merge-patch+json"})
        except KubectlError as exc:
            errors.append(exc)
            continue
        if options.list:  # annotate lists even when -o is given (label refuses the combination)
            indent = ""
            if not one:
                indent = " "
                out.write(f"Listing annotations for {obj.get('kind', '')}.{target.type.group}/{target.name}:\n")
            for key, value in (obj.get("metadata", {}).get(FIELD) or {}).items():
                out.write(f"{indent}{key}={value}\n")
            continue
        if structured is None:
            from pykubectl.printing.structured import to_name

            out.write(to_name(obj, "annotated" + dry_run_suffix(dry_run)))
        else:
            out.write(structured(obj))
        out.flush()
    errors += finish()
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)


def _structured_printer(options: AnnotateOptions):
    """None for kubectl's default (names with the operation); otherwise the -o printer."""
    if not options.output and not options.template:
        return None
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for

    printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True)
    if options.output.lower() == "name":
        return printer
    strip = options.output.lower() in ("json", "yaml") and not options.show_managed_fields

    def emit(obj):
        if strip and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        return printer(obj)

    return emit


def _visit(options: AnnotateOptions, session):
    """The builder for this verb: (iterator of (target, object), single item implied, finish() → errors).

    --local reads the manifests only; otherwise every object is fetched from the server (Latest())."""
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    try:
        namespace = session.namespace
    except KubectlError:
        if not options.local:
            raise
        namespace = "default"
    explicit = bool(session.overrides.namespace) and not options.all_namespaces
    if options.local:
        request = SelectionRequest(filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive)
    else:
        request = SelectionRequest(args=options.resources, filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive,
                                   label_selector=options.selector, field_selector=options.field_selector,
                                   all_namespaces=options.all_namespaces, select_all=options.all,
                                   allow_empty_selector=options.all)
    selection = select(request, session.mapper, namespace, explicit, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    fetcher = Fetcher(session.client)
    visitor_errors: list[Exception] = []

    def generate():
        for item in selection.items:
            members = item if isinstance(item, list) else [item]
            for member in members:
                if not isinstance(member, Target):
                    visitor_errors.append(member)
                    continue
                if options.local:
                    yield member, copy.deepcopy(member.manifest.obj)
                    continue
                for fetched in fetcher.fetch(member, visitor_errors):
                    page = fetched.obj
                    kind = str(page.get("kind") or "")
                    for obj in items_of(page):
                        if kind.endswith("List") and not obj.get("kind"):
                            obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
                        metadata = obj.get("metadata") or {}
                        yield (Target(member.type, str(metadata.get("namespace") or ""),
                                      str(metadata.get("name") or "")), obj)

    return generate(), selection.single_item_implied, lambda: visitor_errors
