"""pflag-compatible flags on top of click: `--all=false`, `-o=json`, `-ojson`, `-v=6`, repeatable arrays.

kubectl's flag library (spf13/pflag) differs from click's parser in small ways users rely on. Commands
declare flags only through the helpers below; `scan` turns a pflag-style argument list into one click
parses unchanged, and reports errors in pflag's words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pykubectl.errors import FlagError

if TYPE_CHECKING:
    import click

_TRUE = {"1", "t", "T", "true", "TRUE", "True"}
_FALSE = {"0", "f", "F", "false", "FALSE", "False"}


def parse_bool(text: str, display: str, command_path: str | None = None) -> bool:
    """pflag's bool parsing; `display` is how pflag names the flag: "-A, --all-namespaces" or "--merge"."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FlagError(f'invalid argument "{text}" for "{display}" flag: strconv.ParseBool: '
                    f'parsing "{text}": invalid syntax', command_path)


def parse_int(text: str, display: str, command_path: str | None = None) -> int:
    try:
        return int(text)
    except ValueError:
        raise FlagError(f'invalid argument "{text}" for "{display}" flag: strconv.ParseInt: '
                        f'parsing "{text}": invalid syntax', command_path) from None


def display_name(long: str | None, short: str | None) -> str:
    if long and short:
        return f"-{short}, --{long}"
    return f"--{long}" if long else f"-{short}"


def _comma_separated_type() -> type:
    import click  # loaded on first use: shell completion reads flags without click (cli/completion.py)

    class CommaSeparated(click.ParamType):
        """pflag's StringSlice: every occurrence may hold a comma-separated list."""

        name = "strings"

        def convert(self, value, param, ctx):
            if isinstance(value, list):
                return value
            return [item for item in str(value).split(",")] if value != "" else []

    return CommaSeparated


def __getattr__(name: str):
    if name == "CommaSeparated":  # defined once, on first use
        globals()[name] = _comma_separated_type()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# pflag's NoOptDefVal: the value a flag that takes one gets when it is given bare (`--dry-run`, not
# `--dry-run=x`); a bare flag never consumes the next word. kubectl sets it in shared helpers, so every
# command with one of these flags has it: AddDryRunFlag, AddValidateFlags (cmd/util/helpers.go) and
# DeleteFlags.AddFlags (cmd/delete/delete_flags.go).
KUBECTL_NO_OPT_DEFAULTS = {"dry-run": "unchanged", "validate": "strict", "cascade": "background"}


def _dry_run_warning(ctx, param, value):
    """Route GetDryRunStrategy's deprecation warnings (a klog.Warning line, cmd/util/helpers.go) to this
    invocation's stderr; resources/dry_run.parse_dry_run writes them when the command reads its strategy."""
    from pykubectl.resources.dry_run import set_deprecation_sink

    state = ctx.find_root().obj if ctx is not None else None
    err = getattr(getattr(state, "streams", None), "err", None)
    set_deprecation_sink(None if err is None else lambda where, message: _klog_warning(err, where, message))
    return value


def _klog_warning(err, where: str, message: str) -> None:
    import os
    import time

    now = time.time()
    stamp = time.strftime("%m%d %H:%M:%S", time.localtime(now))
    err.write(f"W{stamp}.{int((now % 1) * 1_000_000):06d} {os.getpid():7d} {where}] {message}\n")
    err.flush()


_FLAG_CALLBACKS = {"dry-run": _dry_run_warning}


def _decorate(kind: str, decls: Sequence[str], shown_default: str | None = None, **attrs) -> Callable:
    """`shown_default` overrides the default the help prints (e.g. a tri-state bool whose None means "not given")."""
    long = next((d[2:] for d in decls if d.startswith("--")), None)
    no_opt_default = attrs.pop("no_opt_default", None)
    if kind == "string" and long in KUBECTL_NO_OPT_DEFAULTS and no_opt_default is None:
        no_opt_default = KUBECTL_NO_OPT_DEFAULTS[long]
    if kind == "string" and long in _FLAG_CALLBACKS and "callback" not in attrs:
        attrs["callback"] = _FLAG_CALLBACKS[long]

    def decorator(f):
        import click

        option = click.Option(list(decls), **attrs)
        option.pflag_kind = kind  # type: ignore[attr-defined]
        option.pflag_default_text = shown_default  # type: ignore[attr-defined]
        option.pflag_no_opt_default = no_opt_default  # type: ignore[attr-defined]
        f.__click_params__ = [*getattr(f, "__click_params__", []), option]
        return f

    return decorator


def boolean(*decls: str, default: bool | None = False, help: str = "", hidden: bool = False,
            shown_default: str | None = None) -> Callable:
    return _decorate("bool", decls, shown_default, is_flag=True, default=default, help=help, hidden=hidden)


def string(*decls: str, default: str | None = None, help: str = "", hidden: bool = False,
           no_opt_default: str | None = None) -> Callable:
    """`no_opt_default` is pflag's NoOptDefVal (the value of the bare flag); the kubectl-wide ones are implied."""
    return _decorate("string", decls, default=default, help=help, hidden=hidden, no_opt_default=no_opt_default)


def integer(*decls: str, default: int | None = None, help: str = "", hidden: bool = False) -> Callable:
    return _decorate("int", decls, type=int, default=default, help=help, hidden=hidden)


def string_array(*decls: str, help: str = "", hidden: bool = False) -> Callable:
    """Repeatable flag, each occurrence one value (pflag StringArray)."""
    return _decorate("array", decls, multiple=True, help=help, hidden=hidden)


def string_slice(*decls: str, help: str = "", hidden: bool = False) -> Callable:
    """Repeatable flag, each occurrence a comma-separated list (pflag StringSlice)."""
    comma_separated = globals().get("CommaSeparated") or __getattr__("CommaSeparated")
    return _decorate("array", decls, multiple=True, type=comma_separated(), help=help, hidden=hidden)


@dataclass(frozen=True)
class FlagSpec:
    long: str | None  # without dashes
    short: str | None  # one character
    takes_value: bool
    dest: str
    multiple: bool = False
    display: str = ""
    no_opt_default: str | None = None  # pflag's NoOptDefVal: a bare flag takes this and leaves the next word


@dataclass
class ScanResult:
    args: list[str]  # what click should parse
    extracted: dict[str, object]  # dest -> value for flags handled here (globals, explicit booleans)


def specs_of(command: click.Command) -> list[FlagSpec]:
    import click

    specs = []
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        takes_value = not param.is_flag
        opts = [*param.opts, *param.secondary_opts]
        long = next((o[2:] for o in opts if o.startswith("--")), None)
        short = next((o[1:] for o in opts if not o.startswith("--")), None)
        display = display_name(long, short)
        no_opt = getattr(param, "pflag_no_opt_default", None)
        for opt in opts:
            if opt.startswith("--"):
                specs.append(FlagSpec(opt[2:], None, takes_value, param.name or "", display=display,
                                      no_opt_default=no_opt))
            else:
                specs.append(FlagSpec(None, opt[1:], takes_value, param.name or "", display=display,
                                      no_opt_default=no_opt))
    return specs


def scan(
    args: Sequence[str],
    own: Sequence[FlagSpec],
    foreign: Sequence[FlagSpec],
    command_path: str,
    stop_at_positional: bool = False,
) -> ScanResult:
    """Walk pflag-style args. Own flags are normalised for click; foreign (global) flags are extracted.

    Booleans given as `--flag=value` are extracted as explicit values (click flags take no value).
    With stop_at_positional (groups), scanning ends at the first non-flag word: the sub-command.
    """
    own_long = {s.long: s for s in own if s.long}
    own_short = {s.short: s for s in own if s.short}
    foreign_long = {s.long: s for s in foreign if s.long and s.long not in own_long}
    foreign_short = {s.short: s for s in foreign if s.short and s.short not in own_short}
    out: list[str] = []
    extracted: dict[str, object] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i:])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, has_value, value = arg[2:].partition("=")
            spec = own_long.get(name) or foreign_long.get(name)
            if spec is None:
                if name in ("help",):
                    out.append(arg)
                    i += 1
                    continue
                raise FlagError(f"unknown flag: --{name}", command_path)
            is_foreign = name not in own_long
            if not spec.takes_value:
                if has_value and is_foreign:
                    extracted[spec.dest] = value  # validated by the leaf, which knows the command path
                elif has_value:
                    extracted[spec.dest] = parse_bool(value, spec.display, command_path)
                elif is_foreign:
                    extracted[spec.dest] = True
                else:
                    out.append(arg)
                i += 1
                continue
            if not has_value and spec.no_opt_default is not None:
                value = spec.no_opt_default
            elif not has_value:
                if i + 1 >= len(args):
                    raise FlagError(f"flag needs an argument: --{name}", command_path)
                value = args[i + 1]
                i += 1
            if is_foreign:
                _store(extracted, spec, value)
            else:
                out.extend([f"--{name}", value])
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1 and arg != "-":
            consumed_next = _scan_shorthands(arg, args[i + 1] if i + 1 < len(args) else None,
                                             own_short, foreign_short, out, extracted, command_path)
            i += 2 if consumed_next else 1
            continue
        if stop_at_positional:
            out.extend(args[i:])
            break
        out.append(arg)
        i += 1
    return ScanResult(out, extracted)


def _scan_shorthands(arg, next_arg, own_short, foreign_short, out, extracted, command_path) -> bool:
    """One `-abc`/`-ovalue`/`-o=value` token. Returns whether the next token was used as a value."""
    letters = arg[1:]
    j = 0
    while j < len(letters):
        letter = letters[j]
        spec = own_short.get(letter) or foreign_short.get(letter)
        if spec is None:
            if letter == "h":
                out.append("--help")
                j += 1
                continue
            raise FlagError(f"unknown shorthand flag: '{letter}' in {arg}", command_path)
        is_foreign = letter not in own_short
        rest = letters[j + 1:]
        if not spec.takes_value:
            if rest.startswith("="):
                extracted[spec.dest] = (rest[1:] if is_foreign
                                        else parse_bool(rest[1:], spec.display, command_path))
                return False
            if is_foreign:
                extracted[spec.dest] = True
            else:
                out.append(f"-{letter}")
            j += 1
            continue
        used_next = False
        if rest.startswith("="):
            value = rest[1:]
        elif rest:
            value = rest
        elif next_arg is not None:
            value, used_next = next_arg, True
        else:
            raise FlagError(f"flag needs an argument: '{letter}' in -{letter}", command_path)
        if is_foreign:
            _store(extracted, spec, value)
        else:
            out.extend([f"-{letter}", value])
        return used_next
    return False


def _store(extracted: dict[str, object], spec: FlagSpec, value: str) -> None:
    if spec.multiple:
        extracted.setdefault(spec.dest, []).append(value)  # type: ignore[union-attr]
    else:
        extracted[spec.dest] = value
