"""kubectl explain: document a resource's fields from the server's OpenAPI v3 schemas."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, PlainError, ResourceTypeNotFound
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

PLAINTEXT = "plaintext"
PLAINTEXT_V2 = "plaintext-openapiv2"
SUGGEST = 'Use "kubectl api-resources" for a complete list of supported resources.'

HELP = (
    "Describe fields and structure of various resources.\n\n"
    " This command describes the fields associated with each supported API resource. Fields are identified "
    "via a simple JSONPath identifier:\n\n"
    "        <type>.<fieldName>[.<fieldName>]\n"
    "        \n"
    " Information about each field is retrieved from the server in OpenAPI format.\n\n" + SUGGEST
)
EXAMPLES = "\n  \n".join([
    "  # Get the documentation of the resource and its fields\n  kubectl explain pods",
    "  # Get all the fields in the resource\n  kubectl explain pods --recursive",
    "  # Get the explanation for deployment in supported api versions\n"
    "  kubectl explain deployments --api-version=apps/v1",
    "  # Get the documentation of a specific field of a resource\n  kubectl explain pods.spec.containers",
    "  # Get the documentation of resources in different format\n"
    "  kubectl explain deployment --output=plaintext-openapiv2",
])
USAGE = ("TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] "
         "[-o|--output=plaintext|plaintext-openapiv2] [options]")

_FIELD = "field"
_RECURSIVE = "recursive"
_OTHER = "other"
_TERMINATORS = set(" \t\r\n.,[]$@{}")


@dataclass(frozen=True)
class ExplainOptions:
    args: tuple[str, ...]
    recursive: bool
    api_version: str
    output: str

    @classmethod
    def from_flags(cls, params: dict) -> ExplainOptions:
        output = params.get("output")
        return cls(args=tuple(params.get("args") or ()), recursive=bool(params.get("recursive")),
                   api_version=params.get("api_version") or "",
                   output=PLAINTEXT if output is None else output)

    def validate(self) -> None:
        if not self.args:
            raise KubectlError(f"You must specify the type of resource to explain. {SUGGEST}\n")
        if len(self.args) > 1:
            raise KubectlError("We accept only this format: explain RESOURCE\n")


@click.command("explain", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.string("--api-version", help="Use given api-version (group/version) of the resource.")
@pflag.string("-o", "--output", default=PLAINTEXT,
              help="Format in which to render the schema. Valid values are: (plaintext, plaintext-openapiv2).")
@pflag.boolean("--recursive", help="When true, print the name of all the fields recursively. Otherwise, print the "
                                   "available fields with their description.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ExplainOptions.from_flags(params)
    session = current_session(namespace_first=False)  # explain never reads the namespace
    _ = session.mapper  # kubectl's Complete builds the mapper and clients before Validate
    options.validate()
    run(options, session)


# -- argument parsing (kubectl pkg/explain/explain.go) ------------------------------------------------------


def _nodes(text: str) -> list[tuple[str, str]]:
    """client-go's JSONPath parse of "{.<text>}", reduced to what explain checks: field, recursive or other."""
    if text.endswith("."):
        text = text[:-1]
    source = "." + text
    nodes: list[tuple[str, str]] = []

    def read_field(start: int) -> int:
        end = start
        while end < len(source):
            if source[end] == "\\":
                end += 2
                continue
            if source[end] in _TERMINATORS:
                break
            end += 1
        value = source[start:end]
        nodes.append((_OTHER, value) if value == "*" else (_FIELD, value.replace("\\", "")))
        return end

    i = 0
    while i < len(source):
        if source.startswith("..", i):
            if nodes and nodes[-1][0] == _RECURSIVE:
                raise KubectlError("invalid multiple recursive descent")
            nodes.append((_RECURSIVE, ""))
            i += 2
            if i < len(source) and (source[i].isalnum() or source[i] == "_"):
                i = read_field(i)
            continue
        char = source[i]
        if char == ".":
            i = read_field(i + 1)
        elif char in " \t@$":
            i += 1
        elif char in "[\"'+-" or char.isalnum() or char == "_" or char in "\r\n":
            nodes.append((_OTHER, char))
            break
        else:
            raise KubectlError(f"unrecognized character in action: U+{ord(char):04X} '{char}'")
    return nodes


def _field_names(nodes: list[tuple[str, str]], message: str) -> list[str]:
    names = []
    for kind, value in nodes:
        if kind != _FIELD:
            raise KubectlError(message)
        names.append(value)
    return names


def _resources_for(session, resource: str):
    """mapper.ResourcesFor: every mapping of the name, highest priority first."""
    try:
        top = session.mapper.resource_for(resource)
    except ResourceTypeNotFound as exc:
        raise PlainError(str(exc)) from None
    found = [top]
    resources = session.discovery.resources()
    for group in resources.groups:
        for version in group.versions:
            gv = f"{group.name}/{version}" if group.name else version
            for candidate in resources.resources.get(gv, []):
                if candidate.is_subresource or candidate in found:
                    continue
                if candidate.plural == top.plural:
                    found.append(candidate)
    return found


def split_resource_request(session, argument: str, with_matching_prefix: bool):
    """(ResourceType, field path) for "pods.spec.containers" or "deployments.apps.spec"."""
    nodes = _nodes(argument)
    if not nodes or nodes[0][0] != _FIELD:
        raise KubectlError("invalid jsonpath syntax, first node must be field node")
    resource = nodes[0][1]
    if not with_matching_prefix:
        mapping = _resources_for(session, resource)[0]
        return mapping, _field_names(nodes[1:], "invalid jsonpath syntax, all nodes must be field nodes")
    candidates = _resources_for(session, resource)
    for candidate in candidates:
        group_resource = f"{candidate.plural}.{candidate.group}" if candidate.group else candidate.plural
        if argument.startswith(group_resource):
            suffix = argument[len(group_resource):]
            fields: list[str] = []
            if suffix:
                fields = _field_names(_nodes(suffix)[1:], "invalid jsonpath syntax, first node must be field node")
            return candidate, fields
    return candidates[0], _field_names(nodes[1:], "invalid jsonpath syntax, first node must be field node")


def parse_group_version(text: str) -> tuple[str, str]:
    """apimachinery schema.ParseGroupVersion."""
    if not text or text == "/":
        return "", ""
    parts = text.split("/")
    if len(parts) == 1:
        return "", text
    if len(parts) == 2:
        return parts[0], parts[1]
    raise KubectlError(f"unexpected GroupVersion string: {text}")


# -- run ----------------------------------------------------------------------------------------------------


def run(options: ExplainOptions, session) -> None:
    from pykubectl.client.openapi import OpenAPIV3
    from pykubectl.printing.explain import GVR, ExplainError, render_explain

    mapping, fields = split_resource_request(session, options.args[0], with_matching_prefix=not options.api_version)
    openapi = OpenAPIV3(session.client)
    if options.output == PLAINTEXT_V2:
        _render_openapi_v2(session)
    if options.output == PLAINTEXT:
        try:
            openapi.paths()
        except KubectlError:
            _render_openapi_v2(session)
    group, version = mapping.group, mapping.version
    if options.api_version:
        group, version = parse_group_version(options.api_version)
    gvr = GVR(group, version, mapping.plural)
    try:
        paths = openapi.paths()
    except KubectlError as exc:
        raise KubectlError(f"failed to fetch list of groupVersions: {exc}") from None
    key = f"apis/{group}/{version}" if group else f"api/{version}"
    if key not in paths:
        raise KubectlError(f'couldn\'t find resource for "{gvr}"')
    try:
        document = openapi.document(key)
    except KubectlError as exc:
        raise KubectlError(f"failed to fetch openapi schema for {key}: {exc}") from None
    if options.output != PLAINTEXT:
        raise KubectlError(f"unrecognized format: {options.output}")
    out = session.streams.out
    try:
        text = render_explain(document, gvr, fields, options.recursive)
    except ExplainError as exc:
        out.write(exc.partial)
        out.flush()
        raise
    out.write(text)


def _render_openapi_v2(session) -> None:
    """kubectl's OpenAPI v2 renderer. Only the download is implemented: a server without /openapi/v2 gives
    kubectl's error; one that has it gets a clear "not supported" error instead of v2 output."""
    session.client.request("GET", "/openapi/v2", discovery=True,
                           headers={"Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"})
    raise KubectlError("the plaintext-openapiv2 output is not supported by pykubectl; use -o plaintext")
