"""custom-columns: spec parsing, relaxed paths, cells, header rules and the registry wiring."""

from __future__ import annotations

import pytest

from pykubectl.errors import PrintError, PrintErrorWithOutput
from pykubectl.printing import custom_columns
from pykubectl.printing.registry import GET_FORMATS, printer_for

POD = {"kind": "Pod", "metadata": {"name": "web", "labels": {"app": "x"}},
       "spec": {"containers": [{"name": "a", "image": "i1"}, {"name": "b", "image": "i2"}]},
       "status": {"note": "red\x1b[0m\r", "ratio": 0.5}}
LIST = {"kind": "List", "items": [POD, {"kind": "Pod", "metadata": {"name": "a-much-longer-name"}}]}


@pytest.mark.parametrize("expression, expected", [
    (".metadata.name", "{.metadata.name}"), ("metadata.name", "{.metadata.name}"),
    ("{.metadata.name}", "{.metadata.name}"), ("{metadata.name}", "{.metadata.name}"), ("", ""),
    ("{.items[*]}", "{.items[*]}"),
])
def test_relaxed_jsonpath(expression, expected):
    assert custom_columns.relaxed_jsonpath(expression) == expected


@pytest.mark.parametrize("expression", ["{.a", "a}", "{{.a}}", "{.a}{.b}"])
def test_relaxed_jsonpath_rejects(expression):
    with pytest.raises(PrintError, match="unexpected path string, expected a 'name1.name2'"):
        custom_columns.relaxed_jsonpath(expression)


def test_spec_errors():
    with pytest.raises(PrintError, match="custom-columns format specified but no custom columns given"):
        custom_columns.parse_spec("")
    with pytest.raises(PrintError) as raised:
        custom_columns.parse_spec("A:.a,b")
    assert str(raised.value) == "unexpected custom-columns spec: b, expected <header>:<json-path-expr>"
    assert custom_columns.parse_spec("A:b:c") == [custom_columns.Column("A", "{.b:c}")]


def test_rows_are_aligned_with_none_and_joined_values():
    printer = custom_columns.printer("NAME:.metadata.name,IMAGES:.spec.containers[*].image,APP:.metadata.labels.app")
    assert printer(LIST) == ("NAME                 IMAGES   APP\n"
                             "web                  i1,i2    x\n"
                             "a-much-longer-name   <none>   <none>\n")


def test_values_print_as_go_values_and_escape_the_terminal():
    printer = custom_columns.printer("L:.metadata.labels,N:.status.note,R:.status.ratio", no_headers=True)
    assert printer(POD) == "map[app:x]   red^[[0m\\r   0.5\n"


def test_header_is_printed_again_only_for_another_type():
    printer = custom_columns.CustomColumnsPrinter(custom_columns.parse_spec("N:.metadata.name"))
    assert printer.print_obj(LIST) == "N\nweb\na-much-longer-name\n"
    assert printer.print_obj(POD) == "N\nweb\n"
    assert printer.print_obj(POD) == "web\n"


def test_errors_after_the_header_keep_it():
    with pytest.raises(PrintErrorWithOutput) as raised:
        custom_columns.printer("A:.spec.containers[5]")(POD)
    assert raised.value.stdout_text == "A\n"
    assert str(raised.value) == "array index out of bounds: index 5, length 2"


def test_template_file_format():
    columns = custom_columns.parse_template("NAME  IMAGE\r\n.metadata.name   {.spec.containers[0].image}\n")
    assert columns == [custom_columns.Column("NAME", "{.metadata.name}"),
                       custom_columns.Column("IMAGE", "{.spec.containers[0].image}")]
    with pytest.raises(PrintError, match="missing header line"):
        custom_columns.parse_template("")
    with pytest.raises(PrintError, match="missing spec line"):
        custom_columns.parse_template("A B\n")
    with pytest.raises(PrintError, match=r"number of headers \(2\) and field specifications \(1\) don't match"):
        custom_columns.parse_template("A B\n.a\n")


def test_registry(tmp_path):
    assert printer_for("custom-columns=N:.metadata.name", allowed=GET_FORMATS, no_headers=True)(POD) == "web\n"
    path = tmp_path / "cols"
    path.write_text("N\n.metadata.name\n")
    assert printer_for(f"custom-columns-file={path}", allowed=GET_FORMATS, no_headers=True)(POD) == "N\nweb\n"
    with pytest.raises(PrintError, match="custom-columns format specified but no custom columns given"):
        printer_for("custom-columns=", allowed=GET_FORMATS)
    with pytest.raises(PrintError) as raised:
        printer_for(f"custom-columns-file={tmp_path / 'nope'}", allowed=GET_FORMATS)
    assert str(raised.value).endswith(": no such file or directory\n")
