"""pykubectl: a kubectl-compatible Kubernetes command-line client."""

__version__ = "0.1.0"
# The Kubernetes release whose kubectl behaviour we reproduce (shown by `version`).
KUBECTL_COMPAT_VERSION = "v1.32.5"
