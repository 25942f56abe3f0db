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
# The kustomize builder lives in resources/kustomize.py; these names stay importable from here.
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def read_kustomization(directory: str, warn=None) -> Iterator[Manifest | KubectlError]:
    """The objects `kustomize build DIR` would print, each with DIR as its source (see resources/kustomize.py)."""
    from pykubectl.resources.kustomize import read_kustomization as read

    return read(directory, warn)
