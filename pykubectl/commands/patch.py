"""kubectl patch: strategic merge, JSON merge or JSON patches, on the server or locally (--local)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.\n\n JSON and YAML formats are accepted.\n\n Note: Strategic merge patch is not supported for custom resources.'
EXAMPLES = '  # Partially update a node using a strategic merge patch, specifying the patch as JSON\n  kubectl patch node k8s-node-1 -p \'{"spec":{"unschedulable":true}}\'\n  \n  # Partially update a node using a strategic merge patch, specifying the patch as YAML\n  kubectl patch node k8s-node-1 -p $\'spec:\\n unschedulable: true\'\n  \n  # Partially update a node identified by the type and name specified in "node.json" using strategic merge patch\n  kubectl patch -f node.json -p \'{"spec":{"unschedulable":true}}\'\n  \n  # Update a container\'s image; spec.containers[*].name is required because it\'s a merge key\n  kubectl patch pod valid-pod -p \'{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}\'\n  \n  # Update a container\'s image using a JSON patch with positional arrays\n  kubectl patch pod valid-pod --type=\'json\' -p=\'[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]\'\n  \n  # Update a deployment\'s replicas through the \'scale\' subresource using a merge patch\n  kubectl patch deployment nginx-deployment --subresource=\'scale\' --type=\'merge\' -p \'{"spec":{"replicas":2}}\''
USAGE = '(-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]'


PATCH_TYPES = {"json": "application/json-patch+json", "merge": "application/merge-patch+json",
               "strategic": "application/strategic-merge-patch+json"}


@dataclass(frozen=True)
class PatchOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    patch: str = ""
    patch_file: str = ""
    patch_type: str = ""
    local: bool = False
    subresource: str = ""
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = "kubectl-patch"

    @classmethod
    def from_flags(cls, params: dict) -> PatchOptions:
        return cls(
            args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
            recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
            patch=params.get("patch") or "", patch_file=params.get("patch_file") or "",
            patch_type=params.get("type") if params.get("type") is not None else "strategic",
            local=bool(params.get("local")), subresource=params.get("subresource") or "",
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else "kubectl-patch")

    def validate(self, dry_run: str) -> None:
        if self.patch and self.patch_file:
            raise KubectlError("cannot specify --patch and --patch-file together")
        if not self.patch and not self.patch_file:
            raise KubectlError("must specify --patch or --patch-file containing the contents of the patch")
        if self.local and self.args:
            raise KubectlError("cannot specify --local and server resources")
        if self.local and dry_run == "server":
            raise KubectlError("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
        if self.patch_type and self.patch_type.lower() not in PATCH_TYPES:
            raise KubectlError(f'--type must be one of [json merge strategic], not "{self.patch_type}"')


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


@click.command("patch", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default="kubectl-patch", help="Name of the manager used to track field ownership.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to update")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--local", help="If true, patch will operate on the content of the file, not the server-side resource.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.string("-p", "--patch", help="The patch to be applied to the resource JSON file.")
@pflag.string("--patch-file", help="A file containing a patch to be applied to the resource.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--subresource", help="If specified, patch will operate on the subresource of the requested object. This flag is beta and may change in the future.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@pflag.string("--type", default="strategic", help="The type of patch being provided; one of [json merge strategic]")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = PatchOptions.from_flags(params)
    run(options, current_session())


def run(options: PatchOptions, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run

    dry_run = parse_dry_run(options.dry_run)
    namespace = session.namespace
    options.validate(dry_run)
    patch_type = (options.patch_type or "strategic").lower()
    content = _patch_bytes(options)
    printer = _printer(options)
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, Target, select

    explicit = bool(session.overrides.namespace)
    request = SelectionRequest(args=() if options.local else options.args, filenames=options.filenames,
                               kustomize=options.kustomize,
                               recursive=options.recursive, allow_empty_selector=False,
                               subresource=options.subresource)
    selection = select(request, session.mapper, namespace, explicit, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    fetcher = Fetcher(session.client)
    out = session.streams.out
    errors: list[Exception] = []
    visitor_errors: list[Exception] = []
    count = 0
    for item in selection.items:
        members = item if isinstance(item, list) else [item]
        for member in members:
            if not isinstance(member, Target):
                visitor_errors.append(member)
                continue
            if member.manifest is not None:
                original = copy.deepcopy(member.manifest.obj)
                if member.type.namespaced and member.namespace and not options.local:
                    original.setdefault("metadata", {}).setdefault("namespace", member.namespace)
            else:
                fetched = list(fetcher.fetch(member, errors))
                if not fetched:
                    continue
                original = fetched[0].obj
            count += 1
            try:
                if not options.local and dry_run != "client":
                    patched = _patch_on_server(session, member, patch_type, content, options, dry_run)
                else:
                    patched = _patch_locally(session, member, original, patch_type, content)
            except KubectlError as exc:
                errors.append(exc)
                continue
            # kubectl 1.32's patch never marks dry runs in its output
            operation = "patched" if patched != original else "patched (no change)"
            out.write(printer(patched, operation))
            out.flush()
    errors += visitor_errors
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)
    if count == 0:
        raise KubectlError("no objects passed to patch")


def _patch_bytes(options: PatchOptions) -> bytes:
    """The patch as kubectl sends it: JSON passes through as typed; YAML becomes JSON (yaml.ToJSON)."""
    if options.patch_file:
        try:
            with open(options.patch_file, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise KubectlError(f"unable to read patch file: open {options.patch_file}: {reason}") from None
    else:
        raw = options.patch.encode()
    if raw.lstrip()[:1] in (b"{", b"["):
        return raw
    from pykubectl.resources.dry_run import go_compact_json
    from pykubectl.resources.patches import PatchError, parse_patch

    try:
        value = parse_patch(raw.decode("utf-8", "replace"))
    except PatchError as exc:
        from pykubectl.client.status import go_quote

        raise KubectlError(f"unable to parse {go_quote(options.patch)}: {exc}") from None
    return go_compact_json(value).encode()


def _patch_on_server(session, target, patch_type: str, content: bytes, options: PatchOptions, dry_run: str) -> dict:
    from pykubectl.errors import ApiError
    from pykubectl.resources.dry_run import write_params

    path = target.type.object_path(target.name, target.namespace or None)
    if options.subresource:
        path += f"/{options.subresource}"
    try:
        return session.client.request_json("PATCH", path, write_params(options.field_manager, dry_run),
                                           content=content, headers={"Content-Type": PATCH_TYPES[patch_type]})
    except ApiError as exc:
        if exc.code == 415 or exc.reason == "UnsupportedMediaType":
            raise KubectlError(f"{PATCH_TYPES[patch_type]} is not supported by {_gvk_text(target.type)}: "
                               f"{exc.message}") from None
        raise


def _gvk_text(resource) -> str:
    """schema.GroupVersionKind.String()."""
    return f"{resource.group}/{resource.version}, Kind={resource.kind}"


def _patch_locally(session, target, original: dict, patch_type: str, content: bytes) -> dict:
    """getPatchedJSON: the patch applied on the client (--local, --dry-run=client)."""
    import json

    from pykubectl.resources import patches

    try:
        patch = json.loads(content)
    except ValueError as exc:
        raise KubectlError(f"invalid character in patch: {exc.msg}") from None
    try:
        if patch_type == "json":
            return patches.apply_json_patch(original, patch)
        if patch_type == "merge":
            return patches.apply_merge_patch(original, patch)
        group = target.type.group
        if "." in group and not group.endswith(".k8s.io"):  # not in kubectl's scheme: a custom resource
            raise KubectlError(f"strategic merge patch is not supported for {_gvk_text(target.type)} locally, "
                               "try --type merge")
        return patches.apply_strategic_merge_patch(original, patch, _schema(session, target.type))
    except patches.PatchError as exc:
        raise KubectlError(str(exc)) from None


def _schema(session, resource):
    """Patch metadata for the kind from the server's OpenAPI v3 (none when it cannot be had)."""
    from pykubectl.client.openapi import OpenAPIV3
    from pykubectl.resources.patches import PatchSchema

    key = f"apis/{resource.group}/{resource.version}" if resource.group else f"api/{resource.version}"
    try:
        document = OpenAPIV3(session.client).document(key)
    except (KubectlError, KeyError):
        return PatchSchema.none()
    return PatchSchema.for_kind(document, resource.group, resource.version, resource.kind) or PatchSchema.none()


def _printer(options: PatchOptions):
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name

    if not options.output and not options.template:
        return lambda obj, operation: to_name(obj, operation)
    printer = object_printer(options.output, template_argument=options.template,
                             allow_missing_keys=options.allow_missing_template_keys,
                             show_managed_fields=options.show_managed_fields)
    return lambda obj, _operation: printer(obj)
