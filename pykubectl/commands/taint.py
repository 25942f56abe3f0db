"""kubectl taint: add, change or remove the taints of nodes (a strategic merge patch of spec.taints)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import click

from pykubectl.errors import AggregateError, KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = """Update the taints on one or more nodes.

  *  A taint consists of a key, value, and effect. As an argument here, it is expressed as key=value:effect.
  *  The key must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 253 characters.
  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.
  *  The value is optional. If given, it must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters.
  *  The effect must be NoSchedule, PreferNoSchedule or NoExecute.
  *  Currently taint can only apply to node."""
EXAMPLES = (
    "  # Update node 'foo' with a taint with key 'dedicated' and value 'special-user' and effect 'NoSchedule'\n"
    '  # If a taint with that key and effect already exists, its value is replaced as specified\n'
    '  kubectl taint nodes foo dedicated=special-user:NoSchedule\n'
    '  \n'
    "  # Remove from node 'foo' the taint with key 'dedicated' and effect 'NoSchedule' if one exists\n"
    '  kubectl taint nodes foo dedicated:NoSchedule-\n'
    '  \n'
    "  # Remove from node 'foo' all the taints with key 'dedicated'\n"
    '  kubectl taint nodes foo dedicated-\n'
    '  \n'
    "  # Add a taint with key 'dedicated' on nodes having label myLabel=X\n"
    '  kubectl taint node -l myLabel=X  dedicated=foo:PreferNoSchedule\n'
    '  \n'
    "  # Add to node 'foo' a taint with key 'bar' and no value\n"
    '  kubectl taint nodes foo bar:NoSchedule'
)
USAGE = "NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]"

FIELD_MANAGER = "kubectl-taint"


@dataclass(frozen=True)
class TaintOptions:
    args: tuple[str, ...] = ()
    selector: str = ""
    all: bool = False
    overwrite: bool = False
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    validate: str = "strict"
    field_manager: str = FIELD_MANAGER

    @classmethod
    def from_flags(cls, params: dict) -> TaintOptions:
        return cls(
            args=tuple(params.get("args") or ()), selector=params.get("selector") or "",
            all=bool(params.get("all")), overwrite=bool(params.get("overwrite")),
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            validate=params.get("validate") if params.get("validate") is not None else "strict",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else FIELD_MANAGER)

    def validate_flags(self, resources: list[str]) -> None:
        """validateFlags: --all and -l exclude each other; without either a node name is needed."""
        if self.all and self.selector:
            raise KubectlError("setting 'all' parameter with a non empty selector is prohibited")
        if not self.all and not self.selector and len(resources) < 2:
            raise KubectlError("at least one resource name must be specified since 'all' parameter is not set")


@click.command("taint", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all nodes in the cluster")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default=FIELD_MANAGER, help="Name of the manager used to track field ownership.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--overwrite", help="If true, allow taints to be overwritten, otherwise reject taint updates that overwrite existing taints.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag.string("--validate", default="strict", help="Must be one of: strict (or true), warn, ignore (or false). \"true\" or \"strict\" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. \"warn\" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as \"ignore\" otherwise. \"false\" or \"ignore\" will not perform any schema validation, silently dropping any unknown or duplicate fields.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = TaintOptions.from_flags(params)
    run(options, current_session())


def run(options: TaintOptions, session) -> None:
    from pykubectl.errors import UsageError
    from pykubectl.resources import taints
    from pykubectl.resources.dry_run import parse_dry_run, validation_directive

    session.namespace  # noqa: B018 - kubectl loads the kubeconfig first (its errors come before ours)
    dry_run = parse_dry_run(options.dry_run)
    directive = validation_directive(options.validate)
    resources, specs = taints.split_taint_args(options.args)
    if not resources:
        raise KubectlError("one or more resources must be specified as <resource> <name>")
    if not specs:
        raise KubectlError("at least one taint update is required")
    try:
        to_add, to_remove = taints.parse_taints(specs)
    except taints.TaintSpecError as exc:
        raise UsageError(str(exc), session.command_path or "kubectl taint") from None
    _check_node_type(session, resources[0])
    clashes = taints.conflicts(to_add, to_remove)
    if clashes:
        raise KubectlError("can not both modify and remove the following taint(s) in the same command: "
                           + ", ".join(clashes))
    options.validate_flags(resources)
    _run_taint(options, session, resources, to_add, to_remove, dry_run, directive)


def _check_node_type(session, resource: str) -> None:
    """Validate: the first argument must name the node resource (explain.SplitAndParseResourceRequest)."""
    from pykubectl.errors import PlainError, ResourceTypeNotFound

    resource = resource.lower()
    try:
        mapping = session.mapper.resource_for(resource)
    except ResourceTypeNotFound as exc:  # checkErr's NoResourceMatch wording, without `error: `
        raise PlainError(str(exc)) from None
    if mapping.kind != "Node":
        raise KubectlError(f"invalid resource type {resource}, only node types are supported")


def _visit(options: TaintOptions, session, resources: list[str], errors: list[Exception]):
    """The nodes to change: by name, by -l, or --all (continue on error; each object read fresh)."""
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import Target

    node_type = session.mapper.resource_for("nodes")
    if options.selector or options.all:
        targets = [Target(node_type, label_selector=options.selector)]
        fetcher = Fetcher(session.client, chunk_size=0)
    else:
        targets = [Target(node_type, name=name) for name in resources[1:]]
        fetcher = Fetcher(session.client)
    for target in targets:
        for fetched in fetcher.fetch(target, errors):
            for obj in items_of(fetched.obj):
                if not obj.get("kind"):
                    obj = {"apiVersion": "v1", "kind": "Node", **obj}
                yield obj


def _run_taint(options: TaintOptions, session, resources, to_add, to_remove, dry_run: str, directive: str) -> None:
    from pykubectl.resources import taints
    from pykubectl.resources.dry_run import collected_error, write_params

    out = session.streams.out
    printer = _printer(options)
    errors: list[Exception] = []
    for node in _visit(options, session, resources, errors):
        metadata = node.get("metadata") or {}
        name = metadata.get("name") or ""
        spec = node.get("spec") or {}
        current = list(spec.get("taints") or [])
        if not options.overwrite:
            existing = taints.existing_clashes(current, to_add)
            if existing:
                errors.append(KubectlError(f"node {name} already has {existing} taint(s) with same effect(s) and "
                                           "--overwrite is false"))
                continue
        operation, new, problems = taints.reorganize(current, options.overwrite, to_add, to_remove)
        if problems:
            # one aggregate per node (utilerrors.NewAggregate): a lone one prints as `error: ...` when it is the
            # only error, several as bare lines; beside other nodes' errors it reads `[a, b]`
            found = [KubectlError(problem) for problem in problems]
            errors.append(found[0] if len(found) == 1 else AggregateError(found))
            continue
        changed = copy.deepcopy(node)
        if new:
            changed.setdefault("spec", {})["taints"] = new
        else:
            changed.setdefault("spec", {}).pop("taints", None)
        patch = {} if new == current else {"spec": {"taints": [_wire(t) for t in new] or None}}
        if dry_run == "client":
            result = changed
        else:
            try:
                result = session.client.request_json(
                    "PATCH", f"/api/v1/nodes/{name}", write_params(options.field_manager, dry_run, directive),
                    json=patch, headers={"Content-Type": "application/strategic-merge-patch+json"})
            except KubectlError as exc:
                errors.append(exc)
                continue
        if printer is None:
            from pykubectl.printing.structured import to_name

            # taint's ToPrinter sets the operation after the dry-run suffix was applied: none is shown
            out.write(to_name(result, operation))
        else:
            # the server's answer is decoded into a typed Node; a client dry run prints the patched map
            out.write(printer(result, typed=dry_run != "client"))
        out.flush()
    error = collected_error(errors)
    if error is not None:
        raise error


def _wire(taint: dict) -> dict:
    """A taint as CreateTwoWayMergePatch writes it: keys in sorted order."""
    return {key: taint[key] for key in sorted(taint)}


def _printer(options: TaintOptions):
    output = options.output or ("go-template" if options.template else "")
    if not output:
        return None
    from pykubectl.printing.registry import object_printer
    from pykubectl.resources.taints import typed_node

    def make(sort_keys: bool):
        return object_printer(output, template_argument=options.template,
                              allow_missing_keys=options.allow_missing_template_keys,
                              show_managed_fields=options.show_managed_fields, sort_keys=sort_keys)

    as_map, as_struct = make(True), make(False)
    struct_order = output.lower() == "json"  # a typed Node marshals in struct order; other printers see a map

    def emit(obj: dict, typed: bool) -> str:
        return as_struct(typed_node(obj)) if typed and struct_order else as_map(obj)

    return emit
