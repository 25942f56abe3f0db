"""Three-way patches for client-side apply: strategic merge (built-in kinds) and JSON merge (custom resources).

API:

* `three_way_strategic_patch(original, modified, current, schema, overwrite=True) -> dict`: apimachinery's
  strategicpatch.CreateThreeWayMergePatch. The patch is the deletions from `original` (the last-applied
  configuration) to `modified` (the manifest) merged with the changes and additions from `current` (the
  live object) to `modified`, ignoring deletions. Lists whose field has `x-kubernetes-patch-strategy: merge`
  are diffed element by element (by `x-kubernetes-patch-merge-key` for lists of maps), with
  `$setElementOrder/<list>`, `{"$patch": "delete", <key>: <value>}` and `$deleteFromPrimitiveList/<list>`;
  maps with the `retainKeys` strategy carry `$retainKeys`; every other list is replaced whole.
* `three_way_merge_patch(original, modified, current) -> dict`: jsonmergepatch.CreateThreeWayJSONMergePatch
  with kubectl's preconditions (apiVersion, kind and metadata.name unchanged), for kinds outside kubectl's
  scheme. Raises `ThreeWayError("At least one of apiVersion, kind and name was changed")`.
* `patch_json(patch) -> str`: the body as Go's json.Marshal writes it (sorted keys, compact).

`schema` is a `pykubectl.resources.patches.PatchSchema` (`.field(name)`, `.items()`, `.merge_key`,
`.strategies`); `PatchSchema.none()` replaces every list, as for a type kubectl knows nothing about.
"""

from __future__ import annotations

import copy
from typing import Any

from pykubectl.errors import KubectlError

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ORDER = "$setElementOrder"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList"


class ThreeWayError(KubectlError):
    """A patch that cannot be computed (changed identity, lists of lists, a merge list without a key)."""


class _Options:
    __slots__ = ("ignore_deletions", "ignore_changes", "set_order", "retain_keys")

    def __init__(self, ignore_deletions=False, ignore_changes=False, set_order=False, retain_keys=False):
        self.ignore_deletions = ignore_deletions
        self.ignore_changes = ignore_changes
        self.set_order = set_order
        self.retain_keys = retain_keys

    def with_retain(self, retain: bool) -> _Options:
        return _Options(self.ignore_deletions, self.ignore_changes, self.set_order, retain)


def _go_type(value: Any) -> str:
    """The Go dynamic type of a decoded JSON value (reflect.TypeOf); bools are not numbers."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "slice"
    return type(value).__name__


def go_value_string(value: Any) -> str:
    """fmt.Sprintf("%v", value) for the scalars merge keys and primitive lists hold."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value_string(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value_string(v) for v in value) + "]"
    return str(value)


def _strategies(schema) -> tuple[bool, str]:
    """extractRetainKeysPatchStrategy: (retainKeys present, the other strategy)."""
    strategies = list(getattr(schema, "strategies", ()) or ())
    retain = "retainKeys" in strategies
    others = [s for s in strategies if s != "retainKeys"]
    if len(others) > 1:
        raise ThreeWayError(f"unexpected patch strategy: {','.join(strategies)}")
    return retain, (others[0] if others else "")


# -- diff ---------------------------------------------------------------------------------------------------


def _diff_maps(original: dict, modified: dict, schema, options: _Options) -> dict:
    patch: dict = {}
    retain_list: list = []
    for key, modified_value in modified.items():
        if options.retain_keys and modified_value is not None:
            retain_list.append(key)
        if key not in original:
            if not options.ignore_changes:
                patch[key] = modified_value
            continue
        original_value = original[key]
        if key == DIRECTIVE:
            if original_value != modified_value:
                patch[key] = modified_value
            continue
        if _go_type(original_value) != _go_type(modified_value):
            if not options.ignore_changes:
                patch[key] = modified_value
            continue
        if isinstance(original_value, dict):
            _map_diff(key, original_value, modified_value, patch, schema, options)
        elif isinstance(original_value, list):
            _slice_diff(key, original_value, modified_value, patch, schema, options)
        elif not options.ignore_changes and original_value != modified_value:
            patch[key] = modified_value
    if not options.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain_list and (patch or any(v is not None and k not in modified for k, v in original.items())):
        patch[RETAIN_KEYS] = sorted(retain_list, key=go_value_string)
    return patch


def _lookup(schema, key: str, original, modified):
    """A field's patch metadata; a failed lookup only matters when the two values differ (handleMapDiff)."""
    try:
        return schema.field(key)
    except ThreeWayError:
        if original == modified:
            return None
        raise


def _map_diff(key: str, original: dict, modified: dict, patch: dict, schema, options: _Options) -> None:
    sub = _lookup(schema, key, original, modified)
    if sub is None:
        return
    retain, strategy = _strategies(sub)
    if strategy == "replace":
        if not options.ignore_changes:
            patch[key] = modified
        return
    value = _diff_maps(original, modified, sub, options.with_retain(retain))
    if value:
        patch[key] = value


def _slice_diff(key: str, original: list, modified: list, patch: dict, schema, options: _Options) -> None:
    sub = _lookup(schema, key, original, modified)
    if sub is None:
        return
    retain, strategy = _strategies(sub)
    if strategy != "merge":
        if not options.ignore_changes and original != modified:
            patch[key] = modified
        return
    add, delete, order = _diff_lists(original, modified, sub.items(), sub.merge_key, options.with_retain(retain))
    if add:
        patch[key] = add
    if delete:
        patch[f"{DELETE_PRIMITIVE}/{key}"] = delete
    if order:
        patch[f"{SET_ORDER}/{key}"] = order


def _element_kind(original: list, modified: list) -> str:
    kinds = {_go_type(v) for v in (*original, *modified)}
    if not kinds:
        return "none"
    if len(kinds) > 1:
        raise ThreeWayError("the items of a list have different types")
    return kinds.pop()


def _diff_lists(original: list, modified: list, schema, merge_key: str, options: _Options):
    kind = _element_kind(original, modified)
    order: list = []
    if kind == "map":
        if not merge_key:
            raise ThreeWayError("cannot merge lists without merge key")
        additions, deletions = _diff_lists_of_maps(original, modified, schema, merge_key, options)
        additions = _order_like(additions, modified, merge_key)
        same_order = len(original) == len(modified) and all(
            go_value_string(a.get(merge_key)) == go_value_string(b.get(merge_key))
            for a, b in zip(original, modified, strict=True))
        additions = additions + deletions
        if options.set_order and ((not options.ignore_changes and (additions or not same_order))
                                  or (not options.ignore_deletions and additions)):
            order = [{merge_key: item.get(merge_key)} for item in modified]
        return additions, [], order
    if kind == "slice":
        raise ThreeWayError("lists of lists are not supported")
    additions, deletions = _diff_lists_of_scalars(original, modified, options)
    additions = _order_like(additions, modified, "")
    if options.set_order and ((not options.ignore_deletions and deletions)
                              or (not options.ignore_changes and original != modified)):
        order = list(modified)
    return additions, deletions, order


def _diff_lists_of_scalars(original: list, modified: list, options: _Options):
    left = sorted(original, key=go_value_string)
    right = sorted(modified, key=go_value_string)
    i = j = 0
    additions: list = []
    deletions: list = []
    while i < len(left) or j < len(right):
        a = go_value_string(left[i]) if i < len(left) else None
        b = go_value_string(right[j]) if j < len(right) else None
        if a is not None and b is not None and a == b:
            i += 1
            j += 1
        elif a is None or (b is not None and a > b):
            if not options.ignore_changes:
                additions.append(right[j])
            j += 1
        else:
            if not options.ignore_deletions:
                deletions.append(left[i])
            i += 1
    unique: list = []
    for value in deletions:
        if value not in unique:
            unique.append(value)
    return additions, unique


def _diff_lists_of_maps(original: list, modified: list, schema, merge_key: str, options: _Options):
    def keyed(items):
        for item in items:
            if not isinstance(item, dict) or merge_key not in item:
                raise ThreeWayError(f"map: {item} does not contain declared merge key: {merge_key}")
        return sorted(items, key=lambda item: go_value_string(item[merge_key]))

    left, right = keyed(original), keyed(modified)
    i = j = 0
    additions: list = []
    deletions: list = []
    while i < len(left) or j < len(right):
        a = go_value_string(left[i][merge_key]) if i < len(left) else None
        b = go_value_string(right[j][merge_key]) if j < len(right) else None
        if a is not None and b is not None and a == b:
            value = _diff_maps(left[i], right[j], schema, options)
            if value:
                value[merge_key] = right[j][merge_key]
                additions.append(value)
            i += 1
            j += 1
        elif a is None or (b is not None and a > b):
            if not options.ignore_changes:
                additions.append(right[j])
            j += 1
        else:
            if not options.ignore_deletions:
                deletions.append({DIRECTIVE: "delete", merge_key: left[i][merge_key]})
            i += 1
    return additions, deletions


def _index(order: list, item: Any, merge_key: str) -> int:
    for position, candidate in enumerate(order):
        if merge_key:
            if isinstance(candidate, dict) and isinstance(item, dict) and \
                    go_value_string(candidate.get(merge_key)) == go_value_string(item.get(merge_key)):
                return position
        elif candidate == item:
            return position
    return -1


def _order_like(items: list, order: list, merge_key: str) -> list:
    """normalizeSliceOrder: items stably sorted by their position in `order`, `$patch: delete` elements last."""
    kept = [i for i in items if not (merge_key and isinstance(i, dict) and i.get(DIRECTIVE) == "delete")]
    dropped = [i for i in items if merge_key and isinstance(i, dict) and i.get(DIRECTIVE) == "delete"]
    positions = [_index(order, item, merge_key) for item in kept]
    if all(p >= 0 for p in positions):
        kept = [item for _, item in sorted(zip(positions, kept, strict=True), key=lambda pair: pair[0])]
    return kept + dropped


# -- merging the deletions with the delta -------------------------------------------------------------------


def _merge_patches(base: dict, delta: dict, schema) -> dict:
    """mergeMap(deletions, delta) with MergeOptions{}: both are patches over the same modified object."""
    if DIRECTIVE in delta:
        return copy.deepcopy(delta)
    for key, value in delta.items():
        if key == RETAIN_KEYS or key.startswith(SET_ORDER + "/") or key.startswith(DELETE_PRIMITIVE + "/"):
            base.setdefault(key, value)
            continue
        if value is None:
            base.pop(key, None)
            base[key] = None
            continue
        if key not in base:
            base[key] = value
            continue
        current = base[key]
        if _go_type(current) != _go_type(value):
            base[key] = value
        elif isinstance(value, dict):
            sub = schema.field(key)
            _, strategy = _strategies(sub)
            base[key] = value if strategy == "replace" else _merge_patches(current, value, sub)
        elif isinstance(value, list):
            sub = schema.field(key)
            _, strategy = _strategies(sub)
            if strategy == "merge":
                base[key] = _merge_lists(current, value, sub.items(), sub.merge_key)
            else:
                base[key] = value
        else:
            base[key] = value
    return base


def _merge_lists(base: list, delta: list, schema, merge_key: str) -> list:
    if not base or not delta or not isinstance((base + delta)[0], dict):
        out = list(base)
        for item in delta:
            if item not in out:
                out.append(item)
        return out
    merged = list(base)
    for item in delta:
        position = _index(merged, item, merge_key)
        if position >= 0:
            merged[position] = _merge_patches(merged[position], item, schema)
        else:
            merged.append(item)
    from_delta = [m for m in merged if _index(delta, m, merge_key) >= 0]
    base_only = [m for m in merged if _index(delta, m, merge_key) < 0]
    # mergeSortedSlice: the delta's elements are not in base's order, so they come first
    return _order_like(from_delta, delta, merge_key) + _order_like(base_only, base, merge_key)


def three_way_strategic_patch(original: dict | None, modified: dict, current: dict | None, schema,
                              overwrite: bool = True) -> dict:
    original = original or {}
    current = current or {}
    delta = _diff_maps(current, modified, schema, _Options(ignore_deletions=True, set_order=True))
    deletions = _diff_maps(original, modified, schema, _Options(ignore_changes=True, set_order=True))
    patch = _merge_patches(deletions, delta, schema)
    if not overwrite:
        changed = _diff_maps(original, current, schema, _Options())
        conflict = _conflicts(patch, changed)
        if conflict:
            raise ThreeWayError(conflict)
    return patch


def _conflicts(left: Any, right: Any) -> str:
    """A much simplified HasConflicts: the same key changed to different values on both sides."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key, value in left.items():
            if key in right:
                found = _conflicts(value, right[key])
                if found:
                    return found
        return ""
    if left != right:
        return "Conflict detected"
    return ""


# -- JSON merge patch ---------------------------------------------------------------------------------------


def _merge_diff(original: Any, modified: Any, ignore_deletions: bool, ignore_changes: bool) -> dict:
    patch: dict = {}
    for key, value in modified.items():
        if key not in original:
            if not ignore_changes:
                patch[key] = value
            continue
        before = original[key]
        if isinstance(before, dict) and isinstance(value, dict):
            sub = _merge_diff(before, value, ignore_deletions, ignore_changes)
            if sub:
                patch[key] = sub
        elif (_go_type(before) != _go_type(value) or before != value) and not ignore_changes:
            patch[key] = value
    if not ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    return patch


def _merge_objects(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_objects(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def three_way_merge_patch(original: dict | None, modified: dict, current: dict | None) -> dict:
    """jsonmergepatch.CreateThreeWayJSONMergePatch with kubectl's identity preconditions."""
    original = original or {}
    current = current or {}
    # the delta (current → modified without deletions) keeps nulls the manifest holds; deletions come from
    # original → modified; nulls in modified only ever delete
    delta = _merge_diff(current, modified, ignore_deletions=True, ignore_changes=False)
    deletions = _merge_diff(original, modified, ignore_deletions=False, ignore_changes=True)
    patch = _merge_objects(deletions, delta)
    for key in ("apiVersion", "kind"):
        if key in patch:
            raise ThreeWayError("At least one of apiVersion, kind and name was changed")
    if "name" in (patch.get("metadata") or {}) if isinstance(patch.get("metadata"), dict) else False:
        raise ThreeWayError("At least one of apiVersion, kind and name was changed")
    return patch


def patch_json(patch: Any) -> str:
    """json.Marshal of the patch map: keys sorted, compact, Go's HTML escaping."""
    import json

    text = json.dumps(patch, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text
