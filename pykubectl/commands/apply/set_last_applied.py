"""kubectl apply set-last-applied: make live objects' last-applied annotation match the manifests."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Set the latest last-applied-configuration annotations by setting it to match the contents of a file. This "
        "results in the last-applied-configuration being updated as though 'kubectl apply -f<file> ' was run, "
        "without updating any other parts of the object.")
EXAMPLES = ("  # Set the last-applied-configuration of a resource to match the contents of a file\n"
            "  kubectl apply set-last-applied -f deploy.yaml\n  \n"
            "  # Execute set-last-applied against each configuration file in a directory\n"
            "  kubectl apply set-last-applied -f path/\n  \n"
            "  # Set the last-applied-configuration of a resource to match the contents of a file; will create the "
            "annotation if it does not already exist\n"
            "  kubectl apply set-last-applied -f deploy.yaml --create-annotation=true")
USAGE = "-f FILENAME [options]"


@dataclass(frozen=True)
class SetLastAppliedOptions:
    filenames: tuple[str, ...] = ()
    create_annotation: bool = False
    dry_run: str = "none"
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> SetLastAppliedOptions:
        return cls(filenames=tuple(v for c in params.get("filename") or () for v in
                                   (c if isinstance(c, list | tuple) else [c])),
                   create_annotation=bool(params.get("create_annotation")),
                   dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
                   output=params.get("output") or "", template=params.get("template") or "",
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")))


@click.command("set-last-applied", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.boolean("--create-annotation", help="Will create 'last-applied-configuration' annotations if current objects doesn't have one")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files that contains the last-applied-configuration annotations")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
def command(**params) -> None:
    options = SetLastAppliedOptions.from_flags(params)
    run(options, current_session())


def run(options: SetLastAppliedOptions, session) -> None:
    from pykubectl.resources.apply import with_manifest_namespace
    from pykubectl.resources.dry_run import LAST_APPLIED, go_compact_json, parse_dry_run, write_params
    from pykubectl.resources.selection import SelectionRequest, Target, select

    dry_run = parse_dry_run(options.dry_run)
    if not options.filenames:
        raise KubectlError("must specify one of -f and -k")
    printer = _printer(options, dry_run)
    selection = select(SelectionRequest(filenames=options.filenames), session.mapper, session.namespace,
                       bool(session.overrides.namespace), stdin=session.streams.stdin)
    out = session.streams.out
    pending: list[tuple[Target, dict, str]] = []
    for item in selection.items:
        for target in item if isinstance(item, list) else [item]:
            if not isinstance(target, Target):
                raise target
            local = with_manifest_namespace(target)
            before = go_compact_json(local) + "\n"  # editor.GetApplyPatch: json.Encoder's line
            path = target.type.object_path(target.name, target.namespace or None)
            live = session.client.get_json(path, discovery=False)
            original = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
            if original is None and not options.create_annotation:
                raise KubectlError(f"no last-applied-configuration annotation found on resource: {target.name}, to "
                                   "create the annotation, run the command with --create-annotation")
            if original is not None and _strip_comments(original) == _strip_comments(before):
                out.write(f"set-last-applied {target.name}: no changes required.\n")
                continue
            pending.append((target, live, before))
    for target, live, before in pending:
        result = live
        if dry_run != "client":
            patch = {"metadata": {"annotations": {LAST_APPLIED: before}}}
            result = session.client.request_json(
                "PATCH", target.type.object_path(target.name, target.namespace or None),
                write_params("", dry_run), content=go_compact_json(patch).encode(),
                headers={"Content-Type": "application/merge-patch+json"})
        out.write(printer(result))
    out.flush()


def _strip_comments(text: str) -> str:
    """cmdutil.StripComments: drop lines starting with # (the annotation is JSON, so this rarely matters)."""
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))


def _printer(options: SetLastAppliedOptions, dry_run: str):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    if not options.output:
        return lambda obj: to_name(obj, "configured" + dry_run_suffix(dry_run))
    if options.output == "name":
        return lambda obj: to_name(obj, "")
    printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True)

    def emit(obj):
        if options.output.lower() in ("json", "yaml") and not options.show_managed_fields:
            obj = {**obj, "metadata": {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}}
        return printer(obj)

    return emit
