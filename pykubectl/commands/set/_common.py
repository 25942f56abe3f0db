"""What the set verbs share: the builder (server objects under Latest(), or --local manifests), kubectl's
CalculatePatches (a two-way strategic merge patch of the object before and after the change), the PATCH and
the printers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from pykubectl.errors import KubectlError


@dataclass(frozen=True)
class SetCommon:
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    all: bool = False
    local: bool = False
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = "kubectl-set"

    @classmethod
    def from_flags(cls, params: dict) -> SetCommon:
        return cls(
            filenames=flat(params.get("filename")), recursive=bool(params.get("recursive")),
            kustomize=params.get("kustomize") or "", selector=params.get("selector") or "",
            all=bool(params.get("all")), local=bool(params.get("local")),
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") if params.get("field_manager") is not None else "kubectl-set")


def flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


LOCAL_RESOURCE_ERROR = ("error: you must specify resources by --filename when --local is set.\n"
                        "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'")


class _Raw(KubectlError):
    """A message kubectl's CheckErr prints as is (it already starts with `error: `)."""

    def render(self) -> str:
        return str(self)


def raw_error(message: str) -> KubectlError:
    return _Raw(message)


def collect(session, common: SetCommon, resources: tuple[str, ...], latest: bool = True) -> list[tuple]:
    """builder.Do().Infos(): every object, or the first errors (ContinueOnError, then the aggregate)."""
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    if common.local and resources:
        raise raw_error(LOCAL_RESOURCE_ERROR)
    try:
        namespace = session.namespace
    except KubectlError:
        if not common.local:
            raise
        namespace = "default"
    explicit = bool(session.overrides.namespace)
    if common.local:
        request = SelectionRequest(filenames=common.filenames, recursive=common.recursive)
    else:
        request = SelectionRequest(args=resources, filenames=common.filenames, recursive=common.recursive,
                                   label_selector=common.selector, select_all=common.all,
                                   allow_empty_selector=common.all)
    selection = select(request, session.mapper, namespace, explicit, stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    errors: list[Exception] = []
    infos: list[tuple] = []
    for item in selection.items:
        for member in item if isinstance(item, list) else [item]:
            if not isinstance(member, Target):
                errors.append(member)
                continue
            if common.local or (member.manifest is not None and not latest):
                infos.append((member, copy.deepcopy(member.manifest.obj)))
                continue
            for fetched in fetcher._collect(fetcher._fetch(member), errors):
                page = fetched.obj
                kind = str(page.get("kind") or "")
                for obj in items_of(page):
                    if kind.endswith("List") and not obj.get("kind"):
                        obj = {"apiVersion": page.get("apiVersion"), "kind": kind[:-4], **obj}
                    metadata = obj.get("metadata") or {}
                    infos.append((Target(member.type, str(metadata.get("namespace") or ""),
                                         str(metadata.get("name") or "")), obj))
    if errors:
        from pykubectl.resources.dry_run import collected_error

        raise collected_error(errors)
    return infos


def make_printer(common: SetCommon, dry_run: str, operation: str) -> Callable[[dict], str]:
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    if not common.output and not common.template:
        return lambda obj: to_name(obj, operation + dry_run_suffix(dry_run))
    # typed objects: their JSON keeps struct order
    return object_printer(common.output, template_argument=common.template,
                          allow_missing_keys=common.allow_missing_template_keys,
                          show_managed_fields=common.show_managed_fields, sort_keys=False, yaml_separators=True)


def object_name(target, obj: dict) -> str:
    """info.ObjectName(): the plural resource (no group) and the name."""
    return f"{target.type.plural}/{(obj.get('metadata') or {}).get('name') or target.name}"


def go_type_name(obj: dict) -> str:
    """%T of the typed object kubectl decoded: *v1.Service, *v1.ConfigMap…"""
    version = str(obj.get("apiVersion") or "").rpartition("/")[2]
    return f"*{version}.{obj.get('kind', '')}"


def validate(problems: list[str]) -> None:
    """utilerrors.NewAggregate of Validate()'s findings."""
    if not problems:
        return
    if len(problems) == 1:
        raise KubectlError(problems[0])
    from pykubectl.errors import AggregateError

    raise AggregateError([KubectlError(p) for p in problems])


def pod_spec_or_error(obj: dict) -> dict:
    from pykubectl.resources.pod_spec import pod_spec_of

    spec = pod_spec_of(obj)
    if spec is None:
        raise KubectlError(f"the object is not a pod or does not have a pod template: {go_type_name(obj)}")
    return spec


def typed(obj: dict) -> dict:
    """The object after kubectl's round trip through its Go type: the zero values the encoder keeps."""
    from pykubectl.resources.pod_spec import typed_defaults

    return typed_defaults(obj)


def patch_all(session, common: SetCommon, infos: list[tuple], mutate: Callable[[object, dict], None],
              dry_run: str, operation: str, failure: str | None, errors: list[Exception] | None = None,
              skip_unchanged: bool = True, prefix_errors: bool = True) -> None:
    """CalculatePatches then Run: skip unchanged objects, print local/client-dry-run objects, PATCH the rest."""
    from pykubectl.errors import ApiError
    from pykubectl.resources import three_way
    from pykubectl.resources.dry_run import collected_error, write_params
    from pykubectl.resources.patch_metadata import PatchMetadata

    errors = errors if errors is not None else []
    printer = make_printer(common, dry_run, operation)
    out = session.streams.out
    metadata = None
    for target, live in infos:
        before = copy.deepcopy(live)
        obj = copy.deepcopy(live)
        try:
            mutate(target, obj)
        except KubectlError as exc:
            if not prefix_errors:  # verbs that return the first mutation error as it is
                raise
            errors.append(raw_error(f"error: {object_name(target, obj)} {exc}\n"))
            continue
        if obj == before and skip_unchanged:
            continue
        if common.local or dry_run == "client":
            out.write(printer(typed(obj)))
            out.flush()
            continue
        if metadata is None:
            metadata = PatchMetadata(session.client)
        schema = metadata.v3_schema(target.type)
        if schema is None:
            schema = metadata.fallback_for(target.type)[1]
        try:
            patch = three_way.three_way_strategic_patch(before, obj, before, schema)
        except KubectlError as exc:
            errors.append(exc)
            continue
        try:
            result = session.client.request_json(
                "PATCH", target.type.object_path(target.name, target.namespace or None),
                write_params(common.field_manager, dry_run), content=three_way.patch_json(patch).encode(),
                headers={"Content-Type": "application/strategic-merge-patch+json"})
        except ApiError as exc:
            errors.append(KubectlError(f"{failure}{exc}") if failure is not None else exc)
            continue
        out.write(printer(result))
        out.flush()
    if errors:
        raise collected_error(errors)
