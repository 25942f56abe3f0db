"""The opt-in kubectl switch: make `kubectl` run pykubectl, in a bin directory the user chooses, and undo it.

    python -m pykubectl.cli.install_kubectl_alias [--dir DIR] [--force]     # DIR/kubectl -> pykubectl
    python -m pykubectl.cli.install_kubectl_alias --uninstall [--dir DIR]   # remove it, restore what was there

The link points at the `pykubectl` entry point, so pykubectl knows it runs as kubectl (its completion
scripts then complete `kubectl`). A file already at DIR/kubectl (a real kubectl) is never replaced without
--force; with --force it is kept as DIR/kubectl.before-pykubectl and put back by --uninstall. Nothing here runs
unless the user asks: installing pykubectl never touches `kubectl`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

BACKUP_SUFFIX = ".before-pykubectl"


class SwitchError(Exception):
    pass


def entry_point() -> Path:
    """The installed `pykubectl` script (beside this Python, else on PATH)."""
    beside = Path(sys.executable).parent / "pykubectl"
    if beside.exists():
        return beside.absolute()
    found = shutil.which("pykubectl")
    if found:
        return Path(found).absolute()
    raise SwitchError("cannot find the pykubectl entry point; install pykubectl first (pip install .)")


def _is_ours(link: Path, target: Path) -> bool:
    return link.is_symlink() and Path(os.readlink(link)) == target


def install(directory: Path, force: bool = False, target: Path | None = None) -> list[str]:
    target = target or entry_point()
    link = directory / "kubectl"
    backup = directory / ("kubectl" + BACKUP_SUFFIX)
    notes: list[str] = []
    directory.mkdir(parents=True, exist_ok=True)
    if _is_ours(link, target):
        return [f"{link} already runs pykubectl"]
    if link.exists() or link.is_symlink():
        if not force:
            what = f"a link to {os.readlink(link)}" if link.is_symlink() else "a file"
            raise SwitchError(f"{link} already exists ({what}); it was left alone. Use --force to replace it "
                              f"(it is kept as {backup.name} and restored by --uninstall)")
        if backup.exists() or backup.is_symlink():
            raise SwitchError(f"{backup} already exists; remove it or run --uninstall first")
        link.rename(backup)
        notes.append(f"moved the existing {link} to {backup}")
    link.symlink_to(target)
    notes.append(f"{link} -> {target}")
    notes.extend(_path_notes(directory, link))
    return notes


def uninstall(directory: Path, target: Path | None = None) -> list[str]:
    link = directory / "kubectl"
    backup = directory / ("kubectl" + BACKUP_SUFFIX)
    if not link.is_symlink() or not _points_at_pykubectl(link, target):
        raise SwitchError(f"{link} is not a pykubectl link; it was left alone")
    link.unlink()
    notes = [f"removed {link}"]
    if backup.exists() or backup.is_symlink():
        backup.rename(link)
        notes.append(f"restored {link} from {backup.name}")
    return notes


def _points_at_pykubectl(link: Path, target: Path | None) -> bool:
    pointed = Path(os.readlink(link))
    if target is not None and pointed == target:
        return True
    return pointed.name == "pykubectl"


def _path_notes(directory: Path, link: Path) -> list[str]:
    entries = [Path(p).absolute() for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    if directory.absolute() not in entries:
        return [f"note: {directory} is not on your PATH; add it (before any other kubectl) to use the switch"]
    first = shutil.which("kubectl")
    if first and Path(first).absolute() != link.absolute():
        return [f"note: {first} comes first on your PATH, so `kubectl` still runs it"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pykubectl.cli.install_kubectl_alias",
                                     description="Make `kubectl` run pykubectl (opt-in), or undo it.")
    parser.add_argument("--dir", default=str(Path.home() / ".local" / "bin"),
                        help="the bin directory for the kubectl link (default: ~/.local/bin)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing kubectl there (kept, and restored by --uninstall)")
    parser.add_argument("--uninstall", action="store_true", help="remove the link and restore what was there")
    options = parser.parse_args(argv)
    directory = Path(options.dir).expanduser()
    try:
        notes = uninstall(directory) if options.uninstall else install(directory, force=options.force)
    except (SwitchError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
