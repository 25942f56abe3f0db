"""`debug`: the real kubectl 1.32 and pykubectl against the same simulated cluster.

Each tool debugs its own copy of the target pods (`{t}` in an argument list is `k` for kubectl and `p` for
pykubectl, normalised away in the output), so ephemeral containers and copies one tool made never show up in the
other's comparison. kubectl's random names (`debugger-xxxxx`, `node-debugger-node01-xxxxx`) are normalised too.
Compared: messages, errors and exit codes byte for byte, and what was made on the server (the ephemeral
container, the pod copy, the node pod) through `get -o jsonpath`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading

import pytest

from tests.conftest import Result, Runners, kubectl_state, strip_klog

pytestmark = pytest.mark.needs_simulation

TARGETS = """
apiVersion: v1
kind: Pod
metadata:
  name: web-{t}
  labels: {{app: web}}
  annotations: {{note: kept}}
spec:
  initContainers:
  - {{name: init, image: busybox, command: [sh, -c, "true"]}}
  containers:
  - name: web
    image: busybox
    command: [sleep, "3600"]
    readinessProbe: {{exec: {{command: ["true"]}}, periodSeconds: 1}}
  - {{name: side, image: busybox, command: [sleep, "3600"]}}
---
apiVersion: v1
kind: Pod
metadata: {{name: gone-{t}}}
spec:
  containers:
  - {{name: main, image: busybox, command: [sleep, "3600"]}}
"""
DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  replicas: 0
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}}
    spec:
      containers: [{name: dep, image: busybox}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
data: {a: "1"}
"""


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    kubeconfig, home, env, binary, kubectl = kubectl_state(kube_apiserver, tmp_path_factory, "debug-state")
    root = kubeconfig.parent

    kubectl("create", "-f", "-", stdin=TARGETS.format(t="k") + "---" + TARGETS.format(t="p") + "---" + DEPLOYMENT)
    kubectl("wait", "--for=condition=Ready", "pod/web-k", "pod/web-p", "pod/gone-k", "pod/gone-p", "--timeout=30s")
    kube_apiserver.settle()
    (root / "custom.json").write_text(json.dumps({"env": [{"name": "CUSTOM", "value": "yes"}],
                                                  "securityContext": {"runAsUser": 1000}}))
    (root / "custom.yaml").write_text("workingDir: /tmp\n")
    (root / "named.json").write_text(json.dumps({"name": "nope"}))
    (root / "ports.json").write_text(json.dumps({"ports": [{"containerPort": 80}]}))
    (root / "probe.yaml").write_text("readinessProbe: {exec: {command: [\"true\"]}}\nresources: {limits: {cpu: 1}}\n")
    yield {"KUBECONFIG": str(kubeconfig), "home": home, "binary": binary, "env": env, "root": root,
           "kubectl": kubectl}
    kube_apiserver.reset()


@pytest.fixture
def runners(state, monkeypatch):
    return Runners(state["home"], monkeypatch)


def _clean(text: str) -> str:
    text = re.sub(r"node-debugger-(node0\d)-[a-z0-9]{5}", r"node-debugger-\1-XXXXX", text)
    text = re.sub(r"debugger-[a-z0-9]{5}\b", "debugger-XXXXX", text)
    text = re.sub(r"\b([a-z0-9]+(?:-[a-z0-9]+)*)-[kp]\b", r"\1-T", text)
    return text.replace("kubectl.1.32 ", "kubectl ")


def _normalise(result: Result) -> Result:
    return Result(_clean(result.stdout), strip_klog(_clean(result.stderr)), result.exit_code)


def _args(template: tuple[str, ...], tool: str, root) -> list[str]:
    return [a.replace("{t}", tool).replace("{root}", str(root)) for a in template]


def _both(runners: Runners, state, template: tuple[str, ...], stdin: str = "") -> tuple[Result, Result]:
    env = {"KUBECONFIG": state["KUBECONFIG"]}
    expected = runners.kubectl(*_args(template, "k", state["root"]), env=env, stdin=stdin)
    actual = runners.pykubectl(*_args(template, "p", state["root"]), env=env, stdin=stdin)
    return _normalise(expected), _normalise(actual)


def _assert_same(runners: Runners, state, template: tuple[str, ...], stdin: str = "") -> Result:
    expected, actual = _both(runners, state, template, stdin)
    assert (actual.stdout, actual.stderr, actual.exit_code) == (
        expected.stdout, expected.stderr, expected.exit_code), " ".join(template)
    return actual


def _get(state, tool: str, *args: str) -> str:
    return _clean(state["kubectl"](*[a.replace("{t}", tool) for a in args]))


def _same_on_server(state, *args: str) -> str:
    """The same query about each tool's objects gives the same answer (names normalised)."""
    made_by_kubectl, made_by_pykubectl = _get(state, "k", *args), _get(state, "p", *args)
    assert made_by_pykubectl == made_by_kubectl, args
    return made_by_pykubectl


ERRORS = [
    ("debug",),
    ("debug", "--image=busybox"),
    ("debug", "web-{t}"),
    ("debug", "web-{t}", "--image=busybox", "--profile=bad"),
    ("debug", "nope", "--image=busybox", "--profile=general"),
    ("debug", "nope", "--image=busybox"),
    ("debug", "web-{t}", "--image=busybox", "--replace"),
    ("debug", "web-{t}", "--image=busybox", "--same-node"),
    ("debug", "web-{t}", "--set-image=web=nginx"),
    ("debug", "web-{t}", "--image=busybox", "-t"),
    ("debug", "web-{t}", "--image=Bad Image"),
    ("debug", "web-{t}", "--image=busybox", "--image-pull-policy=Sometimes"),
    ("debug", "web-{t}", "--copy-to=x-{t}"),
    ("debug", "web-{t}", "--copy-to=x-{t}", "--", "sh"),
    ("debug", "web-{t}", "--copy-to=x-{t}", "-c", "nosuch", "--profile=general", "--", "sh"),
    ("debug", "web-{t}", "--copy-to=x-{t}", "--set-image=web=Bad Image"),
    ("debug", "web-{t}", "--copy-to=x-{t}", "--image=busybox", "--target=web"),
    ("debug", "web-{t}", "--attach", "--copy-to=x-{t}", "--set-image=web=nginx"),
    ("debug", "deploy/dep", "--image=busybox", "--profile=general"),
    ("debug", "configmap/conf", "--image=busybox", "--profile=general"),
    ("debug", "node/nope", "--image=busybox", "--profile=general"),
    ("debug", "nope", "web-{t}", "--image=busybox", "--profile=general"),
    ("debug", "-f", "{root}/missing.yaml", "--image=busybox", "--profile=general"),
    ("debug", "web-{t}", "--image=busybox", "--env=novalue"),
    ("debug", "web-{t}", "--image=busybox", "--custom={root}/missing.json"),
    ("debug", "web-{t}", "--image=busybox", "--custom={root}/named.json"),
    ("debug", "web-{t}", "--image=busybox", "-c", "web", "--profile=general"),
    ("debug", "web-{t}", "--image=busybox", "-c", "tgt-{t}", "--target=nosuch", "--profile=general"),
    ("debug", "web-{t}", "--image=busybox", "-c", "ports-{t}", "--custom={root}/ports.json", "--profile=general"),
    ("debug", "web-{t}", "--image=busybox", "-c", "probe-{t}", "--custom={root}/probe.yaml", "--profile=general"),
    ("debug", "web-{t}", "-o", "yaml", "--image=busybox"),
    ("debug", "web-{t}", "--image=busybox", "--share-processes=maybe"),
    ("debug", "--help"),
]


@pytest.mark.parametrize("template", ERRORS, ids=lambda t: " ".join(t[1:]) or "bare")
def test_errors_and_help_match_kubectl(runners: Runners, state, template) -> None:
    _assert_same(runners, state, template)


def test_ephemeral_container_is_added_and_runs(runners: Runners, state) -> None:
    result = _assert_same(runners, state, ("debug", "gone-{t}", "--image=busybox", "--", "echo", "hi"))
    assert result == Result("Defaulting debug container name to debugger-XXXXX.\n",
                            '--profile=legacy is deprecated and will be removed in the future. It is recommended to '
                            'explicitly specify a profile, for example "--profile=general".\n', 0)
    spec = _same_on_server(state, "get", "pod", "gone-{t}", "-o", "jsonpath={.spec.ephemeralContainers}")
    assert '"command":["echo","hi"]' in spec and "debugger-XXXXX" in spec
    state["kubectl"]("wait", "pod/gone-k", "pod/gone-p", "--timeout=30s",
                     "--for=jsonpath={.status.ephemeralContainerStatuses[0].state.terminated.reason}=Completed")
    name = state["kubectl"]("get", "pod", "gone-p", "-o", "jsonpath={.spec.ephemeralContainers[0].name}")
    assert state["kubectl"]("logs", "gone-p", "-c", name) == "hi\n"


@pytest.mark.parametrize("profile", ["legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"])
def test_each_profile_builds_the_same_ephemeral_container(runners: Runners, state, profile) -> None:
    name = f"dbg-{profile}-{{t}}"
    _assert_same(runners, state, ("debug", "web-{t}", "--image=busybox", "-c", name, f"--profile={profile}",
                                  "--env=A=1", "--image-pull-policy=IfNotPresent", "--", "sleep", "1"))
    query = f'jsonpath={{.spec.ephemeralContainers[?(@.name=="{name}")]}}'
    _same_on_server(state, "get", "pod", "web-{t}", "-o", query)


def test_env_flags_merge(runners: Runners, state) -> None:
    """--env is a StringToString: repeated and comma-separated pairs merge (kubectl lists them in Go map order)."""
    _assert_same(runners, state, ("debug", "web-{t}", "--image=busybox", "-c", "env-{t}", "--profile=general",
                                  "--env=A=1", "--env", "B=2,C=3", "--env=A=4", "--", "true"))
    for tool in "kp":
        env = json.loads(state["kubectl"]("get", "pod", f"web-{tool}", "-o",
                                          f'jsonpath={{.spec.ephemeralContainers[?(@.name=="env-{tool}")].env}}'))
        assert sorted((e["name"], e["value"]) for e in env) == [("A", "4"), ("B", "2"), ("C", "3")], tool


def test_target_custom_profile_and_arguments_only(runners: Runners, state) -> None:
    result = _assert_same(runners, state, ("debug", "web-{t}", "--image=busybox", "-c", "tgt-{t}", "--target=web",
                                           "--profile=general", "--custom={root}/custom.json", "--arguments-only",
                                           "--", "sleep", "1"))
    assert result.stdout.startswith('Targeting container "web".')
    _same_on_server(state, "get", "pod", "web-{t}", "-o",
                    'jsonpath={.spec.ephemeralContainers[?(@.name=="tgt-{t}")]}')
    _assert_same(runners, state, ("debug", "web-{t}", "-q", "--image=busybox", "-c", "yaml-{t}",
                                  "--profile=baseline", "--custom={root}/custom.yaml"))
    _same_on_server(state, "get", "pod", "web-{t}", "-o",
                    'jsonpath={.spec.ephemeralContainers[?(@.name=="yaml-{t}")].workingDir}')


def test_pod_from_a_file(runners: Runners, state) -> None:
    for tool in "kp":
        (state["root"] / f"pod-{tool}.yaml").write_text(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: web-{tool}}}\n"
                                                        "spec:\n  containers: [{name: main, image: busybox}]\n")
    _assert_same(runners, state, ("debug", "-f", "{root}/pod-{t}.yaml", "--image=busybox", "--profile=general",
                                  "-c", "fromfile-{t}", "--", "true"))
    made = _same_on_server(state, "get", "pod", "web-{t}", "-o",
                           'jsonpath={.spec.ephemeralContainers[?(@.name=="fromfile-{t}")].command}')
    assert made == '["true"]'


def test_interactive_ephemeral_container_reads_stdin(runners: Runners, state) -> None:
    result = _assert_same(runners, state, ("debug", "web-{t}", "-i", "--image=busybox", "-c", "talk-{t}",
                                           "--profile=general", "--", "sh", "-c", 'read l; echo "got $l"'),
                          stdin="hello\n")
    assert result == Result("got hello\n", "If you don't see a command prompt, try pressing enter.\n", 0)


def test_attach_to_an_ephemeral_container_that_already_ended(runners: Runners, state) -> None:
    """A container that ends at once: both tools race the same way (attach, or logs after a warning)."""
    expected, actual = _both(runners, state, ("debug", "web-{t}", "--attach", "-q", "--image=busybox",
                                              "-c", "quick-{t}", "--profile=general", "--", "echo", "done"))
    for result in (expected, actual):
        assert result.stdout == "done\n" and result.exit_code == 0, result


def test_an_existing_ephemeral_container_cannot_be_changed(runners: Runners, state) -> None:
    """-c naming an ephemeral container again patches it: the server's validation refuses. (The real apiserver
    appends a diff to this message, so only its first line is compared.)"""
    _assert_same(runners, state, ("debug", "web-{t}", "--image=busybox", "-c", "twice-{t}", "--profile=general"))
    expected, actual = _both(runners, state, ("debug", "web-{t}", "--image=busybox", "-c", "twice-{t}",
                                              "--profile=general", "--", "true"))
    first = 'The Pod "web-T" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "twice-T"'
    for result in (expected, actual):
        assert result.exit_code == 1 and result.stdout == "" and result.stderr.startswith(first), result


COPIES = [
    ("--image=busybox", "--profile=general", "--", "sleep", "100"),
    ("--image=busybox", "--profile=legacy", "-c", "extra", "--env=X=1"),
    ("--set-image=*=nginx", "--profile=general"),
    ("--set-image=web=nginx,side=redis", "--profile=general", "--keep-labels", "--keep-annotations"),
    ("--container=web", "--profile=general", "--keep-readiness", "--", "sh", "-c", "sleep 100"),
    ("--container=web", "--profile=general", "--arguments-only", "--", "100"),
    ("--image=busybox", "--profile=restricted", "--share-processes=false", "--keep-init-containers=false"),
    ("--image=busybox", "--profile=sysadmin", "--same-node", "-q"),
    ("--image=busybox", "--profile=netadmin", "--image-pull-policy=Never"),
]
COPY_QUERY = ("jsonpath={.metadata.labels} {.metadata.annotations} {.spec.shareProcessNamespace} "
              "{.spec.initContainers[*].name} {range .spec.containers[*]}[{.name} {.image} {.command} {.args} "
              "{.env} {.imagePullPolicy} {.securityContext} {.readinessProbe.periodSeconds} {.stdin}]{end}")


@pytest.mark.parametrize("index", range(len(COPIES)), ids=lambda i: " ".join(COPIES[i]))
def test_copy_to(runners: Runners, state, index: int) -> None:
    copy = f"copy{index}-{{t}}"
    _assert_same(runners, state, ("debug", "web-{t}", f"--copy-to={copy}", *COPIES[index]))
    _same_on_server(state, "get", "pod", copy, "-o", COPY_QUERY)
    if "--same-node" in COPIES[index]:
        for tool in "kp":
            source = state["kubectl"]("get", "pod", f"web-{tool}", "-o", "jsonpath={.spec.nodeName}")
            made = state["kubectl"]("get", "pod", f"copy{index}-{tool}", "-o", "jsonpath={.spec.nodeName}")
            assert made == source


def test_copy_to_with_replace_deletes_the_original(runners: Runners, state) -> None:
    state["kubectl"]("run", "orig-k", "--image=busybox", "--", "sleep", "3600")
    state["kubectl"]("run", "orig-p", "--image=busybox", "--", "sleep", "3600")
    _assert_same(runners, state, ("debug", "orig-{t}", "--copy-to=repl-{t}", "--replace", "--image=busybox",
                                  "--profile=general", "-c", "dbg"))
    state["kubectl"]("wait", "--for=delete", "pod/orig-k", "pod/orig-p", "--timeout=30s")
    _same_on_server(state, "get", "pod", "repl-{t}", "-o", "jsonpath={.spec.containers[*].name}")


def test_copy_to_interactive_reads_stdin(runners: Runners, state) -> None:
    result = _assert_same(runners, state, ("debug", "web-{t}", "-i", "--copy-to=talk-{t}", "--image=busybox",
                                           "--profile=general", "-c", "dbg", "--", "sh", "-c",
                                           'read l; echo "copy $l"'), stdin="works\n")
    assert result.stdout == "copy works\n"


@pytest.mark.parametrize("profile", ["legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"])
def test_node_debug_pod(runners: Runners, state, profile) -> None:
    def node_pods() -> set[str]:
        return {line.removeprefix("pod/") for line in state["kubectl"]("get", "pods", "-o", "name").split()
                if line.startswith("pod/node-debugger-node01-")}

    before = node_pods()
    expected, actual = _both(runners, state, ("debug", "node/node01", "--image=busybox", f"--profile={profile}",
                                              "--", "true"))
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)
    assert actual.stdout == ("Creating debugging pod node-debugger-node01-XXXXX with container debugger on node "
                             "node01.\n")
    new = sorted(node_pods() - before)
    made = [json.loads(state["kubectl"]("get", "pod", name, "-o", "json")) for name in new]
    views = []
    for pod in made:
        spec = pod["spec"]
        container = spec["containers"][0]
        views.append({k: spec.get(k) for k in ("hostPID", "hostNetwork", "hostIPC", "nodeName", "restartPolicy")}
                     | {"tolerations": [t for t in spec.get("tolerations") or [] if "key" not in t],
                        "volumes": [v for v in spec.get("volumes") or [] if v["name"] == "host-root"],
                        "mounts": [m for m in container.get("volumeMounts") or [] if m["name"] == "host-root"],
                        "securityContext": container.get("securityContext"), "command": container.get("command")})
    assert len(views) == 2 and views[0] == views[1]
    assert views[0]["nodeName"] == "node01" and views[0]["restartPolicy"] == "Never"
    assert views[0]["command"] == ["true"]


def test_node_debug_interactive(runners: Runners, state) -> None:
    result = _assert_same(runners, state, ("debug", "node/node02", "-i", "--image=busybox", "--profile=general",
                                           "-c", "node-{t}", "--", "sh", "-c", 'read l; echo "node $l"'),
                          stdin="ok\n")
    assert result.stdout == ("Creating debugging pod node-debugger-node02-XXXXX with container node-T on node "
                             "node02.\nnode ok\n")


def test_waiting_messages_are_warned_while_the_image_cannot_be_pulled(state) -> None:
    """waitForContainer: each waiting message of the debug container is a `Warning: container NAME: ...` line."""
    kubectl = state["kubectl"]
    for tool in "kp":
        kubectl("run", f"pull-{tool}", "--image=busybox", "--", "sleep", "3600")
    kubectl("wait", "--for=condition=Ready", "pod/pull-k", "pod/pull-p", "--timeout=30s")
    first = {}
    try:
        for tool, argv in (("k", [state["binary"]]), ("p", [sys.executable, "-m", "pykubectl"])):
            proc = subprocess.Popen([*argv, "debug", f"pull-{tool}", "-i", "--image=busybox:doesnotexist",
                                     "--profile=general", "-c", "dbg", "--", "true"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=state["env"], text=True)
            guard = threading.Timer(30, proc.kill)  # no warning at all must not hang the run
            guard.start()
            try:
                line = proc.stderr.readline()
            finally:
                guard.cancel()
                proc.kill()
                proc.communicate()
            first[tool] = _clean(line)
    finally:
        kubectl("delete", "pod", "pull-k", "pull-p", "--wait=false")
    assert first["p"] == first["k"]
    assert first["k"].startswith('Warning: container dbg: rpc error: code = NotFound desc = failed to pull and unpack '
                                 'image "docker.io/library/busybox:doesnotexist"')


def test_tty_under_a_real_terminal(state) -> None:
    """-it under a terminal: the line typed reaches the ephemeral container; afterwards kubectl attach's hint for
    ephemeral containers (the pod's restartPolicy is Always)."""
    from tests.compat.test_exec_compat import _read_until, _set_size

    seen_by = {}
    for tool, argv in (("k", [state["binary"]]), ("p", [sys.executable, "-m", "pykubectl"])):
        master, slave = os.openpty()
        _set_size(slave, 24, 80)
        proc = subprocess.Popen([*argv, "debug", f"web-{tool}", "-it", "--image=busybox", "-c", f"tty-{tool}",
                                 "--profile=general", "--", "sh", "-c", 'read l; echo "got $l"'],
                                stdin=slave, stdout=slave, stderr=slave, env=state["env"], start_new_session=True)
        seen = bytearray()
        try:
            _read_until(master, b"try pressing enter", 30, seen)
            os.write(master, b"typed\n")
            _read_until(master, b"if it is still running", 30, seen)
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(slave)
            os.close(master)
        text = _clean(bytes(seen).decode())
        seen_by[tool] = (code, "got typed" in text, [line for line in text.splitlines() if "Session ended" in line])
    assert seen_by["p"] == seen_by["k"] == (0, True, [
        "Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach "
        "web-T -c tty-T -i -t' if it is still running"])


def test_the_subresource_serves_the_pod_and_keeps_existing_ephemeral_containers(state, tmp_path) -> None:
    """pods/ephemeralcontainers as the real kubectl sees it with --raw: GET gives the Pod; a PUT that drops an
    ephemeral container is refused; a PUT that changes anything else in the pod changes only the ephemeral ones."""
    kubectl = state["kubectl"]
    kubectl("debug", "gone-k", "--image=busybox", "-c", "kept", "--profile=general", "--", "true")
    raw = "/api/v1/namespaces/default/pods/gone-k/ephemeralcontainers"
    pod = json.loads(kubectl("get", "--raw", raw))
    assert pod["kind"] == "Pod" and "kept" in [c["name"] for c in pod["spec"]["ephemeralContainers"]]
    dropped = json.loads(json.dumps(pod))
    dropped["spec"]["ephemeralContainers"] = [c for c in pod["spec"]["ephemeralContainers"] if c["name"] != "kept"]
    (tmp_path / "dropped.json").write_text(json.dumps(dropped))
    proc = subprocess.run([state["binary"], "replace", "--raw", raw, "-f", str(tmp_path / "dropped.json")],
                          capture_output=True, text=True, env=state["env"], timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith('The Pod "gone-k" is invalid: spec.ephemeralContainers: Forbidden: existing '
                                  'ephemeral containers "kept" may not be removed')
    added = json.loads(json.dumps(pod))
    added["metadata"]["labels"] = {"sneaky": "yes"}
    added["spec"]["containers"][0]["image"] = "nginx"
    added["spec"]["ephemeralContainers"].append({"name": "put-added", "image": "busybox", "command": ["true"]})
    (tmp_path / "added.json").write_text(json.dumps(added))
    answer = json.loads(subprocess.run([state["binary"], "replace", "--raw", raw, "-f", str(tmp_path / "added.json")],
                                       capture_output=True, text=True, env=state["env"], timeout=60,
                                       check=True).stdout)
    assert [c["name"] for c in answer["spec"]["ephemeralContainers"]][-1] == "put-added"
    assert answer["spec"]["ephemeralContainers"][-1]["terminationMessagePolicy"] == "File"
    assert answer["spec"]["containers"][0]["image"] == "busybox"
    assert "sneaky" not in (answer["metadata"].get("labels") or {})
