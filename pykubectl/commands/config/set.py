"""kubectl config set: set one value in a kubeconfig file by its dotted property path."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Set an individual value in a kubeconfig file.\n'
    '\n'
    ' PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n'
    '\n'
    " PROPERTY_VALUE is the new value you want to set. Binary fields such as 'certificate-authority-data' expect a base64 encoded string unless the --set-raw-bytes flag is used.\n"
    '\n'
    ' Specifying an attribute name that already exists will merge new fields on top of existing values.\n'
)
EXAMPLES = (
    '  # Set the server field on the my-cluster cluster to https://1.2.3.4\n'
    '  kubectl config set clusters.my-cluster.server https://1.2.3.4\n'
    '  \n'
    '  # Set the certificate-authority-data field on the my-cluster cluster\n'
    '  kubectl config set clusters.my-cluster.certificate-authority-data $(echo "cert_data_here" | base64 -i -)\n'
    '  \n'
    '  # Set the cluster field in the my-context context to my-cluster\n'
    '  kubectl config set contexts.my-context.cluster my-cluster\n'
    '  \n'
    '  # Set the client-key-data field in the cluster-admin user using --set-raw-bytes option\n'
    '  kubectl config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true\n'
)


@dataclass(frozen=True)
class SetOptions:
    args: tuple[str, ...]
    set_raw_bytes: bool

    @classmethod
    def from_flags(cls, params: dict) -> SetOptions:
        return cls(tuple(params["args"]), bool(params["set_raw_bytes"]))

    def validate_args(self) -> None:
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) != 2:
            raise UnexpectedArgs(self.args)

    def validate(self) -> None:
        name, value = self.args
        if not value:
            raise KubectlError("you cannot use set to unset a property")
        if not name:
            raise KubectlError("you must specify a property")


@click.command("set", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='PROPERTY_NAME PROPERTY_VALUE [options]')
@pflag.boolean("--set-raw-bytes", default=None,
               help="When writing a []byte PROPERTY_VALUE, write the given string directly without base64 decoding.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = SetOptions.from_flags(params)
    options.validate_args()
    options.validate()
    run(options)


def run(options: SetOptions) -> None:
    from pykubectl.config.editing import PathOptions, go_quote, modify_config, set_property

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    name, value = options.args
    set_property(config, name, value, raw_bytes=options.set_raw_bytes)
    modify_config(access, config, relativize_paths=False)
    session.streams.out.write(f"Property {go_quote(name)} set.\n")
