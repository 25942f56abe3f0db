"""--as/--as-group/--as-uid reach the server as Impersonate-* headers, with kubectl's results."""

import pytest

from tests.conftest import strip_klog

pytestmark = pytest.mark.no_simulation


@pytest.mark.parametrize("flags", [
    ["--as=jane"],
    ["--as=jane", "--as-group=devs", "--as-group=ops"],
    ["--as=jane", "--as-uid=1234"],
    ["--as-group=devs"],
])
@pytest.mark.parametrize("user", ["token", "limited"])
def test_impersonation_matches_kubectl(runners, kubeconfig_for, flags, user):
    kc = str(kubeconfig_for(user))
    runners.assert_same("--kubeconfig", kc, *flags, "get", "pods", normalise=_without_klog)


def _without_klog(result):
    result.stderr = strip_klog(result.stderr)
    return result


def test_impersonation_headers_at_v8(runners, kubeconfig_file):
    result = runners.pykubectl("--kubeconfig", str(kubeconfig_file), "--as=jane", "--as-group=devs",
                               "--as-group=ops", "--as-uid=42", "-v=8", "get", "pods")
    # the server's RBAC authorizer decides as the impersonated jane, who may not list pods
    assert result.exit_code == 1, result.stderr
    assert 'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods"' in result.stderr
    log = result.stderr
    for header in ("    Impersonate-User: jane\n", "    Impersonate-Uid: 42\n",
                   "    Impersonate-Group: devs\n", "    Impersonate-Group: ops\n"):
        assert header in log
