"""API discovery: aggregated (v2, v2beta1) or legacy, behind kubectl's on-disk cache (same files, same TTL)."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pykubectl.errors import ApiError, KubectlError, NotFound
from pykubectl.model.types import APIGroup, DiscoveredResources, GroupVersion, ResourceType

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient


CACHE_TTL = 6 * 3600.0  # client-go: time.Duration(6*time.Hour), against the file's mtime
ACCEPT_AGGREGATED = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)
_UNSAFE = re.compile(r"[^(\w/.)]", re.ASCII)  # client-go overlyCautiousIllegalFileCharacters


def default_cache_dir() -> str:
    """$KUBECACHEDIR, else ~/.kube/cache (cli-runtime getDefaultCacheDir)."""
    if os.environ.get("KUBECACHEDIR"):
        return os.environ["KUBECACHEDIR"]
    return os.path.join(os.path.expanduser("~"), ".kube", "cache")


def discovery_cache_dir(cache_root: str, server: str) -> Path:
    """`<root>/discovery/<host>`: scheme dropped, every char outside [\\w/.()] turned into `_`."""
    host = server.replace("https://", "", 1).replace("http://", "", 1)
    safe = _UNSAFE.sub("_", host)
    return Path(os.path.normpath(os.path.join(cache_root, "discovery", safe)))


def _media_params(content_type: str) -> tuple[str, dict[str, str]]:
    parts = [p.strip() for p in content_type.split(";")]
    params = {}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


def aggregated_version(content_type: str | None) -> str | None:
    """"v2" or "v2beta1" when the Content-Type labels an APIGroupDiscoveryList (any parameter order)."""
    if not content_type:
        return None
    media, params = _media_params(content_type)
    if media != "application/json":
        return None
    if params.get("g") != "apidiscovery.k8s.io" or params.get("as") != "APIGroupDiscoveryList":
        return None
    return params.get("v") if params.get("v") in ("v2", "v2beta1") else None


# ---------------------------------------------------------------------------------------------------------
# Wire formats → APIGroupList / APIResourceList dicts, in Go's field order (what the cache files hold)


def api_resource(name: str, singular: str, namespaced: bool, kind: str, verbs, group: str = "",
                 version: str = "", short_names=None, categories=None, storage_hash: str = "") -> dict:
    out: dict = {"name": name, "singularName": singular, "namespaced": namespaced}
    if group:
        out["group"] = group
    if version:
        out["version"] = version
    out["kind"] = kind
    out["verbs"] = list(verbs) if verbs is not None else None
    if short_names:
        out["shortNames"] = list(short_names)
    if categories:
        out["categories"] = list(categories)
    if storage_hash:
        out["storageVersionHash"] = storage_hash
    return out


def _normalise_resource(raw: dict) -> dict:
    return api_resource(raw.get("name", ""), raw.get("singularName", ""), bool(raw.get("namespaced")),
                        raw.get("kind", ""), raw.get("verbs"), raw.get("group", ""), raw.get("version", ""),
                        raw.get("shortNames"), raw.get("categories"), raw.get("storageVersionHash", ""))


def resource_list(group_version: str, resources: list[dict]) -> dict:
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": resources}


def api_group(name: str, versions: list[str]) -> dict:
    entries = [{"groupVersion": str(GroupVersion(name, v)), "version": v} for v in versions]
    preferred = entries[0] if entries else {"groupVersion": "", "version": ""}
    return {"name": name, "versions": entries, "preferredVersion": preferred}


def split_aggregated(body: dict) -> tuple[list[dict], dict[str, dict], dict[str, str]]:
    """An APIGroupDiscoveryList → (APIGroups, APIResourceLists by group-version, failed group-versions)."""
    groups: list[dict] = []
    lists: dict[str, dict] = {}
    failed: dict[str, str] = {}
    for item in body.get("items") or []:
        name = (item.get("metadata") or {}).get("name", "") or ""
        kept: list[str] = []
        for version in item.get("versions") or []:
            v = version.get("version", "")
            gv = str(GroupVersion(name, v))
            if version.get("freshness") == "Stale":
                failed[gv] = f"stale GroupVersion discovery: {gv}"
                continue
            kept.append(v)
            resources: list[dict] = []
            for res in version.get("resources") or []:
                kind = res.get("responseKind") or {}
                parent_ok = bool(kind and any(kind.get(k) for k in ("group", "version", "kind")))
                parent = api_resource(res.get("resource", ""), res.get("singularResource", ""),
                                      res.get("scope") == "Namespaced", kind.get("kind", ""), res.get("verbs"),
                                      kind.get("group", ""), kind.get("version", ""),
                                      res.get("shortNames"), res.get("categories"))
                if parent_ok:
                    resources.append(parent)
                for sub in res.get("subresources") or []:
                    sub_kind = sub.get("responseKind") or {}
                    if not any(sub_kind.get(k) for k in ("group", "version", "kind")):
                        continue
                    resources.append(api_resource(f"{parent['name']}/{sub.get('subresource', '')}",
                                                  parent["singularName"], parent["namespaced"],
                                                  sub_kind.get("kind", ""), sub.get("verbs"),
                                                  sub_kind.get("group", ""), sub_kind.get("version", "")))
            lists[gv] = resource_list(gv, resources)
        groups.append(api_group(name, kept))
    return groups, lists, failed


def to_resource_types(group_version: str, raw_list: dict) -> list[ResourceType]:
    gv = GroupVersion.parse(group_version)
    out = []
    for raw in raw_list.get("resources") or []:
        out.append(ResourceType(
            group=gv.group, version=gv.version, plural=raw.get("name", ""), kind=raw.get("kind", ""),
            namespaced=bool(raw.get("namespaced")), singular=raw.get("singularName", "") or "",
            verbs=tuple(raw.get("verbs") or ()), short_names=tuple(raw.get("shortNames") or ()),
            categories=tuple(raw.get("categories") or ())))
    return out


def to_api_group(raw: dict) -> APIGroup:
    versions = tuple(v.get("version", "") for v in raw.get("versions") or [])
    preferred = (raw.get("preferredVersion") or {}).get("version", "") or (versions[0] if versions else "")
    return APIGroup(raw.get("name", "") or "", versions, preferred)


class DiscoveryFailed(KubectlError):
    """Some group-versions could not be discovered (client-go ErrGroupDiscoveryFailed)."""

    def __init__(self, failed: dict[str, str]):
        self.failed = failed
        parts = ", ".join(f"{gv}: {err}" for gv, err in sorted(failed.items()))
        super().__init__(f"unable to retrieve the complete list of server APIs: {parts}")


class Discovery:
    """kubectl's discovery stack: a disk cache (CachedDiscoveryClient) over an in-memory live fetch."""

    def __init__(self, client: RestClient, cache_root: str | None, ttl: float = CACHE_TTL,
                 clock: Callable[[], float] = time.time, errors: TextIO | None = None):
        self.client = client
        self.errors = errors  # stderr: client-go's "Unhandled Error" klog lines for failed discovery
        self.failure: KubectlError | None = None  # the live fetch's error, answered again without the network
        self.directory = discovery_cache_dir(cache_root, client.settings.server) if cache_root else None
        self.ttl = ttl
        self.clock = clock
        self._our_files: set[Path] = set()
        self._invalidated = False
        self._fresh = True
        self._live: tuple[list[dict], dict[str, dict] | None, dict[str, str]] | None = None
        self._resolved: DiscoveredResources | None = None

    # -- the cache ------------------------------------------------------------------------------------

    @property
    def fresh(self) -> bool:
        """True when everything so far came from the server in this process (not from old files)."""
        return self._fresh

    def invalidate(self) -> None:
        self._our_files = set()
        self._fresh = True
        self._invalidated = True
        self._live = None
        self._resolved = None
        self.failure = None

    def _read_cached(self, path: Path) -> dict | None:
        if self.directory is None:
            return None
        ours = path in self._our_files
        if self._invalidated and not ours:
            return None
        try:
            stat = path.stat()
            if self.clock() > stat.st_mtime + self.ttl:
                return None
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        self._fresh = self._fresh and ours
        return data

    def _write_cached(self, path: Path, obj: dict) -> None:
        if self.directory is None:
            return
        try:
            _make_dirs(path.parent)
            data = (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
            import tempfile  # only a cache write needs it (a warm-cache completion never does)

            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.chmod(tmp, 0o660)
                os.replace(tmp, path)
                self._our_files.add(path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            import logging

            logging.getLogger("pykubectl.client.discovery").debug("failed to write cache to %s due to %s", path, exc)

    # -- live fetching (client-go's DiscoveryClient + memory cache) -------------------------------------

    def _fetch_live(self) -> tuple[list[dict], dict[str, dict] | None, dict[str, str]]:
        if self._live is not None:
            return self._live
        if self.failure is not None:  # client-go tries again and fails again; the answer will not differ
            self.report_failure()
            raise self.failure
        try:
            groups, lists, failed = self._download("/api")
            apis_groups, apis_lists, apis_failed = self._download("/apis")
        except KubectlError as exc:
            self.failure = exc
            self.report_failure()
            raise
        groups = groups + apis_groups
        failed.update(apis_failed)
        if lists is not None and apis_lists is not None:
            lists.update(apis_lists)
        else:
            lists = None
        self._live = (groups, lists, failed)
        return self._live

    def report_failure(self, attempts: int = 1) -> None:
        """memcache.go's HandleError for a refresh that failed, once per attempt: kubectl prints these klog
        lines on stderr at every verbosity (`E1128 13:31:26.123456   12345 memcache.go:265] "Unhandled
        Error" err="couldn't get current server API group list: ..."`)."""
        if self.errors is None or self.failure is None:
            return
        message = f"couldn't get current server API group list: {self.failure}"
        for _ in range(attempts):
            self.errors.write(klog_error_line("memcache.go:265", '"Unhandled Error"', {"err": message}))
        self.errors.flush()

    def _download(self, path: str) -> tuple[list[dict], dict[str, dict] | None, dict[str, str]]:
        try:
            response = self.client.request("GET", path, headers={"Accept": ACCEPT_AGGREGATED}, discovery=True)
        except NotFound:
            return [], {}, {}  # aggregated API servers may answer 404 here; client-go tolerates it
        try:
            body = response.json()
        except ValueError as exc:
            raise KubectlError(f"failed to parse discovery response from {path}: {exc}") from None
        if aggregated_version(response.headers.get("Content-Type")):
            return split_aggregated(body)
        if path == "/api":
            versions = body.get("versions") or []
            if versions:
                return [api_group("", list(versions))], None, {}
            return [{"name": "", "versions": [], "preferredVersion": {"groupVersion": "", "version": ""}}], None, {}
        return [_normalise_group(g) for g in body.get("groups") or []], None, {}

    def _live_resources_for(self, group_version: str) -> dict:
        groups, lists, failed = self._fetch_live()
        if lists is not None:
            if group_version in failed:
                raise KubectlError(failed[group_version])
            if group_version in lists:
                return lists[group_version]
        path = GroupVersion.parse(group_version).api_prefix
        try:
            body = self.client.get_json(path, discovery=True)
        except ApiError as exc:
            if group_version == "v1" and exc.code in (403, 404):
                return resource_list("v1", [])
            raise
        return resource_list(body.get("groupVersion") or group_version,
                             [_normalise_resource(r) for r in body.get("resources") or []])

    # -- public API -----------------------------------------------------------------------------------

    def server_groups(self) -> list[dict]:
        """The APIGroupList's groups, core first (servergroups.json or live)."""
        path = self.directory / "servergroups.json" if self.directory else None
        if path is not None:
            cached = self._read_cached(path)
            if cached is not None:
                return [_normalise_group(g) for g in cached.get("groups") or []]
        groups = self._fetch_live()[0]
        if path is not None and groups:
            self._write_cached(path, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        return groups

    def server_resources_for(self, group_version: str) -> dict:
        path = self.directory / group_version / "serverresources.json" if self.directory else None
        if path is not None:
            cached = self._read_cached(path)
            if cached is not None:
                return cached
        live = self._live_resources_for(group_version)
        if path is not None and live.get("resources"):
            self._write_cached(path, live)
        return live

    def resources(self) -> DiscoveredResources:
        """Every group-version's resources (client-go ServerGroupsAndResources); failures are recorded."""
        if self._resolved is not None:
            return self._resolved
        groups = [to_api_group(g) for g in self.server_groups()]
        result = DiscoveredResources(groups=groups)
        for group in groups:
            for version in group.versions:
                gv = str(GroupVersion(group.name, version))
                try:
                    raw = self.server_resources_for(gv)
                except KubectlError as exc:
                    result.failed[gv] = str(exc)
                    continue
                result.resources[gv] = to_resource_types(gv, raw)
        self._resolved = result
        return result

    def preferred_resources(self) -> list[tuple[str, list[ResourceType]]]:
        """client-go ServerPreferredResources: each group-resource once, at its group's preferred version
        when it exists there; lists in group order. Subresources are left out."""
        found = self.resources()
        chosen: dict[tuple[str, str], tuple[str, ResourceType]] = {}
        lists: list[tuple[str, list[ResourceType]]] = []
        for group in found.groups:
            for version in group.versions:
                gv = str(GroupVersion(group.name, version))
                if gv not in found.resources:
                    continue
                lists.append((gv, []))
                for resource in found.resources[gv]:
                    if resource.is_subresource:
                        continue
                    key = (group.name, resource.plural)
                    if key in chosen and version != group.preferred_version:
                        continue
                    chosen[key] = (gv, resource)
        by_gv = dict(lists)
        for gv, resource in chosen.values():
            by_gv[gv].append(resource)
        return lists

    def server_version(self) -> dict:
        return self.client.get_json("/version", discovery=True)


def _make_dirs(directory: Path) -> None:
    """os.MkdirAll(dir, 0750): every directory it creates gets the mode (less the umask), not only the last."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o750)
        except FileExistsError:
            pass


def _normalise_group(raw: dict) -> dict:
    versions = [{"groupVersion": v.get("groupVersion", ""), "version": v.get("version", "")}
                for v in raw.get("versions") or []]
    preferred = raw.get("preferredVersion") or (versions[0] if versions else {"groupVersion": "", "version": ""})
    out = {"name": raw.get("name", "") or "", "versions": versions,
           "preferredVersion": {"groupVersion": preferred.get("groupVersion", ""),
                                "version": preferred.get("version", "")}}
    if raw.get("serverAddressByClientCIDRs"):
        out["serverAddressByClientCIDRs"] = raw["serverAddressByClientCIDRs"]
    return out


def _verbosity() -> int:
    logging = sys.modules.get("logging")  # not imported yet: nobody has configured a verbosity
    return int(getattr(logging.getLogger("pykubectl"), "verbosity", 0) or 0) if logging is not None else 0


def klog_error_line(where: str, message: str, values: dict[str, str]) -> str:
    """A klog text-format error line: `E1128 13:31:26.123456   12345 file.go:42] msg key="value"`; a value
    with newlines goes in klog's `key=<` block, one tab-indented line each."""
    now = time.time()
    head = f"E{time.strftime('%m%d %H:%M:%S', time.localtime(now))}.{int((now % 1) * 1_000_000):06d} " \
           f"{os.getpid():7d} {where}] {message}"
    parts = [head]
    for key, value in values.items():
        if "\n" in value:
            body = "".join(f"\t{line}\n" for line in value.rstrip("\n").split("\n"))
            parts.append(f"{key}=<\n{body} >")
        else:
            parts.append(f"{key}={json.dumps(value, ensure_ascii=False)}")
    return " ".join(parts) + "\n"
