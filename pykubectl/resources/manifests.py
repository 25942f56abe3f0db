"""Read manifests (-f FILE|DIR|URL|-) into objects that remember their source, with kubectl's errors.

API (used by get, describe, delete, apply...):

* `read_manifests(filenames, recursive=False, stdin=None) -> Iterator[Manifest | ManifestError]`
  yields every object of every source in order. Problems with one document (bad YAML, missing kind)
  are yielded as `ManifestError`s so callers can continue on error as kubectl's builder does; problems
  with the paths themselves (missing file, empty directory) raise `KubectlError` before anything is read
  (`check_paths`).
* `Manifest(obj, source)`: one object; `source` is the path as given, the URL, or "STDIN".
  `List` kinds (anything with an `items` array) are expanded by `expand_lists`.
* `parse_documents(text, source) -> Iterator[dict | ManifestError]`: one stream, YAML or JSON.

Behaviour follows cli-runtime's FileVisitor/StreamVisitor and apimachinery's YAMLOrJSONDecoder: a stream
whose first non-blank byte is `{` is a JSON stream; otherwise YAML documents split on `---` lines; empty
and `null` documents are skipped; each YAML document is parsed separately, so error line numbers count
from the document's first line, as go-yaml's do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from pykubectl.errors import KubectlError

EXTENSIONS = (".json", ".yaml", ".yml")
STDIN_SOURCE = "STDIN"


@dataclass(frozen=True)
class Manifest:
    obj: dict
    source: str


class ManifestError(KubectlError):
    """One unreadable document; kubectl prints these without the `error: ` prefix inside aggregates."""


def check_paths(filenames: Sequence[str], recursive: bool = False) -> None:
    """kubectl's up-front path checks (FilenameParam): missing paths, directories without manifests."""
    for name in filenames:
        if name == "-" or _is_url(name):
            continue
        if not os.path.exists(name):
            import glob

            if not glob.glob(name):
                raise KubectlError(f'the path "{name}" does not exist')
            continue
        if os.path.isdir(name) and not _directory_files(name, recursive):
            raise KubectlError(f"error reading [{name}]: recognized file extensions are [.json .yaml .yml]")


def read_manifests(filenames: Sequence[str], recursive: bool = False,
                   stdin: TextIO | None = None) -> Iterator[Manifest | KubectlError]:
    check_paths(filenames, recursive)
    for name in filenames:
        if name == "-":
            text = stdin.read() if stdin is not None else ""
            yield from _objects(text, STDIN_SOURCE)
        elif _is_url(name):
            try:
                text = _fetch_url(name)
            except KubectlError as exc:  # reported with the other documents' errors, as kubectl's URLVisitor
                yield exc  # type: ignore[misc]
                continue
            yield from _objects(text, name)
        else:
            paths = [name] if os.path.exists(name) else sorted(__import__("glob").glob(name))
            for path in paths:
                files = _directory_files(path, recursive) if os.path.isdir(path) else [path]
                for file in files:
                    try:
                        with open(file, encoding="utf-8", errors="replace") as handle:
                            text = handle.read()
                    except OSError as exc:
                        yield ManifestError(f"open {file}: {(exc.strerror or str(exc)).lower()}")
                        continue
                    yield from _objects(text, file)


def expand_lists(manifests: Iterable[Manifest | ManifestError]) -> Iterator[Manifest | ManifestError]:
    """kubectl's FlattenListVisitor: a List's items become objects of their own, with the same source."""
    for item in manifests:
        if isinstance(item, Manifest) and isinstance(item.obj.get("items"), list):
            for child in item.obj["items"]:
                if isinstance(child, dict):
                    yield from expand_lists([Manifest(child, item.source)])
            continue
        yield item


def _objects(text: str, source: str) -> Iterator[Manifest | ManifestError]:
    for parsed in parse_documents(text, source):
        if isinstance(parsed, ManifestError):
            yield parsed
        else:
            yield Manifest(parsed, source)


def parse_documents(text: str, source: str) -> Iterator[dict | ManifestError]:
    if text.lstrip()[:1] == "{":
        yield from _json_stream(text, source)
        return
    for document in split_yaml_documents(text):
        if not document.strip():
            continue
        try:
            value = _load_yaml(document)
        except _YamlError as exc:
            yield ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: {exc}")
            return
        if value is None:
            continue
        checked = _check_object(value, source, _compact(value))
        yield checked
        if isinstance(checked, ManifestError):
            return  # kubectl's StreamVisitor stops at a document it cannot decode


def split_yaml_documents(text: str) -> list[str]:
    """apimachinery's YAMLReader: a line starting with `---` whose remainder is blank or a comment."""
    documents: list[str] = []
    current: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if not rest or rest.startswith("#"):
                if current:
                    documents.append("".join(current))
                current = []
                continue
        current.append(line)
    if current:
        documents.append("".join(current))
    return documents


def _json_stream(text: str, source: str) -> Iterator[dict | ManifestError]:
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield ManifestError(f"error parsing {source}: {exc.msg}")
            return
        raw = text[pos:end]
        pos = end
        if value is None:
            continue
        checked = _check_object(value, source, raw)
        yield checked
        if isinstance(checked, ManifestError):
            return


def _check_object(value, source: str, raw: str) -> dict | ManifestError:
    if not isinstance(value, dict):
        return ManifestError(f'unable to decode "{source}": json: cannot unmarshal {_go_json_type(value)} '
                             "into Go value of type unstructured.detector")
    if not value.get("kind"):
        return ManifestError(f"unable to decode \"{source}\": Object 'Kind' is missing in '{raw}'")
    return value


def _go_json_type(value) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _compact(value) -> str:
    """sigs.k8s.io/yaml's YAMLToJSON output: compact JSON with sorted keys."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)


class _YamlError(Exception):
    pass


# PyYAML problem texts → go-yaml's, for the mistakes people make.
_YAML_MESSAGES = (
    ("found character '\\t' that cannot start any token", "found character that cannot start any token"),
    ("found character", "found character that cannot start any token"),
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("expected <block end>", "did not find expected key"),
    ("expected the node content", "did not find expected node content"),
    ("expected ',' or ']'", "did not find expected ',' or ']'"),
    ("expected ',' or '}'", "did not find expected ',' or '}'"),
    ("could not find expected ':'", "could not find expected ':'"),
    ("found unexpected end of stream", "found unexpected end of stream"),
    ("expected a comment or a line break", "did not find expected comment or line break"),
    ("found undefined alias", "unknown anchor"),
)


def _load_yaml(document: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return _stringify_keys(yaml.load(document, Loader=loader))
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or ""
        text = next((go for py, go in _YAML_MESSAGES if py in problem), problem)
        scanner = isinstance(exc, yaml.scanner.ScannerError)
        mark = exc.problem_mark
        line = 0
        if mark is not None and mark.line != 0:
            line = mark.line + 1 if scanner else mark.line
        elif exc.context_mark is not None and exc.context_mark.line != 0:
            line = exc.context_mark.line
        raise _YamlError(f"line {line}: {text}" if line else text) from None
    except yaml.YAMLError as exc:
        raise _YamlError(str(exc)) from None


def _stringify_keys(value):
    """YAMLToJSON turns non-string keys into strings and timestamps back into their text."""
    import datetime

    if isinstance(value, dict):
        return {(k if isinstance(k, str) else _scalar_text(k)): _stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat().replace("+00:00", "Z")
    return value


def _scalar_text(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def _directory_files(directory: str, recursive: bool) -> list[str]:
    """ExpandPathsToFileVisitors: files with a manifest extension, in lexical walk order."""
    found: list[str] = []
    if recursive:
        for root, dirs, files in os.walk(directory):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(EXTENSIONS):
                    found.append(os.path.join(root, name))
        # filepath.Walk visits a directory's entries in lexical order, files and directories interleaved.
        return sorted(found, key=lambda p: os.path.relpath(p, directory).split(os.sep))
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isfile(path) and name.endswith(EXTENSIONS):
            found.append(path)
    return found


def _is_url(name: str) -> bool:
    return name.startswith(("http://", "https://"))


def _fetch_url(url: str) -> str:
    from pykubectl.client.transport import fetch_url

    status, reason, text = fetch_url(url)
    if status != 200:
        raise ManifestError(f'unable to read URL "{url}", server reported {status} {reason}, status code={status}')
    return text


# -- kustomize (-k) -------------------------------------------------------------------------------------
# kubectl embeds kustomize; we do not. With a `kustomize` binary on PATH, `-k DIR` runs `kustomize build DIR`.
# Without one, a built-in subset covers what most overlays use: resources (files and nested kustomizations),
# namespace, namePrefix/nameSuffix and commonLabels/labels, in kustomize's legacy output order. Anything
# else (generators, patches, remote bases) stops with an error that says how to get kustomize.
_GET_KUSTOMIZE = ("install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) and put it on "
                  "PATH, or run `kustomize build DIR | pykubectl ... -f -`")

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
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
_UNSUPPORTED = ("configMapGenerator", "secretGenerator", "patches", "patchesStrategicMerge", "patchesJson6902",
                "replacements", "components", "helmCharts", "images", "replicas", "generators", "transformers")


def read_kustomization(directory: str, warn=None) -> Iterator[Manifest | KubectlError]:
    """The objects `kustomize build DIR` would print, each with DIR as its source.

    `warn(text)` receives kustomize's deprecation notices (kubectl prints them on stderr)."""
    import shutil

    binary = shutil.which("kustomize")
    if binary is not None:
        yield from _run_kustomize(binary, directory)
        return
    try:
        objects = _kustomize_build(directory, warn)
    except KubectlError as exc:
        yield ManifestError(str(exc))
        return
    for obj in sorted(objects, key=_legacy_order):
        yield Manifest(obj, directory)


def _run_kustomize(binary: str, directory: str) -> Iterator[Manifest | KubectlError]:
    import subprocess

    proc = subprocess.run([binary, "build", directory], capture_output=True, text=True)
    if proc.returncode != 0:
        yield ManifestError(proc.stderr.strip().removeprefix("Error: ") or f"kustomize build {directory} failed")
        return
    for parsed in parse_documents(proc.stdout, directory):
        yield parsed if isinstance(parsed, KubectlError) else Manifest(parsed, directory)


def _legacy_order(obj: dict):
    import functools

    return functools.cmp_to_key(_legacy_less)(obj)


def _gvk_string(obj: dict) -> str:
    group, _, version = str(obj.get("apiVersion") or "").rpartition("/")
    return "_".join([group or "~G", version or "~V", str(obj.get("kind") or "") or "~K"])


def _type_order(kind: str) -> int:
    if kind in _ORDER_FIRST:
        return -len(_ORDER_FIRST) + _ORDER_FIRST.index(kind)
    if kind in _ORDER_LAST:
        return 1 + _ORDER_LAST.index(kind)
    return 0


def _legacy_less(a: dict, b: dict) -> int:
    ta, tb = _type_order(str(a.get("kind") or "")), _type_order(str(b.get("kind") or ""))
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


_DEPRECATED = (("bases", "resources"), ("commonLabels", "labels"), ("patchesStrategicMerge", "patches"),
               ("patchesJson6902", "patches"), ("vars", "replacements"))


def _kustomize_build(directory: str, warn=None) -> list[dict]:
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
    except _YamlError as exc:
        raise KubectlError(f"{exc}") from None
    for old_key, new_key in _DEPRECATED:
        if old_key in kustomization and warn is not None:
            warn(f"# Warning: '{old_key}' is deprecated. Please use '{new_key}' instead. Run 'kustomize edit fix' "
                 "to update your Kustomization automatically.")
    for key in _UNSUPPORTED:
        if kustomization.get(key):
            raise KubectlError(f"kustomization field {key!r} needs the kustomize binary ({found}): {_GET_KUSTOMIZE}")
    objects: list[dict] = []
    for entry in [*(kustomization.get("bases") or []), *(kustomization.get("resources") or [])]:
        path = os.path.join(directory, str(entry))
        if "://" in str(entry) or str(entry).startswith(("github.com/", "git@")):
            raise KubectlError(f"remote kustomize resources need the kustomize binary ({entry}): {_GET_KUSTOMIZE}")
        if os.path.isdir(path):
            objects.extend(_kustomize_build(path, warn))
            continue
        if not os.path.exists(path):
            missing = (f"evalsymlink failure on '{os.path.abspath(path)}' : lstat {os.path.abspath(path)}: "
                       "no such file or directory")
            raise KubectlError(f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                               f"{missing}': must build at directory: not a valid directory: {missing}")
        root, real = os.path.realpath(directory), os.path.realpath(path)
        if os.path.commonpath([root, real]) != root:  # kustomize's default LoadRestrictionsRootOnly
            raise KubectlError(f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                               f"security; file '{real}' is not in or below '{root}'': must build at directory: "
                               f"'{real}': file is not directory")
        with open(path, encoding="utf-8") as handle:
            for parsed in parse_documents(handle.read(), path):
                if isinstance(parsed, KubectlError):
                    raise parsed
                objects.append(parsed)
    namespace = kustomization.get("namespace")
    prefix, suffix = str(kustomization.get("namePrefix") or ""), str(kustomization.get("nameSuffix") or "")
    labels = dict(kustomization.get("commonLabels") or {})
    selector_labels = dict(labels)  # commonLabels also go into selectors and pod templates
    template_labels: dict = {}
    for group in kustomization.get("labels") or []:
        if isinstance(group, dict):
            pairs = group.get("pairs") or {}
            labels.update(pairs)
            if group.get("includeSelectors"):
                selector_labels.update(pairs)
            elif group.get("includeTemplates"):
                template_labels.update(pairs)
    for obj in objects:
        metadata = obj.setdefault("metadata", {})
        kind = str(obj.get("kind") or "")
        if namespace and kind not in _NOT_NAMESPACEABLE:
            metadata["namespace"] = namespace
        elif namespace and kind == "Namespace":  # kustomize's namespace transformer renames Namespace objects
            metadata["name"] = namespace
        if (prefix or suffix) and kind not in _NO_RENAME and metadata.get("name"):
            metadata["name"] = f"{prefix}{metadata['name']}{suffix}"
        if labels:
            metadata["labels"] = {**(metadata.get("labels") or {}), **labels}
        if selector_labels or template_labels:
            _label_selectors_and_templates(obj, kind, selector_labels, template_labels)
    return objects


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


def _label_selectors_and_templates(obj: dict, kind: str, selector_labels: dict, template_labels: dict) -> None:
    def merge(path: tuple[str, ...], pairs: dict, create: bool) -> None:
        node = obj
        for key in path[:-1]:
            child = node.get(key) if isinstance(node, dict) else None
            if not isinstance(child, dict):
                if not create:
                    return
                child = node[key] = {}
            node = child
        current = node.get(path[-1])
        if not isinstance(current, dict):
            if current is None and not create:
                return
            current = {}
        node[path[-1]] = {**current, **pairs}

    if selector_labels:
        for spec_kind, path, create in _SELECTOR_SPECS:
            if spec_kind == kind:
                merge(path, selector_labels, create)
    pod_labels = {**template_labels, **selector_labels}
    if pod_labels:
        for spec_kind, path in _TEMPLATE_SPECS:
            if spec_kind == kind:
                merge(path, pod_labels, True)
