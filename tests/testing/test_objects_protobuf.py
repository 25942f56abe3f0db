"""Kubernetes protobuf request bodies (what kubectl's typed clients send) decode to the JSON objects."""

from __future__ import annotations

import pytest

from pykubectl.testing import protobuf


def _varint(value: int) -> bytes:
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _bytes(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _int(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = _bytes(1, api_version.encode()) + _bytes(2, kind.encode())
    return protobuf.MAGIC + _bytes(1, type_meta) + _bytes(2, raw) + _bytes(3, b"") + _bytes(4, b"")


def _meta(name: str, labels: dict[str, str] | None = None) -> bytes:
    # gogo-protobuf writes every non-pointer field, empty strings and zero times included
    body = _bytes(1, name.encode()) + _bytes(2, b"") + _bytes(3, b"") + _int(7, 0) + _bytes(8, b"")
    for key, value in (labels or {}).items():
        body += _bytes(11, _bytes(1, key.encode()) + _bytes(2, value.encode()))
    return body


def test_configmap_with_data_and_zero_fields_dropped():
    raw = _bytes(1, _meta("cm", {"a": "b"})) + _bytes(2, _bytes(1, b"k") + _bytes(2, b"v"))
    assert protobuf.decode_object(_envelope("v1", "ConfigMap", raw)) == {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "labels": {"a": "b"}}, "data": {"k": "v"}}


def test_deployment_keeps_pointer_zero_replicas_and_nested_template():
    container = _bytes(1, b"nginx") + _bytes(2, b"nginx:1.25") + _int(16, 0)  # stdin=false is omitempty
    pod_spec = _bytes(2, container)
    template = _bytes(1, _meta("", {"app": "web"})) + _bytes(2, pod_spec)
    selector = _bytes(1, _bytes(1, b"app") + _bytes(2, b"web"))
    spec = _int(1, 0) + _bytes(2, selector) + _bytes(3, template)
    decoded = protobuf.decode_object(_envelope("apps/v1", "Deployment", _bytes(1, _meta("web")) + _bytes(2, spec)))
    assert decoded["spec"] == {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                               "template": {"metadata": {"labels": {"app": "web"}},
                                            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}


def test_special_types_int_or_string_quantity_time_and_inline_structs():
    port = _bytes(2, b"TCP") + _int(3, 80) + _bytes(4, _int(1, 1) + _bytes(3, b"http"))
    service = protobuf.decode_object(_envelope("v1", "Service", _bytes(1, _meta("s")) + _bytes(2, _bytes(1, port))))
    assert service["spec"]["ports"] == [{"protocol": "TCP", "port": 80, "targetPort": "http"}]
    stamp = _bytes(8, _int(1, 1_700_000_000))
    assert protobuf.decode_object(_envelope("v1", "Namespace", _bytes(1, _bytes(1, b"n") + stamp)))["metadata"] == {
        "name": "n", "creationTimestamp": "2023-11-14T22:13:20Z"}
    rule = _bytes(1, b"foo.com") + _bytes(2, _bytes(1, b""))  # IngressRuleValue is inlined into the rule
    ingress = protobuf.decode_object(_envelope("networking.k8s.io/v1", "Ingress",
                                               _bytes(1, _meta("i")) + _bytes(2, _bytes(3, rule))))
    assert ingress["spec"]["rules"] == [{"host": "foo.com", "http": {}}]


def test_not_protobuf_is_an_error():
    with pytest.raises(protobuf.ProtobufError, match="does not appear to be a protobuf message"):
        protobuf.decode_object(b'{"kind":"Pod"}')
