"""Label and field selectors as the apiserver parses them (apimachinery labels.Parse, fields.ParseSelector).

Deliberately separate from pykubectl's own parser, so that a bug shared by both cannot pass unseen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass


class SelectorError(ValueError):
    """A selector that does not parse; the handler turns it into a 400."""


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # "=", "!=", "in", "notin", "exists", "!", "gt", "lt"
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator in ("=", "in"):
            return present and value in self.values
        if self.operator in ("!=", "notin"):
            return not present or value not in self.values
        if self.operator == "exists":
            return present
        if self.operator == "!":
            return not present
        if self.operator in ("gt", "lt"):
            try:
                have, want = int(value or ""), int(self.values[0])
            except ValueError:
                return False
            return have > want if self.operator == "gt" else have < want
        return False


_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|>|<|[^\s!=(),<>]+)")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise SelectorError(f"unable to parse requirement: {text!r}")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def parse_labels(text: str) -> list[Requirement]:
    """labels.Parse: `a=b,c!=d,e in (f,g),h notin (i),j,!k,l>1`."""
    tokens = _tokens(text or "")
    requirements: list[Requirement] = []
    i = 0

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise SelectorError(f"found '', expected: identifier after ','  in {text!r}")
        i += 1
        return tokens[i - 1]

    while i < len(tokens):
        token = take()
        if token == "!":
            requirements.append(Requirement(take(), "!"))
        else:
            key = token
            op = tokens[i] if i < len(tokens) else ","
            if op == ",":
                requirements.append(Requirement(key, "exists"))
            elif op in ("=", "==", "!="):
                i += 1
                value = tokens[i] if i < len(tokens) and tokens[i] != "," else ""
                if value:
                    i += 1
                _check_value(value)
                requirements.append(Requirement(key, "!=" if op == "!=" else "=", (value,)))
            elif op in ("in", "notin"):
                i += 1
                if take() != "(":
                    raise SelectorError(f"found '{tokens[i - 1]}', expected: '('")
                values: list[str] = []
                while True:
                    part = take()
                    if part == ")":
                        break
                    if part != ",":
                        _check_value(part)
                        values.append(part)
                requirements.append(Requirement(key, op, tuple(values)))
            elif op in (">", "<"):
                i += 1
                requirements.append(Requirement(key, "gt" if op == ">" else "lt", (take(),)))
            else:
                raise SelectorError(f"found '{op}', expected: '=', '!=', '==', 'in', notin'")
        if i < len(tokens):
            if tokens[i] != ",":
                raise SelectorError(f"found '{tokens[i]}', expected: ',' or 'end of string'")
            i += 1
    return requirements


def _check_value(value: str) -> None:
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        raise SelectorError(
            f'values[0]: Invalid value: "{value}": a valid label must be an empty string or consist of '
            "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
            "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def label_matcher(text: str | None) -> Callable[[Mapping[str, str]], bool]:
    requirements = parse_labels(text) if text else []
    return lambda labels: all(r.matches(labels or {}) for r in requirements)


@dataclass(frozen=True)
class FieldTerm:
    field: str
    value: str
    negated: bool


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_fields(text: str) -> list[FieldTerm]:
    """fields.ParseSelector: `a=b,c!=d`, `==` accepted as `=`; `\\,` and `\\=` escape."""
    terms: list[FieldTerm] = []
    if not text:
        return terms
    for part in _split_unescaped(text, ","):
        if not part:
            continue
        for op in ("!=", "==", "="):
            idx = part.find(op)
            if idx > 0 or (idx == 0 and op):
                field, value = part[:idx], part[idx + len(op):]
                terms.append(FieldTerm(field, _unescape(value), op == "!="))
                break
        else:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
    return terms


def field_matcher(terms: list[FieldTerm]) -> Callable[[Mapping[str, str]], bool]:
    def matches(fields: Mapping[str, str]) -> bool:
        for term in terms:
            have = fields.get(term.field, "")
            if (have == term.value) == term.negated:
                return False
        return True
    return matches


def _dig(obj: Mapping, path: str):
    value = obj
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Per-type selectable fields beyond metadata.name/metadata.namespace (the registries' *ToSelectableFields).
_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "pods"): ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                   "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
    ("", "events"): ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                     "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                     "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    ("", "secrets"): ("type",),
    ("", "namespaces"): ("status.phase",),
    ("", "nodes"): ("spec.unschedulable",),
    ("", "replicationcontrollers"): ("status.replicas",),
    ("apps", "replicasets"): ("status.replicas",),
    ("batch", "jobs"): ("status.successful",),
    ("", "services"): ("spec.clusterIP", "spec.type"),
    ("certificates.k8s.io", "certificatesigningrequests"): ("spec.signerName",),
}


def selectable_fields(group: str, resource: str, obj: Mapping, namespaced: bool) -> dict[str, str]:
    meta = obj.get("metadata") or {}
    fields = {"metadata.name": meta.get("name", "")}
    if namespaced:
        fields["metadata.namespace"] = meta.get("namespace", "")
    for path in _FIELDS.get((group, resource), ()):
        if path == "source" and (group, resource) == ("", "events"):
            fields[path] = _text(_dig(obj, "source.component"))
        elif path == "spec.unschedulable":
            fields[path] = _text(bool(_dig(obj, path)))
        elif path == "status.successful":
            fields[path] = _text(_dig(obj, "status.succeeded") or 0)
        elif path == "status.replicas":
            fields[path] = _text(_dig(obj, path) or 0)
        elif path == "spec.hostNetwork":
            fields[path] = _text(bool(_dig(obj, path)))
        else:
            fields[path] = _text(_dig(obj, path))
    return fields


def check_fields(group: str, resource: str, terms: list[FieldTerm], namespaced: bool,
                 custom: bool = False) -> None:
    allowed = {"metadata.name", "metadata.namespace", *_FIELDS.get((group, resource), ())}
    for term in terms:
        if term.field not in allowed:
            if custom:
                raise SelectorError(f'"{term.field}" is not a known field selector: only '
                                    '"metadata.name", "metadata.namespace"')
            raise SelectorError(f"field label not supported: {term.field}")
