"""The REAL kubectl (1.32, and 1.29/1.33 for discovery) against the test API server.

Expected outputs are what kubectl prints against a real 1.32 cluster with metrics-server installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import find_real_kubectl, require_real_kubectl

pytestmark = pytest.mark.needs_simulation(reason="it checks the test server's own resources, versions, users and contexts")

API_RESOURCES = """\
NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND
bindings                                         v1                                true         Binding
componentstatuses                   cs           v1                                false        ComponentStatus
configmaps                          cm           v1                                true         ConfigMap
endpoints                           ep           v1                                true         Endpoints
events                              ev           v1                                true         Event
limitranges                         limits       v1                                true         LimitRange
namespaces                          ns           v1                                false        Namespace
nodes                               no           v1                                false        Node
persistentvolumeclaims              pvc          v1                                true         PersistentVolumeClaim
persistentvolumes                   pv           v1                                false        PersistentVolume
pods                                po           v1                                true         Pod
podtemplates                                     v1                                true         PodTemplate
replicationcontrollers              rc           v1                                true         ReplicationController
resourcequotas                      quota        v1                                true         ResourceQuota
secrets                                          v1                                true         Secret
serviceaccounts                     sa           v1                                true         ServiceAccount
services                            svc          v1                                true         Service
mutatingwebhookconfigurations                    admissionregistration.k8s.io/v1   false        MutatingWebhookConfiguration
validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy
validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding
validatingwebhookconfigurations                  admissionregistration.k8s.io/v1   false        ValidatingWebhookConfiguration
customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition
apiservices                                      apiregistration.k8s.io/v1         false        APIService
controllerrevisions                              apps/v1                           true         ControllerRevision
daemonsets                          ds           apps/v1                           true         DaemonSet
deployments                         deploy       apps/v1                           true         Deployment
replicasets                         rs           apps/v1                           true         ReplicaSet
statefulsets                        sts          apps/v1                           true         StatefulSet
selfsubjectreviews                               authentication.k8s.io/v1          false        SelfSubjectReview
tokenreviews                                     authentication.k8s.io/v1          false        TokenReview
localsubjectaccessreviews                        authorization.k8s.io/v1           true         LocalSubjectAccessReview
selfsubjectaccessreviews                         authorization.k8s.io/v1           false        SelfSubjectAccessReview
selfsubjectrulesreviews                          authorization.k8s.io/v1           false        SelfSubjectRulesReview
subjectaccessreviews                             authorization.k8s.io/v1           false        SubjectAccessReview
horizontalpodautoscalers            hpa          autoscaling/v2                    true         HorizontalPodAutoscaler
cronjobs                            cj           batch/v1                          true         CronJob
jobs                                             batch/v1                          true         Job
certificatesigningrequests          csr          certificates.k8s.io/v1            false        CertificateSigningRequest
leases                                           coordination.k8s.io/v1            true         Lease
endpointslices                                   discovery.k8s.io/v1               true         EndpointSlice
events                              ev           events.k8s.io/v1                  true         Event
flowschemas                                      flowcontrol.apiserver.k8s.io/v1   false        FlowSchema
prioritylevelconfigurations                      flowcontrol.apiserver.k8s.io/v1   false        PriorityLevelConfiguration
nodes                                            metrics.k8s.io/v1beta1            false        NodeMetrics
pods                                             metrics.k8s.io/v1beta1            true         PodMetrics
ingressclasses                                   networking.k8s.io/v1              false        IngressClass
ingresses                           ing          networking.k8s.io/v1              true         Ingress
networkpolicies                     netpol       networking.k8s.io/v1              true         NetworkPolicy
runtimeclasses                                   node.k8s.io/v1                    false        RuntimeClass
poddisruptionbudgets                pdb          policy/v1                         true         PodDisruptionBudget
clusterrolebindings                              rbac.authorization.k8s.io/v1      false        ClusterRoleBinding
clusterroles                                     rbac.authorization.k8s.io/v1      false        ClusterRole
rolebindings                                     rbac.authorization.k8s.io/v1      true         RoleBinding
roles                                            rbac.authorization.k8s.io/v1      true         Role
priorityclasses                     pc           scheduling.k8s.io/v1              false        PriorityClass
csidrivers                                       storage.k8s.io/v1                 false        CSIDriver
csinodes                                         storage.k8s.io/v1                 false        CSINode
csistoragecapacities                             storage.k8s.io/v1                 true         CSIStorageCapacity
storageclasses                      sc           storage.k8s.io/v1                 false        StorageClass
volumeattachments                                storage.k8s.io/v1                 false        VolumeAttachment
"""

API_VERSIONS = """\
admissionregistration.k8s.io/v1
apiextensions.k8s.io/v1
apiregistration.k8s.io/v1
apps/v1
authentication.k8s.io/v1
authorization.k8s.io/v1
autoscaling/v1
autoscaling/v2
batch/v1
certificates.k8s.io/v1
coordination.k8s.io/v1
discovery.k8s.io/v1
events.k8s.io/v1
flowcontrol.apiserver.k8s.io/v1
metrics.k8s.io/v1beta1
networking.k8s.io/v1
node.k8s.io/v1
policy/v1
rbac.authorization.k8s.io/v1
scheduling.k8s.io/v1
storage.k8s.io/v1
v1
"""


@pytest.fixture
def kubectl(runners, kubeconfig_file):
    require_real_kubectl()

    def run(*args: str):
        return runners.kubectl("--kubeconfig", str(kubeconfig_file), *args)

    return run


def _other_kubectl(version: str) -> str:
    binary = find_real_kubectl(version)
    if binary is None:
        if os.environ.get("CI") == "true" and shutil.which("kubectl"):
            pytest.fail(f"kubectl.{version} is absent beside the kubectl dispatcher")
        pytest.skip(f"kubectl.{version} is absent")
    return binary


def test_api_resources(kubectl):
    assert tuple(kubectl("api-resources")) == (API_RESOURCES, "", 0)


@pytest.mark.parametrize("version", ["1.29", "1.33"])
def test_api_resources_with_other_kubectl_versions(version, kubeconfig_file, tmp_path: Path):
    # 1.29 asks for aggregated discovery v2beta1 only: served v2 it would fail to find any resource.
    binary = _other_kubectl(version)
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for args, expected in ((["api-resources"], API_RESOURCES), (["get", "--raw", "/version"], None)):
        result = subprocess.run([binary, "--kubeconfig", str(kubeconfig_file), *args], capture_output=True,
                                text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        if expected is not None:
            assert result.stdout == expected


def test_api_resources_cluster_scoped(kubectl):
    out, err, code = kubectl("api-resources", "--namespaced=false")
    rows = out.splitlines()
    assert (err, code) == ("", 0)
    assert rows[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert all(row.split()[-2] == "false" for row in rows[1:])
    assert [row.split()[0] for row in rows[1:4]] == ["componentstatuses", "namespaces", "nodes"]
    assert len(rows) == 1 + sum(1 for line in API_RESOURCES.splitlines()[1:] if " false " in line)


def test_api_resources_wide(kubectl):
    out, err, code = kubectl("api-resources", "-o", "wide")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]
    pods = next(line for line in lines if line.startswith("pods "))
    assert pods.split() == ["pods", "po", "v1", "true", "Pod",
                            "create,delete,deletecollection,get,list,patch,update,watch", "all"]
    namespaces = next(line for line in lines if line.startswith("namespaces "))
    assert namespaces.split()[5] == "create,delete,get,list,patch,update,watch"
    assert (err, code) == ("", 0)
    crds = next(line for line in lines if line.startswith("customresourcedefinitions "))
    assert crds.rstrip().endswith("api-extensions")


def test_api_resources_for_one_group(kubectl):
    expected = "NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND\n" + "".join(
        f"{name:<22}{short:<13}apps/v1      true         {kind}\n" for name, short, kind in (
            ("controllerrevisions", "", "ControllerRevision"), ("daemonsets", "ds", "DaemonSet"),
            ("deployments", "deploy", "Deployment"), ("replicasets", "rs", "ReplicaSet"),
            ("statefulsets", "sts", "StatefulSet")))
    assert tuple(kubectl("api-resources", "--api-group=apps")) == (expected, "", 0)


def test_api_versions(kubectl):
    assert tuple(kubectl("api-versions")) == (API_VERSIONS, "", 0)


def test_version(kubectl):
    out, err, code = kubectl("version")
    assert code == 0, err
    assert out.splitlines()[-1] == "Server Version: v1.32.5"
    assert "WARNING" not in err  # no version-skew warning


def test_explain_pod_containers(kubectl):
    out, err, code = kubectl("explain", "pods.spec.containers")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert lines[:4] == ["KIND:       Pod", "VERSION:    v1", "", "FIELD: containers <[]Container>"]
    assert "  name\t<string> -required-" in lines
    assert "  ports\t<[]ContainerPort>" in lines
    assert "  resources\t<ResourceRequirements>" in lines


def test_explain_follows_refs_and_names_their_types(kubectl):
    out, err, code = kubectl("explain", "deployment.spec.strategy.rollingUpdate")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:5] == ["GROUP:      apps", "KIND:       Deployment", "VERSION:    v1", "",
                         "FIELD: rollingUpdate <RollingUpdateDeployment>"]
    assert "  maxSurge\t<IntOrString>" in lines
    out, err, code = kubectl("explain", "pods.spec.containers.resources")
    assert "  limits\t<map[string]Quantity>" in out.splitlines()


def test_auth_whoami_per_user(kubectl):
    assert tuple(kubectl("auth", "whoami")) == (
        "ATTRIBUTE   VALUE\nUsername    admin\nGroups      [system:masters system:authenticated]\n", "", 0)
    assert tuple(kubectl("--context=cert-admin", "auth", "whoami")) == (
        "ATTRIBUTE   VALUE\nUsername    admin\nGroups      [system:masters system:authenticated]\n", "", 0)
    assert tuple(kubectl("--context=limited", "auth", "whoami")) == (
        "ATTRIBUTE   VALUE\nUsername    limited\nGroups      [system:authenticated]\n", "", 0)


def test_auth_can_i(kubectl):
    assert tuple(kubectl("auth", "can-i", "create", "pods")) == ("yes\n", "", 0)
    assert tuple(kubectl("--context=limited", "auth", "can-i", "create", "pods")) == ("no\n", "", 1)
    assert tuple(kubectl("--context=limited", "auth", "can-i", "list", "deployments.apps")) == ("yes\n", "", 0)
    assert tuple(kubectl("auth", "can-i", "delete", "configmaps", "--as=limited")) == ("no\n", "", 1)
    # kubectl's own warning for a namespaced question about a cluster-scoped resource comes through.
    assert tuple(kubectl("auth", "can-i", "delete", "nodes")) == (
        "yes\n", "Warning: resource 'nodes' is not namespace scoped\n\n", 0)


def test_limited_user_is_forbidden_to_write(kubectl):
    out, err, code = kubectl("--context=limited", "create", "configmap", "x", "--from-literal=a=b")
    assert (out, code) == ("", 1)
    assert err == ('error: failed to create configmap: configmaps is forbidden: User "limited" cannot create '
                   'resource "configmaps" in API group "" in the namespace "default"\n')


def test_bad_token_is_unauthorized(kubectl, runners, kubeconfig_file, tmp_path):
    config = kubeconfig_file.read_text().replace('"admin-token"', '"wrong-token"')
    bad = tmp_path / "bad"
    bad.write_text(config)
    out, err, code = runners.kubectl("--kubeconfig", str(bad), "get", "--raw", "/api")
    assert (out, err, code) == ("", "error: You must be logged in to the server (Unauthorized)\n", 1)


def test_unknown_path_reads_as_not_found(kubectl):
    assert tuple(kubectl("get", "--raw", "/nope")) == (
        "", "Error from server (NotFound): the server could not find the requested resource\n", 1)


@pytest.mark.parametrize("minor", ["29", "33"])
def test_dispatcher_picks_the_kubectl_of_the_reported_minor(minor, tmp_path: Path):
    """The `kubectl` on PATH asks /version first and runs kubectl.1.<minor>; discovery must suit that one."""
    from pykubectl.testing.app import ServerState
    from pykubectl.testing.handlers.discovery import VERSION_INFO
    from pykubectl.testing.threaded import FakeApiServer

    dispatcher = shutil.which("kubectl")
    _other_kubectl(f"1.{minor}")
    state = ServerState(version_info={**VERSION_INFO, "minor": minor, "gitVersion": f"v1.{minor}.5"})
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    with FakeApiServer(state=state) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        version = subprocess.run([dispatcher, "--kubeconfig", str(kubeconfig), "version"], capture_output=True,
                                 text=True, env=env, timeout=60)
        resources = subprocess.run([dispatcher, "--kubeconfig", str(kubeconfig), "api-resources"],
                                   capture_output=True, text=True, env=env, timeout=60)
    assert version.stdout.startswith(f"Client Version: v1.{minor}.")
    assert version.stdout.splitlines()[-1] == f"Server Version: v1.{minor}.5"
    assert (resources.stdout, resources.returncode) == (API_RESOURCES, 0), resources.stderr


CRD_MANIFEST = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: The cron spec.
            properties:
              cronSpec: {type: string}
"""


def test_created_crd_is_discovered_and_explained_at_once(kubectl, runners, tmp_path):
    manifest = tmp_path / "crd.yaml"
    manifest.write_text(CRD_MANIFEST)
    assert tuple(kubectl("create", "-f", str(manifest))) == (
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n", "", 0)
    assert tuple(kubectl("api-resources", "--api-group=stable.example.com")) == (
        "NAME       SHORTNAMES   APIVERSION              NAMESPACED   KIND\n"
        "crontabs   ct           stable.example.com/v1   true         CronTab\n", "", 0)
    out, err, code = kubectl("explain", "ct.spec")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:5] == ["GROUP:      stable.example.com", "KIND:       CronTab", "VERSION:    v1", "",
                         "FIELD: spec <Object>"]
    assert "    The cron spec." in lines
    assert "  cronSpec\t<string>" in lines
