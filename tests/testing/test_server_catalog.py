"""The catalog of served resource types: built-ins of 1.32 and CRDs added at run time."""

from __future__ import annotations

import pytest

from pykubectl.testing.catalog import Catalog, kube_version_key


def test_builtin_lookup_and_api_version():
    catalog = Catalog()
    deployments = catalog.lookup("apps", "v1", "deployments")
    assert (deployments.kind, deployments.singular, deployments.short_names, deployments.api_version) == (
        "Deployment", "deployment", ("deploy",), "apps/v1")
    assert deployments.subresources == ("scale", "status")
    assert deployments.subresource("scale").response_group == "autoscaling"
    pods = catalog.lookup("", "v1", "pods")
    assert (pods.api_version, pods.group_resource, pods.namespaced) == ("v1", "pods", True)
    assert catalog.lookup("", "v1", "namespaces").verbs == (
        "create", "delete", "get", "list", "patch", "update", "watch")
    assert catalog.lookup("apps", "v1", "nope") is None


def test_by_kind_prefers_the_preferred_version():
    catalog = Catalog()
    assert catalog.by_kind("autoscaling", "HorizontalPodAutoscaler").version == "v2"
    assert catalog.by_kind("autoscaling", "HorizontalPodAutoscaler", "v1").version == "v1"
    assert catalog.by_kind("", "Pod").resource == "pods"
    assert catalog.by_kind("apps", "Pod") is None


def test_group_order_is_a_real_apiservers():
    groups = [g for g, _ in Catalog().groups()]
    assert groups[:3] == ["", "apiregistration.k8s.io", "apps"]
    assert groups[-2:] == ["flowcontrol.apiserver.k8s.io", "metrics.k8s.io"]
    assert len(Catalog().all()) == 61


@pytest.mark.parametrize("ordered", [["v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo"]])
def test_kube_version_priority(ordered):
    assert sorted(reversed(ordered), key=kube_version_key) == ordered


def test_crd_versions_subresources_and_removal():
    catalog = Catalog()
    generation = catalog.generation
    crd = {"metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Cluster",
                    "names": {"plural": "widgets", "kind": "Widget", "categories": ["all"]},
                    "versions": [{"name": "v1alpha1", "served": True},
                                 {"name": "v1", "served": True, "subresources": {"status": {}, "scale": {}}},
                                 {"name": "v0", "served": False}]}}
    catalog.add_crd(crd)
    assert catalog.generation > generation
    assert ("example.com", ["v1", "v1alpha1"]) in catalog.groups()
    widget = catalog.by_kind("example.com", "Widget")
    assert (widget.version, widget.singular, widget.namespaced, widget.crd_name) == (
        "v1", "widget", False, "widgets.example.com")
    assert widget.subresources == ("scale", "status")
    assert catalog.crd_for(widget) is crd
    catalog.remove_crd(crd)
    assert catalog.by_kind("example.com", "Widget") is None


def test_a_crd_cannot_shadow_a_builtin_group():
    catalog = Catalog()
    catalog.add_crd({"metadata": {"name": "things.apps"},
                     "spec": {"group": "apps", "names": {"plural": "things", "kind": "Thing"},
                              "versions": [{"name": "v1", "served": True}]}})
    assert catalog.lookup("apps", "v1", "things") is None
