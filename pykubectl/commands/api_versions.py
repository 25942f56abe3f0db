"""kubectl api-versions: print the group/versions the server serves, one per line."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

EXAMPLES = """  # Print the supported API versions
  kubectl api-versions"""


@dataclass(frozen=True)
class ApiVersionsOptions:
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> ApiVersionsOptions:
        return cls(args=tuple(params.get("args") or ()))

    def validate(self) -> None:
        if self.args:
            raise UsageError(f"unexpected arguments: [{' '.join(self.args)}]", "kubectl api-versions")


@click.command("api-versions", cls=KubectlCommand, examples=EXAMPLES, usage="[options]",
               help='Print the supported API versions on the server, in the form of "group/version".')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ApiVersionsOptions.from_flags(params)
    options.validate()
    run(options, current_session(namespace_first=False))


def run(options: ApiVersionsOptions, session) -> None:
    discovery = session.discovery
    discovery.invalidate()  # always fresh data from the server
    try:
        groups = discovery.server_groups()
    except KubectlError as exc:
        raise KubectlError(f"couldn't get available api versions from server: {exc}") from exc
    versions = sorted(v.get("groupVersion", "") for g in groups for v in g.get("versions") or [])
    session.streams.out.write("".join(f"{v}\n" for v in versions))
