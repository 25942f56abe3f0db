"""kubectl apply: create or update objects from manifests (client-side three-way merge or server-side apply)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click

from pykubectl.errors import FlagError, KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand, render_command_help
from pykubectl.flags.global_flags import current_session

HELP = ("Apply a configuration to a resource by file name or stdin. The resource name must be specified. This resource "
        "will be created if it doesn't exist yet. To use 'apply', always create the resource initially with either "
        "'apply' or 'create --save-config'.\n\n JSON and YAML formats are accepted.\n\n Alpha Disclaimer: the --prune "
        "functionality is not yet complete. Do not use unless you are aware of what the current state is. See "
        "https://issues.k8s.io/34274.")
EXAMPLES = (
    '  # Apply the configuration in pod.json to a pod\n'
    '  kubectl apply -f ./pod.json\n'
    '  \n'
    '  # Apply resources from a directory containing kustomization.yaml - e.g. dir/kustomization.yaml\n'
    '  kubectl apply -k dir/\n'
    '  \n'
    '  # Apply the JSON passed into stdin to a pod\n'
    '  cat pod.json | kubectl apply -f -\n'
    '  \n'
    "  # Apply the configuration from all files that end with '.json'\n"
    "  kubectl apply -f '*.json'\n"
    '  \n'
    '  # Note: --prune is still in Alpha\n'
    '  # Apply the configuration in manifest.yaml that matches label app=nginx and delete all other resources that are not in the file and match label app=nginx\n'
    '  kubectl apply --prune -f manifest.yaml -l app=nginx\n'
    '  \n'
    '  # Apply the configuration in manifest.yaml and delete all the other config maps that are not in the file\n'
    '  kubectl apply --prune -f manifest.yaml --all --prune-allowlist=core/v1/ConfigMap')
USAGE = "(-f FILENAME | -k DIRECTORY) [options]"
AVAILABLE = """Available Commands:
  edit-last-applied   Edit latest last-applied-configuration annotations of a resource/object
  set-last-applied    Set the last-applied-configuration annotation on a live object to match the contents of a file
  view-last-applied   View the latest last-applied-configuration annotations of a resource/object
"""
SUBCOMMANDS = {
    "edit-last-applied": ("pykubectl.commands.apply.edit_last_applied",
                          "Edit latest last-applied-configuration annotations of a resource/object"),
    "set-last-applied": ("pykubectl.commands.apply.set_last_applied",
                         "Set the last-applied-configuration annotation on a live object to match the contents of a "
                         "file"),
    "view-last-applied": ("pykubectl.commands.apply.view_last_applied",
                          "View the latest last-applied-configuration annotations of a resource/object"),
}


class _ApplyCommand(KubectlCommand):
    """apply is a verb with sub-verbs: cobra runs a sub-verb when the first argument names one."""

    def format_help(self, ctx, formatter):
        text = render_command_help(self, ctx.command_path)
        text = text.replace("\n\nOptions:\n", "\n\n" + AVAILABLE + "\nOptions:\n", 1)
        text = text.replace('\nUse "kubectl options"',
                            f'\nUse "{ctx.command_path} <command> --help" for more information about a given '
                            'command.\nUse "kubectl options"', 1)
        formatter.write(text)

    def _subcommand(self, name: str):
        module, short = SUBCOMMANDS[name]
        command = importlib.import_module(module).command
        command.short_help = short
        return command

    def main_args(self, args):
        return args

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in SUBCOMMANDS:
            ctx.meta["pykubectl.apply.sub"] = (args[0], list(args[1:]))
            return []
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        sub = ctx.meta.pop("pykubectl.apply.sub", None)
        if sub is not None:
            name, rest = sub
            command = self._subcommand(name)
            # named "apply <sub>" under the root, so the help's path has no usage pieces of apply's own
            with command.make_context(f"{ctx.info_name} {name}", rest, parent=ctx.parent or ctx) as sub_ctx:
                return command.invoke(sub_ctx)
        return super().invoke(ctx)


@dataclass(frozen=True)
class ApplyOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    select_all: bool = False
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str | None = None
    validate_value: str = "strict"
    server_side: bool = False
    force_conflicts: bool = False
    overwrite: bool = True
    force: bool = False
    grace_period: int = -1
    cascade: str = "background"
    timeout: float = 0.0
    wait: bool = False
    prune: bool = False
    prune_allowlist: tuple[str, ...] = ()
    subresource: str = ""

    @classmethod
    def from_flags(cls, params: dict) -> ApplyOptions:
        def value(name, default):
            got = params.get(name)
            return default if got is None else got

        return cls(
            args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
            recursive=bool(params.get("recursive")), kustomize=value("kustomize", ""),
            selector=value("selector", ""), select_all=bool(params.get("all")), output=value("output", ""),
            template=value("template", ""),
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")), dry_run=value("dry_run", "none"),
            field_manager=params.get("field_manager"), validate_value=value("validate", "strict"),
            server_side=bool(params.get("server_side")), force_conflicts=bool(params.get("force_conflicts")),
            overwrite=params.get("overwrite") is not False, force=bool(params.get("force")),
            grace_period=value("grace_period", -1), cascade=value("cascade", "background"),
            timeout=_parse_duration(value("timeout", "0s")), wait=bool(params.get("wait")),
            prune=bool(params.get("prune")), prune_allowlist=_flat(params.get("prune_allowlist")),
            subresource=value("subresource", ""))

    @property
    def manager(self) -> str:
        """GetApplyFieldManagerFlag: an explicit --field-manager wins; SSA defaults to `kubectl`."""
        if self.field_manager is not None:
            return self.field_manager
        return "kubectl" if self.server_side else "kubectl-client-side-apply"

    def validate(self, dry_run: str) -> None:
        """ApplyOptions.Validate, in kubectl's order."""
        if self.force_conflicts and not self.server_side:
            raise KubectlError("--force-conflicts only works with --server-side")
        if dry_run == "client" and self.server_side:
            raise KubectlError("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server "
                               "instead?)")
        if self.server_side and self.force:
            raise KubectlError("--force cannot be used with --server-side")
        if dry_run == "server" and self.force:
            raise KubectlError("--dry-run=server cannot be used with --force")
        if self.select_all and self.selector:
            raise KubectlError("cannot set --all and --selector at the same time")
        if self.prune:
            if self.force:
                raise KubectlError("--force cannot be used with --prune")
            if not self.select_all and not self.selector:
                raise KubectlError("all resources selected for prune without explicitly passing --all. To prune all "
                                   "resources, pass the --all flag. If you did not mean to prune all resources, "
                                   "specify a label selector")
            if self.server_side:
                raise KubectlError("--prune is in alpha and doesn't currently work on objects created by "
                                   "server-side apply")
        if self.subresource and not self.server_side:
            raise KubectlError("--subresource can only be specified for --server-side")


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def _parse_duration(text: str) -> float:
    from pykubectl.client.transport import parse_go_duration

    try:
        return parse_go_duration(text) / 1e9
    except ValueError:
        raise FlagError(f'invalid argument "{text}" for "--timeout" flag: time: invalid duration "{text}"',
                        "kubectl apply") from None


@click.command("apply", cls=_ApplyCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all resources in the namespace of the specified resource types.")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--cascade", default="background", help="Must be \"background\", \"orphan\", or \"foreground\". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default="kubectl-client-side-apply", help="Name of the manager used to track field ownership.")
@pflag.string_slice("-f", "--filename", help="The files that contain the configurations to apply.")
@pflag.boolean("--force", help="If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.")
@pflag.boolean("--force-conflicts", help="If true, server-side apply will force the changes against conflicts.")
@pflag.integer("--grace-period", default=-1, help="Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).")
@pflag.string("-k", "--kustomize", help="Process a kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--openapi-patch", default=True, help="If true, use openapi to calculate diff when the openapi presents and the resource can be found in the openapi spec. Otherwise, fall back to use baked-in types.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--overwrite", default=True, help="Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration")
@pflag.boolean("--prune", help="Automatically delete resource objects, that do not appear in the configs and are created by either apply or create --save-config. Should be used with either -l or --all.")
@pflag.string_array("--prune-allowlist", help="Overwrite the default allowlist with <group/version/kind> for --prune")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--server-side", help="If true, apply runs in the server instead of the client.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--subresource", help="If specified, apply will operate on the subresource of the requested object.  Only allowed when using --server-side. This flag is beta and may change in the future.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag._decorate("string", ("--timeout",), shown_default="0s", default="0s", help="The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object")
@pflag.string("--validate", default="strict", help="Must be one of: strict (or true), warn, ignore (or false). \"true\" or \"strict\" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. \"warn\" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as \"ignore\" otherwise. \"false\" or \"ignore\" will not perform any schema validation, silently dropping any unknown or duplicate fields.")
@pflag.boolean("--wait", help="If true, wait for resources to be gone before returning. This waits for finalizers.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    explicit = click.get_current_context().get_parameter_source("field_manager")
    if explicit is not None and explicit.name == "DEFAULT":
        params["field_manager"] = None
    options = ApplyOptions.from_flags(params)
    if options.args:
        raise UsageError(f"Unexpected args: [{' '.join(options.args)}]", "kubectl apply")
    run(options, current_session())


def run(options: ApplyOptions, session) -> None:
    from pykubectl.resources.apply import Applier
    from pykubectl.resources.dry_run import collected_error, parse_dry_run, validation_directive
    from pykubectl.resources.selection import SelectionRequest, select

    dry_run = parse_dry_run(options.dry_run)
    if not options.filenames and not options.kustomize:
        raise KubectlError("must specify one of -f and -k")
    options.validate(dry_run)
    validation = validation_directive(options.validate_value)
    allowlist = None
    if options.prune:
        from pykubectl.resources.prune import parse_allowlist

        allowlist = parse_allowlist(session.mapper, options.prune_allowlist)
    print_object = bool(options.output) and options.output != "name"
    out = session.streams.out
    namespace = session.namespace
    explicit_ns = bool(session.overrides.namespace)
    request = SelectionRequest(filenames=options.filenames, recursive=options.recursive,
                               kustomize=options.kustomize, label_selector=options.selector)
    selection = select(request, session.mapper, namespace, explicit_ns, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    targets, errors = _visit(selection.items, validation)
    if not targets and not errors:
        raise KubectlError("no objects passed to apply")

    from pykubectl.printing import progress

    drawing = progress.bar(session.streams, len(targets))

    def warn(text: str) -> None:
        drawing.write(session.streams.err, text)

    applier = Applier(session.client, dry_run=dry_run, field_manager=options.manager, validation=validation,
                      overwrite=options.overwrite, force=options.force, grace_period=options.grace_period,
                      cascade=options.cascade, timeout=options.timeout, warn=warn)
    printer = _printer(options, dry_run)
    results: list[dict] = []
    visited_namespaces: set[str] = set()
    if explicit_ns:
        visited_namespaces.add(namespace)
    visited_uids: set[str] = set()
    with drawing, drawing.routing(getattr(session.client, "warning_printer", None), "out"):
        for target in targets:
            drawing.advance()
            if target.type.namespaced:
                visited_namespaces.add(target.namespace)
            try:
                if options.server_side:
                    applied = applier.server_side(target, options.force_conflicts, options.subresource)
                else:
                    applied = applier.client_side(target)
            except KubectlError as exc:
                errors.append(exc)
                results.append(target.manifest.obj)
                continue
            results.append(applied.obj)
            uid = (applied.obj.get("metadata") or {}).get("uid")
            if uid:
                visited_uids.add(uid)
            if print_object:
                continue
            drawing.write(out, printer(applied.obj, applied.operation))
    if errors:
        raise collected_error(errors)
    if print_object and results:
        if len(results) == 1:
            out.write(printer(results[0], ""))
        else:
            out.write(printer(_typed_list(results, options.output), ""))
        out.flush()
    if options.prune:
        from pykubectl.resources.prune import pruned_objects

        if not allowlist:
            _klog_warning(session.streams.err, "prune.go:71", PRUNE_DEPRECATION)
        for obj in pruned_objects(session.client, session.mapper, allowlist, visited_namespaces, visited_uids,
                                  options.selector, dry_run, options.cascade, options.grace_period):
            out.write(printer(obj, "pruned"))
            out.flush()


PRUNE_DEPRECATION = ("Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used "
                     "with the --namespace flag in a future release. To preserve the current behaviour, list the "
                     "resources you want to target explicitly in the --prune-allowlist flag.")


def _klog_warning(err, where: str, message: str) -> None:
    """klog.Warning's line, which kubectl writes at every verbosity."""
    import os
    import time

    now = time.time()
    stamp = time.strftime("%m%d %H:%M:%S", time.localtime(now))
    err.write(f"W{stamp}.{int((now % 1) * 1_000_000):06d} {os.getpid():7d} {where}] {message}\n")
    err.flush()


def _visit(items, validation: str):
    """The builder's objects: with validation on, a document whose kind is unknown makes kubectl try to
    download the OpenAPI v2 schema, which fails on a v3-only server and ends that file (create does the same)."""
    from pykubectl.client.status import go_quote
    from pykubectl.resources.selection import Target

    targets: list[Target] = []
    errors: list[Exception] = []
    stopped: set[str] = set()
    for item in items:
        for member in item if isinstance(item, list) else [item]:
            if isinstance(member, Target):
                if member.manifest is None or member.manifest.source not in stopped:
                    targets.append(member)
                continue
            source = _mapping_error_source(member)
            if source is not None and validation != "Ignore":
                if source not in stopped:
                    stopped.add(source)
                    errors.append(KubectlError(
                        f"error validating {go_quote(source)}: error validating data: failed to download openapi: "
                        "the server could not find the requested resource; if you choose to ignore these errors, "
                        "turn validation off with --validate=false"))
                continue
            errors.append(member)
    return targets, errors


def _mapping_error_source(error: Exception) -> str | None:
    text = str(error)
    marker = '" from "'
    if not text.startswith("resource mapping not found for name:") or marker not in text:
        return None
    return text.split(marker, 1)[1].split('": no matches for kind', 1)[0]


def _printer(options: ApplyOptions, dry_run: str):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    suffix = dry_run_suffix(dry_run)
    if options.output == "name":  # an explicit -o name prints no operation (nor a dry-run mark)
        return lambda obj, operation: to_name(obj, "")
    if not options.output:
        return lambda obj, operation: to_name(obj, operation + suffix if operation else "")
    printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True)
    in_order = printer
    if options.output.lower() == "json":
        in_order = printer_for(options.output, allowed=GENERIC_FORMATS, sort_keys=False)
    strip = options.output.lower() in ("json", "yaml") and not options.show_managed_fields

    def emit(obj, _operation):
        if strip:
            obj = _without_managed_fields(obj)
        if obj.get("kind") == "List" and next(iter(obj)) == "kind":
            return in_order(obj)
        return printer(obj)

    return emit


def _typed_list(items: list[dict], output: str) -> dict:
    """A corev1.List: -o json writes its struct fields in declaration order, the items' keys sorted."""
    if output.lower() != "json":
        return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {}}
    return {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": [_sorted(item) for item in items]}


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _without_managed_fields(obj: dict) -> dict:
    if isinstance(obj.get("items"), list):
        return {**obj, "items": [_without_managed_fields(item) for item in obj["items"]]}
    if "managedFields" in (obj.get("metadata") or {}):
        return {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
    return obj
