"""In-cluster configuration: the pod's service account, used when no kubeconfig says anything (CG:rest/config.go)."""

from __future__ import annotations

import os

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def _token_path() -> str:
    return os.path.join(SERVICE_ACCOUNT_DIR, "token")


def possible() -> bool:
    """inClusterClientConfig.Possible: both service env vars set and a token file that is not a directory."""
    path = _token_path()
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST")) and bool(os.environ.get("KUBERNETES_SERVICE_PORT")) \
        and os.path.exists(path) and not os.path.isdir(path)


def namespace() -> str:
    if os.environ.get("POD_NAMESPACE"):
        return os.environ["POD_NAMESPACE"]
    try:
        with open(os.path.join(SERVICE_ACCOUNT_DIR, "namespace")) as handle:
            value = handle.read().strip()
    except OSError:
        value = ""
    return value or "default"


def settings(overrides):
    """rest.InClusterConfig plus the few flags inClusterClientConfig honours (--server, --token, --certificate-authority)."""
    from pykubectl.config.resolve import ConnectionSettings
    from pykubectl.errors import ConfigError

    host, port = os.environ.get("KUBERNETES_SERVICE_HOST", ""), os.environ.get("KUBERNETES_SERVICE_PORT", "")
    if not host or not port:
        raise ConfigError("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                          "KUBERNETES_SERVICE_PORT must be defined")
    if ":" in host:
        host = f"[{host}]"
    token_path = _token_path()
    try:
        with open(token_path) as handle:
            token = handle.read()
    except OSError as exc:
        raise ConfigError(f"open {token_path}: {exc.strerror}") from None
    ca_path = os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt")
    result = ConnectionSettings(
        server=overrides.server or f"https://{host}:{port}",
        namespace=overrides.namespace or namespace(),
        namespace_explicit=bool(overrides.namespace),
        token=token,
        token_file=token_path,
        ca_file=ca_path if os.path.exists(ca_path) else None,
    )
    if overrides.token:
        result.token, result.token_file = overrides.token, None
    if overrides.certificate_authority:
        result.ca_file = overrides.certificate_authority
    return result
