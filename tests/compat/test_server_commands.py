"""api-resources, api-versions, version and cluster-info: pykubectl against the real kubectl on one server."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from tests.conftest import KLOG_LINE as _KLOG
from tests.conftest import strip_klog


def klog_messages(text: str) -> list[str]:
    """The messages of the klog lines, timings blurred: what -v=6 comparisons look at."""
    lines = [_KLOG.sub("", line) for line in text.splitlines() if _KLOG.match(line)]
    return [re.sub(r" in \d+ milliseconds$", " in N milliseconds", line) for line in lines
            if "round_trippers" not in line and not line.startswith(('"Feature gate', "Config loaded"))]


def normalise(result):
    result.stderr = strip_klog(result.stderr)
    # Our client version is our own (see commands/version.py); the server half must match.
    result.stdout = re.sub(r"^Client Version: .*$", "Client Version: X", result.stdout, flags=re.M)
    result.stdout = re.sub(r"^clientVersion:\n(?:  .*\n)+", "clientVersion: X\n", result.stdout, flags=re.M)
    return result


@pytest.fixture
def kc(runners, kubeconfig_file) -> str:
    return str(kubeconfig_file)


@pytest.mark.parametrize("args", [
    (),
    ("-o", "wide"),
    ("-o", "name"),
    ("--no-headers",),
    ("--namespaced=false",),
    ("--namespaced",),
    ("--api-group=apps",),
    ("--api-group=",),
    ("--sort-by=kind",),
    ("--sort-by=name", "-o", "wide"),
    ("--verbs=list,watch", "--categories=all"),
    ("--verbs", "create", "--verbs", "delete", "--namespaced=true"),
    ("--cached",),
    ("-o", "json"),
    ("--sort-by=age",),
    ("extra",),
])
def test_api_resources_matches_kubectl(runners, kc, args):
    runners.assert_same("--kubeconfig", kc, "api-resources", *args, normalise=normalise)


@pytest.mark.parametrize("args", [(), ("extra",)])
def test_api_versions_matches_kubectl(runners, kc, args):
    runners.assert_same("--kubeconfig", kc, "api-versions", *args, normalise=normalise)


@pytest.mark.parametrize("args", [(), ("-o", "yaml"), ("extra",), ("-o", "table")])
def test_version_matches_kubectl_apart_from_client_version(runners, kc, args):
    runners.assert_same("--kubeconfig", kc, "version", *args, normalise=normalise)


def test_version_json_server_part_matches_kubectl(runners, kc):
    expected, actual = runners.both("--kubeconfig", kc, "version", "-o", "json")
    assert actual.exit_code == expected.exit_code == 0
    ours, theirs = json.loads(actual.stdout), json.loads(expected.stdout)
    assert list(ours) == list(theirs) == ["clientVersion", "kustomizeVersion", "serverVersion"]
    assert ours["serverVersion"] == theirs["serverVersion"]
    assert ours["kustomizeVersion"] == theirs["kustomizeVersion"]
    assert list(ours["clientVersion"]) == list(theirs["clientVersion"])
    assert actual.stderr == expected.stderr == ""


def test_version_skew_warning(runners, kube_apiserver, kc, monkeypatch):
    from pykubectl.commands.version import skew_warning

    assert skew_warning("v1.32.5", "v1.32.0") == ""
    assert skew_warning("v1.32.5", "v1.31.9") == ""
    assert skew_warning("v1.32.5", "v1.29.1+k3s1") == (
        "WARNING: version difference between client (1.32) and server (1.29) exceeds the supported "
        "minor version skew of +/-1\n")
    assert skew_warning("v1.32.5", "v2.32.0").startswith("WARNING: version difference between client (1.32) "
                                                         "and server (2.32)")


def test_cluster_info_matches_kubectl(runners, kube_apiserver, kc):
    runners.assert_same("--kubeconfig", kc, "cluster-info", normalise=normalise)
    manifest = """apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {kubernetes.io/cluster-service: "true", kubernetes.io/name: CoreDNS}
spec:
  ports: [{name: dns, port: 53, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {kubernetes.io/cluster-service: "true"}
spec:
  ports: [{name: https, port: 443}]
"""
    created = runners.kubectl("--kubeconfig", kc, "apply", "-f", "-", stdin=manifest)
    assert created.exit_code == 0, created.stderr
    result = runners.assert_same("--kubeconfig", kc, "cluster-info", normalise=normalise)
    assert "CoreDNS is running at " in result.stdout
    assert "/services/https:metrics-server:https/proxy" in result.stdout
    runners.assert_same("--kubeconfig", kc, "cluster-info", "-n", "default", "ignored-word", normalise=normalise)


# -- connection and authentication failures ----------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("verb", ["api-versions", "api-resources", "version", "cluster-info"])
def test_refused_connection(runners, kc, verb):
    result = runners.assert_same("--kubeconfig", kc, f"--server=https://127.0.0.1:{_closed_port()}", verb,
                                 normalise=normalise)
    assert result.exit_code == 1


@pytest.mark.needs_simulation(reason="a cluster that authenticates by token alone (kind's admin has a client certificate, which wins over a wrong token)")
@pytest.mark.parametrize("verb", ["api-versions", "api-resources", "version"])
def test_bad_token_is_unauthorized(runners, kc, verb):
    result = runners.assert_same("--kubeconfig", kc, "--token=wrong", verb, normalise=normalise)
    assert result.exit_code == 1


def test_unknown_certificate_authority(runners, kube_apiserver, kc):
    result = runners.assert_same("--server", kube_apiserver.url, "--token=x", "--certificate-authority=/dev/null",
                                 "api-versions", normalise=normalise)
    assert "x509: certificate signed by unknown authority" in result.stderr


def test_insecure_skip_tls_verify(runners, kube_apiserver):
    token = kube_apiserver.tokens["admin"]
    runners.assert_same("--server", kube_apiserver.url, f"--token={token}", "--insecure-skip-tls-verify",
                        "api-versions", normalise=normalise)
    runners.assert_same("--server", kube_apiserver.url, f"--token={token}", "--insecure-skip-tls-verify",
                        "--certificate-authority=/dev/null", "api-versions", normalise=normalise)


@pytest.mark.parametrize("name", ["localhost", "wrong.example"])
def test_tls_server_name(runners, kc, name):
    runners.assert_same("--kubeconfig", kc, f"--tls-server-name={name}", "api-versions", normalise=normalise)


def test_tls_server_name_against_ip_server(runners, kube_apiserver, kc):
    port = kube_apiserver.url.rsplit(":", 1)[1]
    runners.assert_same("--kubeconfig", kc, f"--server=https://[::1]:{port}", "--tls-server-name=bad",
                        "api-versions", normalise=normalise)


def test_client_certificate_user(runners, kubeconfig_for):
    kc = str(kubeconfig_for("cert"))
    runners.assert_same("--kubeconfig", kc, "api-resources", "--api-group=apps", normalise=normalise)


def test_plain_http_sends_no_credentials(runners, kube_apiserver, kc):
    http_url = kube_apiserver.url.replace("https://", "http://")
    runners.assert_same("--kubeconfig", kc, f"--server={http_url}", "api-versions", normalise=normalise)


def test_bad_request_timeout(runners, kc):
    result = runners.assert_same("--kubeconfig", kc, "--request-timeout=abc", "version", normalise=normalise)
    assert result.stdout == ""


def test_request_timeout_is_sent(runners, kc):
    expected, actual = runners.both("--kubeconfig", kc, "--request-timeout=90", "api-versions", "-v=6")
    assert actual.stdout == expected.stdout
    assert klog_messages(actual.stderr) == klog_messages(expected.stderr)
    assert any("/api?timeout=1m30s 200 OK" in line for line in klog_messages(actual.stderr))


def test_verbose_request_lines(runners, kc):
    expected, actual = runners.both("--kubeconfig", kc, "api-resources", "--api-group=apps", "-v=6")
    assert actual.stdout == expected.stdout
    ours, theirs = klog_messages(actual.stderr), klog_messages(expected.stderr)
    requests = [line for line in theirs if line.startswith("GET ")]
    assert requests and [line for line in ours if line.startswith("GET ")] == requests


# -- the discovery cache is shared with kubectl ------------------------------------------------------------


def _discovery_requests(stderr: str) -> list[str]:
    return [line for line in klog_messages(stderr) if line.startswith("GET ") and ("/api?" in line or "/apis?" in line)]


def test_kubectl_reads_our_discovery_cache(runners, kc):
    cache = runners.home / ".kube" / "cache" / "discovery"
    ours = runners.pykubectl("--kubeconfig", kc, "api-resources")
    assert ours.exit_code == 0
    (host_dir,) = list(cache.iterdir())
    assert (host_dir / "servergroups.json").is_file()
    assert (host_dir / "apps" / "v1" / "serverresources.json").is_file()
    assert (host_dir / "v1" / "serverresources.json").stat().st_mode & 0o777 == 0o660
    assert (host_dir / "apps").stat().st_mode & 0o777 == 0o750
    theirs = runners.kubectl("--kubeconfig", kc, "api-resources", "--cached", "-v=6")
    assert theirs.stdout == ours.stdout
    assert _discovery_requests(theirs.stderr) == []


def test_we_read_kubectls_discovery_cache(runners, kc):
    theirs = runners.kubectl("--kubeconfig", kc, "api-resources")
    assert theirs.exit_code == 0
    ours = runners.pykubectl("--kubeconfig", kc, "api-resources", "--cached", "-v=6")
    assert ours.stdout == theirs.stdout
    assert _discovery_requests(ours.stderr) == []
    fresh = runners.pykubectl("--kubeconfig", kc, "api-resources", "-v=6")
    assert len(_discovery_requests(fresh.stderr)) == 2  # without --cached: /api and /apis again


def test_cache_files_have_kubectls_layout(runners, kc, tmp_path):
    ours_root, theirs_root = tmp_path / "ours", tmp_path / "theirs"
    runners.pykubectl("--kubeconfig", kc, f"--cache-dir={ours_root}", "api-resources")
    runners.kubectl("--kubeconfig", kc, f"--cache-dir={theirs_root}", "api-resources")

    def files(root: Path) -> dict[str, object]:
        return {str(p.relative_to(root)): json.loads(p.read_text()) for p in sorted(root.rglob("*.json"))}

    ours, theirs = files(ours_root / "discovery"), files(theirs_root / "discovery")
    assert ours.keys() == theirs.keys()
    for name in ours:
        if name.endswith("servergroups.json"):
            assert ours[name] == theirs[name], name
        else:  # kubectl writes each list in Go map order; compare as sets
            key = lambda r: r["name"]  # noqa: E731
            assert sorted(ours[name]["resources"], key=key) == sorted(theirs[name]["resources"], key=key), name
            assert {k: v for k, v in ours[name].items() if k != "resources"} == \
                   {k: v for k, v in theirs[name].items() if k != "resources"}


@pytest.mark.parametrize("verb", ["api-versions", "version", "cluster-info"])
def test_no_kubeconfig_falls_back_to_localhost_8080(runners, verb):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8080)) == 0:
            pytest.skip("something listens on localhost:8080")
    result = runners.assert_same(verb, normalise=normalise)
    assert "8080" in result.stderr
