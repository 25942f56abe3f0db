"""kubectl version: print the client and server version information."""

from __future__ import annotations

import platform
import re
import sys
from dataclasses import dataclass

import click

from pykubectl import KUBECTL_COMPAT_VERSION, __version__
from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session, current_streams

# The kustomize release kubectl v1.32 embeds; `kubectl version` reports it.
KUSTOMIZE_VERSION = "v5.5.0"
# version.Info's fields in Go's order: what kubectl re-encodes from the server's answer.
_INFO_FIELDS = ("major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion",
                "compiler", "platform")
SUPPORTED_MINOR_SKEW = 1


@dataclass(frozen=True)
class VersionOptions:
    client_only: bool
    output: str
    args: tuple[str, ...] = ()

    @classmethod
    def from_flags(cls, params: dict) -> VersionOptions:
        return cls(client_only=params["client"], output=params["output"] or "",
                   args=tuple(params.get("args") or ()))

    def validate(self) -> None:
        if self.args:
            raise KubectlError(f"extra arguments: [{' '.join(self.args)}]")
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
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = VersionOptions.from_flags(params)
    if not options.client_only:
        _ = current_session(namespace_first=False).client  # kubectl's Complete: a broken kubeconfig fails before validation
    options.validate()
    run(options)


def run(options: VersionOptions) -> None:
    streams = current_streams()
    info: dict = {"clientVersion": client_version(), "kustomizeVersion": KUSTOMIZE_VERSION}
    server_error: KubectlError | None = None
    if not options.client_only:
        try:
            info["serverVersion"] = server_version(current_session(namespace_first=False))
        except KubectlError as exc:  # kubectl prints what it has, then the error
            server_error = exc
    if options.output == "json":
        from pykubectl.printing.structured import to_json

        streams.out.write(to_json(info, indent=2))  # Go: Fprintln(MarshalIndent(...)); to_json ends in \n
    elif options.output == "yaml":
        from pykubectl.printing.structured import to_yaml

        streams.out.write(to_yaml(info) + "\n")
    else:
        streams.out.write(f"Client Version: {info['clientVersion']['gitVersion']}\n")
        streams.out.write(f"Kustomize Version: {KUSTOMIZE_VERSION}\n")
        if "serverVersion" in info:
            streams.out.write(f"Server Version: {info['serverVersion'].get('gitVersion', '')}\n")
    if "serverVersion" in info:
        streams.err.write(skew_warning(KUBECTL_COMPAT_VERSION, info["serverVersion"].get("gitVersion", "")))
    if server_error is not None:
        raise server_error


def server_version(session) -> dict:
    """GET /version through discovery (timeout=32s), fresh every time, as kubectl's version.Info."""
    raw = session.discovery.server_version()
    if not isinstance(raw, dict):
        raise KubectlError("unable to parse the server version: json: cannot unmarshal "
                           f"{type(raw).__name__} into Go value of type version.Info")
    return {field: str(raw.get(field, "") or "") for field in _INFO_FIELDS}


_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def skew_warning(client_git_version: str, server_git_version: str) -> str:
    """kubectl's printVersionSkewWarning: more than one minor apart (or another major) → a warning line."""
    client, server = _SEMVER.match(client_git_version), _SEMVER.match(server_git_version)
    if client is None or server is None:
        bad = client_git_version if client is None else server_git_version
        raise KubectlError(f'could not parse "{bad}" as version')
    c_major, c_minor, s_major, s_minor = int(client[1]), int(client[2]), int(server[1]), int(server[2])
    if c_major != s_major or abs(c_minor - s_minor) > SUPPORTED_MINOR_SKEW:
        return (f"WARNING: version difference between client ({c_major}.{c_minor}) and server "
                f"({s_major}.{s_minor}) exceeds the supported minor version skew of +/-{SUPPORTED_MINOR_SKEW}\n")
    return ""
