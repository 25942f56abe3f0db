"""kubectl's go-template printer against ours, without a server.

The real kubectl renders each template over an object it reads with `label --local -f` (an
unstructured object: integers stay int64, other numbers float64, keys sorted in its JSON). We render
the same template over the JSON kubectl prints for that object and compare stdout, stderr and exit
code byte for byte, error dumps included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pykubectl.errors import KubectlError
from pykubectl.printing import gotemplate

OFFLINE_KUBECONFIG = str(Path(__file__).parent.parent / "fixtures" / "printing" / "offline-kubeconfig.yaml")

OBJECT = {
    "apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "s1", "namespace": "prod", "labels": {"app": "web", "tier": "front"},
                 "annotations": {"note": "a<b>&c \"q\"", "empty": "", "multi": "line1\nline2"}},
    "type": "Opaque",
    "data": {"password": "c2VjcmV0", "user": "YWRtaW4=", "bad": "!!!", "short": "YWJj\nZA==", "nopad": "YWJjZA"},
    "spec": {
        "replicas": 3, "ratio": 0.25, "big": 1500000, "huge": 12345678901, "neg": -7, "flag": True, "off": False,
        "nothing": None, "list": [1, "two", 3.5, None, {"k": "v"}], "empty": [], "emptymap": {}, "zero": 0,
        "containers": [
            {"name": "app", "image": "nginx:1.25", "ports": [{"containerPort": 80}, {"containerPort": 443}]},
            {"name": "side", "image": "busybox", "ports": []},
        ],
        "unicode": "café ☃",
    },
}

TEMPLATES = [
    # fields, missing keys, nil
    "{{.kind}}",
    "{{.metadata.name}}/{{.metadata.namespace}}\n",
    "{{.foo}}",
    "{{.foo.bar}}",
    "{{.spec.nothing}}",
    "{{.spec.nothing.x}}",
    "{{.metadata.name.x}}",
    "{{.spec.list}} {{.spec.empty}} {{.spec.emptymap}}",
    "{{.metadata.labels}}",
    "{{.spec.replicas}} {{.spec.ratio}} {{.spec.big}} {{.spec.huge}} {{.spec.neg}} {{.spec.flag}}",
    "{{.}}",
    "{{$}}",
    "{{.spec.unicode}}",
    # range, variables, else, break/continue
    "{{range .spec.containers}}{{.name}}={{.image}}\n{{end}}",
    "{{range $i, $c := .spec.containers}}{{$i}}:{{$c.name}} {{end}}",
    "{{range $c := .spec.containers}}{{$c.name}}{{range .ports}} {{.containerPort}}{{else}} none{{end}};{{end}}",
    "{{range $k, $v := .metadata.labels}}{{$k}}={{$v}},{{end}}",
    "{{range .spec.empty}}x{{else}}empty{{end}}",
    "{{range .spec.missing}}x{{else}}missing{{end}}",
    "{{range .spec.list}}[{{.}}]{{end}}",
    "{{range .spec.list}}{{if eq . nil}}{{break}}{{end}}{{.}} {{end}}",
    "{{range $i, $e := .spec.list}}{{if eq $i 1}}{{continue}}{{end}}{{$e}} {{end}}",
    "{{range 3}}{{.}}{{end}}",
    "{{range .spec.replicas}}{{.}}{{end}}",
    "{{range .kind}}{{.}}{{end}}",
    "{{$n := .metadata.name}}{{$n}} {{$n = \"other\"}}{{$n}}",
    "{{with .metadata.labels}}{{.app}}{{end}} {{with .spec.nothing}}x{{else}}none{{end}}",
    "{{with .spec.zero}}x{{else with .spec.flag}}flag{{end}}",
    # if / else if / comparisons
    "{{if .spec.flag}}on{{end}}{{if .spec.off}}off{{end}}{{if .spec.empty}}e{{else}}noe{{end}}",
    "{{if eq .kind \"Pod\"}}pod{{else if eq .kind \"Secret\"}}secret{{else}}other{{end}}",
    "{{if eq .spec.replicas 3}}three{{end}} {{if ne .spec.replicas 3}}not{{end}}",
    "{{if lt .spec.replicas 5}}lt{{end}} {{if gt .spec.ratio 0.1}}gt{{end}} {{if le 1 1}}le{{end}} {{if ge 2 3}}ge{{end}}",
    "{{if eq .kind \"A\" \"B\" \"Secret\"}}any{{end}}",
    "{{if eq .spec.missing \"x\"}}y{{else}}n{{end}}",
    "{{eq .spec.replicas \"3\"}}",
    "{{lt .kind 3}}",
    "{{lt .spec.missing 3}}",
    "{{eq .spec.list .spec.list}}",
    "{{and .spec.flag .kind}} {{or .spec.off .spec.zero}} {{or .spec.off .kind}} {{not .spec.off}}",
    "{{and .spec.off .spec.nothing.x}}",
    "{{if and .spec.flag (eq .kind \"Secret\")}}both{{end}}",
    # functions
    "{{len .spec.containers}} {{len .metadata.labels}} {{len .kind}} {{len .spec.unicode}}",
    "{{len .spec.replicas}}",
    "{{len .spec.missing}}",
    "{{index .metadata.labels \"app\"}} {{index .spec.containers 1 \"name\"}} {{index .spec.list 4 \"k\"}}",
    "{{index .metadata.labels \"nope\"}}",
    "{{index .spec.containers 5}}",
    "{{index .spec.containers 2}}",
    "{{index .spec.containers \"a\"}}",
    "{{index .metadata.labels 1}}",
    "{{index .kind 0}}",
    "{{index .spec.missing 0}}",
    "{{slice .kind 1 3}} {{slice .spec.list 1 2}}",
    "{{printf \"%s-%d-%v-%q\" .kind .spec.replicas .spec.flag .metadata.name}}",
    "{{printf \"%-10s|%10s|%05d|%x|%X|%o|%b|%c\" .kind .kind .spec.replicas 255 255 8 5 65}}",
    "{{printf \"%.2f %e %g %v %6.1f\" .spec.ratio .spec.big .spec.ratio .spec.big .spec.ratio}}",
    "{{printf \"%d %s\" .kind .spec.replicas}}",
    "{{printf \"%d\" .spec.ratio}}",
    "{{printf \"%s %s\" .kind}}",
    "{{printf \"%s\" .kind .kind 3}}",
    "{{printf \"%v %s %d\" .spec.nothing .spec.nothing .spec.missing}}",
    "{{printf \"%T %T %T %T %T %T\" .kind .spec.replicas .spec.ratio .spec.list .metadata 3}}",
    "{{printf \"%q %v\" .spec.list .spec.containers}}",
    "{{printf \"%5.1s|%t|%%|%z\" .kind .spec.flag 3}}",
    "{{printf \"%\"}}",
    "{{print .kind 3 4 \"x\" .spec.flag}}",
    "{{println .kind 3}}",
    "{{.kind | printf \"%s!\"}} {{.spec.replicas | printf \"%d-%s\" \"a\"}}",
    "{{.metadata.labels.app | len}}",
    "{{html .metadata.annotations.note}} {{js .metadata.annotations.note}} {{urlquery .metadata.annotations.note}}",
    "{{base64decode .data.password}}:{{base64decode .data.user}}",
    "{{base64decode .data.short}}",
    "{{base64decode .data.bad}}",
    "{{base64decode .data.nopad}}",
    "{{base64decode .spec.replicas}}",
    "{{base64decode .spec.missing}}",
    "{{exists . \"spec\" \"containers\" 1 \"name\"}} {{exists . \"spec\" \"containers\" 5}} {{exists . \"spec\" \"nothing\"}}",
    "{{range $k, $v := .data}}{{$k}}: {{if ne $k \"bad\"}}{{base64decode $v}}{{end}}\n{{end}}",
    # trim markers, comments, literals, define/template
    "a  {{- .kind -}}  b\n  {{- /* note */ -}}\n c",
    "{{/* only a comment */}}x",
    "{{\"lit\"}} {{`raw`}} {{3}} {{-2}} {{1.5}} {{1e3}} {{0x10}} {{'a'}} {{true}}",
    "{{define \"row\"}}<{{.name}}>{{end}}{{range .spec.containers}}{{template \"row\" .}}{{end}}",
    "{{block \"b\" .kind}}[{{.}}]{{end}}",
    "{{template \"nope\"}}",
    "{{(index .spec.containers 0).name}} {{(.metadata).name}}",
    "{{.metadata.labels.app.x}}",
    "{{.kind 3}}",
    "{{nil}}",
    "{{3 3}}",
    "{{.spec.containers | len}}",
    # parse errors
    "{{foo}}",
    "{{.kind",
    "{{if .kind}}x",
    "{{end}}",
    "{{else}}",
    "{{range .a}}{{else if .b}}{{end}}",
    "{{$x}}",
    "{{.kind | 3}}",
    "{{printf \"%s\" .kind)}}",
    "{{(.kind}}",
    "{{break}}",
    "{{\"unterminated}}",
    "{{.a.b.c.d.e.f.g.h}}",
    "{{.kind}}\n{{if}}\n",
    "{{#}}",
    "{{1 .kind}}",
    "{{\"x\".y}}",
    "{{with $x := .kind}}{{$x}}{{end}}{{$x}}",
    "{{range $i, $e, $f := .spec.list}}{{end}}",
    "{{$x := 1}}{{$x = 2}}{{$x}}",
    "{{$y = 2}}",
    "{{.kind}} {{/* unclosed",
    "{{12345678901234567890123}}",
    "{{3e}}",
]

MISSING_KEY_TEMPLATES = [
    "{{.foo}}",
    "{{.foo.bar}}",
    "{{.spec.nothing.x}}",
    "{{.kind}} {{.metadata.labels.nope}}",
    "{{index .metadata.labels \"nope\"}}",
    "{{range .spec.containers}}{{.nope}}{{end}}",
]


@pytest.fixture(scope="module")
def object_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("templates") / "object.json"
    path.write_text(json.dumps(OBJECT))
    return str(path)


_CACHE: dict[str, dict] = {}


@pytest.fixture
def kubectl_object(runners, object_file) -> dict:
    """The object as kubectl itself serialises it (read once per module)."""
    if object_file not in _CACHE:
        result = runners.kubectl("label", "--local", "-f", object_file, "x=y", "--kubeconfig", OFFLINE_KUBECONFIG,
                                 "-o", "json")
        assert result.exit_code == 0, result.stderr
        _CACHE[object_file] = json.loads(result.stdout)
    return _CACHE[object_file]


def _ours(template: str, data, allow_missing_keys: bool = True) -> tuple[str, str, int]:
    try:
        print_obj = gotemplate.printer(template, allow_missing_keys=allow_missing_keys)
        return print_obj(data), "", 0
    except gotemplate.GoTemplatePrintError as exc:
        return exc.stdout_text, exc.render() + "\n", exc.exit_code
    except KubectlError as exc:
        return "", exc.render() + "\n", exc.exit_code


@pytest.mark.parametrize("template", TEMPLATES)
def test_go_template_matches_kubectl(runners, object_file, kubectl_object, template):
    expected = runners.kubectl("label", "--local", "-f", object_file, "x=y", "--kubeconfig", OFFLINE_KUBECONFIG,
                               "-o", f"go-template={template}")
    assert _ours(template, kubectl_object) == (expected.stdout, expected.stderr, expected.exit_code)


@pytest.mark.parametrize("template", MISSING_KEY_TEMPLATES)
def test_go_template_missing_keys_error_matches_kubectl(runners, object_file, kubectl_object, template):
    expected = runners.kubectl("label", "--local", "-f", object_file, "x=y", "--kubeconfig", OFFLINE_KUBECONFIG,
                               "--allow-missing-template-keys=false", "-o", f"go-template={template}")
    assert _ours(template, kubectl_object, False) == (expected.stdout, expected.stderr, expected.exit_code)
