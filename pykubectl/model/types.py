"""Kubernetes type vocabulary: GroupVersion, GroupVersionKind, GroupVersionResource and ResourceType."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GroupVersion:
    group: str
    version: str

    @classmethod
    def parse(cls, text: str) -> GroupVersion:
        """"v1" → ("", "v1"); "apps/v1" → ("apps", "v1") (apimachinery ParseGroupVersion)."""
        if "/" not in text:
            return cls("", text)
        group, _, version = text.partition("/")
        return cls(group, version)

    def __str__(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def api_prefix(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"


@dataclass(frozen=True)
class GroupVersionKind:
    group: str
    version: str
    kind: str

    @classmethod
    def parse(cls, api_version: str, kind: str) -> GroupVersionKind:
        gv = GroupVersion.parse(api_version)
        return cls(gv.group, gv.version, kind)

    @property
    def api_version(self) -> str:
        return str(GroupVersion(self.group, self.version))

    def __str__(self) -> str:
        # apimachinery's GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod"
        return f"{self.group}/{self.version}, Kind={self.kind}"


@dataclass(frozen=True)
class GroupVersionResource:
    group: str
    version: str
    resource: str

    def __str__(self) -> str:
        # apimachinery's GroupVersionResource.String(): "apps/v1, Resource=deployments", "/v1, Resource=pods"
        return f"{self.group}/{self.version}, Resource={self.resource}"


@dataclass(frozen=True)
class ResourceType:
    """One resource as discovery reports it (an APIResource within its group-version)."""

    group: str
    version: str
    plural: str  # the resource name, e.g. "deployments" (or "pods/log" for a subresource)
    kind: str
    namespaced: bool = True
    singular: str = ""
    verbs: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def group_version(self) -> GroupVersion:
        return GroupVersion(self.group, self.version)

    @property
    def api_version(self) -> str:
        return str(self.group_version)

    @property
    def api_prefix(self) -> str:
        return self.group_version.api_prefix

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind(self.group, self.version, self.kind)

    @property
    def gvr(self) -> GroupVersionResource:
        return GroupVersionResource(self.group, self.version, self.plural)

    @property
    def group_resource(self) -> str:
        """kubectl's GroupResource.String(): "pods", "deployments.apps"."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def is_subresource(self) -> bool:
        return "/" in self.plural

    def collection_path(self, namespace: str | None = None) -> str:
        scope = f"/namespaces/{namespace}" if self.namespaced and namespace else ""
        return f"{self.api_prefix}{scope}/{self.plural}"

    def object_path(self, name: str, namespace: str | None = None) -> str:
        return f"{self.collection_path(namespace)}/{name}"


@dataclass(frozen=True)
class APIGroup:
    """One entry of /apis (or the core group): its versions in server order, preferred first."""

    name: str
    versions: tuple[str, ...]
    preferred_version: str = ""

    def group_versions(self) -> list[str]:
        return [str(GroupVersion(self.name, v)) for v in self.versions]


@dataclass
class DiscoveredResources:
    """The server's types: groups in discovery order (core first) and each group-version's resources."""

    groups: list[APIGroup] = field(default_factory=list)
    resources: dict[str, list[ResourceType]] = field(default_factory=dict)  # key: "apps/v1", "v1"
    failed: dict[str, str] = field(default_factory=dict)  # group-version → error text

    def all_resources(self, preferred_only: bool = False) -> list[ResourceType]:
        out: list[ResourceType] = []
        for group in self.groups:
            versions = group.versions
            if preferred_only:
                versions = (group.preferred_version or versions[0],) if versions else ()
            for version in versions:
                out.extend(self.resources.get(str(GroupVersion(group.name, version)), []))
        return out
