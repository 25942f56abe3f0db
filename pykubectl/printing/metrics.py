"""`kubectl top` tables: resource usage from metrics.k8s.io as kubectl's metricsutil prints it.

Pure formatting of PodMetrics / NodeMetrics dicts (kubectl pkg/metricsutil/metrics_printer.go, metrics_sorter.go,
metrics_resource_adder.go):

* CPU prints as whole millicores and memory as whole MiB, where a quantity's MilliValue()/Value() round
  up (ceil) and the MiB figure is then truncated; a pod's usage is the exact sum of its containers' usage.
* Rows are ordered with Go's sort.Sort (not stable: equal CPU or memory figures come out in the order Go's
  pdqsort leaves them, so the algorithm is the ported one); by name by default, largest first for
  `--sort-by=cpu|memory`.
* Every cell ends with a tab (so the last column is padded too); `--sum` adds a rule and a total row whose
  position counts the header cells that were printed (with `--no-headers` kubectl shifts it left).
* Node percentages are int64(float64(used milli) / float64(available milli) * 100).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from pykubectl.printing.sorting import go_sort, parse_quantity
from pykubectl.printing.tabwriter import format_text

__all__ = ["NODE_COLUMNS", "POD_COLUMNS", "format_node_metrics", "format_pod_metrics"]

MEASURED = ("cpu", "memory")
NODE_COLUMNS = ("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)")
POD_COLUMNS = ("NAME", "CPU(cores)", "MEMORY(bytes)")
UNKNOWN = "<unknown>"
_INT64_MIN = -(2 ** 63)


def _quantity(value) -> Fraction:
    if value is None or value == "":
        return Fraction(0)
    parsed = parse_quantity(str(value))
    return parsed if parsed is not None else Fraction(0)


def _milli(q: Fraction) -> int:
    return math.ceil(q * 1000)


def _value(q: Fraction) -> int:
    return math.ceil(q)


def _usage(entry: Mapping) -> dict[str, Fraction]:
    usage = entry.get("usage") or {}
    return {res: _quantity(usage.get(res)) for res in usage}


def _pod_usage(pod: Mapping) -> dict[str, Fraction]:
    total = {res: Fraction(0) for res in MEASURED}
    for container in pod.get("containers") or ():
        usage = container.get("usage") or {}
        for res in MEASURED:
            total[res] += _quantity(usage.get(res))
    return total


def _name(obj: Mapping) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _namespace(obj: Mapping) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "")


def _cell(value: str) -> str:
    return f"{value}\t"


def _amount(res: str, q: Fraction) -> str:
    if res == "cpu":
        return f"{_milli(q)}m"
    if res == "memory":
        value = _value(q)
        mib = abs(value) // (1024 * 1024)
        return f"{-mib if value < 0 else mib}Mi"
    return str(_value(q))


def _percent(used: Fraction, available: Fraction) -> str:
    numerator, denominator = float(_milli(used)), float(_milli(available))
    if denominator == 0:
        fraction = math.nan if numerator == 0 else math.copysign(math.inf, numerator)
    else:
        fraction = numerator / denominator * 100
    if math.isnan(fraction) or math.isinf(fraction) or not -2 ** 63 <= fraction < 2 ** 63:
        return f"{_INT64_MIN}%"  # Go's int64(±Inf or NaN) on amd64
    return f"{int(fraction)}%"


def _line(name: str, usage: Mapping[str, Fraction], available: Mapping[str, Fraction] | None) -> str:
    parts = [_cell(name)]
    for res in MEASURED:
        q = usage.get(res, Fraction(0))
        parts.append(_amount(res, q) + "\t")
        if available is not None and res in available:
            parts.append(_cell(_percent(q, available[res])))
    return "".join(parts) + "\n"


def _sort(items: list, less) -> None:
    def swap(i: int, j: int) -> None:
        items[i], items[j] = items[j], items[i]

    go_sort(len(items), less, swap)


def format_node_metrics(metrics: Sequence[Mapping], available: Mapping[str, Mapping | None],
                        *, no_headers: bool = False, sort_by: str = "") -> str:
    """NodeMetrics rows; `available` maps each listed node to its allocatable (or capacity) resources, in
    the order the nodes were listed. Listed nodes without metrics follow as `<unknown>` rows (kubectl ranges
    over a Go map there, so its order of those rows is random; here it is the listing order)."""
    if not metrics:
        return ""
    items = list(metrics)
    usages = [_usage(m) for m in items]
    order = list(range(len(items)))

    def less(i: int, j: int) -> bool:
        a, b = order[i], order[j]
        if sort_by == "cpu":
            return _milli(usages[a].get("cpu", Fraction(0))) > _milli(usages[b].get("cpu", Fraction(0)))
        if sort_by == "memory":
            return _value(usages[a].get("memory", Fraction(0))) > _value(usages[b].get("memory", Fraction(0)))
        return _name(items[a]) < _name(items[b])

    _sort(order, less)
    remaining = dict(available)
    text = [] if no_headers else ["".join(_cell(c) for c in NODE_COLUMNS) + "\n"]
    for index in order:
        name = _name(items[index])
        resources = remaining.pop(name, None) if name in remaining else None
        capacity = None if resources is None else {res: _quantity(v) for res, v in resources.items()}
        text.append(_line(name, usages[index], capacity))
    for name in remaining:
        text.append(_cell(name) + _cell(UNKNOWN) * (2 * len(MEASURED)) + "\n")
    return format_text("".join(text))


def format_pod_metrics(metrics: Sequence[Mapping], *, containers: bool = False, with_namespace: bool = False,
                       no_headers: bool = False, sort_by: str = "", total: bool = False) -> str:
    """PodMetrics rows (per container with `containers`), optionally with the `--sum` rows."""
    if not metrics:
        return ""
    items = [dict(m) for m in metrics]
    text: list[str] = []
    column_width = len(POD_COLUMNS)
    if not no_headers:
        header = ""
        if with_namespace:
            header += _cell("NAMESPACE")
            column_width += 1
        if containers:
            header += _cell("POD")
            column_width += 1
        text.append(header + "".join(_cell(c) for c in POD_COLUMNS) + "\n")

    sums = [_pod_usage(m) if sort_by else {} for m in items]
    order = list(range(len(items)))

    def less(i: int, j: int) -> bool:
        a, b = order[i], order[j]
        if sort_by == "cpu":
            return _milli(sums[a]["cpu"]) > _milli(sums[b]["cpu"])
        if sort_by == "memory":
            return _value(sums[a]["memory"]) > _value(sums[b]["memory"])
        if with_namespace and _namespace(items[a]) != _namespace(items[b]):
            return _namespace(items[a]) < _namespace(items[b])
        return _name(items[a]) < _name(items[b])

    _sort(order, less)
    for index in order:
        pod = items[index]
        prefix = _cell(_namespace(pod)) if with_namespace else ""
        if containers:
            entries = list(pod.get("containers") or ())
            usages = [_usage(c) for c in entries]
            rank = list(range(len(entries)))

            def container_less(i: int, j: int, rank=rank, usages=usages, entries=entries) -> bool:
                a, b = rank[i], rank[j]
                if sort_by == "cpu":
                    return _milli(usages[a].get("cpu", Fraction(0))) > _milli(usages[b].get("cpu", Fraction(0)))
                if sort_by == "memory":
                    return (_value(usages[a].get("memory", Fraction(0)))
                            > _value(usages[b].get("memory", Fraction(0))))
                return str(entries[a].get("name") or "") < str(entries[b].get("name") or "")

            _sort(rank, container_less)
            for position in rank:
                text.append(prefix + _cell(_name(pod))
                            + _line(str(entries[position].get("name") or ""), usages[position], None))
        else:
            text.append(prefix + _line(_name(pod), _pod_usage(pod), None))

    if total:
        grand = {res: Fraction(0) for res in MEASURED}
        for pod in items:
            for res, q in _pod_usage(pod).items():
                grand[res] += q
        text.append(_cell("") * max(column_width - 2, 0) + _cell("________") + _cell("________") + "\n")
        text.append(_cell("") * max(column_width - 3, 0) + _line("", grand, None))
    return format_text("".join(text))
