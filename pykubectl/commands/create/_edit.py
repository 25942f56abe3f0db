"""create --edit (kubectl's RunEditOnCreate, pkg/cmd/util/editor in EditBeforeCreateMode): each object read from
-f/-k opens in the editor on its own, as YAML under the edit header (or as JSON with -o json), and what is saved is
created. No dry run here: kubectl creates whatever --dry-run says."""

from __future__ import annotations

import os

from pykubectl.errors import KubectlError


def run_edit(options, session) -> None:
    from pykubectl.resources.selection import SelectionRequest, Target, select

    output = options.output
    as_json = output == "json"
    if output and output not in ("json", "yaml"):
        from pykubectl.errors import UnknownOutputFormat

        raise UnknownOutputFormat(output, ["json", "yaml"])
    namespace = session.namespace
    request = SelectionRequest(filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive,
                               label_selector=options.selector)
    selection = select(request, session.mapper, namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin, warnings=session.streams.err)
    errors: list[Exception] = []
    for item in selection.items:
        for member in item if isinstance(item, list) else [item]:
            if not isinstance(member, Target):
                errors.append(member)
                continue
            try:
                _edit_one(options, session, member, as_json)
            except _Kept as kept:  # preservedFile names the copy at once; the visit goes on with the next object
                if kept.path and os.path.exists(kept.path):
                    session.streams.err.write(f'A copy of your changes has been stored to "{kept.path}"\n')
                    session.streams.err.flush()
                errors.append(kept.error)
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)


def _edit_one(options, session, target, as_json: bool) -> None:
    from pykubectl.resources import editing

    obj = _with_namespace(target)
    metadata = obj.get("metadata") or {}
    if "managedFields" in metadata:
        obj = {**obj, "metadata": {k: v for k, v in metadata.items() if k != "managedFields"}}
    body = _render(obj, as_json)
    header = "" if as_json else editing.EDIT_HEADER
    suffix = ".json" if as_json else ".yaml"
    err = session.streams.err
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
            edited, path = editing.launch(text, suffix, options.windows_line_endings)
        except editing.PreservedError as exc:
            raise _Kept(KubectlError(str(exc)), previous_file) from None
        edited = edited.replace("\r\n", "\n")
        if contains_error and editing.strip_comments(edited_before) == editing.strip_comments(edited):
            raise _Kept(KubectlError("Edit cancelled, no valid changes were saved."), path)
        if previous_file and previous_file != path and os.path.exists(previous_file):
            os.unlink(previous_file)
        previous_file = path
        problem = _validate(edited)
        if problem is not None:  # kubectl validates the saved file first, blaming the object it opened
            resource = target.type.plural + (f".{target.type.group}" if target.type.group else "")
            reasons = [(f'{resource} "{target.name}" was not valid',
                        [f'<nil>: Invalid value: "The edited file failed validation": {problem}'])]
            err.write(f'error: {resource} "{target.name}" is invalid\n')
            err.flush()
            contains_error = True
            continue
        if editing.strip_comments(header + body) == editing.strip_comments(edited):
            os.unlink(path)
            err.write("Edit cancelled, no changes made.\n")
            err.flush()
            return
        if not editing.has_lines(edited):
            os.unlink(path)
            err.write("Edit cancelled, saved file was empty.\n")
            err.flush()
            return
        try:
            updated = _parse(edited)
        except KubectlError as exc:
            contains_error = True
            reasons = [(f"The edited file had a syntax error: {exc}", [])]
            continue
        try:
            _create_all(options, session, updated)
        except KubectlError as exc:
            raise _Kept(exc, path) from None
        os.unlink(path)
        return


class _Kept(Exception):
    """An edit that failed after a file was saved: the error, and the copy kubectl keeps (preservedFile)."""

    def __init__(self, error: Exception, path: str):
        super().__init__(str(error))
        self.error, self.path = error, path


def _create_all(options, session, objects: list[dict]) -> None:
    from pykubectl.resources.dry_run import validation_directive, with_last_applied, write_params

    validation = validation_directive(options.validate_value)
    params = write_params(options.field_manager, "none", validation)
    printer = _printer(options)
    namespace = session.namespace
    out = session.streams.out
    for obj in objects:
        api_version = str(obj.get("apiVersion") or "")
        group, _, version = api_version.rpartition("/")
        resource_type = session.mapper.kind_for(group, version, str(obj.get("kind") or ""))
        metadata = obj.setdefault("metadata", {})
        if resource_type.namespaced:
            given = metadata.get("namespace") or ""
            if not given:
                metadata["namespace"] = namespace
            elif given != namespace:
                raise KubectlError(f'the namespace from the provided object "{given}" does not match the namespace '
                                   f'"{namespace}". You must pass \'--namespace={given}\' to perform this operation.')
        if options.save_config:
            obj = with_last_applied(obj)
        created = session.client.request_json(
            "POST", resource_type.collection_path(metadata.get("namespace") if resource_type.namespaced else None),
            params, json=obj)
        out.write(printer(created))
        out.flush()


def _printer(options):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name

    if not options.output and not options.template:
        return lambda obj: to_name(obj, "created")
    printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True)

    def emit(obj):
        if not options.show_managed_fields and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        return printer(obj)

    return emit


def _with_namespace(target) -> dict:
    import copy

    obj = copy.deepcopy(target.manifest.obj)
    if target.type.namespaced and target.namespace:
        metadata = obj.setdefault("metadata", {})
        if not metadata.get("namespace"):
            metadata["namespace"] = target.namespace
    return obj


def _render(document: dict, as_json: bool) -> str:
    from pykubectl.printing.structured import to_json, to_yaml

    return to_json(document, indent=4, sort_keys=True) if as_json else to_yaml(document)


def _validate(text: str) -> str | None:
    """The schema check on the saved file (comments stripped): text that does not parse (go-yaml's words),
    nothing to validate, or a List (no schema describes one)."""
    from pykubectl.resources.editing import strip_comments
    from pykubectl.resources.manifests import parse_documents

    prefix = "error parsing edited: error converting YAML to JSON: "
    documents = []
    for parsed in parse_documents(strip_comments(text), "edited"):
        if isinstance(parsed, Exception):
            return str(parsed).removeprefix(prefix)
        documents.append(parsed)
    if not documents:
        return "invalid object to validate"
    if any(str(d.get("kind") or "").endswith("List") for d in documents):
        return "the server could not find the requested resource"
    return None


def _parse(text: str) -> list[dict]:
    from pykubectl.resources.editing import parse_edited_objects

    return parse_edited_objects(text)
