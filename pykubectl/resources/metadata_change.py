"""What `label` and `annotate` share: their options, the objects they visit, and the change-patch-print loop.

kubectl has the same split: the two verbs differ only in the map they change (labels or annotations), how an
overwrite clash reads, and how the result is worded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from pykubectl.errors import KubectlError


@dataclass(frozen=True)
class MetadataChange:
    """The flags of `label`/`annotate`; `field` is "labels" or "annotations"."""

    field: str
    resources: tuple[str, ...] = ()
    new: dict = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    field_selector: str = ""
    all: bool = False
    all_namespaces: bool = False
    overwrite: bool = False
    list: bool = False
    local: bool = False
    resource_version: str = ""
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = ""

    @classmethod
    def from_flags(cls, params: dict, field_name: str, new: dict, remove: list, resources: list,
                   field_manager: str) -> MetadataChange:
        return cls(
            field=field_name, resources=tuple(resources), new=new, remove=tuple(remove),
            filenames=tuple(v for chunk in params.get("filename") or ()
                            for v in (chunk if isinstance(chunk, list | tuple) else [chunk])),
            recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
            selector=params.get("selector") or "", field_selector=params.get("field_selector") or "",
            all=bool(params.get("all")), all_namespaces=bool(params.get("all_namespaces")),
            overwrite=bool(params.get("overwrite")), list=bool(params.get("list")), local=bool(params.get("local")),
            resource_version=params.get("resource_version") or "", output=params.get("output") or "",
            template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else field_manager)

    def validate(self, dry_run: str, *, noun: str, example_file: str) -> None:
        """noun: "label" or "annotation"; example_file: the file name kubectl's messages use ("pod", "rsrc")."""
        if self.all and self.selector:
            raise KubectlError("cannot set --all and --selector at the same time")
        if self.all and self.field_selector:
            raise KubectlError("cannot set --all and --field-selector at the same time")
        if self.local:
            if dry_run == "server":
                raise KubectlError("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
            if self.resources:
                raise KubectlError(f"can only use local files by -f {example_file}.yaml or "
                                   f"--filename={example_file}.json when --local=true is set")
            if not self.filenames and not self.kustomize:
                raise KubectlError(f"one or more files must be specified as -f {example_file}.yaml or "
                                   f"--filename={example_file}.json")
        elif not self.resources and not self.filenames and not self.kustomize:
            raise KubectlError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
        if not self.new and not self.remove and not self.list:
            raise KubectlError(f"at least one {noun} update is required")


@dataclass(frozen=True)
class Wording:
    """How one verb words its results. clash(current, change) → the error for refused overwrites, or None;
    list_heading: "labels"."""

    clash: Callable[[dict, MetadataChange], KubectlError | None]
    list_heading: str
    report_missing_removals: bool = False  # label's `label "x" not found.` before the patch
    print_server_object: bool = False  # annotate prints what the server returned, label what it sent


def change_metadata(obj: dict, change: MetadataChange, wording: Wording) -> None:
    """Set and remove the keys in obj's map (labelFunc/annotateFunc)."""
    metadata = obj.setdefault("metadata", {})
    current = metadata.get(change.field) or {}
    if not change.overwrite:
        error = wording.clash(current, change)
        if error is not None:
            raise error
    values = dict(current)
    values.update(change.new)
    for key in change.remove:
        values.pop(key, None)
    metadata[change.field] = values  # an emptied map stays, as unstructured SetLabels leaves it
    if change.resource_version:
        metadata["resourceVersion"] = change.resource_version


def run_metadata_change(change: MetadataChange, session, dry_run: str, wording: Wording,
                        printer: Callable[[dict, dict], str]) -> None:
    """Visit, change, patch (merge patch) and print every object: printer(before, after) → its output."""
    from pykubectl.client.status import go_quote
    from pykubectl.resources.dry_run import collected_error, write_params
    from pykubectl.resources.patches import create_merge_patch

    out = session.streams.out
    visit, one, finish = _visit(change, session)
    if not one and change.resource_version:
        raise KubectlError("--resource-version may only be used with a single resource")
    errors: list[Exception] = []
    for target, live in visit:
        obj = copy.deepcopy(live)
        metadata = obj.setdefault("metadata", {})
        if change.resource_version:
            metadata.pop("resourceVersion", None)
        old = copy.deepcopy(obj)
        try:
            if dry_run == "client" or change.local or change.list:
                change_metadata(obj, change, wording)
            else:
                if wording.report_missing_removals:
                    present = metadata.get(change.field) or {}
                    for key in change.remove:
                        if key not in present:
                            out.write(f"label {go_quote(key)} not found.\n")
                change_metadata(obj, change, wording)
                patch = create_merge_patch(old, obj)  # sent even when empty, as kubectl 1.32 does
                returned = session.client.request_json(
                    "PATCH", target.type.object_path(target.name, target.namespace or None),
                    write_params(change.field_manager, dry_run), json=patch,
                    headers={"Content-Type": "application/merge-patch+json"})
                if wording.print_server_object:
                    obj = returned
        except KubectlError as exc:
            errors.append(exc)
            continue
        if change.list:
            indent = ""
            if not one:
                indent = " "
                out.write(f"Listing {wording.list_heading} for {obj.get('kind', '')}.{target.type.group}/"
                          f"{target.name}:\n")
            for key, value in (obj.get("metadata", {}).get(change.field) or {}).items():
                out.write(f"{indent}{key}={value}\n")
            continue
        out.write(printer(old, obj))
        out.flush()
    errors += finish()
    if errors:
        raise collected_error(errors)


def _visit(change: MetadataChange, session):
    """The builder for these verbs: (iterator of (target, object), single item implied, finish() → errors).

    --local reads the manifests only; otherwise every object is fetched from the server (Latest())."""
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    try:
        namespace = session.namespace
    except KubectlError:
        if not change.local:
            raise
        namespace = "default"
    explicit = bool(session.overrides.namespace) and not change.all_namespaces
    if change.local:
        request = SelectionRequest(filenames=change.filenames, kustomize=change.kustomize, recursive=change.recursive)
    else:
        request = SelectionRequest(args=change.resources, filenames=change.filenames, kustomize=change.kustomize,
                                   recursive=change.recursive, label_selector=change.selector,
                                   field_selector=change.field_selector, all_namespaces=change.all_namespaces,
                                   select_all=change.all, allow_empty_selector=change.all)
    selection = select(request, session.mapper, namespace, explicit, stdin=session.streams.stdin,
                       warnings=session.streams.err)
    fetcher = Fetcher(session.client)
    visitor_errors: list[Exception] = []

    def generate():
        for item in selection.items:
            for member in item if isinstance(item, list) else [item]:
                if not isinstance(member, Target):
                    visitor_errors.append(member)
                    continue
                if change.local:
                    yield member, copy.deepcopy(member.manifest.obj)
                    continue
                for fetched in fetcher.fetch(member, visitor_errors):
                    page = fetched.obj
                    kind = str(page.get("kind") or "")
                    for obj in items_of(page):
                        if kind.endswith("List") and not obj.get("kind"):
                            obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
                        metadata = obj.get("metadata") or {}
                        yield (Target(member.type, str(metadata.get("namespace") or ""),
                                      str(metadata.get("name") or "")), obj)

    return generate(), selection.single_item_implied, lambda: visitor_errors
