"""`cp`: the real kubectl 1.32 and pykubectl copying trees to and from a simulated pod (tar over exec), both
ways and across tools, byte for byte; kubectl's argument errors and messages compared exactly."""

from __future__ import annotations

import filecmp
import os
import time
from pathlib import Path

import pytest

from tests.conftest import Runners

pytestmark = pytest.mark.needs_simulation

POD = """
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"]}
  - {name: side, image: busybox, command: [sleep, "3600"]}
"""


@pytest.fixture
def pod(kube_apiserver, kubeconfig_file: Path, runners: Runners) -> dict[str, str]:
    env = {"KUBECONFIG": str(kubeconfig_file)}
    assert runners.kubectl("apply", "-f", "-", env=env, stdin=POD).exit_code == 0
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        kube_apiserver.settle()
        if runners.kubectl("get", "pod", "box", "-o", "jsonpath={.status.phase}", env=env).stdout == "Running":
            return env
        time.sleep(0.1)
    pytest.fail("pod box is not running")


DEFAULTED = 'Defaulted container "main" out of: main, side\n'


def _tree(root: Path) -> Path:
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "a.txt").write_text("hello\n")
    (root / "sub" / "data.bin").write_bytes(os.urandom(700_000))
    (root / "sub" / "deep" / "x y.txt").write_text("spaces in names\n")
    return root


def _same_tree(left: Path, right: Path) -> None:
    comparison = filecmp.dircmp(left, right)
    assert not (comparison.left_only or comparison.right_only or comparison.funny_files), (left, right)
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    assert not mismatch and not errors, mismatch
    for name in comparison.common_dirs:
        _same_tree(left / name, right / name)


def test_directory_tree_both_ways_and_across_tools(pod, runners: Runners, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path / "tree")
    for tool in ("kubectl", "pykubectl"):
        run = runners.kubectl if tool == "kubectl" else runners.pykubectl
        result = run("cp", "tree", f"box:up-{tool}", env=pod)
        assert tuple(result) == ("", DEFAULTED, 0), result
    listing = runners.kubectl("exec", "box", "-c", "main", "--", "find", "up-kubectl", "up-pykubectl", env=pod)
    names = sorted(listing.stdout.split())
    assert [n.replace("up-pykubectl", "up-kubectl") for n in names if n.startswith("up-pykubectl")] == \
        [n for n in names if n.startswith("up-kubectl")]
    for tool in ("kubectl", "pykubectl"):
        run = runners.kubectl if tool == "kubectl" else runners.pykubectl
        for source in ("kubectl", "pykubectl"):
            result = run("cp", f"box:up-{source}", f"down-{tool}-from-{source}", env=pod)
            assert tuple(result) == (DEFAULTED, "", 0), result  # cp gives the tar exec stdout as its ErrOut
            _same_tree(tmp_path / "tree", tmp_path / f"down-{tool}-from-{source}")
        # --retries reads through `sh -c "tar cf - 'SRC' | tail -c+N"`
        result = run("cp", "--retries=2", "box:up-kubectl", f"retried-{tool}", env=pod)
        assert tuple(result) == (DEFAULTED, "", 0), result
        _same_tree(tmp_path / "tree", tmp_path / f"retried-{tool}")


def test_files_into_directories_and_new_names(pod, runners: Runners, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path / "tree")
    runners.kubectl("exec", "box", "-c", "main", "--", "mkdir", "-p", "k/dir", "p/dir", env=pod)
    cases = [("tree/a.txt", "{}/dir"), ("tree/a.txt", "{}/renamed.txt"), ("tree/sub", "{}/dir/"),
             ("--no-preserve", "tree/sub/deep"), ("-c", "side", "tree/a.txt", "{}-side.txt")]
    for case in cases:
        for tool, prefix in (("kubectl", "k"), ("pykubectl", "p")):
            args = [a if not a.startswith("{}") else "box:" + a.format(prefix) for a in case]
            if case[0] == "--no-preserve":
                args.append(f"box:{prefix}/np")
            run = runners.kubectl if tool == "kubectl" else runners.pykubectl
            result = run("cp", *args, env=pod)
            assert tuple(result) == ("", "" if "-c" in args else DEFAULTED, 0), (tool, args, result)
    listing = {prefix: sorted(line[len(prefix):] for line in runners.kubectl(
        "exec", "box", "-c", "main", "--", "find", prefix, env=pod).stdout.splitlines()) for prefix in ("k", "p")}
    assert listing["p"] == listing["k"]
    assert "/dir/a.txt" in listing["k"] and "/renamed.txt" in listing["k"] and "/dir/sub/deep/x y.txt" in listing["k"]
    side = runners.kubectl("exec", "box", "-c", "side", "--", "cat", "k-side.txt", "p-side.txt", env=pod)
    assert side.stdout == "hello\n" * 2


def test_missing_remote_source_is_success_as_kubectl(pod, runners: Runners, tmp_path: Path, monkeypatch) -> None:
    """kubectl stops at the (empty) archive's end, before tar's exit status arrives."""
    monkeypatch.chdir(tmp_path)
    for run in (runners.kubectl, runners.pykubectl):
        result = run("cp", "box:nope", "out", env=pod)
        assert result.exit_code == 0
        # whether tar's complaint gets out before the copy ends is a race in kubectl too
        assert result.stdout.startswith(DEFAULTED)
        assert set(result.stdout[len(DEFAULTED):].splitlines()) <= {
            "tar: nope: Cannot stat: No such file or directory", "tar: Exiting with failure status due to previous errors"}
        assert result.stderr == ""


ERROR_CASES = [
    ("box:a",),
    ("a", "b", "c"),
    (":x", "y"),
    ("a/b/c:x", "y"),
    ("box:x", "box:y"),
    ("a", "b"),
    ("box:", "x"),
    ("nothere", "box:x"),
    ("-c", "nope", "box:x", "y"),
    ("missing:x", "y"),
    ("--retries=x", "box:x", "y"),
]


def test_errors_match_kubectl(pod, runners: Runners, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    mismatches = []
    for args in ERROR_CASES:
        expected, actual = runners.both("cp", *args, env=pod)
        assert expected.exit_code != 0, (args, expected)
        if tuple(actual) != tuple(expected):
            mismatches.append((args, tuple(expected), tuple(actual)))
    assert mismatches == []


def test_help_matches_kubectl(runners: Runners) -> None:
    runners.assert_same("cp", "--help")
