"""`run -i/--attach/--rm`: the real kubectl 1.32 and pykubectl against the same simulated cluster.

Each tool runs its own pod (NAME-k for kubectl, NAME-p for pykubectl, the suffix normalised away), so a pod the
first one left behind or is still deleting cannot disturb the second. Compared byte for byte: the container's
output through attach, the `If you don't see a command prompt` hint, `pod "x" deleted` after --rm, the
`pod default/x terminated (Error)` error and the container's exit code as kubectl's.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import Result, Runners, _isolated_env, require_real_kubectl, strip_klog

pytestmark = pytest.mark.needs_simulation


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    binary = require_real_kubectl()
    root = tmp_path_factory.mktemp("run-attach")
    kube_apiserver.reset()
    kubeconfig = kube_apiserver.write_kubeconfig(root / "kubeconfig")
    home = root / "home"
    home.mkdir()
    yield {"KUBECONFIG": str(kubeconfig), "home": home, "binary": binary,
           "env": _isolated_env(home, {"KUBECONFIG": str(kubeconfig)})}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    return Runners(state["home"], monkeypatch)


def _normalise(result: Result, name: str) -> Result:
    def clean(text: str) -> str:
        text = re.sub(rf"\b{re.escape(name)}-[kp]\b", name, text)
        return text.replace("kubectl.1.32 ", "kubectl ")

    return Result(clean(result.stdout), strip_klog(clean(result.stderr)), result.exit_code)


def _both(runners: Runners, state, name: str, args: list[str], stdin: str = "") -> tuple[Result, Result]:
    env = {"KUBECONFIG": state["KUBECONFIG"]}
    expected = runners.kubectl("run", f"{name}-k", *args, env=env, stdin=stdin)
    actual = runners.pykubectl("run", f"{name}-p", *args, env=env, stdin=stdin)
    return _normalise(expected, name), _normalise(actual, name)


def _without_attach_race(result: Result) -> Result:
    """A container that ends at once may be gone before the attach connects (then both tools warn and stream the
    logs) or even before the pod is seen running (then neither prints the hint): the same race for both tools."""
    lines = [line for line in result.stderr.splitlines(keepends=True)
             if not line.startswith(("If you don't see a command prompt", "warning: couldn't attach to pod/"))]
    return Result(result.stdout, "".join(lines), result.exit_code)


def _assert_same(runners: Runners, state, name: str, args: list[str], stdin: str = "", racy: bool = False) -> Result:
    """`racy`: the container does not wait for its input, so on a loaded machine the attach may come too late
    for both tools alike (see _without_attach_race)."""
    expected, actual = _both(runners, state, name, args, stdin)
    if racy:
        expected, actual = _without_attach_race(expected), _without_attach_race(actual)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (
        expected.stdout, expected.stderr, expected.exit_code), f"run {name} {' '.join(args)}"
    return actual


def test_rm_never_passes_the_exit_code_and_deletes(runners: Runners, state) -> None:
    """Output through attach (or the logs), then `pod deleted`, then the container's exit code 3."""
    result = _assert_same(runners, state, "rm3", ["-i", "--rm", "--restart=Never", "--image=busybox", "--",
                                                  "sh", "-c", "sleep 1; echo hi; exit 3"], racy=True)
    assert result.stdout == 'hi\npod "rm3" deleted\n'
    assert result.stderr == "pod default/rm3 terminated (Error)\n"
    assert result.exit_code == 3


def test_rm_never_with_a_container_that_ends_at_once(runners: Runners, state) -> None:
    expected, actual = _both(runners, state, "fast", ["-i", "--rm", "--restart=Never", "--image=busybox", "--",
                                                      "sh", "-c", "echo hi; exit 3"])
    expected, actual = _without_attach_race(expected), _without_attach_race(actual)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert actual == Result('hi\npod "fast" deleted\n', "pod default/fast terminated (Error)\n", 3)


def test_stdin_is_piped_to_the_container(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "reader", ["-i", "--rm", "--restart=Never", "--image=busybox", "--",
                                                     "sh", "-c", "while read l; do echo \"got $l\"; done; exit 5"],
                          stdin="one\ntwo\n")
    assert result == Result('got one\ngot two\npod "reader" deleted\n',
                            "If you don't see a command prompt, try pressing enter.\npod default/reader terminated (Error)\n",
                            5)


def test_the_image_shell_runs_a_script_from_stdin(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "shell", ["-i", "--rm", "--restart=Never", "--image=busybox"],
                          stdin="echo hello\nexit 4\n")
    assert result == Result('hello\npod "shell" deleted\n',
                            "If you don't see a command prompt, try pressing enter.\npod default/shell terminated (Error)\n",
                            4)


def test_quiet_suppresses_the_hint_and_the_deletion_note(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "quiet", ["-q", "-i", "--rm", "--restart=Never", "--image=busybox", "--",
                                                    "sh", "-c", "read l; echo \"$l\""], stdin="word\n")
    assert result == Result("word\n", "", 0)


def test_attach_without_stdin_waits_for_success(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "att", ["--attach", "--restart=Never", "--image=busybox", "--",
                                                  "sh", "-c", "sleep 1; echo attached"], racy=True)
    assert result == Result("attached\n", "", 0)


def test_attach_on_failure_restart_policy(runners: Runners, state) -> None:
    """OnFailure waits for success only: a container that exits 0 returns 0."""
    result = _assert_same(runners, state, "onf", ["-i", "--rm", "--restart=OnFailure", "--image=busybox", "--",
                                                  "sh", "-c", "read l; echo \"$l\""], stdin="fine\n")
    assert result.exit_code == 0 and result.stdout.startswith("fine\n")


def test_attach_to_an_always_pod_returns_after_the_session(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "alw", ["-i", "--rm", "--image=busybox", "--",
                                                  "sh", "-c", "read l; echo \"$l\""], stdin="once\n")
    assert result.stdout == 'once\npod "alw" deleted\n'
    assert result.exit_code == 0


def test_expose_prints_the_service_and_rm_deletes_both(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "exp", ["-i", "--rm", "--restart=Never", "--image=busybox", "--port=80",
                                                  "--expose", "--", "sh", "-c", "read l; echo \"$l\""],
                          stdin="served\n")
    assert result.stdout == 'service/exp created\nserved\npod "exp" deleted\nservice "exp" deleted\n'


@pytest.mark.parametrize("args", [
    ["--rm", "--image=busybox"],
    ["--image=busybox", "--pod-running-timeout=0"],
    ["-i", "--rm", "--attach=false", "--image=busybox"],
    ["-i", "--image=busybox", "--pod-running-timeout=-1s"],
    ["-i", "--dry-run=client", "--image=busybox"],
    ["--attach", "--dry-run=server", "--image=busybox"],
    ["-t", "--image=busybox"],
])
def test_attach_flag_errors(runners: Runners, state, args) -> None:
    _assert_same(runners, state, "bad", args)


def test_stdin_without_attach_only_creates(runners: Runners, state) -> None:
    result = _assert_same(runners, state, "detached", ["-i", "--attach=false", "--restart=Never", "--image=busybox",
                                                       "--", "true"])
    assert result == Result("pod/detached created\n", "", 0)


def test_pod_running_timeout(runners: Runners, state) -> None:
    """A pod that cannot start: kubectl's wait gives up after --pod-running-timeout."""
    result = _assert_same(runners, state, "never", ["--attach", "--restart=Never", "--image=busybox",
                                                    "--pod-running-timeout=1s", "--overrides",
                                                    '{"spec":{"nodeSelector":{"nowhere":"true"}}}', "--",
                                                    "true"])
    assert result == Result("", "error: timed out waiting for the condition\n", 1)


def test_tty_under_a_real_terminal(state) -> None:
    """-it in a pseudo-terminal: raw mode, the line typed reaches the container, the exit code passes through,
    --rm deletes."""
    import os
    import sys

    from tests.compat.test_exec_compat import _read_until, _set_size

    outputs = {}
    for tool, argv in (("k", [state["binary"]]), ("p", [sys.executable, "-m", "pykubectl"])):
        master, slave = os.openpty()
        _set_size(slave, 24, 80)
        proc = subprocess.Popen([*argv, "run", f"tty-{tool}", "-it", "--rm", "--restart=Never", "--image=busybox",
                                 "--", "sh", "-c", "read l; echo \"got $l\"; exit 6"],
                                stdin=slave, stdout=slave, stderr=slave, env=state["env"], start_new_session=True)
        seen = bytearray()
        try:
            _read_until(master, b"try pressing enter", 30, seen)
            os.write(master, b"yes\n")
            _read_until(master, b"terminated", 30, seen)
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(slave)
            os.close(master)
        outputs[tool] = (code, b"got yes" in seen, f'pod "tty-{tool}" deleted'.encode() in seen)
    assert outputs["p"] == outputs["k"] == (6, True, True)


def test_tty_session_on_an_always_pod_ends_with_the_reattach_hint(state) -> None:
    """restartPolicy Always under a terminal: kubectl attach's `Session ended, resume using ...` line, then --rm."""
    import os
    import sys

    from tests.compat.test_exec_compat import _read_until, _set_size

    hints = {}
    for tool, argv in (("k", [state["binary"]]), ("p", [sys.executable, "-m", "pykubectl"])):
        master, slave = os.openpty()
        _set_size(slave, 24, 80)
        proc = subprocess.Popen([*argv, "run", f"again-{tool}", "-it", "--rm", "--image=busybox", "--",
                                 "sh", "-c", "read l; echo \"got $l\""],
                                stdin=slave, stdout=slave, stderr=slave, env=state["env"], start_new_session=True)
        seen = bytearray()
        try:
            _read_until(master, b"try pressing enter", 30, seen)
            os.write(master, b"yes\n")
            _read_until(master, b"deleted", 30, seen)
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(slave)
            os.close(master)
        text = bytes(seen).decode().replace(f"again-{tool}", "again")
        hints[tool] = (code, [line for line in text.splitlines() if line.startswith(("Session ended", "pod "))])
    assert hints["p"] == hints["k"] == (0, [
        "Session ended, resume using 'kubectl attach again -c again -i -t' command when the pod is running",
        'pod "again" deleted'])
