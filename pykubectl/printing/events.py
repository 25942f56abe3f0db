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
# pattern-defeating quicksort leaves them. To print them in the same order, the algorithm is reproduced here
# (Go 1.23 sort package: pdqsort, insertion sort up to 12 elements, heapsort fallback, xorshift pattern breaking).

_MASK64 = (1 << 64) - 1


def go_sort(items: list, less) -> None:
    """Sort `items` in place exactly as Go's sort.Sort does with this Less(i, j)."""
    n = len(items)
    if n > 1:
        _GoSorter(items, less).pdqsort(0, n, n.bit_length())


class _GoSorter:
    def __init__(self, data: list, less):
        self.data = data
        self.less_fn = less

    def less(self, i: int, j: int) -> bool:
        return self.less_fn(self.data[i], self.data[j])

    def swap(self, i: int, j: int) -> None:
        self.data[i], self.data[j] = self.data[j], self.data[i]

    def insertion_sort(self, a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and self.less(j, j - 1):
                self.swap(j, j - 1)
                j -= 1

    def sift_down(self, lo: int, hi: int, first: int) -> None:
        root = lo
        while True:
            child = 2 * root + 1
            if child >= hi:
                return
            if child + 1 < hi and self.less(first + child, first + child + 1):
                child += 1
            if not self.less(first + root, first + child):
                return
            self.swap(first + root, first + child)
            root = child

    def heap_sort(self, a: int, b: int) -> None:
        first, lo, hi = a, 0, b - a
        for i in range((hi - 1) // 2, -1, -1):
            self.sift_down(i, hi, first)
        for i in range(hi - 1, -1, -1):
            self.swap(first, first + i)
            self.sift_down(lo, i, first)

    def pdqsort(self, a: int, b: int, limit: int) -> None:
        was_balanced, was_partitioned = True, True
        while True:
            length = b - a
            if length <= 12:
                self.insertion_sort(a, b)
                return
            if limit == 0:
                self.heap_sort(a, b)
                return
            if not was_balanced:
                self.break_patterns(a, b)
                limit -= 1
            pivot, hint = self.choose_pivot(a, b)
            if hint == "decreasing":
                self.reverse_range(a, b)
                pivot = (b - 1) - (pivot - a)
                hint = "increasing"
            if was_balanced and was_partitioned and hint == "increasing" and self.partial_insertion_sort(a, b):
                return
            if a > 0 and not self.less(a - 1, pivot):
                a = self.partition_equal(a, b, pivot)
                continue
            mid, was_partitioned = self.partition(a, b, pivot)
            left, right = mid - a, b - mid
            threshold = length // 8
            if left < right:
                was_balanced = left >= threshold
                self.pdqsort(a, mid, limit)
                a = mid + 1
            else:
                was_balanced = right >= threshold
                self.pdqsort(mid + 1, b, limit)
                b = mid

    def partition(self, a: int, b: int, pivot: int) -> tuple[int, bool]:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and self.less(i, a):
            i += 1
        while i <= j and not self.less(j, a):
            j -= 1
        if i > j:
            self.swap(j, a)
            return j, True
        self.swap(i, j)
        i, j = i + 1, j - 1
        while True:
            while i <= j and self.less(i, a):
                i += 1
            while i <= j and not self.less(j, a):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i, j = i + 1, j - 1
        self.swap(j, a)
        return j, False

    def partition_equal(self, a: int, b: int, pivot: int) -> int:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not self.less(a, i):
                i += 1
            while i <= j and self.less(a, j):
                j -= 1
            if i > j:
                return i
            self.swap(i, j)
            i, j = i + 1, j - 1

    def partial_insertion_sort(self, a: int, b: int) -> bool:
        i = a + 1
        for _ in range(5):
            while i < b and not self.less(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < 50:
                return False
            self.swap(i, i - 1)
            if i - a >= 2:
                for j in range(i - 1, 0, -1):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
            if b - i >= 2:
                for j in range(i + 1, b):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
        return False

    def break_patterns(self, a: int, b: int) -> None:
        length = b - a
        if length < 8:
            return
        random = length
        modulus = 1 << length.bit_length()
        for idx in range(a + (length // 4) * 2 - 1, a + (length // 4) * 2 + 2):
            random ^= (random << 13) & _MASK64
            random ^= random >> 7
            random ^= (random << 17) & _MASK64
            other = random & (modulus - 1)
            if other >= length:
                other -= length
            self.swap(idx, a + other)

    def choose_pivot(self, a: int, b: int) -> tuple[int, str]:
        length = b - a
        swaps = [0]
        i, j, k = a + length // 4, a + length // 4 * 2, a + length // 4 * 3
        if length >= 8:
            if length >= 50:
                i = self.median(i - 1, i, i + 1, swaps)
                j = self.median(j - 1, j, j + 1, swaps)
                k = self.median(k - 1, k, k + 1, swaps)
            j = self.median(i, j, k, swaps)
        if swaps[0] == 0:
            return j, "increasing"
        if swaps[0] == 12:
            return j, "decreasing"
        return j, "unknown"

    def order2(self, a: int, b: int, swaps: list[int]) -> tuple[int, int]:
        if self.less(b, a):
            swaps[0] += 1
            return b, a
        return a, b

    def median(self, a: int, b: int, c: int, swaps: list[int]) -> int:
        a, b = self.order2(a, b, swaps)
        b, c = self.order2(b, c, swaps)
        a, b = self.order2(a, b, swaps)
        return b

    def reverse_range(self, a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            self.swap(i, j)
            i, j = i + 1, j - 1
