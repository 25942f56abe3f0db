"""kubectl config get-contexts: a table of the kubeconfig's contexts, or just their names."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, PlainError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HEADERS = ("CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE")


@dataclass(frozen=True)
class GetContextsOptions:
    names: tuple[str, ...]
    name_only: bool
    show_headers: bool

    @classmethod
    def from_flags(cls, params: dict) -> GetContextsOptions:
        output = params.get("output") or ""
        if output not in ("", "name"):
            raise KubectlError(f"--output {output} is not available in kubectl config get-contexts; "
                               "resetting to default output format")
        name_only = output == "name"
        return cls(names=tuple(params.get("names") or ()), name_only=name_only,
                   show_headers=not (params["no_headers"] or name_only))

    def validate(self) -> None:
        pass


@click.command("get-contexts", cls=KubectlCommand)
@pflag.boolean("--no-headers", help="When using the default or custom-column output format, don't print "
                                    "headers (default print headers).")
@pflag.string("-o", "--output", default="", help="Output format. One of: (name).")
@click.argument("names", nargs=-1)
def command(**params) -> None:
    options = GetContextsOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: GetContextsOptions, session) -> None:
    from pykubectl.config.loading import load_starting_config

    config = load_starting_config(session.overrides)
    problems: list[str] = []
    if options.names:
        selected = []
        for name in options.names:
            if name in config.contexts:
                selected.append(name)
            else:
                problems.append(f"context {name} not found")
    else:
        selected = list(config.contexts)
    rows: list[tuple[str, ...]] = []
    if options.show_headers:
        rows.append(HEADERS[:1] if options.name_only else HEADERS)
    for name in sorted(selected):
        if options.name_only:
            rows.append((name,))
        else:
            context = config.contexts[name]
            mark = "*" if config.current_context == name else " "
            rows.append((mark, name, context.cluster, context.user, context.namespace))
    session.streams.out.write(_tabulate(rows))
    if len(problems) == 1:
        raise KubectlError(problems[0])
    if problems:
        raise PlainError("\n".join(problems))


def _tabulate(rows: list[tuple[str, ...]]) -> str:
    """Go's text/tabwriter as kubectl configures it (minwidth 6, padding 3); the last cell is not padded."""
    try:
        from pykubectl.printing.tabwriter import format_table  # type: ignore[attr-defined]
    except ImportError:
        format_table = None
    if format_table is not None:
        return format_table(["\t".join(row) for row in rows])
    columns = max((len(row) for row in rows), default=0)
    widths = [0] * columns
    for row in rows:
        for index, cell in enumerate(row[:-1]):
            widths[index] = max(widths[index], len(cell) + 3, 6)
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[index]) for index, cell in enumerate(row[:-1])]
        lines.append("".join(cells) + (row[-1] if row else "") + "\n")
    return "".join(lines)
