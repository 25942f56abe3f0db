"""Subresources served from the store: status, scale, pods/eviction, pods/binding.

(exec, attach, log and portforward are stream subresources served elsewhere.)
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

from aiohttp import web

from .. import patching, selectors, status
from ..status import StatusError

SCALE_API_VERSION = "autoscaling/v1"


async def handle(handlers, request: web.Request, target) -> web.StreamResponse:
    sub = target.subresource
    method = request.method
    if sub == "status":
        if method == "GET":
            return handlers.get(request, target)
        if method == "PUT":
            obj, _ = await handlers.read_body(request, target.info)
            obj = handlers._check_body(target, obj)
            updated = handlers.store.update(target.info, target.namespace, target.name, obj,
                                            dry_run=_dry_run(request), field_manager=_manager(request),
                                            subresource="status")
            return handlers.respond(request, target, updated)
        if method == "PATCH":
            return await handlers.patch(request, target, subresource="status")
    elif sub == "scale":
        return await _scale(handlers, request, target)
    elif sub == "eviction" and method == "POST":
        return await _evict(handlers, request, target)
    elif sub == "binding" and method == "POST":
        return await _bind(handlers, request, target)
    elif sub == "ephemeralcontainers" and target.info.resource == "pods" and method in ("GET", "PUT", "PATCH"):
        return await _ephemeral(handlers, request, target)
    raise StatusError(status.method_not_supported(f"{target.info.resource}/{sub}", target.info.group,
                                                  method.lower()))


def _dry_run(request: web.Request) -> bool:
    return "All" in request.query.getall("dryRun", [])


def _manager(request: web.Request) -> str:
    return request.query.get("fieldManager") or (request.headers.get("User-Agent", "unknown").split("/")[0])


# ------------------------------------------------------------------ scale


def _scale_paths(handlers, info) -> tuple[str, str, str | None]:
    crd = handlers.catalog.crd_for(info) if getattr(info, "crd_name", None) else None
    if crd is not None:
        for version in crd.get("spec", {}).get("versions", []):
            if version.get("name") == info.version:
                scale = (version.get("subresources") or {}).get("scale") or {}
                return (scale.get("specReplicasPath", ".spec.replicas"),
                        scale.get("statusReplicasPath", ".status.replicas"), scale.get("labelSelectorPath"))
    return ".spec.replicas", ".status.replicas", None


def _dig(obj: Any, path: str) -> Any:
    for part in path.strip(".").split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _set(obj: dict, path: str, value: Any) -> None:
    parts = path.strip(".").split(".")
    for part in parts[:-1]:
        obj = obj.setdefault(part, {})
    obj[parts[-1]] = value


def _label_selector_text(selector: Any) -> str:
    if isinstance(selector, str):
        return selector
    if not isinstance(selector, dict):
        return ""
    if "matchLabels" not in selector and "matchExpressions" not in selector:  # replicationcontrollers
        return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), sorted(expr.get("values") or [])
        parts.append({"In": f"{key} in ({','.join(values)})", "NotIn": f"{key} notin ({','.join(values)})",
                      "Exists": key, "DoesNotExist": f"!{key}"}.get(op, ""))
    return ",".join(sorted(parts))


def to_scale(handlers, info, obj: dict) -> dict:
    spec_path, status_path, selector_path = _scale_paths(handlers, info)
    meta = obj.get("metadata", {})
    scale_meta = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                  if k in meta}
    selector = _dig(obj, selector_path) if selector_path else _dig(obj, ".spec.selector")
    st: dict[str, Any] = {"replicas": _dig(obj, status_path) or 0}
    text = _label_selector_text(selector)
    if text:
        st["selector"] = text
    return {"kind": "Scale", "apiVersion": SCALE_API_VERSION, "metadata": scale_meta,
            "spec": {"replicas": _dig(obj, spec_path) or 0}, "status": st}


async def _scale(handlers, request: web.Request, target) -> web.Response:
    from .objects import PATCH_TYPES, encode

    info, store = target.info, handlers.store
    if request.method == "GET":
        return encode(to_scale(handlers, info, store.get(info, target.namespace, target.name)))
    if request.method not in ("PUT", "PATCH"):
        raise StatusError(status.method_not_supported(f"{info.resource}/scale", info.group, request.method.lower()))
    raw = await request.read()
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        body = None
    content_type = (request.headers.get("Content-Type") or "application/json").split(";")[0].strip()
    spec_path, _, _ = _scale_paths(handlers, info)

    def change(current: dict) -> dict:
        scale = to_scale(handlers, info, current)
        if request.method == "PUT":
            new_scale = body
        else:
            kind = PATCH_TYPES.get(content_type)
            if kind == "json":
                new_scale = patching.json_patch(scale, body)
            elif kind == "merge":
                new_scale = patching.merge_patch(scale, body)
            elif kind == "strategic":
                new_scale = patching.strategic_merge(scale, body)
            else:
                raise StatusError(status.unsupported_media_type(content_type, status.PATCH_MEDIA_TYPES))
        if not isinstance(new_scale, dict):
            raise StatusError(status.bad_request("Object 'Kind' is missing in 'null'"))
        rv = (new_scale.get("metadata") or {}).get("resourceVersion")
        if rv and rv != current["metadata"].get("resourceVersion"):
            raise StatusError(status.conflict(info.resource, info.group, target.name))
        replicas = (new_scale.get("spec") or {}).get("replicas", 0)
        if not isinstance(replicas, int) or replicas < 0:
            raise StatusError(status.invalid("Scale", "autoscaling", target.name, [{
                "reason": "FieldValueInvalid", "field": "spec.replicas",
                "message": f"Invalid value: {replicas}: must be greater than or equal to 0"}]))
        updated = copy.deepcopy(current)
        _set(updated, spec_path, replicas)
        return updated

    updated = store.mutate(info, target.namespace, target.name, change, dry_run=_dry_run(request),
                           field_manager=_manager(request), subresource="scale")
    return encode(to_scale(handlers, info, updated))


# ------------------------------------------------------------------ eviction and binding


def _pod_ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _selector_matches(selector: dict | None, labels: dict) -> bool:
    if not selector:
        return False
    text = _label_selector_text(selector)
    try:
        return selectors.label_matcher(text)(labels)
    except selectors.SelectorError:
        return False


async def _evict(handlers, request: web.Request, target) -> web.Response:
    from .objects import encode

    store, info = handlers.store, target.info
    from .objects import decode_request
    body = decode_request(await request.read(), request.headers.get("Content-Type"))
    if isinstance(body, dict) and (body.get("metadata") or {}).get("name") not in (None, target.name):
        raise StatusError(status.bad_request("name in URL does not match name in Eviction object"))
    with store.lock:
        pod = store.get(info, target.namespace, target.name)
        pdb_info = handlers.catalog.lookup("policy", "v1", "poddisruptionbudgets")
        labels = pod.get("metadata", {}).get("labels") or {}
        budgets = []
        if pdb_info is not None:
            budgets = [b for b in store.list(pdb_info, target.namespace).items
                       if _selector_matches((b.get("spec") or {}).get("selector"), labels)]
        if len(budgets) > 1:
            raise StatusError(status.internal_error(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."))
        if budgets:
            budget = budgets[0]
            spec = budget.get("spec") or {}
            pods = [p for p in store.list(info, target.namespace).items
                    if _selector_matches(spec.get("selector"), p.get("metadata", {}).get("labels") or {})]
            expected = len(pods)
            healthy = sum(1 for p in pods if _pod_ready(p))
            if "minAvailable" in spec:
                desired = _int_or_percent(spec["minAvailable"], expected, round_up=True)
            elif "maxUnavailable" in spec:
                desired = max(expected - _int_or_percent(spec["maxUnavailable"], expected, round_up=True), 0)
            else:
                desired = expected
            allowed = healthy - desired > 0 if _pod_ready(pod) else healthy >= desired
            if not allowed:
                name = budget["metadata"]["name"]
                raise StatusError(status.too_many_requests(
                    "Cannot evict pod as it would violate the pod's disruption budget.", 0,
                    [{"reason": "DisruptionBudget",
                      "message": f"The disruption budget {name} needs {desired} healthy pods and has "
                                 f"{healthy} currently"}]))
        options = (body or {}).get("deleteOptions") or {}
        store.delete(info, target.namespace, target.name, dry_run="All" in (options.get("dryRun") or []),
                     preconditions=options.get("preconditions"))
    return encode({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)


def _int_or_percent(value: Any, total: int, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        fraction = int(value[:-1]) * total / 100
        return math.ceil(fraction) if round_up else math.floor(fraction)
    return int(value)


async def _bind(handlers, request: web.Request, target) -> web.Response:
    from .objects import encode

    store, info = handlers.store, target.info
    from .objects import decode_request
    body = decode_request(await request.read(), request.headers.get("Content-Type"))
    node = ((body or {}).get("target") or {}).get("name", "")
    if not node:
        raise StatusError(status.invalid("Binding", "", target.name, [{
            "reason": "FieldValueRequired", "field": "target.name", "message": "Required value"}]))

    def change(current: dict) -> dict:
        assigned = (current.get("spec") or {}).get("nodeName")
        if assigned:
            raise StatusError(status.conflict("pods/binding", "", target.name,
                                              f'pod {target.name} is already assigned to node "{assigned}"'))
        updated = copy.deepcopy(current)
        updated.setdefault("spec", {})["nodeName"] = node
        conditions = updated.setdefault("status", {}).setdefault("conditions", [])
        conditions.append({"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                           "lastTransitionTime": current["metadata"].get("creationTimestamp")})
        return updated

    store.mutate(info, target.namespace, target.name, change, dry_run=_dry_run(request),
                 field_manager=_manager(request), subresource="binding")
    return encode({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)


# ------------------------------------------------------------------ pods/ephemeralcontainers
# pkg/registry/core/pod/storage EphemeralContainersREST: GET gives the pod; PUT and PATCH keep only the
# change to spec.ephemeralContainers (dropNonEphemeralContainerUpdates) and validate it
# (ValidatePodEphemeralContainersUpdate): new ones are defaulted, allowed fields only, unique names, a target
# that is a regular or init container, and existing ones neither removed nor changed.

# EphemeralContainerCommon fields that may not be set (all but validation.allowedEphemeralContainerFields).
_EPHEMERAL_FORBIDDEN_ORDER = ("ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe",
                              "readinessProbe", "startupProbe", "lifecycle")


async def _ephemeral(handlers, request: web.Request, target) -> web.Response:
    from .. import admission

    if request.method == "GET":
        return handlers.get(request, target)
    info = target.info
    if request.method == "PUT":
        body, _ = await handlers.read_body(request, info)
        body = handlers._check_body(target, body)
        kind = "put"
    else:
        body, kind = await handlers.read_body(request, info, patch=True)
        if kind == "apply":
            raise StatusError(status.unsupported_media_type(
                "application/apply-patch+yaml",
                "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"))

    def change(current: dict) -> dict:
        if kind == "put":
            wanted = body
        elif kind == "json":
            wanted = patching.json_patch(current, body)
        elif kind == "merge":
            wanted = patching.merge_patch(current, body)
        else:
            wanted = patching.strategic_merge(current, body)
        if not isinstance(wanted, dict):
            raise StatusError(status.bad_request("the patched object is not an object"))
        new = copy.deepcopy(current)
        containers = copy.deepcopy((wanted.get("spec") or {}).get("ephemeralContainers") or [])
        old = (current.get("spec") or {}).get("ephemeralContainers") or []
        old_names = {c.get("name") for c in old}
        for container in containers:
            if isinstance(container, dict) and container.get("name") not in old_names:
                admission.default_container(container)
                if not container.get("resources"):
                    container["resources"] = {}
        causes = _ephemeral_causes(current, containers)
        if causes:
            raise StatusError(status.invalid("Pod", "", target.name, causes))
        if containers:
            new.setdefault("spec", {})["ephemeralContainers"] = containers
        else:
            new.setdefault("spec", {}).pop("ephemeralContainers", None)
        wanted_rv = (wanted.get("metadata") or {}).get("resourceVersion")
        if wanted_rv:
            new["metadata"]["resourceVersion"] = wanted_rv
        return new

    try:
        updated = handlers.store.mutate(info, target.namespace, target.name, change, dry_run=_dry_run(request),
                                        field_manager=_manager(request), subresource="ephemeralcontainers")
    except patching.JSONPatchError as exc:
        raise StatusError(status.status(422, "Invalid", "the server rejected our request due to an error in our "
                                        "request", {"causes": [{"reason": "UnexpectedServerResponse",
                                                                "message": str(exc)}]})) from None
    return handlers.respond(request, target, updated)


def _ephemeral_causes(pod: dict, containers: list) -> list[dict]:
    from .. import admission

    spec = pod.get("spec") or {}
    others = [c.get("name") for key in ("containers", "initContainers") for c in spec.get(key) or []]
    seen = set(others)
    causes: list[dict] = []
    for index, container in enumerate(containers):
        path = f"spec.ephemeralContainers[{index}]"
        if not isinstance(container, dict):
            causes.append(admission.required_cause(f"{path}.name"))
            continue
        name = container.get("name") or ""
        if not name:
            causes.append(admission.required_cause(f"{path}.name"))
        else:
            for message in admission.is_dns1123_label(name):
                causes.append(admission.invalid_cause(f"{path}.name", name, message))
        if not container.get("image"):
            causes.append(admission.required_cause(f"{path}.image"))
        if name and name in seen:
            causes.append({"reason": "FieldValueDuplicate", "message": f"Duplicate value: {json.dumps(name)}",
                           "field": f"{path}.name"})
        elif name:
            seen.add(name)
        target = container.get("targetContainerName")
        if target and target not in others:
            causes.append({"reason": "FieldValueNotFound", "message": f"Not found: {json.dumps(target)}",
                           "field": f"{path}.targetContainerName"})
        for key in _EPHEMERAL_FORBIDDEN_ORDER:
            if container.get(key) not in (None, {}, [], ""):
                causes.append({"reason": "FieldValueForbidden",
                               "message": "Forbidden: cannot be set for an Ephemeral Container",
                               "field": f"{path}.{key}"})
    by_name = {c.get("name"): c for c in containers if isinstance(c, dict)}
    for old in spec.get("ephemeralContainers") or []:
        name = old.get("name")
        if name not in by_name:
            causes.append({"reason": "FieldValueForbidden", "field": "spec.ephemeralContainers",
                           "message": f"Forbidden: existing ephemeral containers {json.dumps(name)} may not be "
                                      "removed\n"})
        elif by_name[name] != old:
            causes.append({"reason": "FieldValueForbidden", "field": "spec.ephemeralContainers",
                           "message": f"Forbidden: existing ephemeral containers {json.dumps(name)} may not be "
                                      "changed\n"})
    return causes
