"""Shared test runners: pykubectl in-process, the real kubectl as a subprocess, and their comparison."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pykubectl.cli.main import main
from pykubectl.streams import IOStreams

ORACLE_VERSION = "1.32"

# klog lines ("E1128 10:46:03.105172    6351 memcache.go:265] ...", with indented continuation lines for
# multi-line values) carry timestamps and pids; the real kubectl prints several at -v=0 when discovery fails.
KLOG_LINE = re.compile(r"^[IEWF]\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ [^\]]+\] ")


def strip_klog(text: str) -> str:
    out, in_block = [], False
    for line in text.splitlines(keepends=True):
        if KLOG_LINE.match(line):
            in_block = line.rstrip().endswith("err=<")
            continue
        if in_block:
            if line.startswith(" >"):
                in_block = False
            continue
        out.append(line)
    return "".join(out)


def blur_klog(text: str) -> str:
    """klog lines kept, with their time and pid (which differ between two runs) replaced by fixed text."""
    return "".join(re.sub(r"^([IEWF])\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ", r"\g<1>0000 00:00:00.000000       0 ", line)
                   for line in text.splitlines(keepends=True))


@dataclass
class Result:
    stdout: str
    stderr: str
    exit_code: int

    def __iter__(self):  # allows `out, err, code = result`
        return iter((self.stdout, self.stderr, self.exit_code))


def find_real_kubectl(version: str = ORACLE_VERSION) -> str | None:
    """kubectl.<version> beside the dispatcher that `kubectl` on PATH resolves to."""
    dispatcher = shutil.which("kubectl")
    if not dispatcher:
        return None
    candidate = Path(os.path.realpath(dispatcher)).parent / f"kubectl.{version}"
    return str(candidate) if candidate.exists() else None


def _isolated_env(home: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
    env["HOME"] = str(home)
    env["KUBECTL_COMMAND_HEADERS"] = "false"
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    return env


def kubectl_state(kube_apiserver, tmp_path_factory, name: str):
    """For a module's server state set up with the real kubectl: the server reset, its kubeconfig, an isolated
    HOME, its environment, the kubectl binary, and kubectl(*args, stdin="") asserting success, returning stdout."""
    binary = require_real_kubectl()
    root = tmp_path_factory.mktemp(name)
    kube_apiserver.reset()
    kubeconfig = kube_apiserver.write_kubeconfig(root / "kubeconfig")
    home = root / "home"
    home.mkdir()
    env = _isolated_env(home, {"KUBECONFIG": str(kubeconfig)})

    def kubectl(*args: str, stdin: str = "") -> str:
        proc = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, (args, proc.stderr)
        return proc.stdout

    return kubeconfig, home, env, binary, kubectl


class Runners:
    """Runs the same argv through pykubectl (in-process) and the real kubectl, in one isolated HOME."""

    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch):
        self.home = home
        self.monkeypatch = monkeypatch
        self.env: dict[str, str] = {}

    def pykubectl(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> Result:
        full_env = _isolated_env(self.home, {**self.env, **(env or {})})
        with self.monkeypatch.context() as patch:
            for key in list(os.environ):
                if key not in full_env:
                    patch.delenv(key)
            for key, value in full_env.items():
                patch.setenv(key, value)
            streams = IOStreams.buffers(stdin)
            with contextlib.redirect_stdout(streams.out), contextlib.redirect_stderr(streams.err):
                code = main(list(args), streams)
        return Result(streams.out.getvalue(), streams.err.getvalue(), code)

    def kubectl(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> Result:
        binary = require_real_kubectl()
        full_env = _isolated_env(self.home, {**self.env, **(env or {})})
        proc = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True,
                              env=full_env, timeout=60)
        return Result(proc.stdout, proc.stderr, proc.returncode)

    def pykubectl_subprocess(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> Result:
        full_env = _isolated_env(self.home, {**self.env, **(env or {})})
        proc = subprocess.run([sys.executable, "-m", "pykubectl", *args], input=stdin,
                              capture_output=True, text=True, env=full_env, timeout=60)
        return Result(proc.stdout, proc.stderr, proc.returncode)

    def both(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> tuple[Result, Result]:
        return self.kubectl(*args, env=env, stdin=stdin), self.pykubectl(*args, env=env, stdin=stdin)

    def assert_same(self, *args: str, env: dict[str, str] | None = None, stdin: str = "",
                    normalise=None) -> Result:
        expected, actual = self.both(*args, env=env, stdin=stdin)
        if normalise is not None:
            expected, actual = normalise(expected), normalise(actual)
        assert (actual.stdout, actual.stderr, actual.exit_code) == (
            expected.stdout, expected.stderr, expected.exit_code), f"kubectl {' '.join(args)}"
        return actual


def require_real_kubectl() -> str:
    binary = find_real_kubectl()
    if binary is None:
        message = f"the real kubectl.{ORACLE_VERSION} (beside the `kubectl` dispatcher on PATH) is absent"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must have it")
        pytest.skip(message)
    return binary


@pytest.fixture
def runners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runners:
    home = tmp_path / "home"
    home.mkdir()
    return Runners(home, monkeypatch)


@pytest.fixture
def real_kubectl() -> str:
    return require_real_kubectl()


@pytest.fixture
def pykubectl(runners: Runners):
    return runners.pykubectl


__all__ = ["Result", "Runners", "io"]
