"""kubectl get: display one or many resources (server-side Table printing, every -o format)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    "Display one or many resources.\n\n"
    " Prints a table of the most important information about the specified resources. You can filter the "
    "list using a label selector and the --selector flag. If the desired resource type is namespaced you will "
    "only see results in the current namespace if you don't specify any namespace.\n\n"
    " By specifying the output as 'template' and providing a Go template as the value of the --template flag, "
    "you can filter the attributes of the fetched resources.\n\n"
    'Use "kubectl api-resources" for a complete list of supported resources.'
)

EXAMPLES = "\n  \n".join([
    "  # List all pods in ps output format\n  kubectl get pods",
    "  # List all pods in ps output format with more information (such as node name)\n  kubectl get pods -o wide",
    "  # List a single replication controller with specified NAME in ps output format\n"
    "  kubectl get replicationcontroller web",
    '  # List deployments in JSON output format, in the "v1" version of the "apps" API group\n'
    "  kubectl get deployments.v1.apps -o json",
    "  # List a single pod in JSON output format\n  kubectl get -o json pod web-pod-13je7",
    '  # List a pod identified by type and name specified in "pod.yaml" in JSON output format\n'
    "  kubectl get -f pod.yaml -o json",
    "  # List resources from a directory with kustomization.yaml - e.g. dir/kustomization.yaml\n"
    "  kubectl get -k dir/",
    "  # Return only the phase value of the specified pod\n"
    "  kubectl get -o template pod/web-pod-13je7 --template={{.status.phase}}",
    "  # List resource information in custom columns\n"
    "  kubectl get pod test-pod -o custom-columns=CONTAINER:.spec.containers[0].name,"
    "IMAGE:.spec.containers[0].image",
    "  # List all replication controllers and services together in ps output format\n  kubectl get rc,services",
    "  # List one or more resources by their type and names\n  kubectl get rc/web service/frontend pods/web-pod-13je7",
    "  # List the 'status' subresource for a single pod\n  kubectl get pod web-pod-13je7 --subresource status",
    "  # List all deployments in namespace 'backend'\n  kubectl get deployments.apps --namespace backend",
    "  # List all pods existing in all namespaces\n  kubectl get pods --all-namespaces",
])

USAGE = ("[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|"
         "jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] "
         "[NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]")

# PROTOCOLS §2.1: what kubectl's transformRequests asks for when it prints a table.
TABLE_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
                "application/json")


@dataclass(frozen=True)
class GetOptions:
    args: tuple[str, ...] = ()
    output: str = ""
    template: str = ""
    raw: str = ""
    watch: bool = False
    watch_only: bool = False
    output_watch_events: bool = False
    ignore_not_found: bool = False
    selector: str = ""
    field_selector: str = ""
    all_namespaces: bool = False
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    chunk_size: int = 500
    show_kind: bool = False
    show_labels: bool = False
    label_columns: tuple[str, ...] = ()
    no_headers: bool = False
    sort_by: str = ""
    subresource: str = ""
    server_print: bool = True
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> GetOptions:
        def flat(name):
            return tuple(v for chunk in params.get(name) or () for v in (chunk if isinstance(chunk, list) else [chunk]))

        return cls(
            args=tuple(params.get("args") or ()), output=params.get("output") or "",
            template=params.get("template") or "", raw=params.get("raw") or "",
            watch=bool(params.get("watch")), watch_only=bool(params.get("watch_only")),
            output_watch_events=bool(params.get("output_watch_events")),
            ignore_not_found=bool(params.get("ignore_not_found")), selector=params.get("selector") or "",
            field_selector=params.get("field_selector") or "", all_namespaces=bool(params.get("all_namespaces")),
            filenames=flat("filename"), recursive=bool(params.get("recursive")),
            kustomize=params.get("kustomize") or "",
            chunk_size=params["chunk_size"] if params.get("chunk_size") is not None else 500,
            show_kind=bool(params.get("show_kind")), show_labels=bool(params.get("show_labels")),
            label_columns=flat("label_columns"), no_headers=bool(params.get("no_headers")),
            sort_by=params.get("sort_by") or "", subresource=params.get("subresource") or "",
            server_print=params.get("server_print") is not False,
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
        )

    @property
    def human(self) -> bool:
        """IsHumanReadablePrinter: the default table or -o wide."""
        return (not self.output and not self.template) or self.output == "wide"

    @property
    def server_side_table(self) -> bool:
        # kubectl forces client-side printing for custom-columns, yaml and anything json.
        if "custom-columns" in self.output or self.output == "yaml" or "json" in self.output:
            return False
        return self.server_print

    def complete_checks(self) -> None:
        """The argument checks of kubectl's Complete (before the kubeconfig is needed)."""
        if self.raw and self.args:
            raise KubectlError("arguments may not be passed when --raw is specified")

    def validate(self) -> None:
        if self.raw:
            if self.watch or self.watch_only or self.selector:
                raise KubectlError("--raw may not be specified with other flags that filter the server request or "
                                   "alter the output")
            if self.output:
                raise KubectlError("--raw and --output are mutually exclusive")
            if not self.raw.startswith("/") and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", self.raw):
                raise KubectlError(f'--raw must be a valid URL path: parse "{self.raw}": invalid URI for request')
        if self.show_labels and self.output not in ("", "wide"):
            raise KubectlError(f"--show-labels option cannot be used with {self.output} printer")
        # kubectl 1.32 accepts -L with custom-columns (its check looks at a flag value it has not parsed yet).
        if self.output_watch_events and not (self.watch or self.watch_only):
            raise KubectlError("--output-watch-events option can only be used with --watch or --watch-only")


@click.command("get", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@bundles.all_namespaces
@bundles.allow_missing_template_keys
@bundles.chunk_size
@bundles.field_selector
@bundles.filenames("identifying the resource to get from a server.")
@bundles.ignore_not_found()
@bundles.label_columns
@bundles.no_headers
@bundles.output()
@pflag.boolean("--output-watch-events", help="Output watch event objects when --watch or --watch-only is used. "
                                             "Existing objects are output as initial ADDED events.")
@pflag.string("--raw", help="Raw URI to request from the server.  Uses the transport specified by the kubeconfig "
                            "file.")
@bundles.selector
@pflag.boolean("--server-print", default=True, help="If true, have the server return the appropriate table output. "
                                                    "Supports extension APIs and CRDs.")
@bundles.show_kind
@bundles.show_labels
@bundles.show_managed_fields
@bundles.sort_by
@bundles.subresource
@bundles.template
@pflag.boolean("-w", "--watch", help="After listing/getting the requested object, watch for changes.")
@pflag.boolean("--watch-only", help="Watch for changes to the requested object(s), without listing/getting first.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = GetOptions.from_flags(params)
    options.complete_checks()
    session = current_session()
    run(options, session)


def run(options: GetOptions, session) -> None:
    if not options.raw:
        _ = session.namespace  # kubectl's Complete resolves the namespace first (kubeconfig errors win)
        if not options.args and not options.filenames and not options.kustomize and not (
                options.watch or options.watch_only):
            session.streams.err.write('You must specify the type of resource to get. Use "kubectl api-resources" '
                                      "for a complete list of supported resources.\n\n")
            raise UsageError('Required resource not specified.\nUse "kubectl explain <resource>" for a detailed '
                             "description of that resource (e.g. kubectl explain pods).", "kubectl get")
    if options.sort_by and (options.watch or options.watch_only):
        which = "--watch" if options.watch else "--watch-only"
        tail = " for watch events received" if options.watch else ""
        session.streams.err.write(f"warning: {which} requested, --sort-by will be ignored{tail}\n")
    options.validate()
    if options.raw:
        _raw(options, session)
        return
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, select

    request = SelectionRequest(
        args=options.args, filenames=options.filenames, recursive=options.recursive, kustomize=options.kustomize,
        label_selector=options.selector, field_selector=options.field_selector,
        all_namespaces=options.all_namespaces, subresource=options.subresource, latest=True)
    explicit = bool(session.overrides.namespace) and not options.all_namespaces
    selection = select(request, session.mapper, session.namespace, explicit, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    headers = {"Accept": TABLE_ACCEPT} if options.human and options.server_side_table else None
    if options.watch or options.watch_only:
        _watch(options, session, selection, headers)
        return
    params = {"includeObject": "Object"} if options.sort_by and headers else None
    fetcher = Fetcher(session.client, headers=headers, chunk_size=0 if options.sort_by else options.chunk_size,
                      params=params, ignore_not_found=options.ignore_not_found)
    if options.human:
        _print_human(options, session, selection, fetcher)
    else:
        _print_generic(options, session, selection, fetcher)


def _group_kind(resource) -> str:
    return f"{resource.kind}.{resource.group}" if resource.group else resource.kind


def _print_human(options: GetOptions, session, selection, fetcher) -> None:
    from pykubectl.printing.table import TableOptions, TablePrinter, align, colourise

    out = session.streams.out
    kinds = {(t.type.group, t.type.version, t.type.kind) for t in selection.targets()}
    fetched = fetcher.visit(selection)
    multiple = False
    if options.sort_by:
        fetched = _sorted_infos(list(fetched), options.sort_by)
    if len(kinds) > 1:  # multipleGVKsRequested looks at what was actually fetched, so gather it first
        fetched = list(fetched)
        multiple = len(fetched) >= 2 and len({(f.target.type.group, f.target.type.version, f.target.type.kind)
                                               for f in fetched}) > 1
    written = 0
    separator_ready = False

    colour = session.streams.colour_enabled()

    def emit(text: str) -> None:
        nonlocal written, separator_ready
        if not text:
            return
        if separator_ready:
            out.write("\n")
            separator_ready = False
        out.write(colourise(text, not options.no_headers) if colour else text)
        written += len(text)

    pending: list[str] = []  # the current type's lines; aligned together when the type changes, as kubectl
    printer = None
    last = None
    all_namespaced = not options.all_namespaces
    with_namespace = False
    for item in fetched:
        mapping = item.target.type
        all_namespaced = all_namespaced and mapping.namespaced
        if printer is None or last is None or (mapping.group, mapping.version, mapping.plural) != \
                (last.group, last.version, last.plural):
            emit(align("".join(pending)))
            pending = []
            if last is not None and not options.no_headers and written > 0:
                separator_ready = True
            # PrintFlags.Copy() shares its human-readable flags, so once one type printed a NAMESPACE
            # column every later type does too (kubectl's EnsureWithNamespace sticks).
            with_namespace = with_namespace or (options.all_namespaces and mapping.namespaced)
            table_options = TableOptions(
                wide=options.output == "wide", no_headers=options.no_headers,
                with_namespace=with_namespace,
                with_kind=options.show_kind or multiple, kind=_group_kind(mapping),
                show_labels=options.show_labels, label_columns=options.label_columns)
            printer = TablePrinter(table_options)
            last = mapping
        obj = item.obj
        if options.sort_by and obj.get("kind") == "Table" and len(obj.get("rows") or []) > 1:
            from pykubectl.errors import PrintError
            from pykubectl.printing import sorting

            try:
                obj = sorting.sort_table(obj, options.sort_by)
            except PrintError:
                continue  # kubectl ignores what its SortingPrinter returns: the table is just not printed
        if obj.get("kind") != "Table" and isinstance(obj.get("items"), list):
            for child in _typed_items(obj):
                pending.append(printer.print(child))
        else:
            pending.append(printer.print(obj))
    emit(align("".join(pending)))
    out.flush()
    error = fetcher.error()
    if written == 0 and not options.ignore_not_found and error is None:
        if all_namespaced:
            session.streams.err.write(f"No resources found in {session.namespace} namespace.\n")
        else:
            session.streams.err.write("No resources found\n")
    if error is not None:
        raise error


def _sorted_infos(fetched: list, sort_by: str) -> list:
    """RuntimeSorter over what was fetched: with two or more answers kubectl sorts the answers themselves
    (Table objects included) by the field, before each table's rows are sorted."""
    if len(fetched) < 2:
        return fetched
    from pykubectl.printing import sorting

    order = sorting.sort_objects([{"__index": i, **f.obj} for i, f in enumerate(fetched)], sort_by)
    return [fetched[obj["__index"]] for obj in order]


def _typed_items(page: dict) -> list[dict]:
    """A List page's items, given the kind and apiVersion the server leaves out (unstructured list decoding)."""
    kind = str(page.get("kind") or "")
    api_version = page.get("apiVersion")
    items = []
    for item in page.get("items") or []:
        if not isinstance(item, dict):
            continue
        if kind.endswith("List") and not item.get("kind"):
            item = {"apiVersion": api_version, "kind": kind[:-4], **item}
        items.append(item)
    return items


def _omit_managed_fields(obj: dict) -> dict:
    metadata = obj.get("metadata")
    if isinstance(metadata, dict) and "managedFields" in metadata:
        obj = {**obj, "metadata": {k: v for k, v in metadata.items() if k != "managedFields"}}
    return obj


def _print_generic(options: GetOptions, session, selection, fetcher) -> None:
    from pykubectl.printing.registry import GET_FORMATS, printer_for

    objects: list[dict] = []
    for item in fetcher.visit(selection):
        if isinstance(item.obj.get("items"), list):
            objects.extend(_typed_items(item.obj))
        else:
            objects.append(item.obj)
    error = fetcher.unwrapped_error()
    if error is not None and selection.single_item_implied:
        raise error
    flat = fetcher.flat_error()
    if not objects and options.ignore_not_found:
        if flat is not None:
            raise flat
        return
    printer = printer_for(options.output, allowed=GET_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True,
                          no_headers=options.no_headers)
    structured = options.output.lower() in ("json", "yaml")
    if structured and not options.show_managed_fields:
        objects = [_omit_managed_fields(obj) for obj in objects]
    if options.sort_by:
        from pykubectl.printing import sorting

        objects = sorting.sort_objects(objects, options.sort_by)
    if not selection.single_item_implied or len(objects) != 1:
        obj = {"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}}
    else:
        obj = objects[0]
    session.streams.out.write(printer(obj))
    if flat is not None:
        raise flat


def _raw(options: GetOptions, session) -> None:
    """rawhttp.RawGet: the body as the server sent it."""
    from pykubectl.client.status import error_from_response

    client = session.client
    path, _, query = options.raw.partition("?")
    from urllib.parse import parse_qsl

    params = parse_qsl(query, keep_blank_values=True) if query else None
    response = client.request("GET", path, params, raise_for_status=False)
    if not 200 <= response.status_code <= 206:
        raise error_from_response(response.status_code, response.content, response.headers.get("Content-Type"),
                                  "GET")
    out = session.streams.out
    out.write(response.content.decode("utf-8", "replace"))
    out.flush()


def _watch(options: GetOptions, session, selection, headers) -> None:
    """kubectl's get --watch: the current state (unless --watch-only), then one watch request's events.

    Lists resume from the list's resourceVersion; a single object is watched from "0" with a name field
    selector and its synthetic first ADDED event is not printed. When the server ends the stream (its
    timeout) the watch resumes from the last resourceVersion seen, bookmarks included (kubectl 1.32 exits
    there instead); a 410 Expired on resuming lists again and prints only what changed. The command ends,
    with exit code 0, when --request-timeout has passed or the connection is lost."""
    from pykubectl.client.watch import watch
    from pykubectl.errors import ApiError, Expired, TransportError
    from pykubectl.printing.table import TableOptions, TablePrinter
    from pykubectl.printing.tabwriter import TabWriter
    from pykubectl.resources.fetching import Fetcher

    targets = selection.targets()
    if len({(t.type.group, t.type.plural) for t in targets}) > 1:
        raise KubectlError("you may only specify a single resource type")
    fetcher = Fetcher(session.client, headers=headers, chunk_size=options.chunk_size)
    answers = [item.obj for item in fetcher.visit(selection)]
    error = fetcher.error()
    if error is not None:
        raise error
    if not targets or not answers:
        return
    target = targets[0]
    out = session.streams.out
    is_list = not target.name
    current = answers[0]
    if is_list and len(answers) > 1 and current.get("kind") == "Table":  # pages of one table
        current = {**answers[-1], "columnDefinitions": current.get("columnDefinitions"),
                   "rows": [row for page in answers for row in page.get("rows") or []]}
    elif is_list and len(answers) > 1:
        current = {**answers[-1], "items": [i for page in answers for i in page.get("items") or []]}

    if options.human:
        printer = TablePrinter(TableOptions(
            wide=options.output == "wide", no_headers=options.no_headers, with_namespace=options.all_namespaces,
            with_kind=options.show_kind, kind=_group_kind(target.type), show_labels=options.show_labels,
            label_columns=options.label_columns))
        writer = TabWriter()

        def render(obj: dict, event_type: str) -> str:
            writer.write(printer.print(obj, event_type if options.output_watch_events else ""))
            return writer.flush()
    else:
        render = _generic_watch_renderer(options)

    if not options.watch_only:
        if options.human or current.get("kind") == "Table":
            out.write(render(current, "ADDED"))
        else:
            for obj in (_typed_items(current) if isinstance(current.get("items"), list) else [current]):
                out.write(render(obj, "ADDED"))
        out.flush()
    output_objects = is_list
    params = {}
    if target.name:
        params["fieldSelector"] = f"metadata.name={target.name}"
        resource_version = "0"
    else:
        if target.label_selector:
            params["labelSelector"] = target.label_selector
        if target.field_selector:
            params["fieldSelector"] = target.field_selector
        resource_version = str((current.get("metadata") or {}).get("resourceVersion") or "")
    collection = target.type.collection_path(target.namespace or None)
    known = _WatchState()
    for obj in _watch_items(current):
        known.remember(obj)
    deadline = None if session.client.timeout is None else time.monotonic() + session.client.timeout

    def emit(obj: dict, event_type: str) -> None:
        out.write(render(obj, event_type))
        out.flush()

    resumed = False  # the first request is kubectl's own; resumptions also ask for bookmarks
    while True:
        try:
            for event in watch(session.client, collection, params, resource_version, headers=headers,
                               bookmarks=resumed, reconnect=False, yield_bookmarks=True):
                if event.resource_version:
                    resource_version = event.resource_version
                if event.type == "BOOKMARK":
                    continue
                replay = known.replayed(event.object, event.type)
                known.remember(event.object, deleted=event.type == "DELETED")
                if output_objects and not replay:
                    emit(event.object, event.type)
                output_objects = True
        except Expired:
            # Too old to resume from: list again and print what changed meanwhile (a RetryWatcher's relist).
            resource_version = _relist(fetcher, selection, known, emit)
            output_objects = True
            continue
        except ApiError as exc:  # an ERROR event: kubectl prints the Status as a row and stops
            if options.human:
                emit(exc.status, "ERROR")
            return
        except TransportError:
            return  # a client-side timeout (--request-timeout) or a connection lost for good ends quietly
        if (deadline is not None and time.monotonic() >= deadline) or not resource_version:
            return
        resumed = True
        # The server ended the stream (its timeout): watch again from the last resourceVersion seen; a replay
        # from "0" (a single object's watch) is recognised by its resourceVersion and not printed twice.


class _WatchState:
    """What a watch has shown of each object: its last resourceVersion and printable form, by namespace/name."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[str, dict]] = {}

    @staticmethod
    def key(obj: dict) -> tuple[tuple[str, str], str] | None:
        meta = obj.get("metadata") or {}
        if obj.get("kind") == "Table":
            rows = obj.get("rows") or []
            if len(rows) != 1:
                return None
            meta = (rows[0].get("object") or {}).get("metadata") or {}
        if not meta.get("name"):
            return None
        return (meta.get("namespace", ""), meta["name"]), str(meta.get("resourceVersion") or "")

    def replayed(self, obj: dict, event_type: str) -> bool:
        found = self.key(obj)
        if found is None or event_type == "DELETED":
            return False
        seen = self.objects.get(found[0])
        return seen is not None and bool(found[1]) and seen[0] == found[1]

    def remember(self, obj: dict, deleted: bool = False) -> None:
        found = self.key(obj)
        if found is None:
            return
        if deleted:
            self.objects.pop(found[0], None)
        else:
            self.objects[found[0]] = (found[1], obj)


def _watch_items(answer: dict) -> list[dict]:
    """One printable object per item: one-row Tables of a Table, the items of a list, or the object."""
    if answer.get("kind") == "Table":
        return [{**answer, "rows": [row]} for row in answer.get("rows") or []]
    if isinstance(answer.get("items"), list):
        return list(_typed_items(answer))
    return [answer]


def _relist(fetcher, selection, known: _WatchState, emit) -> str:
    """List again after a 410; print new and changed objects as ADDED/MODIFIED and vanished ones as DELETED.
    Returns the list's resourceVersion to watch from."""
    answers = [item.obj for item in fetcher.visit(selection)]
    error = fetcher.error()
    if error is not None:
        raise error
    seen: set[tuple[str, str]] = set()
    resource_version = ""
    for answer in answers:
        resource_version = str((answer.get("metadata") or {}).get("resourceVersion") or resource_version)
        for obj in _watch_items(answer):
            found = known.key(obj)
            if found is None:
                continue
            seen.add(found[0])
            before = known.objects.get(found[0])
            if before is None or before[0] != found[1]:
                emit(obj, "ADDED" if before is None else "MODIFIED")
                known.remember(obj)
    for key in [k for k in known.objects if k not in seen]:
        emit(known.objects.pop(key)[1], "DELETED")
    return resource_version or (next(iter(answers), {}).get("metadata") or {}).get("resourceVersion", "")


def _generic_watch_renderer(options: GetOptions):
    from pykubectl.printing.registry import GET_FORMATS, printer_for
    from pykubectl.printing.structured import go_json_string, to_compact_json

    printer = printer_for(options.output, allowed=GET_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=True,
                          no_headers=options.no_headers)
    structured = options.output.lower() in ("json", "yaml")

    def render(obj: dict, event_type: str) -> str:
        if options.output_watch_events:
            if options.output.lower() == "json":
                # A metav1.WatchEvent: struct order outside, the unstructured object's sorted keys inside.
                return f'{{"type":{go_json_string(event_type)},"object":{to_compact_json(obj, sort_keys=True)}}}\n'
            return printer({"type": event_type, "object": obj})
        if structured and not options.show_managed_fields:
            obj = _omit_managed_fields(obj)
        return printer(obj)

    return render
