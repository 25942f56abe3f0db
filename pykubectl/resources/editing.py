"""The editor side of kubectl edit (pkg/cmd/util/editor): temporary files named after the binary, the editor from
$KUBE_EDITOR / $EDITOR (default vi; run through `$SHELL -c` when it has spaces), comment stripping, the error header
written above a document that failed to save, and preserved files."""

from __future__ import annotations

import os

from pykubectl.errors import KubectlError

EDIT_HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
               "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
               "# reopened with the relevant failures.\n#\n")


def editor_command() -> tuple[list[str], bool, str]:
    """(argv prefix, through the shell, the editor as named): an editor with arguments runs through $SHELL
    (default /bin/bash) -c."""
    for name in ("KUBE_EDITOR", "EDITOR"):
        value = os.environ.get(name)
        if value:
            break
    else:
        value = "vi"
    shell = " " in value
    return ([os.environ.get("SHELL") or "/bin/bash", "-c", value] if shell else [value]), shell, value


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def launch(text: str, suffix: str, windows_line_endings: bool = False) -> tuple[str, str]:
    """Write the text to kubectl-edit-NNN<suffix>, run the editor on it; (what it saved, the file's path).
    The file is left in place: the caller removes or preserves it."""
    import subprocess
    import tempfile

    if windows_line_endings:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    handle, path = tempfile.mkstemp(prefix="kubectl-edit-", suffix=suffix)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    argv, shell, editor = editor_command()
    command = argv[:-1] + [f"{argv[-1]} {_go_quote(path)}"] if shell else argv + [path]
    try:
        status = subprocess.run(command, check=False).returncode
    except OSError:
        status = -1
    if status != 0:
        raise PreservedError(f'there was a problem with the editor "{editor}"', path)
    with open(path, encoding="utf-8", newline="") as file:
        return file.read(), path


def strip_comments(text: str) -> str:
    """cmdutil.StripComments: drop the lines that start with '#' (after leading blanks)."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#"))


def manual_strip(text: str) -> str:
    """cmdutil.ManualStrip: drop the lines that start with '#'."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def has_lines(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return True
    return False


def error_header(reasons: list[tuple[str, list[str]]]) -> str:
    out = []
    for head, others in reasons:
        out.append(f"# {head}:\n" if others else f"# {head}\n")
        out += [f"# * {other}\n" for other in others]
        out.append("#\n")
    return "".join(out)


class PreservedError(KubectlError):
    """An edit that failed after the file was saved: kubectl names the copy it keeps, then the error."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.path = path

    def render(self) -> str:
        note = ""
        if self.path and os.path.exists(self.path):
            note = f"A copy of your changes has been stored to {_go_quote(self.path)}\n"
        message = str(self)
        return note + (message if message.startswith("error: ") else f"error: {message}")


def parse_edited_objects(text: str) -> list[dict]:
    """The objects of an edited buffer (YAML or JSON, several documents, Lists flattened)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = [d for d in yaml.load_all(text, Loader=loader) if d is not None]
    except yaml.YAMLError as exc:
        raise KubectlError(str(exc).replace("\n", " ")) from None
    objects: list[dict] = []
    for document in documents:
        if not isinstance(document, dict):
            raise KubectlError("error unmarshaling JSON: cannot unmarshal into an object")
        if str(document.get("kind") or "").endswith("List") and isinstance(document.get("items"), list):
            objects.extend(i for i in document["items"] if isinstance(i, dict))
        else:
            objects.append(document)
    return objects
