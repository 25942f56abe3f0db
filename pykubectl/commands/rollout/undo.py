"""kubectl rollout undo: roll a deployment, daemon set or stateful set back to an earlier revision."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.commands.rollout import _shared
from pykubectl.errors import KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Roll back to a previous rollout."
EXAMPLES = ("  # Roll back to the previous deployment\n  kubectl rollout undo deployment/abc\n  \n"
            "  # Roll back to daemonset revision 3\n  kubectl rollout undo daemonset/abc --to-revision=3\n  \n"
            "  # Roll back to the previous deployment with dry-run\n"
            "  kubectl rollout undo --dry-run=server deployment/abc")
USAGE = "(TYPE NAME | TYPE/NAME) [flags] [options]"
DRY_RUN_HELP = ('Must be "none", "server", or "client". If client strategy, only print the object that would be sent, '
                "without sending it. If server strategy, submit server-side request without persisting the resource.")


@dataclass(frozen=True)
class UndoOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    to_revision: int = 0
    dry_run: str = "none"
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> UndoOptions:
        return cls(args=tuple(params.get("args") or ()), filenames=_shared.flat(params.get("filename")),
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "", to_revision=int(params.get("to_revision") or 0),
                   dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
                   output=params.get("output") or "", template=params.get("template") or "",
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")))

    def validate(self) -> None:
        _shared.require_resource(self.args, self.filenames, self.kustomize)


@click.command("undo", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@bundles.allow_missing_template_keys
@pflag.string("--dry-run", default="none", help=DRY_RUN_HELP)
@_shared.filename
@_shared.kustomize
@_shared.output
@_shared.recursive
@bundles.selector
@bundles.show_managed_fields
@bundles.template
@bundles.integer("--to-revision", default=0, help="The revision to rollback to. Default to 0 (last revision).")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = UndoOptions.from_flags(params)
    run(options, current_session())


def run(options: UndoOptions, session) -> None:
    from pykubectl.errors import AggregateError
    from pykubectl.resources import rollouts
    from pykubectl.resources.dry_run import dry_run_suffix, parse_dry_run

    dry_run = parse_dry_run(options.dry_run)
    _shared.check_output(options.output, options.template)
    options.validate()
    suffix = dry_run_suffix(dry_run)
    errors: list[Exception] = []
    out = session.streams.out
    structured = None
    if options.output or options.template:
        structured = _shared.printer(options.output, options.template, options.allow_missing_template_keys,
                                     options.show_managed_fields)
    for _rtype, obj in _shared.visit(session, options.args, options.filenames, options.recursive,
                                     options.kustomize, options.selector, errors):
        try:
            result = rollouts.rollback(session.client, obj, options.to_revision, dry_run)
        except KubectlError as exc:
            errors.append(exc)
            continue
        message = result.message
        if result.template is not None:
            message = _shared.template_text(result.template)
            if obj.get("kind") != "Deployment":
                message = f"will roll back to {message}"

        emit = structured or _shared.printer("", "", True, False, message + suffix)
        out.write(emit(obj))
        out.flush()
    if errors:
        raise errors[0] if len(errors) == 1 else AggregateError(errors)
