"""Authentication (bearer tokens, client certificates, impersonation), authorization and the review APIs.

Users: `admin` (token or client certificate, group system:masters: may do anything), `limited` (token; bound
to the ClusterRole pykubectl:read-all: may read everything, every write is Forbidden) and `jane` (token, group
`devs`: only what system:authenticated gets, plus what a test binds to her). Everything but system:masters is
decided by RBAC (rbac.py) over the stored Roles/ClusterRoles/bindings, the 1.32 bootstrap policy among them
(stored after every reset, so a test may edit or delete it).
The authenticated (or impersonated) user is put on the request as
request["user"] = {"username": ..., "groups": [...], "uid"?: ..., "extra"?: {...}}.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from . import status
from .rbac import Attributes, RBACAuthorizer, escalation_message, service_account_user, uncovered_rules

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
    """kube-apiserver's authorizer chain: system:masters may do anything, then RBAC (testing/rbac.py).

    `store` holds the Roles, ClusterRoles and bindings; without one only system:masters may do anything."""

    store: Any = None

    def __post_init__(self) -> None:
        self.rbac = RBACAuthorizer(self.store)

    def authorize(self, user: dict, verb: str, *, resource_request: bool = True, namespace: str = "",
                  group: str = "", resource: str = "", subresource: str = "", name: str = "",
                  path: str = "") -> tuple[bool, str]:
        """(allowed, reason) as the authorizer chain answers a SubjectAccessReview."""
        groups = tuple(user.get("groups") or ())
        if MASTERS in groups:  # authorizerfactory.NewPrivilegedGroups, ahead of RBAC
            return True, ""
        return self.rbac.authorize(Attributes(
            user.get("username", ""), groups, verb, resource_request, namespace, group, resource, subresource,
            name, path))

    def allowed(self, user: dict, verb: str, group: str = "", resource: str = "", path: str = "",
                namespace: str = "", name: str = "", subresource: str = "") -> bool:
        if resource or not path:
            return self.authorize(user, verb, namespace=namespace, group=group, resource=resource,
                                  subresource=subresource, name=name)[0]
        return self.authorize(user, verb, resource_request=False, path=path)[0]

    def rules(self, user: dict, namespace: str = "") -> tuple[list[dict], list[dict], str]:
        """The rules RBAC grants the user in the namespace (SelfSubjectRulesReview), with any resolution error."""
        return self.rbac.rules_for(user.get("username", ""), tuple(user.get("groups") or ()), namespace)


@dataclass
class Authenticator:
    """Bearer tokens and client-certificate subjects to users.

    `add_user(token, username, groups)` gives a test another user until `reset()` (ServerState.reset) puts the
    tokens back as they were at start."""

    tokens: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._initial = copy.deepcopy(self.tokens)

    def add_user(self, token: str, username: str, groups=(), uid: str = "", extra: dict | None = None) -> None:
        user: dict = {"username": username, "groups": [*groups]}
        if AUTHENTICATED not in user["groups"]:
            user["groups"].append(AUTHENTICATED)
        if uid:
            user["uid"] = uid
        if extra:
            user["extra"] = {k: list(v) for k, v in extra.items()}
        self.tokens[token] = user

    def reset(self) -> None:
        self.tokens.clear()
        self.tokens.update(copy.deepcopy(self._initial))

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


def _forbidden(user: dict, verb: str, reason: str = "", *, resource: str = "", group: str = "",
               subresource: str = "", namespace: str = "", name: str = "", path: str = "",
               resource_request: bool = True) -> status.StatusError:
    """responsewriters.Forbidden: the attributes in words, then the authorizer's reason."""
    username = user.get("username", "")
    if not resource_request:
        message = f'User "{username}" cannot {verb} path "{path}"'
    else:
        target = f"{resource}/{subresource}" if subresource else resource
        scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
        message = f'User "{username}" cannot {verb} resource "{target}" in API group "{group}"{scope}'
    if reason:
        message = f"{message}: {reason}"
    if not resource_request:
        return status.error(status.forbidden("", "", "", message))
    return status.error(status.forbidden(resource, group, name, message))


IMPERSONATE_EXTRA = "impersonate-extra-"


def _impersonate(request: web.Request, user: dict, authorizer: Authorizer) -> dict:
    """The impersonation filter: every requested identity part must be allowed to the caller ("impersonate")."""
    target = request.headers.get("Impersonate-User", "")
    groups = request.headers.getall("Impersonate-Group", [])
    uid = request.headers.get("Impersonate-Uid", "")
    extra: dict[str, list[str]] = {}
    for header, value in request.headers.items():
        if header.lower().startswith(IMPERSONATE_EXTRA):
            extra.setdefault(unquote(header[len(IMPERSONATE_EXTRA):]).lower(), []).append(value)
    if not target and not groups and not uid and not extra:
        return user
    username = target or user["username"]
    checks: list[dict] = []
    new_groups: list[str] = []
    account = service_account_user(username)
    if account is not None:
        checks.append({"resource": "serviceaccounts", "namespace": account[0], "name": account[1]})
        if not groups:
            new_groups = ["system:serviceaccounts", f"system:serviceaccounts:{account[0]}"]
    else:
        checks.append({"resource": "users", "name": username})
    for group in groups:
        checks.append({"resource": "groups", "name": group})
        new_groups.append(group)
    for key, values in extra.items():
        for value in values:
            checks.append({"resource": "userextras", "subresource": key, "name": value,
                           "group": "authentication.k8s.io"})
    if uid:
        checks.append({"resource": "uids", "name": uid, "group": "authentication.k8s.io"})
    for check in checks:
        allowed, reason = authorizer.authorize(user, "impersonate", **check)
        if not allowed:
            raise _forbidden(user, "impersonate", reason, **check)
    if username != "system:anonymous" and AUTHENTICATED not in new_groups \
            and "system:unauthenticated" not in new_groups:
        new_groups.append(AUTHENTICATED)
    impersonated: dict = {"username": username, "groups": new_groups}
    if uid:
        impersonated["uid"] = uid
    if extra:
        impersonated["extra"] = extra
    return impersonated


RBAC_GROUP = "rbac.authorization.k8s.io"
ESCALATION_CHECKED = ("roles", "clusterroles", "rolebindings", "clusterrolebindings")


async def _confirm_no_escalation(request: web.Request, user: dict, info: RequestInfo, authorizer: Authorizer) -> None:
    """The RBAC registry's escalation prevention for creates and updates (PATCH is not checked here): a role may
    only grant what its author holds, unless the author may `escalate`; a binding only bind such a role, unless
    the author may `bind` it. system:masters is exempt (EscalationAllowed)."""
    raw = await request.read()  # aiohttp keeps the body for the handler
    try:
        if request.content_type == PROTOBUF:
            from .protobuf import decode_object

            obj = decode_object(raw)
        else:
            obj = json.loads(raw or b"{}")
    except Exception:  # a body the handler will reject with its own error
        return
    if not isinstance(obj, dict):
        return
    name = str((obj.get("metadata") or {}).get("name") or info.name)
    groups = list(user.get("groups") or ())
    rbac = authorizer.rbac
    if info.resource in ("roles", "clusterroles"):
        if authorizer.authorize(user, "escalate", namespace=info.namespace, group=info.group, resource=info.resource,
                                name=info.name)[0]:
            return
        rules = [r for r in obj.get("rules") or [] if isinstance(r, dict)]
    else:
        ref = obj.get("roleRef") or {}
        kind = ref.get("kind")
        if kind in ("Role", "ClusterRole") and authorizer.authorize(
                user, "bind", namespace=info.namespace, group=ref.get("apiGroup", ""),
                resource="clusterroles" if kind == "ClusterRole" else "roles", name=ref.get("name", ""))[0]:
            return
        try:
            rules = rbac.role_reference_rules(ref, info.namespace)
        except LookupError as exc:
            raise status.error(status.forbidden(info.resource, info.group, name, str(exc))) from exc
    owner_rules, errors = rbac.policy_rules(user.get("username", ""), groups, info.namespace)
    missing = uncovered_rules(owner_rules, rules)
    if missing:
        raise status.error(status.forbidden(info.resource, info.group, name, escalation_message(
            user.get("username", ""), groups, missing, errors)))


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
            allowed, reason = authorizer.authorize(
                user, info.verb, namespace=info.namespace, group=info.group, resource=info.resource,
                subresource=info.subresource, name=info.name)
            if not allowed:
                raise _forbidden(user, info.verb, reason, resource=info.resource, group=info.group,
                                 subresource=info.subresource, namespace=info.namespace, name=info.name)
            if info.group == RBAC_GROUP and info.resource in ESCALATION_CHECKED and not info.subresource \
                    and info.verb in ("create", "update") and MASTERS not in (user.get("groups") or ()):
                await _confirm_no_escalation(request, user, info, authorizer)
        else:
            allowed, reason = authorizer.authorize(user, info.verb, resource_request=False, path=info.path)
            if not allowed:
                raise _forbidden(user, info.verb, reason, path=info.path, resource_request=False)
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


def _decide(authorizer: Authorizer, user: dict, spec: dict, namespace: str | None = None) -> dict:
    attributes = spec.get("resourceAttributes")
    if attributes is not None:
        allowed, reason = authorizer.authorize(
            user, attributes.get("verb", ""),
            namespace=attributes.get("namespace", "") if namespace is None else namespace,
            group=attributes.get("group", ""), resource=attributes.get("resource", ""),
            subresource=attributes.get("subresource", ""), name=attributes.get("name", ""))
    else:
        non_resource = spec.get("nonResourceAttributes") or {}
        allowed, reason = authorizer.authorize(user, non_resource.get("verb", ""), resource_request=False,
                                               path=non_resource.get("path", ""))
    decision: dict = {"allowed": allowed}
    if reason:
        decision["reason"] = reason
    return decision


def _user_info(user: dict) -> dict:
    """authentication/v1 UserInfo: username, uid, groups, extra (each left out when empty)."""
    info: dict = {"username": user.get("username", "")}
    if user.get("uid"):
        info["uid"] = user["uid"]
    info["groups"] = list(user.get("groups") or [])
    if user.get("extra"):
        info["extra"] = {k: list(v) for k, v in user["extra"].items()}
    return info


def add_review_routes(app: web.Application, authenticator: Authenticator, authorizer: Authorizer) -> None:
    """SelfSubjectReview (kubectl auth whoami), the access reviews (kubectl auth can-i) and TokenReview.

    Registered before the generic object routes, so these create-only kinds are answered, never stored.
    """

    async def self_subject_review(request: web.Request) -> web.Response:
        body = await _body(request)
        version = request.match_info["version"]
        user = request["user"]
        return _answer(body, f"authentication.k8s.io/{version}", "SelfSubjectReview", {"userInfo": _user_info(user)})

    async def self_subject_access_review(request: web.Request) -> web.Response:
        body = await _body(request)
        return _answer(body, "authorization.k8s.io/v1", "SelfSubjectAccessReview",
                       _decide(authorizer, request["user"], body.get("spec") or {}))

    async def subject_access_review(request: web.Request) -> web.Response:
        body = await _body(request)
        spec = body.get("spec") or {}
        subject = {"username": spec.get("user", ""), "groups": list(spec.get("groups") or [])}
        local = "namespace" in request.match_info
        kind = "LocalSubjectAccessReview" if local else "SubjectAccessReview"
        return _answer(body, "authorization.k8s.io/v1", kind,
                       _decide(authorizer, subject, spec, request.match_info["namespace"] if local else None))

    async def self_subject_rules_review(request: web.Request) -> web.Response:
        body = await _body(request)
        namespace = (body.get("spec") or {}).get("namespace", "")
        resource_rules, non_resource_rules, error = authorizer.rules(request["user"], namespace)
        review = {"resourceRules": resource_rules, "nonResourceRules": non_resource_rules, "incomplete": False}
        if error:
            review["evaluationError"] = error
        return _answer(body, "authorization.k8s.io/v1", "SelfSubjectRulesReview", review)

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
