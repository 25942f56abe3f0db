"""The RBAC authorizer: Roles, ClusterRoles and their bindings decide what a user may do.

A port of kube-apiserver's RBAC evaluation (plugin/pkg/auth/authorizer/rbac/rbac.go,
pkg/registry/rbac/validation/rule.go and pkg/apis/rbac/v1/evaluation_helpers.go):

* a rule allows a request when its verb, API group, resource (`*`, `res/sub`, `*/sub`), resource name and
  non-resource URL (exact, `*`, or a trailing `*` prefix) all match;
* the rules of a user are those of every ClusterRoleBinding naming it (or one of its groups, or its service
  account) and, inside a namespace, those of every RoleBinding there, in that order;
* only stored objects count. seed() stores the bootstrap policy of a 1.32 cluster after every reset, as
  kube-apiserver's rbac/bootstrap-roles post-start hook does (ClusterRoles, ClusterRoleBindings and the Roles
  and RoleBindings of kube-system and kube-public, labelled kubernetes.io/bootstrapping=rbac-defaults), plus one
  role of the test server's own: `pykubectl:read-all`, bound to the test user `limited`, which may read
  everything but write nothing;
* ClusterRoles with an aggregationRule get the rules of every ClusterRole their selectors match from the
  AggregationController (kube-controller-manager's clusterrole-aggregation), right after each ClusterRole change.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

RBAC_GROUP = "rbac.authorization.k8s.io"
AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
MASTERS = "system:masters"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"

READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]


# -- the matchers (evaluation_helpers.go) -------------------------------------------------------------------

def verb_matches(rule: dict, verb: str) -> bool:
    return any(v == "*" or v == verb for v in rule.get("verbs") or ())


def api_group_matches(rule: dict, group: str) -> bool:
    return any(g == "*" or g == group for g in rule.get("apiGroups") or ())


def resource_matches(rule: dict, combined_resource: str, subresource: str) -> bool:
    for resource in rule.get("resources") or ():
        if resource == "*" or resource == combined_resource:
            return True
        if subresource and resource == "*/" + subresource:
            return True
    return False


def resource_name_matches(rule: dict, name: str) -> bool:
    names = rule.get("resourceNames") or ()
    return not names or name in names


def non_resource_url_matches(rule: dict, path: str) -> bool:
    for url in rule.get("nonResourceURLs") or ():
        if url == "*" or url == path:
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


@dataclass(frozen=True)
class Attributes:
    """What is asked: authorizer.Attributes."""

    user: str
    groups: tuple[str, ...]
    verb: str
    resource_request: bool
    namespace: str = ""
    group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""


def rule_allows(attributes: Attributes, rule: dict) -> bool:
    if attributes.resource_request:
        combined = attributes.resource
        if attributes.subresource:
            combined = f"{attributes.resource}/{attributes.subresource}"
        return (verb_matches(rule, attributes.verb) and api_group_matches(rule, attributes.group)
                and resource_matches(rule, combined, attributes.subresource)
                and resource_name_matches(rule, attributes.name))
    return verb_matches(rule, attributes.verb) and non_resource_url_matches(rule, attributes.path)


# -- subjects -----------------------------------------------------------------------------------------------

def service_account_user(username: str) -> tuple[str, str] | None:
    """(namespace, name) of a service account user name, None for any other user."""
    if not username.startswith(SERVICE_ACCOUNT_PREFIX):
        return None
    parts = username[len(SERVICE_ACCOUNT_PREFIX):].split(":")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1]


def applies_to(user: str, groups: tuple[str, ...] | list[str], subject: dict, namespace: str) -> bool:
    kind = subject.get("kind")
    if kind == "User":
        return user == subject.get("name")
    if kind == "Group":
        return subject.get("name") in groups
    if kind == "ServiceAccount":
        sa_namespace = subject.get("namespace") or namespace
        if not sa_namespace:
            return False
        return user == f"{SERVICE_ACCOUNT_PREFIX}{sa_namespace}:{subject.get('name')}"
    return False


def _describe_subject(subject: dict, binding_namespace: str) -> str:
    kind, name = subject.get("kind", ""), subject.get("name", "")
    if kind == "ServiceAccount":
        return f'{kind} "{name}/{subject.get("namespace") or binding_namespace}"'
    return f'{kind} "{name}"'


def _label_selector_matches(selector: dict, labels: dict) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or ():
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True  # LabelSelectorAsSelector: an empty selector selects everything


# -- the bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, 1.32) ----------------
# kube-apiserver's rbac/bootstrap-roles post-start hook stores these objects; the clusterrole-aggregation
# controller then fills in the rules of admin, edit and view. The system:controller:* roles of
# kube-controller-manager's own service accounts are not here.

BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
AGGREGATION_MANAGER = "clusterrole-aggregation-controller"
READ_ONLY_ROLE = "pykubectl:read-all"  # not a Kubernetes role: what the test server's `limited` user may do


def _rule(verbs, groups=None, resources=None, names=None, urls=None) -> dict:
    rule: dict = {"verbs": list(verbs)}  # PolicyRule's field order
    if groups is not None:
        rule["apiGroups"] = list(groups)
    if resources is not None:
        rule["resources"] = list(resources)
    if names:
        rule["resourceNames"] = list(names)
    if urls is not None:
        rule["nonResourceURLs"] = list(urls)
    return rule


def _meta(name: str, labels: dict | None = None, namespace: str = "", bootstrap: bool = True) -> dict:
    meta: dict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if bootstrap:
        meta["labels"] = {**BOOTSTRAP_LABELS, **(labels or {})}
        meta["annotations"] = dict(AUTOUPDATE)
    return meta


def _cluster_role(name: str, rules: list[dict], labels: dict | None = None, aggregate_to: str = "",
                  bootstrap: bool = True) -> dict:
    role = {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRole", "metadata": _meta(name, labels,
                                                                                        bootstrap=bootstrap)}
    if aggregate_to:
        role["aggregationRule"] = {"clusterRoleSelectors": [
            {"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{aggregate_to}": "true"}}]}
        role["rules"] = None
    else:
        role["rules"] = rules
    return role


def _subject(kind: str, name: str, namespace: str = "") -> dict:
    if kind == "ServiceAccount":
        return {"kind": kind, "name": name, "namespace": namespace}
    return {"apiGroup": RBAC_GROUP, "kind": kind, "name": name}


def _binding(name: str, role: str, subjects: list[dict] | None, *, namespace: str = "",
             bootstrap: bool = True) -> dict:
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    binding = {"apiVersion": f"{RBAC_GROUP}/v1", "kind": kind,
               "metadata": _meta(name, namespace=namespace, bootstrap=bootstrap),
               "roleRef": {"apiGroup": RBAC_GROUP, "kind": "Role" if namespace else "ClusterRole", "name": role}}
    if subjects:
        binding["subjects"] = subjects
    return binding


_EVENTS = _rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"])
_VIEW_CORE = ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
              "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
              "services/status"]
_VIEW_CORE_STATUS = ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                     "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]
_APPS = ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
         "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
         "statefulsets/scale", "statefulsets/status"]


def _approver(signer: str) -> list[dict]:
    return [_rule(["approve"], ["certificates.k8s.io"], ["signers"], [f"kubernetes.io/{signer}"])]


def bootstrap_cluster_roles() -> list[dict]:
    """The ClusterRoles of a 1.32 cluster (admin, edit and view still without their aggregated rules)."""
    view = "rbac.authorization.k8s.io/aggregate-to-view"
    edit = "rbac.authorization.k8s.io/aggregate-to-edit"
    admin = "rbac.authorization.k8s.io/aggregate-to-admin"
    csr = "certificates.k8s.io"
    storage = "storage.k8s.io"
    return [
        _cluster_role("cluster-admin", [_rule(["*"], ["*"], ["*"]), _rule(["*"], urls=["*"])]),
        _cluster_role("system:discovery", [_rule(["get"], urls=[
            "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
            "/version", "/version/"])]),
        _cluster_role("system:monitoring", [_rule(["get"], urls=[
            "/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"])]),
        _cluster_role("system:basic-user", [
            _rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            _rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])]),
        _cluster_role("system:public-info-viewer", [_rule(["get"], urls=[
            "/healthz", "/livez", "/readyz", "/version", "/version/"])]),
        _cluster_role("admin", [], aggregate_to="admin"),
        _cluster_role("edit", [], labels={admin: "true"}, aggregate_to="edit"),
        _cluster_role("view", [], labels={edit: "true"}, aggregate_to="view"),
        _cluster_role("system:aggregate-to-admin", [
            _rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
            _rule(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], [RBAC_GROUP],
                  ["rolebindings", "roles"]),
        ], labels={admin: "true"}),
        _cluster_role("system:aggregate-to-edit", [
            _rule(READ, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
                               "services/proxy"]),
            _rule(["impersonate"], [""], ["serviceaccounts"]),
            _rule(WRITE, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
            _rule(["create"], [""], ["pods/eviction"]),
            _rule(WRITE, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                                "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
                                "services/proxy"]),
            _rule(["create"], [""], ["serviceaccounts/token"]),
            _rule(WRITE, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                                    "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]),
            _rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
            _rule(WRITE, ["batch"], ["cronjobs", "jobs"]),
            _rule(WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                                          "ingresses", "networkpolicies", "replicasets", "replicasets/scale",
                                          "replicationcontrollers/scale"]),
            _rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
            _rule(WRITE, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
        ], labels={edit: "true"}),
        _cluster_role("system:aggregate-to-view", [
            _rule(READ, [""], _VIEW_CORE),
            _rule(READ, [""], _VIEW_CORE_STATUS),
            _rule(READ, [""], ["namespaces"]),
            _rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
            _rule(READ, ["apps"], _APPS),
            _rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
            _rule(READ, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
            _rule(READ, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                                         "deployments/status", "ingresses", "ingresses/status", "networkpolicies",
                                         "replicasets", "replicasets/scale", "replicasets/status",
                                         "replicationcontrollers/scale"]),
            _rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
            _rule(READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
        ], labels={view: "true"}),
        _cluster_role("system:heapster", [
            _rule(READ, [""], ["events", "namespaces", "nodes", "pods"]),
            _rule(READ, ["extensions"], ["deployments"])]),
        _cluster_role("system:node", [
            _rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            _rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews", "subjectaccessreviews"]),
            _rule(READ, [""], ["services"]),
            _rule(["create", "get", "list", "watch"], [""], ["nodes"]),
            _rule(["patch", "update"], [""], ["nodes/status"]),
            _rule(["patch", "update"], [""], ["nodes"]),
            _rule(["create", "patch", "update"], [""], ["events"]),
            _rule(READ, [""], ["pods"]),
            _rule(["create", "delete"], [""], ["pods"]),
            _rule(["patch", "update"], [""], ["pods/status"]),
            _rule(["create"], [""], ["pods/eviction"]),
            _rule(READ, [""], ["configmaps", "secrets"]),
            _rule(["get"], [""], ["persistentvolumeclaims", "persistentvolumes"]),
            _rule(["get"], [""], ["endpoints"]),
            _rule(["create", "get", "list", "watch"], [csr], ["certificatesigningrequests"]),
            _rule(["create", "delete", "get", "patch", "update"], ["coordination.k8s.io"], ["leases"]),
            _rule(["get"], [storage], ["volumeattachments"]),
            _rule(["create"], [""], ["serviceaccounts/token"]),
            _rule(["get", "patch", "update"], [""], ["persistentvolumeclaims/status"]),
            _rule(READ, [storage], ["csidrivers"]),
            _rule(["create", "delete", "get", "patch", "update"], [storage], ["csinodes"]),
            _rule(READ, ["node.k8s.io"], ["runtimeclasses"])]),
        _cluster_role("system:node-problem-detector", [
            _rule(["get"], [""], ["nodes"]),
            _rule(["patch"], [""], ["nodes/status"]),
            _EVENTS]),
        _cluster_role("system:kubelet-api-admin", [
            _rule(READ, [""], ["nodes"]),
            _rule(["proxy"], [""], ["nodes"]),
            _rule(["*"], [""], ["nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"])]),
        _cluster_role("system:node-bootstrapper", [
            _rule(["create", "get", "list", "watch"], [csr], ["certificatesigningrequests"])]),
        _cluster_role("system:auth-delegator", [
            _rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            _rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])]),
        _cluster_role("system:kube-aggregator", [_rule(READ, [""], ["endpoints", "services"])]),
        _cluster_role("system:persistent-volume-provisioner", [
            _rule(["create", "delete", "get", "list", "watch"], [""], ["persistentvolumes"]),
            _rule(["get", "list", "update", "watch"], [""], ["persistentvolumeclaims"]),
            _rule(READ, [storage], ["storageclasses"]),
            _rule(["watch"], [""], ["events"]),
            _EVENTS]),
        _cluster_role("system:kube-controller-manager", [
            _EVENTS,
            _rule(["create"], ["coordination.k8s.io"], ["leases"]),
            _rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
            _rule(["create"], [""], ["secrets", "serviceaccounts"]),
            _rule(["delete"], [""], ["secrets"]),
            _rule(["get"], [""], ["configmaps", "namespaces", "secrets", "serviceaccounts"]),
            _rule(["update"], [""], ["secrets", "serviceaccounts"]),
            _rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            _rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
            _rule(["list", "watch"], ["*"], ["*"]),
            _rule(["create"], [""], ["serviceaccounts/token"])]),
        _cluster_role("system:kube-dns", [_rule(["list", "watch"], [""], ["endpoints", "services"])]),
        _cluster_role("system:kube-scheduler", [
            _EVENTS,
            _rule(["create"], ["coordination.k8s.io"], ["leases"]),
            _rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
            _rule(READ, [""], ["nodes"]),
            _rule(["delete", "get", "list", "watch"], [""], ["pods"]),
            _rule(["create"], [""], ["bindings", "pods/binding"]),
            _rule(["patch", "update"], [""], ["pods/status"]),
            _rule(READ, [""], ["replicationcontrollers", "services"]),
            _rule(READ, ["apps", "extensions"], ["replicasets"]),
            _rule(READ, ["apps"], ["statefulsets"]),
            _rule(READ, ["policy"], ["poddisruptionbudgets"]),
            _rule(READ, [""], ["persistentvolumeclaims", "persistentvolumes"]),
            _rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            _rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
            _rule(READ, [storage], ["csinodes"]),
            _rule(READ, [""], ["namespaces"]),
            _rule(READ, [storage], ["csidrivers"]),
            _rule(READ, [storage], ["csistoragecapacities"])]),
        _cluster_role("system:volume-scheduler", [
            _rule(["get", "list", "patch", "update", "watch"], [""], ["persistentvolumes"]),
            _rule(READ, [storage], ["storageclasses"]),
            _rule(["get", "list", "patch", "update", "watch"], [""], ["persistentvolumeclaims"])]),
        _cluster_role("system:node-proxier", [
            _rule(["list", "watch"], [""], ["endpoints", "services"]),
            _rule(READ, [""], ["nodes"]),
            _EVENTS,
            _rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"])]),
        _cluster_role("system:service-account-issuer-discovery", [_rule(["get"], urls=[
            "/.well-known/openid-configuration", "/openid/v1/jwks"])]),
        _cluster_role("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [
            _rule(["create"], [csr], ["certificatesigningrequests/nodeclient"])]),
        _cluster_role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [
            _rule(["create"], [csr], ["certificatesigningrequests/selfnodeclient"])]),
        _cluster_role("system:certificates.k8s.io:kube-apiserver-client-approver",
                      _approver("kube-apiserver-client")),
        _cluster_role("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
                      _approver("kube-apiserver-client-kubelet")),
        _cluster_role("system:certificates.k8s.io:kubelet-serving-approver", _approver("kubelet-serving")),
        _cluster_role("system:certificates.k8s.io:legacy-unknown-approver", _approver("legacy-unknown")),
        # not a Kubernetes role (no bootstrapping label): the test server's `limited` user reads everything
        _cluster_role(READ_ONLY_ROLE, [_rule(READ, ["*"], ["*"]), _rule(["get"], urls=["*"])], bootstrap=False),
    ]


def bootstrap_cluster_role_bindings() -> list[dict]:
    def groups(*names):
        return [_subject("Group", n) for n in names]

    return [
        _binding("cluster-admin", "cluster-admin", groups(MASTERS)),
        _binding("system:monitoring", "system:monitoring", groups("system:monitoring")),
        _binding("system:discovery", "system:discovery", groups(AUTHENTICATED)),
        _binding("system:basic-user", "system:basic-user", groups(AUTHENTICATED)),
        _binding("system:public-info-viewer", "system:public-info-viewer", groups(AUTHENTICATED, UNAUTHENTICATED)),
        _binding("system:node-proxier", "system:node-proxier", [_subject("User", "system:kube-proxy")]),
        _binding("system:kube-controller-manager", "system:kube-controller-manager",
                 [_subject("User", "system:kube-controller-manager")]),
        _binding("system:kube-dns", "system:kube-dns", [_subject("ServiceAccount", "kube-dns", "kube-system")]),
        _binding("system:kube-scheduler", "system:kube-scheduler", [_subject("User", "system:kube-scheduler")]),
        _binding("system:volume-scheduler", "system:volume-scheduler", [_subject("User", "system:kube-scheduler")]),
        _binding("system:node", "system:node", None),  # subjects emptied when the Node authorizer came (1.7)
        _binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
                 groups("system:serviceaccounts")),
        _binding(READ_ONLY_ROLE, READ_ONLY_ROLE, [_subject("User", "limited")], bootstrap=False),
    ]


def bootstrap_roles() -> list[dict]:
    """NamespaceRoles: the Roles of kube-system and kube-public."""
    leases = ["create", "get", "list", "update", "watch"]
    leader_locking = [_rule(leases, ["coordination.k8s.io"], ["leases"]),
                      _rule(leases, ["coordination.k8s.io"], ["leasecandidates"])]

    def role(name, namespace, rules):
        return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "Role", "metadata": _meta(name, namespace=namespace),
                "rules": rules}

    return [
        role("system:controller:bootstrap-signer", "kube-public", [
            _rule(READ, [""], ["configmaps"]),
            _rule(["update"], [""], ["configmaps"], ["cluster-info"]),
            _EVENTS]),
        role("extension-apiserver-authentication-reader", "kube-system", [
            _rule(READ, [""], ["configmaps"], ["extension-apiserver-authentication"])]),
        role("system::leader-locking-kube-controller-manager", "kube-system", copy.deepcopy(leader_locking)),
        role("system::leader-locking-kube-scheduler", "kube-system", copy.deepcopy(leader_locking)),
        role("system:controller:bootstrap-signer", "kube-system", [_rule(READ, [""], ["secrets"])]),
        role("system:controller:cloud-provider", "kube-system", [
            _rule(["create", "get", "list", "watch"], [""], ["configmaps"])]),
        role("system:controller:token-cleaner", "kube-system", [
            _rule(["delete", "get", "list", "watch"], [""], ["secrets"]), _EVENTS]),
    ]


def bootstrap_role_bindings() -> list[dict]:
    """NamespaceRoleBindings: the RoleBindings of kube-system and kube-public."""
    system = "kube-system"

    def sa(name):
        return _subject("ServiceAccount", name, system)

    return [
        _binding("system:controller:bootstrap-signer", "system:controller:bootstrap-signer", [sa("bootstrap-signer")],
                 namespace="kube-public"),
        _binding("system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader",
                 [_subject("User", "system:kube-controller-manager"), _subject("User", "system:kube-scheduler")],
                 namespace=system),
        _binding("system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager",
                 [_subject("User", "system:kube-controller-manager"), sa("kube-controller-manager"),
                  sa("leader-election-controller")], namespace=system),
        _binding("system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
                 [_subject("User", "system:kube-scheduler"), sa("kube-scheduler")], namespace=system),
        _binding("system:controller:bootstrap-signer", "system:controller:bootstrap-signer", [sa("bootstrap-signer")],
                 namespace=system),
        _binding("system:controller:cloud-provider", "system:controller:cloud-provider", [sa("cloud-provider")],
                 namespace=system),
        _binding("system:controller:token-cleaner", "system:controller:token-cleaner", [sa("token-cleaner")],
                 namespace=system),
    ]


# -- the clusterrole-aggregation controller (pkg/controller/clusterroleaggregation) -------------------------

def aggregated_rules(role: dict, roles: list[dict]) -> list[dict] | None:
    """The rules the aggregation controller gives `role`: every rule of the ClusterRoles its selectors match,
    selector by selector, roles by name, each rule once. None when the role does not aggregate."""
    selectors = (role.get("aggregationRule") or {}).get("clusterRoleSelectors")
    if not selectors:
        return None
    name = role["metadata"]["name"]
    rules: list[dict] = []
    ordered = sorted(roles, key=lambda r: r["metadata"]["name"])
    for selector in selectors:
        for other in ordered:
            if other["metadata"]["name"] == name:
                continue
            if _label_selector_matches(selector, (other.get("metadata") or {}).get("labels") or {}):
                for rule in other.get("rules") or ():
                    if rule not in rules:
                        rules.append(rule)
    return rules


def aggregate(roles: list[dict]) -> list[dict]:
    """Run the controller over `roles` (changed in place) until it settles; the aggregating roles it changed."""
    changed: dict[str, dict] = {}
    for _ in range(len(roles) + 1):
        moved = False
        for role in roles:
            rules = aggregated_rules(role, roles)
            if rules is not None and rules != (role.get("rules") or []):
                role["rules"] = rules
                changed[role["metadata"]["name"]] = role
                moved = True
        if not moved:
            break
    return list(changed.values())


_SEED: list[tuple[str, dict]] | None = None


def _seed_objects() -> list[tuple[str, dict]]:
    """(resource, object) of every bootstrap object, built once, aggregated and with its managedFields."""
    global _SEED
    if _SEED is None:
        from . import patching

        api_version = f"{RBAC_GROUP}/v1"
        roles = bootstrap_cluster_roles()
        for role in roles:
            patching.record_update(None, role, "kube-apiserver", api_version)
        for role in aggregate(roles):
            before = {**role, "rules": None}
            patching.record_update(before, role, AGGREGATION_MANAGER, api_version, "Apply")
        seed = [("clusterroles", r) for r in roles]
        for resource, objects in (("clusterrolebindings", bootstrap_cluster_role_bindings()),
                                  ("roles", bootstrap_roles()), ("rolebindings", bootstrap_role_bindings())):
            for obj in objects:
                patching.record_update(None, obj, "kube-apiserver", api_version)
                seed.append((resource, obj))
        _SEED = seed
    return _SEED


def bootstrap_objects() -> list[tuple[str, dict]]:
    """(resource, object): a copy of every object seed() stores, admin/edit/view already aggregated."""
    return copy.deepcopy(_seed_objects())


def seed(store: Any) -> None:
    """Store the bootstrap policy as kube-apiserver's post-start hook does, and run the aggregation controller
    on every later ClusterRole change. Called by the store each time it starts empty."""
    import uuid

    from .store import json_copy, now_rfc3339

    now = now_rfc3339()
    try:
        infos = {r: store.info(RBAC_GROUP, "v1", r) for r in ("clusterroles", "clusterrolebindings", "roles",
                                                              "rolebindings")}
    except Exception:  # a catalog without RBAC
        return
    if any(info is None for info in infos.values()):
        return
    for resource, template in _seed_objects():
        obj = json_copy(template)
        meta = obj["metadata"]
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now
        for entry in meta.get("managedFields") or ():
            entry["time"] = now
        store.insert_bootstrap(infos[resource], obj)
    store.add_listener(AggregationController(store, infos["clusterroles"]))


@dataclass
class AggregationController:
    """Keeps the rules of aggregating ClusterRoles the union of the roles they select, right after each
    ClusterRole change (the store calls it outside its lock)."""

    store: Any
    info: Any
    _again: bool = False
    _lock: Any = field(default_factory=threading.Lock)

    def __call__(self, event: Any) -> None:
        if (event.group, event.resource) != (RBAC_GROUP, "clusterroles"):
            return
        self._again = True
        while self._again:
            # our own write (a nested call), or another thread's while we work: the holder goes round again
            if not self._lock.acquire(blocking=False):
                return
            try:
                while self._again:
                    self._again = False
                    self._sync()
            finally:
                self._lock.release()

    def _sync(self) -> None:
        roles = list(self.store.list(self.info, None).items)
        for role in roles:
            rules = aggregated_rules(role, roles)
            if rules is None or rules == (role.get("rules") or []):
                continue
            name = role["metadata"]["name"]

            def apply(current: dict, rules=rules) -> dict:
                from . import patching

                before = copy.deepcopy(current)
                current["rules"] = rules
                patching.record_update(before, current, AGGREGATION_MANAGER, f"{RBAC_GROUP}/v1", "Apply")
                return current

            try:  # a server-side apply of the rules, as the controller sends it
                self.store.mutate(self.info, None, name, apply, field_manager=AGGREGATION_MANAGER,
                                  operation="Apply")
            except Exception:  # deleted meanwhile
                continue
            return  # the write's event asks for another round, with fresh roles


# -- escalation prevention (pkg/registry/rbac/validation, component-helpers auth/rbac/validation) -----------

def breakdown_rule(rule: dict) -> list[dict]:
    """Rules of one group, resource, verb and at most one name (or one URL and one verb) each."""
    subrules: list[dict] = []
    names = rule.get("resourceNames") or []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                base = {"apiGroups": [group], "resources": [resource], "verbs": [verb]}
                subrules.extend([{**base, "resourceNames": [n]} for n in names] if names else [base])
    for url in rule.get("nonResourceURLs") or []:
        subrules.extend({"nonResourceURLs": [url], "verbs": [verb]} for verb in rule.get("verbs") or [])
    return subrules


def _has_all(owner, wanted) -> bool:
    return set(wanted or ()) <= set(owner or ())


def _rule_covers(owner: dict, sub: dict) -> bool:
    """ruleCovers: does one owner rule allow everything a broken-down rule does?"""
    owned = owner.get("resources") or []
    resources_ok = "*" in owned or _has_all(owned, sub.get("resources")) or all(
        r in owned or ("/" in r and "*/" + r.split("/", 1)[1] in owned) for r in sub.get("resources") or [])
    urls_ok = all(any(o == p or (o.endswith("*") and p.startswith(o.rstrip("*")))
                      for o in owner.get("nonResourceURLs") or []) for p in sub.get("nonResourceURLs") or [])
    owner_names = owner.get("resourceNames") or []
    names_ok = not owner_names if not sub.get("resourceNames") else (
        not owner_names or _has_all(owner_names, sub.get("resourceNames")))
    return (("*" in (owner.get("verbs") or []) or _has_all(owner.get("verbs"), sub.get("verbs")))
            and ("*" in (owner.get("apiGroups") or []) or _has_all(owner.get("apiGroups"), sub.get("apiGroups")))
            and resources_ok and urls_ok and names_ok)


def uncovered_rules(owner_rules: list[dict], rules: list[dict]) -> list[dict]:
    """validation.Covers: the broken-down rules no owner rule allows."""
    return [sub for rule in rules for sub in breakdown_rule(rule)
            if not any(_rule_covers(owner, sub) for owner in owner_rules)]


def _go_quoted(values) -> str:
    return "[" + " ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "]"


def compact_string(rule: dict) -> str:
    """rbacv1helpers.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}`."""
    parts = [f"{label}:{_go_quoted(rule[key])}" for key, label in (
        ("apiGroups", "APIGroups"), ("resources", "Resources"), ("nonResourceURLs", "NonResourceURLs"),
        ("resourceNames", "ResourceNames"), ("verbs", "Verbs")) if rule.get(key)]
    return "{" + ", ".join(parts) + "}"


def _compact(rules: list[dict]) -> list[dict]:
    """The registry's CompactRules: simple rules (one group, one resource, at most one name) merge their verbs."""
    compacted: list[dict] = []
    simple: dict[tuple, dict] = {}
    for rule in rules:
        names = rule.get("resourceNames") or []
        groups, resources = rule.get("apiGroups") or [], rule.get("resources") or []
        if len(names) > 1 or rule.get("nonResourceURLs") or len(groups) != 1 or len(resources) != 1:
            compacted.append(rule)
            continue
        key = (groups[0], resources[0], bool(names), names[0] if names else "")
        if key in simple:
            simple[key]["verbs"] = [*(simple[key].get("verbs") or []), *(rule.get("verbs") or [])]
        else:
            simple[key] = copy.deepcopy(rule)
    return compacted + list(simple.values())


def escalation_message(user: str, groups, missing: list[dict], errors: list[str]) -> str:
    """ConfirmNoEscalation's error text."""
    descriptions = sorted({compact_string(rule) for rule in _compact(missing)})
    message = (f"user \"{user}\" (groups={_go_quoted(groups)}) is attempting to grant RBAC permissions not "
               "currently held:\n" + "\n".join(descriptions))
    if errors:  # %v of a []error holding one aggregate
        message += f"; resolution errors: [{errors[0] if len(errors) == 1 else '[' + ', '.join(errors) + ']'}]"
    return message


class _NotFound(Exception):
    def __init__(self, kind: str, name: str):
        super().__init__(f'{kind}.{RBAC_GROUP} "{name}" not found')


@dataclass
class RBACAuthorizer:
    """Decides with the RBAC objects stored in `store` (any object with get/list by catalog info), as
    kube-apiserver's RBAC authorizer reads them from its informers: the bootstrap policy counts only while
    it is stored (seed()), so editing or deleting a bootstrap role or binding changes access.
    `store` may be None: then nothing is allowed."""

    store: Any = None

    # -- reading the policy ----------------------------------------------------------------------------
    def _info(self, resource: str):
        if self.store is None:
            return None
        try:
            return self.store.info(RBAC_GROUP, "v1", resource)
        except Exception:  # a catalog without RBAC
            return None

    def _stored(self, resource: str, namespace: str | None = None) -> list[dict]:
        info = self._info(resource)
        if info is None:
            return []
        return list(self.store.list(info, namespace).items)

    def _all_cluster_roles(self) -> dict[str, dict]:
        return {role["metadata"]["name"]: role for role in self._stored("clusterroles")}

    def _cluster_role_rules(self, name: str, roles: dict[str, dict] | None = None) -> list[dict]:
        """The stored rules (an aggregating role's are what the aggregation controller wrote)."""
        roles = roles if roles is not None else self._all_cluster_roles()
        role = roles.get(name)
        if role is None:
            raise _NotFound("clusterrole", name)
        return list(role.get("rules") or [])

    def _role_rules(self, role_ref: dict, namespace: str, roles: dict[str, dict]) -> list[dict]:
        kind, name = role_ref.get("kind"), role_ref.get("name", "")
        if kind == "ClusterRole":
            return self._cluster_role_rules(name, roles)
        if kind == "Role":
            info = self._info("roles")
            if info is None or not self.store.exists(info, namespace, name):
                raise _NotFound("role", name)
            return list(self.store.get(info, namespace, name).get("rules") or [])
        raise ValueError(f'unsupported role reference kind: "{kind}"')

    def visit_rules(self, user: str, groups, namespace: str):
        """Yield (source description, rule, error) as VisitRulesFor does: cluster-wide bindings, then the namespace's."""
        roles = self._all_cluster_roles()
        for binding in self._stored("clusterrolebindings"):
            yield from self._visit_binding(binding, user, groups, "", roles)
        if namespace:
            for binding in self._stored("rolebindings", namespace):
                yield from self._visit_binding(binding, user, groups, namespace, roles)

    def _visit_binding(self, binding: dict, user: str, groups, namespace: str, roles):
        subjects = binding.get("subjects") or []
        subject = next((s for s in subjects if applies_to(user, groups, s, namespace)), None)
        if subject is None:
            return
        try:
            rules = self._role_rules(binding.get("roleRef") or {}, namespace, roles)
        except (_NotFound, ValueError) as exc:
            yield None, None, str(exc)
            return
        ref = binding.get("roleRef") or {}
        if namespace:
            source = (f'RoleBinding "{binding["metadata"]["name"]}/{namespace}" of {ref.get("kind")} '
                      f'"{ref.get("name")}" to {_describe_subject(subject, namespace)}')
        else:
            source = (f'ClusterRoleBinding "{binding["metadata"]["name"]}" of {ref.get("kind")} '
                      f'"{ref.get("name")}" to {_describe_subject(subject, "")}')
        for rule in rules:
            yield source, rule, None

    # -- deciding --------------------------------------------------------------------------------------
    def authorize(self, attributes: Attributes) -> tuple[bool, str]:
        """(allowed, reason): the reason names the allowing binding, or the errors met while resolving."""
        errors: list[str] = []
        for source, rule, error in self.visit_rules(attributes.user, attributes.groups, attributes.namespace):
            if rule is not None and rule_allows(attributes, rule):
                return True, f"RBAC: allowed by {source}"
            if error:
                errors.append(error)
        if not errors:
            return False, ""
        return False, "RBAC: " + (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")

    def policy_rules(self, user: str, groups, namespace: str) -> tuple[list[dict], list[str]]:
        """RulesFor: every rule the user holds in the namespace, and the errors met resolving them."""
        rules: list[dict] = []
        errors: list[str] = []
        for _, rule, error in self.visit_rules(user, groups, namespace):
            if rule is not None:
                rules.append(rule)
            if error:
                errors.append(error)
        return rules, errors

    def role_reference_rules(self, role_ref: dict, namespace: str) -> list[dict]:
        """GetRoleReferenceRules; raises LookupError with the apiserver's wording when the role is missing."""
        try:
            return self._role_rules(role_ref, namespace, self._all_cluster_roles())
        except (_NotFound, ValueError) as exc:
            raise LookupError(str(exc)) from exc

    def rules_for(self, user: str, groups, namespace: str) -> tuple[list[dict], list[dict], str]:
        """SelfSubjectRulesReview's status parts: resource rules, non-resource rules, the evaluation error."""
        resource_rules: list[dict] = []
        non_resource_rules: list[dict] = []
        errors: list[str] = []
        for _, rule, error in self.visit_rules(user, groups, namespace):
            if error:
                errors.append(error)
            if rule is None:
                continue
            if rule.get("resources"):
                entry = {"verbs": list(rule.get("verbs") or [])}
                if rule.get("apiGroups"):
                    entry["apiGroups"] = list(rule["apiGroups"])
                entry["resources"] = list(rule["resources"])
                if rule.get("resourceNames"):
                    entry["resourceNames"] = list(rule["resourceNames"])
                resource_rules.append(entry)
            if rule.get("nonResourceURLs"):
                non_resource_rules.append({"verbs": list(rule.get("verbs") or []),
                                           "nonResourceURLs": list(rule["nonResourceURLs"])})
        error = errors[0] if len(errors) == 1 else ("[" + ", ".join(errors) + "]" if errors else "")
        return copy.deepcopy(resource_rules), copy.deepcopy(non_resource_rules), error
