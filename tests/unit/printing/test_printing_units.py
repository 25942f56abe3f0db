"""Table-driven tests of the pure printers; expected values were produced by the real kubectl 1.32."""

from __future__ import annotations

import pytest

from pykubectl.errors import JSONPathExecuteError, JSONPathParseError, PrintError, UnknownOutputFormat
from pykubectl.printing.jsonpath import render, render_as_json
from pykubectl.printing.registry import GET_FORMATS, parse_output
from pykubectl.printing.structured import go_float_g, go_json_float, to_json, to_name, to_yaml
from pykubectl.printing.tabwriter import TabWriter, format_rows, format_text


@pytest.mark.parametrize(("value", "g", "json_text"), [
    (1.0, "1", "1"), (2.5, "2.5", "2.5"), (1e6, "1e+06", "1000000"), (1.5e6, "1.5e+06", "1500000"),
    (123456.0, "123456", "123456"), (1e20, "1e+20", "100000000000000000000"), (1e21, "1e+21", "1e+21"),
    (1.5e-7, "1.5e-07", "1.5e-7"), (1e-6, "1e-06", "0.000001"), (0.0001, "0.0001", "0.0001"),
    (123456789.125, "1.23456789125e+08", "123456789.125"), (-1.5e300, "-1.5e+300", "-1.5e+300"), (0.0, "0", "0"),
])
def test_go_float_formats(value, g, json_text):
    assert (go_float_g(value), go_json_float(value)) == (g, json_text)


def test_json_escapes_like_go():
    assert to_json({"s": "<a&b>\u2028\x01\b\f\t\"\\é😀"}) == (
        '{\n    "s": "\\u003ca\\u0026b\\u003e\\u2028\\u0001\\b\\f\\t\\"\\\\é😀"\n}\n')
    assert to_json({"b": {}, "a": []}, indent=2) == '{\n  "b": {},\n  "a": []\n}\n'
    assert to_json({"b": 1, "a": 2}, sort_keys=True) == '{\n    "a": 2,\n    "b": 1\n}\n'


@pytest.mark.parametrize(("value", "expected"), [
    ("plain", "plain"), ("1", '"1"'), ("yes", '"yes"'), ("", '""'), ("0x1F", '"0x1F"'), ("1:20", '"1:20"'),
    ("2025-05-15T09:12:10Z", '"2025-05-15T09:12:10Z"'), ("2025-02-30", "2025-02-30"), ("- a", "'- a'"),
    ("trail ", "'trail '"), ("it's", "it's"), ("'q'", "'''q'''"), ("tab\there", '"tab\\there"'),
    ("😀", '"\\U0001F600"'), ("\ufeffab", '"\\uFEFF\\x61\\x62"'), ("<<", "<<"), ("08", '"08"'),
    ("a\nb", "|-\n  a\n  b"), ("a\n", "|\n  a"), ("\nx", "|2-\n\n  x"), ("trail \nx", '"trail \\nx"'),
    (1, "1"), (1.0, "1"), (2.5, "2.5"), (1e20, "1e+20"), (True, "true"), (None, "null"), ({}, "{}"), ([], "[]"),
])
def test_yaml_scalars(value, expected):
    assert to_yaml({"k": value}) == f"k: {expected}\n"


def test_yaml_layout_and_key_order():
    data = {"b": [{"x": 1, "y": [1, [2]]}], "a10": 1, "a9": 2, "A": 3, "_": 4, "n": "v"}
    assert to_yaml(data) == ('_: 4\nA: 3\na9: 2\na10: 1\nb:\n- x: 1\n  "y":\n  - 1\n  - - 2\n"n": v\n')


def test_yaml_folds_long_plain_scalars_at_80_columns():
    text = " ".join(["abcdefghi"] * 12)
    assert to_yaml({"k": text}) == ("k: abcdefghi abcdefghi abcdefghi abcdefghi abcdefghi abcdefghi abcdefghi"
                                    " abcdefghi\n  abcdefghi abcdefghi abcdefghi abcdefghi\n")


def test_yaml_rejects_control_characters():
    with pytest.raises(PrintError, match="yaml: control characters are not allowed"):
        to_yaml({"k": "a\x7f"})


@pytest.mark.parametrize(("obj", "expected"), [
    ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}, "pod/p\n"),
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}, "deployment.apps/d\n"),
    ({"apiVersion": "v1", "kind": "Config"}, "config/<unknown>\n"),
    ({"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
                                                    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}}]},
     "pod/a\npod/b\n"),
])
def test_name_printer(obj, expected):
    assert to_name(obj) == expected


DATA = {"kind": "List", "items": [{"name": "a", "n": 1, "tags": ["x", "y"], "ok": True},
                                  {"name": "b", "n": 2, "tags": [], "ok": False, "none": None}]}


@pytest.mark.parametrize(("template", "expected"), [
    ("{.kind}", "List"), ("{.items[*].name}", "a b"), ("{.items[0].tags}", '["x","y"]'),
    ("{.items[-1].name}", "b"), ("{.items[?(@.n>1)].name}", "b"), ("{.items[?(@.ok==true)].name}", "a"),
    ("{range .items[*]}{.name}={.n}{\"\\n\"}{end}", "a=1\nb=2\n"), ("{.items[1].none}", "null"),
    ("{.items[*]['name','n']}", "a b 1 2"), ("{.missing}", ""), ("x{.kind}y", "xListy"), ("{.kind.*}", "76 105 115 116"),
    ("{.items[?(@.none)].name}", "b"),  # a null value exists
])
def test_jsonpath_render(template, expected):
    assert render(template, DATA) == expected


def test_jsonpath_as_json():
    assert render_as_json("{.items[*].n}", DATA) == "[\n    1,\n    2\n]\n"


@pytest.mark.parametrize(("template", "message"), [
    ("{.a", "error parsing jsonpath {.a, unclosed action"),
    ("{#}", "error parsing jsonpath {#}, unrecognized character in action: U+0023 '#'"),
    ("{.items[}", "error parsing jsonpath {.items[}, unterminated array"),
    ("{.items[a]}", "error parsing jsonpath {.items[a]}, invalid array index a"),
])
def test_jsonpath_parse_errors(template, message):
    with pytest.raises(JSONPathParseError) as caught:
        render(template, DATA)
    assert str(caught.value) == message


def test_jsonpath_execute_error_text():
    with pytest.raises(JSONPathExecuteError) as caught:
        render("{.items[5]}", {"items": [1.0, "s", None]})
    assert caught.value.render() == (
        'error: error executing jsonpath "{.items[5]}": Error executing template: array index out of bounds: '
        "index 5, length 3. Printing more information for debugging the template:\n\ttemplate was:\n"
        '\t\t{.items[5]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"items":'
        '[]interface {}{1, "s", interface {}(nil)}}\n\n\n')


def test_jsonpath_missing_keys_can_be_errors():
    with pytest.raises(JSONPathExecuteError, match="missing is not found"):
        render("{.missing}", DATA, allow_missing_keys=False)


@pytest.mark.parametrize(("rows", "expected"), [
    ([["NAME", "AGE"], ["a", "1s"]], "NAME   AGE\na      1s\n"),
    ([["NAME", "READY", "STATUS"], ["nginx-long-name", "1/1", "Running"]],
     "NAME              READY   STATUS\nnginx-long-name   1/1     Running\n"),
    ([["A", "", "C"], ["", "", ""]], "A           C\n            \n"),
    ([["日本語", "x"], ["a", "y"]], "日本語   x\na     y\n"),
])
def test_tabwriter_rows(rows, expected):
    assert format_rows(rows) == expected


def test_tabwriter_line_without_tabs_ends_block_but_widths_are_remembered():
    assert format_text("a\tb\nxxxxxxxxxx\nc\td\n") == "a     b\nxxxxxxxxxx\nc     d\n"
    writer = TabWriter()
    writer.write("longer-name\tx\n")
    first = writer.flush()
    writer.write("a\ty\n")
    assert (first, writer.flush()) == ("longer-name   x\n", "a             y\n")


def test_output_parsing():
    assert parse_output("JSON").name == "json"
    assert parse_output("jsonpath={.a}").argument == "{.a}"
    assert parse_output("", template_argument="{{.a}}").name == "go-template"
    assert parse_output("wide", GET_FORMATS).name == "wide"
    with pytest.raises(UnknownOutputFormat) as caught:
        parse_output("xml", GET_FORMATS)
    assert str(caught.value) == (
        'unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,'
        "custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,"
        "template,templatefile,wide,yaml")
