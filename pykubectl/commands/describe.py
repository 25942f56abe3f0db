"""kubectl describe: show details of a specific resource or group of resources."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import AggregateError, KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

_SUGGEST = 'Use "kubectl api-resources" for a complete list of supported resources.'

HELP = f"""Show details of a specific resource or group of resources.

 Print a detailed description of the selected resources, including related resources such as events or controllers. You may select a single object by name, all objects of that type, provide a name prefix, or label selector. For example:

        $ kubectl describe TYPE NAME_PREFIX
        
 will first check for an exact match on TYPE and NAME_PREFIX. If no such resource exists, it will output details for every resource that has a name prefixed with NAME_PREFIX.

{_SUGGEST}"""  # noqa: E501, W293 - kubectl's text, trailing spaces included

EXAMPLES = """  # Describe a node
  kubectl describe nodes kubernetes-node-emt8.c.myproject.internal
  
  # Describe a pod
  kubectl describe pods/nginx
  
  # Describe a pod identified by type and name in "pod.json"
  kubectl describe -f pod.json
  
  # Describe all pods
  kubectl describe pods
  
  # Describe pods by label name=myLabel
  kubectl describe pods -l name=myLabel
  
  # Describe all pods managed by the 'frontend' replication controller
  # (rc-created pods get the name of the rc as a prefix in the pod name)
  kubectl describe pods frontend"""  # noqa: W293


@dataclass(frozen=True)
class DescribeOptions:
    args: tuple[str, ...]
    filenames: tuple[str, ...]
    recursive: bool
    kustomize: str
    selector: str
    all_namespaces: bool
    show_events: bool
    chunk_size: int

    @classmethod
    def from_flags(cls, params: dict) -> DescribeOptions:
        filenames = tuple(name for group in params.get("filename") or () for name in
                          ([group] if isinstance(group, str) else group))
        return cls(args=tuple(params.get("args") or ()), filenames=filenames,
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "", all_namespaces=bool(params.get("all_namespaces")),
                   show_events=bool(params.get("show_events")), chunk_size=int(params.get("chunk_size") or 0))

    def validate(self) -> None:
        if not self.args and not self.filenames and not self.kustomize:
            raise KubectlError(f"You must specify the type of resource to describe. {_SUGGEST}\n")


@click.command("describe", cls=KubectlCommand, help=HELP, examples=EXAMPLES,
               usage="(-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]")
@bundles.all_namespaces
@bundles.chunk_size
@bundles.filenames("containing the resource to describe")
@bundles.selector
@pflag.boolean("--show-events", default=True, help="If true, display events related to the described object.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = DescribeOptions.from_flags(params)
    session = current_session()
    _ = session.namespace  # kubectl's ToOptions reads the namespace (and the kubeconfig) first
    options.validate()
    run(options, session)


def _with_type(obj: dict, target) -> dict:
    # Items of a built-in List come without apiVersion/kind; the builder fills them in from the mapping.
    if not obj.get("kind"):
        obj = {"apiVersion": target.type.api_version, "kind": target.type.kind, **obj}
    return obj


def run(options: DescribeOptions, session) -> None:
    from pykubectl.printing.describe import render_description
    from pykubectl.printing.describe.writer import utcnow
    from pykubectl.resources.fetching import Fetcher, is_not_found, items_of
    from pykubectl.resources.related import gather_related
    from pykubectl.resources.selection import SelectionRequest, select

    out, err = session.streams.out, session.streams.err
    namespace = session.namespace
    request = SelectionRequest(args=options.args, filenames=options.filenames, recursive=options.recursive,
                               kustomize=options.kustomize, label_selector=options.selector,
                               all_namespaces=options.all_namespaces)
    selection = select(request, session.mapper, namespace, explicit_namespace=session.overrides.namespace is not None,
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client, chunk_size=options.chunk_size)
    objects = [_with_type(item, fetched.target) for fetched in fetcher.visit(selection)
               for item in items_of(fetched.obj)]
    errors: list[Exception] = list(fetcher.errors)
    if errors and len(options.args) == 2 and all(is_not_found(e) for e in errors) and not objects:
        _describe_matching(options, session, errors)
        return

    paint = _painter(session)
    first = True
    for obj in objects:
        related = gather_related(session.client, obj, show_events=options.show_events,
                                 chunk_size=options.chunk_size)
        text = paint(render_description(obj, related, utcnow()))
        out.write(text if first else "\n\n" + text)
        first = False
    if not objects and not errors:
        err.write("No resources found\n" if options.all_namespaces else f"No resources found in {namespace} namespace.\n")
    if errors:
        raise AggregateError(errors)  # checkErr prints a builder aggregate without an "error: " prefix


def _painter(session):
    """Light colour on a terminal (never in pipes, not with NO_COLOR); the text unchanged otherwise."""
    if session.streams.colour_enabled():
        from pykubectl.printing.describe.colour import colourise

        return colourise
    return lambda text: text


def _describe_matching(options: DescribeOptions, session, original: list[Exception]) -> None:
    """kubectl describe TYPE NAME_PREFIX: no exact match, so every object whose name starts with it."""
    from pykubectl.printing.describe import render_description
    from pykubectl.printing.describe.writer import utcnow
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.related import gather_related
    from pykubectl.resources.selection import SelectionRequest, select

    resource, prefix = options.args
    namespace = session.namespace
    selection = select(SelectionRequest(args=(resource,)), session.mapper, namespace)
    fetcher = Fetcher(session.client, chunk_size=options.chunk_size)
    found = False
    for fetched in fetcher.visit(selection):
        for item in items_of(fetched.obj):
            obj = _with_type(item, fetched.target)
            if (obj.get("metadata") or {}).get("name", "").startswith(prefix):
                found = True
                related = gather_related(session.client, obj, show_events=options.show_events,
                                         chunk_size=options.chunk_size)
                session.streams.out.write(_painter(session)(render_description(obj, related, utcnow())) + "\n")
    if fetcher.errors:
        raise fetcher.errors[0]
    if not found:
        raise original[0] if len(original) == 1 else AggregateError(original)
