"""What the test API server serves: built-in resource types of Kubernetes 1.32 plus CRDs added at run time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pykubectl.testing.catalog import builtin

__all__ = ["Catalog", "ResourceInfo", "SubresourceInfo", "kube_version_key"]


@dataclass(frozen=True)
class SubresourceInfo:
    """One subresource of a resource, e.g. deployments/scale answering with autoscaling/v1 Scale."""

    name: str
    response_group: str
    response_version: str
    response_kind: str
    verbs: tuple[str, ...]


@dataclass(frozen=True)
class ResourceInfo:
    """One resource type in one group-version, as discovery describes it."""

    group: str
    version: str
    resource: str  # plural, e.g. "deployments"
    kind: str
    singular: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()  # e.g. ("scale", "status")
    subresource_specs: tuple[SubresourceInfo, ...] = field(default=(), compare=False)
    crd_name: str | None = None  # "crontabs.stable.example.com" for a custom resource, else None

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """The `<plural>.<group>` form Status messages use ("deployments.apps", "pods")."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    def subresource(self, name: str) -> SubresourceInfo | None:
        return next((s for s in self.subresource_specs if s.name == name), None)


_VERSION_RE = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def kube_version_key(version: str) -> tuple:
    """Sort key giving Kubernetes' version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > other (a-z)."""
    match = _VERSION_RE.match(version)
    if not match:
        return (3, 0, 0, version)
    major, level, minor = int(match[1]), match[2], int(match[3] or 0)
    rank = {None: 0, "beta": 1, "alpha": 2}[level]
    return (rank, -major, -minor, "")


def _builtin_row(group: str, version: str, row: tuple) -> ResourceInfo:
    resource, singular, kind, namespaced, verbs, short_names, categories, subs = row
    specs = []
    for name, response, sub_verbs in subs:
        parts = response.split("/")
        if len(parts) == 1:
            specs.append(SubresourceInfo(name, group, version, response, sub_verbs))
        elif len(parts) == 2:  # core "v1/Kind"
            specs.append(SubresourceInfo(name, "", parts[0], parts[1], sub_verbs))
        else:
            specs.append(SubresourceInfo(name, parts[0], parts[1], parts[2], sub_verbs))
    return ResourceInfo(group, version, resource, kind, singular, namespaced, tuple(verbs), tuple(short_names),
                        tuple(categories), tuple(s.name for s in specs), tuple(specs))


class Catalog:
    """Resource types by group and version, in the order a real apiserver lists them.

    Built-ins come first (in kube-apiserver's group priority order), then CRD groups sorted by name, then
    aggregated groups (metrics.k8s.io). `generation` increases on every CRD change so that caches
    (OpenAPI documents and their hashes) can tell they are stale.
    """

    def __init__(self) -> None:
        self._builtin: dict[str, dict[str, list[ResourceInfo]]] = {"": {"v1": [
            _builtin_row("", "v1", row) for row in builtin.CORE_V1]}}
        for group, versions in builtin.GROUPS:
            self._builtin[group] = {v: [_builtin_row(group, v, r) for r in rows] for v, rows in versions}
        self._aggregated: dict[str, dict[str, list[ResourceInfo]]] = {}
        for group, versions in builtin.AGGREGATED_GROUPS:
            self._aggregated[group] = {v: [_builtin_row(group, v, r) for r in rows] for v, rows in versions}
        self.unavailable: set[str] = set()  # aggregated groups whose APIService is gone (see set_available)
        self._crds: dict[str, dict] = {}  # CRD name -> CRD object
        self._custom: dict[str, dict[str, list[ResourceInfo]]] = {}
        self.generation = 0

    # -- queries -----------------------------------------------------------------------------------------
    def groups(self) -> list[tuple[str, list[str]]]:
        """[(group, [versions, preferred first])] in discovery order, the core group ("") first."""
        return [(group, list(versions)) for group, versions in self._all_groups()]

    def resources(self, group: str, version: str) -> list[ResourceInfo]:
        """The resources of one group-version in discovery order (alphabetical by plural), or []."""
        for g, versions in self._all_groups():
            if g == group and version in versions:
                return sorted(versions[version], key=lambda r: r.resource)
        return []

    def preferred_version(self, group: str) -> str | None:
        for g, versions in self._all_groups():
            if g == group:
                return next(iter(versions))
        return None

    def lookup(self, group: str, version: str, resource: str) -> ResourceInfo | None:
        return next((r for r in self.resources(group, version) if r.resource == resource), None)

    def by_kind(self, group: str, kind: str, version: str | None = None) -> ResourceInfo | None:
        """The resource serving `kind` in `group`: in `version` if given, else in the preferred version."""
        for g, versions in self._all_groups():
            if g != group:
                continue
            candidates = [version] if version else list(versions)
            for v in candidates:
                for info in versions.get(v, ()):
                    if info.kind == kind:
                        return info
        return None

    def all(self) -> list[ResourceInfo]:
        return [info for group, versions in self.groups() for v in versions for info in self.resources(group, v)]

    def crds(self) -> list[dict]:
        return list(self._crds.values())

    def crd_for(self, info: ResourceInfo) -> dict | None:
        return self._crds.get(info.crd_name) if info.crd_name else None

    def set_available(self, group: str, available: bool = True) -> None:
        """Serve an aggregated group (metrics.k8s.io) or not, as when its APIService is registered or removed."""
        before = set(self.unavailable)
        if available:
            self.unavailable.discard(group)
        elif group in self._aggregated:
            self.unavailable.add(group)
        if self.unavailable != before:
            self.generation += 1

    def available(self, group: str) -> bool:
        return group not in self.unavailable

    # -- CRDs --------------------------------------------------------------------------------------------
    def add_crd(self, crd: dict) -> None:
        """Serve (or re-serve, after an update) the custom resource a CustomResourceDefinition defines."""
        name = crd.get("metadata", {}).get("name", "")
        self._crds.pop(name, None)
        self._crds[name] = crd
        self._rebuild_custom()

    def remove_crd(self, crd: dict) -> None:
        name = crd.get("metadata", {}).get("name", "")
        if self._crds.pop(name, None) is not None:
            self._rebuild_custom()

    def _rebuild_custom(self) -> None:
        groups: dict[str, dict[str, list[ResourceInfo]]] = {}
        for crd_name, crd in self._crds.items():
            spec = crd.get("spec", {})
            group, names = spec.get("group", ""), spec.get("names", {})
            kind = names.get("kind", "")
            for version in spec.get("versions", []):
                if not version.get("served", True):
                    continue
                subs = []
                declared = version.get("subresources") or {}
                if "scale" in declared:
                    subs.append(SubresourceInfo("scale", "autoscaling", "v1", "Scale", builtin.STATUS))
                if "status" in declared:
                    subs.append(SubresourceInfo("status", group, version["name"], kind, builtin.STATUS))
                info = ResourceInfo(
                    group=group, version=version["name"], resource=names.get("plural", ""), kind=kind,
                    singular=names.get("singular") or kind.lower(),
                    namespaced=spec.get("scope", "Namespaced") == "Namespaced", verbs=builtin.FULL,
                    short_names=tuple(names.get("shortNames") or ()),
                    categories=tuple(names.get("categories") or ()),
                    subresources=tuple(s.name for s in subs), subresource_specs=tuple(subs), crd_name=crd_name)
                groups.setdefault(group, {}).setdefault(version["name"], []).append(info)
        self._custom = {
            group: {v: versions[v] for v in sorted(versions, key=kube_version_key)}
            for group, versions in sorted(groups.items())
        }
        self.generation += 1

    def _all_groups(self):
        yield from self._builtin.items()
        for group, versions in self._custom.items():
            if group in self._builtin or group in self._aggregated:
                continue  # a CRD cannot take over a built-in group
            yield group, versions
        for group, versions in self._aggregated.items():
            if group not in self.unavailable:
                yield group, versions
