"""The opt-in kubectl switch: a kubectl link to pykubectl that never replaces a real kubectl unasked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pykubectl.cli.install_kubectl_alias import BACKUP_SUFFIX, SwitchError, install, main, uninstall


@pytest.fixture
def target(tmp_path: Path) -> Path:
    entry = tmp_path / "venv" / "pykubectl"
    entry.parent.mkdir()
    entry.write_text("#!/bin/sh\necho pykubectl\n")
    entry.chmod(0o755)
    return entry


def test_install_then_uninstall(tmp_path: Path, target: Path):
    bin_dir = tmp_path / "bin"
    install(bin_dir, target=target)
    link = bin_dir / "kubectl"
    assert link.is_symlink() and Path(os.readlink(link)) == target
    assert install(bin_dir, target=target) == [f"{link} already runs pykubectl"]  # idempotent
    uninstall(bin_dir, target=target)
    assert not link.exists() and not link.is_symlink()


def test_a_real_kubectl_is_kept_unless_forced_and_restored(tmp_path: Path, target: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = bin_dir / "kubectl"
    real.write_text("#!/bin/sh\necho real\n")
    with pytest.raises(SwitchError, match="already exists"):
        install(bin_dir, target=target)
    assert real.read_text() == "#!/bin/sh\necho real\n" and not real.is_symlink()
    install(bin_dir, force=True, target=target)
    assert real.is_symlink() and (bin_dir / f"kubectl{BACKUP_SUFFIX}").read_text().endswith("echo real\n")
    uninstall(bin_dir, target=target)
    assert not real.is_symlink() and real.read_text().endswith("echo real\n")


def test_uninstall_leaves_a_foreign_kubectl_alone(tmp_path: Path, target: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").symlink_to("/usr/bin/true")
    with pytest.raises(SwitchError, match="not a pykubectl link"):
        uninstall(bin_dir, target=target)
    assert (bin_dir / "kubectl").is_symlink()


def test_command_line_refuses_with_exit_code_1(tmp_path: Path, capsys):
    (tmp_path / "kubectl").write_text("x")
    assert main(["--dir", str(tmp_path)]) == 1
    assert "Use --force" in capsys.readouterr().err


def test_the_link_runs_pykubectl_as_kubectl(tmp_path: Path):
    """Through the link, pykubectl answers as kubectl would (its completion script completes `kubectl`)."""
    if not (Path(sys.executable).parent / "pykubectl").exists():
        pytest.skip("the pykubectl entry point is not installed beside this Python")
    assert main(["--dir", str(tmp_path / "bin")]) == 0
    out = subprocess.run([str(tmp_path / "bin" / "kubectl"), "completion", "zsh"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "HOME": str(tmp_path)}).stdout
    assert out.startswith("#compdef kubectl\ncompdef _kubectl kubectl\n")
    assert main(["--dir", str(tmp_path / "bin"), "--uninstall"]) == 0
    assert not (tmp_path / "bin" / "kubectl").exists()
