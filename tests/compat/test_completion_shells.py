"""Shell completion driven through the real shells, with the scripts `pykubectl completion bash|zsh` prints.

bash: the script is sourced after bash-completion and its function is called with COMP_WORDS/COMP_CWORD set,
as readline would; the same is done with the real kubectl and its own script, and the candidates must agree.
zsh: an interactive zsh runs under a pseudo-terminal with compinit and the script loaded, a TAB is typed,
and the matches zsh's completion system adds are recorded (compadd -O) before they are shown.
Both need the shells installed (`make test` installs zsh and bash-completion); under CI a missing one fails.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Runners, find_real_kubectl
from tests.unit.cli.test_completion_compat import cluster, home  # noqa: F401 - module-scoped fixtures

pytestmark = pytest.mark.no_simulation

BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")

CASES = [
    ("get po", ["pods", "podtemplates", "pods.metrics.k8s.io", "poddisruptionbudgets.policy"]),
    ("get pods ", ["web", "worker"]),
    ("get pods w", ["web", "worker"]),
    ("-n ", ["default", "dev", "kube-node-lease", "kube-public", "kube-system"]),
    ("--context ", ["cert-admin", "limited", "token-admin"]),
    ("-n dev get pods ", ["db"]),
    ("exec web -c ", ["setup", "main", "side"]),
    ("get pods -o ", ["json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile",
                      "jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file",
                      "wide"]),
    ("rollout ", ["history", "pause", "restart", "resume", "status", "undo"]),
]


def _need(found: bool, what: str) -> None:
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed; CI must have it (make test installs it)")
    pytest.skip(f"{what} is not installed (make test installs it)")


@pytest.fixture
def shell_env(cluster, home, tmp_path_factory) -> dict[str, str]:  # noqa: F811
    """PATH with a `pykubectl` that runs this checkout, the module's warm HOME and its kubeconfig."""
    bin_dir = tmp_path_factory.mktemp("bin")
    shim = bin_dir / "pykubectl"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pykubectl "$@"\n')
    shim.chmod(0o755)
    real = find_real_kubectl()
    if real:
        (bin_dir / "kubectl").symlink_to(real)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
    env.update({"HOME": str(home), "KUBECONFIG": str(cluster), "PATH": f"{bin_dir}:/usr/bin:/bin", "COLUMNS": "120",
                "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "KUBECTL_COMMAND_HEADERS": "false"})
    return env


_SCRIPTS: dict[tuple[str, str], Path] = {}


def _script(shell: str, env: dict[str, str], tmp_path: Path, program: str = "pykubectl") -> Path:
    """The program's own completion script, made once per test run."""
    if (shell, program) not in _SCRIPTS or not _SCRIPTS[shell, program].exists():
        binary = [sys.executable, "-m", "pykubectl"] if program == "pykubectl" else [program]
        text = subprocess.run([*binary, "completion", shell], env=env, capture_output=True, text=True,
                              check=True, timeout=60).stdout
        path = tmp_path / f"{program}.{shell}"
        path.write_text(text)
        _SCRIPTS[shell, program] = path
    return _SCRIPTS[shell, program]


BASH_DRIVER = """
source {bash_completion}
source {script}
COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}
__start_{program} 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


def _bash(env, tmp_path: Path, program: str, line: str) -> list[str]:
    script = _script("bash", env, tmp_path, program)
    driver = tmp_path / f"drive-{program}.bash"
    driver.write_text(BASH_DRIVER.format(bash_completion=BASH_COMPLETION, script=script, program=program))
    words = line.split(" ")
    proc = subprocess.run(["bash", str(driver), program, *words], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [c for c in proc.stdout.split("\n") if c]


@pytest.mark.parametrize("line,expected", CASES, ids=[c[0] for c in CASES])
def test_bash(shell_env, tmp_path, line, expected):
    _need(shutil.which("bash") is not None and BASH_COMPLETION.exists(), "bash with bash-completion")
    ours = _bash(shell_env, tmp_path, "pykubectl", line)
    # on a 120-column terminal bash shows several candidates as "name  (description)"
    assert sorted(c.split("  (")[0].rstrip() for c in ours) == sorted(expected)
    if find_real_kubectl():
        assert sorted(ours) == sorted(_bash(shell_env, tmp_path, "kubectl", line))


ZSHRC = """
PS1='> '
autoload -U compinit && compinit -u -D
source {script}
compadd() {{
  if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return; fi
  local -a __hits
  builtin compadd -O __hits "$@"
  (( $#__hits )) && print -rl -- $__hits >> {capture}
  builtin compadd "$@"
}}
_capture_complete() {{ zle complete-word; print -r -- __DONE__ >> {capture}; }}
zle -N _capture_complete
bindkey '^I' _capture_complete
"""


def _zsh(env: dict[str, str], tmp_path: Path, line: str) -> list[str]:
    """Type `line` and TAB into an interactive zsh; the matches its completion system added."""
    zdotdir = tmp_path / "zdot"
    zdotdir.mkdir(exist_ok=True)
    capture = tmp_path / "capture"
    capture.unlink(missing_ok=True)
    script = _script("zsh", env, tmp_path)
    (zdotdir / ".zshrc").write_text(ZSHRC.format(script=script, capture=capture))
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive zsh on the terminal
        os.execvpe("zsh", ["zsh", "-i"], {**env, "ZDOTDIR": str(zdotdir), "TERM": "dumb"})

    def drain(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    os.read(fd, 65536)
                except OSError:
                    return

    try:
        deadline = time.monotonic() + 30
        drain(0.3)
        os.write(fd, f"{line}\t".encode())
        while time.monotonic() < deadline:
            drain(0.1)
            if capture.exists() and "__DONE__" in capture.read_text():
                break
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    text = capture.read_text() if capture.exists() else ""
    assert "__DONE__" in text, "zsh did not finish the completion"
    return [c for c in text.split("\n") if c and c != "__DONE__"]


@pytest.mark.parametrize("line,expected", CASES, ids=[c[0] for c in CASES])
def test_zsh(shell_env, tmp_path, line, expected):
    _need(shutil.which("zsh") is not None, "zsh")
    assert sorted(_zsh(shell_env, tmp_path, f"pykubectl {line}")) == sorted(expected)


def test_scripts_in_the_repository_are_current(runners: Runners):
    """completions/ holds what `pykubectl completion SHELL` prints, for packagers."""
    root = Path(__file__).resolve().parents[2] / "completions"
    for shell, name in (("bash", "pykubectl.bash"), ("zsh", "_pykubectl"), ("fish", "pykubectl.fish"),
                        ("powershell", "pykubectl.ps1")):
        assert (root / name).read_text() == runners.pykubectl("completion", shell).stdout, name


def test_scripts_match_kubectl_when_named_kubectl(runners: Runners, tmp_path):
    """Run as `kubectl` (a link made by the install switch), pykubectl prints kubectl 1.32's scripts byte for
    byte; under its own name, the same scripts for `pykubectl`."""
    entry = Path(sys.executable).parent / "pykubectl"
    if not entry.exists():
        pytest.skip("the pykubectl entry point is not installed beside this Python")
    link = tmp_path / "kubectl"
    link.symlink_to(entry)
    for shell in ("bash", "zsh", "fish", "powershell"):
        expected = runners.kubectl("completion", shell)
        assert expected.exit_code == 0
        ours = subprocess.run([str(link), "completion", shell], capture_output=True, text=True, timeout=60)
        assert (ours.stdout, ours.returncode) == (expected.stdout, 0)
        named = runners.pykubectl("completion", shell).stdout
        assert named == expected.stdout.replace("kubectl", "pykubectl").replace("KUBECTL", "PYKUBECTL")
