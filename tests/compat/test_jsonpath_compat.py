"""kubectl's JSONPath printer against ours, without a server.

The real kubectl renders a template over its own `config view -o json` object (a typed object, which
its printer round-trips through JSON, so every number is a float64) and over `label --local -f`
objects (unstructured: integers stay int64). We render the same template over the same JSON and
compare stdout, stderr and exit code byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pykubectl.errors import KubectlError
from pykubectl.printing.jsonpath import render, render_as_json

FIXTURES = Path(__file__).parent.parent / "fixtures" / "printing"
KUBECONFIG = str(FIXTURES / "rich-kubeconfig.yaml")
DEPLOYMENT = str(FIXTURES / "deployment.json")
# label --local never contacts the server, but kubectl still wants a usable context.
OFFLINE_KUBECONFIG = str(FIXTURES / "offline-kubeconfig.yaml")


def _ours(fn, template, data, allow_missing_keys=True):
    try:
        return fn(template, data, allow_missing_keys), "", 0
    except KubectlError as exc:
        text = exc.render()
        return "", text if text.endswith("\n") else text + "\n", exc.exit_code


# Templates whose output does not depend on Go's random map iteration order.
CONFIG_TEMPLATES = [
    "{.kind}",
    "{.apiVersion}{'\\n'}",
    "{.current-context}",
    "{.clusters[*].name}",
    "{.clusters[0].cluster.server}",
    "{.clusters[-1].name}",
    "{.clusters[1:].name}",
    "{.clusters[0:2].name}",
    "{.clusters[::2].name}",
    "{.clusters[5]}",
    "{.clusters[1:0]}",
    "{.clusters[::0]}",
    "{.clusters[x]}",
    "{.clusters[?(@.name==\"beta\")].cluster.server}",
    "{.clusters[?(@.name!=\"beta\")].name}",
    "{.clusters[?(@.name>\"alpha\")].name}",
    "{.clusters[?(@.name<=\"beta\")].name}",
    "{.clusters[?(@.cluster.insecure-skip-tls-verify)].name}",
    "{.clusters[?(@.cluster.insecure-skip-tls-verify==true)].name}",
    "{.clusters[?(@.name=\"beta\")].name}",
    "{.clusters[?(@.name=~\"b.*\")].name}",
    "{.clusters[0].cluster.extensions[0].extension}",
    "{.clusters[0].cluster.extensions[0].extension.zeta}",
    "{.clusters[0].cluster.extensions[0].extension.ratio}",
    "{.clusters[0].cluster.extensions[0].extension.tiny}",
    "{.clusters[0].cluster.extensions[0].extension.nothing}",
    "{.clusters[0].cluster.extensions[0].extension.list}",
    "{.clusters[0].cluster.extensions[0].extension.list[*]}",
    "{.clusters[0].cluster.extensions[0].extension.nested.b[*]}",
    "{.clusters[0].cluster.extensions[0].extension.nested['key\\.with\\.dots']}",
    "{.clusters[0].cluster.extensions[0].extension.nested.key\\.with\\.dots}",
    "{.clusters[0].cluster.extensions[?(@.extension.zeta==1000000)].name}",
    "{.clusters[0].cluster.extensions[?(@.extension.zeta>5)].name}",
    "{.clusters[0].cluster.extensions[?(@.extension.ratio==2.5)].name}",
    "{range .contexts[*]}{.name}{\"\\t\"}{.context.cluster}{\"\\n\"}{end}",
    "{range .users[*]}[{.name}]{end} done",
    "{range .nothing[*]}{.name}{end}after",
    "{.users[?(@.name==\"exec-user\")].user.exec.args}",
    "{.users[2].user.exec.args[-2:]}",
    "{.users[2].user.exec.env[?(@.value==\"\")].name}",
    "{.users[2].user.exec.env[?(@.value)].name}",
    "{.users[2].user.exec.provideClusterInfo}",
    "{.contexts[*]['name','context.namespace']}",
    "{.contexts[2].context.namespace}",
    "{.users[1].user.password}",
    "{.kind.*}",
    "{.preferences}",
    "{@.kind} {$.apiVersion}",
    "{1}{true}{2.5}{-3}",
    "{\"\\x41\\u00e9\"}",
    "text only",
    "{.a.b.c}",
    "{.clusters.name}",
    "{.kind[0]}",
    "{.clusters[0].name.x}",
    "{.a",
    "{#}",
    "{.clusters[}",
    "{.clusters[?(@.name==\"x\"}",
    "{\"open}",
    "{\"\\q\"}",
    "{end}",
    "{foo}",
    "{.clusters[0].cluster.extensions[0].extension.nested..b}",
    "{.clusters[0].cluster.extensions[0].extension..b..b}",
    "{.clusters[?(@.cluster.extensions[0].extension.zeta==\"x\")].name}",
    "{.users[2].user.exec.args[?(@==\"0x1F\")]}",
]

AS_JSON_TEMPLATES = [
    "{.kind}",
    "{.clusters[*].name}",
    "{.clusters[0].cluster.extensions[0].extension.nested}",
    "{range .contexts[*]}{.name}{end}",
    "{.nothing}",
]

UNSTRUCTURED_TEMPLATES = [
    "{.metadata.name}",
    "{.metadata.labels.app\\.kubernetes\\.io/name}",
    "{.metadata.labels['app\\.kubernetes\\.io/name']}",
    "{.metadata.annotations.note}",
    "{.metadata.annotations.json}",
    "{.spec.replicas} {.spec.ratio} {.spec.big} {.spec.paused}",
    "{.spec.template.spec.containers[*].name}",
    "{.spec.template.spec.containers[0].ports[*].containerPort}",
    "{.spec.template.spec.containers[?(@.name==\"app\")].image}",
    "{.spec.template.spec.containers[0].ports[?(@.containerPort==443)]}",
    "{.spec.template.spec.containers[0].ports[?(@.containerPort>100)].containerPort}",
    "{.spec.template.spec.containers[0].ports[?(@.containerPort==443.0)]}",
    "{.spec.template.spec.containers[0].env[?(@.value)].name}",
    "{.spec.template.spec.containers[0].env[?(@.value==\"yes\")].name}",
    "{.spec.template.spec.containers[1].ports}",
    "{.spec.template.spec.containers[1].resources}",
    "{range .spec.template.spec.containers[*]}{.name}{\":\"}{range .ports[*]}{.containerPort},{end}{\"\\n\"}{end}",
    "{.status.conditions[?(@.status==\"False\")].message}",
    "{.status.conditions[*].type}",
    "{.spec.template.spec.containers[0].args}",
    "{.spec.replicas.x}",
    "{.spec.template.spec.containers[0].name[0]}",
]


def _kubectl_json(runners, *args) -> str:
    result = runners.kubectl(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


_CACHE: dict[str, object] = {}


def _cached_json(runners, key: str, *args, parse_int=None):
    if key not in _CACHE:
        _CACHE[key] = json.loads(_kubectl_json(runners, *args), parse_int=parse_int)
    return _CACHE[key]


@pytest.fixture
def config_object(runners):
    # kubectl's JSONPath printer sees a typed object through a JSON round trip: all numbers float64.
    return _cached_json(runners, "config", "config", "view", "--kubeconfig", KUBECONFIG, "-o", "json",
                        parse_int=float)


# --allow-missing-template-keys=false, sampled to keep the suite fast.
STRICT_TEMPLATES = CONFIG_TEMPLATES[::3] + ["{.a.b.c}", "{.clusters.name}", "{range .nothing[*]}{.name}{end}after"]


@pytest.mark.parametrize(("template", "allow_missing"),
                         [(t, True) for t in CONFIG_TEMPLATES] + [(t, False) for t in STRICT_TEMPLATES])
def test_config_view_jsonpath_matches_kubectl(runners, config_object, template, allow_missing):
    expected = runners.kubectl("config", "view", "--kubeconfig", KUBECONFIG, "-o", f"jsonpath={template}",
                               f"--allow-missing-template-keys={str(allow_missing).lower()}")
    assert _ours(render, template, config_object, allow_missing) == tuple(expected)


@pytest.mark.parametrize("template", AS_JSON_TEMPLATES)
def test_config_view_jsonpath_as_json_matches_kubectl(runners, config_object, template):
    expected = runners.kubectl("config", "view", "--kubeconfig", KUBECONFIG, "-o", f"jsonpath-as-json={template}")
    assert _ours(render_as_json, template, config_object) == tuple(expected)


def test_config_view_raw_jsonpath_matches_kubectl(runners):
    template = "{.users[0].user.token}|{.clusters[0].cluster.certificate-authority-data}"
    data = json.loads(_kubectl_json(runners, "config", "view", "--raw", "--kubeconfig", KUBECONFIG, "-o", "json"),
                      parse_int=float)
    expected = runners.kubectl("config", "view", "--raw", "--kubeconfig", KUBECONFIG, "-o", f"jsonpath={template}")
    assert expected.stdout == "s3cr3t-token|REJVTU1Z"
    assert _ours(render, template, data) == tuple(expected)


@pytest.fixture
def deployment_object(runners):
    # unstructured: integers stay int64
    return _cached_json(runners, "deployment", "label", "--local", "-f", DEPLOYMENT, "x=y",
                        "--kubeconfig", OFFLINE_KUBECONFIG, "-o", "json")


@pytest.mark.parametrize("template", UNSTRUCTURED_TEMPLATES)
def test_unstructured_jsonpath_matches_kubectl(runners, deployment_object, template):
    expected = runners.kubectl("label", "--local", "-f", DEPLOYMENT, "x=y", "--kubeconfig", OFFLINE_KUBECONFIG,
                               "-o", f"jsonpath={template}")
    assert _ours(render, template, deployment_object) == tuple(expected)
