"""kubectl edit: objects in $KUBE_EDITOR/$EDITOR, saved back as strategic (or, for custom resources, JSON merge)
patches; a failed save reopens the file with the server's reasons."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Edit a resource from the default editor.\n\n The edit command allows you to directly edit any API resource you can retrieve via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, or fall back to \'vi\' for Linux or \'notepad\' for Windows. When attempting to open the editor, it will first attempt to use the shell that has been defined in the \'SHELL\' environment variable. If this is not defined, the default shell will be used, which is \'/bin/bash\' for Linux or \'cmd\' for Windows.\n\n You can edit multiple objects, although changes are applied one at a time. The command accepts file names as well as command-line arguments, although the files you point to must be previously saved versions of resources.\n\n Editing is done with the API version used to fetch the resource. To edit using a specific API version, fully-qualify the resource, version, and group.\n\n The default format is YAML. To edit in JSON, specify "-o json".\n\n The flag --windows-line-endings can be used to force Windows line endings, otherwise the default for your operating system will be used.\n\n In the event an error occurs while updating, a temporary file will be created on disk that contains your unapplied changes. The most common error when updating a resource is another editor changing the resource on the server. When this occurs, you will have to apply your changes to the newer version of the resource, or update your temporary saved copy to include the latest resource version.'
EXAMPLES = '  # Edit the service named \'registry\'\n  kubectl edit svc/registry\n  \n  # Use an alternative editor\n  KUBE_EDITOR="nano" kubectl edit svc/registry\n  \n  # Edit the job \'myjob\' in JSON using the v1 API format\n  kubectl edit job.v1.batch/myjob -o json\n  \n  # Edit the deployment \'mydeployment\' in YAML and save the modified config in its annotation\n  kubectl edit deployment/mydeployment -o yaml --save-config\n  \n  # Edit the \'status\' subresource for the \'mydeployment\' deployment\n  kubectl edit deployment mydeployment --subresource=\'status\''
USAGE = '(RESOURCE/NAME | -f FILENAME) [options]'


@click.command("edit", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("--field-manager", default='kubectl-edit', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files to use to edit the resource')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("--output-patch", help='Output the patch if the resource is edited.')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.boolean("--save-config", help='If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.')
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--subresource", help='If specified, edit will operate on the subresource of the requested object. This flag is beta and may change in the future.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@pflag.string("--validate", default='strict', help='Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.')
@pflag.boolean("--windows-line-endings", help='Defaults to the line ending native to your platform.')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def run(params: dict, session) -> None:
    import os

    from pykubectl.resources import editing
    from pykubectl.resources.dry_run import validation_directive

    output = params.get("output") or ""
    if output and output not in ("json", "yaml"):
        from pykubectl.errors import UnknownOutputFormat

        raise UnknownOutputFormat(output, ["json", "yaml"])
    validation = validation_directive(params.get("validate") if params.get("validate") is not None else "strict")
    infos = _fetch(session, params)
    if not infos:
        raise KubectlError("edit cancelled, no objects found")
    # kubectl 1.32 strips managedFields from what it edits even with --show-managed-fields
    originals = [_without_managed_fields(obj) for _, obj in infos]
    document = originals[0] if len(originals) == 1 else {
        "apiVersion": "v1", "items": originals, "kind": "List", "metadata": {}}
    as_json = output == "json"
    suffix = ".json" if as_json else ".yaml"
    body = _render(document, as_json)
    header = "" if as_json else editing.EDIT_HEADER  # JSON has no comments: kubectl writes no header
    windows = bool(params.get("windows_line_endings"))
    out, err = session.streams.out, session.streams.err
    edited = ""
    previous_file = ""
    reasons: list[tuple[str, list[str]]] = []
    contains_error = False
    while True:
        if not contains_error:
            text = header + body
        else:
            text = header + editing.error_header(reasons) + editing.manual_strip(edited)
        edited_before = edited
        try:
            edited, path = editing.launch(text, suffix, windows)
        except editing.PreservedError as exc:
            raise editing.PreservedError(str(exc), previous_file) from None
        edited = edited.replace("\r\n", "\n")
        if contains_error and editing.strip_comments(edited_before) == editing.strip_comments(edited):
            raise editing.PreservedError("Edit cancelled, no valid changes were saved.", path)
        if previous_file and previous_file != path and os.path.exists(previous_file):
            os.unlink(previous_file)
        previous_file = path
        problem = _validate(edited)
        if problem is not None:  # kubectl 1.32 validates the whole file first and blames the first object
            target = infos[0][0]
            resource = target.type.plural + (f".{target.type.group}" if target.type.group else "")
            reasons = [(f'{resource} "{target.name}" was not valid',
                        [f'<nil>: Invalid value: "The edited file failed validation": {problem}'])]
            err.write(f'error: {resource} "{target.name}" is invalid\n')
            contains_error = True
            continue
        if editing.strip_comments(header + body) == editing.strip_comments(edited):
            os.unlink(path)
            err.write("Edit cancelled, no changes made.\n")
            return
        if not editing.has_lines(edited):
            os.unlink(path)
            err.write("Edit cancelled, saved file was empty.\n")
            return
        previous_file = path
        reasons = []
        try:
            updated = _parse(edited)
        except KubectlError as exc:
            contains_error = True
            reasons = [(f"The edited file had a syntax error: {exc}", [])]
            continue
        contains_error = False
        try:
            failures = _patch_all(session, params, infos, originals, updated, validation, output, out, err,
                                  reasons)
        except KubectlError as exc:
            raise editing.PreservedError(str(exc).removeprefix("error: "), path) from None
        if failures == "retry":
            raise _Exit(f"You can run `kubectl replace -f {path}` to try this update again.")
        if failures == "notfound":
            raise _Exit(f'The edits you made on deleted resources have been saved to "{path}"')
        if not reasons:
            os.unlink(path)
            return
        contains_error = True


def _validate(text: str) -> str | None:
    """The schema check kubectl 1.32 runs on the saved file: nothing to validate, a List (which no schema
    describes), or text that does not parse."""
    try:
        documents = _parse(text)
    except KubectlError as exc:
        return str(exc)
    if not documents:
        return "invalid object to validate"
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    top = [d for d in yaml.load_all(text, Loader=loader) if isinstance(d, dict)]
    if any(str(d.get("kind") or "").endswith("List") for d in top):
        return "the server could not find the requested resource"
    return None


class _Exit(KubectlError):
    def render(self) -> str:
        return str(self)


def _without_managed_fields(obj: dict) -> dict:
    metadata = obj.get("metadata") or {}
    if "managedFields" not in metadata:
        return obj
    return {**obj, "metadata": {k: v for k, v in metadata.items() if k != "managedFields"}}


def _render(document: dict, as_json: bool) -> str:
    from pykubectl.printing.structured import to_json, to_yaml

    return to_json(document, indent=4, sort_keys=True) if as_json else to_yaml(document)


def _fetch(session, params: dict) -> list[tuple]:
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    request = SelectionRequest(args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
                               recursive=bool(params.get("recursive")), allow_empty_selector=False,
                               subresource=params.get("subresource") or "", latest=True)
    selection = select(request, session.mapper, session.namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    infos: list[tuple] = []
    errors: list[Exception] = []
    for item in selection.items:
        for member in item if isinstance(item, list) else [item]:
            if not isinstance(member, Target):
                errors.append(member)
                continue
            for fetched in fetcher.fetch(member, errors):
                page = fetched.obj
                kind = str(page.get("kind") or "")
                for obj in items_of(page):
                    if kind.endswith("List") and not obj.get("kind"):
                        obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
                    metadata = obj.get("metadata") or {}
                    infos.append((Target(member.type, str(metadata.get("namespace") or ""),
                                         str(metadata.get("name") or ""),
                                         subresource=member.subresource), obj))
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)
    return infos


def _parse(text: str) -> list[dict]:
    from pykubectl.resources.editing import parse_edited_objects

    return parse_edited_objects(text)


def _key(obj: dict) -> tuple:
    metadata = obj.get("metadata") or {}
    return (str(obj.get("kind") or ""), str(metadata.get("namespace") or ""), str(metadata.get("name") or ""))


def _patch_all(session, params, infos, originals, updated, validation, output, out, err, reasons) -> str:
    """visitToPatch: per edited object, a patch against its original; returns "", "retry" or "notfound"."""
    from pykubectl.errors import ApiError
    from pykubectl.printing.structured import to_name
    from pykubectl.resources import three_way
    from pykubectl.resources.dry_run import go_compact_json, with_last_applied, write_params
    from pykubectl.resources.patch_metadata import PatchMetadata

    by_key = {_key(original): (target, original) for (target, _), original in zip(infos, originals, strict=True)}
    metadata = PatchMetadata(session.client)
    result = ""
    for edited in updated:
        found = by_key.get(_key(edited))
        if found is None:
            found = next(iter(by_key.values())) if len(by_key) == 1 else None
        if found is None:
            raise KubectlError("At least one of apiVersion, kind and name was changed")
        target, original = found
        if go_compact_json(original) == go_compact_json(edited):
            out.write(to_name(edited, "skipped"))
            continue
        for key in ("apiVersion", "kind"):
            if original.get(key) != edited.get(key):
                raise KubectlError("At least one of apiVersion, kind and name was changed")
        if (original.get("metadata") or {}).get("name") != (edited.get("metadata") or {}).get("name"):
            raise KubectlError("At least one of apiVersion, kind and name was changed")
        if params.get("save_config"):
            edited = with_last_applied(edited)
        schema = metadata.v3_schema(target.type)
        kind = "strategic"
        if schema is None:
            kind, schema = metadata.fallback_for(target.type)
        if kind == "strategic":
            patch = three_way.three_way_strategic_patch(original, edited, original, schema)
            content_type = "application/strategic-merge-patch+json"
        else:
            patch = three_way.three_way_merge_patch(original, edited, original)
            content_type = "application/merge-patch+json"
        text = three_way.patch_json(patch)
        if params.get("output_patch"):
            out.write(f"Patch: {text}\n")
        path = target.type.object_path(target.name, target.namespace or None)
        if target.subresource:
            path += f"/{target.subresource}"
        resource = target.type.plural + (f".{target.type.group}" if target.type.group else "")
        try:
            saved = session.client.request_json(
                "PATCH", path, write_params(params.get("field_manager") or "kubectl-edit", "none", validation),
                content=text.encode(), headers={"Content-Type": content_type})
        except ApiError as exc:
            if exc.reason == "Invalid":
                causes = [_cause_text(c) for c in ((exc.status or {}).get("details") or {}).get("causes") or ()]
                reasons.append((f'{resource} "{target.name}" was not valid', causes))
                err.write(f'error: {resource} "{target.name}" is invalid\n')
            elif exc.reason == "NotFound":
                err.write(f'error: {resource} "{target.name}" could not be found on the server\n')
                result = "notfound"
            else:
                err.write(f'error: {resource} "{target.name}" could not be patched: {exc}\n')
                result = result or "retry"
            continue
        if output:
            out.write(_render(_without_managed_fields(saved) if not params.get("show_managed_fields") else saved,
                              output == "json"))
        else:
            out.write(to_name(saved, "edited"))
        out.flush()
    return result


def _cause_text(cause: dict) -> str:
    """StatusCause as kubectl's edit lists it: `field: message`."""
    field = cause.get("field") or ""
    message = cause.get("message") or ""
    return f"{field}: {message}" if field else message
