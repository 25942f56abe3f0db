"""--sort-by: Go's sort.Sort port, kubectl's value order, objects and server-side Tables."""

from __future__ import annotations

import random
import re

import pytest

from pykubectl.errors import PrintError
from pykubectl.printing import sorting


@pytest.mark.parametrize("size", [0, 1, 5, 12, 13, 49, 50, 51, 200, 1000])
def test_go_sort_sorts(size):
    rng = random.Random(size)
    for data in ([rng.randrange(10) for _ in range(size)], sorted(range(size), reverse=True), list(range(size))):
        items = list(data)

        def less(i, j, items=items):
            return items[i] < items[j]

        def swap(i, j, items=items):
            items[i], items[j] = items[j], items[i]

        sorting.go_sort(len(items), less, swap)
        assert items == sorted(data)


def test_small_inputs_use_insertion_sort_which_is_stable():
    items = [(1, "a"), (0, "b"), (1, "c"), (0, "d")]

    def less(i, j):
        return items[i][0] < items[j][0]

    def swap(i, j):
        items[i], items[j] = items[j], items[i]

    sorting.go_sort(len(items), less, swap)
    assert items == [(0, "b"), (0, "d"), (1, "a"), (1, "c")]


@pytest.mark.parametrize("a, b, expected", [
    (1, 2, True), (2, 1, False), (1.5, 0.5, False), ("b", "a", False), ("500Mi", "1Gi", True), ("10", "9", False),
    ("abc", "1", False), ("1", "abc", True), (None, "x", True), ("x", None, False), (None, None, False),
])
def test_is_less(a, b, expected):
    assert sorting.is_less(a, b) is expected


@pytest.mark.parametrize("a, b, message", [(1, "a", "unsortable interface: interface"),
                                           (1, 1.0, "unsortable interface: interface"),
                                           ({}, {}, "unsortable type: map[string]interface {}"),
                                           (True, False, "unsortable type: bool")])
def test_unsortable(a, b, message):
    with pytest.raises(sorting.UnsortableError, match=re.escape(message)):
        sorting.is_less(a, b)


def _cm(name, size=None):
    obj = {"metadata": {"name": name}}
    if size is not None:
        obj["data"] = {"size": size}
    return obj


def test_sort_objects_missing_fields_first():
    objects = [_cm("a", "2Gi"), _cm("b"), _cm("c", "100Mi")]
    assert [o["metadata"]["name"] for o in sorting.sort_objects(objects, ".data.size")] == ["b", "c", "a"]


def test_sort_objects_errors():
    with pytest.raises(PrintError) as raised:
        sorting.sort_objects([_cm("a"), _cm("b")], "data.size")
    assert str(raised.value) == 'couldn\'t find any field with path "{.data.size}" in the list of objects'
    with pytest.raises(PrintError, match="unterminated array"):
        sorting.sort_objects([_cm("a"), _cm("b")], ".data[")
    assert sorting.sort_objects([_cm("a")], ".nope") == [_cm("a")]
    with pytest.raises(sorting.UnsortableError) as unsortable:
        sorting.sort_objects([_cm("a", "1"), {"metadata": {"name": "b"}, "data": {"size": 1}}], ".data.size")
    assert unsortable.value.render().startswith("F")
    assert unsortable.value.render().endswith(" sorter.go:329] Field {.data.size} in *unstructured.Unstructured "
                                              "is an unsortable type: interface, err: unsortable interface: interface")


def test_sort_table_orders_rows_by_their_objects():
    table = {"kind": "Table", "columnDefinitions": [{"name": "Name"}],
             "rows": [{"cells": [n], "object": _cm(n, s)} for n, s in (("x", "3"), ("y", "1"), ("z", "2"))]}
    assert [r["cells"][0] for r in sorting.sort_table(table, "{.data.size}")["rows"]] == ["y", "z", "x"]
    with pytest.raises(PrintError, match="sorting error: unterminated array"):
        sorting.sort_table(table, ".data[")
    with pytest.raises(PrintError, match='couldn\'t find any field with path "{.nope}"'):
        sorting.sort_table(table, ".nope")
