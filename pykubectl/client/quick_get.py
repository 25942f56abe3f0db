"""One GET without the httpx stack, for shell completion, where importing httpx costs more than the request.

Only for the plain case the caller has checked: a bearer token, a client certificate or no credential, and no
proxy, impersonation, tls-server-name or request timeout. It speaks through the standard library's http.client over the TLS
context the RestClient would build, with the same User-Agent.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from pykubectl.client.transport import build_ssl_context, is_tls, user_agent
from pykubectl.config.resolve import ConnectionSettings


def get_json(settings: ConnectionSettings, target: str, authorization: str) -> dict:
    """GET server path `target` (with its query); anything but a 200 with a JSON object raises ValueError."""
    import http.client

    base = urlsplit(settings.server.rstrip("/"))
    if is_tls(settings):
        connection = http.client.HTTPSConnection(base.hostname or "", base.port or 443, timeout=30,
                                                 context=build_ssl_context(settings))
    else:
        connection = http.client.HTTPConnection(base.hostname or "", base.port or 80, timeout=30)
    headers = {"User-Agent": user_agent(), "Accept": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    if not settings.disable_compression:
        headers["Accept-Encoding"] = "gzip"
    try:
        connection.request("GET", base.path + target, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise ValueError(f"{response.status} {response.reason}")
        if (response.getheader("Content-Encoding") or "").lower() == "gzip":
            import zlib

            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    finally:
        connection.close()
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data
