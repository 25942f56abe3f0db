"""commands.explain: the JSONPath-ish argument split kubectl applies before mapping the resource."""

from __future__ import annotations

import pytest

from pykubectl.commands.explain import _nodes, parse_group_version
from pykubectl.errors import KubectlError


@pytest.mark.parametrize(("text", "expected"), [
    ("pods", [("field", "pods")]),
    ("pods.spec.containers", [("field", "pods"), ("field", "spec"), ("field", "containers")]),
    ("pods.", [("field", "pods")]),  # one trailing dot is dropped
    ("pods..spec", [("field", "pods"), ("recursive", ""), ("field", "spec")]),
    ("pods.spec.x\\.y", [("field", "pods"), ("field", "spec"), ("field", "x.y")]),
    ("pods.spec[0]", [("field", "pods"), ("field", "spec"), ("other", "[")]),
    ("pods.*", [("field", "pods"), ("other", "*")]),
])
def test_nodes(text, expected):
    assert _nodes(text) == expected


def test_node_errors_match_client_go():
    with pytest.raises(KubectlError, match="invalid multiple recursive descent"):
        _nodes("pods....spec")
    with pytest.raises(KubectlError, match="unrecognized character in action: U\\+0025 '%'"):
        _nodes("pods..%")


@pytest.mark.parametrize(("text", "expected"), [
    ("v1", ("", "v1")), ("apps/v1", ("apps", "v1")), ("", ("", "")), ("/", ("", "")),
])
def test_parse_group_version(text, expected):
    assert parse_group_version(text) == expected


def test_parse_group_version_rejects_two_slashes():
    with pytest.raises(KubectlError, match="unexpected GroupVersion string: a/b/c"):
        parse_group_version("a/b/c")
