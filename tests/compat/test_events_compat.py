"""`events`: the real kubectl 1.32 and pykubectl against the same test API server, byte for byte.

Events are created by the real kubectl with fixed timestamps years in the past, so LAST SEEN cells such as
"2y332d (x5 over 2y332d)" are the same for both runs (they could only differ across a day boundary).
"""

from __future__ import annotations

import pytest
import yaml

EVENTS = [
    {"metadata": {"name": "web.1", "namespace": "default"},
     "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default", "apiVersion": "v1", "uid": "1234"},
     "reason": "Scheduled", "message": "Successfully assigned default/web to node-1  ", "type": "Normal",
     "source": {"component": "default-scheduler"}, "count": 1,
     "firstTimestamp": "2024-01-01T00:00:00Z", "lastTimestamp": "2024-01-01T00:00:00Z"},
    {"metadata": {"name": "web.2", "namespace": "default", "labels": {"b": "2", "a": "1"}},
     "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default", "apiVersion": "v1",
                        "fieldPath": "spec.containers{app}"},
     "reason": "BackOff", "message": "Back-off restarting failed container", "type": "Warning", "count": 5,
     "source": {"component": "kubelet", "host": "node-1"},
     "firstTimestamp": "2024-01-01T00:01:00Z", "lastTimestamp": "2024-01-02T00:00:00Z"},
    {"metadata": {"name": "dep.1", "namespace": "default"},
     "involvedObject": {"kind": "Deployment", "name": "web", "namespace": "default", "apiVersion": "apps/v1"},
     "reason": "ScalingReplicaSet", "message": "Scaled up replica set web-1 to 1", "type": "Normal",
     "eventTime": "2023-06-01T00:00:00.123456Z", "reportingComponent": "deployment-controller",
     "reportingInstance": "controller-0", "action": "Scale",
     "series": {"count": 3, "lastObservedTime": "2023-06-02T00:00:00.000000Z"}},
    {"metadata": {"name": "odd.1", "namespace": "default"},
     "involvedObject": {"kind": "ConfigMap", "name": "cfg", "namespace": "default"},
     "reason": "Odd", "message": "escape \x1b[31mred\x1b[0m and\rreturn", "type": "Warning"},
    {"metadata": {"name": "node.1", "namespace": "kube-system"},
     "involvedObject": {"kind": "Node", "name": "node-1", "apiVersion": "v1"},
     "reason": "Starting", "message": "Starting kubelet.", "type": "Normal",
     "firstTimestamp": "2022-01-01T00:00:00Z", "lastTimestamp": "2022-01-01T00:00:00Z"},
    {"metadata": {"name": "node.2", "namespace": "kube-system"},
     "involvedObject": {"kind": "Node", "name": "node-1", "apiVersion": "v1"},
     "reason": "NodeNotReady", "message": "Node node-1 status is now: NodeNotReady", "type": "Warning",
     "count": 2, "firstTimestamp": "2022-02-01T00:00:00Z", "lastTimestamp": "2022-03-01T10:00:00Z"},
]

# Metadata of every shape, for the typed (struct-ordered) JSON.
META = [
    {"metadata": {"name": "meta.1", "namespace": "meta", "annotations": {"z": "1", "a": "2"}, "labels": {"x": "why"},
                  "finalizers": ["example.com/f"],
                  "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "owner", "uid": "u-1",
                                       "controller": True}]},
     "involvedObject": {"kind": "Pod", "name": "web", "namespace": "meta", "apiVersion": "v1",
                        "resourceVersion": "77", "fieldPath": "spec.containers{a}"},
     "related": {"kind": "Node", "name": "n1"}, "reason": "Meta", "message": "m", "type": "Normal", "count": 0,
     "firstTimestamp": "2024-01-01T00:00:00Z"},
]

# Fourteen more in one namespace, each with its own time: more than Go's insertion-sort cut-off of 12.
MANY = [
    {"metadata": {"name": f"many.{i:02d}", "namespace": "busy"},
     "involvedObject": {"kind": "Pod", "name": f"p{i % 3}", "namespace": "busy", "apiVersion": "v1"},
     "reason": "Pulled" if i % 2 else "Created", "message": f"event number {i}",
     "type": "Normal" if i % 4 else "Warning",
     "firstTimestamp": f"2023-0{1 + i % 9}-{10 + i}T00:00:00Z",
     "lastTimestamp": f"2023-0{1 + i % 9}-{10 + i}T0{i % 10}:00:00Z",
     "count": 1 + i % 3}
    for i in range(14)
]

# Forty events sharing three timestamps: sort.Sort is not stable, so their order is Go's pdqsort's.
TIES = [
    {"metadata": {"name": f"tie.{i:02d}", "namespace": "ties"},
     "involvedObject": {"kind": "Pod", "name": f"p{i}", "namespace": "ties", "apiVersion": "v1"},
     "reason": "Tied", "message": f"tie {i}", "type": "Normal",
     "lastTimestamp": ["2023-05-01T00:00:00Z", "2023-04-01T00:00:00Z", "2023-06-01T00:00:00Z"][(i * 7) % 3]}
    for i in range(40)
]


def _create(runners, env, tmp_path, events, namespaces=()):
    docs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in namespaces]
    docs += [{"apiVersion": "v1", "kind": "Event", **event} for event in events]
    manifest = tmp_path / "events.yaml"
    manifest.write_text(yaml.safe_dump_all(docs))
    created = runners.kubectl("create", "-f", str(manifest), env=env)
    assert created.exit_code == 0, created.stderr


@pytest.fixture
def env(kubeconfig_file):
    return {"KUBECONFIG": str(kubeconfig_file)}


LIST_ARGS = [
    (),
    ("-A",),
    ("-n", "kube-system"),
    ("-n", "busy"),
    ("-n", "busy", "--types=Warning"),
    ("-n", "ties"),
    ("-n", "ties", "-o", "name"),
    ("-A", "--no-headers"),
    ("--all-namespaces", "--no-headers"),
    ("--types=warning",),
    ("--types", "Normal,Warning", "-A"),
    ("--for", "pod/web"),
    ("--for", "deploy/web"),
    ("--for", "deployments.apps/web"),
    ("--for", "deployments.v1.apps/web"),
    ("--for", "Pod/web", "--types=Normal"),
    ("--for", "node/node-1", "-n", "kube-system"),
    ("--for", "pod/nothing"),
    ("-n", "empty"),
    ("--chunk-size=2", "-A"),
    ("-o", "json"),
    ("-o", "json", "-n", "meta", "--show-managed-fields"),
    ("-o", "yaml", "-n", "meta"),
    ("-o", "yaml", "-n", "kube-system"),
    ("-o", "yaml", "--show-managed-fields", "--for", "pod/web"),
    ("-o", "name", "-A"),
    ("-o", "jsonpath={.items[*].metadata.name}", "-A"),
    ("-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}", "-n", "busy"),
    ("-o", "jsonpath-as-json={.items[0].involvedObject}"),
    ("-ojson", "--for", "pod/web", "--types=Warning"),
    ("-o", "go-template={{range .items}}{{.reason}} {{end}}", "-A"),
    ("--template", "{{len .items}}"),
    ("ignored", "arguments"),
]


ERROR_ARGS = [
    ("--types=Info",),
    ("--for", "web"),
    ("--for", "a/b/c"),
    ("--for", "nosuchtype/x"),
    ("-o", "wide"),
    ("-o", "bad", "--types=Info"),
    ("-o", "jsonpath={.items[0].nope}", "--allow-missing-template-keys=false"),
    ("--token", "wrong"),
    ("-w", "--token", "wrong"),
    ("--server", "https://127.0.0.1:1"),
    ("--context", "nope"),
    ("-n", "x", "--context", "nope"),
    ("--for", "pod/x", "--cluster", "nope"),
]



@pytest.mark.needs_simulation(reason="events in fixed namespaces, listed across all namespaces")
def test_events_variants(runners, env, tmp_path):
    """Seeded once (kubectl create is the slow part), then every variant compared in turn."""
    _create(runners, env, tmp_path, EVENTS + MANY + TIES + META, namespaces=("busy", "ties", "meta"))
    for args in LIST_ARGS:
        assert runners.assert_same("events", *args, env=env).exit_code == 0
    for args in ERROR_ARGS:
        runners.assert_same("events", *args, env=env)


def test_events_none_anywhere(runners, env):
    runners.assert_same("events", "-A", env=env)
    runners.assert_same("events", env=env)


def test_events_help(runners):
    runners.assert_same("events", "--help")


@pytest.mark.needs_simulation(reason="events in fixed namespaces, listed across all namespaces")
def test_events_watch_until_the_stream_ends(runners, env, tmp_path):
    """-w prints each event as it arrives (widths remembered across flushes) and exits 0 when the stream ends."""
    _create(runners, env, tmp_path, EVENTS)
    for args in [(), ("-A", "--no-headers", "--types=Warning"), ("--for", "pod/web", "-oyaml")]:
        runners.assert_same("events", "-w", "--request-timeout=1s", *args, env=env)


LATE = {"metadata": {"name": "late.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "a-pod-with-a-long-name", "namespace": "default",
                           "apiVersion": "v1"},
        "reason": "ArrivedDuringTheWatch", "message": "late", "type": "Warning",
        "firstTimestamp": "2024-03-01T00:00:00Z", "lastTimestamp": "2024-03-01T00:00:00Z"}


@pytest.mark.needs_simulation(reason="events in fixed namespaces, listed across all namespaces")
def test_events_watch_prints_events_as_they_arrive(runners, env, tmp_path):
    """An event created while both watches run is printed last, in the remembered column widths."""
    import threading
    import time

    _create(runners, env, tmp_path, EVENTS[:2])
    late = tmp_path / "late.yaml"
    late.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Event", **LATE}))
    args = ("events", "-w", "--request-timeout=1500ms")

    def create_soon():
        time.sleep(0.6)
        runners.kubectl("create", "-f", str(late), env=env)

    results = []
    for run in (runners.kubectl, runners.pykubectl):
        creator = threading.Thread(target=create_soon)
        creator.start()
        results.append(run(*args, env=env))
        creator.join()
        assert runners.kubectl("delete", "event", "late.1", env=env).exit_code == 0
    expected, actual = results
    assert "ArrivedDuringTheWatch" in expected.stdout.splitlines()[-1]
    assert tuple(actual) == tuple(expected)
