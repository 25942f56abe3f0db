"""Turn a non-2xx API answer into the errors.ApiError subclass kubectl would report."""

from __future__ import annotations

import json

from pykubectl import errors

_MAX_UNSTRUCTURED = 2048  # client-go caps the text it quotes from a non-Status body

_BY_REASON: dict[str, type[errors.ApiError]] = {
    "NotFound": errors.NotFound,
    "Conflict": errors.Conflict,
    "AlreadyExists": errors.Conflict,
    "Expired": errors.Expired,
    "Gone": errors.Expired,
}


def error_class(reason: str, code: int) -> type[errors.ApiError]:
    if reason in _BY_REASON:
        return _BY_REASON[reason]
    if code == 410:
        return errors.Expired
    if code == 404 and not reason:
        return errors.NotFound
    return errors.ApiError


def decode_status(body: bytes, content_type: str | None = None) -> dict | None:
    """The body as a failed metav1.Status (client-go Result.Error(): a JSON decoder for the Content-Type,
    kind Status, status Failure), else None."""
    if content_type and "json" not in content_type.split(";", 1)[0].lower():
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict) and data.get("kind") == "Status" and data.get("status") == "Failure":
        return data
    return None


def is_text_content_type(content_type: str | None) -> bool:
    """client-go isTextResponse: a missing Content-Type or a text/* media type."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    if not media or "/" not in media:
        return False
    return media.startswith("text/")


def generic_server_response(code: int, method: str, resource: str = "", group: str = "", name: str = "",
                            server_message: str = "", retry_after: int = 0) -> dict:
    """apimachinery's NewGenericServerResponse: a Status for an answer the server did not explain."""
    reason = "Unknown"
    message = f"the server responded with the status code {code} but did not return more information"
    if code == 409:
        reason = "AlreadyExists" if method.upper() == "POST" else "Conflict"
        message = "the server reported a conflict"
    elif code == 404:
        reason, message = "NotFound", "the server could not find the requested resource"
    elif code == 400:
        reason, message = "BadRequest", "the server rejected our request for an unknown reason"
    elif code == 401:
        reason, message = "Unauthorized", "the server has asked for the client to provide credentials"
    elif code == 403:
        reason, message = "Forbidden", server_message
    elif code == 406:
        reason = "NotAcceptable"
        message = server_message if server_message and server_message != "unknown" else (
            "the server was unable to respond with a content type that the client supports")
    elif code == 415:
        reason, message = "UnsupportedMediaType", server_message
    elif code == 405:
        reason, message = "MethodNotAllowed", "the server does not allow this method on the requested resource"
    elif code == 422:
        reason, message = "Invalid", "the server rejected our request due to an error in our request"
    elif code == 503:
        reason, message = "ServiceUnavailable", "the server is currently unable to handle the request"
    elif code == 504:
        reason = "Timeout"
        message = ("the server was unable to return a response in the time allotted, "
                   "but may still be processing the request")
    elif code == 429:
        reason = "TooManyRequests"
        message = "the server has received too many requests and has asked us to try again later"
    elif code >= 500:
        reason = "InternalError"
        message = f"an error on the server ({go_quote(server_message)}) has prevented the request from succeeding"
    qualified = f"{resource}.{group}" if resource and group else resource
    if qualified and name:
        message = f"{message} ({method.lower()} {qualified} {name})"
    elif qualified:
        message = f"{message} ({method.lower()} {qualified})"
    details: dict = {"causes": [{"reason": "UnexpectedServerResponse", "message": server_message}]}
    if group:
        details["group"] = group
    if resource:
        details["kind"] = resource
    if name:
        details["name"] = name
    if retry_after:
        details["retryAfterSeconds"] = retry_after
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "details": details, "code": code}


def error_from_response(code: int, body: bytes, content_type: str | None, method: str,
                        resource: str = "", group: str = "", name: str = "",
                        retry_after: int = 0, raw: bool = False) -> errors.ApiError:
    """`raw` requests (discovery, --raw: client-go's Result.Raw()) never decode a Status body."""
    status = None if raw else decode_status(body, content_type)
    if status is None:
        text = "unknown"
        if is_text_content_type(content_type):
            text = body[:_MAX_UNSTRUCTURED].decode("utf-8", "replace").strip()
        status = generic_server_response(code, method, resource, group, name, text, retry_after)
    cls = error_class(status.get("reason") or "", int(status.get("code") or code))
    return cls(status, http_code=code)


def go_quote(text: str) -> str:
    """Go's %q for a string: double quotes with Go escapes (enough for server text)."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
