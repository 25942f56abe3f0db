"""kubectl config set-context: create or modify a context entry in kubeconfig."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Set a context entry in kubeconfig.\n'
    '\n'
    ' Specifying a name that already exists will merge new fields on top of existing values for those fields.\n'
)
EXAMPLES = (
    '  # Set the user field on the gce context entry without touching other values\n'
    '  kubectl config set-context gce --user=cluster-admin\n'
)


@dataclass(frozen=True)
class SetContextOptions:
    args: tuple[str, ...]
    current: bool
    cluster: str | None  # None: flag not given (cliflag.StringFlag.Provided)
    user: str | None
    namespace: str | None

    @classmethod
    def from_flags(cls, params: dict) -> SetContextOptions:
        return cls(tuple(params["args"]), bool(params["current"]), params["cluster"], params["user"],
                   params["namespace"])

    @property
    def name(self) -> str:
        return self.args[0] if self.args else ""

    def validate_args(self) -> None:
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) > 1:
            raise UnexpectedArgs(self.args)

    def validate(self) -> None:
        if not self.name and not self.current:
            raise KubectlError("you must specify a non-empty context name or --current")
        if self.name and self.current:
            raise KubectlError("you cannot specify both a context name and --current")


@click.command("set-context", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='[NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace] [options]')
@pflag.boolean("--current", help="Modify the current context")
@pflag.string("--cluster", help="cluster for the context entry in kubeconfig")
@pflag.string("--user", help="user for the context entry in kubeconfig")
@pflag.string("--namespace", help="namespace for the context entry in kubeconfig")
# kubectl's own --namespace here hides the global flag, shorthand -n included: -n is an unknown flag.
@pflag.string("-n", hidden=True)
@click.argument("args", nargs=-1)
def command(**params) -> None:
    if params.pop("n") is not None:
        from pykubectl.errors import FlagError

        raise FlagError("unknown shorthand flag: 'n' in -n", click.get_current_context().command_path)
    options = SetContextOptions.from_flags(params)
    options.validate_args()
    options.validate()
    run(options)


def run(options: SetContextOptions) -> None:
    from pykubectl.config.editing import PathOptions, Stanza, go_quote, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    name = options.name
    if options.current:
        if not config.current_context:
            raise KubectlError("no current context is set")
        name = config.current_context
    existing = config.contexts.get(name)
    stanza = existing.copy() if existing is not None else Stanza()
    for key, value in (("cluster", options.cluster), ("user", options.user), ("namespace", options.namespace)):
        if value is not None:
            stanza.set(key, value)
    config.contexts[name] = stanza
    modify_config(access, config, relativize_paths=True)
    verb = "modified" if existing is not None else "created"
    session.streams.out.write(f"Context {go_quote(name)} {verb}.\n")
