"""kubectl's `"Unhandled Error"` klog lines when discovery fails (memcache.go's HandleError), compared with
pykubectl's: the same lines, as many of them, in the same place; only time and pid are blurred."""

from __future__ import annotations

import pytest

from tests.conftest import Result, blur_klog

REFUSED = "http://127.0.0.1:1"


def blurred(result: Result) -> Result:
    return Result(result.stdout, blur_klog(result.stderr).replace("kubectl.1.32", "kubectl"), result.exit_code)


@pytest.mark.parametrize("command", [
    "get pods", "get pods,svc,cm", "get pod/x", "get po web", "get all", "get pods -A", "get nodes -w",
    "describe pods", "delete pod x", "label pod x a=b", "annotate pod x a=b", "scale deploy x --replicas=1",
    "api-resources", "api-versions", "logs x", "exec x -- ls", "wait --for=delete pod/x", "rollout status deploy/x",
    "edit cm x", "get -f {manifest}", "describe -f {manifest}", "explain pods", "explain deploy.spec",
    "auth can-i get pods", "cluster-info",
])
def test_unreachable_server(runners, tmp_path, command):
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    args = command.replace("{manifest}", str(manifest)).split()
    result = runners.assert_same(*args, "--server", REFUSED, normalise=blurred)
    assert result.exit_code == 1


def test_lines_name_the_request_that_failed(runners):
    result = blurred(runners.pykubectl("get", "pods", "--server", REFUSED))
    line = ('E0000 00:00:00.000000       0 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API '
            'group list: Get \\"http://127.0.0.1:1/api?timeout=32s\\": dial tcp 127.0.0.1:1: connect: connection '
            'refused"\n')
    assert result.stderr == line * 5 + ("The connection to the server 127.0.0.1:1 was refused - did you specify the "
                                        "right host or port?\n")


@pytest.mark.needs_simulation
@pytest.mark.parametrize("command", ["get pods", "get cm/x", "api-versions"])
def test_rejected_credentials(runners, kubeconfig_file, command):
    runners.assert_same(*command.split(), "--token", "not-a-token", env={"KUBECONFIG": str(kubeconfig_file)},
                        normalise=blurred)
