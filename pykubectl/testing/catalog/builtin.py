"""The built-in resources a Kubernetes 1.32 kube-apiserver serves (default feature gates), plus metrics.k8s.io.

Transcribed from the apiserver's recorded discovery documents (kubernetes/kubernetes api/discovery/*.json),
keeping only the group-versions a 1.32 server enables by default. Group order is the order of a real 1.32
`/apis` answer (kube-apiserver's APIService priorities); metrics.k8s.io is an aggregated API and comes last.

Row layout: (resource, singular, kind, namespaced, verbs, short names, categories, subresources)
Subresource layout: (name, response kind as "group/version/Kind" or "Kind" for the parent's group-version, verbs)
"""

from __future__ import annotations

FULL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
NO_COLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")
STATUS = ("get", "patch", "update")
CREATE = ("create",)
READ = ("get", "list")
PROXY = ("create", "delete", "get", "patch", "update")
SCALE = "autoscaling/v1/Scale"


def _status(kind: str) -> tuple[str, str, tuple[str, ...]]:
    return ("status", kind, STATUS)


def _scale() -> tuple[str, str, tuple[str, ...]]:
    return ("scale", SCALE, STATUS)


CORE_V1 = (
    ("bindings", "binding", "Binding", True, CREATE, (), (), ()),
    ("componentstatuses", "componentstatus", "ComponentStatus", False, READ, ("cs",), (), ()),
    ("configmaps", "configmap", "ConfigMap", True, FULL, ("cm",), (), ()),
    ("endpoints", "endpoints", "Endpoints", True, FULL, ("ep",), (), ()),
    ("events", "event", "Event", True, FULL, ("ev",), (), ()),
    ("limitranges", "limitrange", "LimitRange", True, FULL, ("limits",), (), ()),
    ("namespaces", "namespace", "Namespace", False, NO_COLLECTION, ("ns",), (),
     (("finalize", "Namespace", ("update",)), _status("Namespace"))),
    ("nodes", "node", "Node", False, FULL, ("no",), (),
     (("proxy", "NodeProxyOptions", PROXY), _status("Node"))),
    ("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", True, FULL, ("pvc",), (),
     (_status("PersistentVolumeClaim"),)),
    ("persistentvolumes", "persistentvolume", "PersistentVolume", False, FULL, ("pv",), (),
     (_status("PersistentVolume"),)),
    ("pods", "pod", "Pod", True, FULL, ("po",), ("all",),
     (("attach", "PodAttachOptions", ("create", "get")),
      ("binding", "Binding", CREATE),
      ("ephemeralcontainers", "Pod", STATUS),
      ("eviction", "policy/v1/Eviction", CREATE),
      ("exec", "PodExecOptions", ("create", "get")),
      ("log", "Pod", ("get",)),
      ("portforward", "PodPortForwardOptions", ("create", "get")),
      ("proxy", "PodProxyOptions", PROXY),
      _status("Pod"))),
    ("podtemplates", "podtemplate", "PodTemplate", True, FULL, (), (), ()),
    ("replicationcontrollers", "replicationcontroller", "ReplicationController", True, FULL, ("rc",), ("all",),
     (_scale(), _status("ReplicationController"))),
    ("resourcequotas", "resourcequota", "ResourceQuota", True, FULL, ("quota",), (),
     (_status("ResourceQuota"),)),
    ("secrets", "secret", "Secret", True, FULL, (), (), ()),
    ("serviceaccounts", "serviceaccount", "ServiceAccount", True, FULL, ("sa",), (),
     (("token", "authentication.k8s.io/v1/TokenRequest", CREATE),)),
    ("services", "service", "Service", True, FULL, ("svc",), ("all",),
     (("proxy", "ServiceProxyOptions", PROXY), _status("Service"))),
)

_HPA = ("horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", True, FULL, ("hpa",),
        ("all",), (_status("HorizontalPodAutoscaler"),))

# (group, [(version, rows)]) in /apis order; the first version of a group is its preferred version.
GROUPS = (
    ("apiregistration.k8s.io", (("v1", (
        ("apiservices", "apiservice", "APIService", False, FULL, (), ("api-extensions",), (_status("APIService"),)),
    )),)),
    ("apps", (("v1", (
        ("controllerrevisions", "controllerrevision", "ControllerRevision", True, FULL, (), (), ()),
        ("daemonsets", "daemonset", "DaemonSet", True, FULL, ("ds",), ("all",), (_status("DaemonSet"),)),
        ("deployments", "deployment", "Deployment", True, FULL, ("deploy",), ("all",),
         (_scale(), _status("Deployment"))),
        ("replicasets", "replicaset", "ReplicaSet", True, FULL, ("rs",), ("all",),
         (_scale(), _status("ReplicaSet"))),
        ("statefulsets", "statefulset", "StatefulSet", True, FULL, ("sts",), ("all",),
         (_scale(), _status("StatefulSet"))),
    )),)),
    ("events.k8s.io", (("v1", (
        ("events", "event", "Event", True, FULL, ("ev",), (), ()),
    )),)),
    ("authentication.k8s.io", (("v1", (
        ("selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", False, CREATE, (), (), ()),
        ("tokenreviews", "tokenreview", "TokenReview", False, CREATE, (), (), ()),
    )),)),
    ("authorization.k8s.io", (("v1", (
        ("localsubjectaccessreviews", "localsubjectaccessreview", "LocalSubjectAccessReview", True, CREATE,
         (), (), ()),
        ("selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", False, CREATE,
         (), (), ()),
        ("selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview", False, CREATE,
         (), (), ()),
        ("subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", False, CREATE, (), (), ()),
    )),)),
    ("autoscaling", (("v2", (_HPA,)), ("v1", (_HPA,)))),
    ("batch", (("v1", (
        ("cronjobs", "cronjob", "CronJob", True, FULL, ("cj",), ("all",), (_status("CronJob"),)),
        ("jobs", "job", "Job", True, FULL, (), ("all",), (_status("Job"),)),
    )),)),
    ("certificates.k8s.io", (("v1", (
        ("certificatesigningrequests", "certificatesigningrequest", "CertificateSigningRequest", False, FULL,
         ("csr",), (), (("approval", "CertificateSigningRequest", STATUS), _status("CertificateSigningRequest"))),
    )),)),
    ("networking.k8s.io", (("v1", (
        ("ingressclasses", "ingressclass", "IngressClass", False, FULL, (), (), ()),
        ("ingresses", "ingress", "Ingress", True, FULL, ("ing",), (), (_status("Ingress"),)),
        ("networkpolicies", "networkpolicy", "NetworkPolicy", True, FULL, ("netpol",), (), ()),
    )),)),
    ("policy", (("v1", (
        ("poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", True, FULL, ("pdb",), (),
         (_status("PodDisruptionBudget"),)),
    )),)),
    ("rbac.authorization.k8s.io", (("v1", (
        ("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", False, FULL, (), (), ()),
        ("clusterroles", "clusterrole", "ClusterRole", False, FULL, (), (), ()),
        ("rolebindings", "rolebinding", "RoleBinding", True, FULL, (), (), ()),
        ("roles", "role", "Role", True, FULL, (), (), ()),
    )),)),
    ("storage.k8s.io", (("v1", (
        ("csidrivers", "csidriver", "CSIDriver", False, FULL, (), (), ()),
        ("csinodes", "csinode", "CSINode", False, FULL, (), (), ()),
        ("csistoragecapacities", "csistoragecapacity", "CSIStorageCapacity", True, FULL, (), (), ()),
        ("storageclasses", "storageclass", "StorageClass", False, FULL, ("sc",), (), ()),
        ("volumeattachments", "volumeattachment", "VolumeAttachment", False, FULL, (), (),
         (_status("VolumeAttachment"),)),
    )),)),
    ("admissionregistration.k8s.io", (("v1", (
        ("mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", False,
         FULL, (), ("api-extensions",), ()),
        ("validatingadmissionpolicies", "validatingadmissionpolicy", "ValidatingAdmissionPolicy", False, FULL,
         (), ("api-extensions",), (_status("ValidatingAdmissionPolicy"),)),
        ("validatingadmissionpolicybindings", "validatingadmissionpolicybinding",
         "ValidatingAdmissionPolicyBinding", False, FULL, (), ("api-extensions",), ()),
        ("validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration",
         False, FULL, (), ("api-extensions",), ()),
    )),)),
    ("apiextensions.k8s.io", (("v1", (
        ("customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", False, FULL,
         ("crd", "crds"), ("api-extensions",), (_status("CustomResourceDefinition"),)),
    )),)),
    ("scheduling.k8s.io", (("v1", (
        ("priorityclasses", "priorityclass", "PriorityClass", False, FULL, ("pc",), (), ()),
    )),)),
    ("coordination.k8s.io", (("v1", (
        ("leases", "lease", "Lease", True, FULL, (), (), ()),
    )),)),
    ("node.k8s.io", (("v1", (
        ("runtimeclasses", "runtimeclass", "RuntimeClass", False, FULL, (), (), ()),
    )),)),
    ("discovery.k8s.io", (("v1", (
        ("endpointslices", "endpointslice", "EndpointSlice", True, FULL, (), (), ()),
    )),)),
    ("flowcontrol.apiserver.k8s.io", (("v1", (
        ("flowschemas", "flowschema", "FlowSchema", False, FULL, (), (), (_status("FlowSchema"),)),
        ("prioritylevelconfigurations", "prioritylevelconfiguration", "PriorityLevelConfiguration", False, FULL,
         (), (), (_status("PriorityLevelConfiguration"),)),
    )),)),
)

# Aggregated APIs (served through an APIService by another server in a real cluster). They sort after every
# built-in group and after CRD groups, because their APIService group priority (100) is the lowest.
AGGREGATED_GROUPS = (
    ("metrics.k8s.io", (("v1beta1", (
        ("nodes", "", "NodeMetrics", False, READ, (), (), ()),
        ("pods", "", "PodMetrics", True, READ, (), (), ()),
    )),)),
)
