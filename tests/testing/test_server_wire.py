"""Wire format of the test API server's discovery, errors and authentication, checked with plain urllib."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest

KUBECTL_ACCEPT = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
KUBECTL_129_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

pytestmark = pytest.mark.needs_simulation


def call(server, path, *, token="admin-token", accept="application/json", method="GET", body=None,
         content_type="application/json"):
    """(HTTP code, headers, body bytes) for one request."""
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def server(kube_apiserver):
    kube_apiserver.reset()
    return kube_apiserver


def test_version_reports_1_32(server):
    code, _, body = call(server, "/version")
    info = json.loads(body)
    assert code == 200
    assert (info["major"], info["minor"], info["gitVersion"]) == ("1", "32", "v1.32.5")
    assert set(info) == {"major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion",
                         "compiler", "platform"}


def test_version_is_public_but_api_needs_credentials(server):
    assert call(server, "/version", token=None)[0] == 200
    code, headers, body = call(server, "/api", token=None)
    assert code == 401
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


def test_bad_token_is_unauthorized_everywhere(server):
    for path in ("/version", "/apis", "/api/v1/namespaces/default/pods"):
        code, _, body = call(server, path, token="wrong")
        assert (code, json.loads(body)["reason"]) == (401, "Unauthorized"), path


def test_aggregated_v2_for_kubectl_accept(server):
    code, headers, body = call(server, "/apis", accept=KUBECTL_ACCEPT)
    assert code == 200
    assert headers["Content-Type"] == V2
    listing = json.loads(body)
    assert (listing["kind"], listing["apiVersion"]) == ("APIGroupDiscoveryList", "apidiscovery.k8s.io/v2")
    names = [item["metadata"]["name"] for item in listing["items"]]
    assert names[:4] == ["apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io"]
    assert names[-1] == "metrics.k8s.io"
    apps = listing["items"][1]["versions"][0]
    deployments = next(r for r in apps["resources"] if r["resource"] == "deployments")
    assert deployments == {
        "resource": "deployments", "responseKind": {"group": "", "version": "", "kind": "Deployment"},
        "scope": "Namespaced", "singularResource": "deployment", "shortNames": ["deploy"], "categories": ["all"],
        "subresources": [
            {"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
             "verbs": ["get", "patch", "update"]},
            {"subresource": "status", "responseKind": {"group": "", "version": "", "kind": "Deployment"},
             "verbs": ["get", "patch", "update"]}],
        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]}
    autoscaling = next(i for i in listing["items"] if i["metadata"]["name"] == "autoscaling")
    assert [v["version"] for v in autoscaling["versions"]] == ["v2", "v1"]  # preferred first


def test_aggregated_core_group_has_no_name(server):
    code, headers, body = call(server, "/api", accept=KUBECTL_ACCEPT)
    assert headers["Content-Type"] == V2
    (core,) = json.loads(body)["items"]
    assert "name" not in core["metadata"]
    pods = next(r for r in core["versions"][0]["resources"] if r["resource"] == "pods")
    assert [s["subresource"] for s in pods["subresources"]] == [
        "attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "status"]
    eviction = next(s for s in pods["subresources"] if s["subresource"] == "eviction")
    assert eviction["responseKind"] == {"group": "policy", "version": "v1", "kind": "Eviction"}


def test_v2beta1_only_accept_gets_v2beta1(server):
    # kubectl 1.29 asks for v2beta1 only and cannot read a v2 body.
    for path in ("/api", "/apis"):
        code, headers, body = call(server, path, accept=KUBECTL_129_ACCEPT)
        assert headers["Content-Type"] == V2BETA1
        assert json.loads(body)["apiVersion"] == "apidiscovery.k8s.io/v2beta1"


def test_protobuf_first_accept_still_gets_json_v2(server):
    accept = ("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
              + KUBECTL_ACCEPT)
    code, headers, body = call(server, "/apis", accept=accept)
    assert headers["Content-Type"] == V2
    assert json.loads(body)["kind"] == "APIGroupDiscoveryList"


def test_plain_json_accept_gets_legacy_lists(server):
    code, headers, body = call(server, "/apis", accept="application/json, */*")
    assert headers["Content-Type"] == "application/json"
    groups = json.loads(body)
    assert groups["kind"] == "APIGroupList"
    autoscaling = next(g for g in groups["groups"] if g["name"] == "autoscaling")
    assert autoscaling == {"name": "autoscaling",
                           "versions": [{"groupVersion": "autoscaling/v2", "version": "v2"},
                                        {"groupVersion": "autoscaling/v1", "version": "v1"}],
                           "preferredVersion": {"groupVersion": "autoscaling/v2", "version": "v2"}}
    code, _, body = call(server, "/api")
    assert json.loads(body)["versions"] == ["v1"]


def test_group_version_resource_lists_include_subresources(server):
    listing = json.loads(call(server, "/apis/apps/v1")[2])
    assert (listing["kind"], listing["groupVersion"]) == ("APIResourceList", "apps/v1")
    names = [r["name"] for r in listing["resources"]]
    assert names == sorted(names)
    scale = next(r for r in listing["resources"] if r["name"] == "deployments/scale")
    assert scale == {"name": "deployments/scale", "singularName": "", "namespaced": True, "group": "autoscaling",
                     "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}
    core = json.loads(call(server, "/api/v1")[2])
    log = next(r for r in core["resources"] if r["name"] == "pods/log")
    assert log == {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]}
    group = json.loads(call(server, "/apis/apps")[2])
    assert (group["kind"], group["preferredVersion"]["version"]) == ("APIGroup", "v1")


@pytest.mark.parametrize("path", ["/nope", "/apis/nope.example.com/v1", "/api/v2", "/apis/apps/v9"])
def test_unknown_paths_get_the_muxs_404(server, path):
    code, headers, body = call(server, path)
    assert (code, body) == (404, b"404 page not found\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_limited_user_may_read_but_not_write(server):
    assert call(server, "/apis", token="limited-token")[0] == 200
    code, _, body = call(server, "/api/v1/namespaces/default/pods", token="limited-token", method="POST",
                         body={"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}})
    assert code == 403
    assert json.loads(body) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'pods is forbidden: User "limited" cannot create resource "pods" in API group "" in the '
                   'namespace "default"',
        "reason": "Forbidden", "details": {"kind": "pods"}, "code": 403}
    code, _, body = call(server, "/apis/apps/v1/namespaces/ns1/deployments/web", token="limited-token",
                         method="DELETE", body={})
    status = json.loads(body)
    assert code == 403
    assert status["message"] == ('deployments.apps "web" is forbidden: User "limited" cannot delete resource '
                                 '"deployments" in API group "apps" in the namespace "ns1"')
    assert status["details"] == {"name": "web", "group": "apps", "kind": "deployments"}
    code, _, body = call(server, "/api/v1/namespaces/x", token="limited-token", method="DELETE", body={})
    assert json.loads(body)["message"].startswith('namespaces "x" is forbidden: User "limited" cannot delete '
                                                  'resource "namespaces" in API group "" in the namespace "x"')
    code, _, body = call(server, "/api/v1/nodes/n1", token="limited-token", method="PATCH", body={},
                         content_type="application/merge-patch+json")
    assert json.loads(body)["message"].endswith('cannot patch resource "nodes" in API group "" at the cluster scope')


def test_self_subject_review_reports_the_caller(server):
    for token, expected in (("admin-token", {"username": "admin", "groups": ["system:masters",
                                                                             "system:authenticated"]}),
                            ("limited-token", {"username": "limited", "groups": ["system:authenticated"]})):
        code, _, body = call(server, "/apis/authentication.k8s.io/v1/selfsubjectreviews", token=token,
                             method="POST", body={"apiVersion": "authentication.k8s.io/v1",
                                                  "kind": "SelfSubjectReview", "metadata": {}})
        review = json.loads(body)
        assert code == 201
        assert (review["kind"], review["status"]["userInfo"]) == ("SelfSubjectReview", expected)


def test_client_certificate_user_is_admin(server, tmp_path):
    cert = server.tls.client_cert("admin", ("system:masters",))
    (tmp_path / "c.pem").write_bytes(cert.cert_pem)
    (tmp_path / "k.pem").write_bytes(cert.key_pem)
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    context.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    request = urllib.request.Request(server.url + "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                     data=b"{}", method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        assert json.loads(response.read())["status"]["userInfo"]["username"] == "admin"


def test_self_subject_access_review_answers_per_user(server):
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
              "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}}}
    path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
    assert json.loads(call(server, path, method="POST", body=review)[2])["status"] == {"allowed": True}
    answer = json.loads(call(server, path, token="limited-token", method="POST", body=review)[2])
    assert answer["status"] == {"allowed": False}
    assert answer["spec"] == review["spec"]


def test_impersonation_needs_admin(server):
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    for token, expected in (("admin-token", 201), ("limited-token", 403)):
        request = urllib.request.Request(
            server.url + "/apis/authentication.k8s.io/v1/selfsubjectreviews", data=b"{}", method="POST",
            headers={"Authorization": f"Bearer {token}", "Impersonate-User": "bob",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                code, body = response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            code, body = error.code, json.loads(error.read())
        assert code == expected
        if code == 201:
            assert body["status"]["userInfo"] == {"username": "bob", "groups": ["system:authenticated"]}


CRD = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "crontabs.stable.example.com"},
       "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
                "versions": [
                    {"name": "v1beta1", "served": True, "storage": False,
                     "schema": {"openAPIV3Schema": {"type": "object"}}},
                    {"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                     "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {
                         "type": "object", "description": "The schedule.",
                         "properties": {"cronSpec": {"type": "string"}}}}}}}]}}


def test_catalog_crds_show_in_discovery_until_reset(server):
    server.call(server.catalog.add_crd, CRD)
    listing = json.loads(call(server, "/apis", accept=KUBECTL_ACCEPT)[2])
    names = [item["metadata"]["name"] for item in listing["items"]]
    assert names[-2:] == ["stable.example.com", "metrics.k8s.io"]  # CRD groups sort before aggregated ones
    item = listing["items"][-2]
    assert [v["version"] for v in item["versions"]] == ["v1", "v1beta1"]
    crontabs = item["versions"][0]["resources"][0]
    assert (crontabs["resource"], crontabs["shortNames"], crontabs["subresources"][0]["subresource"]) == (
        "crontabs", ["ct"], "status")
    server.reset()
    names = [i["metadata"]["name"] for i in json.loads(call(server, "/apis", accept=KUBECTL_ACCEPT)[2])["items"]]
    assert "stable.example.com" not in names
