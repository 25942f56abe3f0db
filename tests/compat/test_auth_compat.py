"""kubectl auth can-i / whoami / reconcile: pykubectl against the real kubectl 1.32 on the test server, whose
authorizer is RBAC (pykubectl/testing/rbac.py). Users: admin (system:masters), limited (reads everything),
jane (group devs; bound below), each through a kubeconfig context of its own."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pykubectl.resources import rbac
from tests.conftest import Result, Runners, strip_klog

pytestmark = pytest.mark.no_simulation

RBAC_V1 = "rbac.authorization.k8s.io/v1"
REF = {"apiGroup": "rbac.authorization.k8s.io"}

# What every can-i/whoami test starts from: jane may read pods (and their logs) in team, one configmap by
# name, scale deployments there; her group devs may read nodes and /metrics cluster-wide; a binding in
# `broken` names a Role that does not exist; aggregated-reader collects the rules of its labelled parts.
POLICY = [
    ("", "v1", "namespaces", None, {"metadata": {"name": "team"}}),
    ("", "v1", "namespaces", None, {"metadata": {"name": "broken"}}),
    ("rbac.authorization.k8s.io", "v1", "roles", "team", {
        "metadata": {"name": "pod-reader"},
        "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
                  {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app-config"],
                   "verbs": ["get"]},
                  {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["get", "update"]}]}),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "team", {
        "metadata": {"name": "jane-reads-pods"},
        "roleRef": {**REF, "kind": "Role", "name": "pod-reader"},
        "subjects": [{**REF, "kind": "User", "name": "jane"}]}),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "broken", {
        "metadata": {"name": "dangling"},
        "roleRef": {**REF, "kind": "Role", "name": "gone"},
        "subjects": [{**REF, "kind": "Group", "name": "devs"}]}),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", None, {
        "metadata": {"name": "node-viewer"},
        "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]},
                  {"nonResourceURLs": ["/metrics", "/logs/*"], "verbs": ["get"]}]}),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", None, {
        "metadata": {"name": "devs-view-nodes"},
        "roleRef": {**REF, "kind": "ClusterRole", "name": "node-viewer"},
        "subjects": [{**REF, "kind": "Group", "name": "devs"}]}),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", None, {
        "metadata": {"name": "aggregated-reader"},
        "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"example.com/aggregate": "true"}}]},
        "rules": None}),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", None, {
        "metadata": {"name": "secret-lister", "labels": {"example.com/aggregate": "true"}},
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "team", {
        "metadata": {"name": "ann-admin"},
        "roleRef": {**REF, "kind": "ClusterRole", "name": "admin"},
        "subjects": [{**REF, "kind": "User", "name": "ann"}]}),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "team", {
        "metadata": {"name": "sam-edits"},
        "roleRef": {**REF, "kind": "ClusterRole", "name": "edit"},
        "subjects": [{**REF, "kind": "User", "name": "sam"}]}),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "team", {
        "metadata": {"name": "robot-aggregated"},
        "roleRef": {**REF, "kind": "ClusterRole", "name": "aggregated-reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": "team"}]}),
]


def _populate(store) -> None:
    for group, version, resource, namespace, obj in POLICY:
        store.create(store.info(group, version, resource), namespace, copy.deepcopy(obj))


@pytest.fixture
def env(kube_apiserver, tmp_path: Path) -> dict[str, str]:
    """A fresh server with POLICY, and a kubeconfig with the contexts token-admin (current), limited and jane."""
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kube_apiserver.reset()
    kube_apiserver.call(_populate, kube_apiserver.store)
    config = kube_apiserver.kubeconfig("token")
    config["users"].append({"name": "jane", "user": {"token": "jane-token"}})
    config["contexts"].append({"name": "jane", "context": {"cluster": config["clusters"][0]["name"], "user": "jane"}})
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))
    return {"KUBECONFIG": str(path)}


CAN_I = [
    # admin (system:masters)
    ("token-admin", "create", "pods"),
    ("token-admin", "get", "nodes"),  # Warning: not namespace scoped
    ("token-admin", "get", "nodes", "-A"),
    ("token-admin", "list", "clusterroles.rbac.authorization.k8s.io"),  # ... in group
    ("token-admin", "*", "*"),
    ("token-admin", "get", "/api"),
    ("token-admin", "frob", "pods"),  # Warning: not a known verb
    ("token-admin", "frob", "/api"),
    ("token-admin", "get", "nothings.example.com"),  # Warning: no such type in group
    ("token-admin", "get", "foos"),
    ("token-admin", "impersonate", "users"),  # no warning for users/groups
    ("token-admin", "get", "pods", "-q"),
    ("token-admin", "list", "deploy"),
    # limited: reads, never writes
    ("limited", "list", "pods"),
    ("limited", "get", "secrets", "-A"),
    ("limited", "delete", "pods"),
    ("limited", "delete", "pods", "-q"),
    ("limited", "create", "pods", "--subresource=exec", "-n", "team"),
    ("limited", "get", "/healthz"),
    ("limited", "post", "/healthz"),
    ("limited", "impersonate", "users"),
    # jane: a Role through a RoleBinding in team, a ClusterRole through her group, nothing else
    ("jane", "get", "pods", "-n", "team"),
    ("jane", "watch", "Pods", "-n", "team"),
    ("jane", "get", "pods", "-n", "default"),
    ("jane", "get", "pods", "-A"),
    ("jane", "delete", "pods", "-n", "team"),
    ("jane", "get", "pods", "--subresource=log", "-n", "team"),
    ("jane", "get", "pods", "--subresource=exec", "-n", "team"),
    ("jane", "get", "configmaps/app-config", "-n", "team"),
    ("jane", "get", "configmaps/other", "-n", "team"),
    ("jane", "get", "configmaps", "-n", "team"),
    ("jane", "update", "deployments.apps", "--subresource=scale", "-n", "team"),
    ("jane", "update", "deployments.apps", "-n", "team"),
    ("jane", "list", "nodes"),
    ("jane", "delete", "nodes"),
    ("jane", "get", "/metrics"),
    ("jane", "get", "/logs/kube.log"),
    ("jane", "get", "/logs"),
    ("jane", "get", "/api/v1"),  # system:discovery through system:authenticated
    ("jane", "create", "selfsubjectaccessreviews.authorization.k8s.io"),
    ("jane", "get", "pods", "-n", "broken"),  # no - RBAC: role ... not found
    # impersonation (the admin may, limited and jane may not)
    ("token-admin", "get", "pods", "-n", "team", "--as=jane"),
    ("token-admin", "list", "nodes", "--as=jane"),
    ("token-admin", "list", "nodes", "--as=jane", "--as-group=devs"),
    ("token-admin", "list", "secrets", "-n", "team", "--as=system:serviceaccount:team:robot"),
    ("token-admin", "get", "secrets", "-n", "team", "--as=system:serviceaccount:team:robot"),
    ("token-admin", "list", "secrets", "-n", "default", "--as=system:serviceaccount:team:robot"),
    # sam has the bootstrap `edit` in team (aggregated from system:aggregate-to-edit and view)
    ("token-admin", "create", "deployments.apps", "-n", "team", "--as=sam"),
    ("token-admin", "get", "secrets", "-n", "team", "--as=sam"),
    ("token-admin", "create", "pods", "--subresource=exec", "-n", "team", "--as=sam"),
    ("token-admin", "list", "pods", "-n", "team", "--as=sam"),
    ("token-admin", "create", "roles.rbac.authorization.k8s.io", "-n", "team", "--as=sam"),
    ("token-admin", "list", "pods", "-n", "default", "--as=sam"),
    ("limited", "get", "pods", "--as=jane"),
    ("jane", "get", "pods", "-n", "team", "--as=limited"),
    # argument and flag errors
    ("token-admin", "get"),
    ("token-admin", "get", "pods", "extra"),
    ("token-admin", "get", "pods", "--no-headers"),
    ("token-admin", "get", "/api", "--subresource=log"),
    ("token-admin", "--list", "pods"),
    ("token-admin", "--list", "-A"),
    ("token-admin", "--list", "-q"),
    ("token-admin", "--list", "--subresource=log"),
]


@pytest.mark.parametrize("case", CAN_I, ids=lambda c: " ".join(c))
def test_can_i_matches_kubectl(runners: Runners, env, case):
    context, *args = case
    runners.assert_same("--context", context, "auth", "can-i", *args, env=env, normalise=_without_klog)


def _without_klog(result: Result) -> Result:
    """kubectl logs a failed discovery (forbidden impersonation) as timestamped klog lines."""
    return Result(result.stdout, strip_klog(result.stderr), result.exit_code)


@pytest.mark.parametrize("context,extra", [
    ("token-admin", ()), ("token-admin", ("-n", "team")), ("limited", ()), ("limited", ("-n", "team")),
    ("jane", ("-n", "team")), ("jane", ("-n", "team", "--no-headers")), ("jane", ("-n", "broken")),
    ("jane", ()), ("token-admin", ("-n", "team", "--as=system:serviceaccount:team:robot")),
    ("token-admin", ("-n", "team", "--as=jane", "--as-group=devs")), ("token-admin", ("-n", "team", "--as=sam")),
])
def test_can_i_list_matches_kubectl(runners: Runners, env, context, extra):
    result = runners.assert_same("--context", context, "auth", "can-i", "--list", *extra, env=env)
    assert result.exit_code == 0


def test_can_i_answers_and_exit_codes(runners: Runners, env):
    """The answers themselves, not only their sameness: what RBAC decides for jane."""
    assert tuple(runners.pykubectl("--context", "jane", "auth", "can-i", "get", "pods", "-n", "team", env=env)) == (
        "yes\n", "", 0)
    assert tuple(runners.pykubectl("--context", "jane", "auth", "can-i", "get", "pods", env=env)) == ("no\n", "", 1)
    assert tuple(runners.pykubectl("--context", "jane", "auth", "can-i", "get", "pods", "-q", env=env)) == ("", "", 1)
    out, err, code = runners.pykubectl("--context", "jane", "auth", "can-i", "get", "pods", "-n", "broken", env=env)
    assert (out, code) == ('no - RBAC: role.rbac.authorization.k8s.io "gone" not found\n', 1)
    listing = runners.pykubectl("--context", "jane", "auth", "can-i", "--list", "-n", "team", env=env).stdout
    assert "pods                                            []                  []               [get list watch]" \
        in listing or any(line.split()[:1] == ["pods"] and line.endswith("[get list watch]")
                          for line in listing.splitlines())
    assert any(line.startswith("configmaps") and "[app-config]" in line for line in listing.splitlines())


@pytest.mark.parametrize("args", [
    (), ("-o", "json"), ("-o", "yaml"), ("-o", "name"), ("-o", "jsonpath={.status.userInfo.groups}"),
    ("--context", "limited"), ("--context", "jane"), ("--context", "jane", "-o", "yaml"),
    ("--as", "jane"), ("--as", "jane", "--as-group", "devs", "--as-group", "ops", "--as-uid", "42"),
    ("--as", "system:serviceaccount:team:robot", "-o", "json"),
    ("--as", "jane", "--as-user-extra", "reason=testing", "--as-user-extra", "reason=audit", "--as-user-extra",
     "scope=a"),
    ("--context", "limited", "--as", "jane"),
    ("-o", "wide"), ("-o", "bogus"), ("--template", "{{.kind}}"), ("-o", "go-template", "--template", "{{.kind}}"),
    ("extra",),
])
def test_whoami_matches_kubectl(runners: Runners, env, args):
    runners.assert_same("auth", "whoami", *args, env=env)


def test_whoami_table(runners: Runners, env):
    result = runners.pykubectl("--context", "jane", "--as", "jane", "auth", "whoami", env=env)
    # jane may not impersonate, not even herself
    assert result.exit_code == 1
    result = runners.pykubectl("auth", "whoami", "--as", "jane", "--as-group", "devs", "--as-uid", "7", env=env)
    assert tuple(result) == ("ATTRIBUTE   VALUE\nUsername    jane\nUID         7\n"
                             "Groups      [devs system:authenticated]\n", "", 0)


@pytest.mark.parametrize("args", [
    ("auth",), ("auth", "--help"), ("auth", "nope"), ("auth", "can-i", "--help"), ("auth", "whoami", "--help"),
    ("auth", "reconcile", "--help"),
])
def test_help_matches_kubectl(runners: Runners, env, args):
    runners.assert_same(*args, env=env)


# -- reconcile ----------------------------------------------------------------------------------------------

ROLES = f"""apiVersion: {RBAC_V1}
kind: ClusterRole
metadata:
  name: rc-reader
  labels: {{team: a}}
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list"]
- nonResourceURLs: ["/healthz"]
  verbs: ["get"]
---
apiVersion: {RBAC_V1}
kind: Role
metadata:
  name: rc-editor
  namespace: rc-new
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["a", "b"]
  verbs: ["get", "update"]
---
apiVersion: {RBAC_V1}
kind: RoleBinding
metadata:
  name: rc-editors
  namespace: rc-new
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: rc-editor}}
subjects:
- {{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}}
- {{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: skipped, namespace: rc-new}}
---
apiVersion: {RBAC_V1}
kind: ClusterRoleBinding
metadata:
  name: rc-readers
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rc-reader}}
subjects:
- {{kind: ServiceAccount, name: robot, namespace: team}}
"""

# What is already on the server for the update cases: narrower or wider than ROLES, other subjects, another
# roleRef, and one object that opted out of reconciliation.
EXISTING = [
    ("", "v1", "namespaces", None, {"metadata": {"name": "rc-new"}}),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", None, {
        "metadata": {"name": "rc-reader", "labels": {"owner": "x"}, "annotations": {"note": "kept"}},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "watch"]},
                  {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["delete"]}]}),
    ("rbac.authorization.k8s.io", "v1", "roles", "rc-new", {
        "metadata": {"name": "rc-editor", "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "false"}},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "rc-new", {
        "metadata": {"name": "rc-editors"},
        "roleRef": {**REF, "kind": "Role", "name": "rc-editor"},
        "subjects": [{**REF, "kind": "User", "name": "bob"}, {**REF, "kind": "User", "name": "jane"}]}),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", None, {
        "metadata": {"name": "rc-readers"},
        "roleRef": {**REF, "kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": "team"}]}),
]

SNAPSHOT = (("rbac.authorization.k8s.io", "clusterroles"), ("rbac.authorization.k8s.io", "clusterrolebindings"),
            ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
            ("", "namespaces"))


def _snapshot(store) -> dict:
    state = {}
    for group, resource in SNAPSHOT:
        items = store.list(store.info(group, "v1", resource), None).items
        for obj in items:
            meta = obj.get("metadata") or {}
            if resource == "namespaces":
                state[f"namespace/{meta['name']}"] = True
                continue
            kept = {k: v for k, v in obj.items() if k not in ("metadata", "apiVersion", "kind")}
            kept["metadata"] = {k: meta[k] for k in ("name", "namespace", "labels", "annotations") if k in meta}
            state[f"{resource}/{meta.get('namespace', '')}/{meta['name']}"] = kept
    return state


def _reconcile_both(server, runners: Runners, env, tmp_path: Path, args, existing=(), manifest: Path | None = None):
    """The same reconcile from the same start, with each client; their outputs and the objects left behind."""
    if manifest is None:
        manifest = tmp_path / "rbac.yaml"
        manifest.write_text(ROLES)
        args = ("-f", str(manifest), *args)
    outcomes = []
    for run in (runners.kubectl, runners.pykubectl):
        server.reset()

        def setup(store):
            _populate(store)
            for group, version, resource, namespace, obj in existing:
                store.create(store.info(group, version, resource), namespace, copy.deepcopy(obj))

        server.call(setup, server.store)
        result = run("auth", "reconcile", *args, env=env)
        outcomes.append((tuple(result), server.call(_snapshot, server.store)))
    (expected, expected_state), (actual, actual_state) = outcomes
    assert actual == expected
    assert actual_state == expected_state
    return actual, actual_state


@pytest.mark.parametrize("args", [(), ("--dry-run=client",), ("-o", "yaml", "--dry-run=client"), ("-o", "name")])
def test_reconcile_creates(runners: Runners, env, kube_apiserver, tmp_path, args):
    (out, err, code), state = _reconcile_both(kube_apiserver, runners, env, tmp_path, args)
    assert code == 0
    if not args:
        assert "namespace/rc-new" in state and "roles/rc-new/rc-editor" in state
        assert "\treconciliation required create\n" in err
        assert "\t\t{Kind:ServiceAccount APIGroup: Name:robot Namespace:team}\n" in err


@pytest.mark.parametrize("args", [
    (), ("--remove-extra-permissions",), ("--remove-extra-subjects",),
    ("--remove-extra-permissions", "--remove-extra-subjects"), ("--dry-run=client", "--remove-extra-permissions"),
])
def test_reconcile_updates(runners: Runners, env, kube_apiserver, tmp_path, args):
    (out, err, code), state = _reconcile_both(kube_apiserver, runners, env, tmp_path, args, EXISTING)
    assert code == 0
    assert "reconciliation required update, but object opted out" in err  # rc-editor is protected
    assert "reconciliation required recreate" in err  # rc-readers pointed at another role
    if not args:
        rules = state["clusterroles//rc-reader"]["rules"]
        assert {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["delete"]} in rules  # kept
        assert state["clusterroles//rc-reader"]["metadata"]["labels"] == {"owner": "x", "team": "a"}
    if args == ("--remove-extra-permissions",):
        assert "\textra rules removed:\n" in err
        assert state["clusterroles//rc-reader"]["rules"] == [
            {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]


def test_reconcile_a_directory(runners: Runners, env, kube_apiserver, tmp_path):
    """-f DIR reads its manifests in file-name order (and -R would descend); both files' objects are reconciled."""
    directory = tmp_path / "manifests"
    directory.mkdir()
    documents = ROLES.split("---\n")
    (directory / "b.yaml").write_text("---\n".join(documents[:2]))
    (directory / "a.yaml").write_text("---\n".join(documents[2:]))
    (out, err, code), state = _reconcile_both(kube_apiserver, runners, env, tmp_path, ("-f", str(directory)),
                                              manifest=directory)
    assert code == 0 and out.splitlines()[0] == "rolebinding.rbac.authorization.k8s.io/rc-editors reconciled"
    assert "clusterroles//rc-reader" in state


def test_reconcile_again_is_quiet(runners: Runners, env, kube_apiserver, tmp_path):
    manifest = tmp_path / "rbac.yaml"
    manifest.write_text(ROLES)
    assert runners.kubectl("auth", "reconcile", "-f", str(manifest), env=env).exit_code == 0
    runners.assert_same("auth", "reconcile", "-f", str(manifest), env=env)
    assert runners.pykubectl("auth", "reconcile", "-f", str(manifest), env=env).stderr == ""


@pytest.mark.parametrize("args", [
    (), ("-f", "ROLES", "x"), ("-f", "ROLES", "--dry-run=server"), ("-f", "ROLES", "--dry-run=bogus"),
    ("-f", "ROLES", "-n", "other"), ("-f", "ONE", "-n", "other"), ("-f", "NONS"), ("-f", "BETA"),
    ("-f", "ROLES", "--context", "limited"),
])
def test_reconcile_errors_match_kubectl(runners: Runners, env, kube_apiserver, tmp_path, args):
    files = {"ROLES": ROLES, "ONE": f"apiVersion: {RBAC_V1}\nkind: Role\nmetadata: {{name: r1, namespace: team}}\n",
             "NONS": f"apiVersion: {RBAC_V1}\nkind: Role\nmetadata: {{name: nons}}\n",
             "BETA": "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: Role\nmetadata: {name: b, namespace: team}\n"}
    argv = []
    for arg in args:
        if arg in files:
            (tmp_path / f"{arg}.yaml").write_text(files[arg])
            arg = str(tmp_path / f"{arg}.yaml")
        argv.append(arg)
    (out, err, code), _ = _reconcile_both(kube_apiserver, runners, env, tmp_path, argv, manifest=tmp_path)
    assert code == 1


ESCALATING = f"""apiVersion: {RBAC_V1}
kind: Role
metadata: {{name: ok-role, namespace: team}}
rules:
- {{apiGroups: [""], resources: ["pods"], verbs: ["get", "delete"]}}
---
apiVersion: {RBAC_V1}
kind: Role
metadata: {{name: bad-role, namespace: team}}
rules:
- {{apiGroups: [""], resources: ["nodes", "pods"], verbs: ["get", "list", "escalate"]}}
- {{nonResourceURLs: ["/metrics"], verbs: ["get"]}}
---
apiVersion: {RBAC_V1}
kind: RoleBinding
metadata: {{name: bad-binding, namespace: team}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}}
subjects: [{{kind: User, name: ann, apiGroup: rbac.authorization.k8s.io}}]
---
apiVersion: {RBAC_V1}
kind: RoleBinding
metadata: {{name: ok-binding, namespace: team}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects: [{{kind: User, name: ann, apiGroup: rbac.authorization.k8s.io}}]
---
apiVersion: {RBAC_V1}
kind: RoleBinding
metadata: {{name: gone-binding, namespace: team}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}}
subjects: [{{kind: User, name: ann, apiGroup: rbac.authorization.k8s.io}}]
"""


def test_reconcile_cannot_escalate(runners: Runners, env, kube_apiserver, tmp_path):
    """ann is admin in team: she may grant what she holds, not more (the server's escalation prevention)."""
    manifest = tmp_path / "escalating.yaml"
    manifest.write_text(ESCALATING)
    (out, err, code), state = _reconcile_both(kube_apiserver, runners, env, tmp_path,
                                              ("-f", str(manifest), "--as", "ann"), manifest=tmp_path)
    assert code == 1
    assert out == ("role.rbac.authorization.k8s.io/ok-role reconciled\n"
                   "rolebinding.rbac.authorization.k8s.io/ok-binding reconciled\n")
    assert ('Error from server (Forbidden): roles.rbac.authorization.k8s.io "bad-role" is forbidden: user "ann" '
            '(groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
            '{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list" "escalate"]}\n') in err
    assert "roles/team/bad-role" not in state and "rolebindings/team/bad-binding" not in state


# -- the rule helpers kubectl's output rests on ---------------------------------------------------------------

def test_breakdown_compact_and_sort():
    rule = {"verbs": ["get", "list"], "apiGroups": ["", "apps"], "resources": ["pods"], "resourceNames": ["a"]}
    broken = rbac.breakdown_rule(rule)
    assert broken[0] == {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"], "resourceNames": ["a"]}
    assert len(broken) == 4
    assert rbac.breakdown_rule({"verbs": ["get"], "nonResourceURLs": ["/a", "/b"]}) == [
        {"nonResourceURLs": ["/a"], "verbs": ["get"]}, {"nonResourceURLs": ["/b"], "verbs": ["get"]}]
    compacted = rbac.compact_rules(broken + rbac.breakdown_rule({"verbs": ["get"], "nonResourceURLs": ["/a"]}))
    assert compacted[0] == {"nonResourceURLs": ["/a"], "verbs": ["get"]}
    assert {"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["get", "list"], "resourceNames": ["a"]} in compacted
    assert rbac.policy_rule_string({"verbs": ["get"], "resources": ["pods"]}) == (
        "&PolicyRule{Verbs:[get],APIGroups:[],Resources:[pods],ResourceNames:[],NonResourceURLs:[],}")
    assert rbac.go_rule({"verbs": ["get"], "nonResourceURLs": ["/x"]}) == (
        "{Verbs:[get] APIGroups:[] Resources:[] ResourceNames:[] NonResourceURLs:[/x]}")


def test_covers():
    owner = [{"verbs": ["*"], "apiGroups": [""], "resources": ["*/status", "pods"]},
             {"verbs": ["get"], "nonResourceURLs": ["/logs/*"]}]
    assert rbac.covers(owner, [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods", "nodes/status"]}])[0]
    ok, missing = rbac.covers(owner, [{"verbs": ["get"], "apiGroups": ["", "apps"], "resources": ["pods"]},
                                      {"verbs": ["get", "post"], "nonResourceURLs": ["/logs/a"]}])
    assert not ok and missing == [{"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["get"]},
                                  {"nonResourceURLs": ["/logs/a"], "verbs": ["post"]}]
    named = [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]}]
    assert not rbac.covers(named, [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}])[0]
    assert rbac.covers([{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}], named)[0]


def test_reconcile_binding_recreates_on_new_role_ref():
    existing = {"metadata": {"name": "b", "uid": "1"}, "roleRef": {**REF, "kind": "ClusterRole", "name": "x"},
                "subjects": []}
    expected = {"metadata": {"name": "b"}, "roleRef": {**REF, "kind": "ClusterRole", "name": "y"},
                "subjects": [{"kind": "User", "name": "u"}]}
    assert rbac.reconcile_binding(existing, expected, False).operation == rbac.RECREATE
    same_ref = {**expected, "roleRef": existing["roleRef"]}
    result = rbac.reconcile_binding(existing, same_ref, False)
    assert (result.operation, result.missing_subjects, result.obj["subjects"]) == (
        rbac.UPDATE, [{"kind": "User", "name": "u"}], [{"kind": "User", "name": "u"}])
    assert rbac.reconcile_binding(result.obj, same_ref, False).operation == rbac.NONE
