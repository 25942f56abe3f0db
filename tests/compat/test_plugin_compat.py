"""kubectl-* plugins: `plugin list` and dispatch to a plugin, compared with the real kubectl 1.32 on the same
PATH (no API server involved)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Runners

SCRIPT = '#!/bin/sh\necho "{label} $0 $*"\necho "err {label}" >&2\nexit {code}\n'


def _plugin(directory: Path, name: str, label: str = "", code: int = 0, executable: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(SCRIPT.format(label=label or name, code=code))
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def plugin_path(tmp_path: Path) -> str:
    """Two PATH directories: shadowing, a non-executable file, built-in-overwriting names, a dangling link, a
    directory named like a plugin, underscores, and a missing directory."""
    a, b = tmp_path / "a", tmp_path / "b"
    _plugin(a, "kubectl-foo", "a-foo", code=3)
    _plugin(b, "kubectl-foo", "b-foo")
    _plugin(a, "kubectl-foo_bar", "foo_bar")
    _plugin(a, "kubectl-noexec", executable=False)
    _plugin(b, "kubectl-get")
    _plugin(b, "kubectl-config-view")
    _plugin(b, "kubectl-create-deploy")
    _plugin(a, "kubectl-create-foo", "cf")
    _plugin(a, "kubectl-version")
    _plugin(a, "not-a-plugin")
    (a / "kubectl-dir").mkdir()
    (a / "kubectl-dangling").symlink_to(tmp_path / "nowhere")
    return os.pathsep.join([str(a), str(b), str(tmp_path / "missing"), "/usr/bin", "/bin"])


def _same(runners: Runners, path: str, *args: str, stdin: str = ""):
    return runners.assert_same(*args, env={"PATH": path}, stdin=stdin)


@pytest.mark.parametrize("args", [["plugin", "list"], ["plugin", "list", "--name-only"],
                                  ["plugin", "list", "--name-only=false", "extra"]])
def test_plugin_list_warnings(runners: Runners, plugin_path: str, args):
    result = _same(runners, plugin_path, *args)
    assert result.exit_code == 1
    assert "is overshadowed by a similarly named plugin" in result.stderr
    assert "identified as a kubectl plugin, but it is not executable" in result.stderr
    assert 'kubectl-get overwrites existing command: "kubectl get"' in result.stderr
    assert 'overwrites existing command: "kubectl config view"' in result.stderr
    assert 'overwrites existing command: "kubectl create deployment"' in result.stderr
    assert "unable to identify" in result.stderr and "Skipping..." in result.stderr
    assert "kubectl-dir" not in result.stdout and "not-a-plugin" not in result.stdout


def test_plugin_list_none_found(runners: Runners, tmp_path: Path):
    result = _same(runners, str(tmp_path), "plugin", "list")
    assert (result.stdout, result.stderr, result.exit_code) == (
        "", "error: unable to find any kubectl plugins in your PATH\n", 1)


def test_plugin_list_one_warning_and_clean(runners: Runners, tmp_path: Path):
    _plugin(tmp_path / "x", "kubectl-hello")
    assert _same(runners, str(tmp_path / "x"), "plugin", "list").exit_code == 0
    _plugin(tmp_path / "x", "kubectl-hidden", executable=False)
    result = _same(runners, str(tmp_path / "x"), "plugin", "list", "--name-only")
    assert result.stderr.endswith("error: one plugin warning was found\n")


def test_plugin_list_path_entry_is_a_file(runners: Runners, tmp_path: Path):
    file = tmp_path / "file"
    file.write_text("x")
    _plugin(tmp_path / "x", "kubectl-hello")
    result = _same(runners, f"{file}:{tmp_path / 'x'}:{tmp_path / 'x'}", "plugin", "list")
    assert "readdirent" in result.stderr and result.stdout.count("kubectl-hello") == 1


@pytest.mark.parametrize("args", [["plugin"], ["plugin", "--help"], ["plugin", "list", "--help"], ["plugin", "nope"]])
def test_plugin_group_help(runners: Runners, tmp_path: Path, args):
    _same(runners, str(tmp_path), *args)


@pytest.mark.parametrize("args", [
    ["foo"],                      # the first plugin on PATH wins; its exit code passes through
    ["foo", "bar", "x", "-y"],    # no kubectl-foo-bar: kubectl-foo gets the rest
    ["foo-bar", "x", "--y=1"],    # dashes in the name are looked up as underscores
    ["foo_bar", "z"],
    ["foo", "-n", "x", "--context", "c"],  # flags after the name are the plugin's
    ["create", "foo", "x", "--y"],  # create's unknown sub-verb → kubectl-create-foo
    ["-n", "x", "foo"],           # flags before the plugin name
    ["--v=3", "nothere"],
    ["nothere", "a"],             # no plugin: kubectl's own unknown-command error
    ["noexec"],                   # not executable: not a plugin to run
])
def test_dispatch(runners: Runners, plugin_path: str, args):
    _same(runners, plugin_path, *args)


def test_dispatch_passes_stdin(runners: Runners, tmp_path: Path):
    plugin = tmp_path / "p" / "kubectl-cat"
    plugin.parent.mkdir()
    plugin.write_text("#!/bin/sh\ncat\n")
    plugin.chmod(0o755)
    assert _same(runners, f"{plugin.parent}:/usr/bin:/bin", "cat", stdin="hello\n").stdout == "hello\n"


@pytest.mark.parametrize("with_plugins", [True, False])
def test_root_help_lists_plugins(runners: Runners, plugin_path: str, tmp_path: Path, with_plugins: bool):
    """kubectl 1.32 prints "Subcommands provided by plugins:" (empty or not) before "Other Commands"."""
    result = _same(runners, plugin_path if with_plugins else str(tmp_path), "--help")
    assert "Subcommands provided by plugins:\n" in result.stdout
    assert ("  version       The command version is a plugin" in result.stdout) is with_plugins


def test_exec_replaces_the_process(tmp_path: Path):
    """As a real process, pykubectl execs the plugin: argv[0] is its path, the exit code and stdin pass
    through and the plugin's stdout is not buffered behind ours."""
    plugin = _plugin(tmp_path / "bin", "kubectl-hi", code=7)
    env = {**os.environ, "PATH": f"{plugin.parent}:/usr/bin:/bin", "HOME": str(tmp_path)}
    ours = subprocess.run([sys.executable, "-m", "pykubectl", "hi", "a b", "-c"], capture_output=True, text=True,
                          env=env, timeout=30)
    assert (ours.stdout, ours.stderr, ours.returncode) == (f"kubectl-hi {plugin} a b -c\n", "err kubectl-hi\n", 7)
    pid_script = tmp_path / "bin" / "kubectl-pid"
    pid_script.write_text("#!/bin/sh\necho $$\n")
    pid_script.chmod(0o755)
    proc = subprocess.Popen([sys.executable, "-m", "pykubectl", "pid"], stdout=subprocess.PIPE, text=True, env=env)
    out, _ = proc.communicate(timeout=30)
    assert int(out) == proc.pid  # the same process: execve, not a child


def test_relative_and_unclean_path_entries(runners: Runners, tmp_path: Path, monkeypatch):
    """PATH entries are joined as Go's filepath.Join does (cleaned), relative ones from the working directory."""
    _plugin(tmp_path / "rel", "kubectl-rel")
    monkeypatch.chdir(tmp_path)
    for path in ("rel:/usr/bin:/bin", f"{tmp_path}//rel/:/usr/bin:/bin"):
        assert "kubectl-rel" in _same(runners, path, "rel", "x").stdout
        _same(runners, path, "plugin", "list")


@pytest.mark.parametrize("args", [["help"], ["help", "get"], ["help", "get", "pods"], ["help", "rollout", "status"],
                                  ["help", "foo"], ["help", "nothere", "x"]])
def test_help_command(runners: Runners, plugin_path: str, args):
    """cobra's `help [VERB…]`: the verb's help; an unknown topic (a plugin's too) gets the root usage on stderr."""
    _same(runners, plugin_path, *args)
