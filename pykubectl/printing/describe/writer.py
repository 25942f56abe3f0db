"""kubectl describe's PrefixWriter and the shared formatting its describers use (labels, events, ages)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from pykubectl.printing.tabwriter import TabWriter

LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4 = range(5)
# printAnnotationsMultiline folds annotations longer than this (describe.go maxAnnotationLen).
MAX_ANNOTATION_LEN = 140
# corev1.LastAppliedConfigAnnotation is never shown.
SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})


def _escape(text: str) -> str:
    # cli-runtime printers.WriteEscaped: terminal escapes and carriage returns are made visible.
    return text.replace("\x1b", "^[").replace("\r", "\\r")


class PrefixWriter:
    """Text at indentation levels of two spaces, aligned at the end by Go's text/tabwriter
    (minwidth 0, tabwidth 8, padding 2, as describe's tabbedString sets it up)."""

    def __init__(self) -> None:
        self._tabs = TabWriter(minwidth=0, tabwidth=8, padding=2, padchar=" ", remember_widths=False)
        self._out: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._tabs.write(_escape("  " * level + text))

    def line(self, *parts: object) -> None:
        """Go's WriteLine: Sprintln of the parts (space-separated, newline-ended), unindented."""
        self._tabs.write(_escape(" ".join(go_str(p) for p in parts) + "\n"))

    def flush(self) -> None:
        self._out.append(self._tabs.flush())

    def text(self) -> str:
        self.flush()
        return "".join(self._out)


class NestedWriter:
    """describe's nestedPrefixWriter: every level shifted by `indent`."""

    def __init__(self, inner: PrefixWriter, indent: int) -> None:
        self.inner, self.indent = inner, indent

    def write(self, level: int, text: str) -> None:
        self.inner.write(level + self.indent, text)

    def line(self, *parts: object) -> None:
        self.inner.write(self.indent, " ".join(go_str(p) for p in parts) + "\n")

    def flush(self) -> None:
        self.inner.flush()


def tabbed(render: Callable[[PrefixWriter], None]) -> str:
    writer = PrefixWriter()
    render(writer)
    return writer.text()


def go_str(value: object) -> str:
    """Go's %v for the scalar shapes JSON gives us."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def get(obj: Mapping | None, *path: str, default=None):
    """obj[path0][path1]…, or `default` when any step is missing or null."""
    for key in path:
        if not isinstance(obj, Mapping):
            return default
        obj = obj.get(key)
        if obj is None:
            return default
    return obj


def meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def labels_multiline(w, title: str, labels: Mapping | None, initial_indent: str = "",
                     inner_indent: str = "\t", skip: Iterable[str] = ()) -> None:
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    keys = sorted(k for k in (labels or {}) if k not in set(skip))
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner_indent)
        w.write(LEVEL_0, f"{key}={labels[key]}\n")


def annotations_multiline(w, title: str, annotations: Mapping | None) -> None:
    w.write(LEVEL_0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k not in SKIPPED_ANNOTATIONS)
    if not keys:
        w.line("<none>")
        return
    indent = "\t"
    for i, key in enumerate(keys):
        if i:
            w.write(LEVEL_0, indent)
        value = str(annotations[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(LEVEL_0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(LEVEL_0, f"{indent}  {shorten(part, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(LEVEL_0, f"{key}: {value}\n")


def shorten(text: str, max_length: int) -> str:
    return text[:max_length] + "..." if len(text) > max_length else text


def taint_string(taint: Mapping) -> str:
    # corev1.Taint.ToString: key[=value]:effect
    text = taint.get("key", "")
    if taint.get("value"):
        text += "=" + taint["value"]
    return f"{text}:{taint.get('effect', '')}"


def taints_multiline(w, title: str, taints: list | None, initial_indent: str = "",
                     inner_indent: str = "\t") -> None:
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    if not taints:
        w.line("<none>")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    for i, taint in enumerate(ordered):
        if i:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner_indent)
        w.write(LEVEL_0, taint_string(taint) + "\n")


def tolerations_multiline(w, title: str, tolerations: list | None, initial_indent: str = "",
                          inner_indent: str = "\t") -> None:
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    if not tolerations:
        w.line("<none>")
        return
    ordered = sorted(tolerations, key=lambda t: t.get("key", ""))
    for i, tol in enumerate(ordered):
        if i:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner_indent)
        text = tol.get("key", "")
        if tol.get("value"):
            text += "=" + tol["value"]
        if tol.get("effect"):
            text += ":" + tol["effect"]
        if tol.get("operator") == "Exists" and not tol.get("value"):
            text += " op=Exists" if tol.get("key") or tol.get("effect") else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.write(LEVEL_0, text + "\n")


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def human_duration(seconds_total: float) -> str:
    """apimachinery's duration.HumanDuration."""
    seconds = int(seconds_total)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def since(timestamp: str | None, now: datetime) -> str:
    """translateTimestampSince: `<unknown>` for a zero time, else the humanised age."""
    when = parse_time(timestamp)
    if when is None:
        return "<unknown>"
    return human_duration((now - when).total_seconds())


def rfc1123z(timestamp: str | None) -> str:
    """Go's time.RFC1123Z in the local zone, as metav1.Time decodes; the zero time for null."""
    when = parse_time(timestamp)
    if when is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    return when.astimezone().strftime("%a, %d %b %Y %H:%M:%S %z")


def utcnow() -> datetime:
    return datetime.now(UTC)


def describe_events(w, events: list[Mapping], now: datetime) -> None:
    """DescribeEvents: the Type/Reason/Age/From/Message table, oldest lastTimestamp first."""
    if not events:
        w.write(LEVEL_0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(events, key=lambda e: parse_time(e.get("lastTimestamp"))
                     or datetime.min.replace(tzinfo=UTC))
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n")
    for event in ordered:
        first = since(event.get("eventTime"), now)
        if not event.get("eventTime"):
            first = since(event.get("firstTimestamp"), now)
        series = event.get("series")
        count = event.get("count") or 0
        if series:
            interval = f"{since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
        elif count > 1:
            interval = f"{since(event.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = get(event, "source", "component") or event.get("reportingComponent") or ""
        w.write(LEVEL_1, f"{event.get('type', '')}\t{event.get('reason', '')}\t{interval}\t{source}\t"
                         f"{str(event.get('message', '')).strip()}\n")


def controller_of(obj: Mapping) -> str:
    """printController: Kind/name of the controlling owner reference, or ''."""
    for ref in meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind', '')}/{ref.get('name', '')}"
    return ""


def bool_ptr(value) -> str:
    """printBoolPtr."""
    return "<unset>" if value is None else go_str(bool(value))


def string_or_none(value: str | None) -> str:
    return value if value else "<none>"


def format_label_selector(selector: Mapping | None) -> str:
    """metav1.FormatLabelSelector: requirements sorted by key, set values sorted; '<none>' when empty."""
    if selector is None:
        return "<none>"
    reqs: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        op, values = expr.get("operator", ""), sorted(expr.get("values") or [])
        key = expr.get("key", "")
        if op == "In":
            reqs.append((key, f"{key} in ({','.join(values)})"))
        elif op == "NotIn":
            reqs.append((key, f"{key} notin ({','.join(values)})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
        else:
            return "<error>"
    text = ",".join(text for _, text in sorted(reqs, key=lambda r: r[0]))
    return text or "<none>"


def format_map_selector(selector: Mapping | None) -> str:
    """labels.SelectorFromSet(...).String(): sorted key=value pairs, '' for none."""
    return ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))
