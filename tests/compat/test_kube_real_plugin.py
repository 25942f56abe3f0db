"""The --kube-real machinery of pykubectl.testing's pytest plugin, in a pytest run of its own: which tests skip
(and why), and the namespace each test gets (made, named in its kubeconfig, removed) — with a stand-in `kubectl`
on PATH that records its arguments, so no cluster is needed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

TESTS = '''
import pytest


def test_plain(kubeconfig_file):
    assert kubeconfig_file.name.startswith("kubeconfig-real-pykubectl-e2e-")
    assert kubeconfig_file.read_text() == "apiVersion: v1\\nkind: Config\\n"


def test_other_namespace(kubeconfig_for):
    assert kubeconfig_for(namespace="team").name == "kubeconfig-real-team"


def test_internals(kube_apiserver):
    raise AssertionError("must skip")


@pytest.fixture
def state(kube_apiserver):
    return kube_apiserver.store


def test_internals_through_a_fixture(state):
    raise AssertionError("must skip")


@pytest.mark.real_cluster
def test_aware(kube_apiserver, kubeconfig_file):
    assert kube_apiserver is None


@pytest.mark.needs_simulation(reason="fixed names")
def test_marked(kubeconfig_file):
    raise AssertionError("must skip")


def test_limited_user(kubeconfig_for):
    kubeconfig_for("limited")
    raise AssertionError("must skip")
'''

FAKE_KUBECTL = """#!/bin/sh
echo "$*" >> "{log}"
"""


def test_kube_real_skips_and_namespaces(tmp_path: Path):
    (tmp_path / "test_sample.py").write_text(TESTS)
    kubeconfig = tmp_path / "real.kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "kubectl.log"
    fake = bin_dir / "kubectl"
    fake.write_text(FAKE_KUBECTL.format(log=log))
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:xdist",
                           f"--kube-real={kubeconfig}", "test_sample.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "3 passed, 4 skipped" in out
    assert out.count("uses the test server's internals (kube_apiserver)") == 1  # one line, [2]
    assert "SKIPPED [2]" in out
    assert "needs the simulated API server: fixed names (running with --kube-real)" in out
    assert "needs the test server's user 'limited' (running with --kube-real)" in out

    calls = log.read_text().splitlines()
    creates = [c for c in calls if " create namespace " in c]
    deletes = [c for c in calls if " delete namespace " in c]
    # test_plain and test_aware each made a namespace of their own and removed it; "team" is only named
    assert len(creates) == len(deletes) == 2
    names = sorted(c.split(" create namespace ")[1] for c in creates)
    assert all(name.startswith("pykubectl-e2e-") for name in names) and names[0] != names[1]
    assert sorted(c.split(" delete namespace ")[1].split(" ")[0] for c in deletes) == names
    assert all(c.startswith(f"--kubeconfig {kubeconfig} ") for c in creates + deletes)
    assert sum(" config set-context --current --namespace=team" in c for c in calls) == 1
    assert sum(" config set-context --current --namespace=pykubectl-e2e-" in c for c in calls) == 2
    # at the end: one look for finalizer-held pods of the session's namespaces
    assert sum(" get pods --all-namespaces " in c for c in calls) == 1
    assert sorted(c.split(" -n ")[1].split(" ")[0] for c in calls if " wait --for=create serviceaccount/default " in c) == names


def test_without_kube_real_nothing_is_skipped_for_internals(tmp_path: Path):
    (tmp_path / "test_sample.py").write_text(textwrap.dedent('''
        def test_internals(kube_apiserver, kubeconfig_file):
            assert kube_apiserver is not None and kubeconfig_file.exists()
    '''))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "test_sample.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
