"""REST verbs on objects: get, list, create, update, patch, delete, deletecollection (and watch via watch.py).

Wire layer only (STYLE C14): parse the URL, query, headers and body, call the store, encode the answer. A
`StatusError` from anywhere below becomes a v1 Status response here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .. import admission, patching, selectors, status, tables
from ..status import StatusError

SUBRESOURCES_NAMESPACED = "status|scale|eviction|binding|ephemeralcontainers|resize|token"
SUBRESOURCES_CLUSTER = "status|scale|approval|finalize"
NOT_FOUND = status.status(404, "NotFound", "the server could not find the requested resource", {})

JSON = "application/json"
PROTOBUF = "application/vnd.kubernetes.protobuf"
PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply-cbor",
}


@dataclass(frozen=True)
class Target:
    info: Any
    namespace: str | None  # None: cluster-scoped or all namespaces
    name: str | None
    subresource: str


_META_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
               "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
               "ownerReferences", "finalizers", "managedFields")
_META_RANK = {key: rank for rank, key in enumerate(_META_ORDER)}


def _ordered_meta(meta: Any) -> Any:
    if not isinstance(meta, dict) or len(meta) < 2:
        return meta
    return dict(sorted(meta.items(), key=lambda item: _META_RANK.get(item[0], len(_META_RANK))))


def wire_order(obj: Any) -> Any:
    """An object's keys in the order of the Go structs the apiserver encodes: kind, apiVersion, metadata (in
    ObjectMeta's order), the type's own fields, and status last; lists and Tables order their items and rows'
    objects alike. `kubectl get --raw` shows these bytes as they come."""
    if not isinstance(obj, dict) or "metadata" not in obj:
        return obj
    out: dict[str, Any] = {}
    for key in ("kind", "apiVersion"):
        if key in obj:
            out[key] = obj[key]
    out["metadata"] = _ordered_meta(obj["metadata"])
    for key, value in obj.items():
        if key not in out and key != "status":
            out[key] = value
    if "status" in obj:
        out["status"] = obj["status"]
    if isinstance(out.get("items"), list):
        out["items"] = [wire_order(item) for item in out["items"]]
    if out.get("kind") == "Table" and isinstance(out.get("rows"), list):
        out["rows"] = [{**row, "object": wire_order(row["object"])} if isinstance(row, dict) and
                       isinstance(row.get("object"), dict) else row for row in out["rows"]]
    return out


def encode(body: Any, code: int = 200, headers: dict[str, str] | None = None, pretty: bool = False,
           content_type: str = JSON) -> web.Response:
    body = wire_order(body)
    if pretty:
        text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    else:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n"
    response = web.Response(text=text, status=code, headers=headers or {})
    response.content_type = content_type
    return response


def error_response(exc: StatusError) -> web.Response:
    return encode(exc.body, exc.code, exc.headers)


def _int_parameter(request: web.Request, name: str) -> int:
    """A query parameter the apiserver converts to an integer: a 400 with strconv's text when it is not one."""
    text = request.query.get(name, "")
    if not text:
        return 0
    try:
        return int(text, 10)
    except ValueError:
        raise StatusError(status.bad_request(f'strconv.ParseInt: parsing "{text}": invalid syntax')) from None


def _validate_list_options(rv: str, match: str, continue_token: str) -> None:
    """ValidateListOptions of a list (not a watch): ListOptions.meta.k8s.io "" is invalid: ..."""
    if not match:
        return
    causes = []

    def forbidden(detail: str) -> None:
        causes.append({"reason": "FieldValueForbidden", "message": f"Forbidden: {detail}",
                       "field": "resourceVersionMatch"})
    if not rv:
        forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided")
    if continue_token:
        forbidden("resourceVersionMatch is forbidden when continue is provided")
    if match not in ("Exact", "NotOlderThan"):
        causes.append({"reason": "FieldValueNotSupported", "field": "resourceVersionMatch",
                       "message": f'Unsupported value: "{match}": supported values: "Exact", "NotOlderThan", ""'})
    if match == "Exact" and rv == "0":
        forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"')
    if causes:
        raise StatusError(status.invalid("ListOptions", "meta.k8s.io", "", causes))


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1", "t", "yes")


# ------------------------------------------------------------------ content negotiation


@dataclass(frozen=True)
class Output:
    kind: str  # "json", "yaml", "table", "partial", "partial-list"
    group_version: str = "meta.k8s.io/v1"


def _media_types(header: str) -> list[tuple[str, dict[str, str]]]:
    result = []
    for clause in header.split(","):
        pieces = [p.strip() for p in clause.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        result.append((pieces[0].lower(), params))
    return result


def negotiate(request: web.Request) -> Output:
    header = request.headers.get("Accept", "")
    if not header.strip():
        return Output("json")
    for media_type, params in _media_types(header):
        if media_type not in (JSON, "*/*", "application/*", "application/yaml"):
            continue
        wanted = params.get("as")
        if wanted:
            if params.get("g") != "meta.k8s.io" or params.get("v") not in ("v1", "v1beta1"):
                continue
            gv = f"meta.k8s.io/{params['v']}"
            if wanted == "Table":
                return Output("table", gv)
            if wanted == "PartialObjectMetadata":
                return Output("partial", gv)
            if wanted == "PartialObjectMetadataList":
                return Output("partial-list", gv)
            continue
        return Output("yaml" if media_type == "application/yaml" else "json")
    raise StatusError(status.not_acceptable())


# ------------------------------------------------------------------ routing


def add_routes(app: web.Application, store, catalog) -> None:
    handler = ObjectHandlers(store, catalog)
    try:  # the OpenAPI schemas (for fieldValidation) live on the app's ServerState, when there is one
        from ..app import STATE
        handler.openapi = getattr(app.get(STATE), "openapi", None)
    except ImportError:
        handler.openapi = None
    app["pykubectl.objects"] = handler
    for prefix in ("/api/{version:v1}", "/apis/{group}/{version}"):
        router = app.router
        router.add_route("*", prefix + "/namespaces/{namespace}/{resource}/{name}/{subresource:"
                         + SUBRESOURCES_NAMESPACED + "}", handler.dispatch)
        router.add_route("*", prefix + "/namespaces/{namespace}/{resource}/{name}", handler.dispatch)
        router.add_route("*", prefix + "/namespaces/{namespace}/{resource}", handler.dispatch)
        router.add_route("*", prefix + "/{resource}/{name}/{subresource:" + SUBRESOURCES_CLUSTER + "}",
                         handler.dispatch)
        router.add_route("*", prefix + "/{resource}/{name}", handler.dispatch)
        router.add_route("*", prefix + "/{resource}", handler.dispatch)


class ObjectHandlers:
    def __init__(self, store, catalog):
        self.store = store
        self.catalog = catalog
        self.openapi = None

    def resolve(self, request: web.Request) -> Target:
        match = request.match_info
        group, version = match.get("group", ""), match["version"]
        resource, name = match["resource"], match.get("name")
        namespace, subresource = match.get("namespace"), match.get("subresource", "")
        if namespace is not None and group == "" and resource in ("status", "finalize") and name is None:
            # /api/v1/namespaces/<ns>/status is the namespace's own subresource, not a collection.
            resource, name, subresource, namespace = "namespaces", namespace, resource, None
        info = self.catalog.lookup(group, version, resource)
        if info is None:
            raise StatusError(NOT_FOUND)
        if namespace is not None and not info.namespaced:
            raise StatusError(NOT_FOUND)
        if namespace is None and info.namespaced and name is not None:
            raise StatusError(NOT_FOUND)
        if subresource and subresource not in info.subresources:
            raise StatusError(NOT_FOUND)
        return Target(info, namespace, name, subresource)

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        try:
            target = self.resolve(request)
            method = request.method
            if target.subresource:
                from . import subresources
                return await subresources.handle(self, request, target)
            if target.name is None:
                if method == "GET":
                    if _truthy(request.query.get("watch")):
                        from . import watch
                        return await watch.serve(self, request, target)
                    return self.list(request, target)
                if method == "POST":
                    if target.namespace is None and target.info.namespaced:
                        raise StatusError(NOT_FOUND)
                    return await self.create(request, target)
                if method == "DELETE":
                    return await self.delete_collection(request, target)
            else:
                if method == "GET":
                    return self.get(request, target)
                if method == "PUT":
                    return await self.update(request, target)
                if method == "PATCH":
                    return await self.patch(request, target)
                if method == "DELETE":
                    return await self.delete(request, target)
            raise StatusError(status.method_not_supported(target.info.resource, target.info.group,
                                                          _verb_for(method, target.name)))
        except StatusError as exc:
            return error_response(exc)

    # -------------------------------------------------------------- helpers

    def respond(self, request: web.Request, target: Target, obj: dict, code: int = 200,
                headers: dict[str, str] | None = None) -> web.Response:
        output = negotiate(request)
        pretty = _truthy(request.query.get("pretty"))
        if output.kind == "table":
            body = tables.build_table(target.info, [obj], include_object=request.query.get("includeObject", ""),
                                      api_version=output.group_version, list_meta={
                                          "resourceVersion": obj.get("metadata", {}).get("resourceVersion", "")},
                                      crd=self.catalog.crd_for(target.info) if hasattr(self.catalog, "crd_for")
                                      else None)
            return encode(body, code, headers, pretty)
        if output.kind in ("partial", "partial-list"):
            return encode(tables.partial_metadata(obj, output.group_version), code, headers, pretty)
        if output.kind == "yaml":
            return _yaml_response(obj, code, headers)
        return encode(obj, code, headers, pretty)

    async def read_body(self, request: web.Request, info, patch: bool = False) -> tuple[Any, str]:
        raw = await request.read()
        content_type = (request.headers.get("Content-Type") or JSON).split(";")[0].strip().lower()
        if patch:
            kind = PATCH_TYPES.get(content_type)
            if kind is None or kind == "apply-cbor":
                raise StatusError(status.unsupported_media_type(content_type, status.PATCH_MEDIA_TYPES))
            if kind == "apply":
                return _decode_yaml(raw, info), kind
            return _decode_json(raw, info, patch=True), kind
        if content_type in ("application/yaml",):
            return _decode_yaml(raw, info), "yaml"
        if content_type == PROTOBUF:
            return decode_protobuf(raw), "protobuf"
        if content_type not in (JSON, "*/*", ""):
            raise StatusError(status.unsupported_media_type(content_type))
        return _decode_json(raw, info), "json"

    def _check_body(self, target: Target, obj: Any) -> dict:
        info = target.info
        if not isinstance(obj, dict):
            raise StatusError(status.bad_request(
                f"Object '{info.kind}' is missing in '{json.dumps(obj)}'" if obj is not None
                else "Object 'Kind' is missing in 'null'"))
        if "kind" not in obj:
            raise StatusError(status.bad_request(f"Object 'Kind' is missing in '{_compact(obj)}'"))
        api_version = obj.get("apiVersion")
        if api_version and api_version != info.api_version:
            raise StatusError(status.bad_request(
                f"the API version in the data ({api_version}) does not match the expected API version "
                f"({info.api_version})"))
        if obj.get("kind") != info.kind:
            raise StatusError(status.bad_request(
                f'{obj.get("kind")} in version "{info.version}" cannot be handled as a {info.kind}: '
                f"the kind in the data ({obj.get('kind')}) does not match the expected kind ({info.kind})"))
        meta = obj.get("metadata")
        if meta is not None and not isinstance(meta, dict):
            raise StatusError(status.bad_request(
                f'{info.kind} in version "{info.version}" cannot be handled as a {info.kind}: json: cannot '
                f"unmarshal {type(meta).__name__} into Go struct field {info.kind}.metadata of type v1.ObjectMeta"))
        meta = obj.setdefault("metadata", {})
        body_ns = meta.get("namespace")
        if info.namespaced and target.namespace is not None and body_ns and body_ns != target.namespace:
            raise StatusError(status.bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"))
        return obj

    def _validation(self, request: web.Request, target: Target, obj: dict) -> dict[str, str]:
        """fieldValidation: Strict → 400, Warn → Warning headers, Ignore → drop silently."""
        mode = request.query.get("fieldValidation", "Warn" if request.method != "GET" else "Ignore")
        if mode not in ("Strict", "Warn", "Ignore"):
            raise StatusError(status.bad_request(
                f"fieldValidation parameter unsupported: {mode}. Only the following are supported: "
                "Ignore, Warn, Strict"))
        unknown = admission.unknown_fields(target.info, obj, self.openapi)
        if unknown and mode != "Strict":
            admission.prune_fields(obj, unknown)  # the decoder drops what the schema does not know
        if not unknown or mode == "Ignore":
            return {}
        if mode == "Strict":
            details = ", ".join(f'unknown field "{f}"' for f in unknown)
            raise StatusError(status.bad_request(
                f'{target.info.kind} in version "{target.info.version}" cannot be handled as a '
                f"{target.info.kind}: strict decoding error: {details}"))
        return {"Warning": ", ".join(f'299 - "unknown field \\"{f}\\""' for f in unknown)}

    def _selectors(self, request: web.Request, info):
        try:
            labels = selectors.label_matcher(request.query.get("labelSelector"))
            terms = selectors.parse_fields(request.query.get("fieldSelector", ""))
            selectors.check_fields(info.group, info.resource, terms, info.namespaced, bool(info.crd_name))
        except selectors.SelectorError as exc:
            raise StatusError(status.bad_request(str(exc))) from None
        fields = selectors.field_matcher(terms)

        def predicate(obj: dict) -> bool:
            meta = obj.get("metadata") or {}
            return labels(meta.get("labels") or {}) and fields(
                selectors.selectable_fields(info.group, info.resource, obj, info.namespaced))
        return predicate

    # -------------------------------------------------------------- verbs

    def get(self, request: web.Request, target: Target) -> web.Response:
        obj = self.store.get(target.info, target.namespace, target.name)
        return self.respond(request, target, obj)

    def list(self, request: web.Request, target: Target) -> web.Response:
        info = target.info
        output = negotiate(request)
        predicate = self._selectors(request, info)
        limit = _int_parameter(request, "limit")
        rv = request.query.get("resourceVersion", "")
        match = request.query.get("resourceVersionMatch", "")
        _validate_list_options(rv, match, request.query.get("continue", ""))
        if rv and rv != "0":
            try:
                wanted = int(rv)
            except ValueError:
                raise StatusError(status.bad_request(f'Invalid value: "{rv}": invalid resource version')) from None
            if match == "Exact" and wanted < self.store.oldest_rv():
                raise StatusError(status.expired(f"too old resource version: {wanted} ({self.store.oldest_rv() + 1})"))
            if wanted > self.store.resource_version():
                raise StatusError(status.timeout(f"Too large resource version: {wanted}, current: "
                                                 f"{self.store.resource_version()}", 1))
        result = self.store.list(info, target.namespace, predicate, limit=limit,
                                 continue_token=request.query.get("continue", ""))
        list_meta: dict[str, Any] = {"resourceVersion": result.resource_version}
        if result.continue_token:
            list_meta["continue"] = result.continue_token
            list_meta["remainingItemCount"] = result.remaining
        pretty = _truthy(request.query.get("pretty"))
        if output.kind == "table":
            body = tables.build_table(info, result.items, include_object=request.query.get("includeObject", ""),
                                      api_version=output.group_version, list_meta=list_meta,
                                      crd=self.catalog.crd_for(info) if hasattr(self.catalog, "crd_for") else None)
            return encode(body, pretty=pretty)
        if output.kind in ("partial", "partial-list"):
            body = {"kind": "PartialObjectMetadataList", "apiVersion": output.group_version, "metadata": list_meta,
                    "items": [tables.partial_metadata(o, output.group_version, with_type=False)
                              for o in result.items]}
            return encode(body, pretty=pretty)
        custom = bool(info.crd_name)
        items = result.items if custom else [_untyped(o) for o in result.items]
        body = {"kind": info.kind + "List", "apiVersion": info.api_version, "metadata": list_meta, "items": items}
        if output.kind == "yaml":
            return _yaml_response(body, 200, None)
        return encode(body, pretty=pretty)

    async def create(self, request: web.Request, target: Target) -> web.Response:
        obj, _ = await self.read_body(request, target.info)
        obj = self._check_body(target, obj)
        if (target.info.group, target.info.resource) == ("certificates.k8s.io", "certificatesigningrequests"):
            _csr_requestor(obj, request.get("user") or {})
        warnings = self._validation(request, target, obj)
        created = self.store.create(target.info, target.namespace, obj, dry_run=_dry_run(request),
                                    field_manager=_field_manager(request))
        return self.respond(request, target, created, 201, warnings)

    async def update(self, request: web.Request, target: Target) -> web.Response:
        obj, _ = await self.read_body(request, target.info)
        obj = self._check_body(target, obj)
        warnings = self._validation(request, target, obj)
        if not self.store.exists(target.info, target.namespace, target.name):
            raise StatusError(status.not_found(target.info.resource, target.info.group, target.name))
        updated = self.store.update(target.info, target.namespace, target.name, obj, dry_run=_dry_run(request),
                                    field_manager=_field_manager(request))
        return self.respond(request, target, updated, 200, warnings)

    async def patch(self, request: web.Request, target: Target, subresource: str = "") -> web.Response:
        info = target.info
        body, kind = await self.read_body(request, info, patch=True)
        if kind == "strategic" and info.crd_name:
            raise StatusError(status.unsupported_media_type(
                "application/strategic-merge-patch+json",
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
        dry_run = _dry_run(request)
        manager = request.query.get("fieldManager", "")
        if kind == "apply":
            return self._apply(request, target, body, manager, dry_run, subresource)
        manager = _field_manager(request)
        warnings: dict[str, str] = {}

        def change(current: dict) -> dict:
            nonlocal warnings
            try:
                if kind == "json":
                    patched = patching.json_patch(current, body)
                elif kind == "merge":
                    if not isinstance(body, dict):
                        raise StatusError(status.bad_request("json: cannot unmarshal array into Go value of "
                                                             "type map[string]interface {}"))
                    patched = patching.merge_patch(current, body)
                else:
                    if not isinstance(body, dict):
                        raise StatusError(status.bad_request("json: cannot unmarshal array into Go value of "
                                                             "type map[string]interface {}"))
                    patched = patching.strategic_merge(current, body)
            except patching.JSONPatchError as exc:
                raise StatusError(status.status(422, "Invalid", "the server rejected our request due to an error "
                                                "in our request", {"causes": [{"reason": "UnexpectedServerResponse",
                                                                              "message": str(exc)}]})) from None
            if not isinstance(patched, dict):
                raise StatusError(status.bad_request("the patched object is not an object"))
            patched = self._check_body(Target(info, target.namespace, target.name, ""), patched)
            warnings = self._validation(request, target, patched)
            return patched

        updated = self.store.mutate(info, target.namespace, target.name, change, dry_run=dry_run,
                                    field_manager=manager, subresource=subresource)
        return self.respond(request, target, updated, 200, warnings)

    def _apply(self, request: web.Request, target: Target, body: Any, manager: str, dry_run: bool,
               subresource: str) -> web.Response:
        info = target.info
        if not manager:
            raise StatusError(status.bad_request(
                "PATCH, application/apply-patch+yaml requests require a non-empty fieldManager"))
        force_value = request.query.get("force")
        force = _truthy(force_value)
        if force_value is not None and force_value.lower() not in ("true", "false", "1", "0"):
            raise StatusError(status.bad_request(f"invalid force value {force_value!r}"))
        body = self._check_body(Target(info, target.namespace, target.name, ""), body)
        meta = body.get("metadata") or {}
        if meta.get("name") and meta["name"] != target.name:
            raise StatusError(status.bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL ({target.name})"))
        if "managedFields" in meta:
            raise StatusError(status.bad_request("metadata.managedFields must be nil"))
        warnings = self._validation(request, target, body)
        if subresource != "status" and "status" in info.subresources:
            body = {k: v for k, v in body.items() if k != "status"}
        with self.store.lock:
            if not self.store.exists(info, target.namespace, target.name):
                if subresource:
                    raise StatusError(status.not_found(info.resource, info.group, target.name))
                body.setdefault("metadata", {})["name"] = target.name
                applied = patching.server_side_apply(None, body, manager, info.api_version, force,
                                                     info.resource, info.group)
                created = self.store.create(info, target.namespace, applied, dry_run=dry_run,
                                            field_manager=manager, operation="Apply")
                return self.respond(request, target, created, 201, warnings)

            def change(current: dict) -> dict:
                return patching.server_side_apply(current, body, manager, info.api_version, force,
                                                  info.resource, info.group, subresource)

            updated = self.store.mutate(info, target.namespace, target.name, change, dry_run=dry_run,
                                        field_manager=manager, subresource=subresource, operation="Apply")
        return self.respond(request, target, updated, 200, warnings)

    async def _delete_options(self, request: web.Request) -> dict:
        raw = await request.read()
        options: dict = {}
        content_type = (request.headers.get("Content-Type") or JSON).split(";")[0].strip().lower()
        if raw.strip() and content_type == PROTOBUF:
            options = decode_protobuf(raw)
        elif raw.strip():
            try:
                options = json.loads(raw)
            except ValueError as exc:
                raise StatusError(status.bad_request(f"json: {exc}")) from None
            if not isinstance(options, dict):
                options = {}
        query = request.query
        if "propagationPolicy" in query:
            options["propagationPolicy"] = query["propagationPolicy"]
        if "gracePeriodSeconds" in query:
            options["gracePeriodSeconds"] = int(query["gracePeriodSeconds"])
        if "dryRun" in query:
            options["dryRun"] = query.getall("dryRun")
        if options.get("orphanDependents") is True and "propagationPolicy" not in options:
            options["propagationPolicy"] = "Orphan"
        policy = options.get("propagationPolicy")
        if policy is not None and policy not in ("Orphan", "Background", "Foreground"):
            raise StatusError(status.invalid("DeleteOptions", "", "", [{
                "reason": "FieldValueNotSupported", "field": "propagationPolicy",
                "message": f'Unsupported value: "{policy}": supported values: "Foreground", "Background", '
                           '"Orphan", "nil"'}]))
        return options

    async def delete(self, request: web.Request, target: Target) -> web.Response:
        info = target.info
        options = await self._delete_options(request)
        obj, gone = self.store.delete(info, target.namespace, target.name,
                                      propagation=options.get("propagationPolicy"),
                                      dry_run="All" in (options.get("dryRun") or []),
                                      preconditions=options.get("preconditions"),
                                      grace_period=options.get("gracePeriodSeconds"))
        if gone and not _returns_deleted_object(info):
            meta = obj.get("metadata", {})
            details = {"name": meta.get("name", "")}
            if info.group:
                details["group"] = info.group
            details["kind"] = info.resource
            details["uid"] = meta.get("uid", "")
            return encode(status.success(details))
        return self.respond(request, target, obj, 200)

    async def delete_collection(self, request: web.Request, target: Target) -> web.Response:
        info = target.info
        options = await self._delete_options(request)
        predicate = self._selectors(request, info)
        deleted = self.store.delete_collection(info, target.namespace, predicate,
                                               propagation=options.get("propagationPolicy"),
                                               dry_run="All" in (options.get("dryRun") or []))
        items = deleted if info.crd_name else [_untyped(o) for o in deleted]
        body = {"kind": info.kind + "List", "apiVersion": info.api_version,
                "metadata": {"resourceVersion": str(self.store.resource_version())}, "items": items}
        return encode(body)


def _returns_deleted_object(info) -> bool:
    return (info.group, info.resource) in {("", "pods"), ("", "services"), ("", "namespaces"),
                                           ("", "persistentvolumeclaims"), ("", "persistentvolumes")} \
        or bool(info.crd_name) or info.resource == "customresourcedefinitions"


def _verb_for(method: str, name: str | None) -> str:
    return {"GET": "get" if name else "list", "POST": "create", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete" if name else "deletecollection"}.get(method, method.lower())


def _untyped(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}


def _dry_run(request: web.Request) -> bool:
    values = request.query.getall("dryRun", [])
    for value in values:
        if value != "All":
            raise StatusError(status.bad_request(f'Invalid dryRun value: "{value}"'))
    return bool(values)


def _field_manager(request: web.Request) -> str:
    manager = request.query.get("fieldManager")
    if manager:
        return manager
    agent = request.headers.get("User-Agent", "")
    # The apiserver names an anonymous manager after the user agent's program name.
    return agent.split("/")[0] if agent else "unknown"


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _decode_json(raw: bytes, info, patch: bool = False) -> Any:
    try:
        return json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError) as exc:
        message = str(exc)
        if patch:
            raise StatusError(status.bad_request(f"error decoding patch: {message}")) from None
        raise StatusError(status.bad_request(
            f"couldn't get version/kind; json parse error: {_go_json_error(raw, message)}")) from None


def _go_json_error(raw: bytes, message: str) -> str:
    text = raw.decode("utf-8", "replace").lstrip()
    if not text:
        return "unexpected end of JSON input"
    if "Expecting value" in message and text:
        return f"invalid character '{text[0]}' looking for beginning of value"
    return message


def decode_protobuf(raw: bytes) -> dict:
    """kubectl's typed clients (create deployment, run, drain, ...) send Kubernetes protobuf."""
    from .. import protobuf
    try:
        return protobuf.decode_object(raw)
    except (protobuf.ProtobufError, UnicodeDecodeError, KeyError, ValueError) as exc:
        raise StatusError(status.bad_request(str(exc))) from None


def decode_request(raw: bytes, content_type: str | None) -> Any:
    """A JSON or protobuf body (subresources' small request kinds)."""
    kind = (content_type or JSON).split(";")[0].strip().lower()
    if kind == PROTOBUF:
        return decode_protobuf(raw)
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        raise StatusError(status.bad_request(
            f"couldn't get version/kind; json parse error: {_go_json_error(raw, 'Expecting value')}")) from None


def _decode_yaml(raw: bytes, info) -> Any:
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw.decode("utf-8"), Loader=loader)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise StatusError(status.bad_request(f"error decoding YAML: {exc}")) from None


def _yaml_response(body: Any, code: int, headers: dict[str, str] | None) -> web.Response:
    import yaml
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(body, Dumper=dumper, default_flow_style=False, sort_keys=True)
    response = web.Response(text=text, status=code, headers=headers or {})
    response.content_type = "application/yaml"
    return response


def _csr_requestor(obj: dict, user: dict) -> None:
    """csrStrategy.PrepareForCreate: the requestor is whoever sends the request, and nothing starts approved."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    for key in ("username", "uid", "groups", "extra"):
        spec.pop(key, None)
    if user.get("username"):
        spec["username"] = user["username"]
    if user.get("uid"):
        spec["uid"] = user["uid"]
    if user.get("groups"):
        spec["groups"] = list(user["groups"])
    if user.get("extra"):
        spec["extra"] = {k: list(v) for k, v in user["extra"].items()}
    obj["status"] = {}
