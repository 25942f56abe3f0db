"""`kubectl kustomize DIR` / `-k DIR` without a kustomize binary: a built-in subset of kustomize v5.

API:

* `read_kustomization(directory, warn=None, load_restrictor=...) -> Iterator[Manifest | KubectlError]`: the
  objects `kustomize build DIR` prints, in kustomize's output order, each with DIR as its source. With a
  `kustomize` binary on PATH it runs `kustomize build DIR` instead. `warn(text)` receives deprecation notices.
* `build(directory, warn=None) -> list[dict]`: the built-in builder itself.
* `individual_files(objects) -> [(file name, object)]`: `kubectl kustomize -o DIR`'s one file per object.

Built in, following kustomize's KustTarget: resources and nested kustomizations, components,
configMapGenerator/secretGenerator (generatorOptions, behavior create|merge|replace, api/hasher's content-hash
suffix), then the transformers in kustomize's order: patchesStrategicMerge, patches (strategic merge or JSON
6902, inline or path, target selectors), namespace, namePrefix/nameSuffix, commonLabels/labels,
commonAnnotations, patchesJson6902, replicas, images/imageTags, replacements; at the end the hash suffixes,
the name references of kustomize's nameReference table, vars, buildMetadata (managedByLabel,
originAnnotations) and sortOptions (legacy, fifo). Other fields (helmCharts, generator/transformer plugins, openapi,
configurations, crds, buildMetadata transformerAnnotations, remote resources) stop with an error naming the
field.
"""

from __future__ import annotations

import base64
import contextvars
import copy
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pykubectl.errors import KubectlError
from pykubectl.resources.manifests import (
    KUSTOMIZATION_FILES,
    Manifest,
    ManifestError,
    _load_yaml,
    _YamlError,
    parse_documents,
)

_GET_KUSTOMIZE = ("install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) and put it on "
                  "PATH, or run `kustomize build DIR | pykubectl ... -f -`")

_ORDER_FIRST = ("Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
                "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
                "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
                "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget")
_ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
_NOT_NAMESPACEABLE = {"APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "Cluster", "ClusterRole",
                      "ClusterRoleBinding", "ComponentStatus", "CustomResourceDefinition",
                      "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume", "PodSecurityPolicy",
                      "PriorityClass", "RuntimeClass", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
                      "StorageClass", "SubjectAccessReview", "TokenReview", "ValidatingWebhookConfiguration",
                      "VolumeAttachment"}
_NO_RENAME = {"CustomResourceDefinition", "APIService", "Namespace"}
_UNSUPPORTED = ("helmCharts", "helmGlobals", "generators", "transformers", "validators",
                "openapi", "configurations", "crds")
_DEPRECATED = (("bases", "resources"), ("commonLabels", "labels"), ("imageTags", "images"),
               ("patchesJson6902", "patches"), ("patchesStrategicMerge", "patches"), ("vars", "replacements"))


@dataclass
class _Res:
    """One accumulated object and kustomize's bookkeeping for it."""

    obj: dict
    names: list[str] = field(default_factory=list)  # every name it had, oldest first
    kinds: list[str] = field(default_factory=list)  # earlier kinds (a patch with allowKindChange)
    hash_suffix: bool = False
    origin: tuple[str, str] = ("", "")  # ("path", file) or a generator's (kind, kustomization file)

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind") or "")

    @property
    def meta(self) -> dict:
        metadata = self.obj.get("metadata")
        if not isinstance(metadata, dict):
            metadata = self.obj["metadata"] = {}
        return metadata

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or "")

    def rename(self, new: str) -> None:
        if self.name not in self.names:
            self.names.append(self.name)
        self.meta["name"] = new


_VARS: contextvars.ContextVar[list] = contextvars.ContextVar("kustomize_vars")
LOAD_RESTRICTORS = ("LoadRestrictionsRootOnly", "LoadRestrictionsNone")
_ROOT_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("kustomize_root_only", default=True)


def read_kustomization(directory: str, warn=None,
                       load_restrictor: str = "LoadRestrictionsRootOnly") -> Iterator[Manifest | KubectlError]:
    """`load_restrictor` "LoadRestrictionsNone" lets kustomizations read files outside their root (the built-in
    builder only; the kustomize binary gets the flag too)."""
    import shutil

    binary = shutil.which("kustomize")
    if binary is not None:
        yield from _run_kustomize(binary, directory, load_restrictor)
        return
    token = _ROOT_ONLY.set(load_restrictor != "LoadRestrictionsNone")
    try:
        objects = build(directory, warn)
    except KubectlError as exc:
        yield ManifestError(str(exc))
        return
    finally:
        _ROOT_ONLY.reset(token)
    for obj in objects:
        yield Manifest(obj, directory)


def build(directory: str, warn=None) -> list[dict]:
    """`kustomize build DIR`: the finished objects in output order."""
    token = _VARS.set([])
    try:
        resources = _accumulate(directory, warn, component=False)
        variables = _VARS.get()
    finally:
        _VARS.reset(token)
    for res in resources:
        if res.hash_suffix:
            res.rename(f"{res.name}-{_hash(res.obj)}")
    _fix_references(resources)
    if variables:
        _resolve_vars(resources, variables, warn)
    top, _ = _load_kustomization(directory)  # sortOptions and buildMetadata count at the top only
    metadata = top.get("buildMetadata") or []
    for res in resources:
        if "originAnnotations" in metadata:
            res.meta["annotations"] = {**(res.meta.get("annotations") or {}),
                                       "config.kubernetes.io/origin": _origin_text(res.origin, directory)}
        if "managedByLabel" in metadata:
            res.meta["labels"] = {**(res.meta.get("labels") or {}),
                                  "app.kubernetes.io/managed-by": "kustomize-(devel)"}
    options = top.get("sortOptions") or {}
    if options.get("order") == "fifo":
        return [r.obj for r in resources]
    legacy = options.get("legacySortOptions") or {}
    first = tuple(legacy.get("orderFirst") or ()) if legacy else _ORDER_FIRST
    last = tuple(legacy.get("orderLast") or ()) if legacy else _ORDER_LAST
    return sorted((r.obj for r in resources), key=functools.cmp_to_key(functools.partial(_legacy_less, first, last)))


def _origin_text(origin: tuple[str, str], directory: str) -> str:
    """The config.kubernetes.io/origin annotation: kustomize's Origin as YAML, paths from the build root."""
    what, where = origin
    relative = os.path.relpath(where, os.path.abspath(directory)) if where else ""
    if what == "path":
        return f"path: {relative}\n"
    return f"configuredIn: {relative}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {what}\n"


def _run_kustomize(binary: str, directory: str,
                   load_restrictor: str = "LoadRestrictionsRootOnly") -> Iterator[Manifest | KubectlError]:
    import subprocess

    extra = ["--load-restrictor", load_restrictor] if load_restrictor != "LoadRestrictionsRootOnly" else []
    proc = subprocess.run([binary, "build", directory, *extra], capture_output=True, text=True)
    if proc.returncode != 0:
        yield ManifestError(proc.stderr.strip().removeprefix("Error: ") or f"kustomize build {directory} failed")
        return
    for parsed in parse_documents(proc.stdout, directory):
        yield parsed if isinstance(parsed, KubectlError) else Manifest(parsed, directory)


# -- output order (kustomize's legacy sort) -------------------------------------------------------------


def _gvk_string(obj: dict) -> str:
    group, _, version = str(obj.get("apiVersion") or "").rpartition("/")
    return "_".join([group or "~G", version or "~V", str(obj.get("kind") or "") or "~K"])


def _type_order(kind: str, first: tuple, last: tuple) -> int:
    if kind in first:
        return -len(first) + first.index(kind)
    if kind in last:
        return 1 + last.index(kind)
    return 0


def _legacy_less(first: tuple, last: tuple, a: dict, b: dict) -> int:
    ta = _type_order(str(a.get("kind") or ""), first, last)
    tb = _type_order(str(b.get("kind") or ""), first, last)
    if ta != tb:
        return -1 if ta < tb else 1
    ga, gb = _gvk_string(a), _gvk_string(b)
    if ga != gb:
        return -1 if ga < gb else 1
    ia, ib = _id_string(a), _id_string(b)
    return (ia > ib) - (ia < ib)


def _id_string(obj: dict) -> str:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return f"{metadata.get('namespace') or '~X'}|{metadata.get('name') or '~N'}"


# -- accumulation -----------------------------------------------------------------------------------------


def _load_kustomization(directory: str) -> tuple[dict, str]:
    if not os.path.isdir(directory):
        if os.path.exists(directory):
            raise KubectlError(f"must build at directory: '{directory}': file is not directory")
        raise KubectlError(f"must build at directory: not a valid directory: evalsymlink failure on '{directory}' "
                           f": lstat {os.path.abspath(directory)}: no such file or directory")
    found = next((os.path.join(directory, n) for n in KUSTOMIZATION_FILES
                  if os.path.isfile(os.path.join(directory, n))), None)
    if found is None:
        raise KubectlError("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in "
                           f"directory '{os.path.abspath(directory)}'")
    with open(found, encoding="utf-8") as handle:
        text = handle.read()
    try:
        kustomization = _load_yaml(text) or {}
        kustomization = _load_yaml_v2(text) or {}
    except _YamlError as exc:
        raise _TargetError(f"invalid Kustomization: yaml: {exc}") from None
    if not isinstance(kustomization, dict):
        raise KubectlError(f"invalid kustomization in {found}")
    problem = _type_problem(kustomization)
    if problem:
        raise _TargetError(f"invalid Kustomization: json: {problem}")
    return kustomization, found


def _load_yaml_v2(text: str):
    """The kustomization as sigs.k8s.io/yaml reads it (go-yaml v2, YAML 1.1): y/Y/n/N are booleans too."""
    import yaml

    from pykubectl.resources.manifests import _stringify_keys

    global _V2_LOADER
    if _V2_LOADER is None:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        truthy = {"y", "yes", "true", "on"}

        class Loader(base):  # type: ignore[misc, valid-type]
            pass

        Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
        Loader.add_constructor("tag:yaml.org,2002:bool",
                               lambda loader, node: loader.construct_scalar(node).lower() in truthy)
        _V2_LOADER = Loader
    return _stringify_keys(yaml.load(text, Loader=_V2_LOADER))


_V2_LOADER = None


class _TargetError(KubectlError):
    """A kustomization that cannot be read (kustomize: "couldn't make target")."""


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", dict: "object", list: "array"}.get(type(value), "string")


# The fields whose Go types the Kustomization struct pins down, as encoding/json names them in its errors.
_STRING_MAPS = {"commonLabels": "Kustomization.commonLabels", "commonAnnotations": "Kustomization.commonAnnotations"}
_STRINGS = ("namePrefix", "nameSuffix", "namespace")
_ITEM_FIELDS = {"images": ("Image", {"name": "string", "newName": "string", "newTag": "string", "digest": "string"}),
                "replicas": ("Replica", {"name": "string", "count": "int64"})}


def _type_problem(kustomization: dict) -> str:
    """encoding/json's first UnmarshalTypeError for the fields we check, keys visited in sorted order."""
    def wrong(value, go_type: str) -> bool:
        if value is None:
            return False
        if go_type == "int64":
            return isinstance(value, bool) or not isinstance(value, int)
        return not isinstance(value, str)

    for key in sorted(kustomization):
        value = kustomization[key]
        if key in _STRING_MAPS and isinstance(value, dict):
            for sub in sorted(value, key=str):
                if wrong(value[sub], "string"):
                    return (f"cannot unmarshal {_json_type(value[sub])} into Go struct field {_STRING_MAPS[key]} "
                            "of type string")
        elif key in _STRINGS and wrong(value, "string"):
            return f"cannot unmarshal {_json_type(value)} into Go struct field Kustomization.{key} of type string"
        elif key == "labels" and isinstance(value, list):
            for group in value:
                pairs = group.get("pairs") if isinstance(group, dict) else None
                for sub in sorted(pairs or {}, key=str):
                    if wrong(pairs[sub], "string"):
                        return (f"cannot unmarshal {_json_type(pairs[sub])} into Go struct field Label.labels.pairs "
                                "of type string")
        elif key in _ITEM_FIELDS and isinstance(value, list):
            struct, fields = _ITEM_FIELDS[key]
            for item in value:
                for sub in sorted(item if isinstance(item, dict) else {}):
                    if sub in fields and wrong(item[sub], fields[sub]):
                        return (f"cannot unmarshal {_json_type(item[sub])} into Go struct field "
                                f"{struct}.{key}.{sub} of type {fields[sub]}")
    return ""


def _accumulate(directory: str, warn, component: bool, into: list[_Res] | None = None) -> list[_Res]:
    kustomization, found = _load_kustomization(directory)
    for old_key, new_key in _DEPRECATED:
        if kustomization.get(old_key) is not None and warn is not None:
            experimental = " [EXPERIMENTAL]" if old_key == "vars" else ""
            warn(f"# Warning: '{old_key}' is deprecated. Please use '{new_key}' instead.{experimental} Run 'kustomize "
                 "edit fix' to update your Kustomization automatically.")
    for key in _UNSUPPORTED:
        if kustomization.get(key):
            raise KubectlError(f"kustomization field {key!r} needs the kustomize binary ({found}): {_GET_KUSTOMIZE}")
    if "transformerAnnotations" in (kustomization.get("buildMetadata") or []):
        raise KubectlError(f"kustomization field 'buildMetadata: [transformerAnnotations]' needs the kustomize binary "
                           f"({found}): {_GET_KUSTOMIZE}")
    resources: list[_Res] = into if into is not None else []
    for entry in [*(kustomization.get("bases") or []), *(kustomization.get("resources") or [])]:
        _accumulate_entry(directory, str(entry), warn, resources)
    _generate(directory, found, kustomization, resources, "ConfigMap", kustomization.get("configMapGenerator") or [])
    _generate(directory, found, kustomization, resources, "Secret", kustomization.get("secretGenerator") or [])
    for entry in kustomization.get("components") or []:
        path = _local_path(directory, str(entry))
        if not os.path.isdir(path):
            raise KubectlError(f"accumulating components: '{entry}' is not a directory")
        _accumulate(path, warn, component=True, into=resources)
    _transform(directory, kustomization, resources)
    sink = _VARS.get()
    for var in kustomization.get("vars") or []:
        if isinstance(var, dict):
            if any(seen.get("name") == var.get("name") for seen in sink):
                raise KubectlError(f"var '{var.get('name')}' already encountered")
            sink.append(var)
    return resources


def _local_path(directory: str, entry: str) -> str:
    if "://" in entry or entry.startswith(("github.com/", "git@")):
        raise KubectlError(f"remote kustomize resources need the kustomize binary ({entry}): {_GET_KUSTOMIZE}")
    return os.path.join(directory, entry)


def _accumulate_entry(directory: str, entry: str, warn, resources: list[_Res]) -> None:
    path = _local_path(directory, entry)
    if os.path.isdir(path):
        absolute = os.path.abspath(path)
        try:
            resources.extend(_accumulate(path, warn, component=False))
        except _TargetError as exc:
            raise KubectlError(f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                               f"'{absolute}' must resolve to a file': couldn't make target for path "
                               f"'{absolute}': {exc}") from None
        except KubectlError as exc:
            raise KubectlError(f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                               f"'{absolute}' must resolve to a file': recursed accumulation of path "
                               f"'{absolute}': {exc}") from None
        return
    if not os.path.exists(path):
        missing = (f"evalsymlink failure on '{os.path.abspath(path)}' : lstat {os.path.abspath(path)}: "
                   "no such file or directory")
        raise KubectlError(f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                           f"{missing}': must build at directory: not a valid directory: {missing}")
    _check_root(directory, path, entry)
    with open(path, encoding="utf-8") as handle:
        for parsed in parse_documents(handle.read(), path):
            if isinstance(parsed, KubectlError):
                raise parsed
            objects = parsed["items"] if str(parsed.get("kind") or "").endswith("List") and \
                isinstance(parsed.get("items"), list) else [parsed]
            for obj in objects:
                resources.append(_Res(obj, origin=("path", os.path.abspath(path))))


def _check_root(directory: str, path: str, entry: str) -> None:
    root, real = os.path.realpath(directory), os.path.realpath(path)
    if _ROOT_ONLY.get() and os.path.commonpath([root, real]) != root:  # kustomize's default LoadRestrictionsRootOnly
        raise KubectlError(f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                           f"security; file '{real}' is not in or below '{root}'': must build at directory: "
                           f"'{real}': file is not directory")


def _read_file(directory: str, entry: str) -> bytes:
    path = os.path.join(directory, entry)
    root, real = os.path.realpath(directory), os.path.realpath(path)
    if _ROOT_ONLY.get() and os.path.commonpath([root, real]) != root:
        raise KubectlError(f"security; file '{real}' is not in or below '{root}'")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        missing = absolute = os.path.abspath(path)
        while os.path.dirname(missing) != missing and not os.path.exists(os.path.dirname(missing)):
            missing = os.path.dirname(missing)  # filepath.EvalSymlinks stops at the first missing component
        raise KubectlError(f"evalsymlink failure on '{absolute}' : lstat {missing}: no such file or directory") from None


# -- generators (api/kv, api/internal/generators) ---------------------------------------------------------


def _strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _go_list(items) -> str:
    return "[" + " ".join(str(i) for i in items) + "]"


def _pairs(directory: str, spec: dict) -> list[tuple[str, str | bytes]]:
    """api/kv: env files, then literals, then files; errors worded as kustomize's "loading KV pairs"."""
    pairs: list[tuple[str, str | bytes]] = []
    envs = list(spec.get("envs") or [])
    if spec.get("env"):
        envs.append(spec["env"])
    try:
        for env_file in envs:
            pairs.extend(_env_pairs(_read_file(directory, str(env_file)).decode("utf-8", errors="replace")))
    except KubectlError as exc:
        raise KubectlError(f"loading KV pairs: env source files: {_go_list(envs)}: {exc}") from None
    literals = list(spec.get("literals") or [])
    for literal in literals:
        key, sep, value = str(literal).partition("=")
        if not sep:
            raise KubectlError(f"loading KV pairs: literal sources {_go_list(literals)}: invalid literal source "
                               f"{literal}, expected key=value")
        pairs.append((key, _strip_quotes(value)))
    files = list(spec.get("files") or [])
    try:
        for source in files:
            key, sep, path = str(source).partition("=")
            if not sep:
                key, path = os.path.basename(str(source)), str(source)
            elif not key:
                raise KubectlError(f"key name for file path {path} missing")
            content = _read_file(directory, path)
            try:
                pairs.append((key, content.decode("utf-8")))
            except UnicodeDecodeError:
                pairs.append((key, content))
    except KubectlError as exc:
        raise KubectlError(f"loading KV pairs: file sources: {_go_list(files)}: {exc}") from None
    return pairs


def _env_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix("\ufeff")
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:  # a bare name takes its value from the environment ("" when unset)
            value = os.environ.get(key, "")
        pairs.append((key, value))
    return pairs


def _generate(directory: str, found: str, kustomization: dict, resources: list[_Res], kind: str, specs: list) -> None:
    options = kustomization.get("generatorOptions") or {}
    for spec in specs:
        if not isinstance(spec, dict):
            continue
        own = spec.get("options") or {}
        name = str(spec.get("name") or "")
        namespace = spec.get("namespace")
        metadata: dict = {"name": name}
        if namespace:
            metadata["namespace"] = namespace
        labels = {**(options.get("labels") or {}), **(own.get("labels") or {})}
        annotations = {**(options.get("annotations") or {}), **(own.get("annotations") or {})}
        if labels:
            metadata["labels"] = labels
        if annotations:
            metadata["annotations"] = annotations
        obj: dict = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
        data: dict = {}
        binary: dict = {}
        for key, value in _pairs(directory, spec):
            if key in data or key in binary:
                raise KubectlError(f"configmap {name} illegally repeats the key `{key}`")
            if kind == "Secret":
                raw = value if isinstance(value, bytes) else value.encode("utf-8")
                data[key] = base64.b64encode(raw).decode("ascii")
            elif isinstance(value, bytes):
                binary[key] = base64.b64encode(value).decode("ascii")
            else:
                data[key] = value
        if data:
            obj["data"] = data
        if binary:
            obj["binaryData"] = binary
        if kind == "Secret":
            obj["type"] = str(spec.get("type") or "Opaque")
        immutable = own.get("immutable", options.get("immutable"))
        if immutable:
            obj["immutable"] = True
        disable = own.get("disableNameSuffixHash", options.get("disableNameSuffixHash"))
        generated = _Res(obj, hash_suffix=not disable, origin=(f"{kind}Generator", os.path.abspath(found)))
        behavior = str(spec.get("behavior") or "create")
        if behavior == "create":
            if _find(resources, kind, name, namespace) is not None:
                raise KubectlError(f"merging from generator {generated.obj}: id {kind}/{name} exists; "
                                   "behavior must be merge or replace")
            resources.append(generated)
            continue
        if behavior not in ("merge", "replace"):
            raise KubectlError(f"unknown generator behavior {behavior!r}")
        existing = _find(resources, kind, name, namespace, any_namespace=True)  # kustomize: GvknEquals
        if existing is None:
            raise KubectlError(f"merging from generator: id {_go_res_id(kind, name, namespace)} does not exist; "
                               "cannot merge or replace")
        meta = existing.meta
        for key in ("labels", "annotations"):
            if metadata.get(key):
                meta[key] = {**(meta.get(key) or {}), **metadata[key]}
        for key in ("data", "binaryData"):
            if behavior == "replace":
                existing.obj.pop(key, None)
            if obj.get(key):
                existing.obj[key] = {**(existing.obj.get(key) or {}), **obj[key]}
        existing.hash_suffix = existing.hash_suffix and not disable


def _go_res_id(kind: str, name: str, namespace) -> str:
    return (f'resid.ResId{{Gvk:resid.Gvk{{Group:"", Version:"v1", Kind:"{kind}", isClusterScoped:false}}, '
            f'Name:"{name}", Namespace:"{namespace or ""}"}}')


def _find(resources: list[_Res], kind: str, name: str, namespace, any_namespace: bool = False) -> _Res | None:
    for res in resources:
        if res.kind == kind and (res.name == name or name in res.names) and \
                (any_namespace or (res.meta.get("namespace") or None) == (namespace or None)):
            return res
    return None


def _go_json(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _hash(obj: dict) -> str:
    """api/hasher: sha256 of the JSON of the fields that matter, first ten hex digits made vowel-free.

    The hasher looks the name up as one field called "metadata/name", which never exists: it hashes ""."""
    name = ""
    if obj.get("kind") == "Secret":
        encoded = {"kind": "Secret", "type": obj.get("type", ""), "name": name, "data": obj.get("data", "")}
        if isinstance(obj.get("stringData"), dict):
            encoded["stringData"] = obj["stringData"]
    else:
        encoded = {"kind": "ConfigMap", "name": name, "data": obj.get("data", "")}
        if isinstance(obj.get("binaryData"), dict):
            encoded["binaryData"] = obj["binaryData"]
    digest = hashlib.sha256(_go_json(encoded).encode("utf-8")).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


# -- transformers -----------------------------------------------------------------------------------------


def _transform(directory: str, kustomization: dict, resources: list[_Res]) -> None:
    for entry in kustomization.get("patchesStrategicMerge") or []:
        text = str(entry)
        if "\n" not in text and os.path.isfile(os.path.join(directory, text)):
            text = _read_file(directory, text).decode("utf-8")
        for patch in _documents(text, "patchesStrategicMerge"):
            _patch_strategic(resources, patch, None)
    for entry in kustomization.get("patches") or []:
        _patch(directory, entry, resources, legacy=False)
    namespace = kustomization.get("namespace")
    prefix, suffix = str(kustomization.get("namePrefix") or ""), str(kustomization.get("nameSuffix") or "")
    for res in resources:
        metadata, kind = res.meta, res.kind
        if namespace and kind not in _NOT_NAMESPACEABLE:
            metadata["namespace"] = namespace
        elif namespace and kind == "Namespace":  # kustomize's namespace transformer renames Namespace objects
            res.rename(namespace)
        if namespace:
            for service in _service_refs(res):
                if service.get("namespace") in (None, "", "default"):
                    service["namespace"] = namespace
        if namespace and kind in ("RoleBinding", "ClusterRoleBinding"):
            for subject in res.obj.get("subjects") or []:
                if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount" and \
                        subject.get("namespace") in (None, "", "default"):  # kustomize's "defaultOnly"
                    subject["namespace"] = namespace
        if (prefix or suffix) and kind not in _NO_RENAME and metadata.get("name"):
            res.rename(f"{prefix}{metadata['name']}{suffix}")
    _labels(kustomization, resources)
    annotations = kustomization.get("commonAnnotations") or {}
    if annotations:
        annotations = {str(k): "" if v is None else str(v) for k, v in annotations.items()}
        for res in resources:
            res.meta["annotations"] = {**(res.meta.get("annotations") or {}), **annotations}
            for spec_kind, path in _TEMPLATE_SPECS:
                if spec_kind == res.kind:
                    _merge_at(res.obj, path[:-1] + ("annotations",), annotations, True)
    for entry in kustomization.get("patchesJson6902") or []:
        _patch(directory, entry, resources, legacy=True)
    for replica in kustomization.get("replicas") or []:
        _replicas(resources, replica)
    for image in [*(kustomization.get("images") or []), *(kustomization.get("imageTags") or [])]:
        if isinstance(image, dict):
            for res in resources:
                _images(res.obj, image)
    for entry in kustomization.get("replacements") or []:
        if isinstance(entry, dict) and entry.get("path"):
            loaded = _load_yaml(_read_file(directory, str(entry["path"])).decode("utf-8"))
            for replacement in loaded if isinstance(loaded, list) else [loaded]:
                _replace(resources, replacement or {})
        else:
            _replace(resources, entry or {})


def _service_refs(res: _Res) -> list[dict]:
    """Service references carrying a namespace: webhook client configs, APIServices, CRD conversion webhooks."""
    spec = res.obj.get("spec") if isinstance(res.obj.get("spec"), dict) else {}
    found = []
    if res.kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        found = [((hook or {}).get("clientConfig") or {}).get("service") for hook in res.obj.get("webhooks") or []
                 if isinstance(hook, dict)]
    elif res.kind == "APIService":
        found = [spec.get("service")]
    elif res.kind == "CustomResourceDefinition":
        found = [(((spec.get("conversion") or {}).get("webhook") or {}).get("clientConfig") or {}).get("service")]
    return [service for service in found if isinstance(service, dict)]


def _documents(text: str, field_name: str) -> list:
    documents = []
    for parsed in parse_documents(text, field_name):
        if isinstance(parsed, KubectlError):
            raise parsed
        documents.append(parsed)
    return documents


def _patch(directory: str, entry, resources: list[_Res], legacy: bool) -> None:
    if not isinstance(entry, dict):
        raise KubectlError(f"invalid patch entry: {entry}")
    if entry.get("patch") and entry.get("path"):
        raise KubectlError("patch and path can't be set at the same time")
    text = entry.get("patch")
    if text is None and entry.get("path"):
        text = _read_file(directory, str(entry["path"])).decode("utf-8")
    if text is None:
        raise KubectlError("must specify one of patch and path in")
    target = entry.get("target")
    try:
        parsed = _load_yaml(str(text))
    except _YamlError:  # several documents: strategic merge patches, read one by one below
        parsed = None
    if isinstance(parsed, list):  # a JSON 6902 patch
        if not target:
            raise KubectlError("must specify a target for JSON patch")
        from pykubectl.resources.patches import apply_json_patch

        for res in _select(resources, target):
            res_obj = apply_json_patch(res.obj, parsed)
            _replace_object(res, res_obj)
        return
    if legacy:
        raise KubectlError(f"patchesJson6902 entry is not a JSON patch: {text}")
    for patch in _documents(str(text), "patches"):
        _patch_strategic(resources, patch, target, entry.get("options") or {})


def _replace_object(res: _Res, new: dict) -> None:
    old_name, old_kind = res.name, res.kind
    if str(new.get("kind") or "") != old_kind and old_kind not in res.kinds:
        res.kinds.append(old_kind)
    res.obj.clear()
    res.obj.update(new)
    if res.name != old_name and old_name not in res.names:
        res.names.append(old_name)


def _patch_strategic(resources: list[_Res], patch: dict, target, options=None) -> None:
    options = options if isinstance(options, dict) else {}
    if target:
        matched = _select(resources, target)
    else:
        meta = patch.get("metadata") or {}
        group, _, version = str(patch.get("apiVersion") or "").rpartition("/")
        matched = [r for r in resources
                   if r.kind == patch.get("kind") and (meta.get("name") in (r.name, *r.names))
                   and (not meta.get("namespace") or meta.get("namespace") == r.meta.get("namespace"))]
        if not matched:
            ident = (f"{patch.get('kind')}.{version}.{group or '[noGrp]'}/{meta.get('name')}."
                     f"{meta.get('namespace') or '[noNs]'}")
            raise KubectlError(f"no resource matches strategic merge patch \"{ident}\": no matches for Id {ident}; "
                               f"failed to find unique target for patch {ident}")
    for res in matched:
        if patch.get("$patch") == "delete" and not target:
            resources.remove(res)
            continue
        dropped = ("apiVersion",) if options.get("allowKindChange") else ("apiVersion", "kind")
        body = {k: v for k, v in patch.items() if k not in dropped} if target else dict(patch)
        if target:  # a targeted patch renames what it patches only when allowed
            meta = dict(body.get("metadata") or {})
            if not options.get("allowNameChange"):
                meta.pop("name", None)
            meta.pop("namespace", None)
            if meta:
                body["metadata"] = meta
            else:
                body.pop("metadata", None)
        if body.get("$patch") == "delete":
            resources.remove(res)
            continue
        _replace_object(res, _merge_map(copy.deepcopy(res.obj), body, res.kind))


def _select(resources: list[_Res], target: dict) -> list[_Res]:
    def match(pattern, value) -> bool:
        return pattern in (None, "") or re.fullmatch(str(pattern), str(value or "")) is not None

    selected = []
    for res in resources:
        group, _, version = str(res.obj.get("apiVersion") or "").rpartition("/")
        if not (match(target.get("group"), group) and match(target.get("version"), version)
                and match(target.get("kind"), res.kind) and match(target.get("namespace"), res.meta.get("namespace"))):
            continue
        if target.get("name") and not any(match(target["name"], n) for n in (res.name, *res.names)):
            continue
        if target.get("labelSelector") and not _selects(str(target["labelSelector"]), res.meta.get("labels") or {}):
            continue
        if target.get("annotationSelector") and \
                not _selects(str(target["annotationSelector"]), res.meta.get("annotations") or {}):
            continue
        selected.append(res)
    return selected


def _selects(selector: str, labels: dict) -> bool:
    for requirement in (part.strip() for part in selector.split(",") if part.strip()):
        if "!=" in requirement:
            key, value = (s.strip() for s in requirement.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in requirement:
            key, value = (s.strip() for s in requirement.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif requirement.startswith("!"):
            if requirement[1:] in labels:
                return False
        elif requirement not in labels:
            return False
    return True


# Strategic merge metadata for built-in kinds (the Kubernetes API's patchMergeKey/patchStrategy tags).
_LIST_KEYS = {"containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
              "env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
              "imagePullSecrets": "name", "hostAliases": "ip", "tolerations": "", "finalizers": "__set__",
              "ownerReferences": "uid", "conditions": "type", "topologySpreadConstraints": "topologyKey"}


def _merge_key(kind: str, name: str) -> str:
    if name == "ports":
        return "port" if kind == "Service" else "containerPort"
    return _LIST_KEYS.get(name, "")


def _merge_map(original: dict, patch: dict, kind: str) -> dict:
    """kustomize's strategic merge: like apimachinery's, but a merged list holds the patch's items first."""
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if directive == "delete":
        return {}
    for key, value in patch.items():
        if key == "$patch":
            continue
        current = original.get(key)
        if value is None:
            original.pop(key, None)
        elif isinstance(value, dict):
            if value.get("$patch") == "delete":
                original.pop(key, None)
            else:
                original[key] = _merge_map(current if isinstance(current, dict) else {}, value, kind)
        elif isinstance(value, list):
            original[key] = _merge_list(current, value, kind, _merge_key(kind, key))
        else:
            original[key] = copy.deepcopy(value)
    return original


def _merge_list(original, patch: list, kind: str, key: str) -> list:
    """A list the patch names: a lone {$patch: replace} item replaces it; lists with a merge key merge by it
    (an item marked $patch: replace keeps the original item, as kustomize's merge does); finalizers merge
    as a set; any other list is replaced."""
    def directive_free(item):
        return {k: copy.deepcopy(v) for k, v in item.items() if k != "$patch"} if isinstance(item, dict) \
            else copy.deepcopy(item)

    lone = [i for i in patch if isinstance(i, dict) and "$patch" in i and len(i) == 1]
    if any(i["$patch"] == "replace" for i in lone) or not isinstance(original, list) or not key:
        return [directive_free(i) for i in patch if i not in lone]
    if key == "__set__":
        merged = [copy.deepcopy(i) for i in patch]
        return merged + [copy.deepcopy(i) for i in original if i not in merged]
    rest = [copy.deepcopy(item) for item in original]
    merged: list = []
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            if item not in lone:
                merged.append(copy.deepcopy(item))
            continue
        match = next((have for have in rest if isinstance(have, dict) and have.get(key) == item[key]), None)
        if match is not None:
            rest.remove(match)
        if item.get("$patch") == "delete":
            continue
        if item.get("$patch") == "replace":
            merged.append(match if match is not None else directive_free(item))
            continue
        merged.append(_merge_map(match if match is not None else {}, item, kind))
    return merged + rest


# -- replacements (api/filters/replacement) -----------------------------------------------------------------


def _krm_id(res: _Res) -> dict:
    group, _, version = str(res.obj.get("apiVersion") or "").rpartition("/")
    return {"group": group, "version": version, "kind": res.kind, "name": res.name,
            "namespace": str(res.meta.get("namespace") or "")}


def _id_matches(selector: dict, res: _Res) -> bool:
    have = _krm_id(res)
    if any(selector.get(key) and str(selector[key]) != have[key] for key in have):
        return False
    if selector.get("labelSelector") and not _selects(str(selector["labelSelector"]), res.meta.get("labels") or {}):
        return False
    return not (selector.get("annotationSelector")
                and not _selects(str(selector["annotationSelector"]), res.meta.get("annotations") or {}))


def _selector_text(selector: dict) -> str:
    def part(key: str, empty: str) -> str:
        return str(selector.get(key) or "") or empty

    return (f"{part('kind', '[noKind]')}.{part('version', '[noVer]')}.{part('group', '[noGrp]')}/"
            f"{part('name', '[noName]')}.{part('namespace', '[noNs]')}")


def _split_field_path(path: str) -> list[str]:
    """kyaml's smarter path splitter: dots separate fields except inside [brackets]."""
    parts, current, depth = [], "", 0
    for char in path:
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "["
        depth -= char == "]"
        current += char
    parts.append(current)
    return parts


def _lookup(node, parts: list[str], create, found: list) -> None:
    """Every node at parts (kyaml PathGetter): [k=v] picks list items, * every item, digits an index;
    `create` is the value kind to create missing leaves with (None: create nothing)."""
    if not parts:
        return
    part, rest = parts[0], parts[1:]

    def descend(container, key, child) -> None:
        if not rest:
            found.append((container, key))
            return
        if child is None and create is not None:
            following = rest[0]
            child = [] if (following.startswith("[") and "=" in following) or following.isdigit() or \
                following == "*" else {}
            container[key] = child
        if child is not None:
            _lookup(child, rest, create, found)

    if part == "*" and isinstance(node, list):
        for index, item in enumerate(node):
            descend(node, index, item)
    elif part.startswith("[") and part.endswith("]") and isinstance(node, list):
        key, _, value = part[1:-1].partition("=")
        matches = [i for i, item in enumerate(node)
                   if (not key and item == value) or (isinstance(item, dict) and str(item.get(key)) == value)]
        if not matches and create is not None and key:
            node.append({key: value})
            matches = [len(node) - 1]
        for index in matches:
            descend(node, index, node[index])
    elif part.isdigit() and isinstance(node, list):
        index = int(part)
        if index < len(node):
            descend(node, index, node[index])
        elif index == len(node) and create is not None:
            node.append(None)
            descend(node, index, None)
    elif isinstance(node, dict):
        key = part[1:-1] if part.startswith("[") and part.endswith("]") else part
        if key in node or create is not None:
            descend(node, key, node.get(key))


def _plain_scalar(text: str):
    """What a string copied by a replacement becomes: kustomize copies the bare scalar text, which the output
    then reads as YAML 1.2 (go-yaml v3's resolver: null, true/false, Go integer literals, floats)."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text[0] in "tT"
    if not text or text[0] not in "+-.0123456789":
        return text
    plain = text.replace("_", "")
    body = plain.lstrip("+-")
    try:
        if re.fullmatch(r"0[0-7]+", body):  # strconv.ParseInt base 0: a leading 0 is octal
            value = int(body, 8)
        elif re.fullmatch(r"0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[1-9][0-9]*|0", body):
            value = int(body, 0)
        else:
            raise ValueError(text)
        value = -value if text.startswith("-") else value
        if -(2 ** 63) <= value < 2 ** 63:
            return value
    except ValueError:
        pass
    if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", plain):
        return float(plain)
    return text


def _replace(resources: list[_Res], replacement: dict) -> None:
    source, targets = replacement.get("source"), replacement.get("targets")
    if not isinstance(source, dict) or not targets:
        raise KubectlError("replacements must specify a source and at least one target")
    matches = [res for res in resources if _id_matches(source, res)]
    if not matches:
        raise KubectlError(f"nothing selected by {_selector_text(source)}")
    if len(matches) > 1:
        raise KubectlError(f"multiple matches for selector {_selector_text(source)}")
    found: list = []
    field_path = str(source.get("fieldPath") or "metadata.name")
    _lookup(matches[0].obj, _split_field_path(field_path), None, found)
    value = copy.deepcopy(found[0][0][found[0][1]]) if found else None
    options = source.get("options") or {}
    if options.get("delimiter") and value not in (None, ""):
        pieces = str(value).split(str(options["delimiter"]))
        index = int(options.get("index") or 0)
        if not 0 <= index < len(pieces):
            raise KubectlError(f"options.index {index} is out of bounds for value {value}")
        value = pieces[index]
    for target in targets:
        if not isinstance(target, dict) or not isinstance(target.get("select"), dict):
            raise KubectlError("target must specify resources to select")
        options = target.get("options") or {}
        for res in resources:
            if not _id_matches(target["select"], res) or \
                    any(_id_matches(reject, res) for reject in target.get("reject") or [] if isinstance(reject, dict)):
                continue
            for path in target.get("fieldPaths") or ["metadata.name"]:
                spots: list = []
                _lookup(res.obj, _split_field_path(str(path)), True if options.get("create") else None, spots)
                if not spots:
                    raise KubectlError(f'unable to find field "{path}" in replacement target')
                for container, key in spots:
                    new = _plain_scalar(value) if isinstance(value, str) else copy.deepcopy(value)
                    if options.get("delimiter"):
                        delimiter = str(options["delimiter"])
                        pieces = str(container[key] if container[key] is not None else "").split(delimiter)
                        index = int(options.get("index") or 0)
                        if index < 0:
                            pieces.insert(0, str(value))
                        elif index >= len(pieces):
                            pieces.append(str(value))
                        else:
                            pieces[index] = str(value)
                        new = _plain_scalar(delimiter.join(pieces))
                    container[key] = new


def _replicas(resources: list[_Res], replica) -> None:
    if not isinstance(replica, dict):
        return
    for res in resources:
        if res.kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController") and \
                replica.get("name") in (res.name, *res.names):
            spec = res.obj.get("spec")
            if not isinstance(spec, dict):
                spec = res.obj["spec"] = {}
            spec["replicas"] = replica.get("count")


def _split_image(image: str) -> tuple[str, str, str]:
    name, _, digest = image.partition("@")
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    return name, tag, digest


def _images(node, image: dict) -> None:
    if isinstance(node, list):
        for item in node:
            _images(item, image)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("containers", "initContainers") and isinstance(value, list):
            for container in value:
                if isinstance(container, dict) and isinstance(container.get("image"), str):
                    container["image"] = _new_image(container["image"], image)
        else:
            _images(value, image)


def _new_image(current: str, image: dict) -> str:
    name, tag, digest = _split_image(current)
    if name != image.get("name"):
        return current
    new_name = str(image.get("newName") or name)
    new_tag, new_digest = image.get("newTag"), image.get("digest")
    if new_tag is not None and new_tag != "" and new_digest:
        return f"{new_name}:{new_tag}@{new_digest}"
    if new_digest:
        return f"{new_name}@{new_digest}"
    if new_tag is not None and new_tag != "":
        return f"{new_name}:{new_tag}"
    return new_name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


# -- labels ------------------------------------------------------------------------------------------------

# kustomize's commonLabels field specs (api/konfig/builtinpluginconsts/commonlabels.go): where a label also goes
# besides metadata.labels. (kind, path, create-when-missing); selectors take only the selector labels.
_SELECTOR_SPECS = (
    ("Service", ("spec", "selector"), True), ("ReplicationController", ("spec", "selector"), True),
    ("Deployment", ("spec", "selector", "matchLabels"), True), ("ReplicaSet", ("spec", "selector", "matchLabels"), True),
    ("DaemonSet", ("spec", "selector", "matchLabels"), True), ("StatefulSet", ("spec", "selector", "matchLabels"), True),
    ("Job", ("spec", "selector", "matchLabels"), False),
    ("CronJob", ("spec", "jobTemplate", "spec", "selector", "matchLabels"), False),
    ("PodDisruptionBudget", ("spec", "selector", "matchLabels"), False),
    ("NetworkPolicy", ("spec", "podSelector", "matchLabels"), False),
    ("NetworkPolicy", ("spec", "ingress", "from", "podSelector", "matchLabels"), False),
    ("NetworkPolicy", ("spec", "egress", "to", "podSelector", "matchLabels"), False),
    *((kind, ("spec", "template", "spec", "affinity", affinity, rule, *term, "labelSelector", "matchLabels"), False)
      for kind in ("Deployment", "StatefulSet") for affinity in ("podAffinity", "podAntiAffinity")
      for rule, term in (("preferredDuringSchedulingIgnoredDuringExecution", ("podAffinityTerm",)),
                         ("requiredDuringSchedulingIgnoredDuringExecution", ()))),
    *((kind, ("spec", "template", "spec", "topologySpreadConstraints", "labelSelector", "matchLabels"), False)
      for kind in ("Deployment", "StatefulSet")),
)
_TEMPLATE_SPECS = (
    ("ReplicationController", ("spec", "template", "metadata", "labels")),
    ("Deployment", ("spec", "template", "metadata", "labels")),
    ("ReplicaSet", ("spec", "template", "metadata", "labels")),
    ("DaemonSet", ("spec", "template", "metadata", "labels")),
    ("StatefulSet", ("spec", "template", "metadata", "labels")),
    ("Job", ("spec", "template", "metadata", "labels")),
    ("CronJob", ("spec", "jobTemplate", "metadata", "labels")),
    ("CronJob", ("spec", "jobTemplate", "spec", "template", "metadata", "labels")),
)


def _labels(kustomization: dict, resources: list[_Res]) -> None:
    labels = {str(k): "" if v is None else str(v) for k, v in (kustomization.get("commonLabels") or {}).items()}
    selector_labels = dict(labels)  # commonLabels also go into selectors and pod templates
    template_labels: dict = {}
    for group in kustomization.get("labels") or []:
        if isinstance(group, dict):
            pairs = {str(k): "" if v is None else str(v) for k, v in (group.get("pairs") or {}).items()}
            labels.update(pairs)
            if group.get("includeSelectors"):
                selector_labels.update(pairs)
            elif group.get("includeTemplates"):
                template_labels.update(pairs)
    for res in resources:
        if labels:
            res.meta["labels"] = {**(res.meta.get("labels") or {}), **labels}
        if selector_labels:
            for spec_kind, path, create in _SELECTOR_SPECS:
                if spec_kind == res.kind:
                    _merge_at(res.obj, path, selector_labels, create)
        pod_labels = {**template_labels, **selector_labels}
        if pod_labels:
            for spec_kind, path in _TEMPLATE_SPECS:
                if spec_kind == res.kind:
                    _merge_at(res.obj, path, pod_labels, True)
            claims = (res.obj.get("spec") or {}).get("volumeClaimTemplates") if res.kind == "StatefulSet" else None
            if isinstance(claims, list):  # spec/volumeClaimTemplates[]/metadata/labels: items only, never the list
                _merge_at(claims, ("metadata", "labels"), pod_labels, True)


def _merge_at(node, path: tuple[str, ...], pairs: dict, create: bool) -> None:
    """Merge pairs into the map at path; lists on the way are walked item by item (kustomize's field specs).
    Missing maps are made only when `create`."""
    if isinstance(node, list):
        for item in node:
            _merge_at(item, path, pairs, create)
        return
    if not isinstance(node, dict):
        return
    key = path[0]
    current = node.get(key)
    if len(path) > 1:
        if current is None:
            if not create:
                return
            current = node[key] = {}
        _merge_at(current, path[1:], pairs, create)
        return
    if not isinstance(current, dict):
        if current is None and not create:
            return
        current = {}
    node[key] = {**current, **pairs}


# -- name references (api/filters/nameref, api/internal/konfig/builtinpluginconsts/namereference.go) --------

_POD_ROOTS = {"Pod": "spec", "PodTemplate": "template/spec", "Deployment": "spec/template/spec",
              "ReplicaSet": "spec/template/spec", "DaemonSet": "spec/template/spec", "StatefulSet": "spec/template/spec",
              "Job": "spec/template/spec", "CronJob": "spec/jobTemplate/spec/template/spec",
              "ReplicationController": "spec/template/spec"}
_CONFIG_KINDS = ("Pod", "PodTemplate", "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob")
_WORKLOAD_KINDS = ("Pod", "StatefulSet", "Deployment", "ReplicationController", "CronJob", "Job", "DaemonSet")
_CONTAINERS = ("containers", "initContainers")


def _pod_paths(referrers, suffixes) -> list[tuple[str, str]]:
    return [(kind, f"{_POD_ROOTS[kind]}/{suffix}") for kind in referrers for suffix in suffixes]


# referenced kind -> [(referrer kind, slash path; lists are walked item by item)]
_NAME_REFERENCES: dict[str, list[tuple[str, str]]] = {
    "ConfigMap": _pod_paths(_CONFIG_KINDS, (
        "volumes/configMap/name", *(f"{c}/env/valueFrom/configMapKeyRef/name" for c in _CONTAINERS),
        *(f"{c}/envFrom/configMapRef/name" for c in _CONTAINERS), "volumes/projected/sources/configMap/name")),
    "Secret": _pod_paths(_CONFIG_KINDS, (
        "volumes/secret/secretName", *(f"{c}/env/valueFrom/secretKeyRef/name" for c in _CONTAINERS),
        *(f"{c}/envFrom/secretRef/name" for c in _CONTAINERS), "imagePullSecrets/name",
        "volumes/projected/sources/secret/name")) + [
        ("Ingress", "spec/tls/secretName"), ("ServiceAccount", "imagePullSecrets/name"),
        ("StorageClass", "parameters/secretName"), ("StorageClass", "parameters/adminSecretName"),
        ("StorageClass", "parameters/userSecretName"), ("StorageClass", "parameters/secretRef"),
        ("PersistentVolume", "spec/azureFile/secretName")],
    "Service": [("StatefulSet", "spec/serviceName"), ("Ingress", "spec/rules/http/paths/backend/serviceName"),
                ("Ingress", "spec/backend/serviceName"), ("Ingress", "spec/rules/http/paths/backend/service/name"),
                ("Ingress", "spec/defaultBackend/service/name"), ("APIService", "spec/service/name")],
    "ServiceAccount": _pod_paths(_WORKLOAD_KINDS, ("serviceAccountName",)),
    "PersistentVolumeClaim": _pod_paths(_WORKLOAD_KINDS, ("volumes/persistentVolumeClaim/claimName",)),
    "PriorityClass": _pod_paths(_WORKLOAD_KINDS, ("priorityClassName",)),
    "PersistentVolume": [("PersistentVolumeClaim", "spec/volumeName")],
    "StorageClass": [("PersistentVolume", "spec/storageClassName"), ("PersistentVolumeClaim", "spec/storageClassName"),
                     ("StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName")],
    "IngressClass": [("Ingress", "spec/ingressClassName")],
}
_SCALABLE = ("Deployment", "ReplicationController", "ReplicaSet", "StatefulSet")


def _walk(node, parts: list[str], kind: str, rename) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, parts, kind, rename)
        return
    if not isinstance(node, dict) or not parts:
        return
    key, rest = parts[0], parts[1:]
    if not rest:
        if isinstance(node.get(key), str):
            node[key] = rename(kind, node[key])
        return
    _walk(node.get(key), rest, kind, rename)


def _fix_references(resources: list[_Res]) -> None:
    renamed: dict[tuple[str, str], list[_Res]] = {}
    for res in resources:
        for kind in {res.kind, *res.kinds}:
            for old in res.names if kind == res.kind else {*res.names, res.name}:
                renamed.setdefault((kind, old), []).append(res)
    if not renamed:
        return

    for res in resources:
        namespace = res.meta.get("namespace")

        def rename(kind: str, name: str, namespace=namespace, referrer=res.kind) -> str:
            candidates = renamed.get((kind, name), [])
            if kind not in _NOT_NAMESPACEABLE and referrer not in _NOT_NAMESPACEABLE:
                candidates = [c for c in candidates if (c.meta.get("namespace") or None) == (namespace or None)]
            return candidates[0].name if candidates else name

        for kind, specs in _NAME_REFERENCES.items():
            for referrer, path in specs:
                if referrer == res.kind:
                    _walk(res.obj, path.split("/"), kind, rename)
        if res.kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
            for service in _service_refs(res):
                if isinstance(service.get("name"), str):
                    candidates = [c for c in renamed.get(("Service", service["name"]), [])
                                  if (c.meta.get("namespace") or None) == (service.get("namespace") or None)]
                    if candidates:
                        service["name"] = candidates[0].name
        if res.kind == "HorizontalPodAutoscaler":
            target = (res.obj.get("spec") or {}).get("scaleTargetRef")
            if isinstance(target, dict) and target.get("kind") in _SCALABLE and isinstance(target.get("name"), str):
                target["name"] = rename(target["kind"], target["name"])
        if res.kind in ("RoleBinding", "ClusterRoleBinding"):
            role_ref = res.obj.get("roleRef")
            if isinstance(role_ref, dict) and isinstance(role_ref.get("name"), str) and \
                    (role_ref.get("kind") == "ClusterRole" or (role_ref.get("kind") == "Role" and res.kind == "RoleBinding")):
                role_ref["name"] = rename(role_ref["kind"], role_ref["name"])
            for subject in res.obj.get("subjects") or []:
                if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount" and \
                        isinstance(subject.get("name"), str):
                    subject["name"] = rename("ServiceAccount", subject["name"], subject.get("namespace"))


# -- vars (api/internal/accumulator/refvartransformer.go, api/filters/refvar) ------------------------------

_VAR_CONTAINER_FIELDS = ("args", "command", "env/value", "volumeMounts/mountPath")
_VAR_REFERENCES: list[tuple[str, str]] = [
    *((kind, f"{_POD_ROOTS[kind]}/{c}/{f}") for kind in ("Pod", "Deployment", "ReplicaSet", "DaemonSet",
                                                           "StatefulSet", "Job", "CronJob")
      for c in _CONTAINERS for f in _VAR_CONTAINER_FIELDS),
    *((kind, "spec/template/spec/volumes/nfs/server") for kind in ("Deployment", "ReplicaSet", "DaemonSet", "Job")),
    ("Pod", "spec/volumes/nfs/server"), ("CronJob", "spec/jobTemplate/spec/template/volumes/nfs/server"),
    ("Deployment", "spec/template/metadata/annotations"), ("Ingress", "spec/rules/host"), ("Ingress", "spec/tls/hosts"),
    ("Ingress", "spec/tls/secretName"), ("Service", "spec/ports/port"), ("Service", "spec/ports/targetPort"),
    ("StatefulSet", "spec/volumeClaimTemplates/spec/nfs/server"), ("PersistentVolume", "spec/nfs/server"),
    ("", "metadata/labels"), ("", "metadata/annotations"),
]


def _go_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expand(text: str, values: dict, counts: dict):
    """refvar.DoReplacements: $(NAME) becomes the var's value, $$ a $; "$(NAME)" alone keeps the value's type."""
    out: list[str] = []
    checkpoint = cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            rest = text[cursor + 1:]
            if rest[0] == "$":
                read, is_var, advance = "$", False, 1
            elif rest[0] == "(":
                close = rest.find(")", 1)
                read, is_var, advance = (rest[1:close], True, close + 1) if close > 0 else ("$(", False, 1)
            else:
                read, is_var, advance = "$" + rest[0], False, 1
            if is_var:
                if read in values:
                    counts[read] = counts.get(read, 0) + 1
                    mapped = values[read]
                else:
                    mapped = f"$({read})"
                if text == f"$({read})":
                    return mapped
                out.append(_go_value(mapped))
            else:
                out.append(read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


def _leaves(node, parts: list[str], found: list) -> None:
    if isinstance(node, list):
        for item in node:
            _leaves(item, parts, found)
        return
    if not isinstance(node, dict) or not parts:
        return
    if len(parts) == 1:
        if node.get(parts[0]) is not None:
            found.append((node, parts[0]))
        return
    _leaves(node.get(parts[0]), parts[1:], found)


def _resolve_vars(resources: list[_Res], variables: list, warn) -> None:
    values: dict = {}
    for var in variables:
        ref = var.get("objref") or {}
        matches = [r for r in resources if r.kind == ref.get("kind") and ref.get("name") in (r.name, *r.names)
                   and (not ref.get("apiVersion") or str(r.obj.get("apiVersion") or "") == ref["apiVersion"])
                   and (not ref.get("namespace") or r.meta.get("namespace") == ref["namespace"])]
        if len(matches) != 1:
            raise KubectlError(f"var '{var.get('name')}' cannot be mapped to a field in the set of known resources"
                               if not matches else f"found {len(matches)} resId matches for var {var}")
        path = str((var.get("fieldref") or {}).get("fieldpath") or "metadata.name")
        parts: list[str] = []
        for part in _split_field_path(path):  # vars write list indexes as ports[0]
            indexed = re.fullmatch(r"(.+)\[(\d+)\]", part)
            parts.extend(indexed.groups() if indexed else (part,))
        spots: list = []
        _lookup(matches[0].obj, parts, None, spots)
        if not spots:
            raise KubectlError(f"field specified in var '{var.get('name')}' not found in corresponding resource")
        values[str(var.get("name"))] = spots[0][0][spots[0][1]]
    counts: dict = {}
    for res in resources:
        for kind, path in _VAR_REFERENCES:
            if kind and kind != res.kind:
                continue
            spots = []
            _leaves(res.obj, path.split("/"), spots)
            for container, key in spots:
                current = container[key]
                if isinstance(current, str):
                    container[key] = _expand(current, values, counts)
                elif isinstance(current, dict):
                    for sub, value in current.items():
                        if isinstance(value, str):
                            current[sub] = _expand(value, values, counts)
                elif isinstance(current, list):
                    container[key] = [_expand(item, values, counts) if isinstance(item, str) else item
                                      for item in current]
    unused = sorted(name for name in values if not counts.get(name))
    if unused and warn is not None:
        import time

        now = time.time()
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(now))
        warn(f"I{stamp}.{int((now % 1) * 1_000_000):06d} {os.getpid():7d} log.go:245] well-defined vars that were "
             f"never replaced: {','.join(unused)}")


# -- kubectl kustomize -o DIR ------------------------------------------------------------------------------


def individual_files(objects: list[dict]) -> list[tuple[str, dict]]:
    """kustomize build -o DIR: one file per object, `[namespace_]group_version_kind_name.yaml` (lower case);
    namespaced objects get their namespace ("default" when unset) in front when several namespaces occur."""
    def base_name(obj: dict) -> str:
        group, _, version = str(obj.get("apiVersion") or "").rpartition("/")
        gvk = "_".join(part for part in (group, version, str(obj.get("kind") or "")) if part)
        return f"{gvk}_{(obj.get('metadata') or {}).get('name') or ''}.yaml".lower()

    namespaced = {id(o): o for o in objects if str(o.get("kind") or "") not in _NOT_NAMESPACEABLE}
    namespaces = {str((o.get("metadata") or {}).get("namespace") or "default") for o in namespaced.values()}
    files = []
    for obj in objects:
        name = base_name(obj)
        if id(obj) in namespaced and len(namespaces) > 1:
            name = f"{str((obj.get('metadata') or {}).get('namespace') or 'default').lower()}_{name}"
        files.append((name, obj))
    return files
