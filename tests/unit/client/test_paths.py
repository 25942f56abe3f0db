"""ResourcePath URLs, table-driven."""

from __future__ import annotations

import pytest

from pykubectl.client.paths import ResourcePath, list_params
from pykubectl.model.types import GroupVersion, GroupVersionKind, ResourceType

PODS = ResourceType("", "v1", "pods", "Pod", namespaced=True)
NODES = ResourceType("", "v1", "nodes", "Node", namespaced=False)
DEPLOY = ResourceType("apps", "v1", "deployments", "Deployment", namespaced=True)


@pytest.mark.parametrize("path,url", [
    (ResourcePath(PODS, "default"), "/api/v1/namespaces/default/pods"),
    (ResourcePath(PODS), "/api/v1/pods"),
    (ResourcePath(PODS, "ns", "web"), "/api/v1/namespaces/ns/pods/web"),
    (ResourcePath(PODS, "ns", "web", "log"), "/api/v1/namespaces/ns/pods/web/log"),
    (ResourcePath(NODES, "ignored", "n1"), "/api/v1/nodes/n1"),
    (ResourcePath(DEPLOY, "ns", "d", "scale"), "/apis/apps/v1/namespaces/ns/deployments/d/scale"),
    (ResourcePath(PODS, "ns", "a b"), "/api/v1/namespaces/ns/pods/a%20b"),
])
def test_urls(path, url):
    assert path.url() == url


def test_list_params_skip_unset():
    assert list_params() == {}
    assert list_params("app=web", None, 500, "0", continue_="") == {"labelSelector": "app=web", "limit": "500",
                                                                   "resourceVersion": "0"}


def test_type_vocabulary():
    assert DEPLOY.group_resource == "deployments.apps" and PODS.group_resource == "pods"
    assert str(DEPLOY.gvk) == "apps/v1, Kind=Deployment" and str(PODS.gvk) == "/v1, Kind=Pod"
    assert str(PODS.gvr) == "/v1, Resource=pods"
    assert GroupVersion.parse("v1") == GroupVersion("", "v1")
    assert GroupVersionKind.parse("apps/v1", "Deployment").api_version == "apps/v1"
