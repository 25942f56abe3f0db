"""kubectl config get-clusters: the names of the clusters in the kubeconfig."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session


@dataclass(frozen=True)
class GetClustersOptions:
    @classmethod
    def from_flags(cls, params: dict) -> GetClustersOptions:
        return cls()

    def validate(self) -> None:
        pass


@click.command("get-clusters", cls=KubectlCommand)
@click.argument("args", nargs=-1)  # kubectl ignores arguments here
def command(**params) -> None:
    options = GetClustersOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: GetClustersOptions, session) -> None:
    from pykubectl.config.loading import load_starting_config

    config = load_starting_config(session.overrides)
    # kubectl walks a Go map here, so its order is random; sorted is one of the orders it can print.
    names = "".join(f"{name}\n" for name in sorted(config.clusters))
    session.streams.out.write("NAME\n" + names)
