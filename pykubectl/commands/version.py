"""kubectl version: print the client and server version information."""

from __future__ import annotations

import json
import platform
import sys
from dataclasses import dataclass

import click

from pykubectl import KUBECTL_COMPAT_VERSION, __version__
from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session, current_streams


@dataclass(frozen=True)
class VersionOptions:
    client_only: bool
    output: str

    @classmethod
    def from_flags(cls, params: dict) -> VersionOptions:
        return cls(client_only=params["client"], output=params["output"] or "")

    def validate(self) -> None:
        if self.output not in ("", "yaml", "json"):
            raise KubectlError("--output must be 'yaml' or 'json'")


def client_version() -> dict:
    major, minor = KUBECTL_COMPAT_VERSION.lstrip("v").split(".")[:2]
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return {
        "major": major,
        "minor": minor,
        "gitVersion": f"{KUBECTL_COMPAT_VERSION}+pykubectl.{__version__}",
        "gitCommit": "",
        "gitTreeState": "",
        "buildDate": "",
        "goVersion": f"python{sys.version_info.major}.{sys.version_info.minor}",
        "compiler": "cpython",
        "platform": f"{sys.platform}/{machine}",
    }


@click.command(
    "version",
    cls=KubectlCommand,
    help="Print the client and server version information for the current context.",
    examples="  # Print the client and server versions for the current context\n  kubectl version",
)
@pflag.boolean("--client", help="If true, shows client version only (no server required).")
@pflag.string("-o", "--output", help="One of 'yaml' or 'json'.")
def command(**params) -> None:
    options = VersionOptions.from_flags(params)
    options.validate()
    run(options)


def run(options: VersionOptions) -> None:
    streams = current_streams()
    info: dict = {"clientVersion": client_version()}
    server_error: KubectlError | None = None
    if not options.client_only:
        try:
            info["serverVersion"] = current_session().client.get_json("/version")
        except KubectlError as exc:  # kubectl prints what it has, then the error
            server_error = exc
    if options.output == "json":
        streams.out.write(json.dumps(info, indent=2) + "\n")
    elif options.output == "yaml":
        from pykubectl.printing.structured import to_yaml

        streams.out.write(to_yaml(info) + "\n")
    else:
        streams.out.write(f"Client Version: {info['clientVersion']['gitVersion']}\n")
        if "serverVersion" in info:
            streams.out.write(f"Server Version: {info['serverVersion'].get('gitVersion', '')}\n")
    if server_error is not None:
        raise server_error
