"""Pure describe renderers: kubectl's formatting rules, table-driven, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pykubectl.printing.describe import describer_name, render_description
from pykubectl.printing.describe.generic import camelcase_split, smart_label
from pykubectl.printing.describe.pods import describe_probe, pod_qos
from pykubectl.printing.describe.quantity import quantity
from pykubectl.printing.describe.rbac import breakdown_rule, compact_rules
from pykubectl.printing.describe.services import format_endpoint_slices
from pykubectl.printing.describe.workloads import split_replica_sets
from pykubectl.printing.describe.writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    format_label_selector,
    human_duration,
)

NOW = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("text", "canonical"), [
    ("500Mi", "500Mi"), ("0.5", "500m"), ("1000m", "1"), ("2048Ki", "2Mi"), ("1.5Gi", "1536Mi"),
    ("1000", "1k"), ("1500", "1500"), ("1e3", "1e3"), ("0", "0"), ("100m", "100m"), ("1024", "1024"),
    ("0.1", "100m"), ("129e6", "129e6"), ("1Ki", "1Ki"), ("512", "512"),
])
def test_quantities_print_in_canonical_form(text, canonical):
    assert quantity(text) == canonical


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (-1, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (185, "3m5s"), (600, "10m"),
    (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"), (9 * 3600, "9h"), (50 * 3600, "2d2h"), (10 * 86400, "10d"),
    (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
])
def test_human_duration_matches_apimachinery(seconds, text):
    assert human_duration(seconds) == text


@pytest.mark.parametrize(("field", "label"), [
    ("apiVersion", "API Version"), ("resourceVersion", "Resource Version"), ("uid", "UID"),
    ("PDFLoader", "PDF Loader"), ("hostIPs", "Host I Ps"), ("foo-bar", "Foo - Bar"), ("x1", "x1"),
    ("guidValue", "GUID Value"),
])
def test_generic_field_labels(field, label):
    assert smart_label(field) == label


def test_camelcase_split_moves_the_last_capital_to_the_next_word():
    assert camelcase_split("HTTPServerURL") == ["HTTP", "Server", "URL"]


@pytest.mark.parametrize(("selector", "text"), [
    (None, "<none>"), ({}, "<none>"), ({"matchLabels": {"b": "2", "a": "1"}}, "a=1,b=2"),
    ({"matchLabels": {"z": "1"}, "matchExpressions": [{"key": "a", "operator": "In", "values": ["y", "x"]},
                                                       {"key": "m", "operator": "DoesNotExist"}]},
     "a in (x,y),!m,z=1"),
])
def test_label_selectors_format_sorted_by_key(selector, text):
    assert format_label_selector(selector) == text


def _rendered(fn) -> str:
    w = PrefixWriter()
    fn(w)
    return w.text()


def test_long_and_multiline_annotations_fold():
    text = _rendered(lambda w: annotations_multiline(w, "Annotations", {
        "b": "x" * 150, "a": "short", "c": "one\ntwo\n",
        "kubectl.kubernetes.io/last-applied-configuration": "{}"}))
    assert text == ("Annotations:  a: short\n"
                    "              b:\n"
                    "                " + "x" * 138 + "...\n"
                    "              c:\n"
                    "                one\n"
                    "                two\n")


def test_events_table_aggregates_counts_and_series():
    events = [
        {"type": "Normal", "reason": "Late", "message": " m1 ", "lastTimestamp": "2023-12-31T23:00:00Z",
         "firstTimestamp": "2023-12-31T22:00:00Z", "count": 3, "source": {"component": "a"}},
        {"type": "Warning", "reason": "Early", "message": "m2", "lastTimestamp": "2023-12-31T00:00:00Z",
         "firstTimestamp": "2023-12-31T00:00:00Z", "count": 1, "reportingComponent": "ctl"},
        {"type": "Normal", "reason": "New", "message": "m3", "eventTime": "2023-12-31T23:59:00.000000Z",
         "series": {"count": 2, "lastObservedTime": "2023-12-31T23:59:30.000000Z"}, "reportingComponent": "x"},
    ]
    # oldest lastTimestamp first (an event without one sorts first: the zero time); a series or a count
    # above 1 shows "(xN over AGE-OF-FIRST)"; message trimmed; reportingComponent when no source
    assert _rendered(lambda w: describe_events(w, events, NOW)) == (
        "Events:\n"
        "  Type     Reason  Age                 From  Message\n"
        "  ----     ------  ----                ----  -------\n"
        "  Normal   New     30s (x2 over 60s)   x     m3\n"
        "  Warning  Early   24h                 ctl   m2\n"
        "  Normal   Late    60m (x3 over 120m)  a     m1\n")


def test_no_events():
    assert _rendered(lambda w: describe_events(w, [], NOW)) == "Events:  <none>\n"


def test_endpoint_slices_list_three_ready_addresses_then_a_count():
    slices = [{"ports": [{"name": "http", "port": 80}],
               "endpoints": [{"addresses": [f"10.0.0.{i}"]} for i in range(1, 6)]
               + [{"addresses": ["10.0.0.9"], "conditions": {"ready": False}}]}]
    assert format_endpoint_slices(slices, {"http"}) == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
    assert format_endpoint_slices(slices, {"other"}) == ""
    assert format_endpoint_slices([], {"http"}) == "<none>"


def test_rbac_rules_break_down_and_compact_by_resource():
    rules = [r for rule in [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
                            {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch"]},
                            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}] for r in breakdown_rule(rule)]
    assert compact_rules(rules) == [{"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
                                    {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]


@pytest.mark.parametrize(("containers", "qos"), [
    ([{}], "BestEffort"),
    ([{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}}],
     "Guaranteed"),
    ([{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}], "Guaranteed"),
    ([{"resources": {"requests": {"cpu": "100m"}}}], "Burstable"),
    ([{"resources": {"limits": {"cpu": "1"}}}], "Burstable"),
])
def test_pod_qos_class(containers, qos):
    pod = {"spec": {"containers": [{"name": f"c{i}", **c} for i, c in enumerate(containers)]}}
    if "requests" not in str(containers) and "limits" in str(containers):
        # the API server copies limits into missing requests
        for c in pod["spec"]["containers"]:
            c["resources"]["requests"] = dict(c["resources"]["limits"])
    assert pod_qos(pod) == qos


@pytest.mark.parametrize(("probe", "text"), [
    ({"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}}, "http-get http://:8080/healthz"),
    ({"tcpSocket": {"port": "web"}}, "tcp-socket :web"),
    ({"exec": {"command": ["cat", "/tmp/x"]}}, "exec [cat /tmp/x]"),
    ({"grpc": {"port": 9000, "service": "s"}}, "grpc <pod>:9000 s"),
])
def test_probes(probe, text):
    attrs = " delay=0s timeout=1s period=10s #success=1 #failure=3"
    full = {**probe, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert describe_probe(full) == text + attrs


def test_deployment_new_replica_set_is_the_one_with_its_template():
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "v2"}]}}
    deployment = {"spec": {"template": template}}

    def rs(name, image, created):
        return {"metadata": {"name": name, "creationTimestamp": created},
                "spec": {"template": {"metadata": {"labels": {"app": "web", "pod-template-hash": name}},
                                      "spec": {"containers": [{"name": "c", "image": image}]}}}}

    old, new = split_replica_sets(deployment, [rs("a", "v1", "2020-01-01T00:00:00Z"),
                                               rs("b", "v2", "2021-01-01T00:00:00Z")])
    assert [r["metadata"]["name"] for r in old] == ["a"]
    assert [r["metadata"]["name"] for r in new] == ["b"]


def test_kinds_without_a_describer_use_the_generic_one():
    assert describer_name("example.com", "Widget") == "generic:describe_generic_related"
    assert describer_name("apps", "Deployment") == "workloads:describe_deployment"
    text = render_description({"apiVersion": "example.com/v1", "kind": "Widget",
                               "metadata": {"name": "w", "namespace": "ns", "managedFields": [{}]},
                               "spec": {"size": 3, "tags": ["a", "b"], "ports": [{"port": 80}]}},
                              {"events": None}, NOW)
    assert text == ("Name:         w\n"
                    "Namespace:    ns\n"
                    "Labels:       <none>\n"
                    "Annotations:  <none>\n"
                    "API Version:  example.com/v1\n"
                    "Kind:         Widget\n"
                    "Metadata:\n"
                    "Spec:\n"
                    "  Ports:\n"
                    "    Port:  80\n"
                    "  Size:    3\n"
                    "  Tags:\n"
                    "    a\n"
                    "    b\n")


def test_secret_values_are_hidden():
    text = render_description({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                               "metadata": {"name": "s", "namespace": "d"}, "data": {"k": "c2VjcmV0"}},
                              {"events": None}, NOW)
    assert "secret" not in text
    assert text.endswith("Data\n====\nk:  6 bytes\n")
