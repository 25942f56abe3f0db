"""printing.table: server-side Tables as kubectl lays them out (decoration, priorities, headers once)."""

from __future__ import annotations

import datetime as dt

import pytest

from pykubectl.printing.table import TableOptions, TablePrinter, cell_text, human_duration
from pykubectl.printing.tabwriter import format_text

COLUMNS = [
    {"name": "Name", "type": "string", "format": "name", "priority": 0},
    {"name": "Ready", "type": "string", "format": "", "priority": 0},
    {"name": "IP", "type": "string", "format": "", "priority": 1},
]


def row(name, ready, ip, namespace="default", labels=None):
    return {"cells": [name, ready, ip],
            "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                       "metadata": {"name": name, "namespace": namespace, "labels": labels or {}}}}


def table(*rows, columns=COLUMNS):
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns,
            "rows": list(rows)}


def render(options: TableOptions, *objects) -> str:
    printer = TablePrinter(options)
    return format_text("".join(printer.print(obj) for obj in objects))


def test_priority_columns_only_when_wide():
    t = table(row("a", "1/1", "10.0.0.1"))
    assert render(TableOptions(), t) == "NAME   READY\na      1/1\n"
    assert render(TableOptions(wide=True), t) == "NAME   READY   IP\na      1/1     10.0.0.1\n"


def test_headers_print_once_across_pages_and_not_for_empty_tables():
    assert render(TableOptions(), table(row("a", "1", "")), table(row("b", "2", ""))) == \
        "NAME   READY\na      1\nb      2\n"
    assert render(TableOptions(), table()) == ""
    assert render(TableOptions(no_headers=True), table(row("a", "1", ""))) == "a     1\n"


def test_namespace_labels_and_kind_decorations():
    t = table(row("a", "1", "", labels={"tier": "fe", "app": "web"}), row("b", "2", "", namespace="x"))
    options = TableOptions(with_namespace=True, with_kind=True, kind="Deployment.apps", show_labels=True,
                           label_columns=("app", "example.com/tier"))
    assert render(options, t) == (
        "NAMESPACE   NAME                READY   APP   TIER   LABELS\n"
        "default     deployment.apps/a   1       web          app=web,tier=fe\n"
        "x           deployment.apps/b   2                    <none>\n")


def test_rows_without_objects_get_empty_decorations():
    t = table({"cells": ["a", "1", ""]})
    assert render(TableOptions(with_namespace=True, show_labels=True), t) == \
        "NAMESPACE   NAME   READY   LABELS\n            a      1       \n"


@pytest.mark.parametrize("cell, text", [
    ("plain", "plain"), ("two\nlines", "two..."), ("cr\rx", "cr..."), ("esc\x1b[1m", "esc^[[1m"), (3, "3"),
    (2.5, "2.5"), (1e6, "1000000"), (True, "true"), (None, ""), (["a", 1], "[a 1]"),
])
def test_cells_print_as_kubectl_does(cell, text):
    assert cell_text(cell) == text


@pytest.mark.parametrize("seconds, text", [
    (-5, "<invalid>"), (-0.5, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (150, "2m30s"), (600, "10m"),
    (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (50 * 3600, "2d2h"),
    (8 * 86400, "8d"), (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
])
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


def test_non_tables_fall_back_to_name_and_age():
    now = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    printer = TablePrinter(TableOptions(with_namespace=True), now=now)
    obj = {"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n", "creationTimestamp": "2024-01-01T11:00:00Z"}}
    assert format_text(printer.print(obj) + printer.print(obj)) == "NAMESPACE   NAME   AGE\nn           c      60m\n" \
                                                                  "n           c      60m\n"


def test_watch_events_get_a_padded_event_column():
    printer = TablePrinter(TableOptions())
    text = printer.print(table(row("a", "1", "")), "ADDED") + printer.print(table(row("a", "1", "")), "MODIFIED")
    assert format_text(text) == "EVENT      NAME   READY\nADDED      a      1\nMODIFIED   a      1\n"


@pytest.mark.parametrize("text", [
    "NAME\tREADY\tAGE\na\t1/1\t5s\nlonger-name\t10/10\t3d\n",
    "A\tB\n\tx\ny\t\n",
    "only\none\n",
    "a\tb\nc\n",
    "a\tb\nc\td\te\n",
    "x\ty",
    "é\tü\nwide-ü\tz\n",
    "",
])
def test_align_matches_the_general_tabwriter(text):
    from pykubectl.printing.table import align

    assert align(text) == format_text(text)


def test_colour_marks_the_header_and_status_cells_without_moving_columns():
    from pykubectl.printing.table import colourise

    text = format_text("NAME\tSTATUS\tAGE\na\tRunning\t1s\nb\tCrashLoopBackOff\t2s\nc\tPending\t3s\n")
    coloured = colourise(text)
    lines = coloured.split("\n")
    assert lines[0] == "\x1b[1mNAME   STATUS             AGE\x1b[0m"
    assert lines[1] == "a      \x1b[32mRunning\x1b[0m            1s"
    assert lines[2] == "b      \x1b[31mCrashLoopBackOff\x1b[0m   2s"
    assert lines[3] == "c      \x1b[33mPending\x1b[0m            3s"
    import re

    assert re.sub("\x1b\\[[0-9;]*m", "", coloured) == text
    assert colourise(text, headers=False) == text
