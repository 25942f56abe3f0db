"""OpenAPI v3 documents per group-version, built lazily from the Kubernetes 1.32 schema definitions.

The definitions come from the `kubernetes-validate` data package (its v1.32.0 `_definitions.json`: the
apiserver's published schemas re-expressed as JSON Schema, keeping every `x-kubernetes-*` extension). They
are turned back into OpenAPI v3 components (`#/components/schemas/...`, no `null` types, `allOf` around a
described `$ref`), and each group-version gets the paths and operations kubectl reads: the PATCH operation's
`x-kubernetes-group-version-kind` with a `fieldValidation` query parameter (the query-param verifier that
decides `--validate=strict`), and the schemas `kubectl explain` walks. CRD versions get their
`openAPIV3Schema` as a component.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import cached_property

from . import Catalog, ResourceInfo

SCHEMA_VERSION = "v1.32.0"
REF_PREFIX = "#/components/schemas/"
META = "io.k8s.apimachinery.pkg.apis.meta.v1."
API_VERSION_DOC = ("APIVersion defines the versioned schema of this representation of an object. Servers should "
                   "convert recognized schemas to the latest internal value, and may reject unrecognized values. "
                   "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
                   "api-conventions.md#resources")
KIND_DOC = ("Kind is a string value representing the REST resource this object represents. Servers may infer "
            "this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: "
            "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds")
METADATA_DOC = ("Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/"
                "sig-architecture/api-conventions.md#metadata")
PATCH_TYPES = ("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
               "application/strategic-merge-patch+json")
# Custom resources take no strategic merge patch, and their published PATCH operations say so (kubectl's
# apply reads this to choose a JSON merge patch for them).
CUSTOM_PATCH_TYPES = PATCH_TYPES[:3]


def _definitions_path() -> str:
    spec = importlib.util.find_spec("kubernetes_validate")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the test server's OpenAPI schemas need the kubernetes-validate package "
                           "(pip install 'pykubectl[testing]')")
    root = list(spec.submodule_search_locations)[0]
    return os.path.join(root, "kubernetes-json-schema", f"{SCHEMA_VERSION}-local", "_definitions.json")


def _schema(node, property_name: str = ""):
    """One JSON-Schema node from kubernetes-validate → the OpenAPI v3 form the apiserver publishes."""
    if not isinstance(node, dict):
        return node
    if "oneOf" in node and all(isinstance(o, dict) and set(o) == {"type"} for o in node["oneOf"]):
        # IntOrString and Quantity: the v3 document gives their alternatives as oneOf, without a type.
        types = [t for o in node["oneOf"] for t in (o["type"] if isinstance(o["type"], list) else [o["type"]])
                 if t != "null"]
        merged = {k: v for k, v in node.items() if k != "oneOf"}
        if "integer" in types:
            merged["format"] = "int-or-string"
            types = ["integer", "string"]
        merged["oneOf"] = [{"type": t} for t in types]
        return merged
    out: dict = {}
    for key, value in node.items():
        if key == "$ref":
            continue
        if key == "type" and isinstance(value, list):
            value = next((t for t in value if t != "null"), "string")
        elif key == "enum" and property_name in ("apiVersion", "kind"):
            continue  # added by the JSON-Schema conversion, not part of the apiserver's document
        elif key == "properties" and isinstance(value, dict):
            value = {name: _schema(prop, name) for name, prop in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            value = _schema(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            value = [_schema(v) for v in value]
        out[key] = value
    if "$ref" in node:
        ref = REF_PREFIX + node["$ref"].rsplit("/", 1)[-1]
        if not out:
            return {"$ref": ref}
        return {"allOf": [{"$ref": ref}], **out}
    return out


def _refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref[len(REF_PREFIX):])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _param(name: str, description: str, location: str = "query", required: bool = False) -> dict:
    param = {"name": name, "in": location, "description": description}
    if required:
        param["required"] = True
    param["schema"] = {"type": "string", "uniqueItems": True}
    return param


DRY_RUN = _param("dryRun", "When present, indicates that modifications should not be persisted. An invalid or "
                 "unrecognized dryRun directive will result in an error response and no further processing of "
                 "the request. Valid values are: - All: all dry run stages will be processed")
FIELD_MANAGER = _param("fieldManager", "fieldManager is a name associated with the actor or entity that is "
                       "making these changes. The value must be less than or 128 characters long, and only "
                       "contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.")
FIELD_VALIDATION = _param("fieldValidation", "fieldValidation instructs the server on how to handle objects in "
                          "the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: "
                          "- Ignore: This will ignore any unknown fields that are silently dropped from the "
                          "object, and will ignore all but the last duplicate field that the decoder encounters. "
                          "- Warn: This will send a warning via the standard warning response header for each "
                          "unknown field that is dropped from the object, and for each duplicate field that is "
                          "encountered. - Strict: This will fail the request with a BadRequest error if any "
                          "unknown fields would be dropped from the object, or if any duplicate fields are "
                          "present. The error returned from the server will contain all unknown and duplicate "
                          "fields encountered.")
FORCE = {"name": "force", "in": "query", "description": "Force is going to \"force\" Apply requests. It means user "
         "will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch "
         "requests.", "schema": {"type": "boolean", "uniqueItems": True}}
PRETTY = _param("pretty", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent "
                "indicates a browser or command-line HTTP tool (curl and wget).")


class OpenAPIBuilder:
    """Builds and caches /openapi/v3 documents for a Catalog. Nothing is read until the first request."""

    def __init__(self, catalog: Catalog, server_version: str = "v1.32.5"):
        self.catalog = catalog
        self.server_version = server_version
        self._cache: dict[tuple[str, str], tuple[str, bytes]] = {}  # (gv path, fingerprint) → (hash, body)

    @cached_property
    def definitions(self) -> dict[str, dict]:
        with open(_definitions_path(), encoding="utf-8") as handle:
            raw = json.load(handle)["$defs"]
        return {name: _schema(schema) for name, schema in raw.items()}

    @cached_property
    def _by_gvk(self) -> dict[tuple[str, str, str], str]:
        index: dict[tuple[str, str, str], str] = {}
        for name, schema in self.definitions.items():
            for gvk in schema.get("x-kubernetes-group-version-kind", ()):
                index.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
        return index

    # -- the index --------------------------------------------------------------------------------------
    @staticmethod
    def gv_path(group: str, version: str) -> str:
        return f"apis/{group}/{version}" if group else f"api/{version}"

    def _fingerprint(self, group: str, version: str) -> str:
        custom = [crd for crd in self.catalog.crds() if crd.get("spec", {}).get("group") == group]
        payload = json.dumps([self.server_version, group, version, [c.get("spec") for c in custom]],
                             sort_keys=True, default=str)
        return hashlib.sha512(payload.encode()).hexdigest().upper()

    def index(self) -> dict:
        paths = {}
        for group, versions in self.catalog.groups():
            for version in versions:
                gv = self.gv_path(group, version)
                paths[gv] = {"serverRelativeURL": f"/openapi/v3/{gv}?hash={self._fingerprint(group, version)}"}
        return {"paths": paths}

    def document(self, gv_path: str) -> tuple[str, bytes] | None:
        """(hash, JSON body) for "api/v1" or "apis/<group>/<version>", or None when it is not served."""
        parts = gv_path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2:
            group, version = "", parts[1]
        elif parts[0] == "apis" and len(parts) == 3:
            group, version = parts[1], parts[2]
        else:
            return None
        resources = self.catalog.resources(group, version)
        if not resources:
            return None
        fingerprint = self._fingerprint(group, version)
        cached = self._cache.get((gv_path, fingerprint))
        if cached is None:
            body = json.dumps(self._build(group, version, resources), separators=(",", ":")).encode()
            cached = (fingerprint, body)
            self._cache = {k: v for k, v in self._cache.items() if k[0] != gv_path}
            self._cache[(gv_path, fingerprint)] = cached
        return cached

    # -- one document -----------------------------------------------------------------------------------
    def _build(self, group: str, version: str, resources: list[ResourceInfo]) -> dict:
        schemas: dict[str, dict] = {}
        paths: dict[str, dict] = {}
        wanted = {META + "DeleteOptions", META + "Status", META + "Patch", META + "WatchEvent",
                  META + "APIResourceList"}
        for info in resources:
            kind_schema = self._kind_schema(info, schemas)
            list_schema = self._by_gvk.get((info.group, info.version, info.kind + "List"))
            if kind_schema:
                wanted.add(kind_schema)
            if list_schema:
                wanted.add(list_schema)
            for sub in info.subresource_specs:
                name = self._by_gvk.get((sub.response_group, sub.response_version, sub.response_kind))
                if name:
                    wanted.add(name)
            self._add_paths(paths, info, kind_schema, list_schema)
        pending = [n for n in wanted if n not in schemas]
        while pending:
            name = pending.pop()
            if name in schemas or name not in self.definitions:
                continue
            schemas[name] = self.definitions[name]
            found: set[str] = set()
            _refs(schemas[name], found)
            pending.extend(n for n in found if n not in schemas)
        return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": self.server_version},
                "paths": dict(sorted(paths.items())),
                "components": {"schemas": dict(sorted(schemas.items()))}}

    def _kind_schema(self, info: ResourceInfo, schemas: dict[str, dict]) -> str | None:
        crd = self.catalog.crd_for(info)
        if crd is None:
            return self._by_gvk.get((info.group, info.version, info.kind))
        reversed_group = ".".join(reversed(info.group.split(".")))
        name = f"{reversed_group}.{info.version}.{info.kind}"
        version = next((v for v in crd.get("spec", {}).get("versions", []) if v.get("name") == info.version), {})
        body = _schema(json.loads(json.dumps((version.get("schema") or {}).get("openAPIV3Schema") or {})))
        body.setdefault("type", "object")
        properties = dict(body.get("properties") or {})
        properties["apiVersion"] = {"description": API_VERSION_DOC, "type": "string"}
        properties["kind"] = {"description": KIND_DOC, "type": "string"}
        properties["metadata"] = {"allOf": [{"$ref": REF_PREFIX + META + "ObjectMeta"}],
                                  "description": METADATA_DOC}
        body["properties"] = dict(sorted(properties.items()))
        body["x-kubernetes-group-version-kind"] = [
            {"group": info.group, "kind": info.kind, "version": info.version}]
        schemas[name] = body
        list_name = f"{name}List"
        schemas[list_name] = {
            "description": f"{info.kind}List is a list of {info.kind}",
            "required": ["items"],
            "type": "object",
            "properties": {
                "apiVersion": {"description": API_VERSION_DOC, "type": "string"},
                "items": {"description": f"List of {info.resource}. More info: https://git.k8s.io/community/"
                          "contributors/devel/api-conventions.md", "type": "array",
                          "items": {"$ref": REF_PREFIX + name}},
                "kind": {"description": KIND_DOC, "type": "string"},
                "metadata": {"allOf": [{"$ref": REF_PREFIX + META + "ListMeta"}],
                             "description": "Standard list metadata. More info: https://git.k8s.io/community/"
                             "contributors/devel/sig-architecture/api-conventions.md#types-kinds"},
            },
            "x-kubernetes-group-version-kind": [
                {"group": info.group, "kind": f"{info.kind}List", "version": info.version}],
        }
        for meta_name in ("ObjectMeta", "ListMeta"):
            schemas.setdefault(META + meta_name, self.definitions[META + meta_name])
        return name

    def _add_paths(self, paths: dict, info: ResourceInfo, kind_schema: str | None, list_schema: str | None) -> None:
        prefix = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
        scope = f"{prefix}/namespaces/{{namespace}}" if info.namespaced else prefix
        collection, item = f"{scope}/{info.resource}", f"{scope}/{info.resource}/{{name}}"
        gvk = {"group": info.group, "version": info.version, "kind": info.kind}
        tag = f"{(info.group.split('.')[0] if info.group else 'core')}_{info.version}"
        shared = [PRETTY]
        if info.namespaced:
            shared.append(_param("namespace", "object name and auth scope, such as for teams and projects",
                                 "path", required=True))
        verbs = set(info.verbs)
        patch_types = CUSTOM_PATCH_TYPES if info.crd_name else PATCH_TYPES

        def op(action: str, description: str, schema: str | None, extra: list | None = None,
               body: str | tuple | None = None, target_gvk: dict = gvk) -> dict:
            operation: dict = {"tags": [tag], "description": description,
                               "operationId": f"{action}{info.kind}{info.version}"}
            if extra:
                operation["parameters"] = extra
            if body is not None:
                types = body if isinstance(body, tuple) else ("*/*",)
                ref = REF_PREFIX + (META + "Patch" if isinstance(body, tuple) else body)
                operation["requestBody"] = {"content": {t: {"schema": {"$ref": ref}} for t in types},
                                            "required": True}
            content = {"application/json": {"schema": {"$ref": REF_PREFIX + schema}}} if schema else {}
            operation["responses"] = {"200": {"description": "OK", "content": content},
                                      "401": {"description": "Unauthorized"}}
            operation["x-kubernetes-action"] = action
            operation["x-kubernetes-group-version-kind"] = target_gvk
            return operation

        writes = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION]
        coll: dict = {}
        if "list" in verbs:
            coll["get"] = op("list", f"list or watch objects of kind {info.kind}", list_schema)
        if "create" in verbs:
            coll["post"] = op("post", f"create a {info.kind}", kind_schema, writes, kind_schema or META + "Status")
        if "deletecollection" in verbs:
            coll["delete"] = op("deletecollection", f"delete collection of {info.kind}", META + "Status",
                                [DRY_RUN])
        if coll:
            coll["parameters"] = shared
            paths[collection] = coll
        one: dict = {}
        if "get" in verbs:
            one["get"] = op("get", f"read the specified {info.kind}", kind_schema)
        if "update" in verbs:
            one["put"] = op("put", f"replace the specified {info.kind}", kind_schema, writes, kind_schema)
        if "patch" in verbs:
            one["patch"] = op("patch", f"partially update the specified {info.kind}", kind_schema,
                              [*writes, FORCE], patch_types)
        if "delete" in verbs:
            one["delete"] = op("delete", f"delete a {info.kind}", META + "Status", [DRY_RUN])
        name_param = _param("name", f"name of the {info.kind}", "path", required=True)
        if one:
            one["parameters"] = [name_param, *shared]
            paths[item] = one
        for sub in info.subresource_specs:
            sub_gvk = {"group": sub.response_group, "version": sub.response_version, "kind": sub.response_kind}
            sub_schema = self._by_gvk.get((sub.response_group, sub.response_version, sub.response_kind))
            if sub_schema is None and sub.response_kind == info.kind:
                sub_schema = kind_schema
            entry: dict = {}
            connect = sub.response_kind.endswith("Options") or sub.name in ("log",)
            for verb in sub.verbs:
                action = "connect" if connect else {"get": "get", "update": "put", "patch": "patch",
                                                    "create": "post", "delete": "delete"}[verb]
                method = {"get": "get", "update": "put", "patch": "patch", "create": "post",
                          "delete": "delete"}[verb]
                extra = {"put": writes, "post": writes, "patch": [*writes, FORCE]}.get(method)
                body = patch_types if method == "patch" else (sub_schema if method in ("put", "post") else None)
                entry[method] = op(action, f"{verb} {sub.name} of the specified {info.kind}", sub_schema,
                                   None if connect else extra, None if connect else body, sub_gvk)
            entry["parameters"] = [name_param, *shared]
            paths[f"{item}/{sub.name}"] = entry
