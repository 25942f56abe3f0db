"""The read-only `config` verbs over the kubeconfig corpus, compared byte for byte with the real kubectl."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Result

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kubeconfig"
CORPUS = sorted(p.name for p in FIXTURES.glob("*.yaml") if not p.name.startswith("write-"))

VIEW_VARIANTS = [
    (),
    ("--raw",),
    ("-o", "json"),
    ("--minify",),
    ("--flatten",),
    ("--merge=false",),
    ("--minify", "--raw", "-o", "json"),
]


def _sorted_lines(result: Result) -> Result:
    # get-clusters walks a Go map: kubectl's order is random, so compare the set of lines.
    return Result("".join(sorted(result.stdout.splitlines(keepends=True))), result.stderr, result.exit_code)


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 15


@pytest.mark.parametrize("fixture", CORPUS)
@pytest.mark.parametrize("variant", VIEW_VARIANTS, ids=lambda v: " ".join(v) or "default")
def test_view_with_kubeconfig_flag(runners, fixture, variant):
    runners.assert_same("config", "view", "--kubeconfig", str(FIXTURES / fixture), *variant)


@pytest.mark.parametrize("fixture", CORPUS)
def test_view_with_env(runners, fixture):
    runners.assert_same("config", "view", env={"KUBECONFIG": str(FIXTURES / fixture)})


@pytest.mark.parametrize("fixture", CORPUS)
@pytest.mark.parametrize("verb", [("current-context",), ("get-contexts",), ("get-contexts", "-o", "name"),
                                  ("get-contexts", "--no-headers"), ("get-users",)], ids=" ".join)
def test_read_verbs(runners, fixture, verb):
    runners.assert_same("config", *verb, env={"KUBECONFIG": str(FIXTURES / fixture)})


@pytest.mark.parametrize("fixture", CORPUS)
def test_get_clusters(runners, fixture):
    runners.assert_same("config", "get-clusters", env={"KUBECONFIG": str(FIXTURES / fixture)},
                        normalise=_sorted_lines)


def _multi_env(*names: str) -> dict[str, str]:
    return {"KUBECONFIG": ":".join(str(FIXTURES / n) for n in names)}


@pytest.mark.parametrize("args", [
    ("view",), ("view", "--raw"), ("view", "-o", "json"), ("view", "--minify"), ("view", "--flatten"),
    ("current-context",), ("get-contexts",), ("get-users",),
    ("view", "--merge=false"),
])
def test_merge_first_file_wins(runners, args):
    runners.assert_same("config", *args, env=_multi_env("multi-a.yaml", "multi-b.yaml", "sub/nested.yaml"))


def test_merge_order_reversed(runners):
    runners.assert_same("config", "view", "--raw", env=_multi_env("multi-b.yaml", "multi-a.yaml"))


def test_merge_skips_missing_and_duplicate_files(runners):
    env = _multi_env("missing.yaml", "multi-a.yaml", "multi-a.yaml", "multi-b.yaml")
    runners.assert_same("config", "view", env=env)


def test_several_broken_files_report_every_error(runners):
    runners.assert_same("config", "view", env=_multi_env("wrong-type-clusters.yaml", "broken-flow.yaml"))


def test_one_broken_file_among_good_ones(runners):
    runners.assert_same("config", "get-contexts", env=_multi_env("basic.yaml", "broken-tab.yaml"))


@pytest.mark.parametrize("args", [
    ("view", "--minify", "--context", "prod"),
    ("view", "--minify", "--context", "nope"),
    ("view", "--minify", "--raw", "--context", "prod", "-o", "json"),
    ("view", "-o", "jsonpath={.users[0].name}"),
    ("view", "-o", "jsonpath={.contexts[*].context.namespace}"),
    ("view", "-o", "jsonpath-as-json={.contexts[*].name}"),
    ("view", "-o", "name"),
    ("view", "-o", "foo"),
    ("view", "--output=json"),
    ("view", "-ojson"),
    ("view", "extra-arg"),
    ("view", "--merge=maybe"),
    ("view", "--merge"),
    ("get-contexts", "dev"),
    ("get-contexts", "prod", "dev"),
    ("get-contexts", "nope"),
    ("get-contexts", "nope", "dev", "zzz"),
    ("get-contexts", "-o", "name", "dev"),
    ("get-contexts", "-o", "wide"),
    ("get-contexts", "--no-headers=false"),
])
def test_flag_combinations(runners, args):
    runners.assert_same("config", *args, "--kubeconfig", str(FIXTURES / "basic.yaml"))


def test_merge_false_needs_a_file(runners):
    runners.assert_same("config", "view", "--merge=false", env={"KUBECONFIG": str(FIXTURES / "basic.yaml")})


@pytest.mark.parametrize("args", [("view",), ("view", "--merge=false"), ("current-context",), ("get-contexts",)])
def test_missing_kubeconfig_flag_file(runners, args):
    runners.assert_same("config", *args, "--kubeconfig", str(FIXTURES / "does-not-exist.yaml"))


def test_no_kubeconfig_at_all(runners):
    runners.assert_same("config", "view")
    runners.assert_same("config", "current-context")


def test_home_kubeconfig_is_the_default(runners):
    kube = runners.home / ".kube"
    kube.mkdir()
    (kube / "config").write_text((FIXTURES / "basic.yaml").read_text())
    result = runners.assert_same("config", "current-context")
    assert result.stdout == "dev\n"


def test_flatten_relative_to_the_current_directory(runners, tmp_path, monkeypatch):
    # A relative --kubeconfig path: flatten resolves references against that file's directory.
    monkeypatch.chdir(FIXTURES)
    runners.assert_same("config", "view", "--flatten", "--kubeconfig", "sub/nested.yaml")
    runners.assert_same("config", "view", "--flatten", "--kubeconfig", "relative.yaml")
