"""The RBAC authorizer: Roles, ClusterRoles and their bindings decide what a user may do.

A port of kube-apiserver's RBAC evaluation (plugin/pkg/auth/authorizer/rbac/rbac.go,
pkg/registry/rbac/validation/rule.go and pkg/apis/rbac/v1/evaluation_helpers.go):

* a rule allows a request when its verb, API group, resource (`*`, `res/sub`, `*/sub`), resource name and
  non-resource URL (exact, `*`, or a trailing `*` prefix) all match;
* the rules of a user are those of every ClusterRoleBinding naming it (or one of its groups, or its service
  account) and, inside a namespace, those of every RoleBinding there, in that order;
* ClusterRoles with an aggregationRule take the rules of every ClusterRole their selectors match (the
  clusterrole-aggregation controller's work, done here at evaluation time).

Besides the objects in the store the server has the bootstrap policy of a 1.32 cluster (cluster-admin, admin,
edit, view, system:basic-user, system:discovery, system:public-info-viewer and their bindings) plus one role
of its own: `pykubectl:read-all`, bound to the test user `limited`, which may read everything but write nothing.
The bootstrap objects are not stored (so listing clusterroles shows only what a test created); a stored object
of the same name takes their place.
"""

from __future__ import annotations

import copy
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
    return bool(selector.get("matchLabels") or selector.get("matchExpressions"))


# -- the bootstrap policy ----------------------------------------------------------------------------------

def _rule(verbs, groups=None, resources=None, names=None, urls=None) -> dict:
    rule: dict = {"verbs": list(verbs)}
    if groups is not None:
        rule["apiGroups"] = list(groups)
    if resources is not None:
        rule["resources"] = list(resources)
    if names:
        rule["resourceNames"] = list(names)
    if urls is not None:
        rule["nonResourceURLs"] = list(urls)
    return rule


def _cluster_role(name: str, rules: list[dict], labels: dict | None = None, aggregate_to: str = "") -> dict:
    role = {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRole",
            "metadata": {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults", **(labels or {})},
                         "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
            "rules": rules}
    if aggregate_to:
        role["aggregationRule"] = {"clusterRoleSelectors": [
            {"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{aggregate_to}": "true"}}]}
        role["rules"] = None
    return role


def _binding(name: str, role: str, subjects: list[tuple[str, str]]) -> dict:
    return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                         "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
            "subjects": [{"apiGroup": RBAC_GROUP, "kind": kind, "name": subject} for kind, subject in subjects]}


_VIEW_CORE = ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
              "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
              "services/status"]
_VIEW_CORE_STATUS = ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                     "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]
_APPS = ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
         "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
         "statefulsets/scale", "statefulsets/status"]


def bootstrap_cluster_roles() -> list[dict]:
    view = "rbac.authorization.k8s.io/aggregate-to-view"
    edit = "rbac.authorization.k8s.io/aggregate-to-edit"
    admin = "rbac.authorization.k8s.io/aggregate-to-admin"
    return [
        _cluster_role("cluster-admin", [_rule(["*"], ["*"], ["*"]), _rule(["*"], urls=["*"])]),
        _cluster_role("system:discovery", [_rule(["get"], urls=[
            "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
            "/version", "/version/"])]),
        _cluster_role("system:basic-user", [
            _rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            _rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])]),
        _cluster_role("system:public-info-viewer", [_rule(["get"], urls=[
            "/healthz", "/livez", "/readyz", "/version", "/version/"])]),
        _cluster_role("system:monitoring", [_rule(["get"], urls=[
            "/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"])]),
        _cluster_role("system:service-account-issuer-discovery", [_rule(["get"], urls=[
            "/.well-known/openid-configuration", "/openid/v1/jwks"])]),
        _cluster_role("system:auth-delegator", [
            _rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            _rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])]),
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
        # not a Kubernetes role: what the test server's `limited` user may do
        _cluster_role("pykubectl:read-all", [_rule(READ, ["*"], ["*"]), _rule(["get"], urls=["*"])]),
    ]


def bootstrap_cluster_role_bindings() -> list[dict]:
    return [
        _binding("cluster-admin", "cluster-admin", [("Group", MASTERS)]),
        _binding("system:basic-user", "system:basic-user", [("Group", AUTHENTICATED)]),
        _binding("system:discovery", "system:discovery", [("Group", AUTHENTICATED)]),
        _binding("system:public-info-viewer", "system:public-info-viewer",
                 [("Group", AUTHENTICATED), ("Group", UNAUTHENTICATED)]),
        _binding("system:monitoring", "system:monitoring", [("Group", "system:monitoring")]),
        _binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
                 [("Group", "system:serviceaccounts")]),
        _binding("pykubectl:read-all", "pykubectl:read-all", [("User", "limited")]),
    ]


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
    """Decides with the RBAC objects of `store` (any object with get/list by catalog info) and the bootstrap
    policy. `store` may be None: then only the bootstrap policy counts."""

    store: Any = None
    cluster_roles: dict[str, dict] = field(
        default_factory=lambda: {r["metadata"]["name"]: r for r in bootstrap_cluster_roles()})
    cluster_role_bindings: list[dict] = field(default_factory=bootstrap_cluster_role_bindings)

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
        roles = dict(self.cluster_roles)
        for role in self._stored("clusterroles"):
            roles[role["metadata"]["name"]] = role
        return roles

    def _cluster_role_rules(self, name: str, roles: dict[str, dict] | None = None,
                            seen: frozenset[str] = frozenset()) -> list[dict]:
        roles = roles if roles is not None else self._all_cluster_roles()
        role = roles.get(name)
        if role is None:
            raise _NotFound("clusterrole", name)
        aggregation = role.get("aggregationRule")
        if not aggregation or not aggregation.get("clusterRoleSelectors"):
            return list(role.get("rules") or [])
        # the clusterrole-aggregation controller, run to convergence: the rules of every selected role (its own
        # aggregated rules when it aggregates too), each rule once, roles by name
        rules: list[dict] = []
        seen = seen | {name}
        for other_name in sorted(roles):
            if other_name in seen:
                continue
            labels = (roles[other_name].get("metadata") or {}).get("labels") or {}
            if any(_label_selector_matches(s, labels) for s in aggregation["clusterRoleSelectors"]):
                for rule in self._cluster_role_rules(other_name, roles, seen):
                    if rule not in rules:
                        rules.append(rule)
        return rules

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
        bindings = {b["metadata"]["name"]: b for b in self.cluster_role_bindings}
        for binding in self._stored("clusterrolebindings"):
            bindings[binding["metadata"]["name"]] = binding
        for binding in bindings.values():
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
