"""`get -w` across server-side watch ends: pykubectl resumes from the last resourceVersion (kubectl 1.32 exits
there), and after a 410 on resuming it lists again and prints only what changed.

The test server's knobs: `store.max_watch_seconds` ends every watch that soon (as an apiserver's request
timeout does); `store.watch_gate` holds a resumed watch back, so changes can land between two requests.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque

import httpx
import pytest

from tests.conftest import Result

pytestmark = pytest.mark.needs_simulation

CM = "/api/v1/namespaces/default/configmaps"
_AGE = re.compile(r"\b(\d+[smhdy])+\b|<invalid>")


def normalise(result: Result) -> Result:
    lines = [re.sub(" {2,}", "  ", _AGE.sub("AGE", line)) for line in result.stdout.split("\n")]
    return Result("\n".join(lines), result.stderr.replace("kubectl.1.32", "kubectl"), result.exit_code)


@pytest.fixture
def server(kube_apiserver, kubeconfig_file):
    """The session server with two configmaps, an admin REST client, and its knobs put back afterwards."""
    store = kube_apiserver.store
    client = _client(kube_apiserver)
    for name in ("c1", "c2"):
        client.post(CM, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
                              "data": {"k": "v"}}).raise_for_status()
    try:
        yield kube_apiserver, client, {"KUBECONFIG": str(kubeconfig_file)}
    finally:
        client.close()
        for knob in ("max_watch_seconds", "watch_gate"):
            store.__dict__.pop(knob, None)


def _client(kube_apiserver) -> httpx.Client:
    import ssl

    context = ssl.create_default_context(cadata=kube_apiserver.ca_pem.decode())
    token = kube_apiserver.tokens["admin"]
    return httpx.Client(base_url=kube_apiserver.url, verify=context, headers={"Authorization": f"Bearer {token}"},
                        timeout=10)


def _changes(client: httpx.Client) -> None:
    client.post(CM, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w9"}})
    client.patch(f"{CM}/c1", json={"metadata": {"labels": {"step": "one"}}},
                 headers={"Content-Type": "application/merge-patch+json"})
    client.delete(f"{CM}/c2")


def _watching(store, timeout: float = 20.0) -> None:
    """Wait until a client watches configmaps (so it has printed its list) and has been at it a little."""
    deadline = time.monotonic() + timeout
    while not any(sub.resource == "configmaps" for sub in list(store._subscribers)):
        assert time.monotonic() < deadline, "no watch started"
        time.sleep(0.01)
    time.sleep(0.5)  # with the knob at 0.3 s, at least one resumption has happened by now


def _watch_with_changes(run, server, *args: str) -> Result:
    kube_apiserver, client, env = server

    def later():
        _watching(kube_apiserver.store)
        _changes(client)

    worker = threading.Thread(target=later)
    worker.start()
    try:
        return normalise(run("get", "cm", *args, env=env))
    finally:
        worker.join()


@pytest.mark.parametrize("args", [("-w", "--output-watch-events"), ("--watch-only", "-L", "step"), ("c1", "-w")],
                         ids=" ".join)
def test_resumes_after_the_server_ends_the_watch(runners, server, args):
    """pykubectl, with the server ending each watch after 0.3 s, prints what kubectl prints over one watch."""
    kube_apiserver, client, env = server
    args = (*args, "--request-timeout=2s")
    expected = _watch_with_changes(runners.kubectl, server, *args)
    client.post(CM, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c2"}, "data": {"k": "v"}})
    client.delete(f"{CM}/w9")
    client.patch(f"{CM}/c1", json={"metadata": {"labels": None}}, headers={"Content-Type": "application/merge-patch+json"})
    kube_apiserver.store.max_watch_seconds = 0.3
    actual = _watch_with_changes(runners.pykubectl, server, *args)
    assert "c1" in expected.stdout
    assert (actual.stdout, actual.stderr, actual.exit_code) == (expected.stdout, expected.stderr, expected.exit_code)


def test_kubectl_itself_stops_when_the_server_ends_the_watch(runners, server):
    """The knob works, and the divergence is deliberate: kubectl 1.32 exits 0 at the first end and misses w9."""
    kube_apiserver, client, env = server
    kube_apiserver.store.max_watch_seconds = 0.3
    started = time.monotonic()
    result = normalise(runners.kubectl("get", "cm", "-w", "--request-timeout=3s", env=env))
    assert result.exit_code == 0 and time.monotonic() - started < 2.5
    # pykubectl left alone (no --request-timeout) keeps watching: it is still running when w9 appears
    kube_apiserver.store.max_watch_seconds = 0.2
    result = _watch_with_changes(runners.pykubectl, server, "--watch-only", "--request-timeout=3s")
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["NAME", "w9", "c1", "c2"]


EXPECTED_AFTER_410 = {
    "-w --output-watch-events": [
        "EVENT  NAME  DATA  AGE",
        "ADDED  c1  1  AGE",
        "ADDED  c2  1  AGE",
        "ADDED  kube-root-ca.crt  1  AGE",
        "MODIFIED  c1  1  AGE",
        "ADDED  w9  0  AGE",
        "DELETED  c2  1  AGE",
    ],
    "-w -o name": ["configmap/c1", "configmap/c2", "configmap/kube-root-ca.crt", "configmap/c1", "configmap/w9",
                   "configmap/c2"],
    "-w -o jsonpath={.metadata.name}{'\\n'}": ["c1", "c2", "kube-root-ca.crt", "c1", "w9", "c2"],
}


@pytest.mark.parametrize("args", list(EXPECTED_AFTER_410))
def test_a_410_on_resuming_lists_again_and_prints_the_difference(runners, server, args):
    kube_apiserver, client, env = server
    store = kube_apiserver.store
    store.max_watch_seconds = 0.3
    gate = threading.Event()
    gate.set()
    store.watch_gate = gate
    history = store._history

    def between_watches():
        _watching(store)
        gate.clear()
        deadline = time.monotonic() + 5
        while getattr(store, "watch_gate_waiting", 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        store._history = deque(store._history, maxlen=2)  # the client's resourceVersion falls out of history
        _changes(client)
        client.post("/api/v1/namespaces/kube-public/configmaps",
                    json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unrelated"}})
        gate.set()

    worker = threading.Thread(target=between_watches)
    worker.start()
    try:
        result = normalise(runners.pykubectl("get", "cm", *args.split(), "--request-timeout=3s", env=env))
    finally:
        worker.join()
        store._history = deque(store._history, maxlen=history.maxlen)
    assert result.stderr == "" and result.exit_code == 0
    assert result.stdout.splitlines() == EXPECTED_AFTER_410[args]
