"""Patch bodies and patching on the client: JSON merge (RFC 7386), JSON patch (RFC 6902), strategic merge.

API:

* `create_merge_patch(original, modified) -> dict`: jsonpatch.CreateMergePatch (what label/annotate send).
* `apply_merge_patch(doc, patch)`, `apply_json_patch(doc, operations)`,
  `apply_strategic_merge_patch(doc, patch, schema)`: new objects; the inputs are never changed.
  Failures raise `PatchError` with the wording of the Go libraries kubectl uses.
* `PatchSchema.for_kind(document, group, version, kind)`: the patch metadata
  (x-kubernetes-patch-merge-key / x-kubernetes-patch-strategy) of one kind in a server's OpenAPI v3
  group-version document, walked field by field with `.field(name)`; `PatchSchema.none()` knows nothing
  (every list is replaced, as for an unknown type).
* `parse_patch(text) -> object`: kubectl reads -p and --patch-file as YAML or JSON (yaml.ToJSON).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

from pykubectl.errors import KubectlError

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ORDER = "$setElementOrder/"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"


class PatchError(KubectlError):
    """A patch that cannot be parsed or applied."""


# -- merge patch ------------------------------------------------------------------------------------------


def create_merge_patch(original, modified) -> dict:
    """The smallest RFC 7386 patch turning `original` into `modified` (objects compared key by key)."""
    if not isinstance(original, Mapping) or not isinstance(modified, Mapping):
        raise PatchError("Invalid JSON Document")
    return _merge_diff(original, modified)


def _merge_diff(original: Mapping, modified: Mapping) -> dict:
    patch: dict = {}
    for key, value in modified.items():
        if key not in original:
            patch[key] = copy.deepcopy(value)
        elif isinstance(value, Mapping) and isinstance(original[key], Mapping):
            sub = _merge_diff(original[key], value)
            if sub:
                patch[key] = sub
        elif value != original[key] or type(value) is not type(original[key]):
            patch[key] = copy.deepcopy(value)
    for key in original:
        if key not in modified:
            patch[key] = None
    return patch


def apply_merge_patch(doc, patch):
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    target = copy.deepcopy(doc) if isinstance(doc, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = apply_merge_patch(target.get(key), value)
    return target


# -- JSON patch -------------------------------------------------------------------------------------------


def apply_json_patch(doc, operations):
    if not isinstance(operations, list):
        raise PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    target = copy.deepcopy(doc)
    for operation in operations:
        if not isinstance(operation, Mapping):
            raise PatchError("json: cannot unmarshal into Go value of type jsonpatch.Operation")
        op = operation.get("op")
        path = operation.get("path")
        if op in ("add", "replace", "test") and "value" not in operation:
            raise PatchError(f"missing value for {op} operation" if op != "test" else "missing value")
        if op == "add":
            target = _add(target, _pointer(path), copy.deepcopy(operation["value"]))
        elif op == "remove":
            target = _remove(target, _pointer(path), str(path))[0]
        elif op == "replace":
            parts = _pointer(path)
            container, last = _container(target, parts, str(path), "replace")
            if isinstance(container, list):
                index = _index(last, len(container), str(path), "replace")
                container[index] = copy.deepcopy(operation["value"])
            elif isinstance(container, dict):  # json-patch v5 replaces a missing key as an add
                container[last] = copy.deepcopy(operation["value"])
            else:
                raise PatchError(f"replace operation does not apply: doc is missing key: {path}")
        elif op == "move":
            source = _pointer(operation.get("from"))
            target, value = _remove(target, source, str(operation.get("from")))
            target = _add(target, _pointer(path), value)
        elif op == "copy":
            value = _get(target, _pointer(operation.get("from")), str(operation.get("from")))
            target = _add(target, _pointer(path), copy.deepcopy(value))
        elif op == "test":
            if _get(target, _pointer(path), str(path), missing_ok=True) != operation["value"]:
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {op}")
    return target


def _pointer(path) -> list[str]:
    if not isinstance(path, str):
        raise PatchError("operation missing path field")
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"invalid JSON Pointer: {path}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _container(doc, parts: list[str], path: str, op: str):
    node = doc
    for part in parts[:-1]:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")
    return node, parts[-1] if parts else ""


def _index(part: str, length: int, path: str, op: str, allow_end: bool = False) -> int:
    if part == "-" and allow_end:
        return length
    try:
        index = int(part)
    except ValueError:
        raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value") from None
    if index < 0 or index > length or (index == length and not allow_end):
        raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")
    return index


def _add(doc, parts: list[str], value):
    if not parts:
        return value
    container, last = _container(doc, parts, "/" + "/".join(parts), "add")
    if isinstance(container, list):
        container.insert(_index(last, len(container), "/" + "/".join(parts), "add", allow_end=True), value)
    elif isinstance(container, dict):
        container[last] = value
    else:
        raise PatchError(f"add operation does not apply: doc is missing path: \"/{'/'.join(parts)}\": missing value")
    return doc


def _remove(doc, parts: list[str], path: str):
    container, last = _container(doc, parts, path, "remove")
    if isinstance(container, list):
        index = _index(last, len(container), path, "remove")
        return doc, container.pop(index)
    if isinstance(container, dict) and last in container:
        return doc, container.pop(last)
    raise PatchError(f"error in remove for path: '{path}': Unable to remove nonexistent key: {last}: missing value")


def _get(doc, parts: list[str], path: str, missing_ok: bool = False):
    node = doc
    for part in parts:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif missing_ok:
            return None
        else:
            raise PatchError(f"copy operation does not apply: doc is missing from path: \"{path}\": missing value")
    return node


# -- strategic merge patch --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatchSchema:
    """Patch metadata for one node of a kind's OpenAPI v3 schema."""

    node: Mapping = field(default_factory=dict)
    schemas: Mapping = field(default_factory=dict)
    merge_key: str = ""
    strategies: tuple[str, ...] = ()

    @classmethod
    def none(cls) -> PatchSchema:
        return cls()

    @classmethod
    def for_kind(cls, document: Mapping, group: str, version: str, kind: str) -> PatchSchema | None:
        schemas = (document.get("components") or {}).get("schemas") or {}
        for schema in schemas.values():
            for gvk in schema.get("x-kubernetes-group-version-kind") or ():
                if (gvk.get("group", ""), gvk.get("version"), gvk.get("kind")) == (group, version, kind):
                    return cls(schema, schemas)
        return None

    def _resolve(self, node: Mapping) -> Mapping:
        seen = 0
        while isinstance(node, Mapping) and seen < 20:
            seen += 1
            ref = node.get("$ref")
            if ref is None and len(node.get("allOf") or ()) == 1:
                ref = (node["allOf"][0] or {}).get("$ref")
            if not ref:
                return node
            node = self.schemas.get(ref.rsplit("/", 1)[-1], {})
        return node if isinstance(node, Mapping) else {}

    def field(self, name: str) -> PatchSchema:
        node = self._resolve(self.node)
        prop = (node.get("properties") or {}).get(name)
        if prop is None:
            extra = node.get("additionalProperties")
            prop = extra if isinstance(extra, Mapping) else None
        if prop is None:
            return PatchSchema(schemas=self.schemas)
        strategy = str(prop.get("x-kubernetes-patch-strategy") or "")
        return PatchSchema(prop, self.schemas, str(prop.get("x-kubernetes-patch-merge-key") or ""),
                           tuple(s for s in strategy.split(",") if s))

    def items(self) -> PatchSchema:
        node = self._resolve(self.node)
        return PatchSchema(node.get("items") or {}, self.schemas)


def apply_strategic_merge_patch(doc, patch, schema: PatchSchema | None = None):
    if not isinstance(patch, Mapping):
        raise PatchError("unable to find api field in struct for the patch")
    return _merge_map(copy.deepcopy(doc) if isinstance(doc, Mapping) else {}, patch, schema or PatchSchema.none())


def _merge_map(original: dict, patch: Mapping, schema: PatchSchema) -> dict:
    directive = patch.get(DIRECTIVE)
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != DIRECTIVE}
    if directive == "delete":
        return {}
    if directive not in (None, "merge"):
        raise PatchError(f"Unknown patch type: {directive} in map: {dict(patch)}")
    retain = patch.get(RETAIN_KEYS)
    if isinstance(retain, list):
        for key in list(original):
            if key not in retain and key not in patch:
                del original[key]
    orders = {}
    for key, value in patch.items():
        if key in (DIRECTIVE, RETAIN_KEYS):
            continue
        if key.startswith(SET_ORDER):
            orders[key[len(SET_ORDER):]] = value
            continue
        if key.startswith(DELETE_PRIMITIVE):
            name = key[len(DELETE_PRIMITIVE):]
            if isinstance(original.get(name), list) and isinstance(value, list):
                original[name] = [item for item in original[name] if item not in value]
            continue
        sub = schema.field(key)
        if value is None:
            original.pop(key, None)
        elif isinstance(value, Mapping) and value.get(DIRECTIVE) == "delete" and len(value) == 1:
            original.pop(key, None)
        elif isinstance(value, Mapping):
            current = original.get(key)
            original[key] = _merge_map(current if isinstance(current, dict) else {}, value, sub)
        elif isinstance(value, list):
            original[key] = _merge_list(original.get(key), value, sub)
        else:
            original[key] = copy.deepcopy(value)
    for name, order in orders.items():
        if isinstance(original.get(name), list) and isinstance(order, list):
            original[name] = _ordered(original[name], order, schema.field(name).merge_key)
    return original


def _merge_list(original, patch: list, schema: PatchSchema) -> list:
    merging = "merge" in schema.strategies
    if not merging or not isinstance(original, list):
        if merging:
            return [copy.deepcopy(item) for item in patch if not _is_directive(item)]
        return copy.deepcopy(patch)
    if any(isinstance(item, Mapping) and item.get(DIRECTIVE) == "replace" for item in patch):
        return [copy.deepcopy(item) for item in patch if not _is_directive(item)]
    result = copy.deepcopy(original)
    key = schema.merge_key
    added: list = []  # strategicpatch puts the patch's new map items before the original ones
    for item in patch:
        if isinstance(item, Mapping) and key:
            if key not in item:
                raise PatchError(f"map: {dict(item)} does not contain declared merge key: {key}")
            match = next((i for i, have in enumerate(result)
                          if isinstance(have, Mapping) and have.get(key) == item[key]), None)
            if item.get(DIRECTIVE) == "delete":
                result = [have for have in result if not (isinstance(have, Mapping) and have.get(key) == item[key])]
            elif match is None:
                added.append({k: copy.deepcopy(v) for k, v in item.items() if k != DIRECTIVE})
            else:
                result[match] = _merge_map(result[match], item, schema.items())
        elif item not in result:
            result.append(copy.deepcopy(item))
    return added + result


def _is_directive(item) -> bool:
    return isinstance(item, Mapping) and DIRECTIVE in item and len(item) == 1


def _ordered(items: list, order: list, key: str) -> list:
    def identity(item):
        return item.get(key) if key and isinstance(item, Mapping) else item

    wanted = [identity(o) if isinstance(o, Mapping) else o for o in order]
    ranked = [i for i in items if identity(i) in wanted]
    ranked.sort(key=lambda i: wanted.index(identity(i)))
    rest = [i for i in items if identity(i) not in wanted]
    return ranked + rest


# -- parsing ----------------------------------------------------------------------------------------------


def parse_patch(text: str):
    """yaml.ToJSON: -p accepts JSON or YAML. Raises PatchError with kubectl's wording."""
    import json

    try:
        return json.loads(text)
    except ValueError:
        pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise PatchError(f"yaml: {problem}") from None


# -- label and annotate arguments -------------------------------------------------------------------------

_LABEL_VALUE_HELP = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                     "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                     "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def split_resources_and_pairs(args, pair_type: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resource arguments first, then KEY=VALUE / KEY- changes."""
    resources: list[str] = []
    pairs: list[str] = []
    found = False
    for arg in args:
        pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if pair:
            found = True
            pairs.append(arg)
        elif found:
            raise KubectlError(f"all resources must be specified before {pair_type} changes: {arg}")
        else:
            resources.append(arg)
    return resources, pairs


def label_value_errors(value: str) -> list[str]:
    import re

    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if value and not re.fullmatch(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", value):
        errors.append(_LABEL_VALUE_HELP)
    return errors


def parse_label_changes(specs) -> tuple[dict[str, str], list[str]]:
    """label's parseLabels: KEY=VALUE (value checked as a label value) and KEY-."""
    labels: dict[str, str] = {}
    remove: list[str] = []
    for spec in specs:
        if "=" in spec:
            parts = spec.split("=")
            if len(parts) != 2:
                raise KubectlError(f"invalid label spec: {spec}")
            errors = label_value_errors(parts[1])
            if errors:
                raise KubectlError(f'invalid label value: "{spec}": {";".join(errors)}')
            labels[parts[0]] = parts[1]
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise KubectlError(f"unknown label spec: {spec}")
    if any(key in labels for key in remove):
        raise KubectlError("can not both modify and remove a label in the same command")
    return labels, remove


def parse_annotation_changes(specs) -> tuple[dict[str, str], list[str]]:
    """cmdutil.ParsePairs(..., "annotation", true) and annotate's modify-and-remove check."""
    pairs: dict[str, str] = {}
    remove: list[str] = []
    invalid: list[str] = []
    for spec in specs:
        if "=" in spec and not spec.startswith("="):
            key, _, value = spec.partition("=")
            pairs[key] = value
        elif spec.endswith("-") and spec != "-":
            remove.append(spec[:-1])
        else:
            invalid.append(spec)
    if invalid:
        raise KubectlError(f"invalid annotation format: {', '.join(invalid)}")
    both = [key for key in remove if key in pairs]
    if both:
        raise KubectlError("can not both modify and remove the following annotation(s) in the same command: "
                           + ", ".join(both))
    return pairs, remove
