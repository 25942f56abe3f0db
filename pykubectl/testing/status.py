"""metav1.Status bodies with the exact wording of apimachinery's pkg/api/errors/errors.go.

Builders return plain dicts; `StatusError` carries one through the store and the handlers to the single
middleware that writes it (`StatusError.body` with HTTP `StatusError.code`).
"""

from __future__ import annotations

from typing import Any


def status(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    """A Failure Status in the field order the real apiserver writes."""
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": message}
    if reason:
        body["reason"] = reason
    if details:
        body["details"] = details
    body["code"] = code
    return body


def success(details: dict | None = None) -> dict:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        body["details"] = details
    return body


class StatusError(Exception):
    """An error that the wire layer renders as a Status body with HTTP code `code`."""

    def __init__(self, body: dict, headers: dict[str, str] | None = None):
        super().__init__(body.get("message", ""))
        self.body = body
        self.code = int(body.get("code", 500))
        self.headers = headers or {}


def qualified(resource: str, group: str) -> str:
    """schema.GroupResource.String(): `deployments.apps`, or `pods` for the core group."""
    return f"{resource}.{group}" if group else resource


def _details(name: str, group: str, kind: str, **extra: Any) -> dict:
    # StatusDetails omits empty fields (omitempty on name, group and kind).
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if kind:
        details["kind"] = kind
    details.update({k: v for k, v in extra.items() if v not in (None, [], "")})
    return details


def not_found(resource: str, group: str, name: str) -> dict:
    return status(404, "NotFound", f'{qualified(resource, group)} "{name}" not found',
                  _details(name, group, resource))


def already_exists(resource: str, group: str, name: str) -> dict:
    return status(409, "AlreadyExists", f'{qualified(resource, group)} "{name}" already exists',
                  _details(name, group, resource))


MODIFIED = "the object has been modified; please apply your changes to the latest version and try again"


def conflict(resource: str, group: str, name: str, reason: str = MODIFIED,
             causes: list[dict] | None = None) -> dict:
    return status(409, "Conflict", f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": {reason}',
                  _details(name, group, resource, causes=causes))


def field_error_text(cause: dict) -> str:
    """field.Error.Error(): `<field>: <body>`, or just the body when there is no field."""
    return f"{cause['field']}: {cause['message']}" if cause.get("field") else cause["message"]


def invalid(kind: str, group: str, name: str, causes: list[dict]) -> dict:
    """NewInvalid: causes are {"reason": FieldValueX, "message": ErrorBody(), "field": path}."""
    texts: list[str] = []
    for cause in causes:  # utilerrors.NewAggregate de-duplicates messages
        text = field_error_text(cause)
        if text not in texts:
            texts.append(text)
    aggregate = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    qualified_kind = f"{kind}.{group}" if group else kind
    return status(422, "Invalid", f'{qualified_kind} "{name}" is invalid: {aggregate}',
                  _details(name, group, kind, causes=causes))


def forbidden(resource: str, group: str, name: str, reason: str) -> dict:
    gr = qualified(resource, group)
    message = f'{gr} "{name}" is forbidden: {reason}' if name else f"{gr} is forbidden: {reason}"
    if not resource and not name:
        message = f"forbidden: {reason}"
    return status(403, "Forbidden", message, _details(name, group, resource))


def forbidden_user(user: str, verb: str, resource: str, group: str, name: str = "",
                   namespace: str = "", subresource: str = "") -> dict:
    """The RBAC authorizer's wording: User "u" cannot get resource "pods" in API group "" in the namespace "ns"."""
    target = f'resource "{resource}/{subresource}"' if subresource else f'resource "{resource}"'
    scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    reason = f'User "{user}" cannot {verb} {target} in API group "{group}"{scope}'
    return forbidden(resource, group, name, reason)


def unauthorized(message: str = "Unauthorized") -> dict:
    return status(401, "Unauthorized", message or "not authorized")


def bad_request(message: str) -> dict:
    return status(400, "BadRequest", message)


def method_not_supported(resource: str, group: str, action: str) -> dict:
    return status(405, "MethodNotAllowed",
                  f'{action} is not supported on resources of kind "{qualified(resource, group)}"',
                  _details("", group, resource))


def expired(message: str) -> dict:
    return status(410, "Expired", message)


def gone(message: str) -> dict:
    return status(410, "Gone", message)


def too_old_resource_version(requested: int | str, oldest: int | str) -> dict:
    # storage.NewTooLargeResourceVersionError's sibling in the watch cache: "too old resource version: N (M)".
    return expired(f"too old resource version: {requested} ({oldest})")


CONTINUE_EXPIRED = ("The provided continue parameter is too old to display a consistent list result. "
                    "You can start a new list without the continue parameter, or use the continue token "
                    "in this response to retrieve the remainder of the results. Continuing with the "
                    "provided token results in an inconsistent list - objects that were created, "
                    "modified, or deleted between the time the first chunk was returned and now may "
                    "show up in the list.")


def too_many_requests(message: str, retry_after_seconds: int = 0, causes: list[dict] | None = None) -> dict:
    details = {}
    if causes:
        details["causes"] = causes
    if retry_after_seconds:
        details["retryAfterSeconds"] = retry_after_seconds
    return status(429, "TooManyRequests", message, details or None)


CREATE_MEDIA_TYPES = "application/json, application/yaml, application/vnd.kubernetes.protobuf"
PATCH_MEDIA_TYPES = ("application/json-patch+json, application/merge-patch+json, "
                     "application/apply-patch+yaml, application/strategic-merge-patch+json")


def unsupported_media_type(content_type: str, accepted: str = CREATE_MEDIA_TYPES) -> dict:
    # handlers.negotiation.NewUnsupportedMediaTypeError
    return status(415, "UnsupportedMediaType",
                  f"the body of the request was in an unknown format - accepted media types include: {accepted}")


def not_acceptable(accepted: str = CREATE_MEDIA_TYPES) -> dict:
    return status(406, "NotAcceptable", f"only the following media types are accepted: {accepted}")


def internal_error(message: str) -> dict:
    return status(500, "InternalError", f"Internal error occurred: {message}",
                  {"causes": [{"message": message}]})


def timeout(message: str, retry_after_seconds: int = 0) -> dict:
    return status(504, "Timeout", f"Timeout: {message}",
                  {"retryAfterSeconds": retry_after_seconds} if retry_after_seconds else None)


def request_entity_too_large(message: str) -> dict:
    return status(413, "RequestEntityTooLarge", f"Request entity too large: {message}")


def error(body: dict, headers: dict[str, str] | None = None) -> StatusError:
    """`raise status.error(status.not_found(...))` reads as the wire error it produces."""
    return StatusError(body, headers)
