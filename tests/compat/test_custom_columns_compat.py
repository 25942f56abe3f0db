"""kubectl's custom-columns printer and --sort-by against ours, on objects in the test API server.

The real kubectl creates the objects and prints them; we run our printers over the List that
`kubectl get -o json` returns for the same objects and compare stdout, stderr and exit code.
"""

from __future__ import annotations

import json
import re

import pytest

from pykubectl.errors import KubectlError, PrintErrorWithOutput
from pykubectl.printing import custom_columns, sorting

pytestmark = pytest.mark.usefixtures("kube_apiserver")

SIZES = ["500Mi", "1Gi", "2", "10", "9", None, "abc", "1.5", "100m", "Abc", "2Gi", None, "9", "1e3", "zz", "0.5Gi"]
TIERS = ["a", "b", "a", "c", "b", "a", None, "c", "a", "b", "a", "c", "b", "a", "a", "b"]


def _configmaps() -> str:
    items = []
    for i, (size, tier) in enumerate(zip(SIZES, TIERS, strict=True)):
        meta = {"name": f"cm-{i:02d}", "labels": {"idx": str(i)}}
        if tier:
            meta["labels"]["tier"] = tier
        if i % 3 == 0:
            meta["annotations"] = {"note": f"n\x1b[31m{i}\r", "multi": "a,b"}
        data = {"idx": str(i), "esc": "x"}
        if size:
            data["size"] = size
        items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data})
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def _deployments() -> str:
    replicas = [3, 1, 2, 3, 0, 5, 1, 2, 3, 1, 4, 2, 3, 1]
    items = []
    for i, count in enumerate(replicas):
        items.append({"apiVersion": "apps/v1", "kind": "Deployment",
                      "metadata": {"name": f"d-{i:02d}", "labels": {"app": "x"}},
                      "spec": {"replicas": count, "selector": {"matchLabels": {"app": "x"}},
                               "template": {"metadata": {"labels": {"app": "x"}},
                                            "spec": {"containers": [{"name": "c", "image": f"img:{i % 4}"}]}}}})
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


@pytest.fixture
def cluster(runners, kubeconfig_file):
    env = {"KUBECONFIG": str(kubeconfig_file)}
    for manifest in (_configmaps(), _deployments()):
        created = runners.kubectl("create", "--validate=false", "-f", "-", env=env, stdin=manifest)
        assert created.exit_code == 0, created.stderr
    return env


def _get_list(runners, env, resource: str) -> dict:
    result = runners.kubectl("get", resource, "-o", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _ours_columns(spec: str, obj, no_headers: bool = False, sort_by: str | None = None):
    try:
        print_obj = custom_columns.printer(spec, no_headers=no_headers)
        if sort_by is not None:
            obj = {**obj, "items": sorting.sort_objects(obj["items"], sort_by)}
        return print_obj(obj), "", 0
    except PrintErrorWithOutput as exc:
        return exc.stdout_text, exc.render() + "\n", exc.exit_code
    except KubectlError as exc:
        return "", exc.render() + "\n", exc.exit_code


COLUMN_SPECS = [
    "NAME:.metadata.name",
    "NAME:metadata.name,SIZE:.data.size",
    "NAME:{.metadata.name},TIER:{metadata.labels.tier}",
    "N:.metadata.name,LABELS:.metadata.labels",
    "N:.metadata.name,DATA:.data",
    "N:.metadata.name,NOTE:.metadata.annotations.note",
    "N:.metadata.name,MISSING:.nope.deeper",
    "A VERY LONG HEADER NAME:.metadata.name,X:.kind",
    ":.metadata.name,:.kind",
    "N:.metadata.name,ALL:.data['idx','esc']",
    "N:.metadata.name,RANGE:{.data.idx}",
    "N:.metadata.name,E:",
    "N:.metadata.name,a:b:c",
    "",
    "x",
    "N:.metadata.name,x",
    "A:{.data.a",
    "A:.data[",
    "A:.data.x[5]",
    "A:{.items}}",
    "A:{.data[?(@.x==1)]}",
    "N:.metadata.name,IDX:.metadata.labels.idx",
]


def test_custom_columns_match_kubectl(runners, cluster):
    configmaps = _get_list(runners, cluster, "configmaps")
    mismatches = []
    for spec in COLUMN_SPECS:
        expected = runners.kubectl("get", "configmaps", "-o", f"custom-columns={spec}", env=cluster)
        ours = _ours_columns(spec, configmaps)
        if ours != tuple(expected):
            mismatches.append((spec, ours, tuple(expected)))
    assert not mismatches


def test_custom_columns_no_headers_and_file_match_kubectl(runners, cluster, tmp_path):
    deployments = _get_list(runners, cluster, "deployments")
    spec = "NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGES:.spec.template.spec.containers[*].image"
    expected = runners.kubectl("get", "deployments", "--no-headers", "-o", f"custom-columns={spec}", env=cluster)
    assert _ours_columns(spec, deployments, no_headers=True) == tuple(expected)

    template = tmp_path / "columns.txt"
    template.write_text("NAME   REPLICAS  IMAGE\n.metadata.name  {.spec.replicas} spec.template.spec.containers[0].image\n")
    expected = runners.kubectl("get", "deployments", "-o", f"custom-columns-file={template}", env=cluster)
    printer = custom_columns.printer(template_text=template.read_text())
    assert (printer(deployments), "", 0) == tuple(expected)


_KLOG_HEADER = re.compile(r"^F\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ ", re.MULTILINE)
SORT_FIELDS = [".metadata.name", ".data.size", "{.metadata.labels.tier}", "metadata.labels.idx", ".data.idx",
               ".nope", ".data", "{.data.size", ".data[", ".metadata.annotations.note"]


def test_sort_by_matches_kubectl(runners, cluster):
    configmaps = _get_list(runners, cluster, "configmaps")
    spec = "NAME:.metadata.name,SIZE:.data.size,TIER:.metadata.labels.tier"
    mismatches = []
    for field in SORT_FIELDS:
        expected = runners.kubectl("get", "configmaps", f"--sort-by={field}", "-o", f"custom-columns={spec}",
                                   env=cluster)
        ours = _ours_columns(spec, configmaps, sort_by=field)
        expected = (expected.stdout, _KLOG_HEADER.sub("F<time> <pid> ", expected.stderr), expected.exit_code)
        ours = (ours[0], _KLOG_HEADER.sub("F<time> <pid> ", ours[1]), ours[2])
        if ours != expected:
            mismatches.append((field, ours, tuple(expected)))
    assert not mismatches


@pytest.mark.parametrize("field", [".spec.replicas", ".spec.template.spec.containers[0].image", ".metadata.labels.app"])
def test_sort_by_with_ties_matches_kubectl(runners, cluster, field):
    # 14 objects: more than insertion sort's 12, so Go's pdqsort decides the order of equal keys.
    deployments = _get_list(runners, cluster, "deployments")
    expected = runners.kubectl("get", "deployments", f"--sort-by={field}", "-o", "name", env=cluster)
    ours = "".join(f"deployment.apps/{d['metadata']['name']}\n" for d in sorting.sort_objects(deployments["items"], field))
    assert ours == expected.stdout
