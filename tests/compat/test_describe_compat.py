"""`describe` against the REAL kubectl 1.32 on the test API server: same stdout, stderr and exit code.

One server state is built once per module (with the real kubectl and direct event creation); each test
describes one target. Only event ages could tick between the two runs, so they are normalised.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.conftest import Result, _isolated_env, require_real_kubectl

pytestmark = pytest.mark.needs_simulation

MANIFESTS = """\
apiVersion: v1
kind: Namespace
metadata: {name: team, labels: {owner: ops}, annotations: {note: "a short note"}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: team}
spec:
  hard: {pods: "10", requests.cpu: "2", requests.memory: 2Gi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: besteffort, namespace: team}
spec:
  hard: {pods: "3"}
  scopes: [BestEffort]
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: team}
spec:
  limits:
  - type: Container
    default: {cpu: 500m}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {app: web, tier: fe}}
data: {color: blue}
binaryData: {blob: AAEC}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: long-notes
  annotations:
    short: x
    long: "LONG_VALUE"
    multi: "line one\\nline two\\n"
data: {}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
type: Opaque
data: {password: c2VjcmV0LXZhbHVl}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
secrets: [{name: creds}, {name: gone}]
imagePullSecrets: [{name: pull}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 30%}}
  template:
    metadata: {labels: {app: web}, annotations: {team: blue}}
    spec:
      serviceAccountName: builder
      initContainers: [{name: init, image: busybox, command: [sh, -c, "echo a\\necho b"]}]
      containers:
      - name: nginx
        image: nginx:1.25
        args: [--port, "80"]
        ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]
        env:
        - {name: PLAIN, value: "one\\ntwo"}
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
        - {name: KEY, valueFrom: {secretKeyRef: {name: creds, key: password, optional: true}}}
        - {name: CFG, valueFrom: {configMapKeyRef: {name: settings, key: color}}}
        envFrom: [{configMapRef: {name: settings}}, {prefix: S_, secretRef: {name: creds}}]
        resources: {limits: {cpu: "1", memory: 512Mi}, requests: {cpu: 250m, memory: 0.5Gi}}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 5}
        startupProbe: {exec: {command: [cat, /tmp/ready]}}
        volumeMounts:
        - {name: cfg, mountPath: /etc/cfg, readOnly: true}
        - {name: tmp, mountPath: /tmp, subPath: sub}
      volumes:
      - {name: cfg, configMap: {name: settings}}
      - {name: tmp, emptyDir: {sizeLimit: 1Gi}}
      - {name: host, hostPath: {path: /var/log, type: Directory}}
      - {name: sec, secret: {secretName: creds, optional: true}}
      - {name: claim, persistentVolumeClaim: {claimName: data}}
      - {name: down, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
      nodeSelector: {disk: ssd}
      tolerations:
      - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: loose, labels: {app: loose}}
spec:
  replicas: 3
  selector:
    matchLabels: {app: loose}
    matchExpressions: [{key: tier, operator: In, values: [b, a]}, {key: legacy, operator: DoesNotExist}]
  template:
    metadata: {labels: {app: loose, tier: a}}
    spec:
      containers: [{name: c, image: nginx}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: pg, image: postgres, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data, labels: {tier: db}}
    spec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      tolerations: [{operator: Exists}]
      containers: [{name: agent, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 2
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 100
  completionMode: Indexed
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [echo, hi]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  concurrencyPolicy: Forbid
  suspend: true
  startingDeadlineSeconds: 30
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox, command: [sleep, "10"]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: {app: solo}
  annotations: {kubectl.kubernetes.io/last-applied-configuration: hidden}
spec:
  priority: 5
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
    resources: {limits: {cpu: 100m, memory: 64Mi}}
  tolerations: []
---
apiVersion: v1
kind: Service
metadata: {name: websvc, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: https}]
---
apiVersion: v1
kind: Service
metadata: {name: edge}
spec:
  type: NodePort
  selector: {app: web}
  externalIPs: [192.0.2.10]
  sessionAffinity: ClientIP
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: outside}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: v1
kind: Endpoints
metadata: {name: websvc}
subsets:
- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
  notReadyAddresses: [{ip: 10.0.0.9}]
  ports: [{name: http, port: 8080, protocol: TCP}]
- addresses: [{ip: 10.0.1.1}]
  ports: [{port: 9090, protocol: UDP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: websvc-abc, labels: {kubernetes.io/service-name: websvc}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- {addresses: [10.0.0.1], conditions: {ready: true}}
- {addresses: [10.0.0.2]}
- {addresses: [10.0.0.3]}
- {addresses: [10.0.0.4]}
- {addresses: [10.0.0.9], conditions: {ready: false}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: front, annotations: {rewrite: "true"}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example.com], secretName: tls-a}, {hosts: [b.example.com]}]
  defaultBackend: {service: {name: websvc, port: {number: 80}}}
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: websvc, port: {name: http}}}}
      - {path: /x, pathType: Exact, backend: {service: {name: missing, port: {number: 1}}}}
  - http:
      paths:
      - {path: /r, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: b1}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: plain}
spec:
  defaultBackend: {service: {name: edge, port: {number: 80}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list]
- apiGroups: [apps]
  resources: [deployments]
  resourceNames: [web]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: builder, namespace: default}
roleRef: {kind: Role, name: reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-viewer}
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch]
- nonResourceURLs: [/healthz, /metrics]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: view-nodes}
subjects: [{kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: node-viewer, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-local, labels: {type: local}}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: fast
  hostPath: {path: /mnt/data}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-nfs}
spec:
  capacity: {storage: 1Ti}
  accessModes: [ReadWriteMany, ReadOnlyMany]
  nfs: {server: nfs.example.com, path: /exports}
  mountOptions: [hard]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources: {requests: {storage: 1Gi}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/fast
parameters: {type: ssd}
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
  - type: Pods
    pods:
      metric: {name: packets}
      target: {type: AverageValue, averageValue: 1k}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      selectPolicy: Max
      policies: [{type: Pods, value: 4, periodSeconds: 60}, {type: Percent, value: 10, periodSeconds: 60}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
description: important things
preemptionPolicy: Never
""".replace("LONG_VALUE", "x" * 150)

WIDGET = """\
apiVersion: example.com/v1
kind: Widget
metadata: {name: gizmo, labels: {size: big}}
spec:
  replicas: 3
  ratio: 0.5
  enabled: true
  hostIPs: [10.0.0.1, 10.0.0.2]
  ports: [{name: http, containerPort: 80}]
  nested: {apiURL: "https://example.com", guidValue: abc, empty: {}}
status: {phase: Ready}
"""

EVENTS = [
    # (kind, name, namespace, fields)
    ("ConfigMap", "settings", "default", {"reason": "Updated", "message": "config changed  ", "type": "Normal",
                                          "source": {"component": "tester"}, "count": 3,
                                          "firstTimestamp": "2021-01-01T00:00:00Z",
                                          "lastTimestamp": "2021-03-01T00:00:00Z"}),
    ("ConfigMap", "settings", "default", {"reason": "Odd", "message": "second", "type": "Warning",
                                          "reportingComponent": "ctrl", "reportingInstance": "ctrl-1",
                                          "action": "Do", "eventTime": "2020-01-01T00:00:00.000000Z",
                                          "series": {"count": 4, "lastObservedTime": "2020-06-01T00:00:00.000000Z"}}),
    ("Pod", "solo", "default", {"reason": "Scheduled", "message": "Successfully assigned default/solo",
                                "type": "Normal", "source": {"component": "default-scheduler"},
                                "firstTimestamp": "2022-05-05T05:05:05Z", "lastTimestamp": "2022-05-05T05:05:05Z",
                                "count": 1}),
    ("Deployment", "web", "default", {"reason": "ScalingReplicaSet", "message": "Scaled up to 2", "type": "Normal",
                                      "source": {"component": "deployment-controller"},
                                      "firstTimestamp": "2022-01-01T00:00:00Z",
                                      "lastTimestamp": "2022-01-01T00:00:00Z", "count": 1}),
    ("Widget", "gizmo", "default", {"reason": "Made", "message": "widget made", "type": "Normal",
                                    "source": {"component": "widget-ctl"},
                                    "firstTimestamp": "2022-01-01T00:00:00Z",
                                    "lastTimestamp": "2022-01-02T00:00:00Z", "count": 2}),
]

_AGE = re.compile(r"\b\d+[smhdy](\d+[smhdy])?\b")


def normalise(result: Result) -> Result:
    """Ages (events, a node's pods) may tick between the two runs: replace them, and the alignment padding
    that depends on their width, in those blocks only."""
    lines, in_block = [], False
    for line in result.stdout.split("\n"):
        if line.startswith(("Events:", "Non-terminated Pods:")):
            in_block = True
        elif line == "" or line.startswith("Allocated resources:"):
            in_block = False
        lines.append(re.sub(" {2,}", "  ", _AGE.sub("AGE", line)) if in_block else line)
    return Result("\n".join(lines), result.stderr, result.exit_code)


@pytest.fixture(scope="module")
def state(kube_apiserver, tmp_path_factory):
    """A kubeconfig for a server holding MANIFESTS, a custom Widget and events about some objects."""
    if kube_apiserver is None:
        pytest.skip("needs the simulated API server")
    binary = require_real_kubectl()
    home = tmp_path_factory.mktemp("describe-home")
    kube_apiserver.reset()
    kubeconfig = kube_apiserver.write_kubeconfig(home / "kubeconfig")
    env = _isolated_env(home, {"KUBECONFIG": str(kubeconfig)})

    def kubectl(*args: str, stdin: str = "", attempts: int = 1) -> str:
        for _ in range(attempts):
            proc = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
            if proc.returncode == 0 or "AlreadyExists" not in proc.stderr:
                break
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    # The endpoints controller may create websvc's Endpoints between apply's GET and POST of the manifest's own
    # (AlreadyExists); apply again then, as one would on any cluster.
    kubectl("apply", "-f", "-", stdin=MANIFESTS, attempts=3)
    kubectl("apply", "-f", "-", stdin=WIDGET)
    # let the simulated controllers settle (the job's pods run to completion), so both runs see one state
    kubectl("wait", "--for=condition=complete", "job/once", "--timeout=60s")
    kubectl("wait", "--for=condition=Ready", "pod", "-l", "app in (loose,agent,solo,db)", "--timeout=60s")
    uids = {}
    for kind, name, namespace, _ in EVENTS:
        uids[(kind, name)] = kubectl("get", kind.lower(), name, "-n", namespace, "-o", "jsonpath={.metadata.uid}")
    for i, (kind, name, namespace, fields) in enumerate(EVENTS):
        api_version = {"Deployment": "apps/v1", "Widget": "example.com/v1"}.get(kind, "v1")
        event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"{name}.{i}", "namespace": namespace},
                 "involvedObject": {"kind": kind, "name": name, "namespace": namespace,
                                    "uid": uids[(kind, name)], "apiVersion": api_version}, **fields}
        kubectl("create", "-f", "-", stdin=json.dumps(event))
    return {"KUBECONFIG": str(kubeconfig)}


TARGETS = [
    # core
    "configmap settings", "cm long-notes", "secret creds", "serviceaccount builder", "pod solo",
    "namespace team", "ns default", "node node01", "nodes", "pods", "pods -A", "quota -n team", "resourcequota compute -n team", "limitrange -n team",
    # workloads
    "deployment web", "deploy", "rs web", "rs loose", "statefulset db", "daemonset agent", "job once",
    "cronjob nightly",
    # networking
    "service websvc", "svc edge", "svc outside", "endpoints websvc", "endpointslices websvc-abc",
    "ingress front", "ing plain",
    # storage, autoscaling, rbac, policy
    "pv pv-local", "pv pv-nfs", "pvc data", "storageclass fast", "hpa web", "role reader", "rolebinding read-pods",
    "clusterrole node-viewer", "clusterrolebinding view-nodes", "pdb web-pdb", "priorityclass high",
    # generic describer: events, CRDs and custom objects
    "event settings.1", "crd widgets.example.com", "widget gizmo", "wd",
    # selection forms
    "cm/settings secret/creds", "configmaps -l app=web", "cm -A -l app=web", "cm sett", "svc e",
    "cm settings --show-events=false", "deploy web --show-events=false",
]

ERRORS = [
    "configmap nope", "cm nope also-nope", "pods -n team", "foo", "", "cm zz", "cm -l app=none",
    "cm/nope", "widget nope",
]


@pytest.mark.parametrize("target", TARGETS)
def test_describe_matches_kubectl(runners, state, target):
    runners.assert_same("describe", *target.split(), env=state, normalise=normalise)


@pytest.mark.parametrize("target", ERRORS)
def test_describe_errors_match_kubectl(runners, state, target):
    result = runners.assert_same("describe", *target.split(), env=state, normalise=normalise)
    assert result.exit_code != 0 or result.stderr.startswith("No resources found")


def test_describe_help_matches_kubectl(runners):
    runners.assert_same("describe", "--help")


def test_describe_from_manifests_on_stdin(runners, state):
    manifests = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n---\n"
                 "apiVersion: v1\nkind: Service\nmetadata: {name: nosuch}\n---\n"
                 "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\n")
    result = runners.assert_same("describe", "-f", "-", env=state, stdin=manifests, normalise=normalise)
    assert result.exit_code == 1
    assert 'services "nosuch" not found' in result.stderr
