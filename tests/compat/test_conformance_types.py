"""Conformance: the REAL kubectl 1.32 gets one object of EVERY built-in type that can be created.

The table headers are the columns of a real 1.32 kube-apiserver (pkg/printers/internalversion/printers.go;
types without a printer get the default NAME/CREATED AT table), without and with `-o wide`. Runs against a
real cluster too (`--kube-real`): names are made unique per test, and rows are matched by name.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.compat.test_conformance import Kube, ages, cells, columns, shared_kube

# Runs under --kube-real too: it asks for kube_apiserver only to tell a real cluster (None) from the test server.
pytestmark = pytest.mark.real_cluster

NAMESPACED = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: conf-cm, labels: {conf: one}}
data: {a: "1"}
---
apiVersion: v1
kind: Endpoints
metadata: {name: conf-ep}
subsets:
- addresses: [{ip: 10.1.2.3}]
  ports: [{port: 8080}]
---
apiVersion: v1
kind: Event
metadata: {name: conf-ev}
involvedObject: {kind: ConfigMap, name: conf-cm, namespace: NS}
reason: Testing
message: hello
type: Normal
---
apiVersion: v1
kind: LimitRange
metadata: {name: conf-lr}
spec:
  limits:
  - type: Container
    default: {cpu: 500m}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: conf-pvc}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: conf-none
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: conf-pod, labels: {conf: one}}
spec:
  containers:
  - {name: c, image: "busybox:1.36", command: [sleep, "3600"]}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: conf-pt}
template:
  metadata: {labels: {app: pt}}
  spec:
    containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: conf-rc}
spec:
  replicas: 0
  selector: {app: rc}
  template:
    metadata: {labels: {app: rc}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: conf-quota}
spec: {hard: {pods: "10"}}
---
apiVersion: v1
kind: Secret
metadata: {name: conf-secret}
type: Opaque
stringData: {a: b}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: conf-sa}
---
apiVersion: v1
kind: Service
metadata: {name: conf-svc}
spec:
  selector: {app: nothing}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: conf-cr}
revision: 1
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: conf-ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      nodeSelector: {conf: nowhere}
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: conf-deploy}
spec:
  replicas: 0
  selector: {matchLabels: {app: deploy}}
  template:
    metadata: {labels: {app: deploy}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: conf-rs}
spec:
  replicas: 0
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: conf-sts}
spec:
  replicas: 0
  serviceName: conf-sts
  selector: {matchLabels: {app: sts}}
  template:
    metadata: {labels: {app: sts}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: conf-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: conf-deploy}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: conf-cj}
spec:
  schedule: "*/5 * * * *"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: conf-job}
spec:
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: conf-lease}
spec: {holderIdentity: conf-holder}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: conf-eps}
addressType: IPv4
endpoints: [{addresses: [10.1.2.3]}]
ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: conf-ing}
spec:
  ingressClassName: conf-none
  rules:
  - host: conf.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: conf-svc, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: conf-netpol}
spec:
  podSelector: {matchLabels: {app: nothing}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: conf-pdb}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: nothing}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: conf-role}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: conf-rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: conf-role}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: conf-csisc}
storageClassName: conf-none
capacity: 1Gi
"""

# Cluster-scoped objects carry the namespace's name (NS) so that runs never collide on a real cluster.
CLUSTER = """\
apiVersion: v1
kind: Node
metadata: {name: NS-node}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: NS-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: conf-none
  hostPath: {path: /tmp/NS}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: NS-mwc}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: NS-vwc}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: NS-vap}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - {expression: "object.spec.replicas <= 50"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: NS-vapb}
spec:
  policyName: NS-vap
  validationActions: [Deny]
  matchResources:
    namespaceSelector: {matchLabels: {conf-never: "true"}}
---
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: NS-csr}
spec:
  request: CSR
  signerName: example.com/conf
  usages: [digital signature]
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {name: NS-plc}
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 1
    limitResponse: {type: Reject}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: NS-fs}
spec:
  priorityLevelConfiguration: {name: NS-plc}
  matchingPrecedence: 9000
  distinguisherMethod: {type: ByUser}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: NS-ic}
spec: {controller: example.com/conf}
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: NS-rtc}
handler: conf
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NS-cr}
rules:
- {apiGroups: [""], resources: [nodes], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: NS-crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: NS-cr}
subjects:
- {kind: Group, name: conf-group, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: NS-pc}
value: 1000
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: NS.csi.example.com}
spec: {attachRequired: false}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: NS-node}
spec: {drivers: []}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: NS-sc}
provisioner: example.com/conf
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: NS-va}
spec:
  attacher: csi.example.com
  nodeName: NS-node
  source: {persistentVolumeName: NS-pv}
"""

CREATED_AT = ["NAME", "CREATED AT"]
TEMPLATE_WIDE = ["CONTAINERS", "IMAGES", "SELECTOR"]

# resource as kubectl prints it in "kind.group/name" → (object name, columns, extra -o wide columns)
NAMESPACED_TABLES = {
    "configmap": ("conf-cm", ["NAME", "DATA", "AGE"], []),
    "endpoints": ("conf-ep", ["NAME", "ENDPOINTS", "AGE"], []),
    "event": ("conf-ev", ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], None),
    "limitrange": ("conf-lr", CREATED_AT, []),
    "persistentvolumeclaim": ("conf-pvc", ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
                                           "VOLUMEATTRIBUTESCLASS", "AGE"], ["VOLUMEMODE"]),
    "pod": ("conf-pod", ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
    "podtemplate": ("conf-pt", ["NAME", "CONTAINERS", "IMAGES", "POD LABELS"], []),
    "replicationcontroller": ("conf-rc", ["NAME", "DESIRED", "CURRENT", "READY", "AGE"], TEMPLATE_WIDE),
    "resourcequota": ("conf-quota", ["NAME", "AGE", "REQUEST", "LIMIT"], []),
    "secret": ("conf-secret", ["NAME", "TYPE", "DATA", "AGE"], []),
    "serviceaccount": ("conf-sa", ["NAME", "SECRETS", "AGE"], []),
    "service": ("conf-svc", ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"]),
    "controllerrevision.apps": ("conf-cr", ["NAME", "CONTROLLER", "REVISION", "AGE"], []),
    "daemonset.apps": ("conf-ds", ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR",
                                   "AGE"], TEMPLATE_WIDE),
    "deployment.apps": ("conf-deploy", ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], TEMPLATE_WIDE),
    "replicaset.apps": ("conf-rs", ["NAME", "DESIRED", "CURRENT", "READY", "AGE"], TEMPLATE_WIDE),
    "statefulset.apps": ("conf-sts", ["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"]),
    "horizontalpodautoscaler.autoscaling": ("conf-hpa", ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS",
                                                         "REPLICAS", "AGE"], []),
    "cronjob.batch": ("conf-cj", ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
                      TEMPLATE_WIDE),
    "job.batch": ("conf-job", ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], TEMPLATE_WIDE),
    "lease.coordination.k8s.io": ("conf-lease", ["NAME", "HOLDER", "AGE"], []),
    "endpointslice.discovery.k8s.io": ("conf-eps", ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], []),
    "ingress.networking.k8s.io": ("conf-ing", ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], []),
    "networkpolicy.networking.k8s.io": ("conf-netpol", ["NAME", "POD-SELECTOR", "AGE"], []),
    "poddisruptionbudget.policy": ("conf-pdb", ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS",
                                                "AGE"], []),
    "role.rbac.authorization.k8s.io": ("conf-role", CREATED_AT, []),
    "rolebinding.rbac.authorization.k8s.io": ("conf-rb", ["NAME", "ROLE", "AGE"],
                                              ["USERS", "GROUPS", "SERVICEACCOUNTS"]),
    "csistoragecapacity.storage.k8s.io": ("conf-csisc", ["NAME", "STORAGECLASSNAME", "CAPACITY"], []),
}
# Events have their own wide layout: the extra columns sit between the others.
EVENT_WIDE = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"]

CLUSTER_TABLES = {
    "node": ("NS-node", ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
             ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
    "persistentvolume": ("NS-pv", ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM",
                                   "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"], ["VOLUMEMODE"]),
    "mutatingwebhookconfiguration.admissionregistration.k8s.io": ("NS-mwc", ["NAME", "WEBHOOKS", "AGE"], []),
    "validatingwebhookconfiguration.admissionregistration.k8s.io": ("NS-vwc", ["NAME", "WEBHOOKS", "AGE"], []),
    "validatingadmissionpolicy.admissionregistration.k8s.io": ("NS-vap", ["NAME", "VALIDATIONS", "PARAMKIND", "AGE"],
                                                               []),
    "validatingadmissionpolicybinding.admissionregistration.k8s.io": ("NS-vapb", ["NAME", "POLICYNAME", "PARAMREF",
                                                                                  "AGE"], []),
    "certificatesigningrequest.certificates.k8s.io": ("NS-csr", ["NAME", "AGE", "SIGNERNAME", "REQUESTOR",
                                                                 "REQUESTEDDURATION", "CONDITION"], []),
    "prioritylevelconfiguration.flowcontrol.apiserver.k8s.io": ("NS-plc", [
        "NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"], []),
    "flowschema.flowcontrol.apiserver.k8s.io": ("NS-fs", ["NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE",
                                                          "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"], []),
    "ingressclass.networking.k8s.io": ("NS-ic", ["NAME", "CONTROLLER", "PARAMETERS", "AGE"], []),
    "runtimeclass.node.k8s.io": ("NS-rtc", ["NAME", "HANDLER", "AGE"], []),
    "clusterrole.rbac.authorization.k8s.io": ("NS-cr", CREATED_AT, []),
    "clusterrolebinding.rbac.authorization.k8s.io": ("NS-crb", ["NAME", "ROLE", "AGE"],
                                                     ["USERS", "GROUPS", "SERVICEACCOUNTS"]),
    "priorityclass.scheduling.k8s.io": ("NS-pc", ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"], []),
    "csidriver.storage.k8s.io": ("NS.csi.example.com", ["NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY",
                                                        "TOKENREQUESTS", "REQUIRESREPUBLISH", "MODES", "AGE"], []),
    "csinode.storage.k8s.io": ("NS-node", ["NAME", "DRIVERS", "AGE"], []),
    "storageclass.storage.k8s.io": ("NS-sc", ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE",
                                              "ALLOWVOLUMEEXPANSION", "AGE"], []),
    "volumeattachment.storage.k8s.io": ("NS-va", ["NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"], []),
}


def _csr_request() -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "conf")])).sign(key, hashes.SHA256())
    return base64.b64encode(csr.public_bytes(serialization.Encoding.PEM)).decode()


def blocks(out: str) -> dict[str, list[list[str]]]:
    """kubectl's multi-type table output → {"kind.group": [header cells, row cells...]}."""
    found: dict[str, list[list[str]]] = {}
    for block in out.strip("\n").split("\n\n"):
        lines = block.splitlines()
        header = columns(lines[0])
        rows = [cells(lines[0], line) for line in lines[1:]]
        if header[0] == "LAST SEEN":  # events name no object in their default columns
            kind = "event"
        else:
            kind = rows[0][header.index("NAME")].split("/")[0]
        found[kind] = [header, *rows]
    return found


def named_row(table: list[list[str]], name: str) -> list[str]:
    header = table[0]
    at = header.index("NAME")
    return next(row for row in table[1:] if row[at].split("/", 1)[-1] == name)


@pytest.fixture(scope="module")
def every_type(request, tmp_path_factory, kube_apiserver):
    """One object of every type, made once for this module's tests (which only read)."""
    for kube in shared_kube(request, tmp_path_factory, kube_apiserver):
        yield _create_every_type(kube)


def _create_every_type(kube: Kube) -> Kube:
    kube.cluster(*(f"{kind}/{name.replace('NS', kube.ns)}" for kind, (name, _, _) in CLUSTER_TABLES.items()))
    out, err, code = kube.n("create", "-f", kube.file("namespaced.yaml", NAMESPACED))
    assert (err, code) == ("", 0)
    assert len(out.splitlines()) == NAMESPACED.count("\nkind: ")
    out, err, code = kube("create", "-f", kube.file("cluster.yaml", CLUSTER.replace("request: CSR",
                                                                                      f"request: {_csr_request()}")))
    assert (err, code) == ("", 0)
    assert len(out.splitlines()) == CLUSTER.count("\nkind: ")
    return kube


def test_every_namespaced_type_has_the_servers_columns(every_type: Kube):
    kube = every_type
    types = ",".join(NAMESPACED_TABLES)
    for wide in (False, True):
        out, err, code = kube.n("get", types, *(["-o", "wide"] if wide else []))
        assert (err, code) == ("", 0)
        found = blocks(out)
        for kind, (name, cols, wide_cols) in NAMESPACED_TABLES.items():
            assert kind in found, f"no {kind} table"
            expected = (EVENT_WIDE if wide_cols is None else cols + wide_cols) if wide else cols
            assert found[kind][0] == expected, kind
            if "NAME" in expected:
                assert named_row(found[kind], name)


def test_every_cluster_scoped_type_has_the_servers_columns(every_type: Kube):
    kube = every_type
    refs = [f"{kind}/{name.replace('NS', kube.ns)}" for kind, (name, _, _) in CLUSTER_TABLES.items()]
    for wide in (False, True):
        out, err, code = kube("get", *refs, *(["-o", "wide"] if wide else []))
        assert (err, code) == ("", 0)
        found = blocks(out)
        for kind, (name, cols, wide_cols) in CLUSTER_TABLES.items():
            assert found[kind][0] == (cols + wide_cols if wide else cols), kind
            assert named_row(found[kind], name.replace("NS", kube.ns))


def test_cells_of_types_whose_rows_do_not_depend_on_controllers(every_type: Kube):
    kube = every_type
    out = ages(kube.ok("get", "cm,secret,ep,lease,netpol,pdb,rolebinding,podtemplate,limits,role,endpointslices,ing,hpa,cj",
                       "-o", "wide"))
    rows = {row[0]: row for block in blocks(out).values() for row in block[1:]}
    assert rows["configmap/conf-cm"][1:] == ["1", "~~"]
    assert rows["secret/conf-secret"][1:] == ["Opaque", "1", "~~"]
    assert rows["endpoints/conf-ep"][1] == "10.1.2.3:8080"
    assert rows["lease.coordination.k8s.io/conf-lease"][1] == "conf-holder"
    assert rows["networkpolicy.networking.k8s.io/conf-netpol"][1] == "app=nothing"
    assert rows["poddisruptionbudget.policy/conf-pdb"][1:3] == ["1", "N/A"]
    assert rows["rolebinding.rbac.authorization.k8s.io/conf-rb"][1] == "Role/conf-role"
    assert rows["rolebinding.rbac.authorization.k8s.io/conf-rb"][3] == "alice"
    assert rows["podtemplate/conf-pt"][1:] == ["c", "busybox:1.36", "app=pt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows["limitrange/conf-lr"][1])
    assert rows["endpointslice.discovery.k8s.io/conf-eps"][1:4] == ["IPv4", "80", "10.1.2.3"]
    assert rows["ingress.networking.k8s.io/conf-ing"][1:3] == ["conf-none", "conf.example.com"]
    assert rows["horizontalpodautoscaler.autoscaling/conf-hpa"][1] == "Deployment/conf-deploy"
    assert rows["horizontalpodautoscaler.autoscaling/conf-hpa"][3:5] == ["1", "3"]
    assert rows["cronjob.batch/conf-cj"][1:6] == ["*/5 * * * *", "<none>", "True", "0", "<none>"]
    assert rows["cronjob.batch/conf-cj"][7:9] == ["c", "busybox:1.36"]
    ns = kube.ns
    out, err, code = kube("get", f"ingressclass/{ns}-ic", f"runtimeclass/{ns}-rtc", f"priorityclass/{ns}-pc",
                          f"storageclass/{ns}-sc", f"csidriver/{ns}.csi.example.com",
                          f"validatingadmissionpolicy/{ns}-vap", f"validatingadmissionpolicybinding/{ns}-vapb",
                          f"mutatingwebhookconfiguration/{ns}-mwc", f"csr/{ns}-csr", f"volumeattachment/{ns}-va",
                          f"clusterrolebinding/{ns}-crb", "-o", "wide")
    assert (err, code) == ("", 0)
    out = ages(out)
    rows = {row[0].split("/", 1)[1]: row for block in blocks(out).values() for row in block[1:]}
    assert rows[f"{ns}-ic"][1:3] == ["example.com/conf", "<none>"]
    assert rows[f"{ns}-rtc"][1] == "conf"
    assert rows[f"{ns}-pc"][1:3] == ["1000", "false"] and rows[f"{ns}-pc"][-1] == "PreemptLowerPriority"
    assert rows[f"{ns}-sc"][1:5] == ["example.com/conf", "Delete", "Immediate", "false"]
    assert rows[f"{ns}.csi.example.com"][1:7] == ["false", "false", "false", "<unset>", "false", "Persistent"]
    assert rows[f"{ns}-vap"][1:3] == ["1", "<unset>"]
    assert rows[f"{ns}-vapb"][1:3] == [f"{ns}-vap", "<unset>"]
    assert rows[f"{ns}-mwc"][1] == "0"
    assert rows[f"{ns}-csr"][2] == "example.com/conf" and rows[f"{ns}-csr"][4:] == ["<none>", "Pending"]
    assert rows[f"{ns}-va"][1:5] == ["csi.example.com", f"{ns}-pv", f"{ns}-node", "false"]
    assert rows[f"{ns}-crb"][1] == f"ClusterRole/{ns}-cr" and rows[f"{ns}-crb"][3:] == ["", "conf-group", ""]


def test_every_type_as_yaml_json_and_name(every_type: Kube):
    kube = every_type
    types = ",".join(NAMESPACED_TABLES)
    listed = json.loads(kube.ok("get", types, "-o", "json"))
    assert (listed["kind"], listed["apiVersion"]) == ("List", "v1")
    kinds = {(item["apiVersion"], item["kind"]) for item in listed["items"] if item["metadata"]["name"].startswith(
        "conf-")}
    assert ("apps/v1", "Deployment") in kinds and ("storage.k8s.io/v1", "CSIStorageCapacity") in kinds
    assert len(kinds) == len(NAMESPACED_TABLES)
    names = kube.ok("get", types, "-o", "name").splitlines()
    for kind, (name, _, _) in NAMESPACED_TABLES.items():
        assert f"{kind}/{name}" in names
    out = kube.ok("get", "deploy", "conf-deploy", "-o", "yaml")
    assert out.startswith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n")
    assert "  strategy:\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 25%\n    type: RollingUpdate\n" \
        in out
    assert "  revisionHistoryLimit: 10\n  selector:\n    matchLabels:\n      app: deploy\n" in out
    svc = json.loads(kube.ok("get", "svc", "conf-svc", "-o", "json"))
    assert svc["spec"]["type"] == "ClusterIP" and svc["spec"]["clusterIP"] == svc["spec"]["clusterIPs"][0]
    assert svc["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 8080}]


def test_all_namespaces_labels_fields_and_sorting(every_type: Kube):
    kube = every_type
    out, err, code = kube("get", "pods,cm", "-A", "-l", "conf=one", "--show-labels")
    assert (err, code) == ("", 0)
    found = blocks(out)
    assert found["pod"][0] == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"]
    assert [row[1] for row in found["pod"][1:]] == ["pod/conf-pod"]
    assert found["pod"][1][0] == kube.ns and found["pod"][1][-1] == "conf=one"
    assert found["configmap"][0] == ["NAMESPACE", "NAME", "DATA", "AGE", "LABELS"]
    out = kube.ok("get", "pods", "--field-selector", "status.phase!=Failed,metadata.name=conf-pod", "-o", "name")
    assert out == "pod/conf-pod\n"
    assert kube.n("get", "pods", "--field-selector", "spec.nodeName=nowhere") == (
        "", f"No resources found in {kube.ns} namespace.\n", 0)
    assert kube.n("get", "pods", "--field-selector", "spec.bogus=x") == (
        "", 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", '
            'field selector "spec.bogus=x": field label not supported: spec.bogus\n', 1)
    # With --sort-by, objects of several types are sorted together.
    out = kube.ok("get", "sts,pdb,deploy", "--sort-by", ".metadata.name", "-o", "name")
    assert out.splitlines() == ["deployment.apps/conf-deploy", "poddisruptionbudget.policy/conf-pdb",
                                "statefulset.apps/conf-sts"]
    out = kube.ok("get", "cm,secret,sa", "-l", "conf", "-o", "name")
    assert out == "configmap/conf-cm\n"


@pytest.mark.needs_simulation  # a made-up APIService would disturb discovery on a real cluster
def test_api_service_table(every_type: Kube):
    kube = every_type
    name = f"v1.{kube.ns}.example.com"
    manifest = kube.file("apiservice.yaml", f"""\
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {{name: {name}}}
spec: {{group: {kube.ns}.example.com, version: v1, groupPriorityMinimum: 1000, versionPriority: 15}}
""")
    assert kube("create", "-f", manifest) == (f"apiservice.apiregistration.k8s.io/{name} created\n", "", 0)
    out, err, code = kube("get", "apiservice", name)
    assert (err, code) == ("", 0)
    lines = ages(out).splitlines()
    assert columns(lines[0]) == ["NAME", "SERVICE", "AVAILABLE", "AGE"]
    assert columns(lines[1])[:3] == [name, "Local", "True"]
    assert kube("delete", "-f", manifest) == (f'apiservice.apiregistration.k8s.io "{name}" deleted\n', "", 0)
