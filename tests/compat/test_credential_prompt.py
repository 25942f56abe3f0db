"""With an https server and no credentials at all, kubectl prompts for basic auth on stdout/stdin."""

import pytest

from tests.conftest import blur_klog


def _klog_blurred(result):
    result.stderr = blur_klog(result.stderr)
    return result


@pytest.mark.parametrize("stdin", ["", "bob\n", "   \n"])
def test_prompt_without_credentials_matches_kubectl(runners, stdin):
    runners.assert_same("--server", "https://127.0.0.1:1", "api-versions", stdin=stdin)


def test_no_prompt_over_http(runners):
    runners.assert_same("--server", "http://127.0.0.1:1", "api-versions", stdin="bob\n", normalise=_klog_blurred)
