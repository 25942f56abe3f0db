"""kubectl config set-cluster: create or modify a cluster entry in kubeconfig."""

from __future__ import annotations

import os
from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Set a cluster entry in kubeconfig.\n'
    '\n'
    ' Specifying a name that already exists will merge new fields on top of existing values for those fields.\n'
)
EXAMPLES = (
    '  # Set only the server field on the e2e cluster entry without touching other values\n'
    '  kubectl config set-cluster e2e --server=https://1.2.3.4\n'
    '  \n'
    '  # Embed certificate authority data for the e2e cluster entry\n'
    '  kubectl config set-cluster e2e --embed-certs --certificate-authority=~/.kube/e2e/kubernetes.ca.crt\n'
    '  \n'
    '  # Disable cert checking for the e2e cluster entry\n'
    '  kubectl config set-cluster e2e --insecure-skip-tls-verify=true\n'
    '  \n'
    '  # Set the custom TLS server name to use for validation for the e2e cluster entry\n'
    '  kubectl config set-cluster e2e --tls-server-name=my-cluster-name\n'
    '  \n'
    '  # Set the proxy URL for the e2e cluster entry\n'
    '  kubectl config set-cluster e2e --proxy-url=https://1.2.3.4\n'
)


@dataclass(frozen=True)
class SetClusterOptions:
    """String flags are None when not given; the two booleans are tri-state (None = not given)."""

    args: tuple[str, ...]
    server: str | None
    tls_server_name: str | None
    insecure_skip_tls_verify: bool | None
    certificate_authority: str | None
    embed_certs: bool | None
    proxy_url: str | None

    @classmethod
    def from_flags(cls, params: dict) -> SetClusterOptions:
        return cls(tuple(params["args"]), params["server"], params["tls_server_name"],
                   params["insecure_skip_tls_verify"], params["certificate_authority"], params["embed_certs"],
                   params["proxy_url"])

    @property
    def name(self) -> str:
        return self.args[0]

    def validate_args(self) -> None:
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) != 1:
            raise UnexpectedArgs(self.args)

    def validate(self) -> None:
        if not self.name:
            raise KubectlError("you must specify a non-empty cluster name")
        if self.insecure_skip_tls_verify and self.certificate_authority:
            raise KubectlError("you cannot specify a certificate authority and insecure mode at the same time")
        if self.embed_certs:
            path = self.certificate_authority or ""
            if not path:
                raise KubectlError("you must specify a --certificate-authority to embed")
            try:
                os.stat(path)
            except OSError as exc:
                reason = (exc.strerror or str(exc)).lower()
                raise KubectlError(f"could not stat certificate-authority file {path}: stat {path}: {reason}") from None


@click.command("set-cluster", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='NAME [--server=server] [--certificate-authority=path/to/certificate/authority] [--insecure-skip-tls-verify=true] [--tls-server-name=example.com] [options]')
@pflag.string("--server", help="server for the cluster entry in kubeconfig")
@pflag.string("--tls-server-name", help="tls-server-name for the cluster entry in kubeconfig")
@pflag.boolean("--insecure-skip-tls-verify", default=None, help="insecure-skip-tls-verify for the cluster entry in kubeconfig")
@pflag.string("--certificate-authority", help="Path to certificate-authority file for the cluster entry in kubeconfig")
@pflag.boolean("--embed-certs", default=None, help="embed-certs for the cluster entry in kubeconfig")
@pflag.string("--proxy-url", help="proxy-url for the cluster entry in kubeconfig")
# kubectl's own --server here hides the global flag, shorthand -s included: -s is an unknown flag.
@pflag.string("-s", hidden=True)
@click.argument("args", nargs=-1)
def command(**params) -> None:
    if params.pop("s") is not None:
        from pykubectl.errors import FlagError

        raise FlagError("unknown shorthand flag: 's' in -s", click.get_current_context().command_path)
    options = SetClusterOptions.from_flags(params)
    options.validate_args()
    options.validate()
    run(options)


def run(options: SetClusterOptions) -> None:
    from pykubectl.config.editing import PathOptions, Stanza, go_quote, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    existing = config.clusters.get(options.name)
    cluster = existing.copy() if existing is not None else Stanza()
    _modify_cluster(cluster, options)
    config.clusters[options.name] = cluster
    modify_config(access, config, relativize_paths=True)
    session.streams.out.write(f"Cluster {go_quote(options.name)} set.\n")


def _modify_cluster(cluster, options: SetClusterOptions) -> None:
    """KC:pkg/cmd/config/set_cluster.go modifyCluster."""
    if options.server is not None:
        cluster.set("server", options.server)
        cluster.set("tls-server-name", "")  # a new server invalidates the old TLS server name
    if options.tls_server_name is not None:
        cluster.set("tls-server-name", options.tls_server_name)
    if options.insecure_skip_tls_verify is not None:
        cluster.set("insecure-skip-tls-verify", options.insecure_skip_tls_verify)
        if options.insecure_skip_tls_verify:
            cluster.set("certificate-authority", "")
            cluster.set("certificate-authority-data", b"")
    if options.certificate_authority is not None:
        path = options.certificate_authority
        if options.embed_certs:
            try:
                with open(path, "rb") as handle:
                    cluster.set("certificate-authority-data", handle.read())
            except OSError:
                cluster.set("certificate-authority-data", b"")
            cluster.set("insecure-skip-tls-verify", False)
            cluster.set("certificate-authority", "")
        else:
            path = os.path.abspath(path)
            cluster.set("certificate-authority", path)
            if path:
                cluster.set("insecure-skip-tls-verify", False)
                cluster.set("certificate-authority-data", b"")
    if options.proxy_url is not None:
        cluster.set("proxy-url", options.proxy_url)
