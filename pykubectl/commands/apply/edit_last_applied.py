"""kubectl apply edit-last-applied: edit the last-applied-configuration annotations in $KUBE_EDITOR/$EDITOR."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Edit the latest last-applied-configuration annotations of resources from the default editor.\n\n The "
        "edit-last-applied command allows you to directly edit any API resource you can retrieve via the "
        "command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, "
        "or fall back to 'vi' for Linux or 'notepad' for Windows. You can edit multiple objects, although changes "
        "are applied one at a time. The command accepts file names as well as command-line arguments, although the "
        "files you point to must be previously saved versions of resources.\n\n The default format is YAML. To edit "
        "in JSON, specify \"-o json\".\n\n The flag --windows-line-endings can be used to force Windows line "
        "endings, otherwise the default for your operating system will be used.\n\n In the event an error occurs "
        "while updating, a temporary file will be created on disk that contains your unapplied changes. The most "
        "common error when updating a resource is another editor changing the resource on the server. When this "
        "occurs, you will have to apply your changes to the newer version of the resource, or update your temporary "
        "saved copy to include the latest resource version.")
EXAMPLES = ("  # Edit the last-applied-configuration annotations by type/name in YAML\n"
            "  kubectl apply edit-last-applied deployment/nginx\n  \n"
            "  # Edit the last-applied-configuration annotations by file in JSON\n"
            "  kubectl apply edit-last-applied -f deploy.yaml -o json")
USAGE = "(RESOURCE/NAME | -f FILENAME) [options]"
HEADER = ("# Please edit the 'last-applied-configuration' annotations below.\n"
          "# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n")


@dataclass(frozen=True)
class EditLastAppliedOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    output: str = ""
    field_manager: str = "kubectl-client-side-apply"
    validate_value: str = "strict"

    @classmethod
    def from_flags(cls, params: dict) -> EditLastAppliedOptions:
        return cls(args=tuple(params.get("args") or ()),
                   filenames=tuple(v for c in params.get("filename") or () for v in
                                   (c if isinstance(c, list | tuple) else [c])),
                   recursive=bool(params.get("recursive")), output=params.get("output") or "",
                   field_manager=params.get("field_manager") or "kubectl-client-side-apply",
                   validate_value=params.get("validate") if params.get("validate") is not None else "strict")


@click.command("edit-last-applied", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--field-manager", default="kubectl-client-side-apply", help="Name of the manager used to track field ownership.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files to use to edit the resource")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag.string("--validate", default="strict", help="Must be one of: strict (or true), warn, ignore (or false). \"true\" or \"strict\" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. \"warn\" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as \"ignore\" otherwise. \"false\" or \"ignore\" will not perform any schema validation, silently dropping any unknown or duplicate fields.")
@pflag.boolean("--windows-line-endings", help="Defaults to the line ending native to your platform.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = EditLastAppliedOptions.from_flags(params)
    run(options, current_session())


def run(options: EditLastAppliedOptions, session) -> None:
    import json

    from pykubectl.printing.structured import to_json, to_name, to_yaml
    from pykubectl.resources.dry_run import LAST_APPLIED, go_compact_json, validation_directive, write_params
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, select

    validation = validation_directive(options.validate_value)
    selection = select(SelectionRequest(args=options.args, filenames=options.filenames,
                                        recursive=options.recursive, allow_empty_selector=False),
                       session.mapper, session.namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    originals: list[tuple[object, dict]] = []
    for fetched in fetcher.visit(selection):
        for obj in items_of(fetched.obj):
            value = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
            if value:
                originals.append((fetched.target, json.loads(value)))
    error = fetcher.error()
    if error is not None:
        raise error
    if not originals:
        return
    document = originals[0][1] if len(originals) == 1 else {
        "apiVersion": "v1", "items": [o for _, o in originals], "kind": "List", "metadata": {}}
    if options.output == "json":
        text = to_json(document, indent=4, sort_keys=True)
    else:
        text = HEADER + to_yaml(document)
    edited = _edit(text, ".json" if options.output == "json" else ".yaml")
    stripped = "\n".join(line for line in edited.splitlines() if not line.startswith("#"))
    if edited == text or not stripped.strip():
        session.streams.err.write("Edit cancelled, no changes made.\n")
        return
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        result = yaml.load(stripped, Loader=loader)
    except yaml.YAMLError as exc:
        raise KubectlError(f"error parsing edited file: {exc}") from None
    items = result.get("items") if isinstance(result, dict) and result.get("kind") == "List" else [result]
    out = session.streams.out
    for (target, original), new in zip(originals, items or (), strict=False):
        if go_compact_json(original) == go_compact_json(new):
            out.write(to_name(new, "skipped"))
            continue
        patch = {"metadata": {"annotations": {LAST_APPLIED: go_compact_json(new) + "\n"}}}
        session.client.request_json("PATCH", target.type.object_path(target.name, target.namespace or None),
                                    write_params(options.field_manager, "none", validation),
                                    content=go_compact_json(patch).encode(),
                                    headers={"Content-Type": "application/merge-patch+json"})
        out.write(to_name(new, "edited"))
    out.flush()


def _edit(text: str, suffix: str) -> str:
    """Write the text to a temporary file, run the editor on it (through the shell when it has arguments)."""
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("KUBE_EDITOR") or os.environ.get("EDITOR") or "vi"
    handle, path = tempfile.mkstemp(prefix="kubectl-edit-", suffix=suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        command = ["sh", "-c", f"{editor} {shlex.quote(path)}"] if " " in editor else [editor, path]
        try:
            status = subprocess.run(command, check=False).returncode
        except OSError as exc:
            raise KubectlError(f'unable to launch the editor "{editor}": {exc}') from None
        if status != 0:
            raise KubectlError(f"there was a problem with the editor \"{editor}\"")
        with open(path, encoding="utf-8") as file:
            return file.read()
    finally:
        os.unlink(path)
