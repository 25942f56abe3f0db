"""The test server's bootstrap RBAC policy is stored, as on a 1.32 cluster: the real kubectl and pykubectl list and
show the same ClusterRoles, ClusterRoleBindings, Roles and RoleBindings; admin/edit/view carry their aggregated
rules, which follow new `aggregate-to-*` ClusterRoles; deleting a bootstrap binding takes its access away."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import Result, Runners

pytestmark = pytest.mark.no_simulation

RBAC_PATH = "/apis/rbac.authorization.k8s.io/v1"
BOOTSTRAP = "kubernetes.io/bootstrapping=rbac-defaults"

# What `kubectl get clusterroles -l kubernetes.io/bootstrapping=rbac-defaults` lists on a 1.32 cluster, leaving out
# the system:controller:* roles of kube-controller-manager's service accounts.
CLUSTER_ROLES_1_32 = {
    "admin", "cluster-admin", "edit", "view", "system:aggregate-to-admin", "system:aggregate-to-edit",
    "system:aggregate-to-view", "system:auth-delegator", "system:basic-user",
    "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
    "system:certificates.k8s.io:kube-apiserver-client-approver",
    "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
    "system:certificates.k8s.io:kubelet-serving-approver", "system:certificates.k8s.io:legacy-unknown-approver",
    "system:discovery", "system:heapster", "system:kube-aggregator", "system:kube-controller-manager",
    "system:kube-dns", "system:kube-scheduler", "system:kubelet-api-admin", "system:monitoring", "system:node",
    "system:node-bootstrapper", "system:node-problem-detector", "system:node-proxier",
    "system:persistent-volume-provisioner", "system:public-info-viewer", "system:service-account-issuer-discovery",
    "system:volume-scheduler",
}
CLUSTER_ROLE_BINDINGS_1_32 = {
    "cluster-admin", "system:basic-user", "system:discovery", "system:kube-controller-manager", "system:kube-dns",
    "system:kube-scheduler", "system:monitoring", "system:node", "system:node-proxier", "system:public-info-viewer",
    "system:service-account-issuer-discovery", "system:volume-scheduler",
}
KUBE_SYSTEM_ROLES_1_32 = {
    "extension-apiserver-authentication-reader", "system::leader-locking-kube-controller-manager",
    "system::leader-locking-kube-scheduler", "system:controller:bootstrap-signer",
    "system:controller:cloud-provider", "system:controller:token-cleaner",
}
KUBE_SYSTEM_ROLE_BINDINGS_1_32 = KUBE_SYSTEM_ROLES_1_32 - {"extension-apiserver-authentication-reader"} | {
    "system::extension-apiserver-authentication-reader"}


@pytest.fixture
def kubectl_env(kubeconfig_for, runners: Runners) -> Runners:
    runners.env["KUBECONFIG"] = str(kubeconfig_for("token"))
    return runners


def _names(runners: Runners, *args: str) -> set[str]:
    result = runners.kubectl("get", *args, "-o", "name")
    assert result.exit_code == 0, result.stderr
    return {line.split("/", 1)[1] for line in result.stdout.splitlines()}


def _json(runners: Runners, *args: str) -> dict:
    result = runners.kubectl("get", *args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# -- what a 1.32 cluster has ---------------------------------------------------------------------------------

def test_the_bootstrap_objects_are_those_of_a_1_32_cluster(kubectl_env):
    assert _names(kubectl_env, "clusterroles", "-l", BOOTSTRAP) == CLUSTER_ROLES_1_32
    assert _names(kubectl_env, "clusterrolebindings", "-l", BOOTSTRAP) == CLUSTER_ROLE_BINDINGS_1_32
    assert _names(kubectl_env, "roles", "-n", "kube-system") == KUBE_SYSTEM_ROLES_1_32
    assert _names(kubectl_env, "rolebindings", "-n", "kube-system") == KUBE_SYSTEM_ROLE_BINDINGS_1_32
    assert _names(kubectl_env, "roles", "-n", "kube-public") == {"system:controller:bootstrap-signer"}
    # the one object of the test server's own: the `limited` user's read-only role, not labelled as bootstrap
    assert _names(kubectl_env, "clusterroles") - CLUSTER_ROLES_1_32 == {"pykubectl:read-all"}
    assert _names(kubectl_env, "clusterrolebindings") - CLUSTER_ROLE_BINDINGS_1_32 == {"pykubectl:read-all"}


def test_bootstrap_objects_carry_the_labels_and_annotation_of_the_post_start_hook(kubectl_env):
    for kind in ("clusterroles", "clusterrolebindings"):
        for item in _json(kubectl_env, kind, "-l", BOOTSTRAP)["items"]:
            meta = item["metadata"]
            assert meta["labels"]["kubernetes.io/bootstrapping"] == "rbac-defaults"
            assert meta["annotations"] == {"rbac.authorization.kubernetes.io/autoupdate": "true"}
            assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"]
    binding = _json(kubectl_env, "clusterrolebinding", "system:public-info-viewer")
    assert binding["subjects"] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"},
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"}]
    assert "subjects" not in _json(kubectl_env, "clusterrolebinding", "system:node")
    edit = _json(kubectl_env, "clusterrole", "edit")["metadata"]["labels"]
    assert edit == {"kubernetes.io/bootstrapping": "rbac-defaults",
                    "rbac.authorization.k8s.io/aggregate-to-admin": "true"}


def test_view_edit_and_admin_hold_their_aggregated_rules(kubectl_env):
    view = _json(kubectl_env, "clusterrole", "view")
    assert view["aggregationRule"] == {"clusterRoleSelectors": [
        {"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]}
    assert view["rules"] == _json(kubectl_env, "clusterrole", "system:aggregate-to-view")["rules"]
    edit = _json(kubectl_env, "clusterrole", "edit")["rules"]
    # roles by name: system:aggregate-to-edit, then view
    assert edit == _json(kubectl_env, "clusterrole", "system:aggregate-to-edit")["rules"] + view["rules"]
    admin = _json(kubectl_env, "clusterrole", "admin")["rules"]
    assert admin == edit + _json(kubectl_env, "clusterrole", "system:aggregate-to-admin")["rules"]
    fields = _json(kubectl_env, "clusterrole", "view", "--show-managed-fields")["metadata"]["managedFields"]
    managers = {(m["manager"], m["operation"]) for m in fields}
    assert managers == {("kube-apiserver", "Update"), ("clusterrole-aggregation-controller", "Apply")}


# -- kubectl and pykubectl show them alike -------------------------------------------------------------------

def _ages(result: Result) -> Result:
    """An AGE column may cross a second (and so change its width) between the two runs; the rest must match."""
    stdout = re.sub(r"(?m)(?<= )\d+s(?= |$)", "<age>", result.stdout)
    return Result(re.sub(r" {2,}", "  ", stdout), result.stderr, result.exit_code)


@pytest.mark.parametrize("args", [
    ("get", "clusterroles"),
    ("get", "clusterrolebindings"),
    ("get", "clusterrolebindings", "-o", "wide"),
    ("get", "roles,rolebindings", "-n", "kube-system"),
    ("get", "rolebindings", "-A", "-o", "wide"),
    ("describe", "clusterrole", "admin"),
    ("describe", "clusterrole", "system:node"),
    ("describe", "clusterrolebinding", "system:public-info-viewer"),
    ("describe", "rolebinding", "-n", "kube-system", "system::leader-locking-kube-controller-manager"),
    ("get", "clusterrole", "view", "-o", "yaml"),
    ("get", "clusterrole", "admin", "-o", "json"),
    ("get", "clusterroles", "-l", "rbac.authorization.k8s.io/aggregate-to-edit=true", "-o", "name"),
])
def test_kubectl_and_pykubectl_show_the_bootstrap_policy_alike(kubectl_env, args):
    kubectl_env.assert_same(*args, normalise=_ages)


# -- the aggregation controller ------------------------------------------------------------------------------

WIDGETS = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
           "metadata": {"name": "widget-viewer", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
           "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list", "watch"]}]}
WIDGET_RULE = {"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list", "watch"]}


@pytest.mark.needs_simulation(reason="leaves the cluster-scoped role widget-viewer behind")
def test_a_new_aggregate_to_view_role_reaches_view_edit_and_admin(kubectl_env):
    before = _json(kubectl_env, "clusterrole", "view")["rules"]
    created = kubectl_env.kubectl("create", "-f", "-", stdin=json.dumps(WIDGETS))
    assert created.exit_code == 0, created.stderr
    for name in ("view", "edit", "admin"):
        assert WIDGET_RULE in _json(kubectl_env, "clusterrole", name)["rules"], name
    assert _json(kubectl_env, "clusterrole", "view")["rules"] == before + [WIDGET_RULE]  # after the bootstrap part
    kubectl_env.assert_same("describe", "clusterrole", "view")
    # jane, bound to view in `default`, may now read widgets there (can-i of a type discovery does not know
    # asks about resource "widgets.example.com" in the core group: --list shows the rule instead)
    bound = kubectl_env.kubectl("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane")
    assert bound.exit_code == 0, bound.stderr
    assert "\nwidgets.example.com " in kubectl_env.kubectl("auth", "can-i", "--list", "--as=jane").stdout
    # the label taken away: the rule leaves all three again
    relabelled = kubectl_env.kubectl("label", "clusterrole", "widget-viewer",
                                     "rbac.authorization.k8s.io/aggregate-to-view-")
    assert relabelled.exit_code == 0, relabelled.stderr
    assert _json(kubectl_env, "clusterrole", "view")["rules"] == before
    assert WIDGET_RULE not in _json(kubectl_env, "clusterrole", "admin")["rules"]
    assert "\nwidgets.example.com " not in kubectl_env.kubectl("auth", "can-i", "--list", "--as=jane").stdout
    assert "\npods " in kubectl_env.kubectl("auth", "can-i", "--list", "--as=jane").stdout


@pytest.mark.needs_simulation(reason="it rewrites the cluster's own clusterrole view")
def test_rules_written_into_an_aggregating_role_are_put_back(kubectl_env):
    patched = kubectl_env.kubectl("patch", "clusterrole", "view", "--type=merge", "-p", '{"rules": []}')
    assert patched.exit_code == 0, patched.stderr
    assert _json(kubectl_env, "clusterrole", "view")["rules"] == \
        _json(kubectl_env, "clusterrole", "system:aggregate-to-view")["rules"]


# -- access follows the stored objects -----------------------------------------------------------------------

@pytest.mark.needs_simulation(reason="it deletes the cluster's own clusterrolebinding system:basic-user")
def test_deleting_a_bootstrap_binding_takes_its_access_away(kubectl_env):
    assert kubectl_env.kubectl("auth", "can-i", "create", "selfsubjectaccessreviews.authorization.k8s.io",
                               "--as=jane").stdout == "yes\n"
    whoami = kubectl_env.kubectl("auth", "whoami", "--as=jane")
    assert whoami.exit_code == 0, whoami.stderr
    deleted = kubectl_env.kubectl("delete", "clusterrolebinding", "system:basic-user")
    assert deleted.exit_code == 0, deleted.stderr
    # jane may no longer even ask: her SelfSubjectAccessReview and SelfSubjectReview are Forbidden
    result = kubectl_env.assert_same("auth", "can-i", "create", "pods", "--as=jane")
    assert result.exit_code == 1 and 'User "jane" cannot create resource "selfsubjectaccessreviews"' in \
        result.stderr, result
    result = kubectl_env.assert_same("auth", "whoami", "--as=jane")
    assert result.stderr == ("error: the selfsubjectreviews API is not enabled in the cluster or you do not have "
                             "permission to call it\n")
    kubectl_env.assert_same("auth", "can-i", "get", "clusterrolebinding/system:basic-user")


def test_the_limited_user_reads_through_a_stored_binding(kubectl_env, kubeconfig_for):
    limited = {"KUBECONFIG": str(kubeconfig_for("limited"))}
    assert kubectl_env.kubectl("get", "secrets", "-A", env=limited).exit_code == 0
    kubectl_env.assert_same("create", "configmap", "nope", env=limited)
    assert re.search(r"forbidden: User \"limited\" cannot create", kubectl_env.kubectl(
        "create", "configmap", "nope", env=limited).stderr)
    deleted = kubectl_env.kubectl("delete", "clusterrolebinding", "pykubectl:read-all")
    assert deleted.exit_code == 0, deleted.stderr
    kubectl_env.assert_same("get", "pods", env=limited)
    assert 'User "limited" cannot list resource "pods"' in kubectl_env.kubectl("get", "pods", env=limited).stderr
