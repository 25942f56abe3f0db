"""kubectl drain: cordon nodes, then evict (or delete) the pods on them and wait until they are gone."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import AggregateError, KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Drain node in preparation for maintenance.\n'
    '\n'
    " The given node will be marked unschedulable to prevent new pods from arriving. 'drain' evicts the pods if the API server supports https://kubernetes.io/docs/concepts/workloads/pods/disruptions/ eviction https://kubernetes.io/docs/concepts/workloads/pods/disruptions/ . Otherwise, it will use normal DELETE to delete the pods. The 'drain' evicts or deletes all pods except mirror pods (which cannot be deleted through the API server).  If there are daemon set-managed pods, drain will not proceed without --ignore-daemonsets, and regardless it will not delete any daemon set-managed pods, because those pods would be immediately replaced by the daemon set controller, which ignores unschedulable markings.  If there are any pods that are neither mirror pods nor managed by a replication controller, replica set, daemon set, stateful set, or job, then drain will not delete any pods unless you use --force.  --force will also allow deletion to proceed if the managing resource of one or more pods is missing.\n"
    '\n'
    " 'drain' waits for graceful termination. You should not operate on the machine until the command completes.\n"
    '\n'
    ' When you are ready to put the node back into service, use kubectl uncordon, which will make the node schedulable again.\n'
    '\n'
    'https://kubernetes.io/images/docs/kubectl_drain.svg Workflowhttps://kubernetes.io/images/docs/kubectl_drain.svg'
)
EXAMPLES = (
    '  # Drain node "foo", even if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set on it\n'
    '  kubectl drain foo --force\n'
    '  \n'
    '  # As above, but abort if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set, and use a grace period of 15 minutes\n'
    '  kubectl drain foo --grace-period=900'
)
DRY_RUN_HELP = ("Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be "
                "sent, without sending it. If server strategy, submit server-side request without persisting the "
                "resource.")
SELECTOR_HELP = ("Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). "
                 "Matching objects must satisfy all of the specified label constraints.")


@dataclass(frozen=True)
class DrainOptions:
    nodes: tuple[str, ...] = ()
    selector: str = ""
    selector_given: bool = False
    dry_run: str = "none"
    force: bool = False
    ignore_daemonsets: bool = False
    delete_emptydir_data: bool = False
    grace_period: int = -1
    timeout: float = 0.0
    pod_selector: str = ""
    disable_eviction: bool = False
    skip_wait_for_delete_timeout: int = 0
    chunk_size: int = 500

    @classmethod
    def from_flags(cls, params: dict) -> DrainOptions:
        def integer(name: str, default: int) -> int:
            value = params.get(name)
            return default if value is None else int(value)

        return cls(
            nodes=tuple(params.get("nodes") or ()), selector=params.get("selector") or "",
            selector_given=params.get("selector") is not None,
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            force=bool(params.get("force")), ignore_daemonsets=bool(params.get("ignore_daemonsets")),
            delete_emptydir_data=bool(params.get("delete_emptydir_data")),
            grace_period=integer("grace_period", -1), timeout=float(params.get("timeout") or 0.0),
            pod_selector=params.get("pod_selector") or "", disable_eviction=bool(params.get("disable_eviction")),
            skip_wait_for_delete_timeout=integer("skip_wait_for_delete_timeout", 0),
            chunk_size=integer("chunk_size", 500))


@click.command("drain", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="NODE [options]")
@bundles.chunk_size
@pflag.boolean("--delete-emptydir-data", help="Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained).")
@pflag.boolean("--disable-eviction", help="Force drain to use delete, even if eviction is supported. This will bypass checking PodDisruptionBudgets, use with caution.")
@pflag.string("--dry-run", default="none", help=DRY_RUN_HELP)
@pflag.boolean("--force", help="Continue even if there are pods that do not declare a controller.")
@bundles.integer("--grace-period", default=-1, help="Period of time in seconds given to each pod to terminate gracefully. If negative, the default value specified in the pod will be used.")
@pflag.boolean("--ignore-daemonsets", help="Ignore DaemonSet-managed pods.")
@pflag.string("--pod-selector", help="Label selector to filter pods on the node")
@pflag.string("-l", "--selector", help=SELECTOR_HELP)
@bundles.integer("--skip-wait-for-delete-timeout", default=0, help="If pod DeletionTimestamp older than N seconds, skip waiting for the pod.  Seconds must be greater than 0 to skip.")
@bundles.duration("--timeout", default=0.0, shown="0s", help="The length of time to wait before giving up, zero means infinite")
@click.argument("nodes", nargs=-1)
def command(**params) -> None:
    run(DrainOptions.from_flags(params), current_session())


def run(options: DrainOptions, session) -> None:
    from pykubectl.resources import draining
    from pykubectl.resources.dry_run import dry_run_suffix, parse_dry_run

    path = session.command_path or "kubectl drain"
    draining.check_node_arguments(options.nodes, options.selector, options.selector_given, "drain NODE", path)
    dry_run = parse_dry_run(options.dry_run)
    session.client  # noqa: B018 - the client set is built before the selector is checked
    if options.pod_selector and not draining.valid_label_selector(options.pod_selector):
        raise KubectlError("--pod-selector=<pod_selector> must be a valid label selector")
    nodes = draining.select_nodes(session, options.nodes, options.selector, options.chunk_size)
    suffix = dry_run_suffix(dry_run)
    draining.cordon(session, nodes, True, dry_run, suffix)
    drainer = draining.Drainer(session, draining.DrainSettings(
        force=options.force, ignore_daemonsets=options.ignore_daemonsets,
        delete_emptydir_data=options.delete_emptydir_data, grace_period=options.grace_period,
        timeout=options.timeout, pod_selector=options.pod_selector, disable_eviction=options.disable_eviction,
        skip_wait_for_delete_timeout=options.skip_wait_for_delete_timeout, chunk_size=options.chunk_size,
        dry_run=dry_run))
    out, err = session.streams.out, session.streams.err
    fatal: list[Exception] = []
    remaining: list[str] = []
    for node in nodes:
        name = draining.node_name(node)
        try:
            _drain_one(session, drainer, name, dry_run)
        except KubectlError as exc:
            err.write(f'error: unable to drain node "{name}" due to error: {exc}, continuing command...\n')
            err.flush()
            fatal.append(exc)
            remaining.append(name)
            continue
        out.write(f"node/{name} drained{suffix}\n")
        out.flush()
    if remaining:
        err.write("There are pending nodes to be drained:\n" + "".join(f" {name}\n" for name in remaining))
        err.flush()
    if fatal:
        raise fatal[0] if len(fatal) == 1 else AggregateError(fatal)


def _drain_one(session, drainer, node: str, dry_run: str) -> None:
    """deleteOrEvictPodsSimple."""
    from pykubectl.client.rest import WarningPrinter

    found = drainer.pods_for_deletion(node)
    problems = found.errors()
    if problems:
        raise AggregateError(problems)
    warnings = found.warnings()
    streams = session.streams
    if warnings:
        WarningPrinter(streams.err, colour=streams.err_is_terminal()).handle([warnings])
    if dry_run == "client":
        for pod in found.pods():
            metadata = pod.get("metadata") or {}
            streams.out.write(f"evicting pod {metadata.get('namespace', '')}/{metadata.get('name', '')} (dry run)\n")
        streams.out.flush()
        return
    try:
        drainer.delete_or_evict(found.pods())
    except KubectlError as exc:
        _report_pending(session, drainer, node, exc)
        raise


def _report_pending(session, drainer, node: str, error: Exception) -> None:
    err = session.streams.err
    try:
        pending = drainer.pods_for_deletion(node)
    except KubectlError as exc:
        err.write(f"Following errors occurred while getting the list of pods to delete:\n{exc}")
        return
    pods = pending.pods()
    if pods:
        err.write(f'There are pending pods in node "{node}" when an error occurred: {error}\n')
        for pod in pods:
            err.write(f"pod/{(pod.get('metadata') or {}).get('name', '')}\n")
    problems = pending.errors()
    if problems:
        err.write("Following errors occurred while getting the list of pods to delete:\n"
                  + str(AggregateError(problems)))
    err.flush()
