"""ReplicaSet and ReplicationController controllers (pkg/controller/replicaset).

Each sync counts the active pods the set controls (adopting matching orphans), creates pods from the
template or deletes the least valuable ones until the count matches spec.replicas, then writes status.
"""

from __future__ import annotations

from . import _base as b

MANAGER = b.MANAGER

BURST = 500  # the real controller creates in slow-start batches of at most 500 per sync


class ReplicaSetController:
    name = "replicaset-controller"
    group, resource, kind, api_version = "apps", "replicasets", "ReplicaSet", "apps/v1"
    watches = (("apps", "replicasets"), ("", "pods"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if (event.group, event.resource) == (self.group, self.resource):
            self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        ref = b.controller_ref_of(obj)
        if ref is not None:
            if ref.get("kind") == self.kind:
                self.sync(cluster, b.ns_of(obj), ref.get("name", ""))
            return
        if event.type != "DELETED" and not b.deleting(obj):
            for owner in cluster.list(self.group, self.resource, b.ns_of(obj)):
                if self.selects(owner, b.labels_of(obj)):
                    self.sync(cluster, b.ns_of(owner), b.name_of(owner))

    def tick(self, cluster) -> None:
        # Availability with minReadySeconds changes with time alone.
        for owner in cluster.list(self.group, self.resource):
            if (owner.get("spec") or {}).get("minReadySeconds"):
                self.sync(cluster, b.ns_of(owner), b.name_of(owner))

    # ------------------------------------------------------------------ what differs between RS and RC
    def selects(self, owner: dict, labels: dict) -> bool:
        return b.selector_matches((owner.get("spec") or {}).get("selector"), labels)

    # ------------------------------------------------------------------ sync
    def sync(self, cluster, namespace: str, name: str) -> None:
        owner = cluster.get(self.group, self.resource, namespace, name)
        if owner is None:
            return
        pods = self._claim_pods(cluster, owner)
        active = [p for p in pods if b.pod_active(p)]
        spec = owner.get("spec") or {}
        if not b.deleting(owner):
            wanted = int(spec.get("replicas", 1))
            diff = len(active) - wanted
            if diff < 0:
                for _ in range(min(-diff, BURST)):
                    self._create_pod(cluster, owner)
            elif diff > 0:
                for pod in sorted(active, key=b.deletion_rank)[:diff]:
                    if cluster.delete("", "pods", namespace, b.name_of(pod)) is not None:
                        cluster.record_event(owner, "Normal", "SuccessfulDelete",
                                             f"Deleted pod: {b.name_of(pod)}", self.name)
            pods = self._claim_pods(cluster, owner, adopt=False)
        self._write_status(cluster, owner, pods)

    def _claim_pods(self, cluster, owner: dict, adopt: bool = True) -> list[dict]:
        namespace, uid = b.ns_of(owner), b.uid_of(owner)
        pods = []
        for pod in cluster.list("", "pods", namespace):
            ref = b.controller_ref_of(pod)
            if ref is not None:
                if ref.get("uid") == uid:
                    pods.append(pod)
                continue
            if adopt and not b.deleting(owner) and not b.deleting(pod) and self.selects(owner, b.labels_of(pod)):
                owner_ref = b.owner_reference(owner, self.api_version, self.kind)

                def take(current: dict, owner_ref=owner_ref) -> None:
                    refs = current["metadata"].setdefault("ownerReferences", [])
                    if not any(r.get("controller") for r in refs):
                        refs.append(owner_ref)

                adopted = cluster.mutate("", "pods", namespace, b.name_of(pod), take, manager=MANAGER)
                if adopted is not None and b.owned_by(adopted, owner):
                    pods.append(adopted)
        return pods

    def _create_pod(self, cluster, owner: dict) -> None:
        spec = owner.get("spec") or {}
        pod = b.pod_from_template(spec.get("template") or {}, b.owner_reference(owner, self.api_version, self.kind),
                                  b.ns_of(owner), generate_name=f"{b.name_of(owner)}-")
        try:
            created = cluster.create("", "pods", pod, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001 - the real controller reports any create failure
            message = getattr(exc, "body", {}).get("message", str(exc)) if hasattr(exc, "body") else str(exc)
            cluster.record_event(owner, "Warning", "FailedCreate", f"Error creating: {message}", self.name)
            return
        cluster.record_event(owner, "Normal", "SuccessfulCreate", f"Created pod: {b.name_of(created)}", self.name)

    def _write_status(self, cluster, owner: dict, pods: list[dict]) -> None:
        spec = owner.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds", 0) or 0)
        at = b.now(cluster)
        active = [p for p in pods if b.pod_active(p)]
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        fully = sum(1 for p in active if all(b.labels_of(p).get(k) == v for k, v in template_labels.items()))
        ready = sum(1 for p in active if b.pod_ready(p))
        available = sum(1 for p in active if b.pod_available(p, min_ready, at))
        status: dict = {"replicas": len(active)}
        if fully:
            status["fullyLabeledReplicas"] = fully
        if ready:
            status["readyReplicas"] = ready
        if available:
            status["availableReplicas"] = available
        generation = b.meta(owner).get("generation")
        if generation:
            status["observedGeneration"] = generation
        conditions = [c for c in (owner.get("status") or {}).get("conditions") or []
                      if c.get("type") != "ReplicaFailure"]
        if conditions:
            status["conditions"] = conditions
        if min_ready and ready > available:
            cluster.after(min_ready, lambda: self.sync(cluster, b.ns_of(owner), b.name_of(owner)))

        def change(current: dict) -> None:
            current["status"] = status

        if owner.get("status") != status:
            cluster.mutate(self.group, self.resource, b.ns_of(owner), b.name_of(owner), change, status=True, manager=MANAGER)


class ReplicationControllerController(ReplicaSetController):
    name = "replication-controller"
    group, resource, kind, api_version = "", "replicationcontrollers", "ReplicationController", "v1"
    watches = (("", "replicationcontrollers"), ("", "pods"))

    def selects(self, owner: dict, labels: dict) -> bool:
        return b.map_selector_matches((owner.get("spec") or {}).get("selector"), labels)
