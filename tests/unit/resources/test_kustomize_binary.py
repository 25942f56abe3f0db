"""-k DIR runs a `kustomize` binary when one is on PATH, and says how to get one when it is needed."""

import os
import stat

from pykubectl.resources.manifests import Manifest, read_kustomization


def _fake_kustomize(bin_dir, output: str, code: int = 0):
    script = bin_dir / "kustomize"
    script.write_text(f"#!/bin/sh\n[ \"$1\" = build ] || exit 9\ncat <<'EOF'\n{output}EOF\nexit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_kustomize_binary_is_used_when_present(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_kustomize(bin_dir, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-binary\n---\n"
                             "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = list(read_kustomization(str(tmp_path)))
    assert [m.obj["metadata"]["name"] for m in found if isinstance(m, Manifest)] == ["from-binary", "s"]


def test_kustomize_binary_failure_is_reported(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_kustomize(bin_dir, "", code=1)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = list(read_kustomization(str(tmp_path)))
    assert len(found) == 1 and not isinstance(found[0], Manifest)


def test_without_binary_unsupported_fields_say_how_to_get_kustomize(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (tmp_path / "kustomization.yaml").write_text("helmCharts:\n- name: r\n")
    found = list(read_kustomization(str(tmp_path)))
    assert len(found) == 1 and not isinstance(found[0], Manifest)
    assert "'helmCharts'" in str(found[0]) and "install kustomize" in str(found[0])
