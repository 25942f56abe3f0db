"""Credentials as httpx.Auth: bearer token, token file (re-read every minute), basic auth, exec plugins."""

from __future__ import annotations

import base64
import time
from collections.abc import Generator

import httpx

from pykubectl.config.resolve import ConnectionSettings
from pykubectl.errors import ConfigError

TOKEN_FILE_PERIOD = 60.0  # client-go's cachingTokenSource re-reads a tokenFile once a minute


class BearerAuth(httpx.Auth):
    def __init__(self, token: str):
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "Authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class TokenFileAuth(httpx.Auth):
    """tokenFile: read at first use and again once a minute; the inline token serves until then."""

    def __init__(self, path: str, initial: str | None = None, clock=time.monotonic):
        self.path = path
        self.clock = clock
        self._token = initial
        self._read_at: float | None = None

    def token(self) -> str:
        now = self.clock()
        if self._read_at is None or now - self._read_at >= TOKEN_FILE_PERIOD:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    self._token = handle.read().strip()
            except OSError as exc:
                if self._token is None:
                    raise ConfigError(f"open {self.path}: {(exc.strerror or str(exc)).lower()}") from None
            self._read_at = now
        return self._token or ""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "Authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request


class BasicAuth(httpx.Auth):
    def __init__(self, username: str, password: str):
        raw = f"{username}:{password}".encode()
        self.header = "Basic " + base64.b64encode(raw).decode("ascii")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "Authorization" not in request.headers:
            request.headers["Authorization"] = self.header
        yield request


def static_auth(settings: ConnectionSettings) -> httpx.Auth | None:
    """The non-exec credential for these settings, used only over https (clientcmd IsConfigTransportTLS)."""
    if settings.token_file:
        return TokenFileAuth(settings.token_file, settings.token)
    if settings.token:
        return BearerAuth(settings.token)
    if settings.username or settings.password:
        return BasicAuth(settings.username or "", settings.password or "")
    if settings.auth_provider:
        return auth_provider_auth(settings.auth_provider)
    return None


def auth_provider_auth(provider: dict) -> httpx.Auth | None:
    """The legacy auth-provider block: only oidc survives in 1.32 (it sends the stored id-token)."""
    name = provider.get("name", "")
    config = provider.get("config") or {}
    if name == "oidc":
        token = config.get("id-token")
        return BearerAuth(token) if token else None
    if name in ("gcp", "azure"):
        hint = {"gcp": "gke-gcloud-auth-plugin", "azure": "kubelogin"}[name]
        raise ConfigError(f"The {name} auth plugin has been removed.\n"
                          f'Please use the "{hint}" kubectl/client-go credential plugin instead.\n'
                          "See https://kubernetes.io/docs/reference/access-authn-authz/authentication/"
                          "#client-go-credential-plugins for further details")
    raise ConfigError(f'no Auth Provider found for name "{name}"')


MASKED_AUTH_TYPES = {"bearer", "basic", "negotiate"}


def mask_header(name: str, value: str) -> str:
    """client-go's maskValue for -v=7 header logs: keep the scheme of Authorization, hide the rest."""
    if name.lower() != "authorization":
        return value
    if not value:
        return ""
    if value.find(" ") > 0:
        scheme = value[: value.find(" ")]
    else:
        scheme = value
    if scheme.lower() not in MASKED_AUTH_TYPES:
        return "<masked>"
    return f"{scheme} <masked>" if len(value) > len(scheme) + 1 else scheme
