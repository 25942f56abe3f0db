"""Exec credential plugins: pykubectl and the real kubectl run the same plugin script the same way."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.compat.test_server_commands import normalise

PLUGIN = str(Path(__file__).resolve().parents[1] / "fixtures" / "exec-plugins" / "credential.py")
V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"


@pytest.fixture
def exec_kubeconfig(kube_apiserver, kubeconfig_for, tmp_path):
    """Write a kubeconfig whose user is the given exec block; returns its path."""
    kubeconfig_for("token")  # resets the server

    def make(exec_block: dict, cluster_extension: dict | None = None) -> str:
        config = kube_apiserver.kubeconfig("token")
        config["users"].append({"name": "exec-user", "user": {"exec": exec_block}})
        cluster = config["clusters"][0]
        config["contexts"].append({"name": "exec", "context": {"cluster": cluster["name"], "user": "exec-user"}})
        config["current-context"] = "exec"
        if cluster_extension is not None:
            cluster["cluster"]["extensions"] = [{"name": "client.authentication.k8s.io/exec",
                                                 "extension": cluster_extension}]
        path = tmp_path / "exec-kubeconfig.json"
        path.write_text(json.dumps(config))
        return str(path)

    return make


def _exec(*args: str, api_version: str = V1, **extra) -> dict:
    block = {"apiVersion": api_version, "command": PLUGIN, "args": list(args)}
    if api_version == V1:
        block["interactiveMode"] = "Never"
    block.update(extra)
    return block


def run_both(runners, tmp_path, *args: str):
    """Run kubectl, then pykubectl, each with its own plugin record file and run counter."""
    results, records, runs = [], [], []
    for name, runner in (("kubectl", runners.kubectl), ("pykubectl", runners.pykubectl)):
        record, count = tmp_path / f"record-{name}", tmp_path / "count"
        count.unlink(missing_ok=True)
        result = normalise(runner(*args, env={"PLUGIN_RECORD": str(record), "PLUGIN_COUNT": str(count)}))
        results.append(result)
        records.append([json.loads(line) for line in record.read_text().splitlines()] if record.exists() else [])
        runs.append(int(count.read_text()) if count.exists() else None)
    return results, records, runs


def assert_same(results):
    expected, actual = results
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)


@pytest.mark.parametrize("api_version", [V1, V1BETA1])
def test_plugin_token_environment_and_exec_info(runners, exec_kubeconfig, kube_apiserver, tmp_path, api_version):
    token = kube_apiserver.tokens["admin"]
    kc = exec_kubeconfig(_exec(f"token={token}", f"api-version={api_version}", api_version=api_version,
                               env=[{"name": "PLUGIN_COLOUR", "value": "blue"}]))
    results, records, _ = run_both(runners, tmp_path, "--kubeconfig", kc, "api-resources", "--api-group=apps")
    assert_same(results)
    assert results[1].exit_code == 0 and "deployments" in results[1].stdout
    assert records[0] == records[1]
    assert records[1][0]["env"] == {"PLUGIN_COLOUR": "blue", "PLUGIN_COUNT": str(tmp_path / "count")}
    assert records[1][0]["exec_info"] == {"kind": "ExecCredential", "apiVersion": api_version,
                                          "spec": {"interactive": False}}


def test_provide_cluster_info(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    token = kube_apiserver.tokens["admin"]
    kc = exec_kubeconfig(_exec(f"token={token}", provideClusterInfo=True), {"audience": "my-aud"})
    results, records, _ = run_both(runners, tmp_path, "--kubeconfig", kc, "api-versions")
    assert_same(results)
    assert records[0] == records[1]
    cluster = records[1][0]["exec_info"]["spec"]["cluster"]
    assert cluster == {"server": kube_apiserver.url,
                       "certificate-authority-data": base64.b64encode(kube_apiserver.ca_pem).decode(),
                       "config": {"audience": "my-aud"}}


def test_token_flag_beats_the_plugin(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    kc = exec_kubeconfig(_exec("mode=fail"))
    results, records, _ = run_both(runners, tmp_path, "--kubeconfig", kc,
                                   f"--token={kube_apiserver.tokens['admin']}", "api-versions")
    assert_same(results)
    assert results[1].exit_code == 0
    assert records == [[], []]


def test_reruns_once_after_401(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    """The first token is rejected: client-go re-runs the plugin and later requests use the new token."""
    token = kube_apiserver.tokens["admin"]
    kc = exec_kubeconfig(_exec(f"tokens=wrong,{token}", f"count={tmp_path / 'count'}"))
    for verb in ("api-versions", "api-resources", "version"):
        results, _, runs = run_both(runners, tmp_path, "--kubeconfig", kc, verb)
        assert_same(results)
        assert runs[0] == runs[1], verb


def test_expired_credential_is_refreshed_per_request(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    token = kube_apiserver.tokens["admin"]
    kc = exec_kubeconfig(_exec(f"token={token}", "expiry=2001-01-01T00:00:00Z", f"count={tmp_path / 'count'}"))
    results, _, runs = run_both(runners, tmp_path, "--kubeconfig", kc, "api-versions")
    assert_same(results)
    assert runs[0] == runs[1] == 3  # /api (request + TLS handshake) and /apis


def test_unexpired_credential_is_cached_in_process(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    token = kube_apiserver.tokens["admin"]
    kc = exec_kubeconfig(_exec(f"token={token}", "expiry=2999-01-01T00:00:00Z", f"count={tmp_path / 'count'}"))
    results, _, runs = run_both(runners, tmp_path, "--kubeconfig", kc, "api-resources")
    assert_same(results)
    assert runs[0] == runs[1] == 1


def test_client_certificate_credential(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    users = {u["name"]: u["user"] for u in kube_apiserver.kubeconfig("cert")["users"]}
    cert_user = next(u for u in users.values() if "client-certificate-data" in u)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_bytes(base64.b64decode(cert_user["client-certificate-data"]))
    key.write_bytes(base64.b64decode(cert_user["client-key-data"]))
    kc = exec_kubeconfig(_exec(f"cert={cert}", f"key={key}"))
    results, _, _ = run_both(runners, tmp_path, "--kubeconfig", kc, "api-resources", "--api-group=apps")
    assert_same(results)
    assert results[1].exit_code == 0


@pytest.mark.parametrize("block", [
    pytest.param(_exec("mode=fail", "code=7"), id="non-zero-exit"),
    pytest.param(_exec("mode=garbage"), id="not-json"),
    pytest.param(_exec("mode=empty"), id="empty-output"),
    pytest.param(_exec("mode=nostatus"), id="no-status"),
    pytest.param(_exec("mode=nokind"), id="no-kind"),
    pytest.param(_exec("token=x", f"api-version={V1BETA1}"), id="version-mismatch"),
    pytest.param(_exec("token=x", interactiveMode="Always"), id="always-interactive-without-terminal"),
    pytest.param({**_exec("token=x"), "command": "pykubectl-no-such-plugin",
                  "installHint": "Install it with: apt install nothing"}, id="not-installed"),
    pytest.param({**_exec("token=x"), "command": "/nonexistent/plugin"}, id="missing-path"),
])
def test_plugin_failures(runners, exec_kubeconfig, tmp_path, block):
    kc = exec_kubeconfig(block)
    for verb in ("api-versions",) if "mode=fail" not in block["args"] else ("api-versions", "version"):
        results, records, _ = run_both(runners, tmp_path, "--kubeconfig", kc, verb)
        assert_same(results)
        assert results[1].exit_code == 1


def test_no_plugin_over_plain_http(runners, exec_kubeconfig, kube_apiserver, tmp_path):
    kc = exec_kubeconfig(_exec("mode=fail"))
    http_url = kube_apiserver.url.replace("https://", "http://")
    results, records, _ = run_both(runners, tmp_path, "--kubeconfig", kc, f"--server={http_url}", "api-versions")
    assert_same(results)
    assert records == [[], []]
