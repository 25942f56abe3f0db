"""The test API server's object verbs on the wire: CRUD, selectors, paging, concurrency, GC, watch, tables."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest

pytestmark = [pytest.mark.needs_simulation, pytest.mark.no_simulation]  # API semantics, no cluster

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
PODS = "/api/v1/namespaces/default/pods"
DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"


def call(server, path, *, method="GET", body=None, accept="application/json", content_type="application/json",
         timeout=10):
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    headers = {"Accept": accept, "Authorization": "Bearer admin-token"}
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, context=context, timeout=timeout) as response:
            raw = response.read()
            return response.status, response.headers, raw
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def jcall(server, path, **kwargs):
    code, headers, raw = call(server, path, **kwargs)
    return code, json.loads(raw) if raw.strip() else None


def pod(name, labels=None, image="nginx"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}},
            "spec": {"containers": [{"name": "c", "image": image}]}}


def deployment(name, replicas=1):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}}}


@pytest.fixture
def server(kube_apiserver):
    kube_apiserver.reset()
    return kube_apiserver


def test_create_get_delete_round_trip(server):
    code, created = jcall(server, PODS, method="POST", body=pod("a"))
    assert code == 201
    meta = created["metadata"]
    assert meta["namespace"] == "default" and meta["uid"] and meta["resourceVersion"]
    assert meta["creationTimestamp"].endswith("Z")
    code, fetched = jcall(server, PODS + "/a")
    assert code == 200 and fetched["metadata"]["uid"] == meta["uid"]
    code, deleted = jcall(server, PODS + "/a", method="DELETE", body={"propagationPolicy": "Background"})
    assert code == 200 and deleted["metadata"]["name"] == "a"
    code, missing = jcall(server, PODS + "/a")
    assert code == 404
    assert missing == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                       "message": 'pods "a" not found', "reason": "NotFound",
                       "details": {"name": "a", "kind": "pods"}, "code": 404}


def test_pod_defaults_kubectl_shows(server):
    _, created = jcall(server, PODS, method="POST", body=pod("d", image="busybox"))
    spec = created["spec"]
    assert spec["restartPolicy"] == "Always" and spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler" and spec["terminationGracePeriodSeconds"] == 30
    assert spec["serviceAccountName"] == "default" and spec["enableServiceLinks"] is True
    container = spec["containers"][0]
    assert container["imagePullPolicy"] == "Always"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert [t["key"] for t in spec["tolerations"]] == ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
    assert created["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert "generation" not in created["metadata"]


def test_deployment_and_service_defaults(server):
    _, dep = jcall(server, DEPLOYS, method="POST", body=deployment("web"))
    assert dep["spec"]["strategy"] == {"type": "RollingUpdate",
                                       "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    assert (dep["spec"]["revisionHistoryLimit"], dep["spec"]["progressDeadlineSeconds"]) == (10, 600)
    assert dep["metadata"]["generation"] == 1
    assert dep["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    code, created = jcall(server, "/api/v1/namespaces/default/services", method="POST", body=svc)
    assert code == 201
    spec = created["spec"]
    assert spec["type"] == "ClusterIP" and spec["sessionAffinity"] == "None"
    assert spec["clusterIP"].startswith("10.") and spec["clusterIPs"] == [spec["clusterIP"]]
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]


def test_invalid_name_gives_422_with_causes(server):
    code, body = jcall(server, PODS, method="POST", body=pod("Bad_Name"))
    assert code == 422
    assert body["reason"] == "Invalid" and body["details"]["kind"] == "Pod"
    assert body["message"].startswith('Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": '
                                      "a lowercase RFC 1123 subdomain must consist of")
    assert body["details"]["causes"][0]["field"] == "metadata.name"


def test_missing_containers_and_image(server):
    bad = pod("x")
    bad["spec"]["containers"] = []
    assert jcall(server, PODS, method="POST", body=bad)[1]["message"] == \
        'Pod "x" is invalid: spec.containers: Required value'
    bad["spec"]["containers"] = [{"name": ""}]
    body = jcall(server, PODS, method="POST", body=bad)[1]
    assert [c["field"] for c in body["details"]["causes"]] == ["spec.containers[0].name", "spec.containers[0].image"]


def test_already_exists_and_missing_namespace(server):
    jcall(server, PODS, method="POST", body=pod("a"))
    code, body = jcall(server, PODS, method="POST", body=pod("a"))
    assert (code, body["reason"], body["message"]) == (409, "AlreadyExists", 'pods "a" already exists')
    code, body = jcall(server, "/api/v1/namespaces/nope/pods", method="POST", body=pod("a"))
    assert (code, body["message"]) == (404, 'namespaces "nope" not found')


def test_stale_resource_version_conflicts(server):
    _, created = jcall(server, DEPLOYS, method="POST", body=deployment("web"))
    first = json.loads(json.dumps(created))
    created["spec"]["replicas"] = 3
    code, updated = jcall(server, DEPLOYS + "/web", method="PUT", body=created)
    assert code == 200 and updated["metadata"]["generation"] == 2
    first["spec"]["replicas"] = 4
    code, body = jcall(server, DEPLOYS + "/web", method="PUT", body=first)
    assert code == 409
    assert body["message"] == ('Operation cannot be fulfilled on deployments.apps "web": the object has been '
                               "modified; please apply your changes to the latest version and try again")


def test_label_and_field_selectors(server):
    jcall(server, PODS, method="POST", body=pod("a", {"app": "web", "tier": "fe"}))
    jcall(server, PODS, method="POST", body=pod("b", {"app": "db"}))
    jcall(server, PODS, method="POST", body=pod("c"))

    def names(query):
        return [i["metadata"]["name"] for i in jcall(server, PODS + "?" + query)[1]["items"]]
    assert names("labelSelector=app%3Dweb") == ["a"]
    assert names("labelSelector=app%21%3Dweb") == ["b", "c"]
    assert names("labelSelector=app+in+%28web%2Cdb%29") == ["a", "b"]
    assert names("labelSelector=%21app") == ["c"]
    assert names("labelSelector=app") == ["a", "b"]
    assert names("fieldSelector=metadata.name%3Db") == ["b"]
    assert names("fieldSelector=status.phase%3DPending%2Cmetadata.name%21%3Da") == ["b", "c"]
    code, body = jcall(server, PODS + "?fieldSelector=spec.foo%3Dx")
    assert (code, body["message"]) == (400, "field label not supported: spec.foo")


def test_limit_and_continue(server):
    for name in "abcde":
        jcall(server, PODS, method="POST", body=pod(name))
    _, page = jcall(server, PODS + "?limit=2")
    assert [i["metadata"]["name"] for i in page["items"]] == ["a", "b"]
    assert page["metadata"]["remainingItemCount"] == 3
    token = page["metadata"]["continue"]
    _, page2 = jcall(server, PODS + f"?limit=2&continue={token}")
    assert [i["metadata"]["name"] for i in page2["items"]] == ["c", "d"]
    _, page3 = jcall(server, PODS + f"?limit=2&continue={page2['metadata']['continue']}")
    assert [i["metadata"]["name"] for i in page3["items"]] == ["e"] and "continue" not in page3["metadata"]


def test_dry_run_stores_nothing(server):
    code, body = jcall(server, PODS + "?dryRun=All", method="POST", body=pod("dry"))
    assert code == 201 and body["metadata"]["uid"]
    assert jcall(server, PODS + "/dry")[0] == 404


def test_strict_and_warn_field_validation(server):
    bad = pod("u")
    bad["spec"]["foo"] = 1
    code, body = jcall(server, PODS + "?fieldValidation=Strict", method="POST", body=bad)
    assert code == 400
    assert body["message"] == 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"'
    code, headers, raw = call(server, PODS + "?fieldValidation=Warn", method="POST", body=bad)
    assert code == 201 and headers["Warning"] == '299 - "unknown field \\"spec.foo\\""'
    assert "foo" not in json.loads(raw)["spec"]


def test_bad_json_unknown_media_types(server):
    code, body = jcall(server, PODS, method="POST", body=b"{nope")
    assert code == 400 and body["reason"] == "BadRequest"
    code, body = jcall(server, PODS, method="POST", body=b"x", content_type="text/plain")
    assert code == 415 and body["reason"] == "UnsupportedMediaType"
    code, body = jcall(server, PODS, accept="text/html")
    assert code == 406 and body["reason"] == "NotAcceptable"


def test_patch_types(server):
    jcall(server, DEPLOYS, method="POST", body=deployment("web"))
    code, body = jcall(server, DEPLOYS + "/web", method="PATCH", content_type="application/strategic-merge-patch+json",
                       body={"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "busybox"}]}}}})
    assert code == 200
    assert [c["name"] for c in body["spec"]["template"]["spec"]["containers"]] == ["c", "side"]
    code, body = jcall(server, DEPLOYS + "/web", method="PATCH", content_type="application/merge-patch+json",
                       body={"metadata": {"labels": {"x": "y"}}})
    assert body["metadata"]["labels"] == {"x": "y"}
    code, body = jcall(server, DEPLOYS + "/web", method="PATCH", content_type="application/json-patch+json",
                       body=[{"op": "replace", "path": "/spec/replicas", "value": 4}])
    assert code == 200 and body["spec"]["replicas"] == 4
    code, body = jcall(server, DEPLOYS + "/web", method="PATCH", content_type="application/json-patch+json",
                       body=[{"op": "remove", "path": "/spec/nope"}])
    assert code == 422 and body["reason"] == "Invalid"


def test_server_side_apply_create_conflict_force(server):
    applied = deployment("ssa", replicas=2)
    code, body = jcall(server, DEPLOYS + "/ssa?fieldManager=alice", method="PATCH", body=applied,
                       content_type="application/apply-patch+yaml")
    assert code == 201
    assert [(m["manager"], m["operation"]) for m in body["metadata"]["managedFields"]] == [("alice", "Apply")]
    applied["spec"]["replicas"] = 5
    code, body = jcall(server, DEPLOYS + "/ssa?fieldManager=bob", method="PATCH", body=applied,
                       content_type="application/apply-patch+yaml")
    assert code == 409
    assert body["message"] == 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas'
    assert body["details"]["causes"] == [{"reason": "FieldManagerConflict", "message": 'conflict with "alice"',
                                          "field": ".spec.replicas"}]
    code, body = jcall(server, DEPLOYS + "/ssa?fieldManager=bob&force=true", method="PATCH", body=applied,
                       content_type="application/apply-patch+yaml")
    assert code == 200 and body["spec"]["replicas"] == 5


def test_ssa_conflict_names_update_manager_with_api_version(server):
    jcall(server, DEPLOYS + "?fieldManager=kubectl-client-side-apply", method="POST", body=deployment("w"))
    code, body = jcall(server, DEPLOYS + "/w?fieldManager=kubectl", method="PATCH", body=deployment("w", 3),
                       content_type="application/apply-patch+yaml")
    assert code == 409
    assert body["details"]["causes"][0]["message"] == 'conflict with "kubectl-client-side-apply" using apps/v1'


def test_owner_references_garbage_collection(server):
    _, owner = jcall(server, DEPLOYS, method="POST", body=deployment("own"))
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "own", "uid": owner["metadata"]["uid"]}
    child = pod("child")
    child["metadata"]["ownerReferences"] = [ref]
    jcall(server, PODS, method="POST", body=child)
    orphan = pod("orphan")
    orphan["metadata"]["ownerReferences"] = [ref]
    jcall(server, DEPLOYS, method="POST", body=deployment("own2"))
    jcall(server, DEPLOYS + "/own", method="DELETE", body={"propagationPolicy": "Background"})
    assert jcall(server, PODS + "/child")[0] == 404
    _, owner2 = jcall(server, DEPLOYS + "/own2")
    orphan["metadata"]["ownerReferences"] = [dict(ref, name="own2", uid=owner2["metadata"]["uid"])]
    jcall(server, PODS, method="POST", body=orphan)
    jcall(server, DEPLOYS + "/own2", method="DELETE", body={"propagationPolicy": "Orphan"})
    code, kept = jcall(server, PODS + "/orphan")
    assert code == 200 and "ownerReferences" not in kept["metadata"]


def test_finalizers_hold_deletion(server):
    held = pod("held")
    held["metadata"]["finalizers"] = ["example.com/hold"]
    jcall(server, PODS, method="POST", body=held)
    code, body = jcall(server, PODS + "/held", method="DELETE")
    assert code == 200 and body["metadata"]["deletionTimestamp"]
    _, current = jcall(server, PODS + "/held")
    current["metadata"]["finalizers"] = []
    jcall(server, PODS + "/held", method="PUT", body=current)
    assert jcall(server, PODS + "/held")[0] == 404


def test_namespace_deletion_removes_contents(server):
    jcall(server, "/api/v1/namespaces", method="POST",
          body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tmp"}})
    jcall(server, "/api/v1/namespaces/tmp/pods", method="POST", body=pod("p"))
    code, body = jcall(server, "/api/v1/namespaces/tmp", method="DELETE")
    assert code == 200 and body["status"]["phase"] == "Terminating"
    assert jcall(server, "/api/v1/namespaces/tmp/pods/p")[0] == 404
    assert jcall(server, "/api/v1/namespaces/tmp")[0] == 404


def test_namespace_gets_name_label(server):
    _, ns = jcall(server, "/api/v1/namespaces", method="POST",
                  body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lbl"}})
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "lbl"}
    assert ns["status"] == {"phase": "Active"}


def test_pod_table_columns(server):
    jcall(server, PODS, method="POST", body=pod("t"))
    code, table = jcall(server, PODS, accept=TABLE)
    assert code == 200 and (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert [(c["name"], c["priority"]) for c in table["columnDefinitions"]] == [
        ("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0), ("IP", 1), ("Node", 1),
        ("Nominated Node", 1), ("Readiness Gates", 1)]
    cells = table["rows"][0]["cells"]
    assert cells[:4] == ["t", "0/1", "Pending", "0"] and cells[5:] == ["<none>"] * 4
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_default_table_for_types_without_printer(server):
    code, table = jcall(server, "/apis/rbac.authorization.k8s.io/v1/clusterroles", accept=TABLE)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Created At"]


def test_watch_replays_and_resumes(server):
    _, first = jcall(server, PODS, method="POST", body=pod("w1"))
    jcall(server, PODS, method="POST", body=pod("w2"))
    code, _, raw = call(server, PODS + "?watch=true&timeoutSeconds=1")
    events = [json.loads(line) for line in raw.decode().splitlines()]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "w1"), ("ADDED", "w2")]
    rv = first["metadata"]["resourceVersion"]
    code, _, raw = call(server, PODS + f"?watch=true&timeoutSeconds=1&resourceVersion={rv}")
    events = [json.loads(line) for line in raw.decode().splitlines()]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "w2")]


def test_watch_table_sends_columns_once(server):
    jcall(server, PODS, method="POST", body=pod("w1"))
    jcall(server, PODS, method="POST", body=pod("w2"))
    _, _, raw = call(server, PODS + "?watch=true&timeoutSeconds=1", accept=TABLE)
    events = [json.loads(line) for line in raw.decode().splitlines()]
    assert events[0]["object"]["columnDefinitions"] and events[1]["object"]["columnDefinitions"] is None
    assert events[1]["object"]["rows"][0]["cells"][0] == "w2"


def test_scale_subresource(server):
    jcall(server, DEPLOYS, method="POST", body=deployment("sc"))
    code, scale = jcall(server, DEPLOYS + "/sc/scale")
    assert code == 200 and scale["kind"] == "Scale" and scale["spec"]["replicas"] == 1
    assert scale["status"]["selector"] == "app=sc"
    code, scale = jcall(server, DEPLOYS + "/sc/scale", method="PATCH", content_type="application/merge-patch+json",
                        body={"spec": {"replicas": 4}})
    assert code == 200 and jcall(server, DEPLOYS + "/sc")[1]["spec"]["replicas"] == 4


def test_eviction_honours_disruption_budget(server):
    jcall(server, PODS, method="POST", body=pod("ev", {"app": "ev"}))
    # A Pending pod is evicted whatever the budget says (eviction.go canIgnorePDB): make it run.
    code, _ = jcall(server, PODS + "/ev/status", method="PATCH", content_type="application/merge-patch+json",
                    body={"status": {"phase": "Running"}})
    assert code == 200
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb"},
           "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "ev"}}}}
    jcall(server, "/apis/policy/v1/namespaces/default/poddisruptionbudgets", method="POST", body=pdb)
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "ev", "namespace": "default"}}
    code, body = jcall(server, PODS + "/ev/eviction", method="POST", body=eviction)
    assert code == 429
    assert body["message"] == "Cannot evict pod as it would violate the pod's disruption budget."
    jcall(server, "/apis/policy/v1/namespaces/default/poddisruptionbudgets/pdb", method="DELETE")
    code, body = jcall(server, PODS + "/ev/eviction", method="POST", body=eviction)
    assert code == 201 and jcall(server, PODS + "/ev")[0] == 404


def test_custom_resource_lifecycle(server):
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object",
                                                                 "x-kubernetes-preserve-unknown-fields": True}},
                                  "subresources": {"status": {}}}]}}
    code, _ = jcall(server, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", method="POST", body=crd)
    assert code == 201
    path = "/apis/example.com/v1/namespaces/default/widgets"
    code, _ = jcall(server, path, method="POST",
                    body={"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"a": 1}})
    assert code == 201
    code, body = jcall(server, path + "/w", method="PATCH", content_type="application/strategic-merge-patch+json",
                       body={"spec": {"a": 2}})
    assert code == 415
    jcall(server, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", method="DELETE")
    assert jcall(server, path)[0] == 404
