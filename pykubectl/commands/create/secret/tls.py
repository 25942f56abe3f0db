"""kubectl create secret tls: a kubernetes.io/tls Secret from a certificate and key."""

from __future__ import annotations

import click

from pykubectl.commands.create._common import (
    GeneratorCommand,
    GeneratorOutput,
    Prepared,
    generator_flags,
    name_and_command,
)
from pykubectl.flags import pflag
from pykubectl.flags.global_flags import current_session

HELP = 'Create a TLS secret from the given public/private key pair.\n\n The public/private key pair must exist beforehand. The public key certificate must be .PEM encoded and match the given private key.'
EXAMPLES = '  # Create a new TLS secret named tls-secret with the given key pair\n  kubectl create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key'
USAGE = 'NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none] [options]'


@click.command('tls', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.boolean("--append-hash", help='Append a hash of the secret to its name.')
@pflag.string("--cert", help='Path to PEM encoded public key certificate.')
@pflag.string("--key", help='Path to private key associated with given certificate.')
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create._common import (
        canonical_path,
        enforced_namespace,
        namespaced_path,
    )
    from pykubectl.resources import generators

    session = current_session()
    name, command_args = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"],
                                          canonical_path(ctx))
    prepared = Prepared(GeneratorOutput.from_flags(params))
    ns = enforced_namespace(session)

    obj = generators.secret_tls(name, ns, cert=params.get("cert") or "", key=params.get("key") or "",
                                append_hash=bool(params.get("append_hash")))
    prepared.send(session, obj, namespaced_path(session, "v1", "secrets"), "failed to create secret ")
