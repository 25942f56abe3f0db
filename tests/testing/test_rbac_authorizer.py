"""The test server's RBAC authorizer (pykubectl/testing/rbac.py) and the review APIs built on it."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest

from pykubectl.testing import rbac
from pykubectl.testing.rbac import Attributes, RBACAuthorizer

REF = {"apiGroup": "rbac.authorization.k8s.io"}


# -- the matchers -------------------------------------------------------------------------------------------

def test_verb_and_group_matches():
    assert rbac.verb_matches({"verbs": ["get", "list"]}, "list")
    assert rbac.verb_matches({"verbs": ["*"]}, "escalate")
    assert not rbac.verb_matches({"verbs": ["get"]}, "list")
    assert not rbac.verb_matches({}, "get")
    assert rbac.api_group_matches({"apiGroups": [""]}, "")
    assert rbac.api_group_matches({"apiGroups": ["*"]}, "apps")
    assert not rbac.api_group_matches({"apiGroups": ["apps"]}, "")


@pytest.mark.parametrize("rule_resources,combined,sub,expected", [
    (["*"], "pods", "", True),
    (["*"], "pods/log", "log", True),
    (["pods"], "pods", "", True),
    (["pods"], "pods/log", "log", False),  # a resource does not include its subresources
    (["pods/log"], "pods/log", "log", True),
    (["pods/log"], "pods", "", False),
    (["*/scale"], "deployments/scale", "scale", True),
    (["*/scale"], "deployments", "", False),
    (["*/scale"], "deployments/status", "status", False),
    (["*/log"], "pods/logs", "logs", False),
])
def test_resource_matches(rule_resources, combined, sub, expected):
    assert rbac.resource_matches({"resources": rule_resources}, combined, sub) is expected


def test_resource_name_and_url_matches():
    assert rbac.resource_name_matches({}, "anything")
    assert rbac.resource_name_matches({"resourceNames": ["a", "b"]}, "b")
    assert not rbac.resource_name_matches({"resourceNames": ["a"]}, "")  # list/create carry no name
    assert rbac.non_resource_url_matches({"nonResourceURLs": ["*"]}, "/x")
    assert rbac.non_resource_url_matches({"nonResourceURLs": ["/healthz"]}, "/healthz")
    assert not rbac.non_resource_url_matches({"nonResourceURLs": ["/healthz"]}, "/healthz/etcd")
    assert rbac.non_resource_url_matches({"nonResourceURLs": ["/logs/*"]}, "/logs/a/b")
    assert rbac.non_resource_url_matches({"nonResourceURLs": ["/logs*"]}, "/logsx")
    assert not rbac.non_resource_url_matches({"nonResourceURLs": ["/logs/*"]}, "/logs")


def test_rule_allows_resource_and_non_resource_requests():
    rule = {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["web"]}
    ask = Attributes("u", (), "get", True, "ns", "", "pods", "", "web")
    assert rbac.rule_allows(ask, rule)
    assert not rbac.rule_allows(Attributes("u", (), "get", True, "ns", "", "pods", "", "db"), rule)
    assert not rbac.rule_allows(Attributes("u", (), "get", False, path="/pods"), rule)
    url_rule = {"verbs": ["get"], "nonResourceURLs": ["/metrics"]}
    assert rbac.rule_allows(Attributes("u", (), "get", False, path="/metrics"), url_rule)
    assert not rbac.rule_allows(Attributes("u", (), "post", False, path="/metrics"), url_rule)


def test_subjects():
    assert rbac.applies_to("jane", (), {"kind": "User", "name": "jane"}, "")
    assert rbac.applies_to("x", ("devs",), {"kind": "Group", "name": "devs"}, "")
    sa = "system:serviceaccount:team:robot"
    assert rbac.applies_to(sa, (), {"kind": "ServiceAccount", "name": "robot", "namespace": "team"}, "")
    assert rbac.applies_to(sa, (), {"kind": "ServiceAccount", "name": "robot"}, "team")  # the binding's namespace
    assert not rbac.applies_to(sa, (), {"kind": "ServiceAccount", "name": "robot"}, "")
    assert rbac.service_account_user(sa) == ("team", "robot")
    assert rbac.service_account_user("system:serviceaccount:bad") is None


# -- the authorizer over a store -----------------------------------------------------------------------------

class _Info:
    def __init__(self, resource: str):
        self.resource = resource


class _List:
    def __init__(self, items):
        self.items = items


class FakeStore:
    """Just what the authorizer reads: info(), list(), exists(), get()."""

    def __init__(self, objects: dict[str, list[dict]]):
        self.objects = objects

    def info(self, group, version, resource):
        return _Info(resource)

    def list(self, info, namespace):
        return _List([o for o in self.objects.get(info.resource, [])
                      if namespace is None or o["metadata"].get("namespace") == namespace])

    def exists(self, info, namespace, name):
        return any(o["metadata"]["name"] == name for o in self.list(info, namespace).items)

    def get(self, info, namespace, name):
        return next(o for o in self.list(info, namespace).items if o["metadata"]["name"] == name)


def _store() -> FakeStore:
    """The bootstrap policy as the server stores it, plus a few objects of a test's own."""
    store = FakeStore({
        "roles": [{"metadata": {"name": "reader", "namespace": "team"},
                   "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]}],
        "rolebindings": [
            {"metadata": {"name": "jane-reads", "namespace": "team"}, "roleRef": {**REF, "kind": "Role", "name": "reader"},
             "subjects": [{"kind": "User", "name": "jane"}]},
            {"metadata": {"name": "edit", "namespace": "team"}, "roleRef": {**REF, "kind": "ClusterRole", "name": "edit"},
             "subjects": [{"kind": "Group", "name": "editors"}]},
            {"metadata": {"name": "dangling", "namespace": "team"}, "roleRef": {**REF, "kind": "Role", "name": "gone"},
             "subjects": [{"kind": "User", "name": "bob"}]}],
        "clusterroles": [{"metadata": {"name": "extra-view", "labels": {
            "rbac.authorization.k8s.io/aggregate-to-view": "true"}},
            "rules": [{"verbs": ["list"], "apiGroups": ["example.com"], "resources": ["widgets"]}]}],
        "clusterrolebindings": [],
    })
    for resource, obj in rbac.bootstrap_objects():
        store.objects[resource].append(obj)
    rbac.aggregate(store.objects["clusterroles"])  # the aggregation controller, as the server runs it
    return store


def _ask(authorizer, user, groups, verb, resource="", namespace="", group="", sub="", name="", path=""):
    return authorizer.authorize(Attributes(user, tuple(groups), verb, not path, namespace, group, resource, sub,
                                           name, path))


def test_authorizer_decides_from_bindings_and_says_why():
    authorizer = RBACAuthorizer(_store())
    allowed, reason = _ask(authorizer, "jane", ["system:authenticated"], "get", "pods", "team")
    assert allowed and reason == 'RBAC: allowed by RoleBinding "jane-reads/team" of Role "reader" to User "jane"'
    assert _ask(authorizer, "jane", ["system:authenticated"], "get", "pods", "other") == (False, "")
    assert _ask(authorizer, "jane", ["system:authenticated"], "delete", "pods", "team") == (False, "")
    # the bootstrap policy: masters through cluster-admin, everyone's self reviews and discovery
    allowed, reason = _ask(authorizer, "root", ["system:masters"], "delete", "nodes")
    assert allowed and reason == ('RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole '
                                  '"cluster-admin" to Group "system:masters"')
    assert _ask(authorizer, "x", ["system:authenticated"], "create", "selfsubjectaccessreviews",
                group="authorization.k8s.io")[0]
    assert _ask(authorizer, "x", ["system:authenticated"], "get", path="/apis/apps")[0]
    assert not _ask(authorizer, "x", ["system:authenticated"], "get", path="/metrics")[0]
    # limited reads everything, writes nothing
    assert _ask(authorizer, "limited", ["system:authenticated"], "list", "secrets", "kube-system")[0]
    assert not _ask(authorizer, "limited", ["system:authenticated"], "create", "pods", "team")[0]


def test_a_missing_role_is_the_reason_of_a_denial():
    authorizer = RBACAuthorizer(_store())
    assert _ask(authorizer, "bob", [], "get", "pods", "team") == (
        False, 'RBAC: role.rbac.authorization.k8s.io "gone" not found')


def test_aggregated_cluster_roles_collect_their_parts():
    authorizer = RBACAuthorizer(_store())
    editor = ["editors", "system:authenticated"]
    assert _ask(authorizer, "e", editor, "update", "deployments", "team", group="apps")[0]  # aggregate-to-edit
    assert _ask(authorizer, "e", editor, "list", "pods", "team")[0]  # view, aggregated into edit
    assert _ask(authorizer, "e", editor, "list", "widgets", "team", group="example.com")[0]  # a stored part
    assert not _ask(authorizer, "e", editor, "create", "roles", "team", group="rbac.authorization.k8s.io")[0]
    assert not _ask(authorizer, "e", editor, "list", "pods", "other")[0]


def test_rules_for_lists_cluster_bindings_first_then_the_namespace():
    authorizer = RBACAuthorizer(_store())
    resource_rules, non_resource_rules, error = authorizer.rules_for("jane", ("system:authenticated",), "team")
    assert resource_rules[:2] == [
        {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
         "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
        {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]}]
    assert resource_rules[-1] == {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}
    assert {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]} \
        in non_resource_rules
    assert error == ""
    assert authorizer.rules_for("bob", (), "team") == ([], [], 'role.rbac.authorization.k8s.io "gone" not found')


# -- over the wire ------------------------------------------------------------------------------------------

@pytest.fixture
def server(kube_apiserver):
    if kube_apiserver is None:
        pytest.skip("needs the test API server")
    kube_apiserver.reset()
    return kube_apiserver


def _post(server, path: str, body: dict, token: str = "admin-token", headers: dict | None = None):
    context = ssl.create_default_context(cadata=server.ca_pem.decode())
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_subject_access_reviews_answer_for_the_named_subject(server):
    server.call(lambda: server.store.create(server.store.info("rbac.authorization.k8s.io", "v1", "clusterrolebindings"),
                                            None, {"metadata": {"name": "jane-view"},
                                                   "roleRef": {**REF, "kind": "ClusterRole", "name": "view"},
                                                   "subjects": [{"kind": "User", "name": "jane"}]}))
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
              "spec": {"user": "jane", "resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "x"}}}
    code, answer = _post(server, "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
    assert code == 201
    assert answer["status"] == {
        "allowed": True, "reason": 'RBAC: allowed by ClusterRoleBinding "jane-view" of ClusterRole "view" to User "jane"'}
    review["spec"]["resourceAttributes"]["verb"] = "delete"
    assert _post(server, "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)[1]["status"] == {
        "allowed": False}
    # a LocalSubjectAccessReview asks about its own namespace
    local = {**review, "kind": "LocalSubjectAccessReview",
             "spec": {"user": "jane", "resourceAttributes": {"verb": "get", "resource": "pods"}}}
    code, answer = _post(server, "/apis/authorization.k8s.io/v1/namespaces/y/localsubjectaccessreviews", local)
    assert (code, answer["status"]["allowed"]) == (201, True)


def test_impersonation_is_checked_per_identity_part(server):
    path = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
    code, answer = _post(server, path, {}, headers={"Impersonate-User": "system:serviceaccount:team:robot",
                                                    "Impersonate-Extra-Reason": "audit"})
    assert code == 201
    assert answer["status"]["userInfo"] == {
        "username": "system:serviceaccount:team:robot",
        "groups": ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"],
        "extra": {"reason": ["audit"]}}
    code, answer = _post(server, path, {}, token="limited-token", headers={"Impersonate-User": "jane"})
    assert code == 403
    assert answer["message"] == ('users "jane" is forbidden: User "limited" cannot impersonate resource "users" in '
                                 'API group "" at the cluster scope')
    # jane may impersonate the group devs only, through a binding a test adds
    store = server.store
    server.call(lambda: (
        store.create(store.info("rbac.authorization.k8s.io", "v1", "clusterroles"), None, {
            "metadata": {"name": "impersonate-devs"},
            "rules": [{"verbs": ["impersonate"], "apiGroups": [""], "resources": ["users", "groups"],
                       "resourceNames": ["jane", "devs"]}]}),
        store.create(store.info("rbac.authorization.k8s.io", "v1", "clusterrolebindings"), None, {
            "metadata": {"name": "jane-impersonates"}, "roleRef": {**REF, "kind": "ClusterRole", "name": "impersonate-devs"},
            "subjects": [{"kind": "User", "name": "jane"}]})))
    headers = {"Impersonate-User": "jane", "Impersonate-Group": "devs"}
    code, answer = _post(server, path, {}, token="jane-token", headers=headers)
    assert (code, answer["status"]["userInfo"]["groups"]) == (201, ["devs", "system:authenticated"])
    code, answer = _post(server, path, {}, token="jane-token", headers={"Impersonate-User": "jane",
                                                                          "Impersonate-Group": "ops"})
    assert code == 403 and answer["message"].startswith('groups "ops" is forbidden: User "jane" cannot impersonate')


def test_added_users_last_until_the_reset(server):
    server.call(server.state.authenticator.add_user, "bob-token", "bob", ["qa"], uid="9")
    code, answer = _post(server, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {}, token="bob-token")
    assert (code, answer["status"]["userInfo"]) == (
        201, {"username": "bob", "uid": "9", "groups": ["qa", "system:authenticated"]})
    server.reset()
    code, answer = _post(server, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {}, token="bob-token")
    assert code == 401


def test_escalation_helpers():
    owner = [{"verbs": ["*"], "apiGroups": [""], "resources": ["pods", "*/status"]},
             {"verbs": ["get"], "nonResourceURLs": ["/logs/*"]}]
    wanted = [{"verbs": ["get", "delete"], "apiGroups": ["", "apps"], "resources": ["pods", "nodes/status"]},
              {"verbs": ["get", "post"], "nonResourceURLs": ["/logs/a"]}]
    missing = rbac.uncovered_rules(owner, wanted)
    assert missing == [{"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["get"]},
                       {"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["delete"]},
                       {"apiGroups": ["apps"], "resources": ["nodes/status"], "verbs": ["get"]},
                       {"apiGroups": ["apps"], "resources": ["nodes/status"], "verbs": ["delete"]},
                       {"nonResourceURLs": ["/logs/a"], "verbs": ["post"]}]
    assert rbac.escalation_message("u", ["g"], missing, ["boom"]) == (
        'user "u" (groups=["g"]) is attempting to grant RBAC permissions not currently held:\n'
        '{APIGroups:["apps"], Resources:["nodes/status"], Verbs:["get" "delete"]}\n'
        '{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "delete"]}\n'
        '{NonResourceURLs:["/logs/a"], Verbs:["post"]}; resolution errors: [boom]')
    named = [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]}]
    assert rbac.uncovered_rules(named, [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}])
    assert not rbac.uncovered_rules([{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}], named)
