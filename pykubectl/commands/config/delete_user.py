"""kubectl config delete-user: delete the specified user from the kubeconfig."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Delete the specified user from the kubeconfig.\n'
)
EXAMPLES = (
    '  # Delete the minikube user\n'
    '  kubectl config delete-user minikube\n'
)


@dataclass(frozen=True)
class DeleteUserOptions:
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> DeleteUserOptions:
        return cls(tuple(params["args"]))

    def validate(self) -> None:
        """Nothing to check before the kubeconfig is read: kubectl loads it before looking at the arguments."""


@click.command("delete-user", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='NAME [options]')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = DeleteUserOptions.from_flags(params)
    options.validate()
    run(options)


def run(options: DeleteUserOptions) -> None:
    from pykubectl.config.editing import PathOptions, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    if len(options.args) != 1:
        raise UsageError("user to delete is required", click.get_current_context().command_path)
    name = options.args[0]
    config_file = access.report_filename()
    if name not in config.users:
        raise KubectlError(f"cannot delete user {name}, not in {config_file}")
    del config.users[name]
    modify_config(access, config, relativize_paths=True)
    session.streams.out.write(f"deleted user {name} from {config_file}\n")
