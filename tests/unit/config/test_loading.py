"""Kubeconfig decoding as clientcmd does it: go-yaml scalars, encoding/json errors, Go base64 offsets."""

from __future__ import annotations

import pytest

from pykubectl.config.loading import _resolve_plain, decode_kubeconfig, go_base64_error
from pykubectl.errors import ConfigError


# Offsets observed from kubectl 1.32 (`illegal base64 data at input byte N`).
@pytest.mark.parametrize(("text", "offset"), [
    ("aGVsbG8K", None), ("aG==", None), ("aGV=", None), ("", None), ("aGVs\nbG8=", None),
    ("aGVsbG8", 4), ("aGVsbG8=x", 8), ("aGVs bG8=", 4), ("a", 0), ("=", 0), ("aGVsbG8K==", 8),
    ("aGVsbA= =", 6), ("!!notb64", 0),
])
def test_go_base64_offsets(text, offset):
    assert go_base64_error(text) == offset


@pytest.mark.parametrize(("text", "value"), [
    ("y", True), ("off", False), ("~", None), ("", None), ("0x1F", 31), ("012", 10), ("1_000", 1000),
    ("08", 8.0), ("1.5", 1.5), ("2001-12-14", "2001-12-14"), ("yes please", "yes please"), ("-3", -3),
])
def test_plain_scalars_resolve_like_go_yaml(text, value):
    assert _resolve_plain(text) == value


@pytest.mark.parametrize(("source", "message"), [
    (b"clusters: [a", "yaml: line 1: did not find expected ',' or ']'"),
    (b"x: 1\n  y: 2\n", "yaml: line 2: mapping values are not allowed in this context"),
    (b'a: "x"y\n', "yaml: did not find expected key"),
    (b"a: |\n b\n  c\nd", "yaml: line 5: could not find expected ':'"),
    (b"a: &x 1\nb: *y\n", "yaml: unknown anchor 'y' referenced"),
    (b"apiVersion: 5", "couldn't get version/kind; json parse error: json: cannot unmarshal number into "
                       "Go struct field .apiVersion of type string"),
    (b"kind: Pod", 'no kind "Pod" is registered for version "v1" in scheme '
                   '"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50"'),
    (b"users:\n- name: u\n  user: {as-user-extra: {a: b}}",
     "json: cannot unmarshal string into Go struct field AuthInfo.users.user.as-user-extra of type []string"),
    (b"current-context: [1]",
     "json: cannot unmarshal array into Go struct field Config.current-context of type string"),
])
def test_decode_errors_match_kubectl(source, message):
    with pytest.raises(ConfigError) as info:
        decode_kubeconfig(source)
    assert str(info.value) == message


def test_only_the_first_document_counts():
    assert decode_kubeconfig(b"current-context: a\n---\ncurrent-context: [\n") == {"current-context": "a"}


def test_yaml11_keys_become_strings():
    data = decode_kubeconfig(b"extensions:\n- name: e\n  extension: {n: 1, on: yes, 3: x}\n")
    assert data["extensions"][0]["extension"] == {"false": 1, "true": True, "3": "x"}
