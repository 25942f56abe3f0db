"""KubectlCommand and KubectlGroup: click commands that parse flags the way kubectl (pflag) does."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

import click

from pykubectl.errors import ErrorWithHelp, UsageError
from pykubectl.flags.global_flags import AppState, global_specs
from pykubectl.flags.pflag import scan, specs_of

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _state(ctx: click.Context) -> AppState:
    return ctx.find_root().obj


def _command_path(ctx: click.Context, name: str | None = None) -> str:
    path = ctx.command_path if ctx.parent else "kubectl"
    return f"{path} {name}" if name else path


class KubectlCommand(click.Command):
    """A leaf verb. Global flags may appear anywhere among its arguments, as with kubectl.

    `examples` and `usage` (the part after the command path, e.g. "NAME [flags]") feed kubectl's help layout.
    """

    def __init__(self, *args, examples: str = "", usage: str = "[flags] [options]", **kwargs):
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        super().__init__(*args, **kwargs)
        self.examples = examples
        self.usage = usage

    def format_help(self, ctx, formatter):
        formatter.write(render_command_help(self, ctx.command_path))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ErrorWithHelp as exc:
            exc.stdout_text = render_command_help(self, ctx.command_path)
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        state = _state(ctx)
        state.command_path = ctx.command_path
        result = scan(args, specs_of(self), global_specs(), ctx.command_path)
        own_explicit = state.absorb(result.extracted)
        state.validate(ctx.command_path)
        remaining = super().parse_args(ctx, result.args)
        ctx.params.update(own_explicit)
        return remaining


@dataclass(frozen=True)
class CommandSpec:
    """One row of a command table: the verb, the module that defines it, its help line and group."""

    name: str
    module: str
    short_help: str
    help_group: str = "Other Commands"
    hidden: bool = False


class KubectlGroup(click.Group):
    """A verb with sub-verbs (the root, `config`, `rollout`…), loaded lazily from a CommandSpec table."""

    def __init__(self, *args, specs: Sequence[CommandSpec] = (), **kwargs):
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        super().__init__(*args, **kwargs)
        self.specs = {spec.name: spec for spec in specs}

    def list_commands(self, ctx):
        return [name for name, spec in self.specs.items() if not spec.hidden]

    def get_command(self, ctx, name):
        spec = self.specs.get(name)
        if spec is None:
            return None
        command = importlib.import_module(spec.module).command
        command.short_help = spec.short_help
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        state = _state(ctx)
        result = scan(args, specs_of(self), global_specs(), _command_path(ctx), stop_at_positional=True)
        state.absorb(result.extracted)
        return super().parse_args(ctx, result.args)

    def resolve_command(self, ctx, args):
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None:
            command = self.fallback_command(ctx, name)
        if command is None and ctx.parent is not None:
            # cobra's sub-groups answer with kubectl's usage hint rather than suggestions.
            raise UsageError(f'unknown command "{name}"', _command_path(ctx))
        if command is None:
            raise UsageError(self.unknown_command_message(ctx, name), hint=False)
        return name, command, args[1:]

    def fallback_command(self, ctx, name):
        """Hook for the root's plugin lookup."""
        return None

    def unknown_command_message(self, ctx, name: str) -> str:
        # cobra: `unknown command "x" for "kubectl"` plus suggestions within Levenshtein distance 2.
        message = f'unknown command "{name}" for "{_command_path(ctx)}"'
        close = [c for c in self.list_commands(ctx) if _levenshtein(name, c) <= 2 or c.startswith(name)]
        if close:
            message += "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in close)
        return message.rstrip("\n") if not close else message

    def format_help(self, ctx, formatter):
        # kubectl's layout: description, then commands under their help groups.
        text = [self.help or "", ""]
        groups: dict[str, list[CommandSpec]] = {}
        for spec in self.specs.values():
            if not spec.hidden:
                groups.setdefault(spec.help_group, []).append(spec)
        width = max((len(s.name) for s in self.specs.values()), default=0)
        width = max(width, 13) + 3
        for group, specs in groups.items():
            if ctx.parent is None and group == "Other Commands":
                text.extend(_plugin_help_section(self.specs.values()))
            text.append(f"{group}:")
            text.extend(f"  {s.name.ljust(width)}{s.short_help}" for s in specs)
            text.append("")
        path = _command_path(ctx)
        text += ["Usage:", f"  {path} [flags] [options]", "",
                 f'Use "{path} <command> --help" for more information about a given command.',
                 'Use "kubectl options" for a list of global command-line options (applies to all commands).']
        formatter.write("\n".join(text) + "\n")


def _plugin_help_section(specs) -> list[str]:
    """kubectl 1.32's root help lists plugins on PATH before "Other Commands" (the section heading even when
    there are none). Only the grouped verbs exist when kubectl builds it, so a plugin named like a verb of
    "Other Commands" (version, config…) is listed too. Padding: cobra's minimum of 11, then three spaces."""
    from pykubectl.resources.plugins import help_names

    grouped = {spec.name for spec in specs if spec.help_group != "Other Commands"}
    lines = ["Subcommands provided by plugins:"]
    lines += [f"  {name.ljust(11)}   The command {name} is a plugin installed by the user"
              for name in help_names(grouped.__contains__)]
    return [*lines, ""]


def _flag_default(option: click.Option) -> str:
    shown = getattr(option, "pflag_default_text", None)
    if shown is not None:
        return shown
    kind = getattr(option, "pflag_kind", "string")
    default = option.default
    if not isinstance(default, (str, int, list, tuple)):  # None, or click's UNSET sentinel
        default = None
    if kind == "bool":
        return "true" if default else "false"
    if kind == "int":
        return str(default if default is not None else 0)
    if kind == "array":
        return "[" + ",".join(default or ()) + "]"
    return f"'{default or ''}'"


def render_command_help(command: click.Command, path: str) -> str:
    """kubectl's help for one verb: description, examples, options sorted by name, usage."""
    parts = [(command.help or "").strip() + "\n"]
    examples = getattr(command, "examples", "")
    if examples:
        parts.append("Examples:\n" + examples.rstrip("\n") + "\n")
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden
               and p.name != "help"]
    if options:
        lines = ["Options:"]
        for option in sorted(options, key=lambda o: max(o.opts, key=len).lstrip("-")):
            long = max(option.opts, key=len)
            short = [o for o in option.opts if not o.startswith("--")]
            names = f"{short[0]}, {long}" if short else long
            lines += [f"    {names}={_flag_default(option)}:", f"\t{option.help or ''}", ""]
        parts.append("\n".join(lines))
    usage = getattr(command, "usage", "[flags] [options]")
    parts.append(f"Usage:\n  {path} {usage}\n")
    parts.append('Use "kubectl options" for a list of global command-line options (applies to all commands).\n')
    return "\n".join(parts)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


