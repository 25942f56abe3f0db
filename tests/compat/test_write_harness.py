"""Differential runs of the write verbs: the same setup, then the real kubectl and pykubectl, each on a fresh
server state; their stdout, stderr, exit code AND the resulting objects must be the same.

`WriteHarness.check(args, setup=..., files=..., stdin=...)` resets the server, creates the setup objects over
REST, runs the real kubectl, snapshots the namespace; then does the same for pykubectl and compares.
Snapshots drop what differs between two creations (uid, resourceVersion, timestamps, generated names) but
keep spec, data, labels, annotations and the managers recorded in managedFields.
"""

from __future__ import annotations

import copy
import json
import re
import ssl
from pathlib import Path

import httpx

KINDS = (
    ("/api/v1", "pods"), ("/api/v1", "configmaps"), ("/api/v1", "services"), ("/api/v1", "secrets"),
    ("/apis/apps/v1", "deployments"), ("/apis/apps/v1", "replicasets"), ("/apis/apps/v1", "statefulsets"),
)
CLUSTER_KINDS = (("/api/v1", "namespaces"),)

GENERATED = re.compile(r"kube-api-access-[a-z0-9]{5}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RESOURCE_VERSION = re.compile(r'(resourceVersion\\?"?:\s*\\?"?)\d+')


def normalise_text(text: str) -> str:
    text = GENERATED.sub("kube-api-access-XXXXX", text)
    text = TIMESTAMP.sub("TIME", text)
    text = UID.sub("UID", text)
    return RESOURCE_VERSION.sub(r"\g<1>RV", text)


def _normalise(obj):
    obj = copy.deepcopy(obj)
    metadata = obj.get("metadata") or {}
    for key in ("uid", "resourceVersion", "creationTimestamp", "generation"):
        metadata.pop(key, None)
    # the server names a manager after the User-Agent when kubectl sends none: "kubectl.1.32" is the oracle's
    # binary name, which a user's "kubectl" would not have
    metadata["managedFields"] = sorted(
        (re.sub(r"^kubectl\.1\.32$", "kubectl", entry.get("manager") or ""), entry.get("operation"), entry.get("subresource", ""),
         json.dumps(entry.get("fieldsV1"), sort_keys=True))
        for entry in metadata.get("managedFields") or ())
    obj.pop("status", None)
    return json.loads(normalise_text(json.dumps(obj, sort_keys=True)))


class WriteHarness:
    def __init__(self, server, runners, kubeconfig: Path, tmp_path: Path):
        self.server = server
        self.runners = runners
        self.env = {"KUBECONFIG": str(kubeconfig)}
        self.tmp_path = tmp_path
        context = ssl.create_default_context(cadata=server.ca_pem.decode())
        self.http = httpx.Client(base_url=server.url, verify=context,
                                 headers={"Authorization": f"Bearer {server.tokens['admin']}"})

    def close(self) -> None:
        self.http.close()

    # -- server state ---------------------------------------------------------------------------------

    def create(self, obj: dict) -> dict:
        api_version = obj["apiVersion"]
        prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        plural = {"Pod": "pods", "ConfigMap": "configmaps", "Service": "services", "Secret": "secrets",
                  "Deployment": "deployments", "ReplicaSet": "replicasets", "StatefulSet": "statefulsets",
                  "Namespace": "namespaces"}[obj["kind"]]
        namespace = (obj.get("metadata") or {}).get("namespace") or "default"
        path = f"{prefix}/{plural}" if plural == "namespaces" else f"{prefix}/namespaces/{namespace}/{plural}"
        response = self.http.post(path, json=obj)
        assert response.status_code == 201, response.text
        return response.json()

    def snapshot(self) -> dict:
        state = {}
        for prefix, plural in KINDS:
            response = self.http.get(f"{prefix}/namespaces/default/{plural}")
            assert response.status_code == 200, response.text
            for item in response.json().get("items") or ():
                if plural == "configmaps" and item["metadata"]["name"] == "kube-root-ca.crt":
                    continue
                state[f"{plural}/{item['metadata']['name']}"] = _normalise(item)
        response = self.http.get("/api/v1/namespaces")
        state["namespaces"] = sorted(item["metadata"]["name"] for item in response.json().get("items") or ())
        return state

    def prepare(self, setup: list[dict]) -> None:
        self.server.reset()
        for obj in setup:
            self.create(obj)

    # -- the comparison -------------------------------------------------------------------------------

    def write_files(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            path = self.tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def run_both(self, args, setup=(), files=None, stdin: str = "", normalise=None):
        import os

        self.write_files(files or {})
        cwd = os.getcwd()
        os.chdir(self.tmp_path)  # file names in messages stay relative, as the user typed them
        try:
            self.prepare(list(setup))
            expected = self.runners.kubectl(*args, env=self.env, stdin=stdin)
            expected_state = self.snapshot()
            self.prepare(list(setup))
            actual = self.runners.pykubectl(*args, env=self.env, stdin=stdin)
            actual_state = self.snapshot()
        finally:
            os.chdir(cwd)
        return expected, expected_state, actual, actual_state

    def check(self, args, setup=(), files=None, stdin: str = "", normalise=normalise_text, state: bool = True):
        expected, expected_state, actual, actual_state = self.run_both(args, setup, files, stdin)
        if normalise is not None:
            expected = type(expected)(normalise(expected.stdout), normalise(expected.stderr), expected.exit_code)
            actual = type(actual)(normalise(actual.stdout), normalise(actual.stderr), actual.exit_code)
        where = f"kubectl {' '.join(args)}"
        assert (actual.stdout, actual.stderr, actual.exit_code) == (
            expected.stdout, expected.stderr, expected.exit_code), where
        if state:
            assert actual_state == expected_state, where
        return actual, actual_state


# -- shared fixtures and objects for tests/compat/test_write_*.py ----------------------------------------------

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "labels": {"app": "web"}},
       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
POD2 = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p2", "labels": {"app": "db"}},
        "spec": {"containers": [{"name": "c", "image": "redis"}]}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1", "annotations": {"x": "1"}},
      "data": {"a": "1"}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def yaml_text(*objects: dict) -> str:
    import yaml

    return "---\n".join(yaml.safe_dump(obj, sort_keys=False) for obj in objects)


def shared_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("write-home")
    return home


def test_normalise_text_hides_what_differs_between_two_creations():
    text = ('uid: 0b2c9a3e-1d2f-4a5b-8c6d-7e8f9a0b1c2d resourceVersion: "123" '
            "2026-11-28T11:21:21Z kube-api-access-s4c29")
    assert normalise_text(text) == 'uid: UID resourceVersion: "RV" TIME kube-api-access-XXXXX'


def test_snapshot_normalises_objects_but_keeps_managers():
    obj = {"metadata": {"name": "x", "uid": "u", "resourceVersion": "5", "labels": {"a": "b"},
                        "managedFields": [{"manager": "kubectl-create", "operation": "Update",
                                           "time": "2026-01-01T00:00:00Z", "fieldsV1": {"f:a": {}}}]},
           "status": {"phase": "Running"}, "spec": {"x": 1}}
    assert _normalise(obj) == {"metadata": {"name": "x", "labels": {"a": "b"},
                                            "managedFields": [["kubectl-create", "Update", "", '{"f:a": {}}']]},
                               "spec": {"x": 1}}
