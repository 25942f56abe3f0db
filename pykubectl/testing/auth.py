"""Authentication (bearer tokens, client certificates, impersonation), authorization and the review APIs.

Users: `admin` (token or client certificate, group system:masters: may do anything) and `limited` (token;
may read everything and ask about itself, but every write is Forbidden with the RBAC authorizer's wording).
The authenticated user is put on the request as request["user"] = {"username": ..., "groups": [...]}.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from urllib.parse import unquote

from aiohttp import web

from . import status

AUTHENTICATED = "system:authenticated"
MASTERS = "system:masters"
# Paths the system:public-info-viewer ClusterRole opens to everyone, credentials or not.
PUBLIC_PATHS = ("/version", "/healthz", "/livez", "/readyz")
SELF_REVIEWS = {
    ("authentication.k8s.io", "selfsubjectreviews"),
    ("authorization.k8s.io", "selfsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"),
}
# Connecting to these subresources needs "create" in RBAC, whatever the HTTP method (exec over websockets is a GET).
CONNECT_SUBRESOURCES = {"exec", "attach", "portforward"}


@dataclass(frozen=True)
class RequestInfo:
    """What an apiserver request is about: kube-apiserver's RequestInfo, reduced to what authorization needs."""

    is_resource: bool
    verb: str
    path: str
    group: str = ""
    version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""


def request_info(method: str, path: str, query: dict) -> RequestInfo:
    parts = [unquote(p) for p in path.strip("/").split("/") if p]
    http_verb = method.lower()
    if not parts or parts[0] not in ("api", "apis"):
        return RequestInfo(False, http_verb, path)
    if parts[0] == "api":
        if len(parts) < 2:
            return RequestInfo(False, http_verb, path)
        group, version, rest = "", parts[1], parts[2:]
    else:
        if len(parts) < 3:
            return RequestInfo(False, http_verb, path)
        group, version, rest = parts[1], parts[2], parts[3:]
    if not rest:
        return RequestInfo(False, http_verb, path)
    watch_path = rest[0] == "watch"
    if watch_path:
        rest = rest[1:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        # /namespaces/<ns>[/status|/finalize] is about the namespace object, which lives in itself.
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in ("status", "finalize"):
            rest = rest[2:]
    resource = rest[0] if rest else ""
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if method == "GET":
        verb = "watch" if watch_path or query.get("watch") in ("true", "1") else ("get" if name else "list")
    elif method == "POST":
        verb = "create"
    elif method in ("PUT",):
        verb = "update"
    elif method == "PATCH":
        verb = "patch"
    elif method == "DELETE":
        verb = "delete" if name else "deletecollection"
    else:
        verb = http_verb
    if subresource in CONNECT_SUBRESOURCES:
        verb = "create"
    return RequestInfo(True, verb, path, group, version, namespace, resource, subresource, name)


@dataclass
class Authorizer:
    """system:masters may do anything; any other user may read, and create the self-reviews."""

    def allowed(self, user: dict, verb: str, group: str = "", resource: str = "", path: str = "") -> bool:
        if MASTERS in user.get("groups", ()):
            return True
        if verb in ("get", "list", "watch"):
            return True
        return verb == "create" and (group, resource) in SELF_REVIEWS

    def rules(self, user: dict) -> tuple[list[dict], list[dict]]:
        if MASTERS in user.get("groups", ()):
            return ([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                    [{"verbs": ["*"], "nonResourceURLs": ["*"]}])
        resource_rules = [
            {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
             "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
            {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]},
            {"verbs": ["get", "list", "watch"], "apiGroups": ["*"], "resources": ["*"]},
        ]
        return resource_rules, [{"verbs": ["get"], "nonResourceURLs": ["*"]}]


@dataclass
class Authenticator:
    """Bearer tokens and client-certificate subjects to users."""

    tokens: dict[str, dict] = field(default_factory=dict)

    def from_request(self, request: web.Request) -> dict | None:
        """The user, None when no credentials were sent; raises Unauthorized for a bad token."""
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            user = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise status.error(status.unauthorized())
            return copy.deepcopy(user)
        peercert = request.transport.get_extra_info("peercert") if request.transport else None
        if peercert:
            return _user_from_subject(peercert.get("subject", ()))
        return None


def _user_from_subject(subject) -> dict | None:
    username, groups = "", []
    for rdn in subject:
        for key, value in rdn:
            if key == "commonName":
                username = value
            elif key == "organizationName":
                groups.append(value)
    if not username:
        return None
    return {"username": username, "groups": [*groups, AUTHENTICATED]}


def _impersonate(request: web.Request, user: dict, authorizer: Authorizer) -> dict:
    target = request.headers.get("Impersonate-User")
    groups = request.headers.getall("Impersonate-Group", [])
    if not target and not groups:
        return user
    if not authorizer.allowed(user, "impersonate", "", "users"):
        raise status.error(status.forbidden_user(user["username"], "impersonate", "users", "", target or ""))
    impersonated_groups = [*groups]
    if AUTHENTICATED not in impersonated_groups:
        impersonated_groups.append(AUTHENTICATED)
    return {"username": target or user["username"], "groups": impersonated_groups}


def auth_middleware(authenticator: Authenticator, authorizer: Authorizer):
    @web.middleware
    async def middleware(request: web.Request, handler):
        user = authenticator.from_request(request)
        if user is None:
            if request.path in PUBLIC_PATHS:
                request["user"] = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}
                return await handler(request)
            raise status.error(status.unauthorized())
        user = _impersonate(request, user, authorizer)
        request["user"] = user
        info = request_info(request.method, request.path, request.query)
        request["request_info"] = info
        if info.is_resource:
            if not authorizer.allowed(user, info.verb, info.group, info.resource):
                raise status.error(status.forbidden_user(
                    user["username"], info.verb, info.resource, info.group, info.name, info.namespace,
                    info.subresource))
        elif not authorizer.allowed(user, info.verb, path=info.path):
            raise status.error(status.forbidden(
                "", "", "", f'User "{user["username"]}" cannot {info.verb} path "{info.path}"'))
        return await handler(request)

    return middleware


# -- the review APIs ----------------------------------------------------------------------------------------

PROTOBUF = "application/vnd.kubernetes.protobuf"
PROTOBUF_MAGIC = b"k8s\x00"


def _protobuf_fields(data: bytes) -> dict[int, list]:
    """Protocol-buffer wire format → {field number: [values]} (varints as int, length-delimited as bytes)."""
    fields: dict[int, list] = {}
    pos = 0

    def varint() -> int:
        nonlocal pos
        shift = result = 0
        while True:
            byte = data[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7

    while pos < len(data):
        key = varint()
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value: int | bytes = varint()
        elif wire_type == 2:
            length = varint()
            value, pos = data[pos:pos + length], pos + length
        elif wire_type == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire_type == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire_type}")
        fields.setdefault(number, []).append(value)
    return fields


def _text(fields: dict[int, list], number: int) -> str:
    values = fields.get(number)
    return values[-1].decode() if values else ""


def _message(fields: dict[int, list], number: int) -> dict[int, list] | None:
    values = fields.get(number)
    return _protobuf_fields(values[-1]) if values else None


# Field numbers from k8s.io/api authorization/v1 and authentication/v1 generated.proto.
_RESOURCE_ATTRIBUTES = {1: "namespace", 2: "verb", 3: "group", 4: "version", 5: "resource", 6: "subresource",
                        7: "name"}
_NON_RESOURCE_ATTRIBUTES = {1: "path", 2: "verb"}


def _review_spec_from_protobuf(kind: str, spec: dict[int, list]) -> dict:
    """The spec of a review kind sent by a typed client-go client (kubectl auth can-i/whoami use protobuf)."""
    if kind == "SelfSubjectRulesReview":
        return {"namespace": _text(spec, 1)}
    if kind == "TokenReview":
        return {"token": _text(spec, 1)}
    result: dict = {}
    resource = _message(spec, 1)
    if resource is not None:
        result["resourceAttributes"] = {
            name: _text(resource, n) for n, name in _RESOURCE_ATTRIBUTES.items() if _text(resource, n)}
    non_resource = _message(spec, 2)
    if non_resource is not None:
        result["nonResourceAttributes"] = {
            name: _text(non_resource, n) for n, name in _NON_RESOURCE_ATTRIBUTES.items()}
    if kind in ("SubjectAccessReview", "LocalSubjectAccessReview"):
        result["user"] = _text(spec, 3)
        result["groups"] = [g.decode() for g in spec.get(4, [])]
    return result


def _decode_protobuf(raw: bytes) -> dict:
    if not raw.startswith(PROTOBUF_MAGIC):
        raise ValueError("missing the k8s protobuf envelope")
    unknown = _protobuf_fields(raw[len(PROTOBUF_MAGIC):])
    type_meta = _message(unknown, 1) or {}
    kind = _text(type_meta, 2)
    obj = _message(unknown, 2) or {}
    spec = _message(obj, 2) or {}
    return {"kind": kind, "apiVersion": _text(type_meta, 1), "spec": _review_spec_from_protobuf(kind, spec)}


async def _body(request: web.Request) -> dict:
    raw = await request.read()
    if request.content_type == PROTOBUF:
        try:
            return _decode_protobuf(raw)
        except (ValueError, IndexError) as exc:
            raise status.error(status.bad_request(f"error decoding request body: {exc}")) from exc
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise status.error(status.bad_request(f"error decoding request body: {exc}")) from exc
    if not isinstance(body, dict):
        raise status.error(status.bad_request("the request body must be a JSON object"))
    return body


def _answer(body: dict, api_version: str, kind: str, review_status: dict) -> web.Response:
    metadata = dict(body.get("metadata") or {})
    metadata.setdefault("creationTimestamp", None)
    answer = {"kind": kind, "apiVersion": api_version, "metadata": metadata}
    if "spec" in body:
        answer["spec"] = body["spec"]
    answer["status"] = review_status
    return web.json_response(answer, status=201)


def _decide(authorizer: Authorizer, user: dict, spec: dict) -> dict:
    attributes = spec.get("resourceAttributes")
    if attributes is not None:
        allowed = authorizer.allowed(user, attributes.get("verb", ""), attributes.get("group", ""),
                                     attributes.get("resource", ""))
    else:
        non_resource = spec.get("nonResourceAttributes") or {}
        allowed = authorizer.allowed(user, non_resource.get("verb", ""), path=non_resource.get("path", ""))
    return {"allowed": True} if allowed else {"allowed": False}


def add_review_routes(app: web.Application, authenticator: Authenticator, authorizer: Authorizer) -> None:
    """SelfSubjectReview (kubectl auth whoami), the access reviews (kubectl auth can-i) and TokenReview.

    Registered before the generic object routes, so these create-only kinds are answered, never stored.
    """

    async def self_subject_review(request: web.Request) -> web.Response:
        body = await _body(request)
        version = request.match_info["version"]
        user = request["user"]
        return _answer(body, f"authentication.k8s.io/{version}", "SelfSubjectReview",
                       {"userInfo": {"username": user["username"], "groups": list(user["groups"])}})

    async def self_subject_access_review(request: web.Request) -> web.Response:
        body = await _body(request)
        return _answer(body, "authorization.k8s.io/v1", "SelfSubjectAccessReview",
                       _decide(authorizer, request["user"], body.get("spec") or {}))

    async def subject_access_review(request: web.Request) -> web.Response:
        body = await _body(request)
        spec = body.get("spec") or {}
        subject = {"username": spec.get("user", ""), "groups": list(spec.get("groups") or [])}
        kind = "LocalSubjectAccessReview" if "namespace" in request.match_info else "SubjectAccessReview"
        return _answer(body, "authorization.k8s.io/v1", kind, _decide(authorizer, subject, spec))

    async def self_subject_rules_review(request: web.Request) -> web.Response:
        body = await _body(request)
        resource_rules, non_resource_rules = authorizer.rules(request["user"])
        return _answer(body, "authorization.k8s.io/v1", "SelfSubjectRulesReview",
                       {"resourceRules": resource_rules, "nonResourceRules": non_resource_rules,
                        "incomplete": False})

    async def token_review(request: web.Request) -> web.Response:
        body = await _body(request)
        token = (body.get("spec") or {}).get("token", "")
        user = authenticator.tokens.get(token)
        review = {"authenticated": True, "user": copy.deepcopy(user)} if user else {"authenticated": False}
        if user:
            review["audiences"] = ["https://kubernetes.default.svc.cluster.local"]
        return _answer(body, "authentication.k8s.io/v1", "TokenReview", review)

    app.router.add_post(r"/apis/authentication.k8s.io/{version:v1|v1beta1}/selfsubjectreviews",
                        self_subject_review)
    app.router.add_post("/apis/authentication.k8s.io/v1/tokenreviews", token_review)
    authz = "/apis/authorization.k8s.io/v1"
    app.router.add_post(f"{authz}/selfsubjectaccessreviews", self_subject_access_review)
    app.router.add_post(f"{authz}/selfsubjectrulesreviews", self_subject_rules_review)
    app.router.add_post(f"{authz}/subjectaccessreviews", subject_access_review)
    app.router.add_post(f"{authz}/namespaces/{{namespace}}/localsubjectaccessreviews", subject_access_review)
