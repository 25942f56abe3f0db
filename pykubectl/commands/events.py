"""kubectl events: list (and watch) core/v1 Events, oldest first, in kubectl's event table."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, PlainError, ResourceTypeNotFound
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

DEFAULT_CHUNK_SIZE = 500  # kubectl lists events with cmdutil.DefaultChunkSize whatever --chunk-size says

HELP = ("Display events.\n\n"
        " Prints a table of the most important information about events. You can request events for a "
        "namespace, for all namespace, or filtered to only those pertaining to a specified resource.")
EXAMPLES = "\n  \n".join([
    "  # List recent events in the default namespace\n  kubectl events",
    "  # List recent events in all namespaces\n  kubectl events --all-namespaces",
    "  # List recent events for the specified pod, then wait for more events and list them as they arrive\n"
    "  kubectl events --for pod/web-pod-13je7 --watch",
    "  # List recent events in YAML format\n  kubectl events -oyaml",
    "  # List recent only events of type 'Warning' or 'Normal'\n  kubectl events --types=Warning,Normal",
])
USAGE = ("[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|"
         "jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]")


@dataclass(frozen=True)
class EventsOptions:
    all_namespaces: bool
    watch: bool
    no_headers: bool
    for_object: str
    types: tuple[str, ...]
    output: str
    template: str
    allow_missing_template_keys: bool
    show_managed_fields: bool

    @classmethod
    def from_flags(cls, params: dict) -> EventsOptions:
        types = [t for chunk in params.get("types") or () for t in chunk]
        return cls(all_namespaces=bool(params.get("all_namespaces")), watch=bool(params.get("watch")),
                   no_headers=bool(params.get("no_headers")), for_object=params.get("for_") or "",
                   types=tuple(sorted(set(types))), output=params.get("output") or "",
                   template=params.get("template") or "",
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")))

    def validate(self) -> None:
        for value in self.types:
            if value.lower() not in ("normal", "warning"):
                raise KubectlError("valid --types are Normal or Warning")

    def wants_type(self, event_type) -> bool:
        if not self.types:
            return True
        return any(t.lower() == str(event_type or "").lower() for t in self.types)


@click.command("events", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@bundles.all_namespaces
@bundles.allow_missing_template_keys
@bundles.chunk_size
@pflag.string("--for", "for_", help="Filter events to only those pertaining to the specified resource.")
@pflag.boolean("--no-headers", help="When using the default output format, don't print headers.")
@bundles.output("json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, "
                "jsonpath-as-json, jsonpath-file", links=False)
@bundles.show_managed_fields
@bundles.template
@pflag.string_slice("--types", help="Output only events of given types.")
@pflag.boolean("-w", "--watch", help="After listing the requested events, watch for more events.")
@click.argument("args", nargs=-1)  # cobra's default: extra arguments are accepted and ignored
def command(**params) -> None:
    options = EventsOptions.from_flags(params)
    session = current_session()
    namespace = session.namespace  # ToOptions: namespace, --for mapping, client, printer; then Validate
    field_selector = _for_selector(session, options.for_object) if options.for_object else ""
    _ = session.client
    printer = _structured_printer(options)
    options.validate()
    run(options, session, namespace, field_selector, printer)


for _param in command.params:
    if _param.name == "types":
        _param.pflag_default_text = "[]"  # type: ignore[attr-defined]


def _for_selector(session, text: str) -> str:
    """decodeResourceTypeName, then the involvedObject field selector kubectl sends."""
    if "/" not in text:
        raise KubectlError("--for must be in resource/name form")
    parts = text.split("/")
    if len(parts) != 2:
        raise KubectlError("arguments in resource/name form may not have more than one slash")
    resource, name = parts
    try:
        mapping = session.mapper.resource_for(resource.lower())
    except ResourceTypeNotFound as exc:
        raise PlainError(str(exc)) from None
    terms = (("involvedObject.kind", mapping.kind), ("involvedObject.apiVersion", mapping.api_version),
             ("involvedObject.name", name))
    return ",".join(f"{key}={_escape_field_value(value)}" for key, value in terms)


def _escape_field_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def _structured_printer(options: EventsOptions):
    if not options.output:
        return None
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for

    return printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                       allow_missing_keys=options.allow_missing_template_keys, sort_keys=False)


def _collection_path(namespace: str) -> str:
    return f"/api/v1/namespaces/{namespace}/events" if namespace else "/api/v1/events"


def run(options: EventsOptions, session, namespace: str, field_selector: str, printer) -> None:
    from datetime import UTC, datetime

    from pykubectl.printing import events as printing

    path = _collection_path("" if options.all_namespaces else namespace)
    params = {"fieldSelector": field_selector} if field_selector else {}
    out = session.streams.out
    keep_managed = options.show_managed_fields or options.output.lower() not in ("json", "yaml")
    if options.watch:
        _watch(options, session, path, params, printer, keep_managed)
        return
    items: list[dict] = []
    for page in session.client.list_pages(path, params, chunk_size=DEFAULT_CHUNK_SIZE, restart_on_expired=False):
        items.extend(page.get("items") or [])
    events = [printing.typed_event(item, keep_managed) for item in items
              if options.wants_type((item or {}).get("type"))]
    if not events:
        if options.all_namespaces:
            session.streams.err.write("No events found.\n")
        else:
            session.streams.err.write(f"No events found in {namespace} namespace.\n")
        return
    events = printing.sort_events(events)
    if printer is None:
        out.write(printing.event_table(events, datetime.now(UTC), options.all_namespaces, not options.no_headers))
    elif options.output.lower() != "name":  # the name printer refuses typed lists; kubectl ignores that error
        _print_ignoring_errors(out, printer, printing.event_list(events))


def _watch(options: EventsOptions, session, path: str, params: dict, printer, keep_managed: bool) -> None:
    from pykubectl.client.watch import iter_events
    from pykubectl.printing.tabwriter import TabWriter

    out = session.streams.out
    writer = TabWriter()
    query = {**params, "limit": DEFAULT_CHUNK_SIZE, "watch": "true"}  # a plain Watch: no bookmarks, no retry
    try:
        with session.client.stream("GET", path, query) as response:
            _print_stream(iter_events(response.iter_bytes()), options, out, printer, keep_managed, writer)
    except KubectlError:
        raise
    except Exception as exc:  # the stream ended under us (client timeout, dropped connection): kubectl exits 0
        if not type(exc).__module__.startswith(("httpx", "httpcore")):
            raise
    except KeyboardInterrupt:
        # kubectl's interrupt handler cancels the watch, then exits 1 without a message
        raise PlainError("") from None


def _print_stream(stream, options: EventsOptions, out, printer, keep_managed: bool, writer) -> None:
    from datetime import UTC, datetime

    from pykubectl.printing import events as printing

    headers_due = not options.no_headers
    printed = 0
    for event in stream:
        obj = event.get("object")
        if event.get("type") == "DELETED" or not isinstance(obj, dict):
            continue  # events are deleted after an hour; kubectl does not print that
        if obj.get("kind") not in (None, "", "Event") or not options.wants_type(obj.get("type")):
            continue  # an ERROR event's Status, or a filtered type
        typed = printing.typed_event(obj, keep_managed)
        if printer is None:
            out.write(printing.event_table([typed], datetime.now(UTC), options.all_namespaces, headers_due,
                                           writer))
            headers_due = False
        else:
            if printed and options.output.lower() == "yaml":
                out.write("---\n")  # cli-runtime's YAMLPrinter separates the objects it prints
            _print_ignoring_errors(out, printer, typed)
        printed += 1
        out.flush()


def _print_ignoring_errors(out, printer, obj) -> None:
    """kubectl's events command drops the printer's error (`o.PrintObj(el, w)` is not checked)."""
    from pykubectl.errors import PrintError

    try:
        out.write(printer(obj))
    except PrintError:
        pass
