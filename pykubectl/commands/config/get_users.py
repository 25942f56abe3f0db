"""kubectl config get-users: the names of the users in the kubeconfig, sorted."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session


@dataclass(frozen=True)
class GetUsersOptions:
    @classmethod
    def from_flags(cls, params: dict) -> GetUsersOptions:
        return cls()

    def validate(self) -> None:
        pass


@click.command("get-users", cls=KubectlCommand)
@click.argument("args", nargs=-1)  # kubectl ignores arguments here
def command(**params) -> None:
    options = GetUsersOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: GetUsersOptions, session) -> None:
    from pykubectl.config.loading import load_starting_config

    config = load_starting_config(session.overrides)
    names = "".join(f"{name}\n" for name in sorted(config.users))
    session.streams.out.write("NAME\n" + names)
