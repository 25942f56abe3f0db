"""printing.events: typed Event shape, ordering and the LAST SEEN cell."""

from __future__ import annotations

from datetime import UTC, datetime

from pykubectl.printing.events import (
    TabWriter,
    event_table,
    event_time,
    interval,
    sort_events,
    typed_event,
)

NOW = datetime(2024, 1, 10, 12, 0, 0, tzinfo=UTC)


def test_typed_event_keeps_go_struct_order_and_zero_values():
    raw = {
        "metadata": {"namespace": "ns", "name": "e1", "managedFields": [{"manager": "m"}],
                     "labels": {"b": "2", "a": "1"}, "unknown": "dropped"},
        "type": "Normal", "reason": "R", "involvedObject": {"name": "p", "kind": "Pod"},
        "lastTimestamp": "2024-01-01T00:00:00.9+01:00", "count": 0, "extra": True,
    }
    event = typed_event(raw)
    assert list(event) == ["kind", "apiVersion", "metadata", "involvedObject", "reason", "source",
                           "firstTimestamp", "lastTimestamp", "type", "eventTime", "reportingComponent",
                           "reportingInstance"]
    assert event["metadata"] == {"name": "e1", "namespace": "ns", "creationTimestamp": None,
                                 "labels": {"a": "1", "b": "2"}}
    assert event["involvedObject"] == {"kind": "Pod", "name": "p"}
    assert (event["source"], event["firstTimestamp"], event["eventTime"]) == ({}, None, None)
    assert event["lastTimestamp"] == "2023-12-31T23:00:00Z"  # UTC, seconds only
    assert typed_event(raw, show_managed_fields=True)["metadata"]["managedFields"] == [{"manager": "m"}]


def test_micro_times_keep_six_digits():
    event = typed_event({"eventTime": "2024-01-01T00:00:00Z",
                         "series": {"count": 2, "lastObservedTime": "2024-01-02T00:00:00.5Z"}})
    assert event["eventTime"] == "2024-01-01T00:00:00.000000Z"
    assert event["series"] == {"count": 2, "lastObservedTime": "2024-01-02T00:00:00.500000Z"}


def test_sorting_prefers_series_then_last_timestamp_then_event_time():
    a = {"n": "a", "series": {"lastObservedTime": "2024-01-05T00:00:00Z"}, "lastTimestamp": "2024-01-01T00:00:00Z"}
    b = {"n": "b", "lastTimestamp": "2024-01-03T00:00:00Z", "eventTime": "2024-01-09T00:00:00Z"}
    c = {"n": "c", "eventTime": "2024-01-04T00:00:00.000000Z"}
    d = {"n": "d"}  # no time at all: Go's zero time, first
    assert [e["n"] for e in sort_events([a, b, c, d])] == ["d", "b", "c", "a"]
    assert event_time(d).year == 1


def test_interval_cells():
    assert interval({"firstTimestamp": "2024-01-10T11:55:00Z"}, NOW) == "5m"
    assert interval({"count": 3, "firstTimestamp": "2024-01-10T11:00:00Z",
                     "lastTimestamp": "2024-01-10T11:59:30Z"}, NOW) == "30s (x3 over 60m)"
    assert interval({"eventTime": "2024-01-10T10:00:00.000000Z",
                     "series": {"count": 4, "lastObservedTime": "2024-01-10T11:00:00.000000Z"}}, NOW) == \
        "60m (x4 over 120m)"
    assert interval({}, NOW) == "<unknown>"
    assert interval({"firstTimestamp": "2024-02-01T00:00:00Z"}, NOW) == "<invalid>"


def test_table_escapes_terminal_characters_and_trims_messages():
    event = {"metadata": {"namespace": "ns"}, "type": "Warning", "reason": "R\x1b[1m",
             "involvedObject": {"kind": "Pod", "name": "p"}, "message": "  hi\r\n ",
             "firstTimestamp": "2024-01-10T11:59:00Z"}
    assert event_table([event], NOW, all_namespaces=True, headers=True) == (
        "NAMESPACE   LAST SEEN   TYPE      REASON   OBJECT   MESSAGE\n"
        "ns          60s         Warning   R^[[1m   Pod/p    hi\n"
    )


def test_watch_rows_remember_column_widths():
    writer = TabWriter()
    first = {"type": "Normal", "reason": "LongReason", "involvedObject": {"kind": "Pod", "name": "p"}}
    second = {"type": "Warning", "reason": "R", "involvedObject": {"kind": "Pod", "name": "p"}}
    assert event_table([first], NOW, False, True, writer) == (
        "LAST SEEN   TYPE     REASON       OBJECT   MESSAGE\n"
        "<unknown>   Normal   LongReason   Pod/p    \n")
    assert event_table([second], NOW, False, False, writer) == "<unknown>   Warning   R            Pod/p    \n"


def test_go_sort_sorts_like_go_and_is_not_stable():
    import random

    from pykubectl.printing.events import go_sort

    rng = random.Random(5)
    for n in (0, 1, 12, 13, 49, 50, 51, 200, 1000):
        values = [rng.randint(0, 9) for _ in range(n)]
        ordered = list(values)
        go_sort(ordered, lambda a, b: a < b)
        assert ordered == sorted(values)
    descending = list(range(100, 0, -1))
    go_sort(descending, lambda a, b: a < b)
    assert descending == list(range(1, 101))
    original = [(i % 3, i) for i in range(40)]
    tagged = list(original)
    go_sort(tagged, lambda a, b: a[0] < b[0])
    assert [key for key, _ in tagged] == sorted(key for key, _ in original)
    assert tagged != sorted(original, key=lambda t: t[0])  # equal keys leave Go's order, not the input's
    assert tagged[:3] == [(0, 15), (0, 39), (0, 36)]
