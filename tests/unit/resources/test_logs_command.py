"""commands.logs around the log streams: Ctrl-C, parallel follow, --ignore-errors, --prefix (no server needed)."""

from __future__ import annotations

import threading

import pytest

from pykubectl.errors import ApiError

KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: ns}}]
current-context: x
"""

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"},
       "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "a"}, {"name": "b"}]}}


@pytest.fixture
def logs(runners, tmp_path, monkeypatch):
    """Run `pykubectl logs` with the pod fetch and the log streams replaced by `streams[container]`."""
    path = tmp_path / "kubeconfig"
    path.write_text(KUBECONFIG)
    streams: dict = {}
    monkeypatch.setattr("pykubectl.commands.logs.fetch_object", lambda session, options, namespace: POD)

    def fake_lines(client, namespace, pod, query):
        yield from streams[query.container](query)

    monkeypatch.setattr("pykubectl.client.logs.iter_log_lines", fake_lines)

    def run(*args):
        return runners.pykubectl("logs", *args, env={"KUBECONFIG": str(path)})

    run.streams = streams
    return run


def test_interrupt_stops_quietly_with_exit_1(logs):
    def interrupted(query):
        yield b"first\n"
        raise KeyboardInterrupt

    logs.streams["a"] = interrupted
    result = logs("p", "-c", "a", "-f")
    assert (result.stdout, result.stderr, result.exit_code) == ("first\n", "", 1)


def test_sequential_prefix_and_query(logs):
    seen = []

    def lines(query):
        seen.append(query.params())
        yield b"x\n"
        yield b"partial"

    logs.streams.update(i=lines, a=lines, b=lines)
    result = logs("p", "--all-containers", "--prefix", "--tail=3", "--since=90s")
    assert result.stdout == "[pod/p/i] x\n[pod/p/i] partial[pod/p/a] x\n[pod/p/a] partial[pod/p/b] x\n[pod/p/b] partial"
    assert seen[0] == {"container": "i", "tailLines": "3", "sinceSeconds": "90"}
    assert result.exit_code == 0


def _bad_request(query):
    raise ApiError({"reason": "BadRequest", "code": 400, "message": f'container "{query.container}" is sad'})
    yield  # pragma: no cover


def test_follow_reads_streams_in_parallel(logs):
    """Each stream waits for the other's first line: only concurrent readers can finish."""
    a_started, b_started = threading.Event(), threading.Event()

    def a(query):
        a_started.set()
        assert b_started.wait(5)
        yield b"from a\n"

    def b(query):
        b_started.set()
        assert a_started.wait(5)
        yield b"from b\n"

    def i(query):
        yield b"init\n"

    logs.streams.update(a=a, b=b, i=i)
    result = logs("p", "--all-containers", "-f", "--prefix")
    assert sorted(result.stdout.splitlines()) == ["[pod/p/a] from a", "[pod/p/b] from b", "[pod/p/i] init"]
    assert result.exit_code == 0


def test_follow_error_ends_the_command(logs):
    logs.streams.update(i=lambda q: iter([b"ok\n"]), a=_bad_request, b=lambda q: iter([]))
    result = logs("p", "--all-containers", "-f")
    assert result.exit_code == 1
    assert result.stderr == 'Error from server (BadRequest): container "a" is sad\n'


def test_ignore_errors_prints_them_on_stdout(logs):
    logs.streams.update(i=lambda q: iter([b"ok\n"]), a=_bad_request, b=lambda q: iter([b"fine\n"]))
    sequential = logs("p", "--all-containers", "--ignore-errors")
    assert (sequential.stdout, sequential.exit_code) == ('ok\nerror: container "a" is sad\nfine\n', 0)
    parallel = logs("p", "--all-containers", "--ignore-errors", "-f")
    assert sorted(parallel.stdout.splitlines()) == ['error: container "a" is sad', "fine", "ok"]
    assert parallel.exit_code == 0


def test_max_log_requests_counts_streams(logs):
    result = logs("p", "--all-containers", "-f", "--max-log-requests=2")
    assert (result.stdout, result.exit_code) == ("", 1)
    assert result.stderr == ("error: you are attempting to follow 3 log streams, but maximum allowed concurrency "
                             "is 2, use --max-log-requests to increase the limit\n")
