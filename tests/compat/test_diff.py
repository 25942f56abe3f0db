"""kubectl diff against the real kubectl 1.32 on the same server state: the same unified diff (temporary
directory names and file times aside), the same exit status, and the server left unchanged."""

from __future__ import annotations

import re

import pytest

from tests.compat.test_apply import FILES, ApplyHarness
from tests.compat.test_write_harness import normalise_text, yaml_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"}, "data": {"a": "MQ==", "b": "Mg=="}}
DIFF_FILES = {
    **FILES,
    "secret.yaml": yaml_text(SECRET),
    "secret2.yaml": yaml_text({**SECRET, "data": {"a": "MQ==", "b": "Mw==", "c": "NA=="}}),
}


def normalise(text: str) -> str:
    text = re.sub(r"/(LIVE|MERGED)-[^/\s]+", r"/\1-DIR", text)
    text = re.sub(r"^((?:---|\+\+\+) \S+)\t.*$", r"\1", text, flags=re.M)
    text = re.sub(r"^W\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ", "W0000 PID ", text, flags=re.M)
    return _drop_time_only_hunks(normalise_text(text))


def _drop_time_only_hunks(text: str) -> str:
    """A managedFields time differs between live and merged only when a second boundary passed in between."""
    # One removed and one added time line count the same on both sides of a hunk header as one context line.
    text = re.sub(r'(?m)^-(\s+time: "TIME")\n\+\1\n', r" \1\n", text)
    parts = re.split(r"(?m)^(?=@@ )", text)
    return parts[0] + "".join(hunk for hunk in parts[1:] if re.search(r"(?m)^[-+]", hunk))
