"""Go template printer: the registry wiring and Go-isms the differential tests do not reach."""

from __future__ import annotations

import pytest

from pykubectl.errors import PrintError, PrintErrorWithOutput, UnknownOutputFormat
from pykubectl.printing import gotemplate
from pykubectl.printing.registry import GET_FORMATS, printer_for

OBJ = {"kind": "ConfigMap", "metadata": {"name": "x", "creationTimestamp": None}, "data": {"b": "2", "a": "1"},
       "n": 3, "f": 1e6}


@pytest.mark.parametrize("output", ["go-template={{.metadata.name}}", "template={{.metadata.name}}"])
def test_registry_builds_go_template_printers(output):
    assert printer_for(output)(OBJ) == "x"


def test_template_flag_implies_go_template():
    assert printer_for("", template_argument="{{.kind}}")(OBJ) == "ConfigMap"


@pytest.mark.parametrize("fmt", ["go-template-file", "templatefile"])
def test_template_files_are_read(tmp_path, fmt):
    path = tmp_path / "t.tmpl"
    path.write_text("{{range $k, $v := .data}}{{$k}}={{$v}}\n{{end}}")
    assert printer_for(f"{fmt}={path}")(OBJ) == "a=1\nb=2\n"


def test_missing_template_file_is_kubectl_error(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(PrintError) as raised:
        printer_for(f"go-template-file={missing}")
    assert str(raised.value) == f"error reading --template {missing}, open {missing}: no such file or directory"


def test_parse_errors_are_raised_before_printing():
    with pytest.raises(PrintError) as raised:
        printer_for("go-template={{.a | nope}}")
    assert str(raised.value) == 'error parsing template {{.a | nope}}, template: output:1: function "nope" not defined'


def test_empty_template_and_unknown_format():
    with pytest.raises(PrintError, match="template format specified but no template given"):
        printer_for("go-template=")
    with pytest.raises(UnknownOutputFormat):
        printer_for("gotemplate={{.a}}", allowed=GET_FORMATS)


def test_execution_error_carries_partial_output_and_dump():
    print_obj = printer_for("go-template=before {{.metadata.name.x}}", sort_keys=False)
    with pytest.raises(PrintErrorWithOutput) as raised:
        print_obj(OBJ)
    stdout = raised.value.stdout_text
    assert stdout.startswith("before Error executing template: template: output:1:18: executing \"output\" at "
                             "<.metadata.name.x>: can't evaluate field x in type interface {}.")
    # struct order kept for typed objects; Go's %v (sorted keys, <nil>, 1e+06) for the engine's view
    assert '\traw data was:\n\t\t{"kind":"ConfigMap","metadata":{"name":"x","creationTimestamp":null},' in stdout
    assert "map[data:map[a:1 b:2] f:1e+06 kind:ConfigMap metadata:map[creationTimestamp:<nil> name:x] n:3]" in stdout
    assert raised.value.render().startswith('error: error executing template "before {{.metadata.name.x}}": ')


def test_missing_keys_error_mode():
    with pytest.raises(PrintErrorWithOutput) as raised:
        printer_for("go-template={{.nope}}", allow_missing_keys=False)(OBJ)
    assert 'map has no entry for key "nope"' in str(raised.value)


@pytest.mark.parametrize("template, expected", [
    ("{{.metadata.creationTimestamp}}", "<no value>"),
    ("{{printf \"%T %T %T\" .n .f 1}}", "int64 float64 int"),
    ("{{.f}} {{printf \"%v %.1f %e\" .f .f .f}}", "1e+06 1e+06 1000000.0 1.000000e+06"),
    ("{{$x := 0}}{{range .data}}{{$x = .}}{{end}}{{$x}}", "2"),
    ("{{range $i, $_ := .data}}{{if $i}}{{break}}{{end}}{{end}}done", "done"),
    ("{{with $v := .data.a}}{{$v}}{{end}}", "1"),
    ("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"),
    ("{{len \"héllo\"}}", "6"),
    ("{{printf \"%q\" \"a\\tb\\u00e9\"}}", "\"a\\tbé\""),
    ("{{printf \"%+d|% d|%x|%08.3f|%-5d|\" 5 5 \"hi\" 3.14159 7}}", "+5| 5|6869|0003.142|7    |"),
    ("{{printf \"%d %d\" 1}}", "1 %!d(MISSING)"),
    ("{{printf \"%d\" 1 2}}", "1%!(EXTRA int=2)"),
    ("{{slice .kind 0 6}}", "Config"),
])
def test_go_semantics(template, expected):
    assert gotemplate.render(template, OBJ) == expected


def test_deep_nesting_is_not_a_crash():
    template = "{{" + "(" * 50 + "1" + ")" * 50 + "}}"
    assert gotemplate.render(template, OBJ) == "1"
