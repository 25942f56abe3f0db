"""`kubectl kustomize DIR`: the YAML stream kubectl's embedded kustomize prints, compared byte for byte with the
real kubectl 1.32 (no server involved)."""

from __future__ import annotations

import pytest

DEPLOYMENT = """kind: Deployment
apiVersion: apps/v1
metadata:
  name: web
  labels:
    z: "1"
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        args: ["a", "b"]
        env:
          - name: X
            value: "yes"
"""
CONFIG = """apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  multi: |
    line1
    line2
  num: "1"
  empty: ""
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
"""
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 80
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: pdb
spec:
  minAvailable: 1
"""
CRONJOB = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: cj
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: busybox
"""
FILES = {
    "base/deploy.yaml": DEPLOYMENT,
    "base/cm.yaml": CONFIG,
    "base/kustomization.yaml": "resources:\n- deploy.yaml\n- cm.yaml\n",
    "overlay/kustomization.yaml": "namespace: team\nnamePrefix: dev-\nnameSuffix: -x\ncommonLabels:\n  env: dev\n"
                                  "resources:\n- ../base\n",
    "bases/kustomization.yml": "bases:\n- ../base\nnamespace: other\n",
    "sel/svc.yaml": SERVICE,
    "sel/job.yaml": CRONJOB,
    "sel/kustomization.yaml": "resources:\n- svc.yaml\n- job.yaml\n- ../base\nlabels:\n- pairs:\n    tier: fe\n"
                              "  includeSelectors: true\n- pairs:\n    only: tmpl\n  includeTemplates: true\n"
                              "- pairs:\n    meta: only\n",
    "outside/kustomization.yaml": "resources:\n- ../base/cm.yaml\n",
    "missing/kustomization.yaml": "resources:\n- nope.yaml\n",
    "empty/README": "no kustomization here\n",
}


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("args", [
    ("base",), ("overlay",), ("bases",), ("sel",), ("./overlay/",), ("outside",), ("missing",), ("empty",),
    ("nosuch",), ("base/cm.yaml",), ("base", "overlay"), (), ("--help",),
])
def test_kustomize(runners, tree, args):
    runners.assert_same("kustomize", *args)


def test_kustomize_from_the_current_directory(runners, tree, monkeypatch):
    monkeypatch.chdir(tree / "overlay")
    result = runners.assert_same("kustomize")
    assert "name: dev-web-x\n" in result.stdout


def test_kustomize_output_file(runners, tree):
    expected = runners.kubectl("kustomize", "overlay", "-o", "theirs.yaml")
    actual = runners.pykubectl("kustomize", "overlay", "-o", "ours.yaml")
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert (tree / "ours.yaml").read_text() == (tree / "theirs.yaml").read_text()
    assert "commonLabels" in expected.stderr  # the deprecation notice


def test_kustomize_is_what_create_k_sends(runners, tree):
    built = runners.pykubectl("kustomize", "base").stdout
    assert built.count("---\n") == 2
    assert built.index("kind: Namespace") < built.index("kind: ConfigMap") < built.index("kind: Deployment")
