"""Resource quantities (`100m`, `128Mi`, `1.5`, `2G`) as numbers, and back to the text metrics-server writes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(10**3),
            "M": Decimal(10**6), "G": Decimal(10**9), "T": Decimal(10**12), "P": Decimal(10**15),
            "E": Decimal(10**18)}


def parse(text: object) -> Decimal:
    """The value of a quantity; 0 for anything unparsable."""
    value = str(text if text is not None else "").strip()
    if not value:
        return Decimal(0)
    try:
        for suffix, factor in _BINARY.items():
            if value.endswith(suffix):
                return Decimal(value[: -len(suffix)]) * factor
        if value[-1] in _DECIMAL and value[-1] != "":
            return Decimal(value[:-1]) * _DECIMAL[value[-1]]
        if "e" in value.lower():
            return Decimal(value)
        return Decimal(value)
    except (InvalidOperation, ValueError):
        return Decimal(0)


def millicores(text: object) -> int:
    return int(parse(text) * 1000)


def nbytes(text: object) -> int:
    return int(parse(text))


def pod_requests(pod: dict) -> tuple[int, int]:
    """(cpu millicores, memory bytes) the scheduler counts: the sum over containers, or the largest init
    container if that is more."""
    spec = pod.get("spec") or {}

    def of(container: dict, key: str) -> dict:
        return ((container.get("resources") or {}).get(key) or {})

    cpu = sum(millicores(of(c, "requests").get("cpu", of(c, "limits").get("cpu", 0)))
              for c in spec.get("containers") or [])
    mem = sum(nbytes(of(c, "requests").get("memory", of(c, "limits").get("memory", 0)))
              for c in spec.get("containers") or [])
    for c in spec.get("initContainers") or []:
        cpu = max(cpu, millicores(of(c, "requests").get("cpu", 0)))
        mem = max(mem, nbytes(of(c, "requests").get("memory", 0)))
    return cpu, mem


def format_cpu_nanos(nanocores: int) -> str:
    return f"{nanocores}n"


def format_memory_ki(nbytes_: int) -> str:
    return f"{nbytes_ // 1024}Ki"
