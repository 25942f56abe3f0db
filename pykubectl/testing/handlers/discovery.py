"""Discovery: /version, /api, /apis, /api/v1, /apis/<g>[/<v>], legacy and aggregated (apidiscovery v2, v2beta1).

The aggregated format is chosen from the Accept header the way kube-apiserver negotiates it: the first media
type in the client's list that the server can produce wins. v2 is produced only when `v=v2` is asked for
(kubectl 1.29 asks for v2beta1 only and cannot read v2), v2beta1 only when `v=v2beta1` is asked for.
"""

from __future__ import annotations

import hashlib
import json

from aiohttp import web

from ..catalog import Catalog, ResourceInfo

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.5",
    "gitCommit": "9894294ef13a5b32803e3ca2c0d620a088cc84d1",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T09:12:10Z",  # the v1.32.5 release build (same as kubectl v1.32.5)
    "goVersion": "go1.23.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}
DISCOVERY_GROUP = "apidiscovery.k8s.io"
DISCOVERY_KIND = "APIGroupDiscoveryList"


def _media_types(accept: str) -> list[tuple[str, dict[str, str]]]:
    """Accept header → [(type/subtype, {param: value})] in the client's order (q-values are not used)."""
    result = []
    for clause in accept.split(","):
        pieces = [p.strip() for p in clause.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        result.append((pieces[0].lower(), params))
    return result


def negotiate_discovery(accept: str) -> str | None:
    """"v2", "v2beta1" or None (legacy) for the Accept header of a GET /api or /apis."""
    for media_type, params in _media_types(accept):
        if media_type in ("application/json", "*/*", "application/*") and not params.get("g"):
            return None  # plain JSON is acceptable before any aggregated format: serve legacy
        if media_type != "application/json":
            continue  # protobuf or anything else we do not produce
        if params.get("g") == DISCOVERY_GROUP and params.get("as") == DISCOVERY_KIND and \
                params.get("v") in ("v2", "v2beta1"):
            return params["v"]
    return None


def _json(body: dict, content_type: str = "application/json", etag: str | None = None) -> web.Response:
    text = json.dumps(body, separators=(",", ":")) + "\n"
    response = web.Response(text=text, content_type=content_type.split(";")[0], charset=None)
    response.headers["Content-Type"] = content_type
    if etag:
        response.headers["ETag"] = f'"{etag}"'
    return response


def _gvk(group: str, version: str, kind: str, parent: ResourceInfo) -> dict:
    # The apiserver leaves group and version empty when they equal the resource's own group-version.
    same = (group, version) == (parent.group, parent.version)
    return {"group": "" if same else group, "version": "" if same else version, "kind": kind}


def _aggregated_resource(info: ResourceInfo) -> dict:
    entry: dict = {"resource": info.resource,
                   "responseKind": _gvk(info.group, info.version, info.kind, info),
                   "scope": "Namespaced" if info.namespaced else "Cluster",
                   "singularResource": info.singular}
    if info.short_names:
        entry["shortNames"] = list(info.short_names)
    if info.categories:
        entry["categories"] = list(info.categories)
    if info.subresource_specs:
        entry["subresources"] = [
            {"subresource": sub.name,
             "responseKind": _gvk(sub.response_group, sub.response_version, sub.response_kind, info),
             "verbs": list(sub.verbs)}
            for sub in info.subresource_specs]
    entry["verbs"] = list(info.verbs)
    return entry


def aggregated_list(catalog: Catalog, core: bool, version: str) -> dict:
    items = []
    for group, versions in catalog.groups():
        if (group == "") != core:
            continue
        metadata = {"creationTimestamp": None} if core else {"name": group, "creationTimestamp": None}
        items.append({"metadata": metadata, "versions": [
            {"version": v, "resources": [_aggregated_resource(r) for r in catalog.resources(group, v)],
             "freshness": "Current"} for v in versions]})
    return {"kind": DISCOVERY_KIND, "apiVersion": f"{DISCOVERY_GROUP}/{version}", "metadata": {},
            "items": items}


def _group_version(group: str, version: str) -> dict:
    return {"groupVersion": f"{group}/{version}" if group else version, "version": version}


def api_group(group: str, versions: list[str]) -> dict:
    return {"name": group, "versions": [_group_version(group, v) for v in versions],
            "preferredVersion": _group_version(group, versions[0])}


def resource_list(catalog: Catalog, group: str, version: str) -> dict:
    """An APIResourceList: each resource, then each of its subresources as `<resource>/<sub>`, by name."""
    entries = []
    for info in catalog.resources(group, version):
        entry: dict = {"name": info.resource, "singularName": info.singular, "namespaced": info.namespaced,
                       "kind": info.kind, "verbs": list(info.verbs)}
        if info.short_names:
            entry["shortNames"] = list(info.short_names)
        if info.categories:
            entry["categories"] = list(info.categories)
        entries.append(entry)
        for sub in info.subresource_specs:
            sub_entry: dict = {"name": f"{info.resource}/{sub.name}", "singularName": "",
                               "namespaced": info.namespaced}
            if (sub.response_group, sub.response_version) != (group, version):
                sub_entry["group"] = sub.response_group
                sub_entry["version"] = sub.response_version
            sub_entry["kind"] = sub.response_kind
            sub_entry["verbs"] = list(sub.verbs)
            entries.append(sub_entry)
    entries.sort(key=lambda e: e["name"])
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": entries}


class DiscoveryHandlers:
    def __init__(self, catalog: Catalog, version_info: dict | None = None):
        self.catalog = catalog
        self.version_info = dict(version_info or VERSION_INFO)

    def add_routes(self, app: web.Application) -> None:
        router = app.router
        router.add_get("/version", self.version)
        router.add_get("/api", self.api)
        router.add_get("/apis", self.apis)
        router.add_get("/api/{version}", self.core_version)
        router.add_get("/apis/{group}", self.group)
        router.add_get("/apis/{group}/{version}", self.group_version)
        for path in ("/healthz", "/livez", "/readyz"):
            router.add_get(path, self.ok)

    async def ok(self, request: web.Request) -> web.Response:
        return web.Response(text="ok", content_type="text/plain")

    async def version(self, request: web.Request) -> web.Response:
        return web.Response(text=json.dumps(self.version_info, indent=2), content_type="application/json")

    def _aggregated(self, request: web.Request, core: bool) -> web.Response | None:
        chosen = negotiate_discovery(request.headers.get("Accept", ""))
        if chosen is None:
            return None
        body = aggregated_list(self.catalog, core, chosen)
        etag = hashlib.sha512(json.dumps(body, sort_keys=True).encode()).hexdigest().upper()
        content_type = f"application/json;g={DISCOVERY_GROUP};v={chosen};as={DISCOVERY_KIND}"
        response = _json(body, content_type, etag)
        response.headers["Vary"] = "Accept"
        return response

    async def api(self, request: web.Request) -> web.Response:
        aggregated = self._aggregated(request, core=True)
        if aggregated is not None:
            return aggregated
        host = request.host or "127.0.0.1"
        return _json({"kind": "APIVersions", "versions": ["v1"],
                      "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]})

    async def apis(self, request: web.Request) -> web.Response:
        aggregated = self._aggregated(request, core=False)
        if aggregated is not None:
            return aggregated
        groups = [api_group(g, versions) for g, versions in self.catalog.groups() if g]
        return _json({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})

    async def core_version(self, request: web.Request) -> web.Response:
        version = request.match_info["version"]
        if not self.catalog.resources("", version):
            raise web.HTTPNotFound()
        return _json(resource_list(self.catalog, "", version))

    async def group(self, request: web.Request) -> web.Response:
        wanted = request.match_info["group"]
        for group, versions in self.catalog.groups():
            if group == wanted and group:
                return _json({"kind": "APIGroup", "apiVersion": "v1", **api_group(group, versions)})
        raise web.HTTPNotFound()

    async def group_version(self, request: web.Request) -> web.Response:
        group, version = request.match_info["group"], request.match_info["version"]
        if not group or not self.catalog.resources(group, version):
            raise web.HTTPNotFound()
        return _json(resource_list(self.catalog, group, version))
