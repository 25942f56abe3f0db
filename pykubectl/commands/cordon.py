"""kubectl cordon: mark nodes unschedulable (a strategic merge patch of spec.unschedulable)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Mark node as unschedulable."
EXAMPLES = '  # Mark node "foo" as unschedulable\n  kubectl cordon foo'
DRY_RUN_HELP = ("Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be "
                "sent, without sending it. If server strategy, submit server-side request without persisting the "
                "resource.")
SELECTOR_HELP = ("Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). "
                 "Matching objects must satisfy all of the specified label constraints.")


@dataclass(frozen=True)
class CordonOptions:
    nodes: tuple[str, ...] = ()
    selector: str = ""
    selector_given: bool = False
    dry_run: str = "none"

    @classmethod
    def from_flags(cls, params: dict) -> CordonOptions:
        return cls(nodes=tuple(params.get("nodes") or ()), selector=params.get("selector") or "",
                   selector_given=params.get("selector") is not None,
                   dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none")


@click.command("cordon", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="NODE [options]")
@pflag.string("--dry-run", default="none", help=DRY_RUN_HELP)
@pflag.string("-l", "--selector", help=SELECTOR_HELP)
@click.argument("nodes", nargs=-1)
def command(**params) -> None:
    run(CordonOptions.from_flags(params), current_session())


def run(options: CordonOptions, session, desired: bool = True, use: str = "cordon NODE") -> None:
    from pykubectl.resources import draining
    from pykubectl.resources.dry_run import dry_run_suffix, parse_dry_run

    path = session.command_path or f"kubectl {use.split()[0]}"
    draining.check_node_arguments(options.nodes, options.selector, options.selector_given, use, path)
    dry_run = parse_dry_run(options.dry_run)
    session.namespace  # noqa: B018 - the kubeconfig is read before any request, as kubectl does
    nodes = draining.select_nodes(session, options.nodes, options.selector)
    draining.cordon(session, nodes, desired, dry_run, dry_run_suffix(dry_run))
