"""kubectl config unset: clear one value in a kubeconfig file by its dotted property path."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Unset an individual value in a kubeconfig file.\n'
    '\n'
    ' PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n'
)
EXAMPLES = (
    '  # Unset the current-context\n'
    '  kubectl config unset current-context\n'
    '  \n'
    '  # Unset namespace in foo context\n'
    '  kubectl config unset contexts.foo.namespace\n'
)


@dataclass(frozen=True)
class UnsetOptions:
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> UnsetOptions:
        return cls(tuple(params["args"]))

    def validate_args(self) -> None:
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) != 1:
            raise UnexpectedArgs(self.args)

    def validate(self) -> None:
        if not self.args[0]:
            raise KubectlError("you must specify a property")


@click.command("unset", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='PROPERTY_NAME [options]')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = UnsetOptions.from_flags(params)
    options.validate_args()
    options.validate()
    run(options)


def run(options: UnsetOptions) -> None:
    from pykubectl.config.editing import PathOptions, go_quote, modify_config, unset_property

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    name = options.args[0]
    unset_property(config, name)
    modify_config(access, config, relativize_paths=False)
    session.streams.out.write(f"Property {go_quote(name)} unset.\n")
