"""apply --prune with --wait/--timeout against the real kubectl 1.32.

kubectl 1.32 binds --wait and --timeout through its DeleteFlags but its pruner never reads them
(pkg/cmd/apply/prune.go: pruner has no wait): a pruned object held by a finalizer is left terminating and apply
returns at once. pykubectl must do the same: same output, same exit code, same server state, no waiting."""

from __future__ import annotations

import re
import ssl
import time

import httpx
import pytest

pytestmark = pytest.mark.no_simulation

KLOG_HEADER = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ", re.M)
HELD = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  labels:\n    grp: w\n  finalizers:\n"
        "  - example.com/hold\n")
FREE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: free\n  labels:\n    grp: w\n"
KEEP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  labels:\n    grp: w\ndata:\n  a: \"1\"\n"


@pytest.fixture
def setup(kube_apiserver, kubeconfig_file, runners, tmp_path, monkeypatch):
    if kube_apiserver is None:
        pytest.skip("these comparisons need the test API server")
    for name, text in (("held.yaml", HELD), ("free.yaml", FREE), ("keep.yaml", KEEP)):
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    env = {"KUBECONFIG": str(kubeconfig_file)}
    context = ssl.create_default_context(cadata=kube_apiserver.ca_pem.decode())
    client = httpx.Client(base_url=kube_apiserver.url, verify=context,
                          headers={"Authorization": f"Bearer {kube_apiserver.tokens['admin']}"})

    def prepare():
        kube_apiserver.reset()
        result = runners.kubectl("apply", "-f", "held.yaml", "-f", "free.yaml", "-f", "keep.yaml", env=env)
        assert result.exit_code == 0, result.stderr

    def state():
        names = {}
        for item in client.get("/api/v1/namespaces/default/configmaps").json()["items"]:
            metadata = item["metadata"]
            if metadata["name"] != "kube-root-ca.crt":
                names[metadata["name"]] = "terminating" if metadata.get("deletionTimestamp") else "live"
        return names

    yield env, prepare, state
    client.close()


def _clean(result):
    from tests.compat.test_write_harness import normalise_text

    def text(value: str) -> str:
        return normalise_text(KLOG_HEADER.sub(r"\1 ", value))

    return text(result.stdout), text(result.stderr), result.exit_code


@pytest.mark.parametrize("extra", [
    ("--wait",), ("--wait", "--timeout=20s"), ("--wait=true", "--timeout=1m", "--grace-period=0"),
    ("--wait=false",), ("--wait", "--cascade=foreground"), ("--wait", "--dry-run=server"),
    ("--wait", "--dry-run=client"), ("--wait", "-o", "name"), ("--wait", "-o", "yaml"), ("--wait", "--prune-allowlist=core/v1/ConfigMap"),
])
def test_prune_with_wait_does_not_wait_for_finalizers(runners, setup, extra):
    env, prepare, state = setup
    args = ("apply", "-f", "keep.yaml", "--prune", "-l", "grp=w", *extra)
    prepare()
    expected = runners.kubectl(*args, env=env)
    expected_state = state()
    prepare()
    started = time.monotonic()
    actual = runners.pykubectl(*args, env=env)
    elapsed = time.monotonic() - started
    actual_state = state()
    assert _clean(actual) == _clean(expected)
    assert actual_state == expected_state
    assert elapsed < 10  # the held object never goes away: waiting would mean a timeout
    if "--dry-run" not in " ".join(extra):
        assert expected.exit_code == 0
        assert actual_state == {"held": "terminating", "keep": "live"}
        if "-o" not in extra:
            assert "configmap/held pruned\n" in actual.stdout and "configmap/free pruned\n" in actual.stdout


@pytest.mark.parametrize("extra", [("--wait", "--timeout=abc"), ("--wait=maybe",), ("--timeout=-1s", "--wait")])
def test_wait_and_timeout_flag_errors(runners, setup, extra):
    env, prepare, _ = setup
    prepare()
    args = ("apply", "-f", "keep.yaml", "--prune", "-l", "grp=w", *extra)
    expected = runners.kubectl(*args, env=env)
    prepare()
    actual = runners.pykubectl(*args, env=env)
    assert _clean(actual) == _clean(expected)
