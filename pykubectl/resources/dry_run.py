"""What every writing verb shares: --dry-run and --validate values, the write query, sources in errors.

API:

* `parse_dry_run(value) -> "none" | "client" | "server"` (kubectl's GetDryRunStrategy; booleans are the
  deprecated spellings of client/none).
* `dry_run_suffix(strategy)`: " (dry run)", " (server dry run)" or "" (PrintFlagsWithDryRunStrategy).
* `validation_directive(value) -> "Strict" | "Warn" | "Ignore"` (GetValidationDirective).
* `write_params(field_manager, dry_run, validation=None)`: the query kubectl's resource.Helper sends.
* `with_source(verb, source, error)`: cmdutil.AddSourceToErr, `error when creating "f.yaml": ...`.
* `last_applied(obj)`: the kubectl.kubernetes.io/last-applied-configuration value kubectl writes
  (`--save-config`), and `with_last_applied(obj)` the object carrying it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextvars import ContextVar

from pykubectl.errors import ApiError, KubectlError

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


# GetDryRunStrategy logs a klog warning for the deprecated spellings when a command reads its strategy;
# flags/pflag.py sets the sink (a writer to the invocation's stderr) when it parses --dry-run.
_DEPRECATION_SINK: ContextVar[Callable[[str, str], None] | None] = ContextVar("dry_run_deprecation", default=None)


def set_deprecation_sink(sink: Callable[[str, str], None] | None) -> None:
    _DEPRECATION_SINK.set(sink)


def _deprecated(where: str, message: str) -> None:
    sink = _DEPRECATION_SINK.get()
    if sink is not None:
        sink(where, message)


def parse_dry_run(value: str | None) -> str:
    value = value if value is not None else "none"
    if value in _TRUE:
        _deprecated("helpers.go:716", f"--dry-run={value} is deprecated (boolean value) and can be replaced with "
                                      "--dry-run=client.")
        return "client"
    if value in _FALSE:
        _deprecated("helpers.go:719", f"--dry-run={value} is deprecated (boolean value) and can be replaced with "
                                      "--dry-run=none.")
        return "none"
    if value in ("client", "server", "none"):
        return value
    if value == "unchanged":  # the bare flag (NoOptDefVal)
        _deprecated("helpers.go:702", "--dry-run is deprecated and can be replaced with --dry-run=client.")
        return "client"
    raise KubectlError(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def dry_run_suffix(strategy: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(strategy, "")


def validation_directive(value: str | None) -> str:
    value = "strict" if value is None else value
    if value in _TRUE:
        return "Strict"
    if value in _FALSE:
        return "Ignore"
    mapping = {"strict": "Strict", "warn": "Warn", "ignore": "Ignore"}
    if value in mapping:
        return mapping[value]
    raise KubectlError(f'invalid - validate option "{value}"; must be one of: strict (or true), warn, '
                       "ignore (or false)")


def write_params(field_manager: str = "", dry_run: str = "none", validation: str | None = None) -> dict:
    params: dict[str, str] = {}
    if dry_run == "server":
        params["dryRun"] = "All"
    if field_manager:
        params["fieldManager"] = field_manager
    if validation:
        params["fieldValidation"] = validation
    return params


def with_source(verb: str, source: str, error: Exception) -> Exception:
    """cmdutil.AddSourceToErr: the file an object came from, in front of the error's message."""
    if not source:
        return error
    if isinstance(error, ApiError):
        from pykubectl.client.status import go_quote

        status = {**error.status, "message": f"error when {verb} {go_quote(source)}: {error.message}"}
        status.setdefault("reason", error.reason)
        status.setdefault("code", error.code)
        return type(error)(status, http_code=error.code)
    from pykubectl.client.status import go_quote

    return KubectlError(f"error when {verb} {go_quote(source)}: {error}")


def last_applied(obj: dict) -> str:
    """GetModifiedConfiguration: compact JSON (sorted keys, Go's HTML escaping) of the object without the
    annotation, whose annotations map is kept even when empty, plus json.Encoder's newline."""
    clean = copy.deepcopy(obj)
    metadata = clean.setdefault("metadata", {})
    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    metadata["annotations"] = annotations
    return go_compact_json(clean) + "\n"


def go_compact_json(obj) -> str:
    """encoding/json's compact output for an unstructured object: sorted keys, <, > and & escaped."""
    import json

    text = json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def with_last_applied(obj: dict) -> dict:
    value = last_applied(obj)
    out = copy.deepcopy(obj)
    metadata = out.setdefault("metadata", {})
    metadata["annotations"] = {**(metadata.get("annotations") or {}), LAST_APPLIED: value}
    return out


def collected_error(errors: list[Exception]) -> Exception | None:
    """What a continue-on-error visit returns: None, the one error itself, or an aggregate (whose lines kubectl
    prints with StandardErrorMessage: an Invalid error there reads `Error from server (Invalid): ...`)."""
    from pykubectl.errors import AggregateError

    if not errors:
        return None
    return errors[0] if len(errors) == 1 else AggregateError(errors)


def check_raw(raw: str, filenames, recursive: bool, output: str, selector: str = "") -> None:
    """The --raw checks create, replace and delete share (their Validate)."""
    import re

    if len(filenames) > 1:
        raise KubectlError("--raw can only use a single local file or stdin")
    if filenames and filenames[0].startswith(("http://", "https://")):
        raise KubectlError("--raw cannot read from a url")
    if recursive:
        raise KubectlError("--raw and --recursive are mutually exclusive")
    if selector:
        raise KubectlError("--raw and --selector (-l) are mutually exclusive")
    if output:
        raise KubectlError("--raw and --output are mutually exclusive")
    if not raw.startswith("/") and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
        raise KubectlError(f'--raw must be a valid URL path: parse "{raw}": invalid URI for request')


def raw_request(client, method: str, uri: str, filename: str, stdin) -> bytes:
    """rawhttp: send the file (or stdin for "-") as the body to a request URI; the answer's body as is."""
    from pykubectl.client.status import error_from_response

    if not filename:
        body = b""
    elif filename == "-":
        body = stdin.read().encode() if stdin is not None else b""
    else:
        try:
            with open(filename, "rb") as handle:
                body = handle.read()
        except OSError as exc:
            raise KubectlError(f"open {filename}: {(exc.strerror or str(exc)).lower()}") from None
    path, _, query = uri.partition("?")
    params = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&") if p] if query else None
    response = client.request(method, path, params, content=body, headers={"Content-Type": "application/json"},
                              raise_for_status=False)
    if not 200 <= response.status_code <= 206:
        raise error_from_response(response.status_code, response.content, response.headers.get("Content-Type"),
                                  method)
    return response.content


_AFTER_ANNOTATIONS = ("ownerReferences", "finalizers", "managedFields")


def with_typed_last_applied(obj: dict) -> dict:
    """CreateOrUpdateAnnotation on a typed object: the annotation holds the object's compact JSON in struct order
    (its empty annotations map left out), and lands after the labels in the metadata."""
    metadata = obj.get("metadata") or {}
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if k != LAST_APPLIED}
    clean_meta = {k: v for k, v in metadata.items() if k != "annotations"}
    if annotations:
        clean_meta = _insert_annotations(clean_meta, annotations)
    value = _struct_compact_json({**obj, "metadata": clean_meta}) + "\n"
    annotations = dict(sorted({**annotations, LAST_APPLIED: value}.items()))
    return {**obj, "metadata": _insert_annotations(clean_meta, annotations)}


def _insert_annotations(metadata: dict, annotations: dict) -> dict:
    out = {k: v for k, v in metadata.items() if k not in _AFTER_ANNOTATIONS}
    out["annotations"] = annotations
    out.update({k: v for k, v in metadata.items() if k in _AFTER_ANNOTATIONS})
    return out


def _struct_compact_json(obj) -> str:
    import json

    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text
