"""kubectl rollout status: watch a deployment, daemon set or stateful set until its rollout is done."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.commands.rollout import _shared
from pykubectl.errors import KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Show the status of the rollout.\n\n By default 'rollout status' will watch the status of the latest rollout "
        "until it's done. If you don't want to wait for the rollout to finish then you can use --watch=false. Note "
        "that if a new rollout starts in-between, then 'rollout status' will continue watching the latest revision. "
        "If you want to pin to a specific revision and abort if it is rolled over by another revision, use "
        "--revision=N where N is the revision you need to watch for.")
EXAMPLES = "  # Watch the rollout status of a deployment\n  kubectl rollout status deployment/nginx"
USAGE = "(TYPE NAME | TYPE/NAME) [flags] [options]"


@dataclass(frozen=True)
class StatusOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    revision: int = 0
    timeout: float = 0.0
    watch: bool = True

    @classmethod
    def from_flags(cls, params: dict) -> StatusOptions:
        return cls(args=tuple(params.get("args") or ()), filenames=_shared.flat(params.get("filename")),
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "", revision=int(params.get("revision") or 0),
                   timeout=float(params.get("timeout") or 0.0), watch=params.get("watch") is not False)

    def validate(self) -> None:
        _shared.require_resource(self.args, self.filenames, self.kustomize)
        if self.revision < 0:
            raise KubectlError(f"revision must be a positive integer: {self.revision}")


@click.command("status", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@_shared.filename
@_shared.kustomize
@_shared.recursive
@bundles.integer("--revision", default=0,
               help="Pin to a specific revision for showing its status. Defaults to 0 (last revision).")
@bundles.selector
@bundles.duration("--timeout", default=0.0, shown="0s",
                  help="The length of time to wait before ending watch, zero means never. Any other values should "
                       "contain a corresponding time unit (e.g. 1s, 2m, 3h).")
@pflag.boolean("-w", "--watch", default=True, help="Watch the status of the rollout until it's done.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = StatusOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: StatusOptions, session) -> None:
    from pykubectl.errors import AggregateError

    errors: list[Exception] = []
    client = session.client
    found = False
    failures: list[Exception] = []
    for rtype, obj in _shared.visit(session, options.args, options.filenames, options.recursive,
                                    options.kustomize, options.selector, errors):
        found = True
        try:
            _watch(client, session.streams, rtype, obj, options)
        except KubectlError as exc:
            failures.append(exc)
    failures.extend(errors)
    if failures:
        raise failures[0] if len(failures) == 1 else AggregateError(failures)
    if not found:
        session.streams.err.write(f"No resources found in {session.namespace} namespace.\n")


def _watch(client, streams, rtype, obj: dict, options: StatusOptions) -> None:
    from pykubectl.printing import progress
    from pykubectl.resources import rollouts, waiting

    if not _viewable(obj):
        rollouts.rollout_status(obj, 0)  # raises kubectl's "no status viewer" error
    metadata = obj.get("metadata") or {}
    name = str(metadata.get("name") or "")
    namespace = str(metadata.get("namespace") or "")
    target = waiting.WaitTarget(rtype.collection_path(namespace or None), name, f"{rtype.plural}/{name}")
    deadline = waiting.Deadline(options.timeout if options.timeout > 0 else -1)
    kind = str(obj.get("kind") or "").lower()
    try:
        with (progress.spinner(streams, f"Watching the rollout of {kind}/{name}…") as spin,
              spin.routing(getattr(client, "warning_printer", None), "out")):
            for current in waiting.watch_object(client, target, deadline, on_missing=lambda: None):
                if current is None:
                    raise KubectlError("object has been deleted")
                current = {"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"), **current}
                message, done = rollouts.rollout_status(current, options.revision)
                spin.write(streams.out, message)
                if done or not options.watch:
                    return
    except waiting.WaitTimeout:
        raise KubectlError(waiting.WAIT_TIMEOUT) from None


def _viewable(obj: dict) -> bool:
    api_version, kind = str(obj.get("apiVersion") or ""), obj.get("kind")
    return api_version.startswith("apps/") and kind in ("Deployment", "DaemonSet", "StatefulSet")
