"""Progress on a terminal: `wait --for=delete`, `delete` (waiting for a finalizer-held pod) and `apply -f DIR`
of 30 objects run under a pseudo-terminal show pykubectl's transient spinner or bar on standard error — and once
the drawing is erased the screen holds exactly what the real kubectl 1.32 leaves on it. The same commands in a
pipe print kubectl's bytes and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.compat.test_exec_compat import _set_size
from tests.conftest import Result, _isolated_env, require_real_kubectl, strip_klog
from tests.unit.printing.test_progress import _visible

pytestmark = pytest.mark.no_simulation

SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _pod(name: str) -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  finalizers: [example.com/hold]\n"
            "spec:\n  containers:\n  - name: c\n    image: busybox\n")


@pytest.fixture
def env(runners, kubeconfig_file):
    require_real_kubectl()
    environment = {"KUBECONFIG": str(kubeconfig_file)}
    runners.env.update(environment)
    return _isolated_env(runners.home, environment)


def _kubectl(runners, *args: str, stdin: str = "") -> None:
    result = runners.kubectl(*args, stdin=stdin)
    assert result.exit_code == 0, (args, result.stderr)


def _screen(text: str) -> str:
    """The terminal's final text, without kubectl's racy klog `Unhandled Error` line on a timed-out watch."""
    return strip_klog(_visible(text) + "\n").rstrip("\n")


def _no_klog(result: Result) -> Result:
    return Result(result.stdout, strip_klog(result.stderr), result.exit_code)


def _in_pty(argv: list[str], env: dict, timeout: float = 30) -> tuple[str, int]:
    """Everything the command wrote to a 24x120 terminal (stdout and stderr both on it), and its exit code."""
    import select

    master, slave = os.openpty()
    _set_size(slave, 24, 120)
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return bytes(seen).decode(), code


def _both_in_pty(env: dict, args_for) -> dict[str, tuple[str, int]]:
    """args_for(tool) → the command's arguments for "k" (the real kubectl) and "p" (pykubectl)."""
    binary = require_real_kubectl()
    return {tool: _in_pty([*argv, *args_for(tool)], env)
            for tool, argv in (("k", [binary]), ("p", [sys.executable, "-m", "pykubectl"]))}


def test_wait_for_delete_shows_a_spinner_and_leaves_kubectls_screen(runners, env) -> None:
    _kubectl(runners, "apply", "-f", "-", stdin=_pod("held"))
    _kubectl(runners, "delete", "pod", "held", "--wait=false")
    outputs = _both_in_pty(env, lambda _tool: ["wait", "--for=delete", "pod/held", "--timeout=1s"])
    drawn, code = outputs["p"]
    assert "Waiting for pods/held to be deleted…" in drawn
    assert any(frame in drawn for frame in SPINNER_FRAMES)
    assert "Waiting" not in outputs["k"][0]
    assert (_screen(drawn), code) == (_screen(outputs["k"][0]), outputs["k"][1])
    assert _screen(drawn) == "error: timed out waiting for the condition on pods/held"
    runners.assert_same("wait", "--for=delete", "pod/held", "--timeout=1s", normalise=_no_klog)


def test_wait_in_a_pipe_draws_nothing(runners, env) -> None:
    _kubectl(runners, "apply", "-f", "-", stdin=_pod("held"))
    _kubectl(runners, "delete", "pod", "held", "--wait=false")
    result = runners.pykubectl("wait", "--for=delete", "pod/held", "--timeout=1s")
    assert (result.stdout, result.stderr, result.exit_code) == (
        "", "error: timed out waiting for the condition on pods/held\n", 1)


def test_delete_waits_for_a_finalizer_held_pod_with_a_spinner(runners, env) -> None:
    for tool in "kp":
        _kubectl(runners, "apply", "-f", "-", stdin=_pod(f"held-{tool}"))
    outputs = _both_in_pty(env, lambda tool: ["delete", "pod", f"held-{tool}", "--timeout=1s"])
    drawn, code = outputs["p"]
    assert "Waiting for pods/held-p to be deleted…" in drawn
    assert any(frame in drawn for frame in SPINNER_FRAMES)
    screens = {tool: _screen(text).replace(f"held-{tool}", "held") for tool, (text, _) in outputs.items()}
    assert (screens["p"], code) == (screens["k"], outputs["k"][1])
    assert screens["p"] == 'pod "held" deleted\nerror: timed out waiting for the condition on pods/held'


def test_delete_in_a_pipe_prints_kubectls_bytes(runners, env) -> None:
    _kubectl(runners, "apply", "-f", "-", stdin=_pod("held"))
    runners.assert_same("delete", "pod", "held", "--timeout=1s", normalise=_no_klog)


def _manifests(directory, count: int) -> None:
    directory.mkdir()
    for i in range(count):
        (directory / f"cm{i:02d}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i:02d}\ndata:\n  k: v\n")


@pytest.mark.needs_simulation(reason="creates the fixed namespaces k and p")
def test_apply_of_30_objects_shows_a_bar_and_leaves_kubectls_screen(runners, env, tmp_path) -> None:
    _manifests(tmp_path / "many", 30)
    for ns in ("k", "p"):
        _kubectl(runners, "create", "namespace", ns)
    outputs = _both_in_pty(env, lambda tool: ["apply", "-n", tool, "-f", str(tmp_path / "many")])
    drawn, code = outputs["p"]
    assert "Applying" in drawn and "/30" in drawn and "━" in drawn
    assert "Applying" not in outputs["k"][0]
    assert (_screen(drawn), code) == (_screen(outputs["k"][0]), outputs["k"][1]) == (
        "\n".join(f"configmap/c{i:02d} created" for i in range(30)), 0)


def test_apply_of_few_objects_draws_no_bar(runners, env, tmp_path) -> None:
    _manifests(tmp_path / "few", 3)
    text, code = _in_pty([sys.executable, "-m", "pykubectl", "apply", "-f", str(tmp_path / "few")], env)
    assert (text.replace("\r\n", "\n"), code) == ("".join(f"configmap/c{i:02d} created\n" for i in range(3)), 0)


@pytest.mark.needs_simulation(reason="creates the fixed namespaces k and p")
def test_apply_of_30_objects_in_a_pipe_prints_kubectls_bytes(runners, env, tmp_path) -> None:
    _manifests(tmp_path / "many", 30)
    for ns in ("k", "p"):
        _kubectl(runners, "create", "namespace", ns)
    kubectl = runners.kubectl("apply", "-n", "k", "-f", str(tmp_path / "many"))
    ours = runners.pykubectl("apply", "-n", "p", "-f", str(tmp_path / "many"))
    assert (ours.stdout, ours.stderr, ours.exit_code) == (kubectl.stdout, kubectl.stderr, kubectl.exit_code)
    assert ours.stdout.count(" created\n") == 30 and ours.stderr == ""


@pytest.mark.needs_simulation(reason="a rollout that no controller moves")
def test_rollout_status_shows_a_spinner_below_its_lines(runners, env) -> None:
    """No controllers: the rollout never moves; kubectl's waiting line stays on the screen, the spinner goes."""
    _kubectl(runners, "create", "deployment", "web", "--image=nginx")
    outputs = _both_in_pty(env, lambda _tool: ["rollout", "status", "deployment/web", "--timeout=1s"])
    drawn, code = outputs["p"]
    assert "Watching the rollout of deployment/web…" in drawn
    assert any(frame in drawn for frame in SPINNER_FRAMES)
    assert (_screen(drawn), code) == (_screen(outputs["k"][0]), outputs["k"][1])
    assert _screen(drawn) == ("Waiting for deployment spec update to be observed...\n"
                              "error: timed out waiting for the condition")
    runners.assert_same("rollout", "status", "deployment/web", "--timeout=1s", normalise=_no_klog)


def test_wait_for_create_shows_a_spinner(runners, env) -> None:
    outputs = _both_in_pty(env, lambda _tool: ["wait", "--for=create", "configmap/later", "--timeout=1s"])
    drawn, code = outputs["p"]
    assert "Waiting for configmaps/later to be created…" in drawn
    assert (_screen(drawn), code) == (_screen(outputs["k"][0]), outputs["k"][1])
    runners.assert_same("wait", "--for=create", "configmap/later", "--timeout=1s", normalise=_no_klog)


def test_the_bar_fits_standard_errors_terminal_when_stdout_is_a_pipe(runners, env, tmp_path) -> None:
    """stdout into a pipe, stderr on a 24x40 terminal: the lines go to the pipe untouched (kubectl's bytes)
    and the bar, narrowed to the terminal (its natural width is 55), is drawn and erased on stderr."""
    import select

    _manifests(tmp_path / "many", 30)
    master, slave = os.openpty()
    _set_size(slave, 24, 40)
    proc = subprocess.Popen([sys.executable, "-m", "pykubectl", "apply", "-f", str(tmp_path / "many")],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env={k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")},
                            start_new_session=True)
    os.close(slave)
    try:
        stdout, _ = proc.communicate(timeout=30)
        seen = bytearray()
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    drawn = bytes(seen).decode()
    assert stdout.decode() == "".join(f"configmap/c{i:02d} created\n" for i in range(30))
    assert proc.returncode == 0
    assert "Applying" in drawn and "30/30" in drawn
    assert 30 < max(len(_visible(line)) for line in drawn.split("\r")) <= 40
    assert _screen(drawn) == ""
