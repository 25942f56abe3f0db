"""RESTMapper: a command-line type ("po", "deployments.apps", "deploy.v1.apps", "Deployment") → ResourceType.

Follows cli-runtime's Builder.mappingFor over client-go's shortcut expander, deferred discovery mapper and
priority mapper: core v1 first, then groups in discovery order, preferred version first within a group."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TextIO

from pykubectl.client.discovery import Discovery
from pykubectl.errors import NoKindMatch, ResourceTypeNotFound
from pykubectl.model.types import DiscoveredResources, GroupVersion, ResourceType


@dataclass(frozen=True)
class _Query:
    group: str
    version: str
    resource: str


class _NoMatch(Exception):
    pass


class RestMapper:
    def __init__(self, discovery: Discovery, warnings: TextIO | None = None):
        self.discovery = discovery
        self.warnings = warnings
        self._warned: set[str] = set()

    # -- public ---------------------------------------------------------------------------------------

    def resource_for(self, arg: str) -> ResourceType:
        """The ResourceType an argument names; on a miss, refetch discovery once if it came from the cache
        (DeferredDiscoveryRESTMapper), then `the server doesn't have a resource type "x"`."""
        try:
            return self._resolve(arg)
        except _NoMatch:
            if self.discovery.fresh:
                raise ResourceTypeNotFound(_group_resource(arg)[1]) from None
        self._reset()
        try:
            return self._resolve(arg)
        except _NoMatch:
            raise ResourceTypeNotFound(_group_resource(arg)[1]) from None

    def kind_for(self, group: str, version: str, kind: str) -> ResourceType:
        """The mapping for an object's apiVersion/kind (RESTMapping(gk, version)); raises NoKindMatch."""
        found = self._kind_mapping(group, kind, version)
        if found is None and not self.discovery.fresh:
            self._reset()
            found = self._kind_mapping(group, kind, version)
        if found is None:
            raise NoKindMatch(group, version, kind)
        return found

    def expand_category(self, category: str) -> list[ResourceType] | None:
        """`all` and other categories: each group-resource once, in discovery order (None: no such category)."""
        found = self.discovery.resources()
        seen: list[tuple[str, str]] = []
        for _gv, resources in self._ordered_lists(found):
            for resource in resources:
                if category in resource.categories and (resource.group, resource.plural) not in seen:
                    seen.append((resource.group, resource.plural))
        if not seen:
            return None
        return [self.resource_for(f"{plural}.{group}" if group else plural) for group, plural in seen]

    # -- resolution -----------------------------------------------------------------------------------

    def _resolve(self, arg: str) -> ResourceType:
        found = self.discovery.resources()
        full, partial = _parse_resource_arg(arg)
        mapping = None
        if full is not None:
            mapping = self._resource_mapping(found, self._expand(found, full))
        if mapping is None:
            mapping = self._resource_mapping(found, self._expand(found, partial))
        if mapping is not None:
            return mapping
        # Retried as a kind: "Deployment.apps", "Deployment.v1.apps".
        group, version, kind = _parse_kind_arg(arg)
        if version:
            mapping = self._kind_mapping(group, kind, version, found)
        if mapping is None:
            group_only, kind_only = _group_resource(arg)
            mapping = self._kind_mapping(group_only, kind_only, "", found)
        if mapping is None:
            raise _NoMatch(arg)
        return mapping

    def _ordered_lists(self, found: DiscoveredResources):
        for group in found.groups:
            for version in group.versions:
                gv = str(GroupVersion(group.name, version))
                if gv in found.resources:
                    yield gv, found.resources[gv]

    def _expand(self, found: DiscoveredResources, query: _Query) -> _Query:
        """client-go's shortcutExpander.expandResourceShortcut."""
        for gv, resources in self._ordered_lists(found):
            if query.group and query.group != GroupVersion.parse(gv).group:
                continue
            for resource in resources:
                if query.resource == resource.plural or query.resource == resource.singular:
                    return query
        shortcuts = [(r.group, short, r.plural) for _, resources in self._ordered_lists(found)
                     for r in resources for short in r.short_names]
        match: tuple[str, str] | None = None
        warned: set[tuple[str, str]] = set()
        for group, short, plural in shortcuts:
            if query.group and query.group != group:
                continue
            if query.resource != short:
                continue
            if match is not None:
                if match == (group, plural):
                    continue
                if (group, plural) not in warned:
                    long_form = f"{plural}.{group}" if group else plural
                    self._warn(f'short name "{query.resource}" could also match lower priority resource {long_form}')
                    warned.add((group, plural))
                continue
            match = (group, plural)
        if match is not None:
            return _Query(match[0], "", match[1])
        if not query.group:
            return query
        for group, short, plural in shortcuts:
            if group.startswith(query.group) and query.resource == short:
                return _Query(group, query.version, plural)
        return query

    def _resource_mapping(self, found: DiscoveredResources, query: _Query) -> ResourceType | None:
        """DefaultRESTMapper.KindsFor across group-versions, then the priority rules, then RESTMapping."""
        wanted = query.resource.lower()
        if not wanted:
            return None
        candidates: list[ResourceType] = []
        entries = [(gv, r) for gv, resources in self._ordered_lists(found) for r in resources
                   if not r.is_subresource]

        def names(r: ResourceType) -> tuple[str, ...]:
            return (r.plural, r.singular or r.kind.lower())

        if query.group and query.version:
            candidates = [r for _, r in entries if r.group == query.group and r.version == query.version
                          and wanted in names(r)]
        elif query.group:
            candidates = [r for _, r in entries if r.group == query.group and wanted in names(r)]
            if not candidates:
                candidates = [r for _, r in entries if r.group.startswith(query.group) and wanted in names(r)]
        elif query.version:
            candidates = [r for _, r in entries if r.version == query.version and wanted in names(r)]
        else:
            candidates = [r for _, r in entries if wanted in names(r)]
        if not candidates:
            return None
        return self._by_priority(found, candidates)

    def _by_priority(self, found: DiscoveredResources, candidates: list[ResourceType]) -> ResourceType:
        def rank(resource: ResourceType) -> tuple[int, int]:
            if resource.group == "" and resource.version == "v1":
                return (0, 0)
            for index, group in enumerate(found.groups):
                if group.name != resource.group:
                    continue
                if resource.version == group.preferred_version:
                    return (1 + index, 0)
                order = group.versions.index(resource.version) if resource.version in group.versions else 99
                return (1 + index, 1 + order)
            return (len(found.groups) + 1, 0)

        return min(candidates, key=rank)

    def _kind_mapping(self, group: str, kind: str, version: str,
                      found: DiscoveredResources | None = None) -> ResourceType | None:
        found = found if found is not None else self.discovery.resources()
        candidates = []
        for group_info in found.groups:
            if group_info.name != group:
                continue
            if version and version not in group_info.versions:
                continue
            for v in [version] if version else group_info.versions:
                for resource in found.resources.get(str(GroupVersion(group, v)), []):
                    if resource.is_subresource:
                        continue
                    if resource.kind == kind or resource.kind.lower() == kind:
                        candidates.append(resource)
                        break
        if not candidates:
            return None
        return self._by_priority(found, candidates)

    def _reset(self) -> None:
        """DeferredDiscoveryRESTMapper.Reset: the cache may be stale, fetch discovery again."""
        logging = sys.modules.get("logging")  # not imported yet: nobody has configured a verbosity
        if logging is not None and getattr(logging.getLogger("pykubectl"), "verbosity", 0) >= 5:
            logging.getLogger("pykubectl.client.mapper").info("Invalidating discovery information")
        self.discovery.invalidate()

    def _warn(self, text: str) -> None:
        if self.warnings is not None and text not in self._warned:
            self._warned.add(text)
            try:
                colour = self.warnings.isatty() and os.environ.get("TERM") != "dumb"
            except (AttributeError, ValueError):
                colour = False
            prefix = "\x1b[33;1mWarning:\x1b[0m" if colour else "Warning:"
            self.warnings.write(f"{prefix} {text}\n")


def _group_resource(arg: str) -> tuple[str, str]:
    """apimachinery ParseGroupResource: split at the first dot → (group, resource)."""
    if "." in arg:
        resource, _, group = arg.partition(".")
        return group, resource
    return "", arg


def _parse_resource_arg(arg: str) -> tuple[_Query | None, _Query]:
    full = None
    if arg.count(".") >= 2:
        resource, version, group = arg.split(".", 2)
        full = _Query(group, version, resource)
    group, resource = _group_resource(arg)
    return full, _Query(group, "", resource)


def _parse_kind_arg(arg: str) -> tuple[str, str, str]:
    if arg.count(".") >= 2:
        kind, version, group = arg.split(".", 2)
        return group, version, kind
    group, kind = _group_resource(arg)
    return group, "", kind
