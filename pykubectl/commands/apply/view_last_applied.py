"""kubectl apply view-last-applied: print the last-applied-configuration annotations as YAML or JSON."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("View the latest last-applied-configuration annotations by type/name or file.\n\n The default output will "
        "be printed to stdout in YAML format. You can use the -o option to change the output format.")
EXAMPLES = ("  # View the last-applied-configuration annotations by type/name in YAML\n"
            "  kubectl apply view-last-applied deployment/nginx\n  \n"
            "  # View the last-applied-configuration annotations by file in JSON\n"
            "  kubectl apply view-last-applied -f deploy.yaml -o json")
USAGE = "(TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME) [options]"


@dataclass(frozen=True)
class ViewLastAppliedOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    select_all: bool = False
    output: str = "yaml"

    @classmethod
    def from_flags(cls, params: dict) -> ViewLastAppliedOptions:
        return cls(args=tuple(params.get("args") or ()),
                   filenames=tuple(v for c in params.get("filename") or () for v in
                                   (c if isinstance(c, list | tuple) else [c])),
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "", select_all=bool(params.get("all")),
                   output=params.get("output") if params.get("output") is not None else "yaml")


@click.command("view-last-applied", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all resources in the namespace of the specified resource types")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files that contains the last-applied-configuration annotations")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", default="yaml", help="Output format. Must be one of (yaml, json)")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ViewLastAppliedOptions.from_flags(params)
    run(options, current_session())


def run(options: ViewLastAppliedOptions, session) -> None:
    import json

    from pykubectl.resources.dry_run import LAST_APPLIED
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, select

    if options.kustomize:
        raise KubectlError("the -k/--kustomize flag is not supported by pykubectl")
    request = SelectionRequest(args=options.args, filenames=options.filenames, recursive=options.recursive,
                               label_selector=options.selector, select_all=options.select_all,
                               allow_empty_selector=False)
    selection = select(request, session.mapper, session.namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    configs: list[str] = []
    for fetched in fetcher.visit(selection):
        for obj in items_of(fetched.obj):
            metadata = obj.get("metadata") or {}
            value = (metadata.get("annotations") or {}).get(LAST_APPLIED)
            if value is None:
                # kubectl wraps a nil error here: nothing at all without a file, a "<nil>" error with one
                source = fetched.target.manifest.source if fetched.target.manifest else ""
                if not source:
                    continue
                from pykubectl.client.status import go_quote

                raise KubectlError("error when no last-applied-configuration annotation found on resource: "
                                   f"{metadata.get('name', '')}\n {go_quote(source)}: <nil>")
            configs.append(value)
    error = fetcher.error()
    if error is not None:
        raise error
    out = session.streams.out
    for text in configs:
        if options.output == "json":
            out.write(_indent_json(text))
        elif options.output == "yaml":
            from pykubectl.printing.structured import to_yaml

            out.write(to_yaml(json.loads(text)))
        else:
            raise UsageError(f"Unexpected -o output mode: {options.output}, the flag 'output' must be one of "
                             "yaml|json", "kubectl apply view-last-applied")
    out.flush()


def _indent_json(text: str) -> str:
    """json.Indent with two spaces: the annotation's own key order, its escapes and its trailing newline."""
    import json

    indented = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        indented = indented.replace(char, escaped)
    return indented + ("\n" if text.endswith("\n") else "")
