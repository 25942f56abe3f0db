"""The test server's stored bootstrap RBAC policy (pykubectl/testing/rbac.py seed()) and its clusterrole-aggregation
controller, on a bare Store: what a reset stores, how aggregation settles and follows changes, and that the
authorizer decides from the stored objects only."""

from __future__ import annotations

import time

import pytest

from pykubectl.testing import rbac
from pykubectl.testing.catalog import Catalog
from pykubectl.testing.rbac import Attributes, RBACAuthorizer
from pykubectl.testing.store import Store

GROUP = "rbac.authorization.k8s.io"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture
def store(catalog) -> Store:
    return Store(catalog)


def _info(store: Store, resource: str):
    return store.info(GROUP, "v1", resource)


def _get(store: Store, name: str) -> dict:
    return store.get(_info(store, "clusterroles"), None, name)


def _ask(store: Store, user: str, groups, verb: str, resource: str = "", namespace: str = "", group: str = "",
         path: str = "") -> bool:
    return RBACAuthorizer(store).authorize(Attributes(user, tuple(groups), verb, not path, namespace, group,
                                                      resource, "", "", path))[0]


def test_a_fresh_store_holds_the_bootstrap_policy(store):
    roles = {r["metadata"]["name"]: r for r in store.list(_info(store, "clusterroles"), None).items}
    assert {"cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery",
            "system:public-info-viewer", "system:node", "system:kube-scheduler"} <= set(roles)
    assert not [n for n in roles if n.startswith("system:controller:")]  # kube-controller-manager's are not here
    for name, role in roles.items():
        labels = role["metadata"].get("labels") or {}
        if name == rbac.READ_ONLY_ROLE:
            assert "kubernetes.io/bootstrapping" not in labels
            continue
        assert labels["kubernetes.io/bootstrapping"] == "rbac-defaults", name
        assert role["metadata"]["annotations"] == {"rbac.authorization.kubernetes.io/autoupdate": "true"}
        assert role["metadata"]["uid"] and role["metadata"]["creationTimestamp"]
    bindings = {b["metadata"]["name"]: b for b in store.list(_info(store, "clusterrolebindings"), None).items}
    assert bindings["cluster-admin"]["subjects"] == [{"apiGroup": GROUP, "kind": "Group", "name": "system:masters"}]
    assert bindings["system:kube-dns"]["subjects"] == [
        {"kind": "ServiceAccount", "name": "kube-dns", "namespace": "kube-system"}]
    assert {r["metadata"]["name"] for r in store.list(_info(store, "roles"), "kube-system").items} == {
        "extension-apiserver-authentication-reader", "system::leader-locking-kube-controller-manager",
        "system::leader-locking-kube-scheduler", "system:controller:bootstrap-signer",
        "system:controller:cloud-provider", "system:controller:token-cleaner"}
    assert [b["metadata"]["name"] for b in store.list(_info(store, "rolebindings"), "kube-public").items] == [
        "system:controller:bootstrap-signer"]


def test_every_reset_stores_fresh_copies_quickly(store, catalog):
    first = _get(store, "view")
    _get(store, "view")["rules"].clear()  # a copy: the stored object and the template stay whole
    started = time.perf_counter()
    for _ in range(10):
        store.__init__(catalog)
    assert (time.perf_counter() - started) / 10 < 0.05
    again = _get(store, "view")
    assert again["rules"] == first["rules"] and again["metadata"]["uid"] != first["metadata"]["uid"]


def test_aggregated_roles_hold_the_union_of_their_parts_by_role_name(store):
    view, edit, admin = (_get(store, n)["rules"] for n in ("view", "edit", "admin"))
    assert view == _get(store, "system:aggregate-to-view")["rules"]
    assert edit == _get(store, "system:aggregate-to-edit")["rules"] + view
    assert admin == edit + _get(store, "system:aggregate-to-admin")["rules"]
    managers = [(m["manager"], m["operation"]) for m in _get(store, "admin")["metadata"]["managedFields"]]
    assert managers == [("kube-apiserver", "Update"), ("clusterrole-aggregation-controller", "Apply")]


def test_the_controller_follows_new_changed_and_deleted_parts(store):
    info = _info(store, "clusterroles")
    rule = {"verbs": ["get"], "apiGroups": ["example.com"], "resources": ["widgets"]}
    store.create(info, None, {"metadata": {"name": "widgets", "labels": {
        "rbac.authorization.k8s.io/aggregate-to-edit": "true"}}, "rules": [rule]})
    assert rule in _get(store, "edit")["rules"] and rule in _get(store, "admin")["rules"]
    assert rule not in _get(store, "view")["rules"]
    managers = [(m["manager"], m["operation"]) for m in _get(store, "edit")["metadata"]["managedFields"]]
    assert managers == [("kube-apiserver", "Update"), ("clusterrole-aggregation-controller", "Apply")]
    more = {"verbs": ["list"], "apiGroups": ["example.com"], "resources": ["widgets"]}
    store.mutate(info, None, "widgets", lambda r: {**r, "rules": [rule, more]})
    edit = _get(store, "edit")["rules"]
    assert more in edit  # edit's rules: system:aggregate-to-edit's, then view's, then widgets'
    assert edit[-2:] == [rule, more]
    assert _get(store, "admin")["rules"] == edit + _get(store, "system:aggregate-to-admin")["rules"]
    store.delete(info, None, "widgets")
    assert rule not in _get(store, "edit")["rules"] and more not in _get(store, "admin")["rules"]
    # an aggregating role of a test's own, and rules written over an aggregated role, are (re)computed
    store.create(info, None, {"metadata": {"name": "mine"}, "aggregationRule": {"clusterRoleSelectors": [
        {"matchLabels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}]}, "rules": []})
    assert {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]} in _get(store, "mine")["rules"]
    store.create(info, None, {"metadata": {"name": "everything"}, "aggregationRule": {"clusterRoleSelectors": [{}]}})
    assert {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]} in \
        _get(store, "everything")["rules"]  # an empty selector selects every role
    store.mutate(info, None, "view", lambda r: {**r, "rules": []})
    assert _get(store, "view")["rules"] == _get(store, "system:aggregate-to-view")["rules"]


def test_the_authorizer_reads_the_stored_policy_only(store):
    authenticated = ("system:authenticated",)
    assert _ask(store, "jane", authenticated, "create", "selfsubjectaccessreviews", group="authorization.k8s.io")
    assert _ask(store, "jane", authenticated, "get", path="/version")
    assert _ask(store, "limited", authenticated, "list", "secrets", "kube-system")
    assert not _ask(store, "limited", authenticated, "create", "pods", "default")
    store.delete(_info(store, "clusterrolebindings"), None, "system:basic-user")
    assert not _ask(store, "jane", authenticated, "create", "selfsubjectaccessreviews", group="authorization.k8s.io")
    store.delete(_info(store, "clusterroles"), None, "system:public-info-viewer")
    store.delete(_info(store, "clusterroles"), None, "system:discovery")
    assert not _ask(store, "jane", authenticated, "get", path="/version")
    store.delete(_info(store, "clusterrolebindings"), None, rbac.READ_ONLY_ROLE)
    assert not _ask(store, "limited", authenticated, "list", "secrets", "kube-system")
    # edit in a namespace, then its view part gone: aggregation takes the reads away from edit too
    store.create(_info(store, "rolebindings"), "default", {
        "metadata": {"name": "sam"}, "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": "edit"},
        "subjects": [{"apiGroup": GROUP, "kind": "User", "name": "sam"}]})
    assert _ask(store, "sam", authenticated, "list", "pods", "default")
    store.delete(_info(store, "clusterroles"), None, "system:aggregate-to-view")
    assert not _ask(store, "sam", authenticated, "list", "pods", "default")
    assert _ask(store, "sam", authenticated, "delete", "pods", "default")  # system:aggregate-to-edit's part


def test_without_a_store_nothing_is_allowed():
    assert RBACAuthorizer(None).authorize(Attributes("jane", ("system:authenticated",), "get", False,
                                                     path="/version")) == (False, "")
