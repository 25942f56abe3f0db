"""StatefulSet controller (pkg/controller/statefulset): stable names `<set>-<ordinal>`, ordered start and stop.

OrderedReady creates `<set>-0` first and the next ordinal only when every lower one is Running and Ready;
it removes the highest ordinal first, one at a time. Parallel does both at once. A RollingUpdate replaces
pods from the highest ordinal down to the partition, one at a time, each after the previous is Ready again.
Claims from volumeClaimTemplates are created as `<claim>-<pod>`.
"""

from __future__ import annotations

import copy

from . import _base as b

MANAGER = b.MANAGER

REVISION_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def _ordinal(owner: dict, pod: dict) -> int:
    prefix = f"{b.name_of(owner)}-"
    name = b.name_of(pod)
    suffix = name[len(prefix):] if name.startswith(prefix) else ""
    return int(suffix) if suffix.isdigit() else -1


def _healthy(pod: dict) -> bool:
    return b.pod_phase(pod) == "Running" and b.pod_ready(pod) and not b.deleting(pod)


class StatefulSetController:
    name = "statefulset-controller"
    watches = (("apps", "statefulsets"), ("", "pods"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if event.resource == "statefulsets":
            if event.type != "DELETED":
                self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        ref = b.controller_ref_of(obj)
        if ref is not None and ref.get("kind") == "StatefulSet":
            self.sync(cluster, b.ns_of(obj), ref.get("name", ""))

    def sync(self, cluster, namespace: str, name: str) -> None:
        sts = cluster.get("apps", "statefulsets", namespace, name)
        if sts is None or b.deleting(sts):
            return
        spec = sts.get("spec") or {}
        replicas = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        parallel = spec.get("podManagementPolicy") == "Parallel"
        pods = {_ordinal(sts, p): p for p in cluster.list("", "pods", namespace) if b.owned_by(p, sts)}
        in_use = {(b.labels_of(p)).get(REVISION_LABEL, "") for p in pods.values()}
        in_use.add((sts.get("status") or {}).get("currentRevision", ""))
        update_rev, _ = b.sync_revisions(cluster, sts, "apps/v1", "StatefulSet", spec.get("revisionHistoryLimit"),
                                         in_use)
        update_name = b.name_of(update_rev)
        # Replace failed pods, create missing ones in order.
        for ordinal in range(replicas):
            pod = pods.get(ordinal)
            if pod is not None and b.pod_phase(pod) in ("Failed", "Succeeded") and not b.deleting(pod):
                self._delete(cluster, sts, pod)
                if not parallel:
                    break
                continue
            if pod is None:
                self._create(cluster, sts, ordinal, update_name)
                if not parallel:
                    break
                continue
            if not parallel and not _healthy(pod):
                break
        else:
            self._scale_down_or_update(cluster, sts, pods, replicas, parallel, update_name)
        self._write_status(cluster, sts, update_name)

    def _scale_down_or_update(self, cluster, sts: dict, pods: dict, replicas: int, parallel: bool,
                              update_name: str) -> None:
        extra = sorted((o for o in pods if o >= replicas or o < 0), reverse=True)
        if extra:
            if not parallel and any(b.deleting(pods[o]) for o in extra):
                return
            for ordinal in extra:
                if not b.deleting(pods[ordinal]):
                    self._delete(cluster, sts, pods[ordinal])
                    if not parallel:
                        return
            return
        strategy = (sts.get("spec") or {}).get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return
        partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
        if any(not _healthy(pods[o]) for o in range(replicas) if o in pods):
            return
        for ordinal in range(replicas - 1, partition - 1, -1):
            pod = pods.get(ordinal)
            if pod is not None and b.labels_of(pod).get(REVISION_LABEL) != update_name:
                self._delete(cluster, sts, pod)
                return

    def _create(self, cluster, sts: dict, ordinal: int, revision: str) -> None:
        spec = sts.get("spec") or {}
        set_name, namespace = b.name_of(sts), b.ns_of(sts)
        pod_name = f"{set_name}-{ordinal}"
        template = copy.deepcopy(spec.get("template") or {})
        for claim in spec.get("volumeClaimTemplates") or []:
            claim_name = f"{b.name_of(claim)}-{pod_name}"
            volumes = template.setdefault("spec", {}).setdefault("volumes", [])
            volumes[:] = [v for v in volumes if v.get("name") != b.name_of(claim)]
            volumes.append({"name": b.name_of(claim), "persistentVolumeClaim": {"claimName": claim_name}})
            if cluster.get("", "persistentvolumeclaims", namespace, claim_name) is None:
                labels = dict(((spec.get("selector") or {}).get("matchLabels")) or {})
                pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                       "metadata": {"name": claim_name, "namespace": namespace, "labels": labels},
                       "spec": copy.deepcopy(claim.get("spec") or {})}
                try:
                    cluster.create("", "persistentvolumeclaims", pvc, manager=MANAGER)
                    cluster.record_event(sts, "Normal", "SuccessfulCreate",
                                         f"create Claim {claim_name} Pod {pod_name} in StatefulSet {set_name} "
                                         "success", self.name)
                except Exception as exc:  # noqa: BLE001
                    message = (getattr(exc, "body", None) or {}).get("message", str(exc))
                    cluster.record_event(sts, "Warning", "FailedCreate",
                                         f"create Claim {claim_name} for Pod {pod_name} in StatefulSet {set_name} "
                                         f"failed error: {message}", self.name)
                    return
        pod = b.pod_from_template(template, b.owner_reference(sts, "apps/v1", "StatefulSet"), namespace,
                                  name=pod_name, extra_labels={REVISION_LABEL: revision, POD_NAME_LABEL: pod_name,
                                                               POD_INDEX_LABEL: str(ordinal)})
        pod["spec"]["hostname"] = pod_name
        if spec.get("serviceName"):
            pod["spec"]["subdomain"] = spec["serviceName"]
        try:
            cluster.create("", "pods", pod, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001
            message = (getattr(exc, "body", None) or {}).get("message", str(exc))
            cluster.record_event(sts, "Warning", "FailedCreate",
                                 f"create Pod {pod_name} in StatefulSet {set_name} failed error: {message}", self.name)
            return
        cluster.record_event(sts, "Normal", "SuccessfulCreate",
                             f"create Pod {pod_name} in StatefulSet {set_name} successful", self.name)

    def _delete(self, cluster, sts: dict, pod: dict) -> None:
        if cluster.delete("", "pods", b.ns_of(pod), b.name_of(pod)) is not None:
            cluster.record_event(sts, "Normal", "SuccessfulDelete",
                                 f"delete Pod {b.name_of(pod)} in StatefulSet {b.name_of(sts)} successful", self.name)

    def _write_status(self, cluster, sts: dict, update_name: str) -> None:
        sts = cluster.get("apps", "statefulsets", b.ns_of(sts), b.name_of(sts))
        if sts is None:
            return
        spec = sts.get("spec") or {}
        replicas_wanted = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        min_ready = int(spec.get("minReadySeconds") or 0)
        at = b.now(cluster)
        pods = [p for p in cluster.list("", "pods", b.ns_of(sts)) if b.owned_by(p, sts)]
        live = [p for p in pods if b.pod_phase(p) not in ("Succeeded", "Failed")]
        old_status = sts.get("status") or {}
        current_rev = old_status.get("currentRevision") or update_name
        updated = [p for p in live if b.labels_of(p).get(REVISION_LABEL) == update_name]
        current = [p for p in live if b.labels_of(p).get(REVISION_LABEL) == current_rev]
        ready = [p for p in live if b.pod_ready(p)]
        available = [p for p in live if b.pod_available(p, min_ready, at)]
        status: dict = {"observedGeneration": b.meta(sts).get("generation", 1), "replicas": len(live)}
        if ready:
            status["readyReplicas"] = len(ready)
        if current:
            status["currentReplicas"] = len(current)
        if updated:
            status["updatedReplicas"] = len(updated)
        status["currentRevision"] = current_rev
        status["updateRevision"] = update_name
        status["collisionCount"] = int(old_status.get("collisionCount") or 0)
        status["availableReplicas"] = len(available)
        if (len(updated) == replicas_wanted == len(live) and len(ready) == replicas_wanted
                and current_rev != update_name):
            status["currentRevision"] = update_name
            status["currentReplicas"] = len(updated)
        if status == old_status:
            return

        def change(obj: dict) -> None:
            obj["status"] = status

        cluster.mutate("apps", "statefulsets", b.ns_of(sts), b.name_of(sts), change, status=True, manager=MANAGER)
