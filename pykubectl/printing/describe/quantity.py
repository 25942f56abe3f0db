"""Kubernetes resource quantities as describe prints them: resource.Quantity's canonical String()."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_BINARY_SUFFIX = {v: k for k, v in _BINARY.items()}
_PATTERN = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    format: str  # "BinarySI", "DecimalSI" or "DecimalExponent"

    @classmethod
    def parse(cls, text) -> Quantity:
        if isinstance(text, (int, float)):
            return cls(Fraction(text), "DecimalSI")
        match = _PATTERN.match(str(text).strip())
        if not match:
            return cls(Fraction(0), "DecimalSI")
        number, suffix = Fraction(match[1]), match[2] or ""
        if suffix in _BINARY:
            value, fmt = number * 2 ** _BINARY[suffix], "BinarySI"
        elif suffix in _DECIMAL:
            value, fmt = number * Fraction(10) ** _DECIMAL[suffix], "DecimalSI"
        else:
            value, fmt = number * Fraction(10) ** int(suffix[1:]), "DecimalExponent"
        # Quantities keep nano precision, rounding up (away from zero) past it.
        scaled = value * 10**9
        if scaled.denominator != 1:
            rounded = math.ceil(abs(scaled))
            value = Fraction(rounded if value > 0 else -rounded, 10**9)
        return cls(value, fmt)

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.format)

    def __str__(self) -> str:
        return canonical(self.value, self.format)

    def milli(self) -> int:
        return math.ceil(self.value * 1000)

    def int_value(self) -> int:
        return math.ceil(self.value)


def canonical(value: Fraction, fmt: str) -> str:
    if value == 0:
        return "0"
    if fmt == "BinarySI":
        if -1024 < value < 1024 or value.denominator != 1:
            fmt = "DecimalSI"
        else:
            number, exponent = int(value), 0
            while number % 1024 == 0 and exponent < 60:
                number //= 1024
                exponent += 10
            return f"{number}{_BINARY_SUFFIX[exponent]}"
    # decimal: an integer mantissa and an exponent that is a multiple of 3
    exponent = 0
    mantissa = value
    while mantissa.denominator != 1:
        mantissa *= 10
        exponent -= 1
    number = int(mantissa)
    while number % 10 == 0 and number != 0:
        number //= 10
        exponent += 1
    shift = exponent % 3
    number *= 10**shift
    exponent -= shift
    if fmt == "DecimalSI" and exponent in _DECIMAL_SUFFIX:
        return f"{number}{_DECIMAL_SUFFIX[exponent]}"
    return f"{number}e{exponent}" if exponent else str(number)


def quantity(text) -> str:
    """The canonical form of a quantity string, as a typed Go object prints it."""
    return str(Quantity.parse(text))
