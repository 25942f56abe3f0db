"""What the rollout sub-verbs share: their flags, the visit of the named objects, printers, template text."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pykubectl.errors import KubectlError
from pykubectl.flags import bundles, pflag

OUTPUT_FORMATS = ("json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, "
                  "jsonpath-file")
FILENAME_HELP = "Filename, directory, or URL to files identifying the resource to get from a server."

filename = pflag.string_slice("-f", "--filename", help=FILENAME_HELP)
kustomize = pflag.string("-k", "--kustomize",
                         help="Process the kustomization directory. This flag can't be used together with -f or -R.")
recursive = pflag.boolean("-R", "--recursive",
                          help="Process the directory used in -f, --filename recursively. Useful when you want to "
                               "manage related manifests organized within the same directory.")
output = bundles.output(OUTPUT_FORMATS, links=False)
field_manager = pflag.string("--field-manager", default="kubectl-rollout",
                             help="Name of the manager used to track field ownership.")


def flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def require_resource(args, filenames, kustomize_dir: str) -> None:
    if not args and not filenames and not kustomize_dir:
        raise KubectlError("required resource not specified")


def visit(session, args, filenames, recursive_: bool, kustomize_dir: str, selector: str,
          errors: list[Exception]) -> Iterator[tuple[object, dict]]:
    """(ResourceType, object) for each object named, fetched again (Builder.Latest, Flatten); fetch
    errors are appended to `errors` after the objects."""
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, select

    request = SelectionRequest(args=tuple(args), filenames=tuple(filenames), recursive=recursive_,
                               kustomize=kustomize_dir, label_selector=selector, allow_empty_selector=True,
                               latest=True)
    selection = select(request, session.mapper, session.namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    for fetched in fetcher.visit(selection):
        page = fetched.obj
        kind = str(page.get("kind") or "")
        for obj in (page.get("items") or []) if isinstance(page.get("items"), list) else [page]:
            if kind.endswith("List") and not obj.get("kind"):
                obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
            yield fetched.target.type, obj
    error = fetcher.error()
    if error is not None:
        errors.append(error)


def printer(output_: str, template: str, allow_missing: bool, show_managed_fields: bool,
            operation: str = "") -> Callable[[dict], str]:
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name

    if not output_ and not template:
        return lambda obj: to_name(obj, operation)
    return object_printer(output_, template_argument=template, allow_missing_keys=allow_missing,
                          show_managed_fields=show_managed_fields, yaml_separators=True)


def check_output(output_: str, template: str) -> None:
    """PrintFlags.ToPrinter runs before anything else: an unknown -o fails first."""
    if output_ or template:
        printer(output_, template, True, False)


class _RawWriter:
    """describe.NewPrefixWriter straight onto a buffer: no tab alignment (kubectl's printTemplate)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append("  " * level + text)

    def line(self, *parts: object) -> None:
        self.parts.append(" ".join(str(p) for p in parts) + "\n")

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.parts)


def template_text(template: dict) -> str:
    from pykubectl.printing.describe.pods import describe_pod_template

    writer = _RawWriter()
    describe_pod_template(writer, template)
    return writer.text()


def resource_string(rtype, name: str) -> str:
    plural = f"{rtype.plural}.{rtype.group}" if rtype.group else rtype.plural
    return f'{plural} "{name}"'
