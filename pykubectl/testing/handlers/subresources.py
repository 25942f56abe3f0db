"""Subresources served from the store: status, scale, pods/eviction, pods/binding.

(exec, attach, log and portforward are stream subresources served elsewhere.)
"""

from __future__ import annotations

import copy
import json
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
    elif sub == "approval" and target.info.resource == "certificatesigningrequests":
        if method == "GET":
            return handlers.get(request, target)
        if method == "PUT":
            return await _approve(handlers, request, target)
    elif sub == "eviction" and method == "POST":
        return await _evict(handlers, request, target)
    elif sub == "binding" and method == "POST":
        return await _bind(handlers, request, target)
    elif sub == "token" and target.info.resource == "serviceaccounts" and method == "POST":
        return await _token(handlers, request, target)
    elif sub == "ephemeralcontainers" and target.info.resource == "pods" and method in ("GET", "PUT", "PATCH"):
        return await _ephemeral(handlers, request, target)
    raise StatusError(status.method_not_supported(f"{target.info.resource}/{sub}", target.info.group,
                                                  method.lower()))


def _dry_run(request: web.Request) -> bool:
    return "All" in request.query.getall("dryRun", [])


def _manager(request: web.Request) -> str:
    return request.query.get("fieldManager") or (request.headers.get("User-Agent", "unknown").split("/")[0])


# ------------------------------------------------------------------ certificatesigningrequests/approval

_CSR_GROUP = "certificates.k8s.io"
_ONCE_TRUE = ("Approved", "Denied", "Failed")  # conditions that may only be True and never be removed


async def _approve(handlers, request: web.Request, target) -> web.Response:
    """PUT .../approval: only status.conditions change (csrApprovalStrategy.PrepareForUpdate), with missing
    condition timestamps filled in and ValidateCertificateSigningRequestApprovalUpdate's checks."""
    obj, _ = await handlers.read_body(request, target.info)
    obj = handlers._check_body(target, obj)
    wanted_rv = (obj.get("metadata") or {}).get("resourceVersion")
    conditions = copy.deepcopy((obj.get("status") or {}).get("conditions") or [])

    def change(current: dict) -> dict:
        if wanted_rv and wanted_rv != current["metadata"].get("resourceVersion"):
            raise StatusError(status.conflict(target.info.resource, _CSR_GROUP, target.name))
        old = (current.get("status") or {}).get("conditions") or []
        new = _stamp_conditions(conditions, old)
        causes = _approval_errors(new, old)
        if causes:
            raise StatusError(status.invalid("CertificateSigningRequest", _CSR_GROUP, target.name, causes))
        updated = copy.deepcopy(current)
        st = updated.setdefault("status", {})
        if new:
            st["conditions"] = new
        else:
            st.pop("conditions", None)
        return updated

    updated = handlers.store.mutate(target.info, None, target.name, change, dry_run=_dry_run(request),
                                    field_manager=_manager(request), subresource="approval")
    return handlers.respond(request, target, updated)


def _stamp_conditions(conditions: list[dict], old: list[dict]) -> list[dict]:
    """populateConditionTimestamps: lastUpdateTime defaults to now; lastTransitionTime to the old condition's of
    the same type when its status is unchanged, else now."""
    import datetime

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for condition in conditions:
        if not isinstance(condition, dict):
            continue
        if not condition.get("lastUpdateTime"):
            condition["lastUpdateTime"] = now
        if not condition.get("lastTransitionTime"):
            previous = next((c for c in old if c.get("type") == condition.get("type")), None)
            if previous is not None and previous.get("status") == condition.get("status") \
                    and previous.get("lastTransitionTime"):
                condition["lastTransitionTime"] = previous["lastTransitionTime"]
            else:
                condition["lastTransitionTime"] = now
    return conditions


def _approval_errors(conditions: list[dict], old: list[dict]) -> list[dict]:
    causes: list[dict] = []
    seen: set[str] = set()
    has = {"Approved": False, "Denied": False}
    for index, condition in enumerate(conditions):
        path = f"status.conditions[{index}]"
        kind, state = str(condition.get("type") or ""), str(condition.get("status") or "")
        if not kind:
            causes.append({"reason": "FieldValueRequired", "message": "Required value", "field": f"{path}.type"})
        if state not in ("True", "False", "Unknown"):
            causes.append({"reason": "FieldValueNotSupported", "field": f"{path}.status",
                           "message": f'Unsupported value: "{state}": supported values: "False", "True", "Unknown"'})
        if kind in seen:
            causes.append({"reason": "FieldValueDuplicate", "message": f'Duplicate value: "{kind}"',
                           "field": f"{path}.type"})
        seen.add(kind)
        if kind in _ONCE_TRUE and state != "True":
            causes.append({"reason": "FieldValueInvalid", "field": f"{path}.status",
                           "message": f'Invalid value: "{state}": {kind} condition may only be set to True'})
        if kind in has:
            has[kind] = True
            if has["Approved"] and has["Denied"]:
                causes.append({"reason": "FieldValueInvalid", "field": f"{path}.type",
                               "message": f'Invalid value: "{kind}": Approved and Denied conditions are mutually '
                                          "exclusive"})
    for kind in _ONCE_TRUE:
        if any(c.get("type") == kind for c in old) and kind not in seen:
            causes.append({"reason": "FieldValueForbidden", "field": "status.conditions",
                           "message": f'Forbidden: updates may not remove a condition of type "{kind}"'})
    return causes


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
    # LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything (policy/v1)
    if selector is None:
        return False
    text = _label_selector_text(selector)
    try:
        return selectors.label_matcher(text)(labels)
    except selectors.SelectorError:
        return False


async def _evict(handlers, request: web.Request, target) -> web.Response:
    """pkg/registry/core/pod/storage/eviction.go: a pod that is not running (or already being deleted) goes at
    once; otherwise the one PodDisruptionBudget that selects it must allow a disruption, as its status (kept by
    the disruption controller) says, and the eviction spends it: disruptionsAllowed goes down by one and the
    pod is recorded in status.disruptedPods. The pod gets the DisruptionTarget condition, then is deleted."""
    from .objects import decode_request, encode

    store, info = handlers.store, target.info
    body = decode_request(await request.read(), request.headers.get("Content-Type"))
    if isinstance(body, dict) and (body.get("metadata") or {}).get("name") not in (None, target.name):
        raise StatusError(status.bad_request("name in URL does not match name in Eviction object"))
    options = dict((body or {}).get("deleteOptions") or {})
    dry_run = "All" in (options.get("dryRun") or []) or _dry_run(request)
    preconditions = dict(options.get("preconditions") or {})
    with store.lock:
        pod = store.get(info, target.namespace, target.name)
        pod_status = pod.get("status") or {}
        deleting = bool(pod.get("metadata", {}).get("deletionTimestamp"))
        if pod_status.get("phase") in ("Succeeded", "Failed", "Pending") or deleting:
            if not deleting and pod_status.get("phase") == "Pending" and not preconditions.get("resourceVersion"):
                preconditions["resourceVersion"] = pod["metadata"].get("resourceVersion")
            _delete_evicted(handlers, target, dry_run, preconditions, options)
            return encode({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)
        pdb_info = handlers.catalog.lookup("policy", "v1", "poddisruptionbudgets")
        labels = pod.get("metadata", {}).get("labels") or {}
        budgets = []
        if pdb_info is not None:
            budgets = [b for b in store.list(pdb_info, target.namespace).items
                       if _selector_matches((b.get("spec") or {}).get("selector"), labels)]
        if len(budgets) > 1:  # returned as the result, not an error: a Status of code 500 without a reason
            raise StatusError(status.status(
                500, "", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not "
                "support."))
        if budgets:
            budget = budgets[0]
            budget_status = budget.get("status") or {}
            unhealthy_goes = False
            if not _pod_ready(pod):
                if (budget.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow":
                    unhealthy_goes = True
                elif (budget_status.get("currentHealthy", 0) >= budget_status.get("desiredHealthy", 0)
                      and budget_status.get("desiredHealthy", 0) > 0):
                    unhealthy_goes = True
            if unhealthy_goes:
                if not preconditions.get("resourceVersion"):
                    preconditions["resourceVersion"] = pod["metadata"].get("resourceVersion")
            else:
                _check_and_decrement(handlers, pdb_info, budget, target.name, dry_run)
        _delete_evicted(handlers, target, dry_run, preconditions, options)
    return encode({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)


def _disruption_budget_refusal(message: str, retry_after: int) -> StatusError:
    # ErrorNegotiated turns details.retryAfterSeconds into a Retry-After header (client-go then retries)
    return StatusError(status.too_many_requests(
        "Cannot evict pod as it would violate the pod's disruption budget.", retry_after,
        [{"reason": "DisruptionBudget", "message": message}]),
        headers={"Retry-After": str(retry_after)} if retry_after else None)


def _check_and_decrement(handlers, pdb_info, budget: dict, pod_name: str, dry_run: bool) -> None:
    """checkAndDecrement: refuse while the budget's status lags its spec or allows no disruption; else spend one."""
    import datetime as _dt

    meta, budget_status = budget["metadata"], dict(budget.get("status") or {})
    name = meta["name"]
    if budget_status.get("observedGeneration", 0) < meta.get("generation", 0):
        raise _disruption_budget_refusal(f"The disruption budget {name} is still being processed by the server.", 10)
    allowed = budget_status.get("disruptionsAllowed", 0)
    if allowed < 0:
        raise StatusError(status.forbidden("poddisruptionbudget", "policy", name,
                                           "pdb disruptions allowed is negative"))
    if len(budget_status.get("disruptedPods") or {}) > 2000:
        raise StatusError(status.forbidden(
            "poddisruptionbudget", "policy", name,
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller"))
    if allowed == 0:
        raise _disruption_budget_refusal(
            f"The disruption budget {name} needs {budget_status.get('desiredHealthy', 0)} healthy pods and has "
            f"{budget_status.get('currentHealthy', 0)} currently", 0)
    budget_status["disruptionsAllowed"] = allowed - 1
    if allowed - 1 == 0:
        conditions = [dict(c) for c in budget_status.get("conditions") or []]
        current = next((c for c in conditions if c.get("type") == "DisruptionAllowed"), None)
        now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if current is None:
            current = {"type": "DisruptionAllowed", "lastTransitionTime": now, "message": ""}
            conditions.append(current)
        if current.get("status") != "False":
            current["lastTransitionTime"] = now
        current.update(status="False", reason="InsufficientPods", message="")
        if budget_status.get("observedGeneration"):
            current["observedGeneration"] = budget_status["observedGeneration"]
        budget_status["conditions"] = conditions
    if dry_run:
        return
    disrupted = dict(budget_status.get("disruptedPods") or {})
    disrupted[pod_name] = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    budget_status["disruptedPods"] = disrupted
    updated = dict(budget, status=budget_status)
    handlers.store.update(pdb_info, meta.get("namespace"), name, updated, subresource="status",
                          field_manager="kube-apiserver")


def _delete_evicted(handlers, target, dry_run: bool, preconditions: dict, options: dict) -> None:
    """addConditionAndDeletePod: DisruptionTarget=True on the pod (not for a dry run), then the delete."""
    import datetime as _dt

    store, info = handlers.store, target.info
    if not dry_run:
        pod = store.get(info, target.namespace, target.name)
        if preconditions.get("uid") and preconditions["uid"] != pod["metadata"].get("uid"):
            raise StatusError(status.conflict("Pod", "", target.name,
                                              f"the UID in the precondition ({preconditions['uid']}) does not match "
                                              f"the UID in record ({pod['metadata'].get('uid')}). The object might "
                                              "have been deleted and then recreated"))
        if preconditions.get("resourceVersion") and \
                preconditions["resourceVersion"] != pod["metadata"].get("resourceVersion"):
            raise StatusError(status.conflict(
                "Pod", "", target.name,
                f"the ResourceVersion in the precondition ({preconditions['resourceVersion']}) does not match the "
                f"ResourceVersion in record ({pod['metadata'].get('resourceVersion')}). The object might have "
                "been modified"))
        now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        def mark(current: dict) -> dict:
            conditions = current.setdefault("status", {}).setdefault("conditions", [])
            existing = next((c for c in conditions if c.get("type") == "DisruptionTarget"), None)
            if existing is None:
                conditions.append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                                   "lastTransitionTime": now, "reason": "EvictionByEvictionAPI",
                                   "message": "Eviction API: evicting"})
            else:
                if existing.get("status") != "True":
                    existing["lastTransitionTime"] = now
                existing.update(status="True", reason="EvictionByEvictionAPI", message="Eviction API: evicting")
            return current

        # a registry-level update, below the handlers that keep managedFields: no manager records it
        marked = store.mutate(info, target.namespace, target.name, mark, field_manager=None, subresource="status")
        if preconditions.get("resourceVersion"):
            preconditions["resourceVersion"] = marked["metadata"].get("resourceVersion")
    grace = options.get("gracePeriodSeconds")
    store.delete(info, target.namespace, target.name, dry_run=dry_run, preconditions=preconditions or None,
                 propagation=options.get("propagationPolicy"), grace_period=None if grace is None else int(grace))


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


# ------------------------------------------------------------------ serviceaccounts/token (TokenRequest)

# kube-apiserver's defaults: --api-audiences falls back to the issuer, which kind and kubeadm set to this
TOKEN_ISSUER = "https://kubernetes.default.svc.cluster.local"
_MIN_TOKEN_SECONDS = 600  # authentication/validation: MinTokenAgeSec
_MAX_TOKEN_SECONDS = 1 << 32


async def _token(handlers, request: web.Request, target) -> web.Response:
    """POST serviceaccounts/NAME/token (TokenREST.Create in pkg/registry/core/serviceaccount/storage): the
    service account and any bound Pod, Secret or Node must exist; audiences default to the server's,
    expirationSeconds to an hour (SetDefaults_TokenRequestSpec); the answer is the request with its
    metadata filled in and a status holding an RS256-shaped JWT and its expiry."""
    import base64
    import datetime
    import secrets as random_bytes
    import uuid

    from .objects import decode_request, encode

    body = decode_request(await request.read(), request.headers.get("Content-Type"))
    body = body if isinstance(body, dict) else {}
    metadata = body.get("metadata") or {}
    spec = body.get("spec") or {}
    name, namespace = target.name, target.namespace
    group_kind = ("TokenRequest", "authentication.k8s.io")
    if metadata.get("name") and metadata["name"] != name:
        raise StatusError(status.invalid(*group_kind, name, [_invalid("metadata.name", metadata["name"],
                                                                      "must match the service account name if specified")]))
    if metadata.get("namespace") and metadata["namespace"] != namespace:
        raise StatusError(status.invalid(*group_kind, name, [_invalid(
            "metadata.namespace", metadata["namespace"], "must match the service account namespace if specified")]))
    store, catalog = handlers.store, handlers.catalog
    account = store.get(target.info, namespace, name)
    audiences = list(spec.get("audiences") or []) or [TOKEN_ISSUER]
    expiration = spec.get("expirationSeconds")
    expiration = 3600 if expiration is None else int(expiration)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    causes = []
    if expiration < _MIN_TOKEN_SECONDS:
        causes.append(_invalid("spec.expirationSeconds", expiration, "may not specify a duration less than 10 minutes"))
    if expiration > _MAX_TOKEN_SECONDS:
        causes.append(_invalid("spec.expirationSeconds", expiration, "may not specify a duration larger than 2^32 seconds"))
    if causes:
        raise StatusError(status.invalid(*group_kind, "", causes))
    claims_bound: dict = {}
    ref = spec.get("boundObjectRef")
    if ref:
        api_version, kind, ref_name = ref.get("apiVersion") or "", ref.get("kind") or "", ref.get("name") or ""
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        resources = {"Pod": "pods", "Secret": "secrets", "Node": "nodes"}
        if group or kind not in resources:
            version = api_version.rpartition("/")[2]
            raise StatusError(status.bad_request(f"cannot bind token to object of type {group}/{version}, "
                                                 f"Kind={kind}"))
        info = catalog.lookup("", "v1", resources[kind])
        bound = store.get(info, namespace if kind != "Node" else None, ref_name)
        if kind == "Pod" and (bound.get("spec") or {}).get("serviceAccountName") != name:
            raise StatusError(status.bad_request(f'cannot bind token for serviceaccount "{name}" to pod running with '
                                                 f"different serviceaccount name."))
        uid = bound["metadata"].get("uid", "")
        if ref.get("uid") and ref["uid"] != uid:
            raise StatusError(status.conflict(kind, "", ref_name,
                                              f"the UID in the bound object reference ({ref['uid']}) does not match "
                                              "the UID in record. The object might have been deleted and then "
                                              "recreated"))
        claims_bound[kind.lower()] = {"name": ref_name, "uid": uid}
        if kind == "Pod" and (bound.get("spec") or {}).get("nodeName"):
            claims_bound["node"] = {"name": bound["spec"]["nodeName"]}
    issued = int(now.timestamp())
    claims = {"aud": audiences, "exp": issued + expiration, "iat": issued, "iss": TOKEN_ISSUER,
              "jti": str(uuid.uuid4()),
              "kubernetes.io": {"namespace": namespace, **claims_bound,
                                "serviceaccount": {"name": name, "uid": account["metadata"].get("uid", "")}},
              "nbf": issued, "sub": f"system:serviceaccount:{namespace}:{name}"}

    def part(data) -> str:
        raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    token = ".".join([part({"alg": "RS256", "kid": "pykubectl-testing"}), part(claims),
                      part(random_bytes.token_bytes(256))])
    _authenticate_as(request, token, account, claims, claims_bound)
    expires = now + datetime.timedelta(seconds=expiration)
    answer_spec: dict = {"audiences": audiences, "expirationSeconds": expiration, "boundObjectRef": ref or None}
    answer = {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
              "metadata": {"name": name, "namespace": namespace,
                           "creationTimestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ")},
              "spec": answer_spec,
              "status": {"token": token, "expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}}
    return encode(answer, 201)


def _authenticate_as(request: web.Request, token: str, account: dict, claims: dict, bound: dict) -> None:
    """The server accepts the issued token as the service account (the user info the service account
    authenticator derives from its claims)."""
    from ..app import STATE

    state = request.app.get(STATE)
    if state is None or getattr(state, "authenticator", None) is None:
        return
    namespace, name = account["metadata"].get("namespace", ""), account["metadata"]["name"]
    extra = {"authentication.kubernetes.io/credential-id": [f"JTI={claims['jti']}"]}
    if "pod" in bound:
        extra["authentication.kubernetes.io/pod-name"] = [bound["pod"]["name"]]
        extra["authentication.kubernetes.io/pod-uid"] = [bound["pod"]["uid"]]
    state.authenticator.add_user(token, f"system:serviceaccount:{namespace}:{name}",
                                 groups=["system:serviceaccounts", f"system:serviceaccounts:{namespace}"],
                                 uid=account["metadata"].get("uid", ""), extra=extra)


def _invalid(field: str, value, detail: str) -> dict:
    shown = f'"{value}"' if isinstance(value, str) else str(value)
    return {"reason": "FieldValueInvalid", "message": f"Invalid value: {shown}: {detail}", "field": field}
