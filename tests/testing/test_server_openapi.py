"""The /openapi/v3 documents: what kubectl's field-validation probe and `kubectl explain` read."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.needs_simulation


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(server, path):
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect)
    request = urllib.request.Request(server.url + path, headers={"Authorization": "Bearer admin-token",
                                                                 "Accept": "application/json"})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def server(kube_apiserver):
    kube_apiserver.reset()
    return kube_apiserver


def _document(server, gv):
    index = json.loads(get(server, "/openapi/v3")[2])["paths"]
    url = index[gv]["serverRelativeURL"]
    code, headers, body = get(server, url)
    assert code == 200
    assert headers["Cache-Control"] == "public, immutable"
    return json.loads(body)


def test_index_lists_every_group_version_with_a_hash(server):
    index = json.loads(get(server, "/openapi/v3")[2])["paths"]
    assert {"api/v1", "apis/apps/v1", "apis/autoscaling/v2", "apis/autoscaling/v1"} <= set(index)
    assert index["api/v1"]["serverRelativeURL"].startswith("/openapi/v3/api/v1?hash=")


def test_patch_operations_advertise_field_validation(server):
    document = _document(server, "api/v1")
    item = document["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]
    patch = item["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "", "version": "v1", "kind": "Pod"}
    assert {"name": "fieldValidation", "in": "query"}.items() <= next(
        p for p in patch["parameters"] if p["name"] == "fieldValidation").items()
    assert set(patch["requestBody"]["content"]) == {
        "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
        "application/strategic-merge-patch+json"}


def test_schemas_keep_kubernetes_extensions(server):
    schemas = _document(server, "api/v1")["components"]["schemas"]
    pod = schemas["io.k8s.api.core.v1.Pod"]
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod", "version": "v1"}]
    assert pod["properties"]["spec"]["allOf"] == [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodSpec"}]
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert (containers["x-kubernetes-patch-merge-key"], containers["x-kubernetes-patch-strategy"]) == (
        "name", "merge")
    assert containers["type"] == "array"
    assert schemas["io.k8s.api.core.v1.Container"]["properties"]["name"]["type"] == "string"  # no null types
    assert "enum" not in pod["properties"]["kind"]
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in schemas  # referenced schemas come along
    int_or_string = schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    assert (int_or_string["format"], int_or_string["oneOf"]) == ("int-or-string", [{"type": "integer"},
                                                                                    {"type": "string"}])
    assert "type" not in schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]


def test_cross_group_subresource_schema_is_included(server):
    document = _document(server, "apis/apps/v1")
    scale = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["patch"]
    assert scale["x-kubernetes-group-version-kind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    assert "io.k8s.api.autoscaling.v1.Scale" in document["components"]["schemas"]


def test_stale_hash_redirects_and_unknown_documents_404(server):
    code, headers, _ = get(server, "/openapi/v3/apis/apps/v1?hash=STALE")
    assert code == 301
    assert headers["Location"].startswith("/openapi/v3/apis/apps/v1?hash=")
    assert get(server, "/openapi/v3/apis/nope.example.com/v1")[0] == 404
    assert get(server, "/openapi/v2")[0] == 404


CRD = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "crontabs.stable.example.com"},
       "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab"},
                "versions": [
                    {"name": "v1beta1", "served": True, "storage": False,
                     "schema": {"openAPIV3Schema": {"type": "object"}}},
                    {"name": "v1", "served": True, "storage": True,
                     "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {
                         "type": "object", "description": "The schedule.",
                         "properties": {"cronSpec": {"type": "string"}}}}}}}]}}


def test_crd_versions_get_documents_from_their_schema(server):
    server.call(server.catalog.add_crd, CRD)
    schemas = _document(server, "apis/stable.example.com/v1")["components"]["schemas"]
    crontab = schemas["com.example.stable.v1.CronTab"]
    assert crontab["x-kubernetes-group-version-kind"] == [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}]
    assert crontab["properties"]["spec"]["description"] == "The schedule."
    assert set(crontab["properties"]) == {"apiVersion", "kind", "metadata", "spec"}
    first_hash = json.loads(get(server, "/openapi/v3")[2])["paths"]["apis/stable.example.com/v1"]
    changed = json.loads(json.dumps(CRD))
    changed["spec"]["versions"][1]["schema"]["openAPIV3Schema"]["properties"]["spec"]["description"] = "New."
    server.call(server.catalog.add_crd, changed)
    second_hash = json.loads(get(server, "/openapi/v3")[2])["paths"]["apis/stable.example.com/v1"]
    assert first_hash != second_hash
