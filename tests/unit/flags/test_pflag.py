"""kubectl's flag forms are accepted, and usage errors read and exit as kubectl's do."""

import json

import pytest


@pytest.mark.parametrize("form", [["-ojson"], ["-o=json"], ["-o", "json"], ["--output", "json"], ["--output=json"]])
def test_output_flag_forms(pykubectl, form):
    result = pykubectl("version", "--client", *form)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["clientVersion"]["major"] == "1"


@pytest.mark.parametrize("form", [["--client"], ["--client=true"], ["--client=True"], ["--client=1"]])
def test_boolean_true_forms(pykubectl, form):
    result = pykubectl("version", *form, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert "serverVersion" not in json.loads(result.stdout)


def test_global_flags_before_and_after_the_command(pykubectl):
    before = pykubectl("-n", "x", "--v=0", "version", "--client", "-o", "json")
    after = pykubectl("version", "--client", "-n", "x", "--request-timeout=5s", "-o", "json")
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout



@pytest.mark.parametrize("args", [
    ["version", "--foo"],
    ["version", "-z"],
    ["version", "-o"],
    ["version", "--client", "-o", "xml"],
])
def test_usage_errors_match_kubectl(runners, args):
    runners.assert_same(*args)


def test_options_lists_global_flags_as_kubectl_does(runners):
    runners.assert_same("options")


@pytest.mark.parametrize("args", [["zzzzzzzz"], ["versio"], ["confi"], ["config", "nope"]])
def test_unknown_commands_match_kubectl(runners, args):
    runners.assert_same(*args)


@pytest.mark.parametrize("args", [["version", "--help"], ["version", "-h"]])
def test_command_help_matches_kubectl(runners, args):
    runners.assert_same(*args)


@pytest.mark.parametrize("args", [
    ["version", "--client=maybe"],
    ["--insecure-skip-tls-verify=x", "version", "--client"],
    ["-v=abc", "version", "--client"],
    ["version", "--client", "--v=x"],
])
def test_bad_flag_values_match_kubectl(runners, args):
    runners.assert_same(*args)
