"""printing.explain: the plaintext template's building blocks on small synthetic documents."""

from __future__ import annotations

import pytest

from pykubectl.printing.explain import GVR, ExplainError, go_value, render_explain, wrap


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("one two three", 7, "one two\nthree"),
    ("a verylongwordthatdoesnotfit b", 5, "a\nverylongwordthatdoesnotfit\nb"),
    ("keep\n\nparagraphs", 80, "keep\n\nparagraphs"),
    ("trailing   ", 80, "trailing   "),
    ("non\xa0breaking space", 12, "non\xa0breaking\nspace"),
    ("ünïcödé wörds here", 13, "ünïcödé wörds\nhere"),
    ("", 10, ""),
])
def test_wrap_matches_go_wordwrap(text, limit, expected):
    assert wrap(limit, text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (1, "1"), (1e6, "1e+06"), (123456, "123456"), (1234567.0, "1.234567e+06"), (0.5, "0.5"),
    (1.5e-5, "1.5e-05"), (-3, "-3"), (True, "true"), (None, "<nil>"), ("x", "x"),
    ({"b": 1, "a": "z"}, "map[a:z b:1]"), ([1, "a"], "[1 a]"),
])
def test_go_value(value, expected):
    assert go_value(value) == expected


def _document(schemas, namespaced=True, group="ex.io"):
    prefix = f"/apis/{group}/v1" + ("/namespaces/{namespace}" if namespaced else "")
    gvk = {"group": group, "version": "v1", "kind": "Thing"}
    return {
        "paths": {f"{prefix}/things/{{name}}": {"get": {"x-kubernetes-group-version-kind": gvk}}},
        "components": {"schemas": schemas},
    }


THING = {
    "x-kubernetes-group-version-kind": [{"group": "ex.io", "version": "v1", "kind": "Thing"}],
    "description": "A thing.",
    "type": "object",
    "required": ["spec"],
    "properties": {
        "spec": {"allOf": [{"$ref": "#/components/schemas/ex.Spec"}], "description": "The spec."},
        "mode": {"type": "string", "enum": ["", "A", "B", "C", "D"]},
    },
}
SPEC = {
    "description": "Spec of a thing.",
    "type": "object",
    "properties": {
        "child": {"$ref": "#/components/schemas/ex.Spec"},  # a cycle
        "items": {"type": "array", "items": {"type": "integer"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "size": {"$ref": "#/components/schemas/ex.Quantity"},
    },
}
QUANTITY = {"type": "string", "description": "A quantity."}
DOC = _document({"ex.Thing": THING, "ex.Spec": SPEC, "ex.Quantity": QUANTITY})
GVR_THINGS = GVR("ex.io", "v1", "things")


def test_root_lists_fields_with_types_enums_and_required():
    text = render_explain(DOC, GVR_THINGS, [])
    assert text == (
        "GROUP:      ex.io\nKIND:       Thing\nVERSION:    v1\n\n"
        "DESCRIPTION:\n    A thing.\n    \n"
        "FIELDS:\n"
        "  mode\t<string>\n  enum: \"\", A, B, C, ....\n    <no description>\n\n"
        "  spec\t<Spec> -required-\n    The spec.\n\n"
        "\n"
    )


def test_field_path_follows_allof_refs_and_prints_long_enum():
    text = render_explain(DOC, GVR_THINGS, ["mode"])
    assert text.endswith('FIELD: mode <string>\nENUM:\n    ""\n    A\n    B\n    C\n    D\n\n'
                         "DESCRIPTION:\n    <empty>\n\n")
    spec = render_explain(DOC, GVR_THINGS, ["spec", "size"])
    assert "FIELD: size <string>\n\n\nDESCRIPTION:\n    A quantity.\n    \n\n" in spec


def test_recursive_stops_at_cycles():
    text = render_explain(DOC, GVR_THINGS, ["spec"], recursive=True)
    body = text.split("FIELDS:\n", 1)[1]
    assert body == (
        "  child\t<Spec>\n"
        "  items\t<[]integer>\n"
        "  labels\t<map[string]string>\n"
        "  size\t<string>\n"
        "\n"
    )


def test_unknown_field_keeps_the_header_as_partial_output():
    with pytest.raises(ExplainError) as caught:
        render_explain(DOC, GVR_THINGS, ["spec", "nope"])
    assert caught.value.render() == 'error: field "nope" does not exist'
    assert caught.value.partial == "GROUP:      ex.io\nKIND:       Thing\nVERSION:    v1\n\n"


def test_unknown_resource_and_kind():
    with pytest.raises(ExplainError, match=r"^error: GVR \(ex.io/v1, Resource=gadgets\) not found"):
        render_explain(DOC, GVR("ex.io", "v1", "gadgets"), [])
    no_schema = _document({"ex.Spec": SPEC})
    with pytest.raises(ExplainError) as caught:
        render_explain(no_schema, GVR_THINGS, [])
    assert str(caught.value) == "error: GVK map[group:ex.io kind:Thing version:v1] not found in OpenAPI schema"
