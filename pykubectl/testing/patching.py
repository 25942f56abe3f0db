"""Patches the apiserver accepts (JSON patch, merge patch, strategic merge patch, server-side apply) and the
managedFields bookkeeping that goes with every write.

List semantics come from a table of the built-in types' patchMergeKey/patchStrategy (strategic merge) and
x-kubernetes-list-map-keys (server-side apply); fields not in it are atomic lists.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from . import status
from .status import StatusError

# field name -> (strategic merge key, apply list-map keys). Context-dependent names are resolved in _list_keys.
_LIST_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "containers": ("name", ("name",)),
    "initContainers": ("name", ("name",)),
    "ephemeralContainers": ("name", ("name",)),
    "env": ("name", ("name",)),
    "volumes": ("name", ("name",)),
    "volumeMounts": ("mountPath", ("mountPath",)),
    "volumeDevices": ("devicePath", ("devicePath",)),
    "imagePullSecrets": ("name", ("name",)),
    "hostAliases": ("ip", ("ip",)),
    "conditions": ("type", ("type",)),
    "ownerReferences": ("uid", ("uid",)),
    "topologySpreadConstraints": ("topologyKey", ("topologyKey", "whenUnsatisfiable")),
    "resourceClaims": ("name", ("name",)),
    "schedulingGates": ("name", ("name",)),
    "readinessGates": ("conditionType", ()),
    "secrets": ("name", ()),
}
# Lists of scalars merged as sets (patchStrategy: merge; x-kubernetes-list-type: set).
_SET_LISTS = {"finalizers"}
# Maps that the apiserver records with a "." entry of their own in managedFields.
_GRANULAR_MAPS = {"labels", "annotations", "rollingUpdate", "data", "binaryData", "nodeSelector", "limits",
                  "requests", "matchLabels"}
_IGNORED_META = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                 "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"}


def _list_keys(path: tuple[str, ...], field: str) -> tuple[str, tuple[str, ...]] | None:
    if field == "ports":
        if any(p in ("containers", "initContainers", "ephemeralContainers") for p in path):
            return "containerPort", ("containerPort", "protocol")
        return "port", ("port", "protocol")
    return _LIST_KEYS.get(field)


# ------------------------------------------------------------------ JSON merge patch (RFC 7386)


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# ------------------------------------------------------------------ JSON patch (RFC 6902)


class JSONPatchError(ValueError):
    pass


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise JSONPatchError(f'add operation does not apply: doc is missing path: "{path}": missing value')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc: Any, parts: list[str], path: str, op: str) -> tuple[Any, str]:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise JSONPatchError(f'{op} operation does not apply: doc is missing path: "{path}": missing value')
    return node, parts[-1]


def json_patch(doc: Any, operations: Any) -> Any:
    if not isinstance(operations, list):
        raise JSONPatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    for op in operations:
        if not isinstance(op, dict):
            raise JSONPatchError("json: cannot unmarshal into Go value of type jsonpatch.Operation")
        kind, path = op.get("op"), op.get("path", "")
        if kind not in ("add", "remove", "replace", "move", "copy", "test"):
            raise JSONPatchError(f"Unexpected kind: {kind}")
        if kind in ("move", "copy"):
            source = op.get("from", "")
            parent, last = _walk(doc, _pointer(source), source, kind)
            value = _get_child(parent, last, source, kind)
            if kind == "move":
                _remove_child(parent, last, source, kind)
            doc = _add(doc, path, copy.deepcopy(value), kind)
            continue
        if kind == "test":
            parts = _pointer(path)
            value = doc if not parts else _get_child(*_walk(doc, parts, path, kind), path, kind)
            if value != op.get("value"):
                raise JSONPatchError(f'testing value {path} failed: test failed')
            continue
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")), kind)
        elif kind == "remove":
            parent, last = _walk(doc, _pointer(path), path, kind)
            _remove_child(parent, last, path, kind)
        elif kind == "replace":
            parts = _pointer(path)
            if not parts:
                doc = copy.deepcopy(op.get("value"))
                continue
            parent, last = _walk(doc, parts, path, kind)
            _get_child(parent, last, path, kind)
            if isinstance(parent, list):
                parent[int(last)] = copy.deepcopy(op.get("value"))
            else:
                parent[last] = copy.deepcopy(op.get("value"))
    return doc


def _get_child(parent: Any, last: str, path: str, op: str) -> Any:
    if isinstance(parent, dict) and last in parent:
        return parent[last]
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent[int(last)]
    raise JSONPatchError(f'{op} operation does not apply: doc is missing key: {path}: missing value')


def _remove_child(parent: Any, last: str, path: str, op: str) -> None:
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        del parent[int(last)]
    elif isinstance(parent, dict):
        raise JSONPatchError(f"Unable to remove nonexistent key: {last}: missing value")
    else:
        raise JSONPatchError(f"Unable to access invalid index: {last}: invalid index referenced")


def _add(doc: Any, path: str, value: Any, op: str) -> Any:
    parts = _pointer(path)
    if not parts:
        return value
    parent, last = _walk(doc, parts, path, op)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif last.isdigit() and int(last) <= len(parent):
            parent.insert(int(last), value)
        else:
            raise JSONPatchError(f"Unable to access invalid index: {last}: invalid index referenced")
    else:
        raise JSONPatchError(f'add operation does not apply: doc is missing path: "{path}": missing value')
    return doc


# ------------------------------------------------------------------ strategic merge patch


def strategic_merge(original: Any, patch: Any, path: tuple[str, ...] = ()) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(original, dict):
        original = {}
    directive = patch.get("$patch")
    if directive == "replace":
        return _strip_directives({k: v for k, v in patch.items() if k != "$patch"})
    if directive == "delete":
        return None
    result = copy.deepcopy(original)
    retain = patch.get("$retainKeys")
    orders: dict[str, list] = {}
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list):
                result[field] = [v for v in result[field] if v not in (value or [])]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            merged = strategic_merge(result.get(key), value, path + (key,))
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, path, key)
        else:
            result[key] = value
    for field, order in orders.items():
        if isinstance(result.get(field), list):
            result[field] = _apply_order(result[field], order, path, field)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _strip_directives(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_directives(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [_strip_directives(v) for v in value]
    return value


def _merge_list(original: Any, patch: list, path: tuple[str, ...], field: str) -> list:
    if not isinstance(original, list):
        original = []
    keys = _list_keys(path, field)
    if field in _SET_LISTS:
        result = list(original)
        for item in patch:
            if item not in result:
                result.append(item)
        return result
    if keys is None or not all(isinstance(i, dict) for i in patch):
        if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
            return [_strip_directives(i) for i in patch if not (isinstance(i, dict) and "$patch" in i)]
        return _strip_directives(patch)
    merge_key = keys[0]
    if any(i.get("$patch") == "replace" for i in patch):
        return [_strip_directives(i) for i in patch if "$patch" not in i]
    result = copy.deepcopy(original)
    for item in patch:
        match = next((i for i, cur in enumerate(result)
                      if isinstance(cur, dict) and merge_key in item and cur.get(merge_key) == item.get(merge_key)),
                     None)
        if item.get("$patch") == "delete":
            if match is not None:
                result.pop(match)
            continue
        if match is None:
            result.append(_strip_directives(item))
        else:
            result[match] = strategic_merge(result[match], item, path + (field,))
    return result


def _apply_order(items: list, order: list, path: tuple[str, ...], field: str) -> list:
    keys = _list_keys(path, field)
    if keys is None:
        ranked = {json.dumps(v, sort_keys=True): i for i, v in enumerate(order)}
        return sorted(items, key=lambda v: ranked.get(json.dumps(v, sort_keys=True), len(ranked)))
    merge_key = keys[0]
    ranked = {json.dumps(o.get(merge_key)): i for i, o in enumerate(order) if isinstance(o, dict)}
    return sorted(items, key=lambda v: ranked.get(json.dumps(v.get(merge_key)) if isinstance(v, dict) else "",
                                                  len(ranked)))


# ------------------------------------------------------------------ field sets (managedFields)

Path = tuple[str, ...]


_KEY_DEFAULTS = {"protocol": "TCP"}  # list-map key fields with a schema default (ports' protocol)


def _key_element(item: dict, keys: tuple[str, ...]) -> str:
    values = {k: item.get(k, _KEY_DEFAULTS.get(k)) for k in keys if k in item or k in _KEY_DEFAULTS}
    return "k:" + json.dumps(values, separators=(",", ":"), sort_keys=True)


def flatten(obj: dict, subresource: str = "") -> dict[Path, Any]:
    """Every owned path of an object, mapped to its value ("." marks a granular map or list item)."""
    out: dict[Path, Any] = {}
    for key, value in obj.items():
        if key in ("apiVersion", "kind"):
            continue
        status_only = subresource in ("status", "approval")  # CSR /approval owns status.conditions
        if status_only and key != "status":
            continue
        if not status_only and key == "status":
            continue
        if key == "metadata" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in _IGNORED_META}
            if not value:
                continue
        _flatten_value(("f:" + key,), value, (key,), out)
    return out


def _flatten_value(fpath: Path, value: Any, names: tuple[str, ...], out: dict[Path, Any]) -> None:
    field = names[-1]
    if isinstance(value, dict) and value and not _atomic_map(field, value):
        if field in _GRANULAR_MAPS:
            out[fpath + (".",)] = "."
        for k, v in value.items():
            _flatten_value(fpath + ("f:" + k,), v, names + (k,), out)
    elif isinstance(value, list) and value:
        keys = _list_keys(names[:-1], field)
        if keys and keys[1] and all(isinstance(i, dict) for i in value):
            for item in value:
                ipath = fpath + (_key_element(item, keys[1]),)
                out[ipath + (".",)] = "."
                for k, v in item.items():
                    _flatten_value(ipath + ("f:" + k,), v, names + (field, k), out)
        elif field in _SET_LISTS:
            for item in value:
                out[fpath + ("v:" + json.dumps(item),)] = item
        else:
            out[fpath] = value
    else:
        out[fpath] = value


def _atomic_map(field: str, value: dict) -> bool:
    return field == "selector" and ("matchLabels" in value or "matchExpressions" in value)


def to_fields_v1(paths) -> dict:
    tree: dict = {}
    for path in sorted(paths):
        node = tree
        for element in path:
            node = node.setdefault(element, {})
    return tree


def from_fields_v1(tree: dict, prefix: Path = ()) -> set[Path]:
    paths: set[Path] = set()
    for element, child in (tree or {}).items():
        if child:
            paths |= from_fields_v1(child, prefix + (element,))
        else:
            paths.add(prefix + (element,))
    return paths


def _now() -> str:
    import datetime as _dt
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_matches(entry: dict, manager: str, operation: str, subresource: str, api_version: str) -> bool:
    return (entry.get("manager") == manager and entry.get("operation") == operation
            and entry.get("subresource", "") == subresource
            and (operation == "Apply" or entry.get("apiVersion") == api_version))


def _make_entry(manager: str, operation: str, api_version: str, subresource: str, paths) -> dict:
    entry = {"manager": manager, "operation": operation, "apiVersion": api_version, "time": _now(),
             "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(paths)}
    if subresource:
        entry["subresource"] = subresource
    return entry


def record_update(old: dict | None, new: dict, manager: str, api_version: str, operation: str = "Update",
                  subresource: str = "") -> None:
    """Give `manager` the fields this write changed and take them from every other manager."""
    meta = new.setdefault("metadata", {})
    entries = copy.deepcopy(meta.get("managedFields") or (old or {}).get("metadata", {}).get("managedFields") or [])
    before = flatten(old, subresource) if old else {}
    after = flatten(new, subresource)
    if old is None:
        after = _without_admission_mutations(new, after)
    changed = {p for p, v in after.items() if before.get(p, _MISSING) != v}
    removed = {p for p in before if p not in after}
    if not changed and not removed:
        meta["managedFields"] = entries or None
        if not entries:
            meta.pop("managedFields", None)
        return
    touched = changed | removed
    result: list[dict] = []
    mine = None
    for entry in entries:
        paths = from_fields_v1(entry.get("fieldsV1", {}))
        if _entry_matches(entry, manager, operation, subresource, api_version):
            mine = (paths - removed) | changed
            continue
        paths -= touched
        if paths:
            entry["fieldsV1"] = to_fields_v1(paths)
            result.append(entry)
    if mine is None:
        mine = changed
    if mine:
        result.append(_make_entry(manager, operation, api_version, subresource, mine))
    if result:
        meta["managedFields"] = result
    else:
        meta.pop("managedFields", None)


_MISSING = object()
_TOKEN_MOUNT = 'k:{"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}'


def _without_admission_mutations(obj: dict, paths: dict[Path, Any]) -> dict[Path, Any]:
    """On create the apiserver records the creator's fields before mutating admission runs, so the
    ServiceAccount plugin's kube-api-access volume and its mounts belong to no manager."""
    if obj.get("kind") != "Pod" or obj.get("apiVersion") != "v1":
        return paths
    spec = obj.get("spec") or {}
    injected = {v.get("name") for v in spec.get("volumes") or [] if str(v.get("name", "")).startswith(
        "kube-api-access-") and any("serviceAccountToken" in src for src in (v.get("projected") or {}).get(
            "sources") or [])}
    if not injected:
        return paths
    volume_keys = {f'k:{json.dumps({"name": name}, separators=(",", ":"))}' for name in injected}
    mounted_by = {}  # container key -> the token mount is the injected one
    for field in ("containers", "initContainers"):
        for container in spec.get(field) or []:
            for mount in container.get("volumeMounts") or []:
                if mount.get("name") in injected:
                    mounted_by[(f"f:{field}", f'k:{json.dumps({"name": container.get("name")}, separators=(",", ":"))}')] = True

    def injected_path(path: Path) -> bool:
        if len(path) >= 3 and path[:2] == ("f:spec", "f:volumes") and path[2] in volume_keys:
            return True
        return (len(path) >= 5 and path[0] == "f:spec" and (path[1], path[2]) in mounted_by
                and path[3] == "f:volumeMounts" and path[4] == _TOKEN_MOUNT)
    return {p: v for p, v in paths.items() if not injected_path(p)}


# ------------------------------------------------------------------ server-side apply


def path_string(path: Path) -> str:
    """fieldpath.Path.String(): `.spec.replicas`, `.spec.containers[name="c"].image`."""
    out = []
    for element in path:
        kind, _, rest = element.partition(":")
        if kind == "f":
            out.append("." + rest)
        elif kind == "k":
            keys = json.loads(rest)
            out.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]")
        elif kind == "v":
            out.append(f"[={rest}]")
        elif element != ".":
            out.append(f"[{rest}]")
    return "".join(out)


def _manager_label(entry: dict) -> str:
    label = json.dumps(entry.get("manager", ""))
    if entry.get("subresource"):
        label += f" with subresource {json.dumps(entry['subresource'])}"
    if entry.get("operation") == "Update":
        label += f" using {entry.get('apiVersion', '')}"
    return label


def _ssa_merge(live: Any, applied: Any, names: tuple[str, ...]) -> Any:
    if isinstance(applied, dict) and isinstance(live, dict) and not _atomic_map(names[-1] if names else "", applied):
        result = copy.deepcopy(live)
        for key, value in applied.items():
            result[key] = _ssa_merge(live.get(key), value, names + (key,))
        return result
    if isinstance(applied, list) and isinstance(live, list) and names:
        keys = _list_keys(names[:-1], names[-1])
        if keys and keys[1] and all(isinstance(i, dict) for i in applied + live):
            result = copy.deepcopy(live)
            for item in applied:
                ident = _key_element(item, keys[1])
                match = next((i for i, cur in enumerate(result) if _key_element(cur, keys[1]) == ident), None)
                if match is None:
                    result.append(copy.deepcopy(item))
                else:
                    result[match] = _ssa_merge(result[match], item, names + ("[]",))
            return result
        if names[-1] in _SET_LISTS:
            return live + [i for i in applied if i not in live]
    return copy.deepcopy(applied)


def _remove_path(obj: Any, path: Path) -> None:
    """Delete the field at `path` (in managedFields element form) from obj, pruning emptied parents."""
    if not path or not isinstance(obj, dict | list):
        return
    element, rest = path[0], path[1:]
    if element == ".":
        return
    kind, _, name = element.partition(":")
    if kind == "f" and isinstance(obj, dict) and name in obj:
        if not rest or rest == (".",):
            del obj[name]
        else:
            _remove_path(obj[name], rest)
    elif kind == "k" and isinstance(obj, list):
        keys = json.loads(name)
        for i, item in enumerate(obj):
            if isinstance(item, dict) and all(item.get(k) == v for k, v in keys.items()):
                if not rest or rest == (".",):
                    obj.pop(i)
                else:
                    _remove_path(item, rest)
                break
    elif kind == "v" and isinstance(obj, list):
        value = json.loads(name)
        if value in obj:
            obj.remove(value)


def server_side_apply(live: dict | None, applied: dict, manager: str, api_version: str, force: bool,
                      resource: str, group: str, subresource: str = "") -> dict:
    """Merge `applied` into `live` for `manager`; raises 409 with FieldManagerConflict causes."""
    applied = copy.deepcopy(applied)
    applied_fields = flatten(applied, subresource)
    if live is None:
        result = copy.deepcopy(applied)
        result.setdefault("metadata", {})["managedFields"] = [
            _make_entry(manager, "Apply", api_version, subresource, applied_fields.keys())]
        return result
    live_fields = flatten(live, subresource)
    entries = copy.deepcopy(live.get("metadata", {}).get("managedFields") or [])
    conflicts: list[tuple[dict, Path]] = []
    for path, value in applied_fields.items():
        if path[-1] == "." or live_fields.get(path, _MISSING) in (_MISSING, value):
            continue
        for entry in entries:
            if _entry_matches(entry, manager, "Apply", subresource, api_version):
                continue
            if path in from_fields_v1(entry.get("fieldsV1", {})):
                conflicts.append((entry, path))
    if conflicts and not force:
        causes = [{"reason": "FieldManagerConflict", "message": f"conflict with {_manager_label(e)}",
                   "field": path_string(p)} for e, p in conflicts]
        if len(conflicts) == 1:
            message = (f"Apply failed with 1 conflict: conflict with {_manager_label(conflicts[0][0])}: "
                       f"{path_string(conflicts[0][1])}")
        else:
            by_manager: dict[str, list[str]] = {}
            for entry, path in conflicts:
                by_manager.setdefault(_manager_label(entry), []).append(path_string(path))
            lines = []
            for label in sorted(by_manager):
                lines.append(f"conflicts with {label}:")
                lines.extend(f"- {p}" for p in by_manager[label])
            message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
        body = status.status(409, "Conflict", message, {"causes": causes})
        raise StatusError(body)
    taken = {p for _, p in conflicts}
    previous: set[Path] = set()
    kept: list[dict] = []
    for entry in entries:
        paths = from_fields_v1(entry.get("fieldsV1", {}))
        if _entry_matches(entry, manager, "Apply", subresource, api_version):
            previous = paths
            continue
        paths -= taken
        if paths:
            entry["fieldsV1"] = to_fields_v1(paths)
            kept.append(entry)
    merged = _ssa_merge(live, applied, ())
    others = set().union(*(from_fields_v1(e.get("fieldsV1", {})) for e in kept)) if kept else set()
    for path in sorted(previous - set(applied_fields) - others, key=len, reverse=True):
        _remove_path(merged, path)
    insert_at = next((i for i, e in enumerate(entries)
                      if _entry_matches(e, manager, "Apply", subresource, api_version)), None)
    mine = _make_entry(manager, "Apply", api_version, subresource, applied_fields.keys())
    if insert_at is not None and entries[insert_at].get("fieldsV1") == mine["fieldsV1"]:
        mine["time"] = entries[insert_at].get("time", mine["time"])
    ordered = [e for e in kept]
    ordered.insert(min(insert_at if insert_at is not None else len(ordered), len(ordered)), mine)
    merged.setdefault("metadata", {})["managedFields"] = ordered
    return merged
