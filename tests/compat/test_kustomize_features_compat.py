"""`kubectl kustomize DIR` with the kustomize features pykubectl builds in (generators and their hash suffixes,
name references, commonAnnotations, images, replicas, patches of every form, components): the output is
compared byte for byte with the real kubectl 1.32's embedded kustomize; one overlay is also applied with both
tools and the resulting objects compared."""

from __future__ import annotations

import shutil

import pytest

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: runner
      containers:
      - name: nginx
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: settings
        env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: creds
              key: password
        - name: MODE
          value: fast
        volumeMounts:
        - name: conf
          mountPath: /etc/conf
      - name: sidecar
        image: registry.example.com:5000/tools/busybox@sha256:0123456789012345678901234567890123456789012345678901234567890123
      initContainers:
      - name: init
        image: busybox
      volumes:
      - name: conf
        configMap:
          name: settings
      - name: data
        persistentVolumeClaim:
          claimName: data
      - name: tls
        secret:
          secretName: creds
"""
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
"""
EXTRAS = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: ServiceAccount
  name: runner
"""
BASE_CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
  size: large
"""

# name -> {relative path: content}; each fixture is built from its root directory.
FIXTURES: dict[str, dict[str, str]] = {
    "configmap-literals": {
        "kustomization.yaml": "resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n"
                              "  - color=red\n  - 'quoted=\"a b\"'\n  - html=<a&b>\n  - empty=\n",
        "deploy.yaml": DEPLOYMENT,
    },
    "configmap-files-envs": {
        "kustomization.yaml": "configMapGenerator:\n- name: files\n  files:\n  - app.properties\n  - renamed=conf/x.ini\n"
                              "- name: fromenv\n  envs:\n  - vars.env\n",
        "app.properties": "a=1\nb=2\n",
        "conf/x.ini": "[section]\nkey = value\n",
        "vars.env": "# comment\nFOO=bar\n\n  BAZ=qux=1\nEMPTY=\n",
    },
    "secret-generator": {
        "kustomization.yaml": "resources:\n- deploy.yaml\nsecretGenerator:\n- name: creds\n  literals:\n"
                              "  - password=s3cr3t\n  - user=admin\n- name: tls\n  type: kubernetes.io/tls\n"
                              "  files:\n  - tls.crt\n  - tls.key\n",
        "deploy.yaml": DEPLOYMENT,
        "tls.crt": "CERT\n",
        "tls.key": "KEY\n",
    },
    "generator-options": {
        "kustomization.yaml": "namePrefix: p-\nnamespace: team\ngeneratorOptions:\n  labels:\n    gen: \"yes\"\n"
                              "  annotations:\n    note: generated\nconfigMapGenerator:\n- name: keep\n"
                              "  literals: [a=b]\n  options:\n    disableNameSuffixHash: true\n- name: hashed\n"
                              "  literals: [c=d]\n  options:\n    labels:\n      own: \"1\"\n"
                              "secretGenerator:\n- name: s\n  literals: [k=v]\n",
    },
    "generator-behavior": {
        "kustomization.yaml": "resources:\n- base\nconfigMapGenerator:\n- name: merged\n  behavior: merge\n"
                              "  literals: [b=overlay, c=new]\n- name: replaced\n  behavior: replace\n"
                              "  literals: [only=this]\n",
        "base/kustomization.yaml": "configMapGenerator:\n- name: merged\n  literals: [a=base, b=base]\n"
                                   "- name: replaced\n  literals: [x=1]\n",
    },
    "prefix-references": {
        "kustomization.yaml": "namePrefix: dev-\nnameSuffix: -v1\nresources:\n- deploy.yaml\n- cm.yaml\n- extras.yaml\n"
                              "secretGenerator:\n- name: creds\n  literals: [password=pw]\n",
        "deploy.yaml": DEPLOYMENT,
        "cm.yaml": BASE_CONFIGMAP,
        "extras.yaml": EXTRAS,
    },
    "annotations-images-replicas": {
        "kustomization.yaml": "resources:\n- deploy.yaml\n- svc.yaml\ncommonAnnotations:\n  owner: team-a\n"
                              "  version: \"2\"\nimages:\n- name: nginx\n  newTag: 1.27.0\n- name: busybox\n"
                              "  newName: docker.io/library/busybox\n  digest: sha256:abcdef\n"
                              "- name: registry.example.com:5000/tools/busybox\n  newTag: stable\n"
                              "replicas:\n- name: web\n  count: 4\n",
        "deploy.yaml": DEPLOYMENT,
        "svc.yaml": SERVICE,
    },
    "patches-strategic": {
        "kustomization.yaml": "resources:\n- deploy.yaml\npatches:\n- path: patch.yaml\n- patch: |-\n"
                              "    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n"
                              "    spec:\n      template:\n        spec:\n          containers:\n"
                              "          - name: nginx\n            resources:\n              limits:\n"
                              "                cpu: 500m\n",
        "deploy.yaml": DEPLOYMENT,
        "patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    patched: \"true\"\n"
                      "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: nginx\n"
                      "        env:\n        - name: MODE\n          value: slow\n        - name: EXTRA\n"
                      "          value: \"1\"\n      - name: added\n        image: redis:7\n",
    },
    "patches-json6902-targets": {
        "kustomize.yaml.unused": "",
        "kustomization.yaml": "resources:\n- deploy.yaml\n- svc.yaml\npatches:\n- target:\n    kind: Deployment\n"
                              "    name: w.*\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 5\n"
                              "    - op: add\n      path: /metadata/annotations\n      value:\n        a: b\n"
                              "- target:\n    version: v1\n    kind: Service\n  path: svc-patch.yaml\n"
                              "- target:\n    labelSelector: app=web\n  patch: |-\n    apiVersion: v1\n"
                              "    kind: Whatever\n    metadata:\n      name: ignored\n      labels:\n"
                              "        selected: \"yes\"\n",
        "deploy.yaml": DEPLOYMENT,
        "svc.yaml": SERVICE,
        "svc-patch.yaml": "- op: add\n  path: /spec/type\n  value: NodePort\n- op: remove\n  path: /spec/selector\n",
    },
    "legacy-patches": {
        "kustomization.yaml": "resources:\n- deploy.yaml\npatchesStrategicMerge:\n- smp.yaml\npatchesJson6902:\n"
                              "- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: web\n"
                              "  path: json.yaml\n",
        "deploy.yaml": DEPLOYMENT,
        "smp.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
                    "      volumes:\n      - name: data\n        $patch: delete\n",
        "json.yaml": "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:mainline\n",
    },
    "overlay-everything": {
        "base/kustomization.yaml": "resources:\n- deploy.yaml\n- svc.yaml\n- extras.yaml\nconfigMapGenerator:\n"
                                   "- name: settings\n  literals: [color=blue]\n",
        "base/deploy.yaml": DEPLOYMENT,
        "base/svc.yaml": SERVICE,
        "base/extras.yaml": EXTRAS,
        "kustomization.yaml": "resources:\n- base\nnamespace: prod\nnamePrefix: prod-\nlabels:\n"
                              "- pairs:\n    env: prod\n  includeSelectors: true\ncommonAnnotations:\n"
                              "  team: core\nconfigMapGenerator:\n- name: settings\n  behavior: merge\n"
                              "  literals: [size=xl]\nsecretGenerator:\n- name: creds\n  literals: [password=p]\n"
                              "images:\n- name: nginx\n  newName: my.registry/nginx\n  newTag: \"1.26\"\n"
                              "replicas:\n- name: web\n  count: 2\n",
    },
    "components": {
        "kustomization.yaml": "resources:\n- deploy.yaml\ncomponents:\n- comp\n",
        "deploy.yaml": DEPLOYMENT,
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                   "configMapGenerator:\n- name: settings\n  literals: [from=component]\n"
                                   "patches:\n- patch: |-\n    - op: add\n      path: /spec/paused\n      value: true\n"
                                   "  target:\n    kind: Deployment\n",
    },
    "cronjob-and-binary": {
        "kustomization.yaml": "resources:\n- cron.yaml\ncommonLabels:\n  tier: batch\ncommonAnnotations:\n"
                              "  owner: ops\nconfigMapGenerator:\n- name: script\n  files:\n  - blob.bin\n",
        "cron.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\nspec:\n  schedule: '* * * * *'\n"
                     "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
                     "          containers:\n          - name: c\n            image: busybox:1.36\n"
                     "            volumeMounts:\n            - name: s\n              mountPath: /s\n"
                     "          volumes:\n          - name: s\n            configMap:\n              name: script\n",
        "blob.bin": "\x00\x01\x02binary\xff",
    },
}

# more corners: label groups, nested prefixes, per-generator namespaces, env-file quoting, JSON patch ops,
# multi-document patches, List files, other workload kinds
FIXTURES.update({
 "labels-templates": {"kustomization.yaml": "resources: [d.yaml]\nlabels:\n- pairs: {a: b}\n  includeTemplates: true\n- pairs: {plain: x}\n", "d.yaml": DEPLOYMENT},
 "nested-prefixes": {"kustomization.yaml": "namePrefix: outer-\nresources: [mid]\nreplicas:\n- name: inner-web\n  count: 7\n",
     "mid/kustomization.yaml": "namePrefix: inner-\nresources: [d.yaml]\nconfigMapGenerator:\n- name: settings\n  literals: [x=1]\nsecretGenerator:\n- name: creds\n  literals: [p=1]\n", "mid/d.yaml": DEPLOYMENT},
 "immutable-ns": {"kustomization.yaml": "namespace: n1\ngeneratorOptions:\n  immutable: true\nconfigMapGenerator:\n- name: a\n  namespace: own\n  literals: [port=8080, 'yes=true', 'multi=a\\nb']\n"},
 "env-quotes": {"kustomization.yaml": "configMapGenerator:\n- name: e\n  envs: [e.env]\n", "e.env": "A=\"x y\"\nB='q'\nC = spaced\nD=trail \n"},
 "json-ops": {"kustomization.yaml": "resources: [d.yaml]\npatches:\n- target: {kind: Deployment}\n  patch: '[{\"op\":\"copy\",\"from\":\"/metadata/labels\",\"path\":\"/metadata/annotations\"},{\"op\":\"move\",\"from\":\"/spec/replicas\",\"path\":\"/spec/minReadySeconds\"},{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"Deployment\"},{\"op\":\"remove\",\"path\":\"/spec/template/spec/initContainers\"}]'\n", "d.yaml": DEPLOYMENT},
 "multi-doc-smp": {"kustomization.yaml": "resources: [d.yaml, c.yaml]\npatches:\n- path: p.yaml\n", "d.yaml": DEPLOYMENT, "c.yaml": BASE_CONFIGMAP,
     "p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata:\n      annotations: {x: y}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata:\n  color: null\n  new: v\n"},
 "list-kind": {"kustomization.yaml": "namespace: q\nresources: [l.yaml]\n", "l.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: one}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: two}\n"},
 "statefulset-daemonset": {"kustomization.yaml": "resources: [s.yaml]\ncommonLabels: {c: d}\ncommonAnnotations: {e: f}\nimages:\n- {name: busybox, newTag: '1'}\nconfigMapGenerator:\n- name: cfg\n  literals: [a=b]\nnameSuffix: -s\n",
     "s.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ss}\nspec:\n  serviceName: svc\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: busybox, env: [{name: X, valueFrom: {configMapKeyRef: {name: cfg, key: a}}}]}]\n      volumes: [{name: v, projected: {sources: [{configMap: {name: cfg}}]}}]\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      initContainers: [{name: i, image: 'busybox:0'}]\n      containers: [{name: c, image: busybox}]\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n"},
})

REFERENCES = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing}
spec:
  tls: [{secretName: tls, hosts: [a]}]
  defaultBackend: {service: {name: svc, port: {number: 80}}}
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {name: svc}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
imagePullSecrets: [{name: tls}]
secrets: [{name: tls}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: dep}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  template:
    spec:
      containers: [{name: c, image: i}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: st}
spec:
  serviceName: svc
  template:
    spec:
      containers: [{name: c, image: i}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
subjects: [{kind: ServiceAccount, name: sa, namespace: default}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
"""
RBAC_REFERENCES = """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: ServiceAccount, name: sa, namespace: other}
- {kind: ServiceAccount, name: sa, namespace: default}
- {kind: ServiceAccount, name: sa}
- {kind: User, name: sa, namespace: x}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAccountName: sa
  priorityClassName: pc
  containers: [{name: c, image: i}]
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: pc}
value: 1
"""
FIXTURES.update({
    "references-ingress-hpa-serviceaccount": {
        "kustomization.yaml": "namePrefix: p-\nnamespace: ns\nresources: [r.yaml]\nsecretGenerator:\n- name: tls\n"
                              "  literals: [a=b]\n",
        "r.yaml": REFERENCES},
    "references-rbac-subjects": {
        "kustomization.yaml": "namePrefix: p-\nnamespace: ns\nresources: [r.yaml]\n", "r.yaml": RBAC_REFERENCES},
})

SVC_AND_CM = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
CUSTOM_ORDER = "resources: [r.yaml]\nsortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst: [Service]\n" \
               "    orderLast: [ConfigMap]\n"
FIXTURES.update({
    "sort-fifo-and-build-metadata": {
        "kustomization.yaml": "bases: [base]\ncommonLabels: {a: \"1\"}\nsortOptions:\n  order: fifo\n"
                              "buildMetadata: [managedByLabel, originAnnotations]\nconfigMapGenerator:\n- name: g\n"
                              "  literals: [a=b]\npatchesJson6902:\n",
        "base/kustomization.yaml": "resources: [r.yaml]\ncommonLabels: {x: \"1\"}\npatchesStrategicMerge: []\n"
                                   "configMapGenerator:\n- name: bg\n  literals: [c=d]\n",
        "base/r.yaml": SVC_AND_CM},
    "sort-legacy-custom-order": {"kustomization.yaml": CUSTOM_ORDER, "r.yaml": SVC_AND_CM},
    "sort-options-of-a-base-ignored": {"kustomization.yaml": "resources: [base]\n",
                                       "base/kustomization.yaml": CUSTOM_ORDER, "base/r.yaml": SVC_AND_CM},
})

REPLACEMENTS = """resources: [r.yaml]
replacements:
- source: {kind: ConfigMap, name: src, fieldPath: data.host}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=app].env.[name=HOST].value
    - spec.template.spec.containers.*.args.0
    - metadata.annotations.[x.y/z]
    options: {create: true}
- source: {kind: ConfigMap, fieldPath: data.list, options: {delimiter: ",", index: 1}}
  targets:
  - select: {name: d}
    fieldPaths: ["spec.template.spec.containers.[name=side].image"]
    options: {delimiter: ":", index: 1}
- source: {kind: ConfigMap, fieldPath: "metadata.annotations.[a.b/c]"}
  targets:
  - select: {kind: Deployment}
    reject: [{name: other}]
    fieldPaths: [spec.template.metadata.labels.new]
    options: {create: true}
- source: {kind: Deployment, fieldPath: spec.template.spec.containers}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.copied]
    options: {create: true}
"""
REPLACEMENT_SOURCES = """apiVersion: v1
kind: ConfigMap
metadata: {name: src, annotations: {a.b/c: "x.y"}}
data: {host: db.example.com, port: "5432", list: "a,b,c"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - {name: app, image: "nginx:1", env: [{name: HOST, value: x}, {name: P, value: y}]}
      - {name: side, image: "busybox:1", args: [a, b]}
"""
FIXTURES["replacements"] = {"kustomization.yaml": REPLACEMENTS, "r.yaml": REPLACEMENT_SOURCES}
FIXTURES["replacements-from-a-file-after-prefix"] = {
    "kustomization.yaml": "resources: [r.yaml]\nnamePrefix: p-\nreplacements:\n- path: repl.yaml\n",
    "repl.yaml": "- source: {kind: ConfigMap, fieldPath: data.host}\n  targets:\n  - select: {kind: Deployment}\n"
                 "    fieldPaths: [metadata.labels.host]\n    options: {create: true}\n",
    "r.yaml": REPLACEMENT_SOURCES}

SMP_TARGET = """apiVersion: apps/v1
kind: Deployment
metadata: {name: d, finalizers: [a, b], labels: {x: "1", y: "2"}}
spec:
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
  template:
    spec:
      tolerations: [{key: a}, {key: b}]
      containers:
      - name: c
        image: i
        args: [a, b]
        ports: [{containerPort: 80, protocol: TCP}, {containerPort: 81}]
        volumeMounts: [{name: v, mountPath: /a}, {name: w, mountPath: /b}]
      volumes:
      - name: v
        emptyDir: {}
"""
FIXTURES["patch-directives"] = {"kustomization.yaml": """resources: [d.yaml]
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: d
      finalizers: [c, a]
      labels:
        $patch: replace
        z: "3"
    spec:
      strategy:
        $retainKeys: [type]
        type: Recreate
      template:
        spec:
          containers:
          - name: c
            args: [z]
            ports: [{containerPort: 82}]
            volumeMounts: [{mountPath: /a, $patch: delete}]
          volumes:
          - name: v
            $patch: replace
            hostPath: {path: /x}
""", "d.yaml": SMP_TARGET}
FIXTURES["patch-list-replace-and-delete"] = {"kustomization.yaml": """resources: [d.yaml]
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: d}
    spec:
      template:
        spec:
          tolerations: [{key: c}]
          containers:
          - $patch: replace
          - name: new
            image: n
          volumes:
          - name: q
            $patch: replace
            hostPath: {path: /x}
          - name: v
            $patch: delete
""", "d.yaml": SMP_TARGET}

SCALARS = """apiVersion: v1
kind: ConfigMap
metadata: {name: src}
data: {a: "1.10", b: "true", c: "007", d: "null", e: "0x1F", f: "yes", g: "1e3", h: "-5", i: "~", j: "010", k: "08", l: "1_000", m: "+7", n: ".5", o: "0o17", p: "99999999999999999999"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: dst}
data: {keep: "x"}
"""
FIXTURES["replacement-scalars-read-as-yaml"] = {
    "r.yaml": SCALARS,
    "kustomization.yaml": "resources: [r.yaml]\nreplacements:\n" + "".join(
        f"- source: {{name: src, fieldPath: data.{key}}}\n  targets:\n  - select: {{name: dst}}\n"
        f"    fieldPaths: [metadata.labels.{key}, data.{key}]\n    options: {{create: true}}\n"
        for key in "abcdefghijklmnop")}

LABEL_SELECTORS = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {a: b}}
            topologyKey: k
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 1
            podAffinityTerm:
              labelSelector: {matchExpressions: []}
              topologyKey: k
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: z
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {a: b}}
      containers: [{name: c, image: i}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector: {}
  ingress:
  - from: [{podSelector: {matchLabels: {q: r}}}, {namespaceSelector: {}}]
  egress:
  - to: [{podSelector: {}}]
"""
FIXTURES.update({
    f"label-field-specs-{i}": {"kustomization.yaml": f"resources: [s.yaml]\n{k}\n", "s.yaml": LABEL_SELECTORS}
    for i, k in enumerate(("commonLabels: {c: d}", "labels:\n- pairs: {c: d}",
                           "labels:\n- pairs: {c: d}\n  includeTemplates: true",
                           "labels:\n- pairs: {c: d}\n  includeSelectors: true", "commonAnnotations: {c: d}"))
})

SERVICE_REFERENCES = """apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: vw}
webhooks:
- name: a.example.com
  clientConfig: {service: {name: svc, namespace: default, path: /v}}
- name: b.example.com
  clientConfig: {service: {name: other, namespace: elsewhere}}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.x.example.com}
spec: {service: {name: svc, namespace: default}, group: x.example.com, version: v1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ws.example.com}
spec:
  conversion: {strategy: Webhook, webhook: {clientConfig: {service: {name: svc, namespace: default}}}}
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: default}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
---
apiVersion: v1
kind: Namespace
metadata: {name: old}
"""
FIXTURES["namespace-in-service-references"] = {
    "kustomization.yaml": "resources: [r.yaml]\nnamespace: team\nnamePrefix: p-\n", "r.yaml": SERVICE_REFERENCES}
FIXTURES["namespace-in-service-references-unset"] = {
    "kustomization.yaml": "resources: [r.yaml]\nnamespace: team\nnamePrefix: p-\n",
    "r.yaml": SERVICE_REFERENCES.replace("namespace: default, path", "path")
                                .replace("{name: svc, namespace: default}, group", "{name: svc}, group")}

RENAMED = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\napiVersion: v1\nkind: Pod\n"
           "metadata: {name: p}\nspec:\n  containers: [{name: x, image: i}]\n  volumes: [{name: v, configMap: {name: c}}]\n")
FIXTURES.update({
    f"patch-options-{i}": {"r.yaml": RENAMED, "kustomization.yaml": (
        "resources: [r.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    apiVersion: v1\n"
        f"    kind: {kind}\n    metadata: {{name: renamed}}\n    data: {{z: y}}\n{options}- target: {{kind: Pod}}\n"
        "  patch: |-\n    - op: replace\n      path: /metadata/name\n      value: q\n")}
    for i, (kind, options) in enumerate((
        ("ConfigMap", ""), ("ConfigMap", "  options: {allowNameChange: true}\n"),
        ("Secret", "  options: {allowNameChange: true, allowKindChange: true}\n")))
})

PREFIXED_BASE = ("namePrefix: b-\nnamespace: bns\nconfigMapGenerator:\n- name: x\n  literals: [a=1]\nsecretGenerator:\n"
                 "- name: s\n  literals: [k=v]\n  options: {disableNameSuffixHash: true}\n")
FIXTURES["generator-merge-across-prefix-and-namespace"] = {
    "base/kustomization.yaml": PREFIXED_BASE,
    "kustomization.yaml": "resources: [base]\nconfigMapGenerator:\n- name: x\n  behavior: merge\n  literals: [b=2]\n"}
FIXTURES["generator-replace-and-merge-secret"] = {
    "base/kustomization.yaml": PREFIXED_BASE,
    "kustomization.yaml": "resources: [base]\nnamespace: bns\nconfigMapGenerator:\n- name: x\n  behavior: replace\n"
                          "  literals: [b=2]\nsecretGenerator:\n- name: s\n  behavior: merge\n  literals: [z=1]\n"}

FIXTURES["null-label-and-annotation-values"] = {
    "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    "kustomization.yaml": "resources: [cm.yaml]\ncommonLabels: {a: null}\ncommonAnnotations: {b: }\nlabels:\n"
                          "- pairs: {c: ~}\n"}


def write_tree(root, files: dict[str, str]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith(".bin"):
            path.write_bytes(content.encode("latin-1"))
        else:
            path.write_text(content)


@pytest.fixture(autouse=True)
def _no_kustomize_binary(monkeypatch):
    """The built-in builder is under test, whatever is on PATH."""
    real = shutil.which

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "kustomize" else real(name, *a, **k))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_kustomize_matches_kubectl(runners, tmp_path, name):
    write_tree(tmp_path / "k", FIXTURES[name])
    result = runners.assert_same("kustomize", str(tmp_path / "k"))
    assert result.exit_code == 0 and result.stdout


MIXED_NAMESPACES = {
    "kustomization.yaml": "resources:\n- r.yaml\n",
    "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A, namespace: x}\n---\napiVersion: v1\n"
              "kind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: Zed}\n"
              "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: X}\n",
}


def _tree(root) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(root.iterdir())}


@pytest.mark.parametrize("fixture", ["overlay-everything", "mixed-namespaces"])
def test_kustomize_output_directory_gets_one_file_per_object(runners, tmp_path, fixture):
    write_tree(tmp_path / "k", MIXED_NAMESPACES if fixture == "mixed-namespaces" else FIXTURES[fixture])
    outputs = {}
    for tool in ("kubectl", "pykubectl"):
        out = tmp_path / f"out-{tool}"
        out.mkdir()
        result = getattr(runners, tool)("kustomize", str(tmp_path / "k"), "-o", str(out))
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
        outputs[tool] = _tree(out)
    assert outputs["pykubectl"] == outputs["kubectl"]
    assert len(outputs["kubectl"]) >= 4


def test_kustomize_output_into_a_missing_directory_fails_as_kubectl_does(runners, tmp_path):
    write_tree(tmp_path / "k", MIXED_NAMESPACES)
    runners.assert_same("kustomize", str(tmp_path / "k"), "-o", str(tmp_path / "missing" / "x.yaml"))
    runners.assert_same("kustomize", str(tmp_path / "k"), "-o", str(tmp_path / "missing") + "/")


APPLY_OVERLAY = {
    "app/kustomization.yaml": "resources:\n- deploy.yaml\n- svc.yaml\ncommonAnnotations:\n  team: core\n"
                              "configMapGenerator:\n- name: settings\n  literals: [color=blue, size=xl]\n"
                              "secretGenerator:\n- name: creds\n  literals: [password=p]\nimages:\n- name: nginx\n"
                              "  newTag: \"1.27\"\nreplicas:\n- name: web\n  count: 2\npatches:\n- target:\n"
                              "    kind: Service\n  patch: |-\n    - op: add\n      path: /spec/type\n"
                              "      value: NodePort\n",
    "app/deploy.yaml": DEPLOYMENT.replace("      serviceAccountName: runner\n", "")
                                  .replace("      - name: data\n        persistentVolumeClaim:\n"
                                           "          claimName: data\n", ""),
    "app/svc.yaml": SERVICE,
}


@pytest.fixture
def harness(kube_apiserver, kubeconfig_file, runners, tmp_path):
    if kube_apiserver is None:
        pytest.skip("differential apply tests need the test API server")
    from tests.compat.test_write_harness import WriteHarness

    harness = WriteHarness(kube_apiserver, runners, kubeconfig_file, tmp_path / "work")
    yield harness
    harness.close()


@pytest.mark.no_simulation
def test_apply_k_creates_the_same_objects_as_kubectl(harness):
    _, state = harness.check(["apply", "-k", "app"], files=APPLY_OVERLAY)
    names = sorted(state)
    assert any(name.startswith("configmaps/settings-") for name in names), names
    assert any(name.startswith("secrets/creds-") for name in names), names
    deployment = state["deployments/web"]
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
ERRORS = {
    "patch-matches-nothing": {
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n"
                              "    metadata: {name: nope}\n    data: {a: b}\n",
        "cm.yaml": CM},
    "bad-literal": {"kustomization.yaml": "configMapGenerator:\n- name: c\n  literals: [ab, c=d]\n"},
    "missing-env-file": {"kustomization.yaml": "configMapGenerator:\n- name: c\n  envs: [nofile, x]\n"},
    "missing-file-source": {"kustomization.yaml": "secretGenerator:\n- name: c\n  files: [a/b/nofile, x]\n"},
    "yaml11-boolean-label": {"kustomization.yaml": "resources: [cm.yaml]\ncommonLabels: {x: y}\n", "cm.yaml": CM},
    "yaml11-boolean-prefix": {"kustomization.yaml": "resources: [cm.yaml]\nnamePrefix: n\n", "cm.yaml": CM},
    "replacement-target-field-missing": {
        "kustomization.yaml": "resources: [cm.yaml]\nreplacements:\n- source: {kind: ConfigMap}\n  targets:\n"
                              "  - select: {kind: ConfigMap}\n    fieldPaths: [spec.nothere.x]\n", "cm.yaml": CM},
    "replacement-source-missing": {
        "kustomization.yaml": "resources: [cm.yaml]\nreplacements:\n- source: {kind: Nope}\n  targets:\n"
                              "  - select: {kind: ConfigMap}\n", "cm.yaml": CM},
    "replacement-source-ambiguous": {
        "kustomization.yaml": "resources: [cm.yaml, cm2.yaml]\nreplacements:\n- source: {version: v1}\n  targets:\n"
                              "  - select: {kind: ConfigMap}\n", "cm.yaml": CM, "cm2.yaml": CM.replace("name: c", "name: d")},
    "replacement-without-targets": {
        "kustomization.yaml": "resources: [cm.yaml]\nreplacements:\n- source: {kind: ConfigMap}\n", "cm.yaml": CM},
    "repeated-key": {"kustomization.yaml": "secretGenerator:\n- name: s\n  literals: [a=b]\n  files: [a=cm.yaml]\n",
                     "cm.yaml": CM},
    "annotation-types": {"kustomization.yaml": "commonAnnotations: {n: 2, b: true}\n"},
    "image-tag-number": {"kustomization.yaml": "images:\n- {name: nginx, newTag: 1.10}\n"},
    "label-pairs-number": {"kustomization.yaml": "labels:\n- pairs: {a: 1}\n"},
    "base-replicas-string": {"kustomization.yaml": "resources: [base]\n",
                             "base/kustomization.yaml": "replicas:\n- {name: x, count: \"2\"}\n"},
    "base-missing-resource": {"kustomization.yaml": "resources: [base]\n",
                              "base/kustomization.yaml": "resources: [cm.yaml, missing.yaml]\n", "base/cm.yaml": CM},
    "base-repeated-key": {"kustomization.yaml": "resources: [base]\n",
                          "base/kustomization.yaml": "configMapGenerator:\n- name: s\n  literals: [a=b, a=c]\n"},
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_kustomize_errors_match_kubectl(runners, tmp_path, name):
    write_tree(tmp_path / "k", ERRORS[name])
    result = runners.assert_same("kustomize", str(tmp_path / "k"))
    assert result.exit_code == 1 and result.stderr.startswith("error: ")


@pytest.mark.no_simulation
def test_apply_k_after_a_generator_change_matches_kubectl(harness, monkeypatch):
    """The real kubectl applies the overlay first; a changed literal gives a new hashed name the Deployment follows."""
    changed = {**APPLY_OVERLAY,
               "app/kustomization.yaml": APPLY_OVERLAY["app/kustomization.yaml"].replace("size=xl", "size=s")}
    prepare = harness.prepare

    def prepare_with_first_apply(setup):
        prepare(setup)
        harness.write_files(APPLY_OVERLAY)
        result = harness.runners.kubectl("apply", "-k", "app", env=harness.env)
        assert result.exit_code == 0, result.stderr
        harness.write_files(changed)

    monkeypatch.setattr(harness, "prepare", prepare_with_first_apply)
    actual, state = harness.check(["apply", "-k", "app"], files=changed)
    assert "configmap/settings-" in actual.stdout and "deployment.apps/web configured" in actual.stdout
    assert len([name for name in state if name.startswith("configmaps/settings-")]) == 2


@pytest.mark.parametrize("restrictor", ["LoadRestrictionsNone", "LoadRestrictionsRootOnly", "bogus"])
def test_kustomize_load_restrictor_matches_kubectl(runners, tmp_path, restrictor):
    write_tree(tmp_path, {"cm.yaml": CM, "f.txt": "hi\n",
                          "k/kustomization.yaml": "resources: [../cm.yaml]\nconfigMapGenerator:\n- name: g\n"
                                                  "  files: [../f.txt]\n"})
    result = runners.assert_same("kustomize", str(tmp_path / "k"), "--load-restrictor", restrictor)
    assert (result.exit_code == 0) == (restrictor == "LoadRestrictionsNone")


VARS_KUSTOMIZATION = """namePrefix: p-
resources: [r.yaml]
vars:
- name: DB_HOST
  objref: {kind: Service, name: db, apiVersion: v1}
- name: DB_PORT
  objref: {kind: Service, name: db, apiVersion: v1}
  fieldref: {fieldpath: "spec.ports[0].port"}
- name: UNUSED
  objref: {kind: Deployment, name: app, apiVersion: apps/v1}
"""
VARS_RESOURCES = """apiVersion: v1
kind: Service
metadata: {name: db, labels: {svc: "$(DB_HOST)"}}
spec:
  ports: [{port: 5432, targetPort: "$(DB_PORT)"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, annotations: {x: "$(DB_HOST):$(DB_PORT)", y: "$$(DB_HOST) $(NOPE) $x $(DB_PORT"}}
spec:
  template:
    metadata: {annotations: {z: "$(DB_PORT)"}}
    spec:
      containers:
      - name: c
        image: i
        command: [sh, -c, "echo $(DB_HOST) $(DB_PORT)"]
        args: ["$(DB_PORT)", "$(DB_HOST)"]
        env: [{name: A, value: "$(DB_PORT)"}, {name: B, value: "$(DB_HOST)"}]
        volumeMounts: [{name: v, mountPath: "/data/$(DB_HOST)"}]
"""


def _klog_times(result):
    import re

    return type(result)(result.stdout, re.sub(r"^I\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ", "I0000 PID ", result.stderr,
                                              flags=re.M), result.exit_code)


def test_kustomize_vars_match_kubectl(runners, tmp_path):
    """vars (deprecated): $(NAME) in kustomize's varReference fields, typed when alone, $$ escapes, unknown
    names left alone; an unused var is logged through klog as kubectl does."""
    write_tree(tmp_path / "k", {"kustomization.yaml": VARS_KUSTOMIZATION, "r.yaml": VARS_RESOURCES})
    result = runners.assert_same("kustomize", str(tmp_path / "k"), normalise=_klog_times)
    assert "never replaced: UNUSED" in result.stderr and "echo p-db 5432" in result.stdout
