"""resources.selection: kubectl's argument grammar and the builder's choice of targets, with a fake mapper."""

from __future__ import annotations

import pytest

from pykubectl.errors import KubectlError, ResourceTypeNotFound
from pykubectl.model.types import ResourceType
from pykubectl.resources.selection import (
    ArgumentForm,
    NamespaceMismatch,
    SelectionRequest,
    Target,
    parse_arguments,
    select,
)

PODS = ResourceType("", "v1", "pods", "Pod", True, "pod", short_names=("po",), categories=("all",))
SERVICES = ResourceType("", "v1", "services", "Service", True, "service", short_names=("svc",), categories=("all",))
CONFIGMAPS = ResourceType("", "v1", "configmaps", "ConfigMap", True, "configmap", short_names=("cm",))
NODES = ResourceType("", "v1", "nodes", "Node", False, "node", short_names=("no",))
DEPLOYMENTS = ResourceType("apps", "v1", "deployments", "Deployment", True, "deployment", short_names=("deploy",),
                           categories=("all",))


class FakeMapper:
    TYPES = (PODS, SERVICES, CONFIGMAPS, NODES, DEPLOYMENTS)

    def resource_for(self, arg: str) -> ResourceType:
        for t in self.TYPES:
            if arg in (t.plural, t.singular, t.group_resource, *t.short_names):
                return t
        raise ResourceTypeNotFound(arg)

    def kind_for(self, group: str, version: str, kind: str) -> ResourceType:
        for t in self.TYPES:
            if (t.group, t.kind) == (group, kind):
                return t
        raise KubectlError("no match")

    def expand_category(self, name: str):
        found = [t for t in self.TYPES if name in t.categories]
        return found or None


def run(*args: str, namespace: str = "default", explicit: bool = False, **request):
    return select(SelectionRequest(args=args, **request), FakeMapper(), namespace, explicit)


@pytest.mark.parametrize("args, form", [
    (("pods",), ArgumentForm(types=("pods",))),
    (("pods,svc,pods",), ArgumentForm(types=("pods", "svc"))),
    (("pods", "a", "b"), ArgumentForm(types=("pods",), names=("a", "b"))),
    (("pods,svc", "a", "b"), ArgumentForm(tuples=(("pods", "a"), ("pods", "b"), ("svc", "a"), ("svc", "b")))),
    (("pod/a", "svc/b"), ArgumentForm(tuples=(("pod", "a"), ("svc", "b")))),
    ((), ArgumentForm()),
])
def test_argument_forms(args, form):
    assert parse_arguments(args) == form


@pytest.mark.parametrize("args, message", [
    (("pod/a", "b"), "there is no need to specify a resource type as a separate argument when passing arguments "
                     "in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get "
                     "resource resource/<resource_name>'"),
    (("pod/a/b",), "arguments in resource/name form may not have more than one slash"),
    (("pod/",), "arguments in resource/name form must have a single resource and name"),
    (("/a",), "arguments in resource/name form must have a single resource and name"),
    (("pod,svc/a",), "arguments in resource/name form must have a single resource and name"),
])
def test_argument_errors(args, message):
    with pytest.raises(KubectlError) as caught:
        parse_arguments(args)
    assert str(caught.value) == message


def test_a_lone_type_lists_every_object_in_the_namespace():
    selection = run("pods")
    assert selection.items == [Target(PODS, "default")]
    assert selection.targets()[0].path == "/api/v1/namespaces/default/pods"
    assert not selection.single_item_implied


def test_categories_expand_and_cluster_scoped_types_drop_the_namespace():
    selection = run("all,no", label_selector="app=web")
    assert [(t.type.plural, t.namespace, t.label_selector) for t in selection.targets()] == [
        ("pods", "default", "app=web"), ("services", "default", "app=web"), ("deployments", "default", "app=web"),
        ("nodes", "", "app=web")]


def test_names_and_tuples_become_object_targets():
    assert [t.path for t in run("cm", "a", "b").targets()] == [
        "/api/v1/namespaces/default/configmaps/a", "/api/v1/namespaces/default/configmaps/b"]
    assert run("cm", "a").single_item_implied
    selection = run("no/n1", "deploy/web", subresource="status")
    assert [t.path for t in selection.targets()] == [
        "/api/v1/nodes/n1/status", "/apis/apps/v1/namespaces/default/deployments/web/status"]


def test_all_namespaces_lists_cluster_wide_and_refuses_names():
    assert run("pods", all_namespaces=True).targets()[0].path == "/api/v1/pods"
    with pytest.raises(KubectlError, match="^a resource cannot be retrieved by name across all namespaces$"):
        run("pods", "x", all_namespaces=True)
    assert run("no", "n1", all_namespaces=True).targets()[0].path == "/api/v1/nodes/n1"


@pytest.mark.parametrize("args, request_flags, message", [
    (("pods", "x"), {"label_selector": "a=b"}, "name cannot be provided when a selector is specified"),
    (("pod/x",), {"label_selector": "a=b"},
     "selectors and the all flag cannot be used when passing resource/name arguments"),
    ((), {"label_selector": "a=b"}, "at least one resource must be specified to use a selector"),
    (("pods",), {"subresource": "status"}, "subresource cannot be used when bulk resources are specified"),
    (("pods", "x"), {"select_all": True}, "name cannot be provided when a selector is specified"),
    (("nopes",), {}, 'the server doesn\'t have a resource type "nopes"'),
    (("pods",), {"allow_empty_selector": False}, "resource(s) were provided, but no name was specified"),
])
def test_builder_errors(args, request_flags, message):
    with pytest.raises(KubectlError) as caught:
        run(*args, **request_flags)
    assert str(caught.value) == message


def test_manifests_keep_their_namespace_and_report_mismatches(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: other\n---\n"
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n"
                    "apiVersion: v1\nkind: Foo\nmetadata:\n  name: c\n")
    items = run(filenames=(str(path),), namespace="ns1").items
    assert [(i.namespace, i.name) for i in items[:2]] == [("other", "a"), ("ns1", "b")]
    assert str(items[2]) == (f'resource mapping not found for name: "c" namespace: "" from "{path}": no matches for '
                             'kind "Foo" in version "v1"\nensure CRDs are installed first')
    mismatch = run(filenames=(str(path),), namespace="ns1", explicit=True).items[0]
    assert isinstance(mismatch, NamespaceMismatch)
    assert str(mismatch) == ('the namespace from the provided object "other" does not match the namespace "ns1". '
                             "You must pass '--namespace=other' to perform this operation.")


def test_manifests_filter_by_label_and_refuse_type_arguments(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {app: web}\n---\n"
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
    assert [t.name for t in run(filenames=(str(path),), label_selector="app=web").targets()] == ["a"]
    assert [t.name for t in run(filenames=(str(path),), label_selector="app!=web").targets()] == ["b"]
    with pytest.raises(KubectlError, match="you may not specify resource arguments as well"):
        run("pods", filenames=(str(path),))
