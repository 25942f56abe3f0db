"""kubectl's generic describer: any object (custom resources included) walked field by field."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.writer import (
    LEVEL_0,
    annotations_multiline,
    describe_events,
    go_str,
    labels_multiline,
    meta,
    tabbed,
)

_SKIPPED = (".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
            ".metadata.annotations")
_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def _char_class(ch: str) -> int:
    if ch.isalpha() and ch.islower():
        return 1
    if ch.isalpha() and ch.isupper():
        return 2
    if ch.isdigit():
        return 3
    return 4


def camelcase_split(text: str) -> list[str]:
    """fatih/camelcase.Split: runs of one character class; 'PDFLoader' → PDF, Loader."""
    runs: list[list[str]] = []
    last = 0
    for ch in text:
        cls = _char_class(ch)
        if runs and cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and _char_class(runs[i][0]) == 2 and _char_class(runs[i + 1][0]) == 1:
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label(field: str) -> str:
    """smartLabelFor: 'resourceVersion' → 'Resource Version', 'apiVersion' → 'API Version'."""
    if any(not (unicodedata.category(ch).startswith("L") or ch == "-") for ch in field):
        return field
    parts = []
    for part in camelcase_split(field):
        if part == "_":
            continue
        parts.append(part.upper() if part.upper() in _ACRONYMS else part[:1].upper() + part[1:])
    return " ".join(parts)


def _go_value(value) -> str:
    if isinstance(value, list):
        return "[" + " ".join(_go_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{_go_value(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    if isinstance(value, float):
        return f"{value:.0f}" if abs(value) < 1e21 else repr(value).replace("e", "e+")
    return go_str(value)


def unstructured_content(w, level: int, content: Mapping, skip_prefix: str = "",
                         skip: tuple[str, ...] = _SKIPPED) -> None:
    """printUnstructuredContent: fields sorted, maps and lists nested one level deeper."""
    for field in sorted(content):
        value = content[field]
        expr = f"{skip_prefix}.{field}"
        if expr in skip:
            continue
        if isinstance(value, Mapping):
            w.write(level, f"{smart_label(field)}:\n")
            unstructured_content(w, level + 1, value, expr, skip)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, Mapping):
                    unstructured_content(w, level + 1, child, expr, skip)
                else:
                    w.write(level + 1, f"{_go_value(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{_go_value(value)}\n")


def describe_generic(obj: Mapping, events: list | None, now: datetime) -> str:
    def render(w) -> None:
        m = meta(obj)
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        unstructured_content(w, LEVEL_0, obj)
        if events is not None:
            describe_events(w, events, now)

    return tabbed(render)


def describe_generic_related(obj: Mapping, related: Mapping, now: datetime) -> str:
    return describe_generic(obj, related.get("events"), now)
