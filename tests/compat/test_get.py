"""`get` against the real kubectl 1.32 on one test-server state: stdout, stderr and exit code byte for byte.

The state (namespaces, config maps, secrets, service accounts, services, RBAC, a CRD with custom objects,
pods, a deployment and its replica set, a cron job, the simulated nodes and events) is created once per
module with the real kubectl; every test is a read-only `get`. Only durations (AGE, LAST SEEN, "(5s ago)")
are normalised, together with the padding after them, since they tick between the two runs.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Runners, _isolated_env, require_real_kubectl

HERE = Path(__file__).parent
_DURATION = re.compile(r"(?<![\w./:-])(?:\d+[smhdy])+(?![\w./:-])|<invalid>")
_AFTER_AGE = re.compile(r"AGE +")


def normalise_text(text: str) -> str:
    text = _DURATION.sub("AGE", text)
    return _AFTER_AGE.sub("AGE ", text)


def normalise(result):
    result.stdout = normalise_text(result.stdout)
    result.stderr = result.stderr.replace("kubectl.1.32 get", "kubectl get")
    return result


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    """A kubeconfig for the server, after the module's objects were created with the real kubectl."""
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    binary = require_real_kubectl()
    root = tmp_path_factory.mktemp("get-state")
    kube_apiserver.reset()
    kubeconfig = kube_apiserver.write_kubeconfig(root / "kubeconfig")
    home = root / "home"
    home.mkdir()
    env = _isolated_env(home, {"KUBECONFIG": str(kubeconfig)})
    for name in ("get_state.yaml", "get_state2.yaml"):
        done = subprocess.run([binary, "create", "-f", str(HERE / name)], env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
    kube_apiserver.settle()
    files = root / "manifests"
    _write_manifests(files)
    shared_home = root / "shared-home"
    shared_home.mkdir()
    yield {"kubeconfig": str(kubeconfig), "files": files, "home": shared_home}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    """One HOME for the module: both clients keep their discovery caches warm between the read-only tests."""
    return Runners(state["home"], monkeypatch)


def _write_manifests(root: Path) -> None:
    root.mkdir()
    (root / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n")
    (root / "two.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n---\n---\n"
                                   "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s1\n")
    (root / "missing.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\n")
    (root / "mixed.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n---\n"
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\n")
    (root / "list.yaml").write_text("apiVersion: v1\nkind: List\nitems:\n"
                                    "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c1\n"
                                    "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c3\n"
                                    "    namespace: other\n")
    (root / "list-bad.yaml").write_text("apiVersion: v1\nkind: List\nitems:\n"
                                        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: gone1\n"
                                        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: gone2\n")
    (root / "pod.json").write_text('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"}}\n'
                                   '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p2", '
                                   '"namespace": "other"}}')
    (root / "other.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c3\n  namespace: other\n")
    (root / "nokind.yaml").write_text("apiVersion: v1\nmetadata:\n  name: x\n  zeta: 1\n")
    (root / "foo.yaml").write_text("apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n")
    (root / "bad.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n bad: : y\n")
    (root / "tab.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n")
    (root / "brokenlater.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n---\n"
                                           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\nx: [\n")
    (root / "widget.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n")
    (root / "deploy.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    (root / "notes.txt").write_text("not a manifest\n")
    sub = root / "dir"
    (sub / "nested").mkdir(parents=True)
    (sub / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n")
    (sub / "b.json").write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c2"}}')
    (sub / "skip.txt").write_text("ignored")
    (sub / "nested" / "c.yml").write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s1\n")
    (root / "empty").mkdir()
    base = root / "kbase"
    base.mkdir()
    (base / "kustomization.yaml").write_text("resources:\n- objects.yaml\n- more.yaml\n")
    (base / "objects.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n---\n"
                                       "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc1\n---\n"
                                       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n")
    (base / "more.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n"
                                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n---\n"
                                    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n")
    overlay = root / "koverlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text("resources:\n- ../kbase\nnamePrefix: p-\n")
    other = root / "kother"
    other.mkdir()
    (other / "kustomization.yaml").write_text("bases:\n- ../kbase\nnamespace: other\ncommonLabels:\n  team: x\n")
    (root / "knone").mkdir()


def same(runners, state, *args: str, stdin: str = ""):
    """assert_same, retried once: the simulated cluster may move a pod along between the two runs."""
    env = {"KUBECONFIG": state["kubeconfig"]}
    expected, actual = (normalise(r) for r in runners.both(*args, env=env, stdin=stdin))
    if (actual.stdout, actual.stderr, actual.exit_code) != (expected.stdout, expected.stderr, expected.exit_code):
        expected, actual = (normalise(r) for r in runners.both(*args, env=env, stdin=stdin))
    assert actual.stderr == expected.stderr, f"kubectl {' '.join(args)}"
    assert actual.stdout == expected.stdout, f"kubectl {' '.join(args)}"
    assert actual.exit_code == expected.exit_code, f"kubectl {' '.join(args)}"
    return actual


TYPES = [
    "pods", "po", "pod", "deployments", "deploy", "deployments.apps", "deployments.v1.apps", "Deployment",
    "replicasets", "rs", "services", "svc", "configmaps", "cm", "secrets", "serviceaccounts", "sa",
    "namespaces", "ns", "nodes", "no", "roles", "roles.rbac.authorization.k8s.io", "rolebindings",
    "widgets", "wd", "widgets.example.com", "widget", "crd", "customresourcedefinitions", "cronjobs", "cj",
    "jobs", "endpoints", "events", "ev", "persistentvolumes", "pvc", "ingresses", "networkpolicies",
    "poddisruptionbudgets", "limitranges", "resourcequotas", "statefulsets", "daemonsets", "hpa",
    "storageclasses", "priorityclasses", "leases", "controllerrevisions", "endpointslices", "podtemplates",
    "replicationcontrollers", "apiservices", "clusterroles", "deployments.extensions", "pods.v1", "Pod",
    "pods.metrics.k8s.io", "widgets.v1.example.com", "Widget.example.com", "clusterrolebindings",
    "validatingwebhookconfigurations", "csidrivers", "runtimeclasses",
]


@pytest.mark.parametrize("resource", TYPES)
def test_get_type_table(runners, state, resource):
    same(runners, state, "get", resource)


WIDE_AND_FRIENDS = [
    ("pods", "-o", "wide"), ("nodes", "-o", "wide"), ("deploy", "-o", "wide"), ("rs", "-o", "wide"),
    ("svc", "-o", "wide"), ("widgets", "-o", "wide"), ("cronjobs", "-o", "wide"), ("cm", "-o", "wide"),
    ("pods", "-A"), ("cm", "-A"), ("svc", "--all-namespaces"), ("nodes", "-A"), ("widgets", "-A"),
    ("pods", "-A", "-o", "wide"), ("ns", "-A"),
    ("cm", "--show-labels"), ("pods", "--show-labels"), ("nodes", "--show-labels"), ("widgets", "--show-labels"),
    ("cm", "-A", "--show-labels"), ("cm", "-L", "app"), ("cm", "-L", "app,tier"), ("cm", "-L", "app", "-L", "tier"),
    ("cm", "-L", "example.com/team"), ("cm", "-L", "app", "--show-labels"), ("pods", "-A", "-L", "app"),
    ("cm", "--no-headers"), ("pods", "-A", "--no-headers"), ("cm", "--show-kind"), ("nodes", "--show-kind"),
    ("widgets", "--show-kind"), ("deploy", "--show-kind", "-o", "wide"), ("cm", "--show-kind", "-A"),
    ("cm", "--chunk-size=1"), ("cm", "-A", "--chunk-size=1"), ("ns", "--chunk-size=2"), ("cm", "--chunk-size=0"),
    ("cm", "--server-print=false"), ("pods", "--server-print=false", "-A"), ("nodes", "--server-print=false"),
    ("cm", "-n", "other"), ("pods", "--namespace=other"), ("secrets", "-n", "other"), ("cm", "-n", "kube-system"),
    ("cm", "-n", "nonexistent"),
]


@pytest.mark.parametrize("args", WIDE_AND_FRIENDS, ids=" ".join)
def test_get_table_options(runners, state, args):
    same(runners, state, "get", *args)


SEVERAL = [
    ("pods,deploy",), ("cm,secrets,sa",), ("cm,cm",), ("configmaps,cm",), ("all",), ("all", "-A"),
    ("all", "-o", "wide"), ("all,cm",), ("cm,ns",), ("cm,ns", "-A"), ("svc,widgets", "-o", "wide"),
    ("cm,secrets", "--no-headers"), ("cm,secrets", "-l", "app=web"), ("cm,secrets", "--show-labels"),
    ("cm/c1", "secret/s1"), ("cm/c1", "cm/c2", "secret/s1"), ("cm/c1", "ns/default"), ("cm/c1", "deploy/web"),
    ("cm,secrets", "c1"), ("cm,secrets", "c1", "s1"), ("pods,nodes", "-A"),
]


@pytest.mark.parametrize("args", SEVERAL, ids=" ".join)
def test_get_several_types(runners, state, args):
    same(runners, state, "get", *args)


NAMES = [
    ("cm", "c1"), ("cm", "c1", "c2"), ("cm", "c2", "c1"), ("cm/c1",), ("configmap/c1",), ("ns", "default"),
    ("nodes", "node01"), ("node/node02",), ("widgets", "w1"), ("wd/w2", "-o", "wide"), ("cm", "c3", "-n", "other"),
    ("cm", "nope"), ("cm", "c1", "nope"), ("cm", "nope", "c1", "nope2"), ("cm/c1", "cm/nope"), ("cm", "nope",
    "--ignore-not-found"), ("cm", "c1", "nope", "--ignore-not-found"), ("cm/nope", "secret/nope",
    "--ignore-not-found"), ("ns", "nope"), ("cm", "c1", "--show-labels"), ("cm", "c1", "-L", "app"),
    ("cm", "c1", "--show-kind"), ("cm", "c1", "--no-headers"), ("pods", "p1", "--subresource", "status"),
    ("deploy", "web", "--subresource", "status"), ("deploy", "web", "--subresource", "scale"),
    ("cm", "c1", "-o", "name"), ("cm", "nope", "-o", "json"), ("cm", "c1", "nope", "-o", "name"),
    ("cm", "nope", "-o", "yaml", "--ignore-not-found"), ("cm", "c1", "-n", "other"),
    ("pods", "p1", "--subresource", "log"), ("cm", "nope", "-n", "nons"), ("cm", "nope", "-n", "other"),
]


@pytest.mark.parametrize("args", NAMES, ids=" ".join)
def test_get_by_name(runners, state, args):
    same(runners, state, "get", *args)


SELECTORS = [
    ("cm", "-l", "app=web"), ("cm", "-l", "app==web"), ("cm", "-l", "app!=web"), ("cm", "-l", "app in (web,db)"),
    ("cm", "-l", "app notin (web)"), ("cm", "-l", "tier"), ("cm", "-l", "!tier"), ("cm", "-l", "app=web,tier=fe"),
    ("cm", "-l", "app=nothing"), ("cm", "-A", "-l", "app=web"), ("pods", "-A", "-l", "app=db"),
    ("cm", "--selector=app=db"), ("cm", "--field-selector", "metadata.name=c1"),
    ("cm", "--field-selector", "metadata.name!=c1"), ("pods", "-A", "--field-selector", "metadata.namespace=other"),
    ("cm", "--field-selector", "metadata.name=none"), ("secrets", "--field-selector", "type=Opaque"),
    ("cm", "-l", "app=web", "-o", "name"), ("widgets", "-l", "app=web"),
]


@pytest.mark.parametrize("args", SELECTORS, ids=" ".join)
def test_get_selectors(runners, state, args):
    same(runners, state, "get", *args)


OUTPUTS = [
    ("cm", "c1", "-o", "json"), ("cm", "c1", "-o", "yaml"), ("cm", "-o", "json"), ("cm", "-o", "yaml"),
    ("cm", "c1", "c2", "-o", "json"), ("cm/c1", "-o", "yaml"), ("cm/c1", "secret/s1", "-o", "yaml"),
    ("cm", "-o", "name"), ("cm,secrets", "-o", "name"), ("all", "-o", "name"), ("nodes", "-o", "name"),
    ("widgets", "-o", "name"), ("widgets", "-o", "json"), ("widgets", "w1", "-o", "yaml"), ("ns", "-o", "yaml"),
    ("cm", "-l", "app=nothing", "-o", "json"), ("cm", "-l", "app=nothing", "-o", "yaml"),
    ("cm", "-l", "app=nothing", "-o", "name"), ("cm", "c1", "-o", "yaml", "--show-managed-fields"),
    ("cm", "c1", "-o", "json", "--show-managed-fields=false"), ("cm", "-o", "jsonpath={.items[*].metadata.name}"),
    ("cm", "c1", "-o", "jsonpath={.data}"), ("cm", "c1", "-o", "jsonpath={.data.a}"),
    ("cm", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"),
    ("cm", "-o", "jsonpath-as-json={.items[*].metadata.name}"), ("cm", "c1", "-o", "jsonpath={.missing}"),
    ("cm", "c1", "-o", "jsonpath={.missing}", "--allow-missing-template-keys=false"),
    ("pods", "-A", "-o", "jsonpath={.items[*].spec.nodeName}"), ("cm", "-o", "JSON"),
    ("cm", "-o", "foo"), ("cm", "-o", "jsonpath={.bad"), ("cm", "c1", "-o=json"), ("cm", "c1", "-oyaml"),
    ("cm", "c1", "--output=name"), ("cm", "-o", "jsonpath={.items[0].metadata.name}{.items[9].x}"),
    ("events", "-o", "wide"), ("cm", "c1", "-o", "jsonpath={.data.a}", "-o", "name"),
    ("pods", "-o", "wide", "-L", "app", "--show-labels", "--show-kind", "--no-headers"),
    ("wd", "w1", "w2", "-o", "custom-columns=N:.metadata.name,S:.spec.size"),
    ("crd", "widgets.example.com", "-o", "jsonpath={.spec.names.kind}"), ("cm", "-n", "nonexistent", "-o", "json"), ("-f", "{files}/cm.yaml", "-o", "json"),
    ("-f", "{files}/two.yaml", "-o", "yaml"), ("-f", "{files}/dir", "-o", "name"),
    ("cm", "-o", "custom-columns=NAME:.metadata.name,APP:.metadata.labels.app"),
    ("cm", "c1", "-o", "custom-columns=NAME:.metadata.name,DATA:.data"),
    ("cm,secrets", "-o", "custom-columns=NAME:.metadata.name", "--no-headers"),
    ("cm", "-o", "go-template={{range .items}}{{.metadata.name}} {{end}}"),
    ("cm", "c1", "-o", "go-template={{.metadata.name}}: {{len .data}}"),
    ("cm", "c1", "--template={{.metadata.name}}"),
    ("cm", "--sort-by=.metadata.name"), ("cm", "-A", "--sort-by={.metadata.namespace}"),
    ("pods", "-A", "--sort-by=.metadata.name", "-o", "wide"), ("cm", "--sort-by=.metadata.name", "-o", "name"),
    ("cm", "-A", "--sort-by=.metadata.name", "-o", "jsonpath={.items[*].metadata.name}"),
    ("widgets", "--sort-by=.spec.size"), ("widgets", "--sort-by=.spec.size", "-o", "name"),
    ("cm", "--sort-by=.nothing"), ("cm,secrets", "--sort-by=.nothing"), ("cm,secrets", "--sort-by=.metadata.name"),
    ("cm", "c1", "--sort-by=.nothing"), ("cm", "--sort-by=.nothing", "-o", "name"),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_get_outputs(runners, state, args):
    args = tuple(a.replace("{files}", str(state["files"])) for a in args)
    same(runners, state, "get", *args)


FILES = [
    ("{f}/cm.yaml",), ("{f}/two.yaml",), ("{f}/missing.yaml",), ("{f}/mixed.yaml",), ("{f}/list.yaml",),
    ("{f}/list-bad.yaml",), ("{f}/pod.json",), ("{f}/other.yaml",), ("{f}/other.yaml", "-n", "default"),
    ("{f}/other.yaml", "-n", "other"), ("{f}/nokind.yaml",), ("{f}/foo.yaml",), ("{f}/bad.yaml",), ("{f}/tab.yaml",),
    ("{f}/brokenlater.yaml",), ("{f}/widget.yaml",), ("{f}/deploy.yaml", "-o", "wide"), ("{f}/dir",),
    ("{f}/dir", "-R"), ("{f}/empty",), ("{f}/nothere.yaml",), ("{f}/cm.yaml", "-f", "{f}/widget.yaml"),
    ("{f}/cm.yaml,{f}/deploy.yaml",), ("{f}/cm.yaml", "-l", "app=web"), ("{f}/two.yaml", "--show-kind"),
    ("{f}/cm.yaml", "-o", "name"), ("{f}/notes.txt",), ("{f}/list-bad.yaml", "-o", "name"),
    ("{f}/missing.yaml", "--ignore-not-found"),
]


@pytest.mark.parametrize("args", FILES, ids=" ".join)
def test_get_from_files(runners, state, args):
    args = tuple(a.replace("{f}", str(state["files"])) for a in args)
    same(runners, state, "get", "-f", *args)


def test_get_from_stdin(runners, state):
    manifest = (state["files"] / "two.yaml").read_text()
    same(runners, state, "get", "-f", "-", stdin=manifest)
    same(runners, state, "get", "-f", "-", "-o", "name", stdin=manifest)


ERRORS = [
    (), ("-l", "app=web"), ("nopes",), ("pods,nopes",), ("nopes", "x"), ("pod/a/b",), ("pod/", "x"), ("pod/x", "y"),
    ("pod,svc/x",), ("/x",), ("pods", "x", "-l", "a=b"), ("pods", "x", "-A"), ("pod/x", "-A"), ("pods", "-l", "a=b",
    "pod/x"), ("cm", "--show-labels", "-o", "json"), ("cm", "--show-labels", "-o", "name"),
    ("cm", "--output-watch-events"),
    ("pods", "--raw", "/api"), ("--raw", "/api", "-o", "json"), ("--raw", "api"), ("--raw", "/api/v1/namespaces/"
    "default/configmaps/nope"), ("--raw", "/api/v1/namespaces/default/configmaps/c1"), ("--raw", "/healthz"),
    ("--raw", "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb"), ("cm", "-f", "x.yaml"), ("pods", "--all"), ("pods", "--bogus"), ("pods", "-o"), ("pods", "--chunk-size=x"),
    ("cm", "-l", "=bad"), ("secrets", "--context=limited"), ("cm,secrets", "--context=limited"),
    ("secret", "s1", "--context=limited"), ("secrets", "-A", "--context=limited", "-o", "name"),
    ("cm", "c1", "--context=nope"),
]


@pytest.mark.parametrize("args", ERRORS, ids=lambda a: " ".join(a) or "no-args")
def test_get_errors(runners, state, args):
    same(runners, state, "get", *args)


def test_get_help(runners, state):
    same(runners, state, "get", "--help")


WATCHES = [
    ("cm", "-w"), ("cm", "c1", "-w"), ("cm", "c1", "-w", "--output-watch-events"), ("cm", "--watch-only"),
    ("cm", "-w", "--output-watch-events", "-L", "app"), ("cm", "-w", "-o", "name"), ("cm", "-A", "-w"),
    ("cm", "-w", "--sort-by=.metadata.name"), ("cm", "c1", "-w", "-o", "json", "--output-watch-events"),
    ("cm,secrets", "-w"), ("cm", "nope", "-w"),
]


@pytest.mark.parametrize("args", WATCHES, ids=" ".join)
def test_get_watch_until_the_server_closes(runners, state, args):
    # --request-timeout makes the server end the watch after half a second; kubectl then exits 0.
    same(runners, state, "get", *args, "--request-timeout=500ms")


def _rest_client(kubeconfig: str):
    """An httpx client for the server and admin token the kubeconfig names (changes beside a running watch)."""
    import base64
    import json
    import ssl

    import httpx

    config = json.loads(Path(kubeconfig).read_text())
    cluster = config["clusters"][0]["cluster"]
    user = next(u["user"] for u in config["users"] if "token" in u["user"])
    context = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    return httpx.Client(base_url=cluster["server"], verify=context,
                        headers={"Authorization": f"Bearer {user['token']}"}, timeout=10)


@pytest.mark.parametrize("args", [("cm", "-w", "--output-watch-events"), ("cm", "--watch-only", "-L", "step")])
def test_get_watch_prints_changes_as_they_happen(runners, state, args):
    """Each client watches while the same create/label/delete sequence runs beside it."""
    import threading
    import time

    collection = "/api/v1/namespaces/default/configmaps"

    def changes():
        time.sleep(1.0)
        with _rest_client(state["kubeconfig"]) as client:
            client.post(collection, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w9"}})
            time.sleep(0.1)
            client.patch(f"{collection}/w9", json={"metadata": {"labels": {"step": "one"}}},
                         headers={"Content-Type": "application/merge-patch+json"})
            time.sleep(0.1)
            client.delete(f"{collection}/w9")

    def both():
        results = []
        for run in (runners.kubectl, runners.pykubectl):
            worker = threading.Thread(target=changes)
            worker.start()
            results.append(normalise(run("get", *args, "--request-timeout=3s",
                                         env={"KUBECONFIG": state["kubeconfig"]})))
            worker.join()
        return [(r.stdout, r.stderr, r.exit_code) for r in results]

    expected, actual = both()
    if actual != expected:  # a loaded machine may start a watch after the changes began: try once more
        expected, actual = both()
    assert "w9" in expected[0]
    assert actual == expected


@pytest.fixture(scope="module")
def manifest_url(state):
    """An HTTP server on the module's manifest directory, for -f URL."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(state["files"])))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("args", [
    ("{url}/two.yaml",), ("{url}/cm.yaml", "-o", "name"), ("{url}/missing.yaml",), ("{url}/nothere.yaml",),
    ("{url}/nothere.yaml", "-o", "json"), ("http://127.0.0.1:1/x.yaml",), ("{url}/two.yaml", "-f", "{url}/bad.yaml"),
])
def test_get_from_urls(runners, state, manifest_url, args):
    same(runners, state, "get", "-f", *(a.replace("{url}", manifest_url) for a in args))


class _Terminal:
    """A captured stdout that says it is a terminal."""

    def __init__(self):
        import io

        self.buffer = io.StringIO()

    def write(self, text):
        return self.buffer.write(text)

    def flush(self):
        pass

    def isatty(self):
        return True


@pytest.mark.parametrize("no_colour", [False, True])
def test_get_colours_a_terminal_unless_no_color(state, monkeypatch, no_colour):
    import io

    from pykubectl.cli.main import main
    from pykubectl.streams import IOStreams

    monkeypatch.setenv("KUBECONFIG", state["kubeconfig"])
    monkeypatch.setenv("HOME", str(state["home"]))
    if no_colour:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    assert main(["get", "ns"], IOStreams(io.StringIO(), terminal, io.StringIO())) == 0
    text = terminal.buffer.getvalue()
    assert text.startswith("NAME") if no_colour else text.startswith("\x1b[1mNAME")
    assert ("\x1b[32mActive\x1b[0m" in text) is not no_colour


KUSTOMIZE = [
    ("{f}/kbase",), ("{f}/kbase", "-o", "name"), ("{f}/kbase", "-o", "yaml"), ("{f}/koverlay",), ("{f}/kother",),
    ("{f}/kother", "-o", "name"), ("{f}/knone",), ("{f}/nothere",), ("{f}/cm.yaml",), ("{f}/kbase", "-f", "x.yaml"),
    ("{f}/kbase", "-R"), ("{f}/kbase", "-l", "app=web"), ("{f}/kbase", "-l", "app=web", "-o", "name"),
]


@pytest.mark.parametrize("args", KUSTOMIZE, ids=" ".join)
def test_get_kustomize(runners, state, args):
    same(runners, state, "get", "-k", *(a.replace("{f}", str(state["files"])) for a in args))


@pytest.mark.parametrize("args", [("{f}/cm.yaml", "-l", "app=web", "-o", "name"), ("{f}/two.yaml", "-l", "app=web"),
                                  ("{f}/two.yaml", "-l", "app=web", "-o", "name"),
                                  ("{f}/dir", "-R", "-l", "app!=web", "-o", "name")])
def test_get_from_files_filters_what_the_server_returned(runners, state, args):
    same(runners, state, "get", "-f", *(a.replace("{f}", str(state["files"])) for a in args))
