"""kubectl's argument grammar (cli-runtime's Builder): TYPE, TYPE NAME..., TYPE/NAME..., -f, -l, --all, -A → targets.

API:

* `SelectionRequest(args, filenames=(), recursive=False, kustomize="", label_selector="",
  field_selector="", all_namespaces=False, select_all=False, allow_empty_selector=True, subresource="")`
  holds what the user typed. `allow_empty_selector=True` (get, describe) makes a bare `TYPE` mean "every
  object of that type"; commands that need names (delete) pass False and get kubectl's
  "resource(s) were provided, but no name was specified".
* `parse_arguments(args) -> ArgumentForm` is pure: it splits `pods,svc x y` into types and names and
  raises kubectl's usage errors for the resource/name form.
* `select(request, mapper, namespace, explicit_namespace=False, stdin=None) -> Selection` resolves the
  types through the RestMapper (`all` and other categories expanded) and reads manifests for `-f`.
  `Selection.items` is an ordered list of `Target`, `KubectlError` (a document that could not be read
  or mapped; kubectl carries on and reports it at the end) or `list[Target | KubectlError]` (the items of
  one `List` manifest, whose errors kubectl reports as one bracketed aggregate).
  `Selection.single_item_implied` says whether kubectl prints one object rather than a List for
  -o json/yaml. `Selection.continue_aggregates` tells how errors are reported (see fetching).
* `Target(type, namespace, name, label_selector, field_selector, subresource, manifest)`: one GET; an
  empty `name` is a list of the collection. `namespace` is "" for cluster-scoped types and `-A`.

Errors are `KubectlError`s carrying kubectl's exact text (no `error: ` prefix in the message).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from pykubectl.errors import ConnectionFailure, KubectlError
from pykubectl.model.types import GroupVersion, ResourceType

if TYPE_CHECKING:
    from pykubectl.client.mapper import RestMapper
    from pykubectl.resources.manifests import Manifest


class NamespaceMismatch(KubectlError):
    """An -f object in another namespace than an explicit --namespace (kubectl's RequireNamespace)."""


@dataclass(frozen=True)
class SelectionRequest:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    label_selector: str = ""
    field_selector: str = ""
    all_namespaces: bool = False
    select_all: bool = False
    allow_empty_selector: bool = True
    subresource: str = ""
    # Builder.Latest(): -f objects are fetched again and -l filters what the server returned (get does this;
    # without it, the labels written in the manifests decide).
    latest: bool = False


@dataclass(frozen=True)
class Target:
    type: ResourceType
    namespace: str = ""
    name: str = ""
    label_selector: str = ""
    field_selector: str = ""
    subresource: str = ""
    manifest: Manifest | None = None
    label_filter: str = ""  # a selector for the fetched object (-f with -l under Latest)

    @property
    def is_collection(self) -> bool:
        return not self.name

    @property
    def path(self) -> str:
        if not self.name:
            return self.type.collection_path(self.namespace or None)
        path = self.type.object_path(self.name, self.namespace or None)
        return f"{path}/{self.subresource}" if self.subresource else path


Item = Target | KubectlError | list  # list: the targets and errors of one List manifest


@dataclass
class Selection:
    items: list[Item] = field(default_factory=list)
    single_item_implied: bool = False
    # kubectl visits by-name targets with a plain VisitorList (one error prints as `error: ...`); every
    # other form uses EagerVisitorList, whose aggregate prints bare messages.
    by_name: bool = False
    namespace: str = ""
    all_namespaces: bool = False

    def targets(self) -> list[Target]:
        out: list[Target] = []
        for item in self.items:
            if isinstance(item, Target):
                out.append(item)
            elif isinstance(item, list):
                out.extend(i for i in item if isinstance(i, Target))
        return out


@dataclass(frozen=True)
class ArgumentForm:
    types: tuple[str, ...] = ()  # from `TYPE[,TYPE...]`
    names: tuple[str, ...] = ()  # from `TYPE NAME...`
    tuples: tuple[tuple[str, str], ...] = ()  # from `TYPE/NAME...`


def split_resource_argument(arg: str) -> list[str]:
    """SplitResourceArgument: comma-separated, duplicates dropped, order kept."""
    out: list[str] = []
    for item in arg.split(","):
        if item not in out:
            out.append(item)
    return out


def parse_arguments(args: Sequence[str]) -> ArgumentForm:
    args = list(args)
    if len(args) >= 2:  # `a,b x y` means a/x a/y b/x b/y
        types = split_resource_argument(args[0])
        if len(types) > 1:
            args = [f"{t}/{n}" for t in types for n in args[1:]]
    with_slash = sum("/" in a for a in args)
    if with_slash:
        if with_slash != len(args):
            raise KubectlError("there is no need to specify a resource type as a separate argument when passing "
                               "arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                               "instead of 'kubectl get resource resource/<resource_name>'")
        tuples = []
        for arg in args:
            parts = arg.split("/")
            if len(parts) != 2:
                raise KubectlError("arguments in resource/name form may not have more than one slash")
            resource, name = parts
            if not resource or not name or len(split_resource_argument(resource)) != 1:
                raise KubectlError("arguments in resource/name form must have a single resource and name")
            tuples.append((resource, name))
        return ArgumentForm(tuples=tuple(tuples))
    if not args:
        return ArgumentForm()
    return ArgumentForm(types=tuple(split_resource_argument(args[0])), names=tuple(args[1:]))


def expand_aliases(types: Sequence[str], mapper: RestMapper) -> list[str]:
    """ReplaceAliases: categories such as `all` become their member resources (`deployments.apps`)."""
    out: list[str] = []
    for name in types:
        expanded = mapper.expand_category(name) if name and "." not in name else None
        if expanded:
            for resource in expanded:
                out.append(resource.group_resource)
        else:
            out.append(name)
    # SplitResourceArgument over the joined text drops duplicates again.
    return split_resource_argument(",".join(out))


def select(request: SelectionRequest, mapper: RestMapper, namespace: str, explicit_namespace: bool = False,
           stdin: TextIO | None = None, warnings: TextIO | None = None) -> Selection:
    """The builder's visitorResult: which of the grammar's forms applies, resolved to targets."""
    if request.all_namespaces:
        namespace, explicit_namespace = "", False
    label = request.label_selector.strip()
    if label and request.select_all:
        raise KubectlError(f"found non-empty label selector {label!r} with previously set 'all' parameter. ")
    if request.kustomize:
        if request.filenames:
            raise KubectlError("only one of -f or -k can be specified")
        if request.recursive:
            raise KubectlError("the -k flag can't be used with -f or -R")
    if request.filenames:  # FilenameParam runs first: a missing path is reported before anything else
        from pykubectl.resources.manifests import check_paths

        check_paths(request.filenames, request.recursive)
    form = parse_arguments(request.args)
    types = list(form.types)
    if types and not form.tuples:
        types = expand_aliases(types, mapper)
    label_given = bool(label) or request.select_all
    if types and not form.names and not form.tuples and request.allow_empty_selector:
        label_given = True  # a lone TYPE selects everything (labels.Everything)
    field_given = bool(request.field_selector.strip())
    selection = Selection(namespace=namespace, all_namespaces=request.all_namespaces)

    if request.filenames or request.kustomize:
        if types:
            raise KubectlError("when paths, URLs, or stdin is provided as input, you may not specify resource "
                               "arguments as well")
        if form.names:
            raise KubectlError("name cannot be provided when a path is specified")
        if form.tuples:
            raise KubectlError("resource/name arguments cannot be provided when a path is specified")
        from pykubectl.resources.manifests import read_kustomization, read_manifests

        if request.kustomize:  # one KustomizeVisitor: a single path as far as the builder is concerned
            selection.single_item_implied = True
            warn = (lambda text: warnings.write(text + "\n")) if warnings is not None else None
            manifests = read_kustomization(request.kustomize, warn)
        else:
            files = list(request.filenames)
            is_dir = any(_is_dir(f) for f in files)
            selection.single_item_implied = not is_dir and "-" not in files and len(files) == 1
            manifests = read_manifests(files, request.recursive, stdin)
        selection.items = _manifest_items(manifests, mapper, namespace, explicit_namespace, label,
                                          request.subresource, request.latest)
        return selection

    if label_given or field_given:
        if form.names:
            raise KubectlError("name cannot be provided when a selector is specified")
        if form.tuples:
            raise KubectlError("selectors and the all flag cannot be used when passing resource/name arguments")
        if not types:
            raise KubectlError("at least one resource must be specified to use a selector")
        if request.subresource:
            raise KubectlError("subresource cannot be used when bulk resources are specified")
        for mapping in _unique_mappings(types, mapper):
            scope = namespace if mapping.namespaced else ""
            selection.items.append(Target(mapping, scope, label_selector=label,
                                          field_selector=request.field_selector.strip()))
        return selection

    if form.tuples:
        selection.single_item_implied = len(form.tuples) == 1
        mappings: dict[str, ResourceType] = {}
        for resource, _ in form.tuples:
            if resource not in mappings:
                mappings[resource] = mapper.resource_for(resource)
        for resource, name in form.tuples:
            mapping = mappings[resource]
            selection.items.append(Target(mapping, _name_scope(mapping, namespace, request.all_namespaces), name,
                                          subresource=request.subresource))
        return selection

    if form.names:
        selection.single_item_implied = len(form.names) == 1
        selection.by_name = True
        if not types:
            raise KubectlError("you must provide a resource and a resource name together")
        if len(types) > 1:
            raise KubectlError("you must specify only one resource")
        mapping = _unique_mappings(types, mapper)[0]
        scope = _name_scope(mapping, namespace, request.all_namespaces)
        selection.items = [Target(mapping, scope, name, subresource=request.subresource) for name in form.names]
        return selection

    if types:
        for name in types:
            mapper.resource_for(name)
        raise KubectlError("resource(s) were provided, but no name was specified")
    raise KubectlError("You must provide one or more resources by argument or filename.\n"
                       "Example resource specifications include:\n"
                       "   '-f rsrc.yaml'\n"
                       "   '--filename=rsrc.json'\n"
                       "   '<resource> <name>'\n"
                       "   '<resource>'")


def _name_scope(mapping: ResourceType, namespace: str, all_namespaces: bool) -> str:
    if not mapping.namespaced:
        return ""
    if not namespace:
        if all_namespaces:
            raise KubectlError("a resource cannot be retrieved by name across all namespaces")
        raise KubectlError("namespace may not be empty when retrieving a resource by name")
    return namespace


def _unique_mappings(types: Sequence[str], mapper: RestMapper) -> list[ResourceType]:
    """resourceMappings: one per GroupVersionKind, in argument order."""
    out: list[ResourceType] = []
    seen: set[tuple[str, str, str]] = set()
    for name in types:
        mapping = mapper.resource_for(name)
        key = (mapping.group, mapping.version, mapping.kind)
        if key in seen:
            continue
        seen.add(key)
        out.append(mapping)
    return out


def _is_dir(name: str) -> bool:
    import os

    return name != "-" and os.path.isdir(name)


def _manifest_items(manifests, mapper: RestMapper, namespace: str, explicit_namespace: bool, label: str,
                    subresource: str, latest: bool = False) -> list[Item]:
    from dataclasses import replace

    from pykubectl.resources.manifests import Manifest

    if label and latest:  # the fetched objects are filtered instead (FilteredVisitor after RetrieveLatest)
        items = _manifest_items(manifests, mapper, namespace, explicit_namespace, "", subresource)
        return [replace(i, label_filter=label) if isinstance(i, Target)
                else [replace(g, label_filter=label) if isinstance(g, Target) else g for g in i]
                if isinstance(i, list) else i for i in items]
    label_filter = label_matcher(label) if label else None
    items: list[Item] = []
    for manifest in manifests:
        if not isinstance(manifest, Manifest):
            items.append(manifest)
            continue
        children = manifest.obj.get("items")
        if isinstance(children, list):
            group: list = []
            for child in children:
                if isinstance(child, dict):
                    group.append(_manifest_target(Manifest(child, manifest.source), mapper, namespace,
                                                  explicit_namespace, subresource))
            items.append([g for g in group if label_filter is None or not isinstance(g, Target)
                          or label_filter(g.manifest.obj)])
            continue
        target = _manifest_target(manifest, mapper, namespace, explicit_namespace, subresource)
        if label_filter is not None and isinstance(target, Target) and not label_filter(manifest.obj):
            continue
        items.append(target)
    return items


def _manifest_target(manifest: Manifest, mapper: RestMapper, namespace: str, explicit_namespace: bool,
                     subresource: str) -> Target | KubectlError:
    obj = manifest.obj
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = str(metadata.get("name") or "")
    obj_namespace = str(metadata.get("namespace") or "")
    gv = GroupVersion.parse(str(obj.get("apiVersion") or ""))
    kind = str(obj.get("kind") or "")
    try:
        mapping = mapper.kind_for(gv.group, gv.version, kind)
    except ConnectionFailure as exc:  # discovery itself failed, not the lookup (mapper.infoForData's wording)
        return KubectlError(f'unable to recognize "{manifest.source}": {exc}')
    except KubectlError:
        return KubectlError(f'resource mapping not found for name: "{name}" namespace: "{obj_namespace}" from '
                            f'"{manifest.source}": no matches for kind "{kind}" in version "{gv}"\n'
                            "ensure CRDs are installed first")
    scope = ""
    if mapping.namespaced:
        scope = obj_namespace or namespace
        if explicit_namespace and scope != namespace:
            return NamespaceMismatch(f'the namespace from the provided object "{scope}" does not match the namespace '
                                f'"{namespace}". You must pass \'--namespace={scope}\' to perform this operation.')
    return Target(mapping, scope, name, subresource=subresource, manifest=manifest)


def label_matcher(selector: str):
    """A client-side label selector for manifests (FilterByLabelSelector): =, ==, !=, in, notin, exists."""
    requirements = _parse_label_selector(selector)

    def matches(obj: dict) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        for key, op, values in requirements:
            present = key in labels
            value = labels.get(key)
            if op in ("=", "==", "in") and (not present or value not in values):
                return False
            if op in ("!=", "notin") and present and value in values:
                return False
            if op == "exists" and not present:
                return False
            if op == "!" and present:
                return False
        return True

    return matches


def _parse_label_selector(selector: str) -> list[tuple[str, str, tuple[str, ...]]]:
    import re

    out = []
    for part in re.split(r",(?![^()]*\))", selector):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(\S+)\s+(in|notin)\s+\(([^)]*)\)", part)
        if match:
            out.append((match.group(1), match.group(2), tuple(v.strip() for v in match.group(3).split(","))))
            continue
        for op in ("==", "!=", "="):
            if op in part:
                key, _, value = part.partition(op)
                out.append((key.strip(), op, (value.strip(),)))
                break
        else:
            if part.startswith("!"):
                out.append((part[1:], "!", ()))
            else:
                out.append((part, "exists", ()))
    return out
