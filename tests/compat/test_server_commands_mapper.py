"""The RESTMapper resolves TYPE arguments to the URL the real kubectl requests (read from its -v=6 lines)."""

from __future__ import annotations

import io
import re
import time

import pytest

from pykubectl.client.discovery import Discovery
from pykubectl.client.mapper import RestMapper
from pykubectl.client.rest import RestClient
from pykubectl.config.resolve import ConnectionSettings
from pykubectl.errors import KubectlError

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [po, wd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"""

ARGS = ["pods", "po", "pod", "Pods", "POD", "PO", "Pod", "svc", "deploy", "deployments.apps", "deploy.apps",
        "deploy.app", "deploy.v1.apps", "deployment.v1.apps", "Deployment", "Deployment.apps",
        "Deployment.v1.apps", "pods.v1.", "pod.v1", "hpa", "horizontalpodautoscalers.autoscaling", "ev", "events",
        "events.events.k8s.io", "ns", "nodes", "no", "crd", "clusterrolebindings", "ClusterRoleBinding",
        "storageclass.storage", "cs", "wd", "widget", "Widget", "widgets.example.com", "widget.v1.example.com",
        "foo", "foo.bar", "pods.bar", "deploy.v2.apps"]

_GET = re.compile(r"\] GET https://[^/]+(/[^?\s]*)")


@pytest.fixture(scope="module")
def with_crd(kube_apiserver, tmp_path_factory):
    """The server with a CRD whose short name `po` collides with pods (reset before and after)."""
    kube_apiserver.reset()
    kc = kube_apiserver.write_kubeconfig(tmp_path_factory.mktemp("mapper") / "kc")
    from tests.conftest import find_real_kubectl

    binary = find_real_kubectl()
    if binary is None:
        pytest.skip("the real kubectl is absent")
    import subprocess

    home = tmp_path_factory.mktemp("home")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    subprocess.run([binary, "--kubeconfig", str(kc), "apply", "-f", "-"], input=CRD, text=True, env=env,
                   check=True, capture_output=True)
    time.sleep(0.2)
    yield kc
    kube_apiserver.reset()


def our_mapper(kube_apiserver, warnings: io.StringIO) -> RestMapper:
    settings = ConnectionSettings(server=kube_apiserver.url, ca_data=kube_apiserver.ca_pem,
                                  token=kube_apiserver.tokens["admin"])
    return RestMapper(Discovery(RestClient(settings), None), warnings=warnings)


@pytest.mark.parametrize("arg", ARGS)
def test_resource_argument_resolves_like_kubectl(runners, kube_apiserver, with_crd, arg):
    theirs = runners.kubectl("--kubeconfig", str(with_crd), "get", arg, "-v=6")
    paths = [m.group(1) for m in _GET.finditer(theirs.stderr) if m.group(1) not in ("/api", "/apis")]
    warnings = io.StringIO()
    mapper = our_mapper(kube_apiserver, warnings)
    try:
        resolved = mapper.resource_for(arg)
    except KubectlError as exc:
        assert not paths, f"kubectl requested {paths}"
        assert f"{exc.render()}\n" in theirs.stderr
        return
    assert paths, theirs.stderr
    assert resolved.collection_path("default") == paths[0]
    their_warnings = [line for line in theirs.stderr.splitlines() if line.startswith("Warning: ")]
    assert warnings.getvalue().splitlines() == their_warnings


def test_category_all_expands_like_kubectl(runners, kube_apiserver, with_crd):
    theirs = runners.kubectl("--kubeconfig", str(with_crd), "get", "all", "-v=6")
    paths = [m.group(1) for m in _GET.finditer(theirs.stderr) if m.group(1) not in ("/api", "/apis")]
    mapper = our_mapper(kube_apiserver, io.StringIO())
    ours = [t.collection_path("default") for t in mapper.expand_category("all")]
    assert ours == paths
    assert mapper.expand_category("nothing-here") is None


def test_kind_for_object_apiversion_and_kind(kube_apiserver, with_crd):
    from pykubectl.errors import NoKindMatch

    mapper = our_mapper(kube_apiserver, io.StringIO())
    assert mapper.kind_for("apps", "v1", "Deployment").collection_path("ns") == "/apis/apps/v1/namespaces/ns/deployments"
    assert mapper.kind_for("", "v1", "Namespace").collection_path("ns") == "/api/v1/namespaces"
    assert mapper.kind_for("example.com", "v1", "Widget").plural == "widgets"
    with pytest.raises(NoKindMatch) as caught:
        mapper.kind_for("apps", "v9", "Deployment")
    assert str(caught.value) == 'no matches for kind "Deployment" in version "apps/v9"'
