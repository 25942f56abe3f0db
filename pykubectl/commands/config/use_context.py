"""kubectl config use-context: set the current-context in a kubeconfig file."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Set the current-context in a kubeconfig file.\n'
    '\n'
    'Aliases:\n'
    'use-context, use\n'
)
EXAMPLES = (
    '  # Use the context for the minikube cluster\n'
    '  kubectl config use-context minikube\n'
)


@dataclass(frozen=True)
class UseContextOptions:
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> UseContextOptions:
        return cls(tuple(params["args"]))

    @property
    def context_name(self) -> str:
        return self.args[0]

    def validate(self) -> None:
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) != 1:
            raise UnexpectedArgs(self.args)


@click.command("use-context", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="CONTEXT_NAME [options]")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = UseContextOptions.from_flags(params)
    options.validate()
    run(options)


def run(options: UseContextOptions) -> None:
    from pykubectl.config.editing import PathOptions, go_quote, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    if not options.context_name:
        raise KubectlError("empty context names are not allowed")
    if options.context_name not in config.contexts:
        raise KubectlError(f"no context exists with the name: {go_quote(options.context_name)}")
    config.current_context = options.context_name
    modify_config(access, config, relativize_paths=True)
    session.streams.out.write(f"Switched to context {go_quote(options.context_name)}.\n")
