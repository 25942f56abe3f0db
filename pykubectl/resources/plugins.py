"""kubectl plugins on PATH: `kubectl-*` executables, found and checked as kubectl 1.32 does (stdlib only).

kubectl's pkg/cmd/plugin (ListPlugins, CommandOverrideVerifier) and pkg/cmd/cmd.go (DefaultPluginHandler
.Lookup, Go's exec.LookPath) are the reference. Used by `plugin list`, the root help's plugin section,
the process boundary's dispatch to a plugin and shell completion.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

PREFIX = "kubectl"
# kubectl 1.32's `create` generators by name and alias (cobra matches both): what `kubectl create foo` is not.
CREATE_SUBCOMMANDS: dict[str, str] = {
    alias: name
    for name, *aliases in (
        ("clusterrole",), ("clusterrolebinding",), ("configmap", "cm"), ("cronjob", "cj"),
        ("deployment", "deploy"), ("ingress", "ing"), ("job",), ("namespace", "ns"),
        ("poddisruptionbudget", "pdb"), ("priorityclass", "pc"), ("quota", "resourcequota"), ("role",),
        ("rolebinding",), ("secret",), ("service", "svc"), ("serviceaccount", "sa"), ("token",))
    for alias in (name, *aliases)
}


def go_error_text(exc: OSError) -> str:
    """An OSError in Go's words: `open /x: no such file or directory`."""
    reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
    return reason


def path_dirs(path: str | None = None) -> list[str]:
    """filepath.SplitList(PATH), de-duplicated without reordering (uniquePathsList)."""
    raw = os.environ.get("PATH", "") if path is None else path
    if raw == "":
        return []
    seen: set[str] = set()
    dirs = []
    for entry in raw.split(os.pathsep):
        if entry not in seen:
            seen.add(entry)
            dirs.append(entry)
    return dirs


@dataclass
class Listing:
    paths: list[str] = field(default_factory=list)  # every kubectl-* file, PATH order, then name order
    skipped: list[str] = field(default_factory=list)  # "Unable to read directory …" lines
    errors: list[str] = field(default_factory=list)


def list_plugins(path: str | None = None) -> Listing:
    """ListPlugins: regular (non-directory) entries named kubectl-* in every PATH directory."""
    listing = Listing()
    for directory in path_dirs(path):
        if not directory.strip():
            continue
        try:
            with os.scandir(directory) as entries:
                names = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in entries)
        except OSError as exc:
            # Go opens without O_DIRECTORY: a file opens, and only reading its entries fails
            op = "readdirent" if exc.errno == errno.ENOTDIR else "open"
            listing.skipped.append(f'Unable to read directory "{directory}" from your PATH: {op} {directory}: '
                                   f"{go_error_text(exc)}. Skipping...")
            continue
        for name, is_dir in names:
            if not is_dir and name.startswith(PREFIX + "-"):
                listing.paths.append(os.path.normpath(os.path.join(directory, name)))
    return listing


def is_executable(path: str) -> bool:
    """isExecutable: os.Stat (following links), not a directory, any execute bit."""
    mode = os.stat(path).st_mode
    return not stat.S_ISDIR(mode) and bool(mode & 0o111)


def look_path(file: str, path: str | None = None) -> str | None:
    """Go's exec.LookPath on Unix: a name with a slash is tried as is; else each PATH entry ("" is ".")."""
    if "/" in file:
        return file if _executable_file(file) else None
    raw = os.environ.get("PATH", "") if path is None else path
    for directory in raw.split(os.pathsep):
        candidate = os.path.normpath(os.path.join(directory or ".", file))  # Go's filepath.Join cleans
        if _executable_file(candidate):
            return candidate
    return None


def _executable_file(path: str) -> bool:
    try:
        return is_executable(path)
    except OSError:
        return False


def lookup(name: str) -> str | None:
    """DefaultPluginHandler.Lookup: `kubectl-<name>` on PATH."""
    return look_path(f"{PREFIX}-{name}")


def verify(paths: list[str], builtin: Callable[[list[str]], str | None]) -> list[list[str]]:
    """CommandOverrideVerifier.Verify for each path, in order: its warning lines (without "  - ").

    `builtin(segments)` returns the command path ("kubectl get") a plugin's name segments land on when
    they name a built-in command, else None.
    """
    seen: dict[str, str] = {}
    out = []
    for path in paths:
        problems = []
        base = os.path.basename(path)
        segments = base.split("-")
        if len(segments) > 1:
            segments = segments[1:]
        try:
            if not is_executable(path):
                problems.append(f"warning: {path} identified as a kubectl plugin, but it is not executable")
        except OSError as exc:
            problems.append(f"error: unable to identify {path} as an executable file: stat {path}: "
                            f"{go_error_text(exc)}")
        if base in seen:
            problems.append(f"warning: {path} is overshadowed by a similarly named plugin: {seen[base]}")
        else:
            seen[base] = path
        command_path = builtin(segments)
        if command_path is not None:
            problems.append(f'warning: {base} overwrites existing command: "{command_path}"')
        out.append(problems)
    return out


def help_names(known: Callable[[str], bool], path: str | None = None) -> list[str]:
    """The root help's plugin commands (registerPluginCommands with list=false): each plugin file's first
    name segment, underscores shown as dashes, unless it names a command; duplicates are kept."""
    names = []
    for plugin in list_plugins(path).paths:
        first = os.path.basename(plugin).split("-")[1].replace("_", "-")
        if not known(first):
            names.append(first)
    return names


def completion_names(path: str | None = None) -> list[tuple[str, ...]]:
    """Every plugin's full command words (registerPluginCommands with list=true): kubectl-a_b-c → (a-b, c)."""
    return [tuple(part.replace("_", "-") for part in os.path.basename(p).split("-")[1:])
            for p in list_plugins(path).paths]
