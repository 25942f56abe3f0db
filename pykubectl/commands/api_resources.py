"""kubectl api-resources: print the supported API resources on the server."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

# cobra prints the examples verbatim, blank lines included as two spaces.
EXAMPLES = "\n  \n".join([
    "  # Print the supported API resources\n  kubectl api-resources",
    "  # Print the supported API resources with more information\n  kubectl api-resources -o wide",
    "  # Print the supported API resources sorted by a column\n  kubectl api-resources --sort-by=name",
    "  # Print the supported namespaced resources\n  kubectl api-resources --namespaced=true",
    "  # Print the supported non-namespaced resources\n  kubectl api-resources --namespaced=false",
    "  # Print the supported API resources with a specific APIGroup\n"
    "  kubectl api-resources --api-group=rbac.authorization.k8s.io",
])


@dataclass(frozen=True)
class ApiResourcesOptions:
    output: str
    sort_by: str
    api_group: str | None  # None: --api-group not given
    namespaced: bool | None  # None: --namespaced not given
    verbs: tuple[str, ...]
    categories: tuple[str, ...]
    cached: bool
    no_headers: bool
    args: tuple[str, ...]

    @classmethod
    def from_flags(cls, params: dict) -> ApiResourcesOptions:
        return cls(output=params.get("output") or "", sort_by=params.get("sort_by") or "",
                   api_group=params.get("api_group"), namespaced=params.get("namespaced"),
                   verbs=tuple(v for chunk in params.get("verbs") or () for v in chunk),
                   categories=tuple(c for chunk in params.get("categories") or () for c in chunk),
                   cached=bool(params.get("cached")), no_headers=bool(params.get("no_headers")),
                   args=tuple(params.get("args") or ()))

    def validate(self) -> None:
        if self.args:
            raise UsageError(f"unexpected arguments: [{' '.join(self.args)}]", "kubectl api-resources")
        if self.output not in ("", "wide", "name"):
            raise KubectlError(f"--output {self.output} is not available")
        if self.sort_by not in ("", "name", "kind"):
            raise KubectlError("--sort-by accepts only name or kind")


@click.command("api-resources", cls=KubectlCommand, help="Print the supported API resources on the server.",
               examples=EXAMPLES)
@pflag.boolean("--no-headers", help="When using the default or custom-column output format, don't print "
                                    "headers (default print headers).")
@pflag.string("-o", "--output", help="Output format. One of: (wide, name).")
@pflag.string("--api-group", help="Limit to resources in the specified API group.")
@pflag.boolean("--namespaced", default=None, shown_default="true", help="If false, non-namespaced resources will be returned, "
                                                  "otherwise returning namespaced resources by default.")
@pflag.string_slice("--verbs", help="Limit to resources that support the specified verbs.")
@pflag.string("--sort-by", help="If non-empty, sort list of resources using specified field. The field can "
                                "be either 'name' or 'kind'.")
@pflag.boolean("--cached", help="Use the cached list of resources if available.")
@pflag.string_slice("--categories", help="Limit to resources that belong to the specified categories.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ApiResourcesOptions.from_flags(params)
    options.validate()
    run(options, current_session(namespace_first=False))


def run(options: ApiResourcesOptions, session) -> None:
    discovery = session.discovery
    if not options.cached:
        discovery.invalidate()  # always fresh data unless --cached
    error: KubectlError | None = None
    try:
        lists = discovery.preferred_resources()
    except KubectlError as exc:
        lists, error = [], exc
    failed = discovery.resources().failed if error is None else {}
    rows = []  # (group, group_version, resource)
    for group_version, resources in lists:
        group = group_version.rpartition("/")[0] if "/" in group_version else ""
        for resource in resources:
            if not resource.verbs:
                continue
            if options.api_group is not None and options.api_group != group:
                continue
            if options.namespaced is not None and options.namespaced != resource.namespaced:
                continue
            if options.verbs and not set(options.verbs) <= set(resource.verbs):
                continue
            if options.categories and not set(options.categories) <= set(resource.categories):
                continue
            rows.append((group, group_version, resource))
    lines: list[list[str]] = []
    if not options.no_headers and options.output != "name":
        header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        if options.output == "wide":
            header += ["VERBS", "CATEGORIES"]
        lines.append(header)

    def sort_key(row):
        group, _, resource = row
        first = {"name": resource.plural, "kind": resource.kind}.get(options.sort_by, group)
        return (first, resource.plural)

    for group, group_version, resource in sorted(rows, key=sort_key):  # sorted() is stable, like sort.Stable
        if options.output == "name":
            lines.append([f"{resource.plural}.{group}" if group else resource.plural])
            continue
        cells = [resource.plural, ",".join(resource.short_names), group_version,
                 "true" if resource.namespaced else "false", resource.kind]
        if options.output == "wide":
            cells += [",".join(resource.verbs), ",".join(resource.categories)]
        lines.append(cells)
    session.streams.out.write(_tabwrite(lines))
    if error is not None:
        raise error
    if failed:
        from pykubectl.client.discovery import DiscoveryFailed

        raise DiscoveryFailed(failed)


def _tabwrite(rows: list[list[str]]) -> str:
    """kubectl's tabwriter (min width 6, padding 3) for rows with the same number of cells."""
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row[:-1]):
            widths[index] = max(widths.get(index, 6), len(cell) + 3)
    out = []
    for row in rows:
        text = "".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + (row[-1] if row else "")
        out.append(text + "\n")
    return "".join(out)
