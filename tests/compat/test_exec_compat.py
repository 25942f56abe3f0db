"""`exec` and `attach`: the real kubectl 1.32 and pykubectl against the same simulated cluster.

Exit codes, stdout/stderr and error texts byte for byte; 50 MB of stdin through `exec -i` with the same checksum
out (and 5 MB of stdout back); `-t` under a real pseudo-terminal with a resize the remote `stty size` sees and the local terminal
restored; `attach` to a running busybox loop and to a container reading its stdin. The same over SPDY/3.1
(KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false, and kubectl's fallback when the server refuses the websocket upgrade)
and through http and socks5 proxies.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from tests.conftest import Result, Runners, kubectl_state, strip_klog

pytestmark = pytest.mark.needs_simulation

MANIFESTS = """
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers:
  - {name: box, image: busybox, command: [sh, -c, "while true; do echo tick; sleep 1; done"]}
---
apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  containers:
  - {name: a, image: busybox, command: [sleep, "3600"]}
  - {name: b, image: busybox, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata:
  name: anno
  annotations: {kubectl.kubernetes.io/default-container: b}
spec:
  containers:
  - {name: a, image: busybox, command: [sleep, "3600"]}
  - {name: b, image: busybox, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata:
  name: badanno
  annotations: {kubectl.kubernetes.io/default-container: zz}
spec:
  containers:
  - {name: a, image: busybox, command: [sleep, "3600"]}
  - {name: b, image: busybox, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  restartPolicy: Never
  containers:
  - {name: done, image: busybox, command: [sh, -c, "echo finished"]}
---
apiVersion: v1
kind: Pod
metadata: {name: half}
spec:
  restartPolicy: Never
  containers:
  - {name: a, image: busybox, command: [sleep, "3600"]}
  - {name: b, image: busybox, command: [sh, -c, "exit 0"]}
---
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  containers:
  - {name: reader, image: busybox, stdin: true, command: [sh, -c, 'while read l; do echo "got $l"; done']}
---
apiVersion: v1
kind: Pod
metadata: {name: stuck}
spec:
  nodeSelector: {nowhere: "true"}
  containers:
  - {name: stuck, image: busybox, command: [sleep, "3600"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: busybox, command: [sleep, "3600"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: zero}
spec:
  replicas: 0
  selector: {matchLabels: {app: zero}}
  template:
    metadata: {labels: {app: zero}}
    spec:
      containers:
      - {name: zero, image: busybox}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: headless}
spec:
  clusterIP: None
  ports: [{port: 80}]
"""


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kubeconfig, home, env, binary, kubectl = kubectl_state(kube_apiserver, tmp_path_factory, "exec-state")

    kubectl("apply", "-f", "-", stdin=MANIFESTS)
    kubectl("wait", "--for=condition=Ready", "pod/box", "pod/duo", "pod/anno", "pod/badanno", "pod/reader",
            "--timeout=30s")
    kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=30s")
    kubectl("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/done", "--timeout=30s")
    kubectl("wait", '--for=jsonpath={.status.containerStatuses[?(@.name=="b")].state.terminated.reason}=Completed',
            "pod/half", "--timeout=30s")
    kube_apiserver.settle()
    yield {"KUBECONFIG": str(kubeconfig), "home": home, "binary": binary, "env": env}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    return Runners(state["home"], monkeypatch)


@pytest.fixture
def env(state):
    return {"KUBECONFIG": state["KUBECONFIG"]}


def _normalise(result: Result) -> Result:
    """The oracle's binary name in usage hints, the random exec id a runtime puts in its errors, and kubectl's
    timestamped klog lines (such as a racy `Unknown stream id 1, discarding message`)."""
    stderr = strip_klog(result.stderr).replace("kubectl.1.32 ", "kubectl ")
    stderr = re.sub(r'failed to start exec "[0-9a-f]{64}"', 'failed to start exec "ID"', stderr)
    return Result(result.stdout, stderr, result.exit_code)


EXACT = [
    # exit codes carried through, stdout and stderr apart
    "box -- true", "box -- false", "box -- sh -c 'exit 42'", "box -- sh -c 'echo out; echo err >&2; exit 3'",
    "box -c box -- sh -c 'exit 255'", "pod/box -- echo hi", "pods/box -- echo hi", "box -q -- echo quiet",
    "box -- sh -c 'kill -9 $$'",
    # the container kubectl picks
    "duo -- echo from-default", "duo -q -- echo quiet", "duo -c b -- echo from-b", "anno -- echo anno",
    "badanno -- echo fallback", "duo -c zz -- true",
    # kubectl's choice of pod for workloads and services
    "deploy/web -- echo deployed", "deployment.apps/web -- true", "svc/web -- echo served",
    "deploy/zero --pod-running-timeout=1s -- true", "svc/headless -- true",
    # -t without a terminal, -i without input
    "-t box -- echo tty", "-it box -- echo tty", "-i box -- cat",
    # errors
    "nope -- true", "deploy/nope -- true", "-n elsewhere box -- true", "done -- true", "stuck -- true",
    "box -- nosuchcommand", "half -c b -- true", "half -- echo running", "box", "box extra", "-- date", "box --pod-running-timeout=0 -- true",
    "box --pod-running-timeout=soon -- true", "foo/bar -- true", "-f /dev/null -- true",
]


@pytest.mark.parametrize("args", EXACT)
def test_exec_matches_kubectl(runners: Runners, env, args: str) -> None:
    import shlex

    runners.assert_same("exec", *shlex.split(args), env=env, normalise=_normalise)


def test_exec_stdin_text(runners: Runners, env) -> None:
    result = runners.assert_same("exec", "-i", "box", "--", "sh", "-c", "cat; echo done", env=env,
                                 stdin="line one\nline two\n")
    assert result.stdout == "line one\nline two\ndone\n"


HELP_AND_USAGE = ["exec --help", "attach --help", "attach", "attach a b c", "attach nope", "attach duo -c zz",
                  "attach done", "attach box --pod-running-timeout=0"]


@pytest.mark.parametrize("args", HELP_AND_USAGE)
def test_help_and_errors_match_kubectl(runners: Runners, env, args: str) -> None:
    runners.assert_same(*args.split(), env=env, normalise=_normalise)


# ------------------------------------------------------------------------------------------------ subprocesses


def _pykubectl_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "pykubectl", *args]


def _both(state) -> list[tuple[str, list[str]]]:
    return [("kubectl", [state["binary"]]), ("pykubectl", _pykubectl_argv())]


def test_fifty_megabytes_of_stdin_keep_their_checksum(state, tmp_path) -> None:
    data = os.urandom(1024 * 1024) * 50
    expected = hashlib.sha256(data).hexdigest()
    source = tmp_path / "big"
    source.write_bytes(data)
    for name, argv in _both(state):
        with open(source, "rb") as handle:
            proc = subprocess.run([*argv, "exec", "-i", "box", "--", "sha256sum"], stdin=handle,
                                  capture_output=True, env=state["env"], timeout=120)
        assert proc.returncode == 0, (name, proc.stderr)
        assert proc.stdout.decode().split()[0] == expected, name


def test_large_stdout_arrives_whole(state) -> None:
    script = "head -c 5000000 /dev/zero | tr '\\0' x"
    outputs = {}
    for name, argv in _both(state):
        proc = subprocess.run([*argv, "exec", "box", "--", "sh", "-c", script], capture_output=True,
                              env=state["env"], timeout=120)
        assert proc.returncode == 0, (name, proc.stderr)
        outputs[name] = proc.stdout
    assert outputs["pykubectl"] == outputs["kubectl"] == b"x" * 5_000_000


def _set_size(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _read_until(fd: int, pattern: bytes, timeout: float, seen: bytearray) -> bytes:
    deadline = time.monotonic() + timeout
    while pattern not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"waited for {pattern!r}, got {bytes(seen)!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise AssertionError(f"terminal closed before {pattern!r}: {bytes(seen)!r}")
            seen += chunk
    return bytes(seen)


def _run_in_pty(argv: list[str], env: dict) -> tuple[bytes, int, bool]:
    """Run exec -it under a fresh pty: read the remote size, resize, read it again; (output, code, restored)."""
    master, slave = os.openpty()
    _set_size(slave, 30, 100)
    before = termios.tcgetattr(slave)

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=controlling_terminal,
                            close_fds=True)
    seen = bytearray()
    try:
        _read_until(master, b"30 100", 30, seen)
        time.sleep(0.3)
        _set_size(master, 40, 120)  # the kernel sends SIGWINCH to the terminal's foreground group
        time.sleep(0.5)
        os.write(master, b"\r")
        _read_until(master, b"40 120", 30, seen)
        code = proc.wait(timeout=30)
        after = termios.tcgetattr(slave)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(slave)
        try:
            while select.select([master], [], [], 0.2)[0]:
                chunk = os.read(master, 4096)
                if not chunk:
                    break
                seen += chunk
        except OSError:
            pass
        os.close(master)
    return bytes(seen), code, after == before


def test_tty_resize_reaches_the_remote_terminal_and_the_terminal_is_restored(state) -> None:
    script = "stty size; read x; stty size; exit 7"
    for name, argv in _both(state):
        output, code, restored = _run_in_pty([*argv, "exec", "-it", "box", "--", "sh", "-c", script], state["env"])
        assert b"30 100" in output and b"40 120" in output, (name, output)
        assert code == 7, (name, output)
        assert restored, name


def test_interrupt_leaves_the_terminal_restored(state) -> None:
    """SIGTERM during a raw session: pykubectl ends and puts the terminal back as it found it."""
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(_pykubectl_argv("exec", "-it", "box", "--", "sh", "-c", "echo ready; sleep 30"),
                            stdin=slave, stdout=slave, stderr=slave, env=state["env"], start_new_session=True)
    try:
        _read_until(master, b"ready", 30, bytearray())
        assert termios.tcgetattr(slave) != before  # raw while the session lasts
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        assert code != 0
        assert termios.tcgetattr(slave) == before
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(slave)
        os.close(master)


def _attach_output(argv: list[str], env: dict, until: bytes, stdin: bytes | None = None) -> tuple[bytes, bytes]:
    """Run an attach until `until` has appeared on its stdout (30 s at most), then interrupt it."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.flush()
    out = bytearray()
    deadline = time.monotonic() + 30
    fd = proc.stdout.fileno()
    while until not in out and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            out += chunk
    proc.send_signal(signal.SIGINT)
    try:
        rest, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, err = proc.communicate()
    return bytes(out) + rest, err


def test_attach_follows_a_running_loop(state) -> None:
    for name, argv in _both(state):
        out, err = _attach_output([*argv, "attach", "box"], state["env"], b"tick\ntick\n")
        assert out.count(b"tick\n") >= 2, (name, out, err)
        assert set(out.splitlines()) == {b"tick"}, (name, out)
        assert err.startswith(b"If you don't see a command prompt, try pressing enter.\n"), (name, err)


def test_attach_sends_stdin_to_the_container(state) -> None:
    for name, argv in _both(state):
        word = name.encode()
        out, err = _attach_output([*argv, "attach", "-i", "reader"], state["env"], b"got " + word,
                                  stdin=word + b"\n")
        assert b"got " + word + b"\n" in out, (name, out, err)


@pytest.mark.parametrize("user,extra", [("cert", ()), ("cert", ("--as=limited",)), ("limited", ()),
                                        ("token", ("--as=limited", "--as-group=devs"))])
def test_exec_credentials_tls_and_impersonation_as_rest(runners: Runners, kube_apiserver, state, tmp_path, user,
                                                         extra) -> None:
    """The websocket carries the client certificate, the token and the Impersonate-* headers REST calls carry."""
    kubeconfig = kube_apiserver.write_kubeconfig(tmp_path / f"kubeconfig-{user}", user=user)
    runners.assert_same(*extra, "exec", "box", "--", "echo", "hi", env={"KUBECONFIG": str(kubeconfig)})


# ------------------------------------------------------------------------------------------------ SPDY

NO_WEBSOCKETS = {"KUBECTL_REMOTE_COMMAND_WEBSOCKETS": "false"}
SPDY = ["box -- sh -c 'echo out; echo err >&2; exit 3'", "box -- true", "box -c box -- sh -c 'exit 255'",
        "-i box -- cat", "-t box -- echo tty", "duo -c b -- echo from-b", "box -- nosuchcommand",
        "duo -c zz -- true", "done -- true", "half -c b -- true"]


@pytest.mark.parametrize("args", SPDY)
def test_exec_over_spdy_matches_kubectl(runners: Runners, env, args: str) -> None:
    """KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false: both tools speak SPDY/3.1 (POST + Upgrade) to the server."""
    import shlex

    runners.assert_same("exec", *shlex.split(args), env={**env, **NO_WEBSOCKETS}, normalise=_normalise)


def test_exec_stdin_over_spdy(runners: Runners, env) -> None:
    result = runners.assert_same("exec", "-i", "box", "--", "sh", "-c", "cat; echo done", env={**env, **NO_WEBSOCKETS},
                                 stdin="line one\nline two\n")
    assert result.stdout == "line one\nline two\ndone\n"


@pytest.fixture
def websockets_refused(kube_apiserver):
    """The server answers every exec/attach websocket upgrade with a plain 400."""
    kube_apiserver.cluster.exec_websockets = False
    try:
        yield
    finally:
        kube_apiserver.cluster.exec_websockets = True


@pytest.mark.parametrize("args", ["box -- sh -c 'echo out; echo err >&2; exit 3'", "box -- nosuchcommand",
                                  "duo -c zz -- true", "pod/box -- echo fallback"])
def test_a_refused_websocket_falls_back_to_spdy(runners: Runners, env, websockets_refused, args: str) -> None:
    import shlex

    result = runners.assert_same("exec", *shlex.split(args), env=env, normalise=_normalise)
    assert "websocket" not in result.stderr


def test_stdin_falls_back_to_spdy_with_its_checksum(state, websockets_refused, tmp_path) -> None:
    data = os.urandom(1024 * 1024) * 8
    source = tmp_path / "data"
    source.write_bytes(data)
    for name, argv in _both(state):
        with open(source, "rb") as handle:
            proc = subprocess.run([*argv, "exec", "-i", "box", "--", "sha256sum"], stdin=handle,
                                  capture_output=True, env=state["env"], timeout=120)
        assert proc.returncode == 0, (name, proc.stderr)
        assert proc.stdout.decode().split()[0] == hashlib.sha256(data).hexdigest(), name


def test_tty_resize_over_spdy(state) -> None:
    script = "stty size; read x; stty size; exit 7"
    for name, argv in _both(state):
        output, code, restored = _run_in_pty([*argv, "exec", "-it", "box", "--", "sh", "-c", script],
                                             {**state["env"], **NO_WEBSOCKETS})
        assert b"30 100" in output and b"40 120" in output, (name, output)
        assert code == 7, (name, output)
        assert restored, name


def test_attach_stdin_over_spdy(state) -> None:
    for name, argv in _both(state):
        word = f"spdy-{name}".encode()
        out, err = _attach_output([*argv, "attach", "-i", "reader"], {**state["env"], **NO_WEBSOCKETS},
                                  b"got " + word, stdin=word + b"\n")
        assert b"got " + word + b"\n" in out, (name, out, err)


@pytest.mark.parametrize("scheme", ["http", "socks5"])
@pytest.mark.parametrize("transport", ["websocket", "spdy"])
def test_exec_through_the_kubeconfig_proxy(runners: Runners, state, tmp_path, scheme, transport) -> None:
    """proxy-url applies to the stream connection as to REST calls (http CONNECT and socks5), both transports."""
    from pathlib import Path

    from tests.client.test_proxy_url import _ConnectHandler, _Proxy, _Socks5Handler, _with_proxy

    proxy = _Proxy(_ConnectHandler if scheme == "http" else _Socks5Handler)
    try:
        kubeconfig = _with_proxy(Path(state["KUBECONFIG"]), f"{scheme}://127.0.0.1:{proxy.port}", tmp_path)
        extra = NO_WEBSOCKETS if transport == "spdy" else {}
        result = runners.assert_same("exec", "box", "--", "sh", "-c", "echo via proxy; exit 4",
                                     env={"KUBECONFIG": kubeconfig, **extra}, normalise=_normalise)
        assert (result.stdout, result.exit_code) == ("via proxy\n", 4)
        # each tool: its pod GET and its stream connection went through the proxy
        assert len(proxy.targets) >= 4, proxy.targets
    finally:
        proxy.shutdown()
        proxy.server_close()
