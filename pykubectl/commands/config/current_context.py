"""kubectl config current-context: print the current-context of the (merged) kubeconfig."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session


@dataclass(frozen=True)
class CurrentContextOptions:
    @classmethod
    def from_flags(cls, params: dict) -> CurrentContextOptions:
        return cls()

    def validate(self) -> None:
        pass


@click.command("current-context", cls=KubectlCommand)
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = CurrentContextOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: CurrentContextOptions, session) -> None:
    from pykubectl.config.loading import load_starting_config

    config = load_starting_config(session.overrides)
    if not config.current_context:
        raise KubectlError("current-context is not set")
    session.streams.out.write(f"{config.current_context}\n")
