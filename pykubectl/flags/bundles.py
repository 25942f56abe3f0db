"""Flag groups many verbs share, declared through pflag with kubectl's help texts.

Each name is a decorator (or a factory returning one) for a click command: stack them as with any
`pflag.*` helper, e.g. `@bundles.selector @bundles.all_namespaces @bundles.filenames("to get")`.
Parameter names (what `from_flags` reads): output, selector, field_selector, all_namespaces, all,
filename, recursive, kustomize, chunk_size, show_kind, show_labels, label_columns, no_headers, sort_by,
ignore_not_found, allow_missing_template_keys, template, show_managed_fields.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from pykubectl.flags import pflag

OUTPUT_FORMATS_GET = ("json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, "
                      "jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide")
OUTPUT_LINKS = ("See custom columns [https://kubernetes.io/docs/reference/kubectl/#custom-columns], golang "
                "template [http://golang.org/pkg/text/template/#pkg-overview] and jsonpath template "
                "[https://kubernetes.io/docs/reference/kubectl/jsonpath/].")


def compose(*decorators: Callable) -> Callable:
    def apply(f):
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


def output(formats: str = OUTPUT_FORMATS_GET, links: bool = True) -> Callable:
    text = f"Output format. One of: ({formats})."
    if links:
        text += " " + OUTPUT_LINKS
    return pflag.string("-o", "--output", help=text)


selector = pflag.string(
    "-l", "--selector",
    help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). "
         "Matching objects must satisfy all of the specified label constraints.")

field_selector = pflag.string(
    "--field-selector",
    help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector "
         "key1=value1,key2=value2). The server only supports a limited number of field queries per type.")

all_namespaces = pflag.boolean(
    "-A", "--all-namespaces",
    help="If present, list the requested object(s) across all namespaces. Namespace in current context is "
         "ignored even if specified with --namespace.")

select_all = pflag.boolean("--all", help="Select all resources in the namespace of the specified resource types")


def filenames(purpose: str = "identifying the resource to get from a server.") -> Callable:
    return compose(
        pflag.string_slice("-f", "--filename", help=f"Filename, directory, or URL to files {purpose}"),
        pflag.boolean("-R", "--recursive",
                      help="Process the directory used in -f, --filename recursively. Useful when you want to "
                           "manage related manifests organized within the same directory."),
        pflag.string("-k", "--kustomize",
                     help="Process the kustomization directory. This flag can't be used together with -f or -R."),
    )


class _PflagInt(click.ParamType):
    """An int flag whose bad values read as pflag's (`invalid argument "x" for "--chunk-size" flag: ...`)."""

    name = "int"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        long = next((o for o in param.opts if o.startswith("--")), None) if param is not None else None
        short = next((o for o in param.opts if not o.startswith("--")), None) if param is not None else None
        display = pflag.display_name(long[2:] if long else None, short[1:] if short else None)
        return pflag.parse_int(str(value), display, ctx.command_path if ctx is not None else None)


def integer(*decls: str, default: int | None = None, help: str = "") -> Callable:
    """pflag.integer with pflag's wording for values that are not integers."""
    return pflag._decorate("int", decls, type=_PflagInt(), default=default, help=help)


chunk_size = integer(
    "--chunk-size", default=500,
    help="Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may "
         "change in the future.")

show_kind = pflag.boolean("--show-kind", help="If present, list the resource type for the requested object(s).")

show_labels = pflag.boolean(
    "--show-labels", help="When printing, show all labels as the last column (default hide labels column)")

label_columns = pflag.string_slice(
    "-L", "--label-columns",
    help="Accepts a comma separated list of labels that are going to be presented as columns. Names are "
         "case-sensitive. You can also use multiple flag options like -L label1 -L label2...")

no_headers = pflag.boolean(
    "--no-headers", help="When using the default or custom-column output format, don't print headers (default "
                         "print headers).")

sort_by = pflag.string(
    "--sort-by",
    help="If non-empty, sort list types using this field specification.  The field specification is expressed "
         "as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this "
         "JSONPath expression must be an integer or a string.")


def ignore_not_found(help: str = "If the requested object does not exist the command will return exit "
                                 "code 0.") -> Callable:
    return pflag.boolean("--ignore-not-found", help=help)


allow_missing_template_keys = pflag.boolean(
    "--allow-missing-template-keys", default=True,
    help="If true, ignore any errors in templates when a field or map key is missing in the template. Only "
         "applies to golang and jsonpath output formats.")

template = pflag.string(
    "--template",
    help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The "
         "template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")

show_managed_fields = pflag.boolean(
    "--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")

subresource = pflag.string(
    "--subresource",
    help="If specified, gets the subresource of the requested object. This flag is beta and may change in the "
         "future.")

# The flags of kubectl's PrintFlags for commands that print objects with the generic printers and a table.
human_print = compose(no_headers, show_labels, label_columns, show_kind, sort_by)
template_print = compose(allow_missing_template_keys, template, show_managed_fields)


class _GoDuration(click.ParamType):
    """A pflag Duration value: Go's time.ParseDuration, converted to seconds, with pflag's error wording."""

    name = "duration"

    def convert(self, value, param, ctx):
        if isinstance(value, int | float):
            return float(value)
        from pykubectl.client.transport import parse_go_duration

        text = str(value)
        try:
            return parse_go_duration(text) / 1e9
        except ValueError:
            pass
        from pykubectl.client.status import go_quote
        from pykubectl.errors import FlagError

        long = next((o for o in param.opts if o.startswith("--")), "") if param is not None else ""
        raise FlagError(f'invalid argument "{text}" for "{long}" flag: time: invalid duration {go_quote(text)}',
                        ctx.command_path if ctx is not None else None)


def duration(*decls: str, default: float, shown: str, help: str = "") -> Callable:
    """A pflag Duration flag in seconds; `shown` is Go's rendering of the default (`1m0s`)."""
    return pflag._decorate("duration", decls, shown_default=shown, type=_GoDuration(), default=default, help=help)


pod_running_timeout = duration(
    "--pod-running-timeout", default=60.0, shown="1m0s",
    help="The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running")
