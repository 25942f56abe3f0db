"""`wait` against the real kubectl 1.32 on the simulated cluster: conditions, JSONPath values, creation,
deletion, timeouts (zero, negative, short) and kubectl's errors, byte for byte."""

from __future__ import annotations

import pytest

# Runs under --kube-real too: each test works in a namespace of its own (pods must start within 20s).


@pytest.fixture
def cluster(runners, kubeconfig_file):
    """A rolled-out two-replica deployment `web` and a deployment `broken` whose pods never start."""
    env = {"KUBECONFIG": str(kubeconfig_file)}

    def kubectl(*args: str, stdin: str = ""):
        result = runners.kubectl(*args, env=env, stdin=stdin)
        assert result.exit_code == 0, (args, result.stderr)
        return result

    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2")
    kubectl("create", "deployment", "broken", "--image=doesnotexist")
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    kubectl.env = env
    return kubectl


CASES = [
    # conditions
    ("--for=condition=Available", "deploy/web"),
    ("--for=condition=available", "deploy/web", "--timeout=0"),
    ("--for=condition=Available=True", "deployment.apps/web"),
    ("--for=condition=Available=false", "deploy/web", "--timeout=0"),
    ("--for=condition=Available", "deploy/web", "--timeout=-1s"),
    ("--for=condition=Ready", "pod", "-l", "app=web"),
    ("--for=condition=Ready", "pods", "-A", "-l", "app=web", "--timeout=0"),
    ("--for=condition=Ready", "pod", "-l", "app=nope"),
    ("--for=condition=Ready", "pod", "-l", "app=broken", "--timeout=1s"),
    ("--for=condition=Available", "deploy", "--all", "--timeout=0"),
    ("--for=condition=Available", "deploy", "web", "broken", "--timeout=1s"),
    ("--for=condition=Available", "-l", "app=web", "deploy,rs", "--timeout=1s"),
    ("--for=condition=Available", "deploy/web", "deploy/nope", "--timeout=0"),
    ("--for=condition=Available=false", "deploy/web", "deploy/web", "--timeout=0"),
    ("--for=condition=Available", "deploy/nope", "deploy/nope2", "--timeout=0"),
    ("--for=condition=Available", "deploy/web", "-o", "name"),
    ("--for=condition=Available", "deploy/web", "-o", "json"),
    ("--for=condition=Ready", "pod", "-l", "app=web", "-o", "yaml"),
    ("--for=condition=Available", "deploy/web", "-o", "jsonpath={.metadata.name}"),
    # jsonpath
    ("--for=jsonpath={.status.replicas}=2", "deploy/web"),
    ("--for=jsonpath=.status.readyReplicas=2", "deploy/web", "--timeout=0"),
    ("--for=jsonpath={.spec.template.spec.containers[0].image}='nginx'", "deploy/web"),
    ("--for=jsonpath={.status.phase}=Running", "pod", "-l", "app=web"),
    ("--for=jsonpath={.status}", "deploy/web"),
    ("--for=jsonpath={.status.replicas}=3", "deploy/web", "--timeout=0"),
    ("--for=jsonpath={.status.conditions[*].type}=x", "deploy/web"),
    ("--for=jsonpath={.status}=x", "deploy/web"),
    # create and delete
    ("--for=create", "deploy/web", "--timeout=0"),
    ("--for=create", "deploy/web"),
    ("--for=create", "deploy/nope", "--timeout=0"),
    ("--for=create", "deploy/nope", "--timeout=1s"),
    ("--for=delete", "deploy/nope", "--timeout=0"),
    ("--for=DELETE", "deploy/web", "--timeout=0"),
    ("--for=delete", "deploy", "-l", "app=nope"),
    ("--for=delete", "deploy/nope", "deploy/web", "--timeout=0"),
    # errors
    ("deploy/web",),
    ("--for=", "deploy/web"),
    ("--for=bogus", "deploy/web"),
    ("--for=jsonpath=", "deploy/web"),
    ("--for=jsonpath={.a}=", "deploy/web"),
    ("--for=jsonpath={.a}=b=c", "deploy/web"),
    ("--for=jsonpath={.a", "deploy/web"),
    ("--for=condition=Available",),
    ("--for=condition=Available", "deploy"),
    ("--for=condition=Available", "deploy/nope", "--timeout=0"),
    ("--for=condition=Available", "deploy/web", "-o", "bogus"),
    ("--for=condition=Available", "deploy/web", "--timeout=soon"),
    ("--for=condition=Available", "deploy/web", "--local"),
    ("--for=condition=Available", "--local"),
]


def test_wait_variants_match_kubectl(runners, cluster):
    """Every case on one cluster state (none of them changes it): stdout, stderr and exit code as kubectl's."""
    mismatches = []
    for args in CASES:
        expected = runners.kubectl("wait", *args, env=cluster.env)
        actual = runners.pykubectl("wait", *args, env=cluster.env)
        if (expected.exit_code, expected.stdout, expected.stderr) != (actual.exit_code, actual.stdout, actual.stderr):
            mismatches.append((args, expected, actual))
    assert not mismatches, mismatches
    assert len(CASES) >= 40


def test_wait_for_delete_after_a_delete(runners, cluster):
    cluster("delete", "deploy/web", "--wait=false")
    runners.assert_same("wait", "--for=delete", "deploy/web", "--timeout=20s", env=cluster.env)


def test_wait_for_create_of_an_object_made_meanwhile(runners, cluster, kubeconfig_file):
    import threading
    import time

    def later():
        time.sleep(0.5)
        cluster("create", "configmap", "late")

    for tool in (runners.kubectl, runners.pykubectl):
        thread = threading.Thread(target=later)
        thread.start()
        result = tool("wait", "--for=create", "configmap/late", "--timeout=10s", env=cluster.env)
        thread.join()
        assert (result.exit_code, result.stdout, result.stderr) == (0, "configmap/late condition met\n", "")
        cluster("delete", "configmap", "late")


def test_wait_for_objects_named_in_files(runners, cluster, tmp_path):
    tmp_path = tmp_path / "manifests"  # (HOME, with kubectl's cache, is inside the test's tmp_path)
    tmp_path.mkdir()
    manifest = tmp_path / "web.yaml"
    manifest.write_text(cluster("get", "deploy/web", "-o", "yaml").stdout)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "broken.json").write_text(cluster("get", "deploy/broken", "-o", "json").stdout)
    runners.assert_same("wait", "--for=condition=Available", "-f", str(manifest), env=cluster.env)
    runners.assert_same("wait", "--for=condition=Available", "-f", str(tmp_path), "--timeout=0", env=cluster.env)
    runners.assert_same("wait", "--for=condition=Available", "-f", str(tmp_path / "none.yaml"), env=cluster.env)


def test_wait_sees_a_change_made_while_it_watches(runners, cluster):
    """The condition is false when listed and becomes true on a watch event."""
    import threading
    import time

    for replicas, tool in ((3, runners.kubectl), (4, runners.pykubectl)):
        def later(replicas=replicas):
            time.sleep(0.5)
            cluster("scale", "deploy/web", f"--replicas={replicas}")

        thread = threading.Thread(target=later)
        thread.start()
        result = tool("wait", f"--for=jsonpath={{.spec.replicas}}={replicas}", "deploy/web", "--timeout=10s",
                      env=cluster.env)
        thread.join()
        assert (result.exit_code, result.stdout, result.stderr) == (0, "deployment.apps/web condition met\n", "")


def test_wait_help(runners):
    runners.assert_same("wait", "--help")


@pytest.mark.parametrize("text, expected", [
    ("delete", ("delete", "", "")),
    ("Create", ("create", "", "")),
    ("condition=Ready", ("condition", "Ready", "true")),
    ("condition=Ready=false", ("condition", "Ready", "false")),
    ("jsonpath={.status.phase}=Running", ("jsonpath", "{.status.phase}", "Running")),
    ("jsonpath=.status.replicas='2'", ("jsonpath", "{.status.replicas}", "2")),
    ("jsonpath={.status}", ("jsonpath", "{.status}", "")),
])
def test_parse_for(text, expected):
    from pykubectl.commands.wait import parse_for

    parsed = parse_for(text)
    assert (parsed.mode, parsed.name, parsed.value) == expected
