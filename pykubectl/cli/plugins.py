"""Running `kubectl-<name>` plugins: kubectl's NewDefaultKubectlCommandWithArgs and HandlePluginCommand.

Before the command tree runs, an argument list whose first word is not a built-in command (or `create`
followed by an unknown generator) is offered to the plugins on PATH, longest name first. The plugin
replaces this process (execve) so its exit code and signals are the user's; with injected streams (tests,
embedding) it runs as a child whose output is copied.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pykubectl.errors import PlainError
from pykubectl.resources import plugins as discovery

# cobra adds these at Execute time; kubectl never looks for a plugin when one is the command name.
NO_PLUGIN_NAMES = frozenset({"help", "__complete", "__completeNoDesc"})
# Flags that take no separate value word for cobra's stripFlags (bools, and flags with a no-value default).
_CREATE_NO_VALUE = frozenset({"edit", "save-config", "recursive", "R", "windows-line-endings",
                              "allow-missing-template-keys", "show-managed-fields", "dry-run", "validate"})


@dataclass(frozen=True)
class PluginRun:
    path: str
    args: tuple[str, ...]


def _root_no_value_flags() -> frozenset[str]:
    from pykubectl.flags.global_flags import GLOBAL_FLAGS

    names = {"help", "h"}
    for flag in GLOBAL_FLAGS:
        if flag.kind == "bool":
            names.add(flag.long)
            if flag.short:
                names.add(flag.short)
    return frozenset(names)


def strip_flags(args: Sequence[str], no_value: Iterable[str]) -> list[str]:
    """cobra's stripFlags: the words left once flags (and the values of flags that take one) are removed."""
    no_value = frozenset(no_value)
    words: list[str] = []
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word == "--":
            break
        takes_next = (word.startswith("--") and "=" not in word and word[2:] not in no_value) or (
            word.startswith("-") and "=" not in word and len(word) == 2 and word[1:] not in no_value)
        if takes_next:
            if len(rest) <= 1:
                break
            rest.pop(0)
            continue
        if word != "" and not word.startswith("-"):
            words.append(word)
    return words


def plan(args: Sequence[str], builtins: Iterable[str]) -> PluginRun | None:
    """Which plugin (if any) kubectl would run for these arguments. Raises PlainError as kubectl reports."""
    if not args:
        return None
    builtins = frozenset(builtins) | {"alpha"}  # kubectl's hidden alpha verb (no sub-verbs in 1.32)
    root_flags = _root_no_value_flags()
    words = strip_flags(args, root_flags)
    if not words:
        return None
    if words[0] not in builtins:
        name = next((a for a in args if not a.startswith("-")), "")
        if name in NO_PLUGIN_NAMES:
            return None
        return handle(args, 1)
    if words[0] != "create":
        return None
    # `kubectl create foo …`: a plugin kubectl-create-foo when foo is not a generator (cobra's Find).
    at = list(args).index("create")
    after = [*args[:at], *args[at + 1:]]  # cobra's argsMinusFirstX: flags before "create" stay
    create_words = strip_flags(after, root_flags | _CREATE_NO_VALUE)
    if not create_words or create_words[0] in discovery.CREATE_SUBCOMMANDS:
        return None
    if not after or after[0].startswith("-"):
        return None
    return handle(args, len(args) - len(after) + 1)


def handle(args: Sequence[str], min_words: int) -> PluginRun | None:
    """HandlePluginCommand: the longest `kubectl-a-b-c` matching the leading words (dashes as underscores)."""
    words = []
    for arg in args:
        if arg.startswith("-"):
            break
        words.append(arg.replace("-", "_"))
    if not words:
        raise PlainError(f"Error: flags cannot be placed before plugin name: {args[0]}")
    while words:
        found = discovery.lookup("-".join(words))
        if found:
            return PluginRun(found, tuple(args[len(words):]))
        words.pop()
        if len(words) < min_words:
            break
    return None


def execute(run: PluginRun, streams=None) -> int:
    """Replace this process with the plugin (argv[0] is its path, as kubectl's syscall.Exec); with
    injected streams, run it as a child instead and return its exit code."""
    argv = [run.path, *run.args]
    if streams is None:
        import sys

        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        try:
            os.execve(run.path, argv, os.environ)
        except OSError as exc:
            raise PlainError(f"Error: {discovery.go_error_text(exc)}") from None
    try:
        stdin = streams.stdin.read() if not streams.in_is_terminal() else None
        proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=os.environ.copy())
    except OSError as exc:
        raise PlainError(f"Error: {discovery.go_error_text(exc)}") from None
    streams.out.write(proc.stdout)
    streams.err.write(proc.stderr)
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
