"""kubectl wait: wait for a condition, a JSONPath value, creation or deletion of one or many objects."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Experimental: Wait for a specific condition on one or many resources.\n\n The command takes multiple resources "
        "and waits until the specified condition is seen in the Status field of every given resource.\n\n "
        "Alternatively, the command can wait for the given set of resources to be created or deleted by providing the "
        "\"create\" or \"delete\" keyword as the value to the --for flag.\n\n A successful message will be printed to "
        "stdout indicating when the specified condition has been met. You can use -o option to change to output "
        "destination.")
EXAMPLES = (
    '  # Wait for the pod "busybox1" to contain the status condition of type "Ready"\n'
    '  kubectl wait --for=condition=Ready pod/busybox1\n'
    '  \n'
    '  # The default value of status condition is true; you can wait for other targets after an equal delimiter '
    '(compared after Unicode simple case folding, which is a more general form of case-insensitivity)\n'
    '  kubectl wait --for=condition=Ready=false pod/busybox1\n'
    '  \n'
    '  # Wait for the pod "busybox1" to contain the status phase to be "Running"\n'
    "  kubectl wait --for=jsonpath='{.status.phase}'=Running pod/busybox1\n"
    '  \n'
    '  # Wait for pod "busybox1" to be Ready\n'
    "  kubectl wait --for='jsonpath={.status.conditions[?(@.type==\"Ready\")].status}=True' pod/busybox1\n"
    '  \n'
    '  # Wait for the service "loadbalancer" to have ingress\n'
    "  kubectl wait --for=jsonpath='{.status.loadBalancer.ingress}' service/loadbalancer\n"
    '  \n'
    '  # Wait for the secret "busybox1" to be created, with a timeout of 30s\n'
    '  kubectl create secret generic busybox1\n'
    '  kubectl wait --for=create secret/busybox1 --timeout=30s\n'
    '  \n'
    '  # Wait for the pod "busybox1" to be deleted, with a timeout of 60s, after having issued the "delete" command\n'
    '  kubectl delete pod/busybox1\n'
    '  kubectl wait --for=delete pod/busybox1 --timeout=60s')
USAGE = ("([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) "
         "[--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]")
FOR_HELP = ("The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath "
            "expression}'=[JSONPath value]]. The default condition-value is true. Condition values are compared after "
            "Unicode simple case folding, which is a more general form of case-insensitivity.")
OUTPUT_FORMATS = ("json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, "
                  "jsonpath-file")
JSONPATH_FORMAT = ("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or "
                   "--for=jsonpath='{.status.readyReplicas}'")


@dataclass(frozen=True)
class WaitFor:
    """The parsed --for: mode is delete, create, condition or jsonpath."""

    mode: str
    name: str = ""  # condition type, or the relaxed JSONPath template
    value: str = ""  # condition status, or the JSONPath value ("" = any value)


def parse_for(text: str) -> WaitFor:
    """conditionFuncFor, with kubectl's errors."""
    lowered = text.lower()
    if lowered in ("delete", "create"):
        return WaitFor(lowered)
    if text.startswith("condition="):
        name, sep, value = text[len("condition="):].partition("=")
        return WaitFor("condition", name, value if sep else "true")
    if text.startswith("jsonpath="):
        parts = text.split("=")[1:]
        if len(parts) > 2:
            raise KubectlError(JSONPATH_FORMAT)
        from pykubectl.printing.custom_columns import relaxed_jsonpath

        expression = relaxed_jsonpath(parts[0])
        value = ""
        if len(parts) > 1:
            value = parts[1]
            if value == "":
                raise KubectlError("jsonpath wait has to have a value after equal sign, like "
                                   "--for=jsonpath='{.status.readyReplicas}'=3")
            value = value.strip("'\"")
        if not expression:
            raise KubectlError("jsonpath expression cannot be empty")
        from pykubectl.printing import jsonpath

        try:
            jsonpath.parse(expression)
        except jsonpath.JSONPathError as exc:
            raise KubectlError(str(exc)) from None
        return WaitFor("jsonpath", expression, value)
    raise KubectlError(f'unrecognized condition: "{_go_escape(text)}"')


def _go_escape(text: str) -> str:
    from pykubectl.client.status import go_quote

    return go_quote(text)[1:-1]


def jsonpath_check(expression: str, value: str):
    """JSONPathWait.checkCondition: one value, compared as fmt's %v after trimming spaces."""
    from pykubectl.printing.custom_columns import find_results
    from pykubectl.printing.jsonpath import go_v

    def check(obj: dict) -> bool:
        results = find_results(expression, obj)
        if not results or not results[0]:
            return False
        if len(results) > 1:
            raise KubectlError("given jsonpath expression matches more than one list")
        if len(results[0]) > 1:
            raise KubectlError("given jsonpath expression matches more than one value")
        if not value:
            return True
        found = results[0][0]
        if isinstance(found, dict | list):
            raise KubectlError("jsonpath leads to a nested object or list which is not supported")
        return go_v(found).strip() == value.strip()

    return check


@dataclass(frozen=True)
class WaitOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = True
    selector: str = ""
    field_selector: str = ""
    all: bool = False
    all_namespaces: bool = False
    local: bool = False
    for_: str = ""
    timeout: float = 30.0
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> WaitOptions:
        return cls(
            args=tuple(params.get("args") or ()),
            filenames=tuple(v for chunk in params.get("filename") or () for v in
                            (chunk if isinstance(chunk, list | tuple) else [chunk])),
            recursive=params.get("recursive") is not False, selector=params.get("selector") or "",
            field_selector=params.get("field_selector") or "", all=bool(params.get("all")),
            all_namespaces=bool(params.get("all_namespaces")), local=bool(params.get("local")),
            for_=params.get("for_") or "", timeout=float(params.get("timeout") if params.get("timeout")
                                                         is not None else 30.0),
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")))


@click.command("wait", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@bundles.select_all
@bundles.all_namespaces
@bundles.allow_missing_template_keys
@bundles.field_selector
@pflag.string_slice("-f", "--filename", help="identifying the resource.")
@pflag.string("--for", "for_", help=FOR_HELP)
@pflag.boolean("--local", help="If true, annotation will NOT contact api-server but run locally.")
@bundles.output(OUTPUT_FORMATS, links=False)
@pflag.boolean("-R", "--recursive", default=True,
               help="Process the directory used in -f, --filename recursively. Useful when you want to manage "
                    "related manifests organized within the same directory.")
@pflag.string("-l", "--selector",
              help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2)")
@bundles.show_managed_fields
@bundles.template
@bundles.duration("--timeout", default=30.0, shown="30s",
                  help="The length of time to wait before giving up. Zero means check once and don't wait, negative "
                       "means wait for a week.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = WaitOptions.from_flags(params)
    run(options, current_session())


def _printer(options: WaitOptions):
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name

    if not options.output and not options.template:
        return lambda obj: to_name(obj, "condition met")
    return object_printer(options.output, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys,
                          show_managed_fields=options.show_managed_fields, yaml_separators=True)


def run(options: WaitOptions, session) -> None:
    from pykubectl.errors import AggregateError
    from pykubectl.printing import progress
    from pykubectl.resources import waiting
    from pykubectl.resources.fetching import Fetcher, is_not_found
    from pykubectl.resources.selection import Selection, SelectionRequest, select

    printer = _printer(options)
    wait_for = parse_for(options.for_)
    if options.local and options.args and not options.filenames:
        raise KubectlError("you must specify resources by --filename when --local is set.\n"
                           "Example resource specifications include:\n"
                           "   '-f rsrc.yaml'\n"
                           "   '--filename=rsrc.json'")
    namespace = session.namespace
    request = SelectionRequest(args=options.args, filenames=options.filenames, recursive=options.recursive,
                               label_selector=options.selector, field_selector=options.field_selector,
                               all_namespaces=options.all_namespaces, select_all=options.all,
                               allow_empty_selector=False, latest=True)
    selection = select(request, session.mapper, namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    client = session.client
    deadline = waiting.Deadline(options.timeout)
    out = session.streams.out
    errors: list[Exception] = []
    visited = 0
    if wait_for.mode == "create":
        for target in selection.targets():
            label = f"{target.type.plural}/{target.name}" if target.name else target.type.plural
            try:
                with progress.spinner(session.streams, f"Waiting for {label} to be created…"):
                    waiting.wait_created(client, target.path, deadline)
            except waiting.WaitTimeout as exc:
                raise exc from None
    check = None
    if wait_for.mode == "condition":
        check = waiting.condition_check(wait_for.name, wait_for.value)
    elif wait_for.mode == "jsonpath":
        check = jsonpath_check(wait_for.name, wait_for.value)
    for item in selection.items:
        fetcher = Fetcher(client, ignore_not_found=wait_for.mode == "delete")
        for fetched in fetcher.visit(Selection(items=[item], by_name=selection.by_name)):
            page = fetched.obj
            kind = str(page.get("kind") or "")
            for obj in (page.get("items") or []) if isinstance(page.get("items"), list) else [page]:
                if kind.endswith("List") and not obj.get("kind"):
                    obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
                visited += 1
                metadata = obj.get("metadata") or {}
                name = str(metadata.get("name") or "")
                ns = str(metadata.get("namespace") or "")
                rtype = fetched.target.type
                target = waiting.WaitTarget(rtype.collection_path(ns or None) if rtype.namespaced
                                            else rtype.collection_path(None), name, f"{rtype.plural}/{name}",
                                            f"{rtype.plural}.{rtype.group}" if rtype.group else rtype.plural)
                try:
                    with (progress.spinner(session.streams, _progress_text(wait_for, options.for_, target.label))
                          as spin, spin.routing(getattr(client, "warning_printer", None), "out")):
                        final = _wait_one(client, wait_for, target, check, deadline, obj)
                except KubectlError as exc:
                    if wait_for.mode == "delete" and is_not_found(exc):
                        continue
                    errors.append(exc)
                    continue
                out.write(printer(final))
                out.flush()
        errors.extend(fetcher.errors)
    if errors:
        raise errors[0] if len(errors) == 1 else AggregateError(errors)
    if visited == 0 and wait_for.mode != "delete":
        raise KubectlError("no matching resources found")


def _progress_text(wait_for: WaitFor, flag: str, label: str) -> str:
    """The spinner's line on a terminal while one object is waited for."""
    if wait_for.mode == "delete":
        return f"Waiting for {label} to be deleted…"
    return f"Waiting for {flag} on {label}…"


def _wait_one(client, wait_for: WaitFor, target, check, deadline, obj: dict) -> dict:
    """The object to print once `target` satisfies --for (kubectl's ConditionFuncs)."""
    from pykubectl.resources import waiting

    if wait_for.mode == "delete":
        final = waiting.wait_deleted(client, target, deadline)
        return obj if final is None else final
    if wait_for.mode == "create":
        return obj
    final = waiting.wait_until(client, target, check, deadline)
    if not final.get("kind"):
        final = {"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"), **final}
    return final
