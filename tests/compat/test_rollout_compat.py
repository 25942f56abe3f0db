"""`rollout` against the real kubectl 1.32 on the simulated cluster: status, history (CHANGE-CAUSE, revisions,
printers), undo, pause, resume and restart for deployments, daemon sets and stateful sets, byte for byte, and the
same resulting objects when each tool changes its own twin of an object."""

from __future__ import annotations

import json

import pytest

# Runs under --kube-real too: each test works in a namespace of its own (pods must start within 20s).

WORKLOADS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: redis, image: redis}]
"""


def _kubectl(runners, env):
    def run(*args: str, stdin: str = ""):
        result = runners.kubectl(*args, env=env, stdin=stdin)
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout

    return run


def _deployment_with_history(kubectl, name: str) -> None:
    """Three revisions: nginx, nginx:1.25 (with a change-cause), nginx:1.26."""
    kubectl("create", "deployment", name, "--image=nginx", "--replicas=2")
    kubectl("rollout", "status", f"deployment/{name}", "--timeout=20s")
    kubectl("set", "image", f"deployment/{name}", "nginx=nginx:1.25")
    kubectl("annotate", f"deployment/{name}", "kubernetes.io/change-cause=upgrade to 1.25")
    kubectl("rollout", "status", f"deployment/{name}", "--timeout=20s")
    kubectl("set", "image", f"deployment/{name}", "nginx=nginx:1.26")
    kubectl("annotate", "--overwrite", f"deployment/{name}", "kubernetes.io/change-cause=upgrade to 1.26")
    kubectl("rollout", "status", f"deployment/{name}", "--timeout=20s")


@pytest.fixture
def cluster(runners, kubeconfig_file):
    env = {"KUBECONFIG": str(kubeconfig_file)}
    kubectl = _kubectl(runners, env)
    _deployment_with_history(kubectl, "web")
    kubectl("create", "deployment", "solo", "--image=busybox")
    kubectl("create", "deployment", "broken", "--image=doesnotexist")
    kubectl("apply", "-f", "-", stdin=WORKLOADS)
    kubectl("rollout", "status", "ds/agent", "--timeout=20s")
    kubectl("rollout", "status", "sts/db", "--timeout=20s")
    kubectl("set", "image", "ds/agent", "agent=busybox:1.36")
    kubectl("set", "image", "sts/db", "redis=redis:7")
    kubectl("rollout", "status", "ds/agent", "--timeout=20s")
    kubectl("rollout", "status", "sts/db", "--timeout=20s")
    kubectl.env = env
    return kubectl


READ_ONLY = [
    # status
    ("status", "deployment/web"),
    ("status", "deploy/web", "-w=false"),
    ("status", "deploy/web", "--watch=false", "--revision=3"),
    ("status", "deploy/web", "--revision=5"),
    ("status", "deploy/web", "--revision=-1"),
    ("status", "deploy/broken", "--timeout=1s"),
    ("status", "deploy/broken", "-w=false"),
    ("status", "ds/agent"),
    ("status", "sts/db"),
    ("status", "deploy", "-l", "app=web"),
    ("status", "deploy", "-l", "app=nope"),
    ("status", "deploy/nope"),
    ("status", "pod", "-l", "app=web"),
    ("status",),
    # history
    ("history", "deployment/web"),
    ("history", "deploy/web", "--revision=1"),
    ("history", "deploy/web", "--revision=2"),
    ("history", "deploy/web", "--revision=9"),
    ("history", "deploy/web", "-o", "name"),
    ("history", "deploy/web", "-o", "yaml", "--revision=2"),
    ("history", "deploy/web", "-o", "jsonpath={.metadata.name}", "--revision=3"),
    ("history", "deploy/web", "-o", "bogus"),
    ("history", "deploy/solo"),
    ("history", "deploy", "-l", "app=web"),
    ("history", "deploy/web", "deploy/solo"),
    ("history", "ds/agent"),
    ("history", "ds/agent", "--revision=1"),
    ("history", "sts/db"),
    ("history", "sts/db", "--revision=2"),
    ("history", "ds/agent", "-o", "name"),
    ("history", "sts/db", "-o", "yaml", "--revision=1"),
    ("history", "pods", "-l", "app=web"),
    ("history", "deploy/nope"),
    ("history",),
    # refusals and dry runs that change nothing
    ("undo", "deploy/web", "--to-revision=99"),
    ("undo", "deploy/web", "--dry-run=client"),
    ("undo", "deploy/web", "--to-revision=1", "--dry-run=client"),
    ("undo", "deploy/web", "--dry-run=server"),
    ("undo", "deploy/web", "--to-revision=3"),
    ("undo", "deploy/solo"),
    ("undo", "deploy/web", "--dry-run=bogus"),
    ("undo", "ds/agent", "--dry-run=client"),
    ("undo", "sts/db", "--to-revision=7"),
    ("undo", "pod/x"),
    ("undo",),
    ("resume", "deploy/web"),
    ("pause", "ds/agent"),
    ("resume", "sts/db"),
    ("pause", "deploy/nope"),
    ("pause",),
    ("restart",),
    ("restart", "pod", "-l", "app=web"),
    # flags
    ("status", "deploy/web", "--revision=x"),
    ("undo", "deploy/web", "--to-revision=1.5"),
    ("status", "deploy/web", "--timeout=soon"),
    ("bogus",),
    (),
    ("-n", "default"),
]


def test_rollout_variants_match_kubectl(runners, cluster):
    """Every case on one cluster state (none changes it): stdout, stderr and exit code as kubectl's."""
    mismatches = []
    for args in READ_ONLY:
        expected = runners.kubectl("rollout", *args, env=cluster.env)
        actual = runners.pykubectl("rollout", *args, env=cluster.env)
        if (expected.exit_code, expected.stdout, expected.stderr) != (actual.exit_code, actual.stdout, actual.stderr):
            mismatches.append((args, expected, actual))
    assert not mismatches, "\n\n".join(f"{a}\n{e}\n{p}" for a, e, p in mismatches)
    history = runners.pykubectl("rollout", "history", "deploy/web", env=cluster.env).stdout
    assert history == ("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         upgrade to 1.25\n"
                       "3         upgrade to 1.26\n\n")


@pytest.fixture
def twins(runners, kubeconfig_file):
    """Deployments `k` (for kubectl) and `p` (for pykubectl) with the same three revisions."""
    env = {"KUBECONFIG": str(kubeconfig_file)}
    kubectl = _kubectl(runners, env)
    for name in ("k", "p"):
        _deployment_with_history(kubectl, name)
    kubectl.env = env
    return kubectl


@pytest.fixture
def plain_twins(runners, kubeconfig_file):
    """Deployments `k` and `p` with one revision each (enough for pause, resume and restart)."""
    env = {"KUBECONFIG": str(kubeconfig_file)}
    kubectl = _kubectl(runners, env)
    for name in ("k", "p"):
        kubectl("create", "deployment", name, "--image=nginx", "--replicas=2")
    for name in ("k", "p"):
        kubectl("rollout", "status", f"deployment/{name}", "--timeout=20s")
    kubectl.env = env
    return kubectl


def _same_changes(runners, twins, *steps):
    """Run each step on `k` with kubectl and on `p` with pykubectl; outputs must match once the names are swapped."""
    for step in steps:
        expected = runners.kubectl(*[a.format(name="k") for a in step], env=twins.env)
        actual = runners.pykubectl(*[a.format(name="p") for a in step], env=twins.env)
        swap = expected.stdout.replace('"k"', '"p"').replace("/k ", "/p ").replace("/k\n", "/p\n")
        out = actual.stdout
        if step[:2] == ("rollout", "status"):  # the lines before the last depend on the controllers' pace
            swap, out = swap.splitlines(keepends=True)[-1], out.splitlines(keepends=True)[-1]
        assert (actual.exit_code, out, actual.stderr) == \
            (expected.exit_code, swap, expected.stderr.replace('"k"', '"p"')), step


def _view(twins, name: str) -> dict:
    """The parts of the deployment a rollout verb changes, with its name written as `x`."""
    obj = json.loads(twins("get", f"deploy/{name}", "-o", "json").replace(f'"{name}"', '"x"'))
    template = obj["spec"]["template"]
    return {"template": template, "paused": obj["spec"].get("paused"),
            "annotations": {k: v for k, v in obj["metadata"].get("annotations", {}).items()}}


def test_undo_to_the_previous_and_to_a_revision(runners, twins):
    _same_changes(runners, twins, ("rollout", "undo", "deploy/{name}"),
                  ("rollout", "status", "deploy/{name}", "--timeout=20s"),
                  ("rollout", "history", "deploy/{name}"),
                  ("rollout", "undo", "deploy/{name}", "--to-revision=1"),
                  ("rollout", "status", "deploy/{name}", "--timeout=20s"),
                  ("rollout", "history", "deploy/{name}"),
                  ("rollout", "undo", "deploy/{name}", "--to-revision=5"))
    assert _view(twins, "k") == _view(twins, "p")
    assert _view(twins, "p")["template"]["spec"]["containers"][0]["image"] == "nginx"


def test_pause_resume(runners, plain_twins):
    twins = plain_twins
    _same_changes(runners, twins, ("rollout", "pause", "deploy/{name}"),
                  ("rollout", "pause", "deploy/{name}"),
                  ("rollout", "undo", "deploy/{name}"),
                  ("rollout", "restart", "deploy/{name}"),
                  ("rollout", "resume", "deploy/{name}", "-o", "name"),
                  ("rollout", "resume", "deploy/{name}"))
    assert _view(twins, "k") == _view(twins, "p")


def test_restart_sets_restarted_at(runners, plain_twins):
    twins = plain_twins
    _same_changes(runners, twins, ("rollout", "restart", "deploy/{name}"),
                  ("rollout", "status", "deploy/{name}", "--timeout=20s"))
    stamps = [_view(twins, n)["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
              for n in ("k", "p")]
    assert all(len(s) == 20 and s.endswith("Z") for s in stamps), stamps
    assert int(twins("get", "deploy/p", "-o", "jsonpath={.metadata.generation}")) == 2
    history = runners.pykubectl("rollout", "history", "deploy/p", env=twins.env).stdout
    assert history == "deployment.apps/p \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"


@pytest.mark.parametrize("verb", ["", "status", "history", "undo", "pause", "resume", "restart"])
def test_rollout_help(runners, verb):
    runners.assert_same("rollout", *([verb] if verb else []), "--help")


class _Terminal(__import__("io").StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_spinner_runs_on_stderr_and_stdout_keeps_kubectls_lines(runners, plain_twins, monkeypatch):
    """rich draws a transient status on a terminal's standard error; standard output is unchanged."""
    from pykubectl.cli.main import main
    from pykubectl.streams import IOStreams

    twins = plain_twins
    expected = runners.kubectl("rollout", "status", "deploy/k", env=twins.env).stdout
    monkeypatch.setenv("KUBECONFIG", twins.env["KUBECONFIG"])
    monkeypatch.setenv("HOME", str(runners.home))
    for args in (("rollout", "status", "deploy/k"), ("wait", "--for=condition=Available", "deploy/k")):
        streams = IOStreams(__import__("io").StringIO(), __import__("io").StringIO(), _Terminal())
        assert main(list(args), streams) == 0
        if args[0] == "rollout":
            assert streams.out.getvalue() == expected
        else:
            assert streams.out.getvalue() == "deployment.apps/k condition met\n"
        err = streams.err.getvalue()
        assert "\x1b[?25l" in err and "\x1b[?25h" in err  # rich hid the cursor for its spinner, then showed it
        assert err.endswith("\x1b[2K")  # and erased the transient line
