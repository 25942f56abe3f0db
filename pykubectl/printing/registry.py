"""`-o` value → printer function, with kubectl's error for formats a command does not accept.

A printer is a pure function of one object (a List for several) to the text kubectl writes to stdout.
Commands choose the allowed formats: most generic printers (config view, create, label, ...) accept
GENERIC_FORMATS; `get` adds the table formats (GET_FORMATS). The table and custom-columns printers
live elsewhere; this module only names them so the error lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from pykubectl.errors import PrintError, UnknownOutputFormat

Printer = Callable[[object], str]

JSON_YAML_FORMATS = ("json", "yaml")
NAME_FORMATS = ("name",)
TEMPLATE_FORMATS = ("go-template", "go-template-file", "template", "templatefile")
JSONPATH_FORMATS = ("jsonpath", "jsonpath-as-json", "jsonpath-file")
CUSTOM_COLUMNS_FORMATS = ("custom-columns", "custom-columns-file")
HUMAN_FORMATS = ("wide",)

GENERIC_FORMATS = tuple(sorted(JSON_YAML_FORMATS + NAME_FORMATS + TEMPLATE_FORMATS + JSONPATH_FORMATS))
GET_FORMATS = tuple(sorted(GENERIC_FORMATS + CUSTOM_COLUMNS_FORMATS + HUMAN_FORMATS))

_TEMPLATED = JSONPATH_FORMATS + TEMPLATE_FORMATS + CUSTOM_COLUMNS_FORMATS


@dataclass(frozen=True)
class OutputFormat:
    """A parsed `-o` value: `jsonpath={.a}` is name "jsonpath", argument "{.a}"."""

    name: str
    argument: str = ""

    @property
    def is_template(self) -> bool:
        return self.name in _TEMPLATED


def parse_output(output: str, allowed: Sequence[str] = GENERIC_FORMATS,
                 template_argument: str = "") -> OutputFormat:
    """Validate `-o` (and `--template`) the way cli-runtime's PrintFlags.ToPrinter does.

    json, yaml and name match case-insensitively; "" means name (a command with a default output
    resolves it before calling this). `--template` alone implies go-template.
    """
    if template_argument and not output:
        output = "go-template"
    lowered = output.lower()
    if lowered in JSON_YAML_FORMATS and lowered in allowed:
        return OutputFormat(lowered)
    if lowered in ("name", "") and "name" in allowed:
        return OutputFormat("name")
    if lowered in HUMAN_FORMATS and lowered in allowed:
        return OutputFormat(lowered)
    name, argument = output, template_argument
    if not template_argument:
        for candidate in _TEMPLATED:
            if output.startswith(candidate + "="):
                name, argument = candidate, output[len(candidate) + 1:]
                break
    if name not in _TEMPLATED or name not in allowed:
        raise UnknownOutputFormat(output, list(allowed))
    if not argument:
        if name in CUSTOM_COLUMNS_FORMATS:
            raise PrintError("custom-columns format specified but no custom columns given")
        raise PrintError("template format specified but no template given")
    return OutputFormat(name, argument)


def _read_template(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise PrintError(f"error reading --template {path}, open {path}: no such file or directory") from None
    except OSError as exc:
        raise PrintError(f"error reading --template {path}, open {path}: {exc.strerror.lower()}") from None


def _read_columns_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise PrintError(f"error reading template {path}, open {path}: no such file or directory\n") from None
    except OSError as exc:
        raise PrintError(f"error reading template {path}, open {path}: {exc.strerror.lower()}\n") from None


def printer_for(output: str, *, allowed: Sequence[str] = GENERIC_FORMATS, template_argument: str = "",
                allow_missing_keys: bool = True, sort_keys: bool = False, no_headers: bool = False,
                read_template: Callable[[str], str] = _read_template,
                read_columns_file: Callable[[str], str] = _read_columns_file) -> Printer:
    """The printer for `-o output`. Raises UnknownOutputFormat or PrintError before any object is seen.

    sort_keys: True for objects kubectl holds as unstructured maps (what `get` fetches), False for
    typed objects it builds itself (config view, create --dry-run), whose JSON keeps struct order.
    read_template loads `*-file` templates; it is injectable so callers and tests decide about IO.
    no_headers: `--no-headers` for custom-columns (a custom-columns-file always prints its header).

    Printers for go-template and custom-columns may raise errors.PrintErrorWithOutput, whose
    `stdout_text` cli/main writes to standard output before the error, as kubectl does. The custom-columns printer
    is stateful (it prints the header again only when the kind of object changes): make one per run.
    """
    from pykubectl.printing import structured

    fmt = parse_output(output, allowed, template_argument)
    if fmt.name == "json":
        return partial(_json, sort_keys=sort_keys)
    if fmt.name == "yaml":
        return structured.to_yaml
    if fmt.name == "name":
        return structured.to_name
    if fmt.name in JSONPATH_FORMATS:
        from pykubectl.printing import jsonpath

        template = read_template(fmt.argument) if fmt.name == "jsonpath-file" else fmt.argument
        try:
            jsonpath.parse(template)
        except jsonpath.JSONPathError as exc:
            from pykubectl.errors import JSONPathParseError

            raise JSONPathParseError(template, str(exc)) from None
        render = jsonpath.render_as_json if fmt.name == "jsonpath-as-json" else jsonpath.render
        return partial(_jsonpath, render, template, allow_missing_keys)
    if fmt.name in TEMPLATE_FORMATS:
        from pykubectl.printing import gotemplate

        template = read_template(fmt.argument) if fmt.name in ("go-template-file", "templatefile") else fmt.argument
        return gotemplate.printer(template, allow_missing_keys=allow_missing_keys, sort_keys=sort_keys)
    if fmt.name in CUSTOM_COLUMNS_FORMATS:
        from pykubectl.printing import custom_columns

        if fmt.name == "custom-columns-file":
            return custom_columns.printer(template_text=read_columns_file(fmt.argument))
        return custom_columns.printer(fmt.argument, no_headers=no_headers)
    raise PrintError(f"the {fmt.name} output format is not supported by pykubectl")


def object_printer(output: str, *, template_argument: str = "", allow_missing_keys: bool = True,
                   show_managed_fields: bool = False, sort_keys: bool = True, allowed: Sequence[str] = GENERIC_FORMATS,
                   yaml_separators: bool = False) -> Printer:
    """kubectl's PrintFlags.ToPrinter for the objects a command changed: `printer_for`, with
    metadata.managedFields left out of json and yaml unless --show-managed-fields.

    yaml_separators: the command keeps one Go YAMLPrinter for the whole run, which writes `---` before every
    document after the first (commands that make a printer per object never do)."""
    printer = printer_for(output, allowed=allowed, template_argument=template_argument,
                          allow_missing_keys=allow_missing_keys, sort_keys=sort_keys)
    fmt = output.lower()
    strip = fmt in ("json", "yaml") and not show_managed_fields
    separate = yaml_separators and fmt == "yaml"
    printed = 0

    def emit(obj: dict) -> str:
        nonlocal printed
        if strip and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        text = printer(obj)
        printed += 1
        return "---\n" + text if separate and printed > 1 else text

    return emit


def _json(obj, sort_keys: bool) -> str:
    from pykubectl.printing.structured import to_json

    return to_json(obj, sort_keys=sort_keys)


def _jsonpath(render, template: str, allow_missing_keys: bool, obj) -> str:
    return render(template, obj, allow_missing_keys)
