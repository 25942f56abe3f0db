"""kubectl config rename-context: rename a context in the kubeconfig (and current-context with it)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Renames a context from the kubeconfig file.\n'
    '\n'
    ' CONTEXT_NAME is the context name that you want to change.\n'
    '\n'
    ' NEW_NAME is the new name you want to set.\n'
    '\n'
    " Note: If the context being renamed is the 'current-context', this field will also be updated.\n"
)
EXAMPLES = (
    "  # Rename the context 'old-name' to 'new-name' in your kubeconfig file\n"
    '  kubectl config rename-context old-name new-name\n'
)


@dataclass(frozen=True)
class RenameContextOptions:
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> RenameContextOptions:
        return cls(tuple(params["args"]))

    def validate_args(self) -> None:
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) != 2:
            raise UnexpectedArgs(self.args)

    def validate(self) -> None:
        if not self.args[1]:
            raise KubectlError("You must specify a new non-empty context name")


@click.command("rename-context", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='CONTEXT_NAME NEW_NAME [options]')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = RenameContextOptions.from_flags(params)
    options.validate_args()
    options.validate()
    run(options)


def run(options: RenameContextOptions) -> None:
    from pykubectl.config.editing import PathOptions, go_quote, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    old, new = options.args
    config_file = access.report_filename()
    context = config.contexts.get(old)
    if context is None:
        raise KubectlError(f"cannot rename the context {go_quote(old)}, it's not in {config_file}")
    if new in config.contexts:
        raise KubectlError(f"cannot rename the context {go_quote(old)}, the context {go_quote(new)} "
                           f"already exists in {config_file}")
    config.contexts[new] = context  # keeps its origin: the renamed entry stays in the same file
    del config.contexts[old]
    if config.current_context == old:
        config.current_context = new
    modify_config(access, config, relativize_paths=True)
    session.streams.out.write(f"Context {go_quote(old)} renamed to {go_quote(new)}.\n")
