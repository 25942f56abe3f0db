"""-o json, -o yaml, -o name and table alignment, compared with the real kubectl without a server.

kubectl prints its own objects; we feed its `-o json` output to our printers and expect the exact
bytes it printed for `-o yaml` (or `-o json` again). Sources: `label --local -f` (unstructured,
sorted keys), `config view` (typed, struct order) and `create configmap --dry-run=client`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pykubectl.errors import KubectlError
from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
from pykubectl.printing.structured import to_json, to_name, to_yaml
from pykubectl.printing.tabwriter import format_rows

FIXTURES = Path(__file__).parent.parent / "fixtures" / "printing"
OFFLINE = str(FIXTURES / "offline-kubeconfig.yaml")
RICH = str(FIXTURES / "rich-kubeconfig.yaml")
OBJECTS = [str(FIXTURES / "tricky-object.json"), str(FIXTURES / "deployment.json")]

TRICKY_STRINGS = [
    "1", "true", "yes", "on", "null", "~", "", " lead", "trail ", "a: b", "a:b", "#c", "a #b", "0x1F", "1e3",
    "0o17", "0b101", "1_000", "08", "+1", "-", "- a", "? x", "2025-05-15T09:12:10Z", "2025-05-15", "2025-02-30",
    "1:20", ".5", "...", "--- x", "@x", "`x", "%x", "!x", "&a", "*a", "|", ">", "'", '"', "a'b", "[x]", "{x}",
    "x,y", "<<", "Y", "n", "Off", ".inf", "-.Inf", ".NaN", "nan", "1.", "1.5.6", "00", "tab\there", "ü日本",
    "\U0001F600 emoji", "a\nb", "a\nb\n", "a\nb\n\n", "\nlead", " lead\nx", "trail \nx", "a\r\nb", "\ufeffbom",
    "x" * 90 + " " + "y" * 10, ("word " * 40).strip(), "it's a 'quoted' " + "long " * 20 + "value",
    "line1\n" + "folded " * 20 + "\n indented", "<a&b>", "\\back\\slash",
]


@pytest.mark.parametrize("path", OBJECTS, ids=["tricky", "deployment"])
def test_unstructured_json_and_yaml_match_kubectl(runners, path):
    as_json = runners.kubectl("label", "--local", "-f", path, "x=y", "--kubeconfig", OFFLINE, "-o", "json")
    as_yaml = runners.kubectl("label", "--local", "-f", path, "x=y", "--kubeconfig", OFFLINE, "-o", "yaml")
    data = json.loads(as_json.stdout)
    assert to_json(data, sort_keys=True) == as_json.stdout
    assert to_yaml(data) == as_yaml.stdout


def test_configmap_literal_quoting_matches_kubectl(runners):
    args = [f"--from-literal=k{i:03d}={value}" for i, value in enumerate(TRICKY_STRINGS)]
    base = ["create", "configmap", "tricky", *args, "--dry-run=client"]
    as_json = runners.kubectl(*base, "-o", "json")
    as_yaml = runners.kubectl(*base, "-o", "yaml")
    assert as_json.exit_code == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert to_json(data) == as_json.stdout  # typed object: struct order, kept as given
    assert to_yaml(data) == as_yaml.stdout
    assert runners.kubectl(*base, "-o", "name").stdout == to_name(data) == "configmap/tricky\n"


@pytest.mark.parametrize("raw", [False, True], ids=["redacted", "raw"])
def test_config_view_json_and_yaml_match_kubectl(runners, raw):
    extra = ["--raw"] if raw else []
    as_json = runners.kubectl("config", "view", "--kubeconfig", RICH, "-o", "json", *extra)
    as_yaml = runners.kubectl("config", "view", "--kubeconfig", RICH, "-o", "yaml", *extra)
    data = json.loads(as_json.stdout)
    assert to_json(data) == as_json.stdout
    assert to_yaml(data) == as_yaml.stdout


def test_yaml_control_characters_fail_like_kubectl(runners, tmp_path):
    path = tmp_path / "del.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                                "data": {"k": "a\x7fb"}}))
    expected = runners.kubectl("label", "--local", "-f", str(path), "x=y", "--kubeconfig", OFFLINE, "-o", "yaml")
    data = json.loads(runners.kubectl("label", "--local", "-f", str(path), "x=y", "--kubeconfig", OFFLINE,
                                      "-o", "json").stdout)
    with pytest.raises(KubectlError) as caught:
        to_yaml(data)
    assert (expected.stdout, expected.exit_code) == ("", 1)
    assert caught.value.render() + "\n" == expected.stderr


@pytest.mark.parametrize("kind_args", [["configmap", "c", "--from-literal=a=b"],
                                       ["deployment", "web", "--image=nginx"],
                                       ["namespace", "ns1"],
                                       ["secret", "generic", "s", "--from-literal=a=b"],
                                       ["priorityclass", "high", "--value=1000"]])
def test_name_printer_matches_kubectl(runners, kind_args):
    base = ["create", *kind_args, "--dry-run=client"]
    data = json.loads(runners.kubectl(*base, "-o", "json").stdout)
    assert to_name(data) == runners.kubectl(*base, "-o", "name").stdout


@pytest.mark.parametrize("output", ["xml", "wide", "custom-columns=A:.kind", "jsonpath", "jsonpath=",
                                    "jsonpath-file=/nonexistent/t.txt"])
def test_output_format_errors_match_kubectl(runners, output):
    expected = runners.kubectl("config", "view", "--kubeconfig", RICH, "-o", output)
    with pytest.raises(KubectlError) as caught:
        printer_for(output, allowed=GENERIC_FORMATS)
    assert (expected.stdout, expected.exit_code) == ("", caught.value.exit_code)
    assert caught.value.render() + "\n" == expected.stderr


@pytest.mark.parametrize("output", ["json", "JSON", "yaml", "name", "jsonpath={.kind}",
                                    "jsonpath-as-json={.clusters[*].name}"])
def test_registry_printers_match_kubectl(runners, output):
    data = json.loads(runners.kubectl("config", "view", "--kubeconfig", RICH, "-o", "json").stdout,
                      parse_int=float)
    expected = runners.kubectl("config", "view", "--kubeconfig", RICH, "-o", output)
    assert printer_for(output)(data) == expected.stdout


def test_tabwriter_matches_get_contexts(runners, tmp_path):
    kubeconfig = tmp_path / "contexts.yaml"
    kubeconfig.write_text("""apiVersion: v1
kind: Config
current-context: 日本語コンテキスト
clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
contexts:
- {name: 日本語コンテキスト, context: {cluster: c, user: uuuuuuuuuuuuuuuuuuuu}}
- {name: a, context: {cluster: cluster-with-a-long-name, namespace: ns}}
- {name: bb, context: {}}
- {name: x, context: {cluster: c, user: u, namespace: a-very-long-namespace-name}}
""")
    expected = runners.kubectl("config", "get-contexts", "--kubeconfig", str(kubeconfig))
    rows = [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"],
            ["", "a", "cluster-with-a-long-name", "", "ns"],
            ["", "bb", "", "", ""],
            ["", "x", "c", "u", "a-very-long-namespace-name"],
            ["*", "日本語コンテキスト", "c", "uuuuuuuuuuuuuuuuuuuu", ""]]
    assert format_rows(rows) == expected.stdout
