"""kubectl create -f: create objects from manifests (the generators come as sub-verbs later)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand, render_command_help
from pykubectl.flags.global_flags import current_session

HELP = 'Create a resource from a file or from stdin.\n\n JSON and YAML formats are accepted.'
EXAMPLES = '  # Create a pod using the data in pod.json\n  kubectl create -f ./pod.json\n  \n  # Create a pod based on the JSON passed into stdin\n  cat pod.json | kubectl create -f -\n  \n  # Edit the data in registry.yaml in JSON then create the resource using the edited data\n  kubectl create -f registry.yaml --edit -o json'
USAGE = '-f FILENAME [options]'

AVAILABLE = """Available Commands:
  clusterrole           Create a cluster role
  clusterrolebinding    Create a cluster role binding for a particular cluster role
  configmap             Create a config map from a local file, directory or literal value
  cronjob               Create a cron job with the specified name
  deployment            Create a deployment with the specified name
  ingress               Create an ingress with the specified name
  job                   Create a job with the specified name
  namespace             Create a namespace with the specified name
  poddisruptionbudget   Create a pod disruption budget with the specified name
  priorityclass         Create a priority class with the specified name
  quota                 Create a quota with the specified name
  role                  Create a role with single rule
  rolebinding           Create a role binding for a particular role or cluster role
  secret                Create a secret using a specified subcommand
  service               Create a service using a specified subcommand
  serviceaccount        Create a service account with the specified name
  token                 Request a service account token
"""


_PKG = "pykubectl.commands.create"

# The generators (cobra sub-commands of create): name or alias -> (module, canonical name).
GENERATORS: dict[str, tuple[str, str]] = {}
for _name, _module, _aliases in (
    ("clusterrole", "clusterrole", ()), ("clusterrolebinding", "clusterrolebinding", ()),
    ("ingress", "ingress", ("ing",)), ("role", "role", ()), ("token", "token", ()),
    ("configmap", "configmap", ("cm",)), ("cronjob", "cronjob", ("cj",)), ("deployment", "deployment", ("deploy",)),
    ("job", "job", ()), ("namespace", "namespace", ("ns",)),
    ("poddisruptionbudget", "poddisruptionbudget", ("pdb",)), ("priorityclass", "priorityclass", ("pc",)),
    ("quota", "quota", ("resourcequota",)), ("rolebinding", "rolebinding", ()),
    ("secret", "secret", ()), ("service", "service", ("svc",)), ("serviceaccount", "serviceaccount", ("sa",)),
):
    for _alias in (_name, *_aliases):
        GENERATORS[_alias] = (f"{_PKG}.{_module}", _name)


class _CreateCommand(KubectlCommand):
    """kubectl's create help lists its sub-verbs between the examples and the options; a first positional
    word naming a generator hands the rest of the arguments to it (cobra's Find)."""

    def make_context(self, info_name, args, parent=None, **extra):
        index = _first_word(self, list(args))
        if index is not None and args[index] in GENERATORS:
            import importlib

            module, name = GENERATORS[args[index]]
            generator = importlib.import_module(module).command
            rest = list(args[:index]) + list(args[index + 1:])
            # a bare context for "create" itself, so the generator's command path reads `kubectl create NAME`
            outer = click.Context(click.Command(info_name), info_name=info_name, parent=parent)
            return generator.make_context(name, rest, parent=outer, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)

    def format_help(self, ctx, formatter):
        text = render_command_help(self, ctx.command_path)
        text = text.replace("\n\nOptions:\n", "\n\n" + AVAILABLE + "\nOptions:\n", 1)
        text = text.replace('\nUse "kubectl options"',
                            f'\nUse "{ctx.command_path} <command> --help" for more information about a given '
                            'command.\nUse "kubectl options"', 1)
        formatter.write(text)


@dataclass(frozen=True)
class CreateOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = "kubectl-create"
    validate_value: str = "strict"
    save_config: bool = False
    edit: bool = False
    windows_line_endings: bool = False
    raw: str = ""

    @classmethod
    def from_flags(cls, params: dict) -> CreateOptions:
        return cls(
            args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
            recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
            selector=params.get("selector") or "", output=params.get("output") or "",
            template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else "kubectl-create",
            validate_value=params.get("validate") if params.get("validate") is not None else "strict",
            save_config=bool(params.get("save_config")), edit=bool(params.get("edit")), raw=params.get("raw") or "",
            windows_line_endings=bool(params.get("windows_line_endings")))

    def validate(self) -> None:
        if self.args:
            raise UsageError(f"Unexpected args: [{' '.join(self.args)}]", "kubectl create")
        if not self.filenames and not self.kustomize:
            raise KubectlError("must specify one of -f and -k")


def _first_word(command, args: list[str]) -> int | None:
    """Where the first non-flag argument is, skipping the values of create's and the global flags."""
    from pykubectl.flags.global_flags import global_specs
    from pykubectl.flags.pflag import specs_of

    specs = [*specs_of(command), *global_specs()]
    valued = {f"--{s.long}" for s in specs if s.long and s.takes_value and s.no_opt_default is None}
    valued |= {f"-{s.short}" for s in specs if s.short and s.takes_value}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if arg.startswith("-") and arg != "-":
            i += 2 if arg in valued else 1
            continue
        return i
    return None


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


@click.command("create", cls=_CreateCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.boolean("--edit", help="Edit the API resource before creating")
@pflag.string("--field-manager", default="kubectl-create", help="Name of the manager used to track field ownership.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files to use to create the resource")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.string("--raw", help="Raw URI to POST to the server.  Uses the transport specified by the kubeconfig file.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.boolean("--save-config", help="If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag.string("--validate", default="strict", help="Must be one of: strict (or true), warn, ignore (or false). \"true\" or \"strict\" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. \"warn\" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as \"ignore\" otherwise. \"false\" or \"ignore\" will not perform any schema validation, silently dropping any unknown or duplicate fields.")
@pflag.boolean("--windows-line-endings", help="Only relevant if --edit=true. Defaults to the line ending native to your platform.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = CreateOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: CreateOptions, session) -> None:
    from pykubectl.resources.dry_run import (
        LAST_APPLIED,
        parse_dry_run,
        validation_directive,
        with_last_applied,
        with_source,
        write_params,
    )
    from pykubectl.resources.selection import SelectionRequest, Target, select

    if options.raw:
        from pykubectl.resources.dry_run import check_raw, raw_request

        if options.edit:
            raise KubectlError("--raw and --edit are mutually exclusive")
        check_raw(options.raw, options.filenames, options.recursive, options.output, options.selector)
        out = session.streams.out
        out.write(raw_request(session.client, "POST", options.raw, options.filenames[0] if options.filenames else "",
                              session.streams.stdin).decode("utf-8", "replace"))
        out.flush()
        return
    dry_run = parse_dry_run(options.dry_run)
    validation = validation_directive(options.validate_value)
    printer = _printer(options, dry_run)
    if options.edit:
        from pykubectl.commands.create._edit import run_edit

        run_edit(options, session)
        return
    namespace = session.namespace
    explicit = bool(session.overrides.namespace)
    request = SelectionRequest(filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive,
                               label_selector=options.selector)
    selection = select(request, session.mapper, namespace, explicit, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    params = write_params(options.field_manager, dry_run, validation)
    out = session.streams.out
    failures: list[Exception] = []
    visitor_errors: list[Exception] = []
    stopped: set[str] = set()
    count = 0
    for item in _flatten(selection.items):
        if isinstance(item, Exception):
            source = _mapping_error_source(item)
            if source is not None and validation != "Ignore":
                if source in stopped:
                    continue
                stopped.add(source)
                from pykubectl.client.status import go_quote

                item = KubectlError(f"error validating {go_quote(source)}: error validating data: failed to download "
                                    "openapi: the server could not find the requested resource; if you choose to "
                                    "ignore these errors, turn validation off with --validate=false")
            visitor_errors.append(item)
            continue
        assert isinstance(item, Target)
        if item.manifest is not None and item.manifest.source in stopped:
            continue
        obj = _with_namespace(item)
        # CreateOrUpdateAnnotation: --save-config writes the annotation; one already present is refreshed
        if options.save_config or LAST_APPLIED in ((obj.get("metadata") or {}).get("annotations") or {}):
            obj = with_last_applied(obj)
        if dry_run != "client":
            try:
                obj = session.client.request_json("POST", item.type.collection_path(item.namespace or None), params,
                                                  json=obj)
            except KubectlError as exc:
                failures.append(with_source("creating", item.manifest.source if item.manifest else "", exc))
                continue
        count += 1
        out.write(printer(obj))
        out.flush()
    errors = failures + visitor_errors
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)
    if count == 0:
        raise KubectlError("no objects passed to create")


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from item
        else:
            yield item


def _mapping_error_source(error: Exception) -> str | None:
    text = str(error)
    if not text.startswith("resource mapping not found for name:"):
        return None
    marker = '" from "'
    start = text.find(marker)
    if start < 0:
        return None
    rest = text[start + len(marker):]
    return rest.split('": no matches for kind', 1)[0]


def _with_namespace(target) -> dict:
    """The builder's SetNamespace: a namespaced object without a namespace gets the command's."""
    import copy

    obj = copy.deepcopy(target.manifest.obj)
    if target.type.namespaced and target.namespace:
        metadata = obj.setdefault("metadata", {})
        if not metadata.get("namespace"):
            metadata["namespace"] = target.namespace
    return obj


def _printer(options: CreateOptions, dry_run: str):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    if not options.output and not options.template:
        return lambda obj: to_name(obj, "created" + dry_run_suffix(dry_run))
    printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True)
    strip = options.output.lower() in ("json", "yaml") and not options.show_managed_fields

    def emit(obj):
        if strip and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        return printer(obj)

    return emit
