"""What the create generators share: their printing/dry-run flags, NAME checks, and the send-and-print step.

Each generator (create_*.go in kubectl) builds a typed object, adds the last-applied annotation with
--save-config, POSTs it unless --dry-run=client, and prints it: `kind[.group]/name created`, or with -o.
Typed objects keep struct field order in JSON, so printers here never sort keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import ApiError, KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand, render_command_help
from pykubectl.flags.pflag import specs_of

_FLAGS = (
    pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats."),
    pflag.string("--dry-run", default="none", help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.'),
    pflag.string("--field-manager", default="kubectl-create", help="Name of the manager used to track field ownership."),
    pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file)."),
    pflag.boolean("--save-config", help="If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future."),
    pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format."),
    pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview]."),
    pflag.string("--validate", default="strict", help='Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.'),
)


def generator_flags(f):
    """The print, dry-run, validation, field-manager and --save-config flags every generator has."""
    for decorate in _FLAGS:
        f = decorate(f)
    return f


class GeneratorCommand(KubectlCommand):
    """A generator: its help under its own name even when called by an alias; remembers where `--` was
    (cobra's ArgsLenAtDash), which separates NAME from a container command."""

    def format_help(self, ctx, formatter):
        formatter.write(render_command_help(self, canonical_path(ctx)))

    def parse_args(self, ctx, args):
        ctx.meta["pykubectl.args_at_dash"] = _args_at_dash(self, args)
        return super().parse_args(ctx, args)


def canonical_path(ctx: click.Context) -> str:
    parent = ctx.parent.command_path if ctx.parent is not None else "kubectl create"
    return f"{parent} {ctx.command.name}"


def _args_at_dash(command: click.Command, args: list[str]) -> int:
    from pykubectl.flags.global_flags import global_specs

    valued = {f"--{s.long}" for s in [*specs_of(command), *global_specs()]
              if s.long and s.takes_value and s.no_opt_default is None}
    valued |= {f"-{s.short}" for s in [*specs_of(command), *global_specs()] if s.short and s.takes_value}
    count, i = 0, 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return count
        if arg.startswith("-") and arg != "-":
            if arg in valued:
                i += 1
        else:
            count += 1
        i += 1
    return -1


def require_flags(params: dict, *names: str) -> None:
    """cobra's MarkFlagRequired check, ahead of everything else the command does."""
    missing = [name for name in names if not params.get(name.replace("-", "_"))]
    if missing:
        raise KubectlError(f"required flag(s) {', '.join(chr(34) + m + chr(34) for m in missing)} not set")


def name_and_command(args: tuple[str, ...], at_dash: int, path: str) -> tuple[str, tuple[str, ...]]:
    """NameFromCommandArgs: exactly one NAME before `--`; what follows it is a container command."""
    count = len(args) if at_dash < 0 else at_dash
    if count != 1:
        raise UsageError(f"exactly one NAME is required, got {count}", path)
    return args[0], tuple(args[1:])


@dataclass(frozen=True)
class GeneratorOutput:
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = "kubectl-create"
    validate_value: str = "strict"
    save_config: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> GeneratorOutput:
        return cls(
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else "kubectl-create",
            validate_value=params.get("validate") if params.get("validate") is not None else "strict",
            save_config=bool(params.get("save_config")))


class Prepared:
    """Complete(): the dry-run strategy, the validation directive and the printer, checked before anything is
    built (kubectl reports a bad -o or --dry-run ahead of the generator's own errors)."""

    def __init__(self, options: GeneratorOutput):
        from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
        from pykubectl.resources.dry_run import dry_run_suffix, parse_dry_run, validation_directive

        self.options = options
        self.dry_run = parse_dry_run(options.dry_run)
        if not options.output and not options.template:
            from pykubectl.printing.structured import to_name

            suffix = "created" + dry_run_suffix(self.dry_run)
            self._printer = lambda obj: to_name(obj, suffix)
        else:
            self._printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                                        allow_missing_keys=options.allow_missing_template_keys, sort_keys=False)
        self.validation = validation_directive(options.validate_value)

    def send(self, session, obj: dict, collection_path: str, failure: str | None = None) -> None:
        """CreateOrUpdateAnnotation, the POST (unless a client dry run) and the print."""
        from pykubectl.resources.dry_run import with_typed_last_applied, write_params

        if self.options.save_config:
            obj = with_typed_last_applied(obj)
        if self.dry_run != "client":
            params = write_params(self.options.field_manager, self.dry_run, self.validation)
            try:
                obj = session.client.request_json("POST", collection_path, params, json=obj)
            except ApiError as exc:
                if failure is None:
                    raise
                raise KubectlError(f"{failure}{exc.message}") from None
        self.print(session, obj)

    def print(self, session, obj: dict) -> None:
        if not self.options.show_managed_fields and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        out = session.streams.out
        out.write(self._printer(obj))
        out.flush()


def enforced_namespace(session) -> str:
    """The namespace kubectl writes into a generated object: only one given with -n/--namespace."""
    return session.namespace if session.overrides.namespace else ""


def namespaced_path(session, group_version: str, resource: str) -> str:
    base = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
    return f"{base}/namespaces/{session.namespace}/{resource}"


def cluster_path(group_version: str, resource: str) -> str:
    base = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
    return f"{base}/{resource}"


def flat(values) -> tuple[str, ...]:
    """A StringSlice flag's values: every occurrence may have held a comma-separated list."""
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


