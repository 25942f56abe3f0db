"""`explain`: the real kubectl 1.32 and pykubectl against the same test API server, byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import Result, strip_klog

CRD_MANIFEST = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.shop.example.com
spec:
  group: shop.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a thing the shop sells. It has a size, a colour and a list of parts, and it can be
          tagged with labels that the shop's catalogue uses to group widgets of the same kind together on a page.
        required: [spec]
        properties:
          spec:
            type: object
            description: The widget's specification.
            required: [size]
            properties:
              size: {type: integer, description: "Size in millimetres.", enum: [1, 2, 1000000, 25]}
              colour:
                type: string
                description: The colour.
                enum: ["", red, green, blue, yellow, black]
              ratio: {type: number, enum: [0.5, 1.25]}
              enabled: {type: boolean}
              tags:
                type: object
                additionalProperties: {type: string}
              parts:
                type: array
                description: Parts the widget is built from.
                items:
                  type: object
                  properties:
                    name: {type: string, description: Part name.}
                    count: {type: integer, format: int32}
              anything: {x-kubernetes-int-or-string: true, description: Either one.}
              blob: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status:
            type: object
            properties:
              phase: {type: string, enum: [Pending, Ready]}
"""


@pytest.fixture
def env(kubeconfig_file):
    return {"KUBECONFIG": str(kubeconfig_file)}


BUILTIN_ARGS = [
    ("pods",),
    ("pods.spec",),
    ("pods.spec.containers",),
    ("po.spec.containers.resources",),
    ("deployments.spec.strategy",),
    ("deployments.apps.spec.replicas",),
    ("deployments", "--api-version=apps/v1"),
    ("svc.spec.type",),
    ("pods.metadata.labels",),
    ("cm.data",),
    ("nodes.status.conditions",),
    ("ingresses.spec.rules",),
    ("hpa.spec.metrics",),
    ("cronjobs.spec.jobTemplate.spec.template.spec.containers.ports.protocol",),
    ("crd.spec.versions.schema",),
    ("events.events.k8s.io",),
    ("pods..spec",),
    ("deployments.spec.strategy", "--recursive"),
    ("statefulsets.spec.template.spec", "--recursive"),
    ("namespaces", "--recursive=true"),
    ("pods.spec", "-o", "plaintext"),
    ("roles.rules",),
    ("pv.spec.csi",),
    ("Pod.spec",),
    ("deployments.v1.apps.spec",),
    ("hpa.spec", "--api-version=autoscaling/v1"),
    ("cs",),
    ("pods.spec.x\\.y",),
]


@pytest.mark.parametrize("args", BUILTIN_ARGS, ids=lambda a: " ".join(a))
def test_explain_builtin(runners, env, args):
    runners.assert_same("explain", *args, env=env)


ERROR_ARGS = [
    (),
    ("pods", "nodes"),
    ("pods.foo",),
    ("pods.spec.containers.nope",),
    ("foo",),
    ("foo.spec",),
    ("deployment.apps",),
    ("pods.spec.containers[0]",),
    ("pods.*",),
    ("pods", "--api-version=apps/v1"),
    ("pods", "--api-version=v2"),
    ("deploy", "--api-version=v1"),
    ("deploy", "--api-version=a/b/c"),
    ("deploy", "-o", "foo"),
    ("pods", "--api-version=apps/v1", "-o", "foo"),
    ("deploy", "-o", "plaintext-openapiv2"),
    ("--context", "nope"),
    ("pods", "--context", "nope"),
    ("pods", "--user", "nope"),
]


@pytest.mark.parametrize("args", ERROR_ARGS, ids=lambda a: " ".join(a) or "no-args")
def test_explain_errors(runners, env, args):
    result = runners.assert_same("explain", *args, env=env)
    assert result.exit_code == 1


@pytest.mark.parametrize("args", [("--token", "wrong"), ("--server", "https://127.0.0.1:1")], ids=" ".join)
def test_explain_connection_errors(runners, env, args):
    """kubectl also logs discovery failures as klog lines (timestamped, so dropped); the rest is compared."""
    def without_klog(result: Result) -> Result:
        return Result(result.stdout, strip_klog(result.stderr), result.exit_code)

    assert runners.assert_same("explain", "pods", *args, env=env, normalise=without_klog).exit_code == 1


def test_explain_help(runners):
    runners.assert_same("explain", "--help")


CRD_ARGS = [
    ("widgets",),
    ("wd.spec",),
    ("widgets.spec.size",),
    ("widgets.spec.colour",),
    ("widgets.spec.ratio",),
    ("widgets.spec.tags",),
    ("widgets.spec.parts",),
    ("widgets.spec.parts.count",),
    ("widgets.spec.anything",),
    ("widgets.spec.blob",),
    ("widgets.status.phase",),
    ("widgets", "--recursive"),
    ("widgets.shop.example.com.spec",),
    ("widgets.spec", "--api-version=shop.example.com/v1beta1"),
    ("widgets.spec.missing",),
    ("widgets", "--api-version=shop.example.com/v2"),
]


@pytest.mark.needs_simulation(reason="leaves the cluster-scoped CRD widgets.shop.example.com behind")
def test_explain_crd(runners, env, tmp_path):
    manifest = tmp_path / "crd.yaml"
    manifest.write_text(CRD_MANIFEST)
    created = runners.kubectl("create", "-f", str(manifest), env=env)
    assert created.exit_code == 0, created.stderr
    for args in CRD_ARGS:
        runners.assert_same("explain", *args, env=env)
