"""Conformance at the wire: what a 1.32 kube-apiserver answers to requests kubectl makes less often.

Server-side Tables in both versions with every includeObject policy, PartialObjectMetadata lists, `pretty`,
`resourceVersionMatch`, watches bounded by `timeoutSeconds`, the 400/406/415/422 answers, and concurrent
writers with a watcher. A plain HTTP client built from the kubeconfig talks to the server, so this runs
against a real cluster too (`--kube-real`); what only the simulation can show is marked needs_simulation.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import yaml

# Runs under --kube-real too: it asks for kube_apiserver only to tell a real cluster (None) from the test server.
pytestmark = pytest.mark.real_cluster

TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io"
TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"


def http_client(kubeconfig: Path, tmp: Path) -> httpx.Client:
    """An httpx client for the kubeconfig's current context: server, CA, token or client certificate."""
    config = yaml.safe_load(kubeconfig.read_text())
    context = next(c["context"] for c in config["contexts"] if c["name"] == config["current-context"])
    cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
    user = next(u["user"] for u in config["users"] if u["name"] == context["user"])

    def materialise(data_key: str, file_key: str, holder: dict, name: str) -> str | None:
        if holder.get(data_key):
            path = tmp / name
            path.write_bytes(base64.b64decode(holder[data_key]))
            return str(path)
        return holder.get(file_key)

    ca = materialise("certificate-authority-data", "certificate-authority", cluster, "ca.pem")
    cert = materialise("client-certificate-data", "client-certificate", user, "client.pem")
    key = materialise("client-key-data", "client-key", user, "client-key.pem")
    headers = {"Authorization": f"Bearer {user['token']}"} if user.get("token") else {}
    import ssl

    tls = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
    if cert and key:
        tls.load_cert_chain(cert, key)
    return httpx.Client(base_url=cluster["server"], verify=tls, headers=headers, timeout=30)


@pytest.fixture
def api(kubeconfig_file, tmp_path, kube_apiserver):
    """(client, namespace): a namespace of its own with three labelled ConfigMaps."""
    namespace = f"conf-{uuid.uuid4().hex[:8]}"
    with http_client(kubeconfig_file, tmp_path) as client:
        response = client.post("/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                                             "metadata": {"name": namespace}})
        assert response.status_code == 201, response.text
        for name, tier in (("a", "x"), ("b", "y"), ("c", "x")):
            response = client.post(f"/api/v1/namespaces/{namespace}/configmaps", json={
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"tier": tier}},
                "data": {"k": name}})
            assert response.status_code == 201, response.text
        yield client, namespace
        if kube_apiserver is None:
            client.delete(f"/api/v1/namespaces/{namespace}")


def test_tables_in_both_versions_with_each_include_object_policy(api):
    client, ns = api
    path = f"/api/v1/namespaces/{ns}/configmaps"
    for accept, version in ((TABLE_V1, "v1"), (TABLE_V1BETA1, "v1beta1")):
        for include, expected in (("None", None), ("Metadata", "PartialObjectMetadata"), ("Object", "ConfigMap"),
                                  ("", "PartialObjectMetadata")):
            params = {"labelSelector": "tier=x", **({"includeObject": include} if include else {})}
            response = client.get(path, params=params, headers={"Accept": accept})
            assert response.status_code == 200, response.text
            table = response.json()
            assert (table["kind"], table["apiVersion"]) == ("Table", f"meta.k8s.io/{version}")
            assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Data", "Age"]
            assert [c["priority"] for c in table["columnDefinitions"]] == [0, 0, 0]
            assert table["columnDefinitions"][0]["format"] == "name"
            assert [row["cells"][:2] for row in table["rows"]] == [["a", 1], ["c", 1]]
            assert int(table["metadata"]["resourceVersion"]) > 0
            objects = [row.get("object") for row in table["rows"]]
            if expected is None:
                assert objects == [None, None]
            else:
                assert [o["kind"] for o in objects] == [expected, expected]
                assert [o["metadata"]["name"] for o in objects] == ["a", "c"]
                assert ("data" in objects[0]) == (expected == "ConfigMap")
    one = client.get(f"{path}/b", headers={"Accept": TABLE_V1}).json()
    assert (one["kind"], [row["cells"][0] for row in one["rows"]]) == ("Table", ["b"])


def test_partial_object_metadata_list_and_pretty(api):
    client, ns = api
    listed = client.get(f"/api/v1/namespaces/{ns}/configmaps", headers={"Accept": PARTIAL_LIST}).json()
    assert (listed["kind"], listed["apiVersion"]) == ("PartialObjectMetadataList", "meta.k8s.io/v1")
    names = [item["metadata"]["name"] for item in listed["items"] if item["metadata"]["name"] in "abc"]
    assert names == ["a", "b", "c"]
    assert all("data" not in item for item in listed["items"])
    pretty = client.get(f"/api/v1/namespaces/{ns}/configmaps/a", params={"pretty": "true"}).text
    compact = client.get(f"/api/v1/namespaces/{ns}/configmaps/a").text
    assert pretty.startswith('{\n  "kind": "ConfigMap",\n  "apiVersion": "v1",\n  "metadata": {\n    "name": "a",\n'
                             f'    "namespace": "{ns}",\n    "uid": ')
    assert compact.startswith('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":')
    meta = list(json.loads(compact)["metadata"])
    assert meta[:5] == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"]
    assert meta[5:] == ["labels", "managedFields"]
    assert "\n" not in compact.rstrip("\n") and json.loads(pretty) == json.loads(compact)


def test_resource_version_match(api):
    client, ns = api
    path = f"/api/v1/namespaces/{ns}/configmaps"
    current = client.get(path).json()["metadata"]["resourceVersion"]
    ok = client.get(path, params={"resourceVersion": "0", "resourceVersionMatch": "NotOlderThan"})
    assert ok.status_code == 200 and len(ok.json()["items"]) >= 3
    ok = client.get(path, params={"resourceVersion": current, "resourceVersionMatch": "NotOlderThan"})
    assert ok.status_code == 200
    bad = client.get(path, params={"resourceVersionMatch": "Exact"})
    assert bad.status_code == 422, bad.text
    status = bad.json()
    assert (status["kind"], status["reason"], status["code"]) == ("Status", "Invalid", 422)
    assert "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided" \
        in status["message"]
    assert status["message"] == ('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
                                 "resourceVersionMatch is forbidden unless resourceVersion is provided")
    assert (status["details"]["group"], status["details"]["kind"]) == ("meta.k8s.io", "ListOptions")
    bad = client.get(path, params={"resourceVersion": "0", "resourceVersionMatch": "Exact"})
    assert bad.status_code == 422
    assert 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"' in bad.json()["message"]
    bad = client.get(path, params={"resourceVersion": "1", "resourceVersionMatch": "Newest"})
    assert bad.status_code == 422
    assert bad.json()["message"] == ('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported '
                                     'value: "Newest": supported values: "Exact", "NotOlderThan", ""')


def test_watch_from_now_ends_after_timeout_seconds(api):
    client, ns = api
    path = f"/api/v1/namespaces/{ns}/configmaps"
    rv = client.get(path).json()["metadata"]["resourceVersion"]
    events: list[dict] = []

    def change_later() -> None:
        time.sleep(0.5)
        client.patch(f"{path}/a", content='{"metadata":{"labels":{"seen":"1"}}}',
                     headers={"Content-Type": "application/merge-patch+json"})
        client.delete(f"{path}/b")

    started = time.monotonic()
    thread = threading.Thread(target=change_later)
    with client.stream("GET", path, params={"watch": "true", "resourceVersion": rv, "timeoutSeconds": "2",
                                            "allowWatchBookmarks": "true"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        thread.start()
        for line in response.iter_lines():
            if line:
                events.append(json.loads(line))
    thread.join()
    elapsed = time.monotonic() - started
    assert 1.5 < elapsed < 10
    changes = [(e["type"], e["object"]["metadata"]["name"]) for e in events if e["type"] != "BOOKMARK"]
    assert changes == [("MODIFIED", "a"), ("DELETED", "b")]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events if e["type"] != "BOOKMARK"]
    assert rvs == sorted(rvs) and rvs[0] > int(rv)


def test_watch_as_table_rows(api):
    client, ns = api
    with client.stream("GET", f"/api/v1/namespaces/{ns}/configmaps",
                       params={"watch": "1", "timeoutSeconds": "1", "labelSelector": "tier=x"},
                       headers={"Accept": TABLE_V1}) as response:
        events = [json.loads(line) for line in response.iter_lines() if line]
    added = [e for e in events if e["type"] == "ADDED"]
    assert [e["object"]["kind"] for e in added] == ["Table", "Table"]
    assert [e["object"]["rows"][0]["cells"][0] for e in added] == ["a", "c"]
    assert [c["name"] for c in added[0]["object"]["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert added[1]["object"]["columnDefinitions"] in (None, [])  # the columns come once


def test_bad_requests_get_the_servers_answers(api):
    client, ns = api
    path = f"/api/v1/namespaces/{ns}/configmaps"
    cases = [
        (client.get(path, params={"labelSelector": "a b"}), 400, "BadRequest"),
        (client.get(path, params={"fieldSelector": "spec.nope=1"}), 400, "BadRequest"),
        (client.get(path, params={"limit": "abc"}), 400, "BadRequest"),
        (client.get(path, params={"watch": "1", "timeoutSeconds": "x"}), 400, "BadRequest"),
        (client.get(path, headers={"Accept": "application/xml"}), 406, "NotAcceptable"),
        (client.post(path, content="<xml/>", headers={"Content-Type": "application/xml"}), 415,
         "UnsupportedMediaType"),
        (client.post(path, content="{not json", headers={"Content-Type": "application/json"}), 400, "BadRequest"),
        (client.post(path, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad!"}}), 422,
         "Invalid"),
        (client.patch(f"{path}/a", content="[]", headers={"Content-Type": "text/plain"}), 415,
         "UnsupportedMediaType"),
        (client.get(f"{path}/nope"), 404, "NotFound"),
        (client.post(path, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}), 409,
         "AlreadyExists"),
    ]
    for response, code, reason in cases:
        assert response.status_code == code, (response.request.url, response.text)
        body = response.json()
        assert (body["kind"], body["apiVersion"], body["status"], body["code"], body["reason"]) == (
            "Status", "v1", "Failure", code, reason), body
    assert cases[2][0].json()["message"] == 'strconv.ParseInt: parsing "abc": invalid syntax'
    assert cases[4][0].json()["message"].startswith("only the following media types are accepted: ")
    assert cases[9][0].json()["details"] == {"name": "nope", "kind": "configmaps"}


def test_concurrent_writers_and_a_watcher_keep_state_consistent(api):
    client, ns = api
    path = f"/api/v1/namespaces/{ns}/configmaps"
    client.post(path, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "counter"},
                            "data": {"n": "0"}}).raise_for_status()
    rv = client.get(f"{path}/counter").json()["metadata"]["resourceVersion"]
    writers, increments, conflicts = 4, 10, []
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def watch() -> None:
        with client.stream("GET", path, params={"watch": "1", "resourceVersion": rv, "timeoutSeconds": "30",
                                                "fieldSelector": "metadata.name=counter"}) as response:
            for line in response.iter_lines():
                if line:
                    event = json.loads(line)
                    seen.append((event["object"]["data"]["n"], int(event["object"]["metadata"]["resourceVersion"])))
                    if len(seen) == writers * increments or stop.is_set():
                        return

    def write() -> None:
        for _ in range(increments):
            while True:
                current = client.get(f"{path}/counter").json()
                current["data"]["n"] = str(int(current["data"]["n"]) + 1)
                response = client.put(f"{path}/counter", json=current)
                if response.status_code == 409:
                    conflicts.append(1)
                    continue
                response.raise_for_status()
                break

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    watcher.join(30)
    stop.set()
    assert client.get(f"{path}/counter").json()["data"]["n"] == str(writers * increments)
    assert [n for n, _ in seen] == [str(i) for i in range(1, writers * increments + 1)]
    assert [v for _, v in seen] == sorted({v for _, v in seen})


@pytest.mark.needs_simulation
def test_expired_continue_token_and_too_old_watch(api, kube_apiserver):
    client, ns = api
    path = f"/api/v1/namespaces/{ns}/configmaps"
    everything = len(client.get(path).json()["items"])
    first = client.get(path, params={"limit": 1}).json()
    token = first["metadata"]["continue"]
    assert first["metadata"]["remainingItemCount"] == everything - 1
    # Push the store's history past the list's resourceVersion, as an etcd compaction would.
    from pykubectl.testing.store import HISTORY

    store = kube_apiserver.store
    info = store.info("", "v1", "configmaps")

    def churn() -> None:
        for i in range(HISTORY + 1):
            store.mutate(info, ns, "c", lambda obj, i=i: {**obj, "data": {"i": str(i)}})
    kube_apiserver.call(churn)
    assert store.oldest_rv() > int(first["metadata"]["resourceVersion"])
    expired = client.get(path, params={"limit": 1, "continue": token})
    assert expired.status_code == 410, expired.text
    assert (expired.json()["reason"], expired.json()["code"]) == ("Expired", 410)
    with client.stream("GET", path, params={"watch": "1", "resourceVersion": first["metadata"]["resourceVersion"],
                                            "timeoutSeconds": "2"}) as response:
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert lines and lines[0]["type"] == "ERROR"
    assert (lines[0]["object"]["code"], lines[0]["object"]["reason"]) == (410, "Expired")
