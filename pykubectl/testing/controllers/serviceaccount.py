"""ServiceAccount and root-CA publisher controllers: every active namespace gets ServiceAccount `default`
and ConfigMap `kube-root-ca.crt` (pkg/controller/serviceaccount, pkg/controller/certificates/rootcacertpublisher),
and gets them back when they are deleted or the ConfigMap is edited."""

from __future__ import annotations

from . import _base as b

MANAGER = b.MANAGER

ROOT_CA = "kube-root-ca.crt"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")


def _ca_pem(cluster) -> str:
    pem = getattr(cluster, "ca_pem", None)
    if callable(pem):
        pem = pem()
    if isinstance(pem, bytes):
        pem = pem.decode()
    return pem or ""


class ServiceAccountController:
    name = "serviceaccount-controller"
    watches = (("", "namespaces"), ("", "serviceaccounts"), ("", "configmaps"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if event.resource == "namespaces":
            if event.type != "DELETED":
                self.sync(cluster, b.name_of(obj))
            return
        if event.resource == "serviceaccounts" and b.name_of(obj) != "default":
            return
        if event.resource == "configmaps" and b.name_of(obj) != ROOT_CA:
            return
        self.sync(cluster, b.ns_of(obj))

    def sync(self, cluster, namespace: str) -> None:
        ns = cluster.get("", "namespaces", None, namespace)
        if ns is None or b.deleting(ns) or (ns.get("status") or {}).get("phase") == "Terminating":
            return
        if cluster.get("", "serviceaccounts", namespace, "default") is None:
            self._create(cluster, "serviceaccounts", {
                "apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "default", "namespace": namespace}})
        data = {"ca.crt": _ca_pem(cluster)}
        current = cluster.get("", "configmaps", namespace, ROOT_CA)
        if current is None:
            self._create(cluster, "configmaps", {
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": ROOT_CA, "namespace": namespace,
                             "annotations": {"kubernetes.io/description": DESCRIPTION}},
                "data": data})
        elif current.get("data") != data and not b.deleting(current):
            def change(cm: dict) -> None:
                cm["data"] = data
                cm["metadata"].setdefault("annotations", {})["kubernetes.io/description"] = DESCRIPTION

            cluster.mutate("", "configmaps", namespace, ROOT_CA, change, manager=MANAGER)

    @staticmethod
    def _create(cluster, resource: str, obj: dict) -> None:
        try:
            cluster.create("", resource, obj, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001 - a namespace going away, or a race with ourselves
            if getattr(exc, "code", None) not in (403, 404, 409):
                raise
