"""`kubectl events` printing (pure): typed core/v1 Events, their ordering and kubectl's event table.

kubectl decodes events into Go structs, so its JSON keeps the struct field order, drops unknown fields and
shows Go's zero values (`"source": {}`, `"eventTime": null`, `"reportingComponent": ""`). `typed_event`
rebuilds that shape from the server's dict; the table follows kubectl pkg/cmd/events/event_printer.go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from pykubectl.printing.table import human_duration
from pykubectl.printing.tabwriter import TabWriter

_ZERO = datetime(1, 1, 1, tzinfo=UTC)

# Field specs: (json name, kind, omitempty). Kinds: str, int, bool, time, micro, map, raw, or a nested spec.
_OBJECT_REFERENCE = (("kind", "str", True), ("namespace", "str", True), ("name", "str", True),
                     ("uid", "str", True), ("apiVersion", "str", True), ("resourceVersion", "str", True),
                     ("fieldPath", "str", True))
_OWNER_REFERENCE = (("apiVersion", "str", False), ("kind", "str", False), ("name", "str", False),
                    ("uid", "str", False), ("controller", "ptrbool", True), ("blockOwnerDeletion", "ptrbool", True))
_MANAGED_FIELDS = (("manager", "str", True), ("operation", "str", True), ("apiVersion", "str", True),
                   ("time", "ptrtime", True), ("fieldsType", "str", True), ("fieldsV1", "raw", True),
                   ("subresource", "str", True))
_OBJECT_META = (("name", "str", True), ("generateName", "str", True), ("namespace", "str", True),
                ("selfLink", "str", True), ("uid", "str", True), ("resourceVersion", "str", True),
                ("generation", "int", True), ("creationTimestamp", "time", False),
                ("deletionTimestamp", "ptrtime", True), ("deletionGracePeriodSeconds", "ptrint", True),
                ("labels", "map", True), ("annotations", "map", True),
                ("ownerReferences", ("list", _OWNER_REFERENCE), True), ("finalizers", "strlist", True),
                ("managedFields", ("list", _MANAGED_FIELDS), True))
_EVENT_SOURCE = (("component", "str", True), ("host", "str", True))
_EVENT_SERIES = (("count", "int", True), ("lastObservedTime", "micro", False))
_EVENT = (("kind", "str", True), ("apiVersion", "str", True), ("metadata", ("struct", _OBJECT_META), False),
          ("involvedObject", ("struct", _OBJECT_REFERENCE), False), ("reason", "str", True),
          ("message", "str", True), ("source", ("struct", _EVENT_SOURCE), False),
          ("firstTimestamp", "time", False), ("lastTimestamp", "time", False), ("count", "int", True),
          ("type", "str", True), ("eventTime", "micro", False), ("series", ("ptrstruct", _EVENT_SERIES), True),
          ("action", "str", True), ("related", ("ptrstruct", _OBJECT_REFERENCE), True),
          ("reportingComponent", "str", False), ("reportingInstance", "str", False))


def parse_time(value) -> datetime:
    """A metav1.Time/MicroTime JSON value → an aware datetime (Go's zero time for null or junk)."""
    if not isinstance(value, str) or not value:
        return _ZERO
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return _ZERO
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _format_time(value, micro: bool) -> str | None:
    moment = parse_time(value)
    if moment == _ZERO:
        return None
    moment = moment.astimezone(UTC)
    if micro:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _convert(raw, spec) -> dict:
    raw = raw if isinstance(raw, Mapping) else {}
    out: dict = {}
    for name, kind, omitempty in spec:
        value = raw.get(name)
        if kind == "str":
            text = value if isinstance(value, str) else ""
            if text or not omitempty:
                out[name] = text
        elif kind == "int":
            number = value if isinstance(value, int) and not isinstance(value, bool) else 0
            if number or not omitempty:
                out[name] = number
        elif kind in ("ptrint", "ptrbool"):
            if value is not None:
                out[name] = value
        elif kind in ("time", "micro"):
            out[name] = _format_time(value, kind == "micro")
        elif kind == "ptrtime":
            if value is not None:
                out[name] = _format_time(value, False)
        elif kind == "map":
            if isinstance(value, Mapping) and value:
                out[name] = {k: value[k] for k in sorted(value)}
        elif kind == "strlist":
            if isinstance(value, list) and value:
                out[name] = list(value)
        elif kind == "raw":
            if value is not None:
                out[name] = value
        else:
            shape, nested = kind
            if shape == "struct":
                out[name] = _convert(value, nested)
            elif shape == "ptrstruct":
                if isinstance(value, Mapping):
                    out[name] = _convert(value, nested)
            elif shape == "list" and isinstance(value, list) and value:
                out[name] = [_convert(item, nested) for item in value]
    return out


def typed_event(raw: Mapping, show_managed_fields: bool = False) -> dict:
    """The corev1.Event kubectl holds for a server object, with the v1/Event kind it sets when missing."""
    event = _convert(raw, _EVENT)
    if not event.get("kind") and not event.get("apiVersion"):
        event = {"kind": "Event", "apiVersion": "v1", **{k: v for k, v in event.items()
                                                         if k not in ("kind", "apiVersion")}}
    if not show_managed_fields:
        event["metadata"].pop("managedFields", None)
    return event


def event_list(events: Iterable[dict]) -> dict:
    return {"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": list(events)}


def event_time(event: Mapping) -> datetime:
    """What kubectl sorts by: series.lastObservedTime, else lastTimestamp, else eventTime."""
    series = event.get("series")
    if isinstance(series, Mapping):
        return parse_time(series.get("lastObservedTime"))
    last = parse_time(event.get("lastTimestamp"))
    if last != _ZERO:
        return last
    return parse_time(event.get("eventTime"))


def sort_events(events: list[dict]) -> list[dict]:
    """kubectl's SortableEvents under sort.Sort (not stable: equal times keep Go's order, not the server's)."""
    keyed = [(event_time(event), event) for event in events]
    go_sort(keyed, lambda x, y: x[0] < y[0])
    return [event for _, event in keyed]


def _since(value, now: datetime) -> str:
    moment = parse_time(value)
    if moment == _ZERO:
        return "<unknown>"
    return human_duration((now - moment).total_seconds())


def interval(event: Mapping, now: datetime) -> str:
    """The LAST SEEN cell: "5m", "5m (x3 over 10m)" or "<unknown>"."""
    first = _since(event.get("eventTime"), now)
    if parse_time(event.get("eventTime")) == _ZERO:
        first = _since(event.get("firstTimestamp"), now)
    series = event.get("series")
    count = event.get("count") or 0
    if isinstance(series, Mapping):
        return f"{_since(series.get('lastObservedTime'), now)} (x{series.get('count') or 0} over {first})"
    if isinstance(count, int) and count > 1:
        return f"{_since(event.get('lastTimestamp'), now)} (x{count} over {first})"
    return first


def escape_terminal(text: str) -> str:
    """cli-runtime printers.EscapeTerminal."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def event_row(event: Mapping, now: datetime, all_namespaces: bool) -> list[str]:
    involved = event.get("involvedObject") or {}
    row = [str((event.get("metadata") or {}).get("namespace") or "")] if all_namespaces else []
    row += [
        interval(event, now),
        escape_terminal(str(event.get("type") or "")),
        escape_terminal(str(event.get("reason") or "")),
        escape_terminal(str(involved.get("kind") or "")) + "/" + escape_terminal(str(involved.get("name") or "")),
        escape_terminal(str(event.get("message") or "").strip(" \t\n\r\v\f\x85\xa0")),
    ]
    return row


def headings(all_namespaces: bool) -> list[str]:
    return (["NAMESPACE"] if all_namespaces else []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]


def event_table(events: Iterable[Mapping], now: datetime, all_namespaces: bool, headers: bool,
                writer: TabWriter | None = None) -> str:
    """One tabwriter flush of rows (with the heading line first when `headers`). A watch passes the same
    `writer` for every event: cli-runtime's tabwriter remembers column widths across flushes."""
    rows = [headings(all_namespaces)] if headers else []
    rows += [event_row(event, now, all_namespaces) for event in events]
    writer = writer if writer is not None else TabWriter()
    writer.write("".join("\t".join(row) + "\n" for row in rows))
    return writer.flush()


# -- Go's sort.Sort ---------------------------------------------------------------------------------------------
# kubectl orders events with sort.Sort, which is not stable: events with equal times come out in the order Go's
# pattern-defeating quicksort leaves them, which printing/sorting.go_sort reproduces.


def go_sort(items: list, less) -> None:
    """Sort `items` in place exactly as Go's sort.Sort does with this Less(a, b) on the items."""
    from pykubectl.printing.sorting import go_sort as sort_indices

    def swap(i: int, j: int) -> None:
        items[i], items[j] = items[j], items[i]

    sort_indices(len(items), lambda i, j: less(items[i], items[j]), swap)
