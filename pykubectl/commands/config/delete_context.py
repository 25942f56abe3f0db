"""kubectl config delete-context: delete the specified context from the kubeconfig."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags.command import KubectlCommand, render_command_help
from pykubectl.flags.global_flags import current_session

HELP = (
    'Delete the specified context from the kubeconfig.\n'
)
EXAMPLES = (
    '  # Delete the context for the minikube cluster\n'
    '  kubectl config delete-context minikube\n'
)


@dataclass(frozen=True)
class DeleteContextOptions:
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> DeleteContextOptions:
        return cls(tuple(params["args"]))

    def validate(self) -> None:
        """Nothing to check before the kubeconfig is read: kubectl loads it before looking at the arguments."""


@click.command("delete-context", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='NAME [options]')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = DeleteContextOptions.from_flags(params)
    options.validate()
    run(options)


def run(options: DeleteContextOptions) -> None:
    from pykubectl.config.editing import PathOptions, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    if len(options.args) != 1:  # kubectl prints the help and succeeds
        ctx = click.get_current_context()
        session.streams.out.write(render_command_help(ctx.command, ctx.command_path))
        return
    name = options.args[0]
    config_file = access.report_filename()
    if name not in config.contexts:
        raise KubectlError(f"cannot delete context {name}, not in {config_file}")
    if config.current_context == name:
        session.streams.err.write('warning: this removed your active context, use "kubectl config use-context" '
                                  "to select a different one\n")
    del config.contexts[name]
    modify_config(access, config, relativize_paths=True)
    session.streams.out.write(f"deleted context {name} from {config_file}\n")
