"""create role, clusterrole, ingress and token, `create --edit`, and the bare `--dry-run`: the real kubectl 1.32
and pykubectl against the test API server (role and clusterrole resolve --resource through its discovery)."""

from __future__ import annotations

import base64
import json
import re
import ssl

import httpx
import pytest

from tests.compat.test_edit_compat import SCRIPTS
from tests.compat.test_edit_compat import check as edit_check
from tests.compat.test_write_harness import CM, POD, WriteHarness, yaml_text
from tests.conftest import Runners

pytestmark = pytest.mark.no_simulation

KLOG_HEADER = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ", re.M)
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RESOURCE_VERSION = re.compile(r'(resourceVersion"?:\s*)"\d+"')
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def normalise(result):
    def clean(text: str) -> str:
        text = KLOG_HEADER.sub(r"\1 ", text)
        text = TIMESTAMP.sub("TIME", text)
        text = UID.sub("UID", text)
        text = JWT.sub("JWT", text)
        return RESOURCE_VERSION.sub(r'\1"RV"', text)

    return type(result)(clean(result.stdout), clean(result.stderr), result.exit_code)


@pytest.fixture
def env(kube_apiserver, kubeconfig_file):
    if kube_apiserver is None:
        pytest.skip("these comparisons need the test API server")
    return {"KUBECONFIG": str(kubeconfig_file)}


@pytest.fixture
def api(kube_apiserver, env):
    context = ssl.create_default_context(cadata=kube_apiserver.ca_pem.decode())
    with httpx.Client(base_url=kube_apiserver.url, verify=context,
                      headers={"Authorization": f"Bearer {kube_apiserver.tokens['admin']}"}) as client:
        yield client


# -- dry runs: the generated objects -------------------------------------------------------------------------

DRY_RUN_CASES = [
    "role r --verb=get --resource=pods",
    "role r --verb=get,list,get --verb=watch --resource=pods,rs.apps,deploy.apps/scale,pods/status",
    "role r --verb=get --resource=Pods --resource-name=a --resource-name=b --resource-name=a -n team",
    "role r --verb=* --verb=get --resource=pods,*",
    "role r --verb=get --resource=*",
    "role r --verb=get --resource=*.apps,pods",
    "role r --verb=bind --resource=roles.rbac.authorization.k8s.io",
    "role r --verb=impersonate --resource=serviceaccounts",
    "role r --verb=get --resource=pods --save-config",
    "clusterrole cr --verb=get,list,watch --resource=pods",
    "clusterrole cr --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod",
    "clusterrole cr --verb=get,list,watch --resource=rs.apps,pods,pods/status,deployments.apps",
    "clusterrole cr --verb=get --non-resource-url=/logs/*,/healthz --non-resource-url=/logs/*",
    "clusterrole cr --verb=get --non-resource-url=* --resource=pods,deploy --resource-name=x",
    "clusterrole cr --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true",
    "clusterrole cr --aggregation-rule=b=2,a=1 --aggregation-rule=c=3",
    "clusterrole cr --verb=get --resource=nodes -n team --save-config",
    "ingress simple --rule=foo.com/bar=svc1:8080,tls=my-cert",
    "ingress catch-all --class=otheringress --rule=/path=svc:port",
    "ingress annotated --class=default --rule=foo.com/bar=svc:port --annotation=b.io/x=foo --annotation=a=bla=c "
    "--annotation=e=",
    "ingress multipath --rule=foo.com/=svc:port --rule=foo.com/admin/=svcadmin:portadmin --rule=bar.com/admin*=svc2:http",
    "ingress ingtls --rule=foo.com/=svc:https,tls --rule=foo.com/path/subpath*=othersvc:8080 --rule=bar.com/*=x:1,tls "
    "--rule=/x=y:0080,tls=s2 --rule=baz.com/q=y:-1,tls=s2",
    "ingress ingdefault --class=default --default-backend=defaultsvc:http --rule=foo.com/*=svc:8080,tls=secret1",
    "ing only-default --default-backend=defaultsvc:0 -n team --save-config",
    "ingress wild --rule=*.foo.com/b=s:1,tlsx",
]


@pytest.mark.parametrize("output", ["yaml", "json"])
@pytest.mark.parametrize("case", DRY_RUN_CASES)
def test_dry_run_client(runners, env, case, output):
    result = runners.assert_same("create", *case.split(" "), "--dry-run=client", "-o", output, env=env)
    assert result.exit_code == 0 and result.stdout


@pytest.mark.parametrize("case", ["role r --verb=get --resource=pods", "clusterrole cr --verb=get --resource=pods",
                                  "ingress i --rule=/a=b:1", "role r --verb=get --resource=pods -o name",
                                  "ingress i --rule=/a=b:1 -o jsonpath={.spec.rules[0].http.paths[0].pathType}"])
def test_dry_run_default_and_other_printers(runners, env, case):
    runners.assert_same("create", *case.split(" "), "--dry-run=client", env=env)


ERROR_CASES = [
    "role",
    "role a b --verb=get --resource=pods",
    "role r --verb=get --resource=foo",
    "role r --verb=get --resource=pods,foo.bar",
    "role r --verb=get,frob --resource=pods",
    "role r --verb=use --resource=pods",
    "role r --verb=get",
    "role r --resource=pods",
    "role r --verb=get --resource=.apps",
    "role r --verb=get --resource=pods -o wide",
    "clusterrole cr --verb=get",
    "clusterrole cr --verb=list --non-resource-url=/x",
    "clusterrole cr --verb=get --non-resource-url=logs",
    "clusterrole cr --verb=get --non-resource-url=/lo*gs",
    "clusterrole cr --aggregation-rule=a=1 --verb=get",
    "clusterrole cr --aggregation-rule=bad",
    "clusterrole cr --resource=pods",
    "ingress i",
    "ingress i --rule=foo",
    "ingress i --rule=foo.com/a=svc",
    "ingress i --annotation=x --rule=/a=b:1",
    "ingress i --default-backend=d",
    "ingress i --default-backend=a:b:c",
    "ingress",
]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors(runners, env, case):
    runners.assert_same("create", *case.split(" "), "--dry-run=client", env=env)


@pytest.mark.parametrize("case", ["role", "clusterrole", "ingress", "ing", "token"])
def test_help(runners, case):
    result = runners.assert_same("create", case, "--help")
    assert result.stdout.startswith(("Create", "Request"))


def test_create_help_lists_the_new_generators(runners):
    result = runners.assert_same("create", "--help")
    assert "  token                 Request a service account token\n" in result.stdout


# -- on the server: the output and the stored object ---------------------------------------------------------

SERVER_CASES = [
    ("role r --verb=get,list --resource=pods,deploy.apps/scale --resource-name=x",
     "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/r"),
    ("role r --verb=get --resource=pods -o yaml --save-config",
     "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/r"),
    ("clusterrole cr --verb=get --resource=nodes --non-resource-url=/healthz",
     "/apis/rbac.authorization.k8s.io/v1/clusterroles/cr"),
    ("clusterrole cr --aggregation-rule=a=1 -o json",
     "/apis/rbac.authorization.k8s.io/v1/clusterroles/cr"),
    ("ingress web --class=nginx --rule=foo.com/*=svc:80,tls=cert --annotation=a=b",
     "/apis/networking.k8s.io/v1/namespaces/default/ingresses/web"),
    ("ingress web --default-backend=svc:http -o yaml --dry-run=server",
     "/apis/networking.k8s.io/v1/namespaces/default/ingresses/web"),
]


def _stored(api, path):
    response = api.get(path)
    if response.status_code == 404:
        return None
    obj = response.json()
    metadata = {k: v for k, v in obj["metadata"].items()
                if k not in ("uid", "resourceVersion", "creationTimestamp", "generation")}
    metadata["managedFields"] = [{k: v for k, v in entry.items() if k != "time"}
                                 for entry in metadata.get("managedFields") or ()]
    return {**obj, "metadata": metadata}


@pytest.mark.parametrize(("case", "path"), SERVER_CASES)
def test_create_on_the_server(runners, kube_apiserver, env, api, case, path):
    expected = normalise(runners.kubectl("create", *case.split(" "), env=env))
    theirs = _stored(api, path)
    kube_apiserver.reset()
    actual = normalise(runners.pykubectl("create", *case.split(" "), env=env))
    ours = _stored(api, path)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert expected.exit_code == 0
    assert ours == theirs
    again = normalise(runners.pykubectl("create", *case.split(" "), env=env))
    assert again == normalise(runners.kubectl("create", *case.split(" "), env=env))


# the test server validates Ingress as the apiserver does (networking/validation ValidateIngressSpec)
SERVER_ERROR_CASES = [
    "ingress i --rule=/a=b:99999 --class=Bad_Class",
    "ingress i --rule=foo_bar.com/a=b:1",
    "ingress i --rule=1.2.3.4/a=b:1",
    "ingress i --rule=*.x.com/a//b=svc:p--x,tls=Bad_Secret --default-backend=9svc:0",
    "ingress i --rule=/a/..=b:http",
    "ingress Bad_Name --rule=/a=b:1",
    "role r --verb=get --resource=pods -n nosuchns",
]


@pytest.mark.parametrize("case", SERVER_ERROR_CASES)
def test_server_rejections(runners, env, case):
    result = runners.assert_same("create", *case.split(" "), env=env)
    assert result.exit_code == 1


# -- create token --------------------------------------------------------------------------------------------

def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def token_state(runners, env):
    for args in (("create", "sa", "robot"), ("create", "secret", "generic", "s1"),
                 ("run", "p1", "--image=x", '--overrides={"spec":{"serviceAccountName":"robot"}}')):
        assert runners.kubectl(*args, env=env).exit_code == 0
    return env


TOKEN_CASES = [
    "default -o yaml",
    "default -o json --audience=a --audience=b --duration=1h",
    "robot -o yaml --bound-object-kind=Pod --bound-object-name=p1",
    "robot -o json --bound-object-kind=Secret --bound-object-name=s1",
    "default -o jsonpath={.spec}",
    "default -o name",
    "nosuch",
    "default --duration=1m",
    "default --duration=-1s",
    "default --duration=1.5s",
    "default --duration=xyz",
    "default --duration=2000000h",
    "default --audience=",
    "default --bound-object-name=x",
    "default --bound-object-uid=x",
    "default --bound-object-kind=Foo",
    "default --bound-object-kind=Pod",
    "default --bound-object-kind=Pod --bound-object-name=nope",
    "default --bound-object-kind=Pod --bound-object-name=p1",
    "default --bound-object-kind=Secret --bound-object-name=s1 --bound-object-uid=abc",
    "default -n nosuchns",
    "default -o wide",
    "a b",
]


@pytest.mark.parametrize("case", TOKEN_CASES)
def test_token(runners, token_state, case):
    args = ["create", "token", *case.split(" ")]
    expected = normalise(runners.kubectl(*args, env=token_state))
    actual = normalise(runners.pykubectl(*args, env=token_state))
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)


def test_token_default_output_is_the_bare_token_with_the_requested_claims(runners, token_state):
    args = ("create", "token", "robot", "--audience=https://example.com", "--duration=20m",
            "--bound-object-kind=Pod", "--bound-object-name=p1")
    theirs = runners.kubectl(*args, env=token_state)
    ours = runners.pykubectl(*args, env=token_state)
    assert ours.exit_code == theirs.exit_code == 0
    assert JWT.fullmatch(ours.stdout) and JWT.fullmatch(theirs.stdout)  # no newline when not a terminal
    claims = _claims(ours.stdout)
    assert claims["aud"] == ["https://example.com"]
    assert claims["exp"] - claims["iat"] == 1200
    assert claims["sub"] == "system:serviceaccount:default:robot"
    assert claims["kubernetes.io"]["pod"]["name"] == "p1"
    assert {k for k in _claims(theirs.stdout)} == {k for k in claims}


# -- the bare --dry-run (pflag's NoOptDefVal "unchanged") ----------------------------------------------------

BARE_DRY_RUN_CASES = [
    ("create", "namespace", "foo", "--dry-run"),
    ("create", "role", "r", "--verb=get", "--resource=pods", "--dry-run", "-o", "yaml"),
    ("create", "configmap", "c", "--dry-run", "--from-literal=a=b"),
    ("create", "ingress", "i", "--dry-run", "--rule=/a=b:1", "-o", "name"),
    ("create", "namespace", "foo", "--dry-run=true"),
    ("create", "namespace", "foo", "--dry-run=False"),
    ("create", "namespace", "foo", "--dry-run", "client"),  # a bare flag leaves the next word: two NAMEs
    ("create", "deployment", "d", "--image=nginx", "--dry-run"),
    ("label", "ns", "default", "a=b", "--dry-run"),
    ("annotate", "ns", "default", "a=b", "--dry-run", "-o", "name"),
    ("delete", "ns", "default", "--dry-run"),
    ("run", "p", "--image=nginx", "--dry-run"),
    ("delete", "cm", "nosuch", "--cascade"),  # NoOptDefVal "background"
    ("delete", "cm", "nosuch", "--cascade", "--dry-run"),
    ("create", "namespace", "x", "--dry-run=server", "--validate"),  # NoOptDefVal "strict"
    ("create", "role", "r", "--verb=get", "--resource=pods", "--edit"),  # generators have no --edit
]


def test_scan_gives_a_bare_flag_its_no_opt_default_and_leaves_the_next_word():
    from pykubectl.flags.pflag import FlagSpec, scan

    own = [FlagSpec("dry-run", None, True, "dry_run", no_opt_default="unchanged"),
           FlagSpec("output", "o", True, "output")]
    assert scan(["--dry-run", "client", "-o", "yaml"], own, [], "kubectl x").args == [
        "--dry-run", "unchanged", "client", "-o", "yaml"]
    assert scan(["--dry-run=server"], own, [], "kubectl x").args == ["--dry-run", "server"]
    assert scan(["--dry-run"], own, [], "kubectl x").args == ["--dry-run", "unchanged"]


@pytest.mark.parametrize("args", BARE_DRY_RUN_CASES)
def test_bare_dry_run(runners, kube_apiserver, env, args):
    expected = normalise(runners.kubectl(*args, env=env))
    kube_apiserver.reset()  # --dry-run=False does create
    actual = normalise(runners.pykubectl(*args, env=env))
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    if "--dry-run" in args and actual.exit_code == 0:
        assert "W helpers.go:702] --dry-run is deprecated and can be replaced with --dry-run=client.\n" in actual.stderr


def test_boolean_dry_run_warns_with_its_replacement(runners, env):
    result = normalise(runners.pykubectl("create", "namespace", "foo", "--dry-run=true", env=env))
    assert result.stderr == ("W helpers.go:716] --dry-run=true is deprecated (boolean value) and can be replaced "
                             "with --dry-run=client.\n")
    assert result.stdout == "namespace/foo created (dry run)\n"


# -- create --edit (scripted editors, as in test_edit_compat) ------------------------------------------------

EDIT_FILES = {
    "pod.yaml": yaml_text(POD),
    "two.yaml": yaml_text(POD, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fresh"},
                                "data": {"a": "1"}}),
    "existing.yaml": yaml_text(CM),
    "other-ns.yaml": yaml_text({**POD, "metadata": {"name": "p9", "namespace": "other"}}),
    "kz/pod.yaml": yaml_text(POD),
    "kz/kustomization.yaml": "resources:\n- pod.yaml\nnamePrefix: k-\n",
    "mixed.yaml": yaml_text(CM, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fresh"},
                                 "data": {"a": "1"}}),
}


EDIT_SCRIPTS = {
    # first round: YAML that does not parse; reopened with the validation error: $FIX (or nothing)
    "break.sh": ('#!/bin/sh\ncat "$1" >> seen.txt\necho ---- >> seen.txt\n'
                 'if grep -q "was not valid" "$1"; then [ -n "$FIX" ] && sed -i "$FIX" "$1"; '
                 'else echo "bad: [" >> "$1"; fi\nexit 0\n'),
}


@pytest.fixture
def edit_harness(kube_apiserver, kubeconfig_file, monkeypatch, tmp_path_factory, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential write tests need the test API server")
    harness = WriteHarness(kube_apiserver, Runners(tmp_path_factory.mktemp("home"), monkeypatch), kubeconfig_file,
                           tmp_path)
    harness.write_files({**SCRIPTS, **EDIT_SCRIPTS, **EDIT_FILES})
    for name in [*SCRIPTS, *EDIT_SCRIPTS]:
        (tmp_path / name).chmod(0o755)
    yield harness
    harness.close()


EDIT_CASES = [
    (("create", "-f", "pod.yaml", "--edit"), "./capture.sh", {"SED": "s/image: nginx/image: busybox/"}),
    (("create", "-f", "two.yaml", "--edit", "-o", "yaml"), "./capture.sh", {"SED": 's/"1"/"2"/'}),
    (("create", "-f", "two.yaml", "--edit", "-o", "json"), "./capture.sh", {"SED": 's/"1"/"3"/'}),
    (("create", "-f", "pod.yaml", "--edit", "--save-config"), "./capture.sh", {"SED": "s/name: c$/name: d/"}),
    (("create", "-f", "pod.yaml", "--edit"), "./capture.sh", {}),  # no changes: cancelled, nothing created
    (("create", "-f", "existing.yaml", "--edit"), "./capture.sh", {"SED": 's/"1"/"5"/'}),  # already exists
    (("create", "-f", "pod.yaml", "--edit"), "./capture.sh", {"SED": "s/namespace: default/namespace: other/"}),
    (("create", "-f", "pod.yaml", "--edit"), "./empty.sh", {}),
    (("create", "-f", "pod.yaml", "--edit"), "./fail.sh", {}),
    (("create", "-f", "pod.yaml", "--edit", "--windows-line-endings"), "./capture.sh", {"SED": "s/nginx/redis/"}),
    (("create", "-f", "pod.yaml", "--edit", "-o", "name"), "./capture.sh", {}),
    (("create", "-f", "pod.yaml", "--edit"), "./break.sh", {"FIX": "/^bad: \\[/d"}),  # reopened, then fixed
    (("create", "-f", "two.yaml", "--edit"), "./break.sh", {}),  # reopened, left as it was: cancelled
    (("create", "-f", "pod.yaml", "--edit", "-o", "json"), "./capture.sh", {"SED": "s/nginx/redis/"}),
    (("create", "-f", "mixed.yaml", "--edit"), "./capture.sh", {"SED": 's/"1"/"7"/'}),  # one fails, one is made
    (("create", "-f", "two.yaml", "--edit"), "./fail.sh", {}),
    # kubectl creates what was edited whatever --dry-run says
    (("create", "-f", "pod.yaml", "--edit", "--dry-run=client"), "./capture.sh", {"SED": "s/nginx/redis/"}),
    (("create", "-k", "kz", "--edit"), "./capture.sh", {"SED": "s/nginx/redis/"}),
]


@pytest.mark.parametrize(("args", "editor", "env"), EDIT_CASES)
def test_create_edit(edit_harness, args, editor, env):
    edit_check(edit_harness, args, editor, env)


class _Terminal(__import__("io").StringIO):
    def isatty(self) -> bool:
        return True


def test_token_on_a_terminal_ends_with_a_newline(runners, token_state, monkeypatch):
    """kubectl adds a newline after the token only when standard output is a terminal."""
    import io

    from pykubectl.cli.main import main
    from pykubectl.streams import IOStreams

    monkeypatch.setenv("KUBECONFIG", token_state["KUBECONFIG"])
    monkeypatch.setenv("HOME", str(runners.home))
    streams = IOStreams(io.StringIO(), _Terminal(), io.StringIO())
    assert main(["create", "token", "robot"], streams) == 0
    text = streams.out.getvalue()
    assert text.endswith("\n") and JWT.fullmatch(text[:-1])
    assert _claims(text[:-1])["sub"] == "system:serviceaccount:default:robot"


def test_an_issued_token_authenticates_as_the_service_account(runners, token_state):
    token = runners.pykubectl("create", "token", "robot", env=token_state).stdout
    whoami = runners.kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}", f"--token={token}",
                             env=token_state)
    assert (whoami.stdout, whoami.exit_code) == ("system:serviceaccount:default:robot", 0)
    denied = runners.kubectl("get", "pods", f"--token={token}", env=token_state)
    assert denied.stderr == ('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:'
                             'robot" cannot list resource "pods" in API group "" in the namespace "default"\n')
