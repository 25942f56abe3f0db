"""The process boundary: run the command tree and map every error to kubectl's text and exit code."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pykubectl.errors import FlagError, KubectlError, UsageError
from pykubectl.streams import IOStreams


def main(argv: Sequence[str] | None = None, streams: IOStreams | None = None) -> int:
    injected = streams is not None
    streams = streams or IOStreams.system()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("__complete", "__completeNoDesc"):  # shell completion: no click command tree
        from pykubectl.cli.completion import complete

        return complete(args, streams)
    import click

    from pykubectl.cli.root import root
    from pykubectl.flags.global_flags import AppState

    try:  # a first word that is no built-in verb may name a kubectl-* plugin (kubectl's cmd.go)
        from pykubectl.cli import plugins

        plugin = plugins.plan(args, [spec.name for spec in root.specs.values()])
        if plugin is not None:
            return plugins.execute(plugin, streams if injected else None)
    except KubectlError as exc:
        return report(streams, exc)
    if args and args[0] == "help":  # cobra's help command: `help VERB…` is `VERB… --help`
        args = _help_arguments(args[1:], root, streams)
        if args is None:
            return 0
    state = AppState(streams, setup_logging=_configure_logging)
    try:
        result = root.main(args=args, prog_name="kubectl", standalone_mode=False, obj=state)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        return report(streams, KubectlError("aborted"))
    except click.UsageError as exc:
        return report(streams, _from_click(exc, state))
    except KubectlError as exc:
        return report(streams, exc, state.global_values.get("v"))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, and the traceback only at -v=6 and up
        wrapped = KubectlError(f"{type(exc).__name__}: {exc}")
        wrapped.__cause__ = exc
        return report(streams, wrapped, state.global_values.get("v"))


def report(streams: IOStreams, exc: KubectlError, verbosity: object = None) -> int:
    if exc.stdout_text:  # a verb's help, or a printer's partial output, precedes the error
        streams.out.write(exc.stdout_text)
    text = exc.render()
    if text:
        streams.err.write(text if text.endswith("\n") else text + "\n")
    if verbosity and str(verbosity).isdigit() and int(str(verbosity)) >= 6 and exc.__cause__ is not None:
        import traceback

        streams.err.write("".join(traceback.format_exception(exc.__cause__)))
    streams.err.flush()
    return exc.exit_code


def _from_click(exc, state) -> UsageError:
    """click's own usage errors, reworded as cobra/pflag would."""
    import click

    path = exc.ctx.command_path if exc.ctx is not None else state.command_path
    if isinstance(exc, click.MissingParameter) and exc.param is not None and exc.param.param_type_name == "option":
        names = '", "'.join(o.lstrip("-") for o in exc.param.opts if o.startswith("--"))
        return UsageError(f'required flag(s) "{names}" not set', hint=False)
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        return FlagError(exc.format_message(), path)
    if isinstance(exc, click.NoSuchOption):
        return FlagError(f"unknown flag: {exc.option_name}", path)
    return UsageError(exc.format_message(), path)


def _help_arguments(topic: list[str], root, streams: IOStreams) -> list[str] | None:
    """The arguments that show the help `help TOPIC…` asks for: the deepest verb the words name (the rest are
    ignored). An unknown topic gets cobra's note and the root usage on stderr, and exit code 0 (None)."""
    from pykubectl.flags.command import KubectlGroup

    words = [w for w in topic if not w.startswith("-")]
    path: list[str] = []
    group = root
    for word in words:
        if not isinstance(group, KubectlGroup) or word not in group.specs:
            break
        path.append(word)
        group = group.get_command(None, word)
    if words and not path:
        import contextlib
        import io

        buffer = IOStreams(streams.stdin, io.StringIO(), io.StringIO())
        with contextlib.redirect_stdout(buffer.out):  # click prints help on sys.stdout
            main(["--help"], buffer)
        text = buffer.out.getvalue()
        usage = text[text.find("\n\n", text.find("Find more information")) + 2:]
        quoted = " ".join(f"`{w}`" for w in topic)
        streams.err.write(f"Unknown help topic [{quoted}]\n\n\n{usage}")
        return None
    return [*path, "--help"]


def _configure_logging(verbosity: int, err) -> None:
    from pykubectl.cli.logging import configure  # stdlib logging costs start-up time; load it on use

    configure(verbosity, err)


def entry_point() -> None:
    sys.exit(main())
