"""create's generators against the real kubectl: --dry-run=client prints (no server needed), errors, help,
and a few creations on the test API server."""

from __future__ import annotations

import json

import pytest

FILES = {"app.properties": "color=blue\nsize=2\n", "hello.txt": "hello\n", "bin.dat": b"\xff\xfe\x00\x01",
         "vars.env": "# comment\n\nA=1\nB=two=2\n  C=3\n", "other.env": "D=4\n"}

DRY_RUN_CASES = [
    "namespace foo",
    "ns foo --save-config",
    "serviceaccount robot",
    "sa robot -n team",
    "deployment web --image=nginx",
    "deployment web --image=nginx --image=busybox --replicas=3 --port=80",
    "deploy web --image=registry.io/app/nginx:1.25,busybox@sha256:abc --port=0 -n team",
    "deployment web --image=nginx -- sleep 3600",
    "deployment web --image=nginx -r 0 --save-config",
    "configmap cfg --from-literal=b=2 --from-literal=a=1",
    "cm cfg --from-literal=k=v=w --append-hash",
    "configmap cfg --from-file={d}/app.properties --from-file=greeting={d}/hello.txt",
    "configmap cfg --from-file={d}/bin.dat",
    "configmap cfg --from-file={d}",
    "configmap cfg --from-env-file={d}/vars.env,{d}/other.env --append-hash",
    "configmap cfg -n team",
    "secret generic s --from-literal=user=admin --from-literal=pass=s3cr3t",
    "secret generic s --from-literal=a=1 --type=example.com/custom --append-hash",
    "secret generic s --from-file={d}/hello.txt --from-file=blob={d}/bin.dat",
    "secret generic s --from-env-file={d}/vars.env",
    "secret generic s",
    "secret docker-registry reg --docker-username=u --docker-password=p",
    "secret docker-registry reg --docker-username=u --docker-password=p --docker-email=u@x.io "
    "--docker-server=quay.io --append-hash",
    "secret docker-registry reg --from-file=.dockerconfigjson={d}/hello.txt",
    "secret tls t --cert={c}/tls.crt --key={c}/tls.key",
    "secret tls t --cert={c}/tls.crt --key={c}/tls.key --append-hash -n team",
    "service clusterip s --tcp=5678:8080",
    "service clusterip s --clusterip=None",
    "service clusterip s --tcp=80,443:https --clusterip=10.0.0.10 -n team",
    "svc nodeport s --tcp=80:web,90 --node-port=30000",
    "service nodeport s --tcp=8080:8080",
    "service loadbalancer s --tcp=5678:8080",
    "service externalname e --external-name=db.example.com",
    "service externalname e --external-name=db.example.com --tcp=5432",
    "job j --image=busybox",
    "job j --image=busybox -n team -- date",
    "cronjob c --image=busybox --schedule=*/1_*_*_*_*",
    "cj c --image=busybox --schedule=@hourly --restart=Never -- echo hi",
    "priorityclass high --value=1000 --description=important",
    "poddisruptionbudget p --selector=app=x --min-available=50%",
    "pdb p --selector=app=x,!old,has --max-unavailable=1 -n team",
    "pc high --value=10 --global-default --preemption-policy=Never",
    "quota q --hard=pods=10,cpu=1,memory=1Gi",
    "resourcequota q --hard=pods=2 --scopes=BestEffort,NotTerminating",
    "rolebinding rb --clusterrole=view --user=alice --group=devs --serviceaccount=team:robot",
    "rolebinding rb --role=editor --user=a --user=b",
    "clusterrolebinding crb --clusterrole=view --group=g1 --group=g2",
    "clusterrolebinding crb --clusterrole=cluster-admin --serviceaccount=kube-system:default",
]

ERROR_CASES = [
    "namespace",
    "ns a b",
    "deployment web",
    "deployment web --image=a --image=b -- sleep 1",
    "configmap cfg --from-literal=novalue",
    "configmap cfg --from-literal==x",
    "configmap cfg --from-literal=a=1 --from-literal=a=2",
    "configmap cfg --from-literal=bad/key=1",
    "configmap cfg --from-env-file={d}/vars.env --from-literal=a=1",
    "configmap cfg --from-file={d}/missing.txt",
    "configmap cfg --from-file=k={d}",
    "secret generic s --from-literal=a=1 --from-literal=a=2",
    "secret docker-registry reg --docker-username=u",
    "secret tls t --cert={d}/hello.txt",
    "secret tls t --cert={d}/hello.txt --key={d}/hello.txt",
    "secret tls t --cert={d}/missing --key={d}/hello.txt",
    "cronjob c",
    "cronjob c --image=busybox",
    "job",
    "service clusterip s",
    "service nodeport s --clusterip=None",
    "service clusterip s --tcp=abc",
    "service externalname e --external-name=Bad_Name",
    "job j",
    "rolebinding rb --user=a",
    "rolebinding rb --role=r --clusterrole=c",
    "rolebinding rb --clusterrole=view --serviceaccount=nocolon",
    "quota q --hard=pods",
    "pdb p --selector=app=x",
    "pdb p --selector=app!=x --min-available=1",
    "pdb p --min-available=1",
    "pdb p --selector=a=b --min-available=1 --max-unavailable=1",
    "pdb p --selector=a=b --min-available=1Gb",
    "namespace foo --dry-run=client -o wide",
    "secret",
    "service",
]

HELP_CASES = ["namespace", "ns", "serviceaccount", "deployment", "configmap", "secret generic",
              "secret docker-registry", "secret tls", "service clusterip", "service nodeport",
              "service loadbalancer", "service externalname", "job", "cronjob", "priorityclass", "pdb", "quota",
              "rolebinding", "clusterrolebinding", "secret", "service"]


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for name, content in FILES.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    import trustme

    folder = tmp_path_factory.mktemp("certs")
    leaf = trustme.CA().issue_cert("example.com")
    (folder / "tls.crt").write_bytes(leaf.cert_chain_pems[0].bytes())
    (folder / "tls.key").write_bytes(leaf.private_key_pem.bytes())
    return folder


def _args(case: str, folder, certs=None) -> list[str]:
    if certs is not None:
        case = case.replace("{c}", str(certs))
    words = case.split(" ")
    return [(w.replace("_", " ") if w.startswith("--schedule") else w).replace("{d}", str(folder)) for w in words]


@pytest.mark.parametrize("output", ["yaml", "json"])
@pytest.mark.parametrize("case", DRY_RUN_CASES)
def test_dry_run_client(runners, files, certs, case, output):
    args = _args(case, files, certs)
    if "--" in args:
        cut = args.index("--")
        args = [*args[:cut], "--dry-run=client", "-o", output, *args[cut:]]
    else:
        args += ["--dry-run=client", "-o", output]
    result = runners.assert_same("create", *args)
    assert result.exit_code == 0 and result.stdout


@pytest.mark.parametrize("case", ["namespace foo", "deployment web --image=nginx", "configmap c --from-literal=a=b",
                                  "secret generic s -o name", "service clusterip s --tcp=80 -o name",
                                  "quota q --hard=pods=1 -o jsonpath={.spec.hard.pods}"])
def test_dry_run_client_default_and_other_printers(runners, case):
    runners.assert_same("create", *case.split(" "), "--dry-run=client")


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors(runners, files, case):
    result = runners.assert_same("create", *_args(case, files), "--dry-run=client")
    assert result.exit_code != 0


def test_invalid_dry_run_value(runners):
    result = runners.assert_same("create", "namespace", "foo", "--dry-run=maybe")
    assert "Invalid dry-run value (maybe)" in result.stderr


@pytest.mark.parametrize("case", HELP_CASES)
def test_help(runners, case):
    result = runners.assert_same("create", *case.split(" "), "--help")
    assert result.stdout.startswith("Create")


SERVER_CASES = [
    ("namespace gen-ns", "/api/v1/namespaces/gen-ns"),
    ("deployment web --image=nginx --replicas=2", "/apis/apps/v1/namespaces/default/deployments/web"),
    ("configmap cfg --from-literal=a=1 --save-config", "/api/v1/namespaces/default/configmaps/cfg"),
    ("secret generic s --from-literal=a=1", "/api/v1/namespaces/default/secrets/s"),
    ("service clusterip s --tcp=80:8080", "/api/v1/namespaces/default/services/s"),
    ("serviceaccount robot", "/api/v1/namespaces/default/serviceaccounts/robot"),
    ("rolebinding rb --clusterrole=view --user=alice",
     "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/rb"),
    ("priorityclass gen-high --value=5", "/apis/scheduling.k8s.io/v1/priorityclasses/gen-high"),
]




@pytest.mark.needs_simulation(reason="its paths name the default namespace and fixed cluster-scoped names")
@pytest.mark.parametrize(("case", "path"), SERVER_CASES)
def test_create_on_the_server(runners, kubeconfig_file, case, path):
    env = {"KUBECONFIG": str(kubeconfig_file)}
    expected = runners.kubectl("create", *case.split(" "), env=env)
    created = runners.kubectl("get", "--raw", path, env=env)
    runners.kubectl("delete", "--raw", path, env=env)
    actual = runners.pykubectl("create", *case.split(" "), env=env)
    ours = runners.kubectl("get", "--raw", path, env=env)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert expected.exit_code == 0 and " created" in expected.stdout
    theirs_obj, ours_obj = json.loads(created.stdout), json.loads(ours.stdout)
    assert _comparable(ours_obj) == _comparable(theirs_obj)
    again = runners.assert_same("create", *case.split(" "), env=env)
    assert again.exit_code == 1


def _comparable(obj: dict) -> dict:
    metadata = {k: v for k, v in obj["metadata"].items()
                if k not in ("uid", "resourceVersion", "creationTimestamp", "managedFields")}
    spec = {k: v for k, v in (obj.get("spec") or {}).items() if k not in ("clusterIP", "clusterIPs")}
    return {**obj, "metadata": metadata, "spec": spec, "status": None}


def test_job_from_cronjob(runners, kubeconfig_file):
    env = {"KUBECONFIG": str(kubeconfig_file)}
    setup = runners.kubectl("create", "cronjob", "nightly", "--image=busybox", "--schedule=@daily", env=env)
    assert setup.exit_code == 0
    expected = runners.kubectl("create", "job", "manual", "--from=cronjob/nightly", env=env)
    fetched = runners.kubectl("get", "job", "manual", "-o", "json", env=env)
    assert expected.exit_code == 0, expected.stderr
    assert fetched.exit_code == 0, fetched.stderr
    theirs = json.loads(fetched.stdout)
    runners.kubectl("delete", "job", "manual", env=env)
    actual = runners.pykubectl("create", "job", "manual", "--from=cronjob/nightly", env=env)
    assert actual.exit_code == 0, actual.stderr
    ours = json.loads(runners.kubectl("get", "job", "manual", "-o", "json", env=env).stdout)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert actual.stdout == "job.batch/manual created\n"
    assert ours["metadata"]["ownerReferences"] == theirs["metadata"]["ownerReferences"]
    assert ours["metadata"]["annotations"] == theirs["metadata"]["annotations"]
    runners.assert_same("create", "job", "manual2", "--from=cronjob/nightly", "--dry-run=client", "-o", "yaml",
                        env=env)
