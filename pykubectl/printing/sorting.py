"""`--sort-by=JSONPATH` as kubectl sorts (pkg/cmd/get/sorter.go, get.go's RuntimeSorter).

kubectl sorts with Go's sort.Sort, which is not stable (pattern-defeating quicksort, insertion sort up
to 12 items), and its Less treats an object without the field as smaller than anything, even another
object without it. Equal keys therefore come out in the order Go's algorithm leaves them, so the
algorithm is ported as is. Values compare as kubectl's isLess does on unstructured data: numbers
numerically (int64 with int64, float64 with float64), strings as resource quantities when both
parse as one ("500Mi" < "1Gi", "9" < "10") and bytewise otherwise, nil first; anything else is an
unsortable type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from pykubectl.errors import KubectlError, PrintError
from pykubectl.printing.custom_columns import find_results, relaxed_jsonpath

__all__ = ["go_sort", "sort_objects", "sort_table", "sort_field", "is_less", "UnsortableError"]


class UnsortableError(KubectlError):
    """kubectl exits through klog.Exitf when two values cannot be compared: a klog FATAL line."""

    def __init__(self, message: str, line: int = 329):
        super().__init__(message)
        self.line = line

    def render(self) -> str:
        import datetime
        import os

        stamp = datetime.datetime.now().strftime("%m%d %H:%M:%S.%f")
        return f"F{stamp} {os.getpid():7d} sorter.go:{self.line}] {self}"


# ---------------------------------------------------------------------------------------------
# Go's sort.Sort (pdqsort from sort/zsortinterface.go), over index callbacks

Less = Callable[[int, int], bool]
Swap = Callable[[int, int], None]


def go_sort(n: int, less: Less, swap: Swap) -> None:
    """sort.Sort: the same sequence of Less and Swap calls as Go's, so the same result."""
    if n <= 1:
        return
    _pdqsort(less, swap, 0, n, n.bit_length())


def _insertion_sort(less: Less, swap: Swap, a: int, b: int) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and less(j, j - 1):
            swap(j, j - 1)
            j -= 1


def _sift_down(less: Less, swap: Swap, lo: int, hi: int, first: int) -> None:
    root = lo
    while True:
        child = 2 * root + 1
        if child >= hi:
            return
        if child + 1 < hi and less(first + child, first + child + 1):
            child += 1
        if not less(first + root, first + child):
            return
        swap(first + root, first + child)
        root = child


def _heap_sort(less: Less, swap: Swap, a: int, b: int) -> None:
    first, lo, hi = a, 0, b - a
    for i in range((hi - 1) // 2, -1, -1):
        _sift_down(less, swap, i, hi, first)
    for i in range(hi - 1, -1, -1):
        swap(first, first + i)
        _sift_down(less, swap, lo, i, first)


_UNKNOWN, _INCREASING, _DECREASING = 0, 1, 2
_MASK64 = (1 << 64) - 1


def _pdqsort(less: Less, swap: Swap, a: int, b: int, limit: int) -> None:
    was_balanced = was_partitioned = True
    while True:
        length = b - a
        if length <= 12:
            _insertion_sort(less, swap, a, b)
            return
        if limit == 0:
            _heap_sort(less, swap, a, b)
            return
        if not was_balanced:
            _break_patterns(swap, a, b)
            limit -= 1
        pivot, hint = _choose_pivot(less, a, b)
        if hint == _DECREASING:
            _reverse_range(swap, a, b)
            pivot = (b - 1) - (pivot - a)
            hint = _INCREASING
        if was_balanced and was_partitioned and hint == _INCREASING:
            if _partial_insertion_sort(less, swap, a, b):
                return
        if a > 0 and not less(a - 1, pivot):
            a = _partition_equal(less, swap, a, b, pivot)
            continue
        mid, already = _partition(less, swap, a, b, pivot)
        was_partitioned = already
        left, right = mid - a, b - mid
        threshold = length // 8
        if left < right:
            was_balanced = left >= threshold
            _pdqsort(less, swap, a, mid, limit)
            a = mid + 1
        else:
            was_balanced = right >= threshold
            _pdqsort(less, swap, mid + 1, b, limit)
            b = mid


def _partition(less: Less, swap: Swap, a: int, b: int, pivot: int) -> tuple[int, bool]:
    swap(a, pivot)
    i, j = a + 1, b - 1
    while i <= j and less(i, a):
        i += 1
    while i <= j and not less(j, a):
        j -= 1
    if i > j:
        swap(j, a)
        return j, True
    swap(i, j)
    i += 1
    j -= 1
    while True:
        while i <= j and less(i, a):
            i += 1
        while i <= j and not less(j, a):
            j -= 1
        if i > j:
            break
        swap(i, j)
        i += 1
        j -= 1
    swap(j, a)
    return j, False


def _partition_equal(less: Less, swap: Swap, a: int, b: int, pivot: int) -> int:
    swap(a, pivot)
    i, j = a + 1, b - 1
    while True:
        while i <= j and not less(a, i):
            i += 1
        while i <= j and less(a, j):
            j -= 1
        if i > j:
            break
        swap(i, j)
        i += 1
        j -= 1
    return i


def _partial_insertion_sort(less: Less, swap: Swap, a: int, b: int) -> bool:
    i = a + 1
    for _ in range(5):
        while i < b and not less(i, i - 1):
            i += 1
        if i == b:
            return True
        if b - a < 50:
            return False
        swap(i, i - 1)
        if i - a >= 2:
            j = i - 1
            while j >= 1:
                if not less(j, j - 1):
                    break
                swap(j, j - 1)
                j -= 1
        if b - i >= 2:
            j = i + 1
            while j < b:
                if not less(j, j - 1):
                    break
                swap(j, j - 1)
                j += 1
    return False


def _break_patterns(swap: Swap, a: int, b: int) -> None:
    length = b - a
    if length >= 8:
        random = length
        modulus = 1 << length.bit_length()
        idx = a + (length // 4) * 2 - 1
        for i in range(3):
            random ^= (random << 13) & _MASK64
            random ^= random >> 7
            random ^= (random << 17) & _MASK64
            other = random & (modulus - 1)
            if other >= length:
                other -= length
            swap(idx - 1 + i, a + other)


def _choose_pivot(less: Less, a: int, b: int) -> tuple[int, int]:
    length = b - a
    swaps = [0]
    i, j, k = a + length // 4, a + length // 4 * 2, a + length // 4 * 3

    def order2(x: int, y: int) -> tuple[int, int]:
        if less(y, x):
            swaps[0] += 1
            return y, x
        return x, y

    def median(x: int, y: int, z: int) -> int:
        x, y = order2(x, y)
        y, z = order2(y, z)
        x, y = order2(x, y)
        return y

    if length >= 8:
        if length >= 50:
            i = median(i - 1, i, i + 1)
            j = median(j - 1, j, j + 1)
            k = median(k - 1, k, k + 1)
        j = median(i, j, k)
    if swaps[0] == 0:
        return j, _INCREASING
    if swaps[0] == 12:
        return j, _DECREASING
    return j, _UNKNOWN


def _reverse_range(swap: Swap, a: int, b: int) -> None:
    i, j = a, b - 1
    while i < j:
        swap(i, j)
        i += 1
        j -= 1


# ---------------------------------------------------------------------------------------------
# kubectl's value ordering

_QUANTITY = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def parse_quantity(text: str) -> Fraction | None:
    """resource.ParseQuantity's value, or None where it fails."""
    match = _QUANTITY.match(text)
    if match is None:
        return None
    number, suffix = Fraction(match[1]), match[2] or ""
    if suffix in _BINARY:
        return number * 2 ** _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * Fraction(10) ** _DECIMAL[suffix]
    return number * Fraction(10) ** int(suffix[1:])


def _go_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "interface {}"


def is_less(i, j) -> bool:
    """isLess for two values held in interface{} (what JSONPath finds in unstructured objects)."""
    if i is None and j is None:
        return False
    if i is None:
        return True
    if j is None:
        return False
    ki, kj = _go_kind(i), _go_kind(j)
    if ki in ("int64", "float64"):
        if kj == ki:
            return i < j
        raise UnsortableError("unsortable interface: interface")
    if ki == "string":
        if kj != "string":
            raise UnsortableError("unsortable interface: interface")
        qi = parse_quantity(i)
        qj = parse_quantity(j) if qi is not None else None
        if qi is None or qj is None:
            return i.encode("utf-8", "surrogatepass") < j.encode("utf-8", "surrogatepass")
        return qi < qj
    raise UnsortableError(f"unsortable type: {ki}")


def sort_field(sort_by: str) -> str:
    """NewRuntimeSorter: the relaxed path, or the flag as given when it is not one."""
    try:
        return relaxed_jsonpath(sort_by)
    except PrintError:
        return sort_by


def _parse_checked(field: str, prefix: str = "") -> None:
    from pykubectl.printing import jsonpath

    try:
        jsonpath.parse(field)
    except jsonpath.JSONPathError as exc:
        raise PrintError(f"{prefix}{exc}") from None


def _sort_by_results(results: list[list[list]], field: str, kind: str, line: int) -> list[int]:
    """The permutation go_sort makes of rows whose JSONPath results are given."""
    order = list(range(len(results)))

    def less(a: int, b: int) -> bool:
        ra, rb = results[order[a]], results[order[b]]
        if not ra or not ra[0]:
            return True
        if not rb or not rb[0]:
            return False
        try:
            return is_less(ra[0][0], rb[0][0])
        except UnsortableError as exc:
            raise UnsortableError(f"Field {field} in {kind} is an unsortable type: interface, err: {exc}",
                                  line) from None

    def swap(a: int, b: int) -> None:
        order[a], order[b] = order[b], order[a]

    go_sort(len(order), less, swap)
    return order


def sort_objects(objects: Sequence, sort_by: str) -> list:
    """SortObjects: the objects ordered by the field (for -o json/yaml/name/custom-columns/templates)."""
    objects = list(objects)
    if len(objects) <= 1:
        return objects
    field = relaxed_jsonpath(sort_field(sort_by))
    _parse_checked(field)
    results = [find_results(field, obj) for obj in objects]
    if not any(r and r[0] for r in results):
        raise PrintError(f'couldn\'t find any field with path "{field}" in the list of objects')
    order = _sort_by_results(results, field, "*unstructured.Unstructured", 329)
    return [objects[i] for i in order]


def sort_table(table: Mapping, sort_by: str) -> dict:
    """NewTableSorter: a copy of a server-side Table with its rows ordered by the field, which is
    looked up in each row's `object` (get asks for includeObject=Object when sorting)."""
    rows = list(table.get("rows") or [])
    if len(rows) <= 1:
        return dict(table)
    field = sort_field(sort_by)
    _parse_checked(field, "sorting error: ")
    results = [find_results(field, row.get("object") or {}) for row in rows]
    if not any(r and r[0] for r in results):
        raise PrintError(f'couldn\'t find any field with path "{field}" in the list of objects')
    order = _sort_by_results(results, field, "[][][]reflect.Value", 375)
    return {**table, "rows": [rows[i] for i in order]}
