"""kubectl replace: PUT whole objects from manifests, or delete and create them again (--force)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import click

from pykubectl.errors import FlagError, KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Replace a resource by file name or stdin.\n\n JSON and YAML formats are accepted. If replacing an existing resource, the complete resource spec must be provided. This can be obtained by\n\n        $ kubectl get TYPE NAME -o yaml'
EXAMPLES = "  # Replace a pod using the data in pod.json\n  kubectl replace -f ./pod.json\n  \n  # Replace a pod based on the JSON passed into stdin\n  cat pod.json | kubectl replace -f -\n  \n  # Update a single-container pod's image version (tag) to v4\n  kubectl get pod mypod -o yaml | sed 's/\\(image: myimage\\):.*$/\\1:v4/' | kubectl replace -f -\n  \n  # Force replace, delete and then re-create the resource\n  kubectl replace --force -f ./pod.json"
USAGE = '-f FILENAME [options]'



@dataclass(frozen=True)
class ReplaceOptions:
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    force: bool = False
    grace_period: int = -1
    cascade: str = "background"
    timeout: float = 0.0
    wait: bool = False
    subresource: str = ""
    raw: str = ""
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = "kubectl-replace"
    validate_value: str = "strict"
    save_config: bool = False

    @classmethod
    def from_flags(cls, params: dict) -> ReplaceOptions:
        return cls(
            filenames=_flat(params.get("filename")), recursive=bool(params.get("recursive")),
            kustomize=params.get("kustomize") or "", force=bool(params.get("force")),
            grace_period=params["grace_period"] if params.get("grace_period") is not None else -1,
            cascade=params.get("cascade") if params.get("cascade") is not None else "background",
            timeout=_parse_duration(params.get("timeout") or "0s", "--timeout", "kubectl replace"),
            wait=bool(params.get("wait")), subresource=params.get("subresource") or "", raw=params.get("raw") or "",
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else "kubectl-replace",
            validate_value=params.get("validate") if params.get("validate") is not None else "strict",
            save_config=bool(params.get("save_config")))

    def validate(self, dry_run: str) -> None:
        if self.grace_period >= 0 and not self.force:
            raise KubectlError("--grace-period must have --force specified")
        if self.timeout != 0 and not self.force:
            raise KubectlError("--timeout must have --force specified")
        if self.force and dry_run != "none":
            raise KubectlError("--dry-run can not be used when --force is set")
        if not self.filenames and not self.kustomize:
            raise KubectlError("must specify --filename to replace")


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def _parse_duration(text: str, flag: str, path: str) -> float:
    from pykubectl.client.transport import parse_go_duration

    try:
        return parse_go_duration(text) / 1e9
    except ValueError:
        raise FlagError(f'invalid argument "{text}" for "{flag}" flag: time: invalid duration "{text}"',
                        path) from None


@click.command("replace", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--cascade", default="background", help="Must be \"background\", \"orphan\", or \"foreground\". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default="kubectl-replace", help="Name of the manager used to track field ownership.")
@pflag.string_slice("-f", "--filename", help="The files that contain the configurations to replace.")
@pflag.boolean("--force", help="If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.")
@pflag.integer("--grace-period", default=-1, help="Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).")
@pflag.string("-k", "--kustomize", help="Process a kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.string("--raw", help="Raw URI to PUT to the server.  Uses the transport specified by the kubeconfig file.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.boolean("--save-config", help="If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--subresource", help="If specified, replace will operate on the subresource of the requested object. This flag is beta and may change in the future.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag._decorate("string", ("--timeout",), shown_default="0s", default="0s", help="The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object")
@pflag.string("--validate", default="strict", help="Must be one of: strict (or true), warn, ignore (or false). \"true\" or \"strict\" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. \"warn\" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as \"ignore\" otherwise. \"false\" or \"ignore\" will not perform any schema validation, silently dropping any unknown or duplicate fields.")
@pflag.boolean("--wait", help="If true, wait for resources to be gone before returning. This waits for finalizers.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ReplaceOptions.from_flags(params)
    run(options, current_session())


def run(options: ReplaceOptions, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run, validation_directive

    namespace = session.namespace
    dry_run = parse_dry_run(options.dry_run)
    validation = validation_directive(options.validate_value)
    if not options.filenames and not options.kustomize:
        raise KubectlError("must specify one of -f and -k")
    options.validate(dry_run)
    if options.raw:
        from pykubectl.resources.dry_run import check_raw, raw_request

        check_raw(options.raw, options.filenames, options.recursive, options.output)
        out = session.streams.out
        out.write(raw_request(session.client, "PUT", options.raw, options.filenames[0] if options.filenames else "",
                              session.streams.stdin).decode("utf-8", "replace"))
        out.flush()
        return
    printer = _printer(options, dry_run)
    from pykubectl.resources.selection import SelectionRequest, select

    stdin = session.streams.stdin
    if options.force and "-" in options.filenames:
        stdin = _Rewindable(stdin.read())  # read twice: once to delete, once to create
    request = SelectionRequest(filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive,
                               subresource=options.subresource)
    selection = select(request, session.mapper, namespace, bool(session.overrides.namespace), stdin=stdin,
                       warnings=session.streams.err)
    if options.force:
        _force_replace(options, session, selection, validation, printer)
        return
    _replace(options, session, selection, validation, dry_run, printer)


class _Rewindable:
    def __init__(self, text: str):
        self.text = text

    def read(self, *_args) -> str:
        return self.text


def _objects(selection):
    from pykubectl.resources.selection import Target

    errors: list[Exception] = []
    targets: list[Target] = []
    for item in selection.items:
        for member in item if isinstance(item, list) else [item]:
            (targets if isinstance(member, Target) else errors).append(member)
    return targets, errors


def _body(target, options: ReplaceOptions) -> dict:
    from pykubectl.resources.dry_run import LAST_APPLIED, with_last_applied

    obj = copy.deepcopy(target.manifest.obj)
    metadata = obj.setdefault("metadata", {})
    if target.type.namespaced and target.namespace and not metadata.get("namespace"):
        metadata["namespace"] = target.namespace
    # CreateOrUpdateAnnotation: --save-config writes the annotation; an existing one is always refreshed
    if options.save_config or LAST_APPLIED in (metadata.get("annotations") or {}):
        obj = with_last_applied(obj)
    return obj


def _path(target, options: ReplaceOptions) -> str:
    path = target.type.object_path(target.name, target.namespace or None)
    return f"{path}/{options.subresource}" if options.subresource else path


def _replace(options: ReplaceOptions, session, selection, validation: str, dry_run: str, printer) -> None:
    from pykubectl.resources.dry_run import with_source, write_params

    out = session.streams.out
    targets, visitor_errors = _objects(selection)
    errors: list[Exception] = []
    params = write_params(options.field_manager, dry_run, validation)
    for target in targets:
        obj = _body(target, options)
        source = target.manifest.source if target.manifest else ""
        if dry_run != "client":
            try:
                metadata = obj.setdefault("metadata", {})
                if not metadata.get("resourceVersion"):  # Helper.Replace(overwrite=true) takes the live version
                    try:
                        live = session.client.get_json(_path(target, options), discovery=False)
                        version = (live.get("metadata") or {}).get("resourceVersion")
                        if version:
                            metadata["resourceVersion"] = version
                    except KubectlError:
                        pass
                obj = session.client.request_json("PUT", _path(target, options), params, json=obj)
            except KubectlError as exc:
                errors.append(with_source("replacing", source, exc))
                continue
        out.write(printer(obj))
        out.flush()
    errors += visitor_errors
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)


def _force_replace(options: ReplaceOptions, session, selection, validation: str, printer) -> None:
    """Delete every object (kubectl delete's output), wait until each is gone, then create them again."""
    import time

    from pykubectl.resources.deleting import cascade_policy, delete_body, delete_object
    from pykubectl.resources.dry_run import write_params
    from pykubectl.resources.fetching import is_not_found

    out = session.streams.out
    grace = options.grace_period  # replace does not normalise it as delete does
    propagation = cascade_policy(options.cascade)
    targets, visitor_errors = _objects(selection)
    errors: list[Exception] = []
    deleted = []
    for target in targets:
        try:
            delete_object(session.client, _path(target, options), delete_body(grace, propagation))
        except KubectlError as exc:
            if not is_not_found(exc):
                errors.append(exc)
            continue
        kind = target.type.kind.lower() + (f".{target.type.group}" if target.type.group else "")
        out.write(f'{kind} "{target.name}" deleted\n')  # replace's delete options never say "force deleted"
        out.flush()
        deleted.append(target)
    errors += visitor_errors
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)
    timeout = options.timeout or 300.0
    for target in targets:
        deadline = time.monotonic() + timeout
        while True:
            try:
                session.client.get_json(_path(target, options), discovery=False)
            except KubectlError as exc:
                if is_not_found(exc):
                    break
                raise
            if time.monotonic() >= deadline:
                raise KubectlError("timed out waiting for the condition")
            time.sleep(1)
    params = write_params(options.field_manager, "none", validation)
    count = 0
    for target in targets:
        obj = _body(target, options)
        obj.get("metadata", {}).pop("resourceVersion", None)
        obj = session.client.request_json("POST", target.type.collection_path(target.namespace or None), params,
                                          json=obj)
        count += 1
        out.write(printer(obj))
        out.flush()
    if count == 0:
        raise KubectlError("no objects passed to replace")


def _printer(options: ReplaceOptions, dry_run: str):
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    if not options.output and not options.template:
        return lambda obj: to_name(obj, "replaced" + dry_run_suffix(dry_run))
    return object_printer(options.output, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys,
                          show_managed_fields=options.show_managed_fields)
