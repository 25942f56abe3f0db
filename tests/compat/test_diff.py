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


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("diff-home")


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, home, monkeypatch, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential diff tests need the test API server")
    harness = ApplyHarness(kube_apiserver, Runners(home, monkeypatch), kubeconfig_file, tmp_path)
    harness.write_files(DIFF_FILES)
    yield harness
    harness.close()


CASES = [
    pytest.param((), ("-f", "d1.yaml"), id="new-object"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d1.yaml"), id="no-difference"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d2.yaml"), id="deployment-changes"),
    pytest.param((("apply", "-f", "d1.yaml"),), ("-f", "d-image.yaml"), id="image"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml"), id="configmap"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "mixed.yaml"), id="several"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml", "--show-managed-fields"), id="managed-fields"),
    pytest.param((("apply", "-f", "cm.yaml"),), ("-f", "cm-b.yaml", "--server-side"), id="server-side"),
    pytest.param((("apply", "-f", "cm.yaml", "--server-side", "--field-manager", "x"),),
                 ("-f", "cm-b.yaml", "--server-side"), id="server-side-conflict"),
    pytest.param((("apply", "-f", "cm.yaml", "--server-side", "--field-manager", "x"),),
                 ("-f", "cm-b.yaml", "--server-side", "--force-conflicts"), id="server-side-force"),
    pytest.param((("apply", "-f", "secret.yaml"),), ("-f", "secret2.yaml"), id="secret-masked"),
    pytest.param((("apply", "-f", "crd.yaml"), ("apply", "-f", "w1.yaml")), ("-f", "w2.yaml"), id="custom-resource"),
    pytest.param((("create", "-f", "cm.yaml"),), ("-f", "cm-b.yaml"), id="created-without-annotation"),
    pytest.param((("apply", "-k", "kdir"),), ("-k", "kdir"), id="kustomize"),
    pytest.param((), ("-f", "cm.yaml", "--force-conflicts"), id="error-force-conflicts"),
    pytest.param((), (), id="error-no-files"),
    pytest.param((), ("-f", "missing.yaml"), id="error-missing-file"),
    pytest.param((), ("-f", "strict.yaml"), id="error-invalid-object"),
]


@pytest.mark.parametrize(("steps", "args"), CASES)
def test_diff_matches_kubectl(harness, steps, args):
    harness.steps = [tuple(step) for step in steps]
    harness.check(["diff", *args], normalise=normalise)


@pytest.mark.parametrize("program", ["diff -u", "diff --brief", "cat", "false"])
def test_external_diff_program(harness, program):
    harness.steps = [("apply", "-f", "cm.yaml")]
    harness.env["KUBECTL_EXTERNAL_DIFF"] = program
    try:
        harness.check(["diff", "-f", "cm-b.yaml"], normalise=normalise)
    finally:
        harness.env.pop("KUBECTL_EXTERNAL_DIFF")


def test_help_matches_kubectl(runners):
    runners.assert_same("diff", "--help")


def test_normalise_hides_temporary_names_and_times():
    text = ("diff -u -N /tmp/LIVE-123/v1.ConfigMap.default.cm1 /tmp/MERGED-ab_c/v1.ConfigMap.default.cm1\n"
            "--- /tmp/LIVE-123/v1.ConfigMap.default.cm1\t2026-11-28 11:56:03.230943755 +0000\n")
    assert normalise(text) == ("diff -u -N /tmp/LIVE-DIR/v1.ConfigMap.default.cm1 "
                               "/tmp/MERGED-DIR/v1.ConfigMap.default.cm1\n--- /tmp/LIVE-DIR/v1.ConfigMap.default.cm1\n")
