"""kubectl rollout history: the revisions of a deployment, daemon set or stateful set, or one revision's template."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.commands.rollout import _shared
from pykubectl.errors import KubectlError
from pykubectl.flags import bundles
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "View previous rollout revisions and configurations."
EXAMPLES = ("  # View the rollout history of a deployment\n  kubectl rollout history deployment/abc\n  \n"
            "  # View the details of daemonset revision 3\n  kubectl rollout history daemonset/abc --revision=3")
USAGE = "(TYPE NAME | TYPE/NAME) [flags] [options]"


@dataclass(frozen=True)
class HistoryOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    revision: int = 0
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> HistoryOptions:
        return cls(args=tuple(params.get("args") or ()), filenames=_shared.flat(params.get("filename")),
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "", revision=int(params.get("revision") or 0),
                   output=params.get("output") or "", template=params.get("template") or "",
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")))

    def validate(self) -> None:
        _shared.require_resource(self.args, self.filenames, self.kustomize)
        if self.revision < 0:
            raise KubectlError(f"revision must be a positive integer: {self.revision}")


@click.command("history", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@bundles.allow_missing_template_keys
@_shared.filename
@_shared.kustomize
@_shared.output
@_shared.recursive
@bundles.integer("--revision", default=0, help="See the details, including podTemplate of the revision specified")
@bundles.selector
@bundles.show_managed_fields
@bundles.template
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = HistoryOptions.from_flags(params)
    _shared.check_output(options.output, options.template)
    options.validate()
    run(options, current_session())


def run(options: HistoryOptions, session) -> None:
    from pykubectl.errors import AggregateError
    from pykubectl.resources import rollouts

    errors: list[Exception] = []
    out = session.streams.out
    structured = bool(options.output or options.template)
    for _rtype, obj in _shared.visit(session, options.args, options.filenames, options.recursive,
                                     options.kustomize, options.selector, errors):
        try:
            history = rollouts.revision_history(session.client, obj)
        except KubectlError as exc:
            errors.append(exc)
            continue
        if structured:
            emit = _shared.printer(options.output, options.template, options.allow_missing_template_keys,
                                   options.show_managed_fields)
            if options.revision > 0:
                if options.revision not in history:
                    errors.append(KubectlError(f"unable to find the specified revision {options.revision}"))
                    continue
                out.write(emit(_shown(obj, history[options.revision])))
            else:
                separator = "---\n" if options.output.lower() == "yaml" else ""
                out.write(separator.join(emit(_shown(obj, history[number])) for number in sorted(history)))
            continue
        if options.revision > 0:
            if options.revision not in history:
                errors.append(KubectlError("unable to find the specified revision"))
                continue
            info = _shared.template_text(history[options.revision].template)
            heading = f"with revision #{options.revision}"
        else:
            info = rollouts.history_table(history) if history else "No rollout history found.\n"
            heading = ""
        emit = _shared.printer("", "", True, False, f"{heading}\n{info}")
        out.write(emit(obj))
        out.flush()
    if errors:
        raise errors[0] if len(errors) == 1 else AggregateError(errors)


_OMIT_ZERO = {"spec": ("minReadySeconds",),
              "status": ("fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration")}


def _shown(owner: dict, revision) -> dict:
    """What -o prints for a revision: the ReplicaSet of a deployment; a daemon or stateful set with the
    revision's template applied (kubectl's applyDaemonSetHistory/applyStatefulSetHistory)."""
    if revision.source.get("kind") == "ReplicaSet":
        return _typed(revision.source)
    spec = dict(owner.get("spec") or {})
    spec["template"] = revision.template
    return {**owner, "spec": spec}


def _typed(obj: dict) -> dict:
    """The ReplicaSet as kubectl holds it (a typed object): zero omitempty integers are left out."""
    if obj.get("kind") != "ReplicaSet":
        return obj
    out = dict(obj)
    for section, keys in _OMIT_ZERO.items():
        if isinstance(out.get(section), dict):
            out[section] = {k: v for k, v in out[section].items() if not (k in keys and v == 0)}
    return out
