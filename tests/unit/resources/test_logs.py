"""resources.logs and client.logs: pod choice (ByLogging), default containers, selectors, queries, --since-time."""

from __future__ import annotations

import io

import pytest

from pykubectl.client.logs import PodLogQuery, split_lines
from pykubectl.errors import KubectlError
from pykubectl.resources.logs import (
    all_container_names,
    find_container,
    go_type_name,
    label_selector_string,
    parse_rfc3339,
    requests_for_object,
    selector_for_object,
    sort_for_logging,
)


def pod(name="p", containers=("app",), inits=(), ephemeral=(), annotations=None, **status):
    spec = {"containers": [{"name": c} for c in containers]}
    if inits:
        spec["initContainers"] = [{"name": c} for c in inits]
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": c} for c in ephemeral]
    metadata = {"name": name, "namespace": "ns"}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


# ---- containers -----------------------------------------------------------------------------------------


def test_all_container_names_lists_ephemeral_then_init():
    p = pod(containers=("a", "b"), inits=("i",), ephemeral=("e",))
    assert all_container_names(p) == "a, b, e (ephem), i (init)"


def test_find_container_gives_the_field_path():
    p = pod(containers=("a",), inits=("i",), ephemeral=("e",))
    assert find_container(p, "a") == "spec.containers{a}"
    assert find_container(p, "i") == "spec.initContainers{i}"
    assert find_container(p, "e") == "spec.ephemeralContainers{e}"
    assert find_container(p, "zz") is None


def _requests(obj, query: PodLogQuery | None = None, **kwargs):
    warn = io.StringIO()
    out = requests_for_object(None, obj, query or PodLogQuery(), 1.0, warn=warn, **kwargs)
    return [(r.source.pod, r.source.container, r.query.container) for r in out], warn.getvalue()


def test_single_container_needs_no_notice():
    assert _requests(pod()) == ([("p", "app", "app")], "")


def test_first_container_is_defaulted_with_kubectls_notice():
    requests, warned = _requests(pod(containers=("a", "b"), inits=("setup",)))
    assert requests == [("p", "a", "a")]
    assert warned == 'Defaulted container "a" out of: a, b, setup (init)\n'


def test_default_container_annotation_wins_quietly():
    p = pod(containers=("a", "b"), annotations={"kubectl.kubernetes.io/default-container": "b"})
    assert _requests(p) == ([("p", "b", "b")], "")


def test_annotation_naming_no_container_falls_back_to_the_first():
    p = pod(containers=("a", "b"), annotations={"kubectl.kubernetes.io/default-container": "zz"})
    requests, warned = _requests(p)
    assert requests == [("p", "a", "a")]
    assert warned == ('Default container name "zz" not found in pod p\n'
                      'Defaulted container "a" out of: a, b\n')


def test_explicit_container_overrides_the_annotation():
    p = pod(containers=("a", "b"), annotations={"kubectl.kubernetes.io/default-container": "b"})
    assert _requests(p, PodLogQuery(container="a")) == ([("p", "a", "a")], "")


def test_unknown_container_is_kubectls_error():
    with pytest.raises(KubectlError, match=r"^container zz is not valid for pod p$"):
        _requests(pod(), PodLogQuery(container="zz"))


def test_all_containers_are_init_then_regular_then_ephemeral():
    p = pod(containers=("a", "b"), inits=("i1", "i2"), ephemeral=("e",))
    requests, warned = _requests(p, all_containers=True)
    assert [r[1] for r in requests] == ["i1", "i2", "a", "b", "e"]
    assert warned == ""


def test_all_pods_suppresses_the_defaulted_notice():
    pods = {"kind": "PodList", "items": [pod("x", containers=("a", "b")), pod("y", containers=("a", "b"))]}
    requests, warned = _requests(pods, all_pods=True)
    assert requests == [("x", "a", "a"), ("y", "a", "a")] and warned == ""
    requests, warned = _requests(pods)
    assert warned.count("Defaulted container") == 2


def test_prefix_names_pod_and_container():
    out = requests_for_object(None, pod(), PodLogQuery(), 1.0)
    assert out[0].source.prefix == "[pod/p/app] "


# ---- workloads --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("obj", "expected"), [
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "ns"},
      "spec": {"selector": {"matchLabels": {"b": "2", "a": "1"}}}}, ("ns", "a=1,b=2")),
    ({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"namespace": "ns"},
      "spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}}}},
     ("ns", "batch.kubernetes.io/controller-uid=u")),
    ({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"namespace": "ns"},
      "spec": {"selector": {"z": "1", "app": "x"}}}, ("ns", "app=x,z=1")),
    ({"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "ns", "name": "s"},
      "spec": {"selector": {"app": "web"}}}, ("ns", "app=web")),
])
def test_selector_for_object(obj, expected):
    assert selector_for_object(obj) == expected


def test_label_selector_string_sorts_requirements_and_values():
    selector = {"matchLabels": {"tier": "web"},
                "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                                     {"key": "zone", "operator": "NotIn", "values": ["b", "a"]},
                                     {"key": "canary", "operator": "DoesNotExist"},
                                     {"key": "app", "operator": "Exists"}]}
    assert label_selector_string(selector) == "app,!canary,env in (dev,prod),tier=web,zone notin (a,b)"


def test_selectorless_service_and_unsupported_kinds():
    with pytest.raises(KubectlError, match="^invalid service 'h': Service is defined without a selector$"):
        selector_for_object({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "h"}, "spec": {}})
    with pytest.raises(KubectlError, match=r"^selector for \*v1.ConfigMap not implemented$"):
        selector_for_object({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})


def test_go_type_name():
    assert go_type_name({"apiVersion": "v1", "kind": "Secret"}) == "*v1.Secret"
    assert go_type_name({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress"}) == "*v1.Ingress"
    assert go_type_name({"apiVersion": "example.com/v1", "kind": "Widget"}) == "*unstructured.Unstructured"


class FakeClient:
    def __init__(self, pods):
        self.pods = pods
        self.calls = []

    def get_json(self, path, params=None, **_):
        self.calls.append((path, params))
        return {"kind": "PodList", "metadata": {"resourceVersion": "7"}, "items": self.pods}


def test_workload_uses_the_best_pod_and_says_so():
    ready = [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}]
    pending = pod("pending", phase="Pending")
    running = pod("running", phase="Running", conditions=ready)
    running["spec"]["nodeName"] = "node01"
    client = FakeClient([pending, running])
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "ns", "name": "d"},
                  "spec": {"selector": {"matchLabels": {"app": "d"}}}}
    warn = io.StringIO()
    out = requests_for_object(client, deployment, PodLogQuery(), 1.0, warn=warn)
    assert [r.source.pod for r in out] == ["running"]
    assert warn.getvalue() == "Found 2 pods, using pod/running\n"
    assert client.calls == [("/api/v1/namespaces/ns/pods", {"labelSelector": "app=d"})]


def test_unsupported_workload_error_names_the_go_type():
    with pytest.raises(KubectlError, match=r"^cannot get the logs from \*v1.ConfigMap: selector for \*v1.ConfigMap"):
        requests_for_object(FakeClient([]), {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}},
                            PodLogQuery(), 1.0)


# ---- ByLogging --------------------------------------------------------------------------------------------


def _scheduled(p, node="n"):
    p["spec"]["nodeName"] = node
    return p


def _ready(since):
    return [{"type": "Ready", "status": "True", "lastTransitionTime": since}]


def test_by_logging_prefers_assigned_running_ready_pods():
    unassigned = pod("unassigned", phase="Running")
    pending = _scheduled(pod("pending", phase="Pending"))
    unknown = _scheduled(pod("unknown", phase="Unknown"))
    not_ready = _scheduled(pod("not-ready", phase="Running"))
    ready = _scheduled(pod("ready", phase="Running", conditions=_ready("2024-01-01T00:00:00Z")))
    order = sort_for_logging([unassigned, pending, unknown, not_ready, ready])
    assert [p["metadata"]["name"] for p in order] == ["ready", "not-ready", "unknown", "pending", "unassigned"]


def test_by_logging_ready_longest_then_restarts_then_oldest():
    early = _scheduled(pod("early", phase="Running", conditions=_ready("2024-01-01T00:00:00Z")))
    late = _scheduled(pod("late", phase="Running", conditions=_ready("2024-06-01T00:00:00Z")))
    assert [p["metadata"]["name"] for p in sort_for_logging([late, early])] == ["early", "late"]
    calm = _scheduled(pod("calm", phase="Running", containerStatuses=[{"restartCount": 0}]))
    restarted = _scheduled(pod("restarted", phase="Running", containerStatuses=[{"restartCount": 3}]))
    assert [p["metadata"]["name"] for p in sort_for_logging([calm, restarted])] == ["restarted", "calm"]
    old, new = _scheduled(pod("old", phase="Running")), _scheduled(pod("new", phase="Running"))
    old["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z"
    new["metadata"]["creationTimestamp"] = "2024-02-01T00:00:00Z"
    assert [p["metadata"]["name"] for p in sort_for_logging([new, old])] == ["old", "new"]


def test_by_logging_keeps_ties_in_list_order():
    pods = [_scheduled(pod(f"p{i}", phase="Running")) for i in range(5)]
    assert [p["metadata"]["name"] for p in sort_for_logging(pods)] == ["p0", "p1", "p2", "p3", "p4"]


# ---- --since-time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "sent"), [
    ("2024-08-30T06:00:00Z", "2024-08-30T06:00:00Z"),
    ("2024-08-30T06:00:00.123456789Z", "2024-08-30T06:00:00Z"),
    ("2024-08-30T08:30:00+02:30", "2024-08-30T06:00:00Z"),
    ("2024-08-30T6:00:00Z", "2024-08-30T06:00:00Z"),
])
def test_parse_rfc3339_sends_utc_seconds(text, sent):
    assert parse_rfc3339(text) == sent


LAYOUT = '"2006-01-02T15:04:05Z07:00"'


@pytest.mark.parametrize(("text", "message"), [
    ("bad", f'parsing time "bad" as {LAYOUT}: cannot parse "bad" as "2006"'),
    ("2024-01-01", f'parsing time "2024-01-01" as {LAYOUT}: cannot parse "" as "T"'),
    ("2024-01-01T00:00:00", f'parsing time "2024-01-01T00:00:00" as {LAYOUT}: cannot parse "" as "Z07:00"'),
    ("2024-13-01T00:00:00Z", 'parsing time "2024-13-01T00:00:00Z": month out of range'),
    ("2024-02-30T00:00:00Z", 'parsing time "2024-02-30T00:00:00Z": day out of range'),
    ("2024-01-01T00:00:00Zabc", 'parsing time "2024-01-01T00:00:00Zabc": extra text: "abc"'),
])
def test_parse_rfc3339_errors_are_gos(text, message):
    with pytest.raises(KubectlError) as caught:
        parse_rfc3339(text)
    assert str(caught.value) == message


# ---- client.logs ------------------------------------------------------------------------------------------


def test_query_leaves_out_false_and_unset_values():
    assert PodLogQuery(container="c").params() == {"container": "c"}
    full = PodLogQuery(container="c", follow=True, previous=True, timestamps=True, since_seconds=300,
                       tail_lines=10, limit_bytes=100, insecure_skip_tls_verify_backend=True)
    assert full.params() == {"container": "c", "follow": "true", "previous": "true", "sinceSeconds": "300",
                             "timestamps": "true", "tailLines": "10", "limitBytes": "100",
                             "insecureSkipTLSVerifyBackend": "true"}
    assert PodLogQuery(tail_lines=0, since_time="2024-01-01T00:00:00Z").params() == {
        "sinceTime": "2024-01-01T00:00:00Z", "tailLines": "0"}


def test_split_lines_recuts_chunks_at_newlines():
    chunks = [b"a\nb", b"", b"c\n", b"\n", b"tail"]
    assert list(split_lines(iter(chunks))) == [b"a\n", b"bc\n", b"\n", b"tail"]
