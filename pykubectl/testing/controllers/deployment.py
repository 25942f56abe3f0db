"""Deployment controller (pkg/controller/deployment): ReplicaSets per template, rollouts, revisions, status.

One sync: find the ReplicaSets the deployment owns, find or create the one whose template equals the
deployment's (ignoring the pod-template-hash label), roll forward by the strategy, prune history, and
write status with the Available and Progressing conditions the real controller writes.
"""

from __future__ import annotations

import copy

from . import _base as b

MANAGER = b.MANAGER

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
# Annotations of the deployment that are not copied onto its ReplicaSets (deploymentutil.skipCopyAnnotation).
_SKIP_COPY = {"kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED,
              MAX_REPLICAS, "deprecated.deployment.rollback.to"}


def _replicas(obj: dict) -> int:
    return int((obj.get("spec") or {}).get("replicas", 1) if obj.get("spec", {}).get("replicas") is not None else 1)


def _spec_replicas(rs: dict) -> int:
    return int((rs.get("spec") or {}).get("replicas") or 0)


def _status(rs: dict, key: str) -> int:
    return int((rs.get("status") or {}).get(key) or 0)


def _revision(rs: dict) -> int:
    try:
        return int((b.meta(rs).get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _template_without_hash(template: dict) -> dict:
    out = copy.deepcopy(template or {})
    labels = (out.get("metadata") or {}).get("labels")
    if labels is not None:
        labels.pop(HASH_LABEL, None)
        if not labels:
            out["metadata"].pop("labels")
    return out


def fenceposts(deployment: dict) -> tuple[int, int]:
    """deploymentutil.ResolveFenceposts: (maxSurge, maxUnavailable) as numbers; never both zero."""
    strategy = (deployment.get("spec") or {}).get("strategy") or {}
    if strategy.get("type") != "RollingUpdate":
        return 0, 0
    rolling = strategy.get("rollingUpdate") or {}
    replicas = _replicas(deployment)
    surge = b.int_or_percent(rolling.get("maxSurge", "25%"), replicas, round_up=True)
    unavailable = b.int_or_percent(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


class DeploymentController:
    name = "deployment-controller"
    watches = (("apps", "deployments"), ("apps", "replicasets"), ("", "pods"))

    def reconcile(self, cluster, event) -> None:
        obj = event.object
        if event.resource == "deployments":
            self.sync(cluster, b.ns_of(obj), b.name_of(obj))
            return
        if event.resource == "pods":
            # Only a Recreate rollout waits for pods (to be gone) rather than for ReplicaSet status.
            if event.type != "DELETED":
                return
            ref = b.controller_ref_of(obj)
            if ref is None or ref.get("kind") != "ReplicaSet":
                return
            rs = cluster.get("apps", "replicasets", b.ns_of(obj), ref.get("name", ""))
            obj = rs or {}
        ref = b.controller_ref_of(obj)
        if ref is not None and ref.get("kind") == "Deployment":
            self.sync(cluster, b.ns_of(obj), ref.get("name", ""))

    # ------------------------------------------------------------------ sync
    def sync(self, cluster, namespace: str, name: str) -> None:
        d = cluster.get("apps", "deployments", namespace, name)
        if d is None or b.deleting(d):
            return
        spec = d.get("spec") or {}
        rss = self._owned_replicasets(cluster, d)
        if spec.get("paused"):
            new_rs = self._find_new(d, rss)
            old = [rs for rs in rss if rs is not new_rs]
            if new_rs is not None and not any(_spec_replicas(rs) for rs in old):
                self._scale(cluster, new_rs, _replicas(d), d)
            self._sync_status(cluster, d, paused=True)
            return
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            # rolloutRecreate: the new set is created only once every old pod is gone.
            existing = self._find_new(d, rss)
            if not self._old_gone(cluster, d, [rs for rs in rss if rs is not existing]):
                self._sync_status(cluster, d)
                return
        new_rs, _ = self._new_replicaset(cluster, d, rss)
        rss = self._owned_replicasets(cluster, d)
        new_rs = next((rs for rs in rss if b.uid_of(rs) == b.uid_of(new_rs)), new_rs)
        old = [rs for rs in rss if b.uid_of(rs) != b.uid_of(new_rs)]
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            self._recreate(cluster, d, new_rs, old)
        else:
            self._rolling(cluster, d, new_rs, old)
        self._cleanup(cluster, d)
        self._sync_status(cluster, d)

    def _owned_replicasets(self, cluster, d: dict) -> list[dict]:
        owned = []
        for rs in cluster.list("apps", "replicasets", b.ns_of(d)):
            if b.owned_by(rs, d):
                owned.append(rs)
            elif b.controller_ref_of(rs) is None and not b.deleting(rs) and b.selector_matches(
                    (d.get("spec") or {}).get("selector"), b.labels_of(rs)):
                ref = b.owner_reference(d, "apps/v1", "Deployment")

                def take(current: dict, ref=ref) -> None:
                    current["metadata"].setdefault("ownerReferences", []).append(ref)

                adopted = cluster.mutate("apps", "replicasets", b.ns_of(rs), b.name_of(rs), take, manager=MANAGER)
                if adopted is not None:
                    owned.append(adopted)
        return owned

    def _find_new(self, d: dict, rss: list[dict]) -> dict | None:
        wanted = _template_without_hash((d.get("spec") or {}).get("template"))
        matches = [rs for rs in rss if _template_without_hash((rs.get("spec") or {}).get("template")) == wanted]
        matches.sort(key=lambda rs: b.meta(rs).get("creationTimestamp") or "")
        return matches[0] if matches else None

    def _annotations_for(self, d: dict, rs_annotations: dict, revision: int, old_revision: str | None) -> dict:
        out = dict(rs_annotations)
        for key, value in (b.meta(d).get("annotations") or {}).items():
            if key not in _SKIP_COPY:
                out[key] = value
        if old_revision and old_revision != str(revision):
            history = [h for h in (out.get(REVISION_HISTORY) or "").split(",") if h]
            out[REVISION_HISTORY] = ",".join(history + [old_revision])
        out[REVISION] = str(revision)
        return out

    def _new_replicaset(self, cluster, d: dict, rss: list[dict]) -> tuple[dict, bool]:
        spec = d.get("spec") or {}
        existing = self._find_new(d, rss)
        old = [rs for rs in rss if rs is not existing]
        max_old = max((_revision(rs) for rs in old), default=0)
        surge, _ = fenceposts(d)
        replicas = _replicas(d)
        if existing is not None:
            current_revision = _revision(existing)
            revision = current_revision if current_revision > max_old else max_old + 1
            annotations = b.meta(existing).get("annotations") or {}
            wanted = self._annotations_for(d, annotations, revision, str(current_revision) if current_revision else None)
            wanted[DESIRED] = str(replicas)
            wanted[MAX_REPLICAS] = str(replicas + surge)
            if wanted != annotations:
                def annotate(current: dict) -> None:
                    current["metadata"]["annotations"] = wanted

                existing = cluster.mutate("apps", "replicasets", b.ns_of(existing), b.name_of(existing),
                                          annotate, manager=MANAGER) or existing
            self._set_deployment_revision(cluster, d, revision)
            if spec.get("progressDeadlineSeconds") is not None and not any(
                    c.get("type") == "Progressing" for c in (d.get("status") or {}).get("conditions") or []):
                found = self._condition(cluster, "Progressing", "True", "FoundNewReplicaSet",
                                        f'Found new replica set "{b.name_of(existing)}"')

                def note(current: dict) -> None:
                    st = current.setdefault("status", {})
                    st["conditions"] = b.set_condition(st.get("conditions") or [], found)

                cluster.mutate("apps", "deployments", b.ns_of(d), b.name_of(d), note, status=True, manager=MANAGER)
            return existing, False
        template = copy.deepcopy(spec.get("template") or {})
        collisions = (d.get("status") or {}).get("collisionCount")
        pod_hash = b.compute_hash(_template_without_hash(template), collisions)
        template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = pod_hash
        selector = copy.deepcopy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
        revision = max_old + 1
        new_replicas = self._new_rs_replicas(d, rss, 0)
        annotations = self._annotations_for(d, {}, revision, None)
        annotations[DESIRED] = str(replicas)
        annotations[MAX_REPLICAS] = str(replicas + surge)
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{b.name_of(d)}-{pod_hash}", "namespace": b.ns_of(d),
                           "labels": dict(template["metadata"]["labels"]), "annotations": annotations,
                           "ownerReferences": [b.owner_reference(d, "apps/v1", "Deployment")]},
              "spec": {"replicas": new_replicas, "minReadySeconds": int(spec.get("minReadySeconds") or 0),
                       "selector": selector, "template": template}}
        try:
            created = cluster.create("apps", "replicasets", rs, manager=MANAGER)
        except Exception as exc:  # noqa: BLE001
            if getattr(exc, "code", None) != 409:
                raise
            clash = cluster.get("apps", "replicasets", b.ns_of(d), b.name_of(rs))
            if clash is not None and b.owned_by(clash, d) and _template_without_hash(
                    (clash.get("spec") or {}).get("template")) == _template_without_hash(template):
                return clash, False

            def bump(current: dict) -> None:
                st = current.setdefault("status", {})
                st["collisionCount"] = int(st.get("collisionCount") or 0) + 1

            cluster.mutate("apps", "deployments", b.ns_of(d), b.name_of(d), bump, status=True, manager=MANAGER)
            raise
        if new_replicas > 0:
            cluster.record_event(d, "Normal", "ScalingReplicaSet",
                                 f"Scaled up replica set {b.name_of(created)} to {new_replicas} from 0", self.name)
        self._set_deployment_revision(cluster, d, revision)

        def progressing(current: dict) -> None:
            st = current.setdefault("status", {})
            st["conditions"] = b.set_condition(st.get("conditions") or [], self._condition(
                cluster, "Progressing", "True", "NewReplicaSetCreated",
                f'Created new replica set "{b.name_of(created)}"'))

        cluster.mutate("apps", "deployments", b.ns_of(d), b.name_of(d), progressing, status=True, manager=MANAGER)
        return created, True

    def _set_deployment_revision(self, cluster, d: dict, revision: int) -> None:
        if (b.meta(d).get("annotations") or {}).get(REVISION) == str(revision):
            return

        def annotate(current: dict) -> None:
            current["metadata"].setdefault("annotations", {})[REVISION] = str(revision)

        cluster.mutate("apps", "deployments", b.ns_of(d), b.name_of(d), annotate, manager=MANAGER)

    def _new_rs_replicas(self, d: dict, all_rss: list[dict], new_current: int) -> int:
        """deploymentutil.NewRSNewReplicas."""
        replicas = _replicas(d)
        if ((d.get("spec") or {}).get("strategy") or {}).get("type") == "Recreate":
            return replicas
        surge, _ = fenceposts(d)
        current_total = sum(_spec_replicas(rs) for rs in all_rss)
        max_total = replicas + surge
        if current_total >= max_total:
            return new_current
        return new_current + min(max_total - current_total, replicas - new_current)

    def _scale(self, cluster, rs: dict, size: int, d: dict) -> dict:
        surge, _ = fenceposts(d)
        replicas = _replicas(d)
        current = _spec_replicas(rs)
        annotations = b.meta(rs).get("annotations") or {}
        wanted = {DESIRED: str(replicas), MAX_REPLICAS: str(replicas + surge)}
        if current == size and all(annotations.get(k) == v for k, v in wanted.items()):
            return rs

        def change(obj: dict) -> None:
            obj["spec"]["replicas"] = size
            obj["metadata"].setdefault("annotations", {}).update(wanted)

        updated = cluster.mutate("apps", "replicasets", b.ns_of(rs), b.name_of(rs), change, manager=MANAGER) or rs
        if current != size:
            direction = "up" if size > current else "down"
            cluster.record_event(d, "Normal", "ScalingReplicaSet",
                                 f"Scaled {direction} replica set {b.name_of(rs)} to {size} from {current}", self.name)
        return updated

    # ------------------------------------------------------------------ strategies
    def _rolling(self, cluster, d: dict, new_rs: dict, old: list[dict]) -> None:
        replicas = _replicas(d)
        surge, max_unavailable = fenceposts(d)
        # reconcileNewReplicaSet
        if _spec_replicas(new_rs) > replicas:
            new_rs = self._scale(cluster, new_rs, replicas, d)
        elif _spec_replicas(new_rs) < replicas:
            size = self._new_rs_replicas(d, [new_rs, *old], _spec_replicas(new_rs))
            new_rs = self._scale(cluster, new_rs, size, d)
        # reconcileOldReplicaSets
        active_old = [rs for rs in old if _spec_replicas(rs) > 0]
        if not active_old:
            return
        all_rss = [new_rs, *old]
        all_pods = sum(_spec_replicas(rs) for rs in all_rss)
        min_available = replicas - max_unavailable
        new_unavailable = _spec_replicas(new_rs) - _status(new_rs, "availableReplicas")
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return
        # cleanupUnhealthyReplicas: old sets' unavailable pods go first
        cleaned = 0
        ordered = sorted(active_old, key=lambda rs: b.meta(rs).get("creationTimestamp") or "")
        survivors = []
        for rs in ordered:
            if cleaned >= max_scaled_down:
                survivors.append(rs)
                continue
            unhealthy = _spec_replicas(rs) - _status(rs, "availableReplicas")
            if unhealthy <= 0:
                survivors.append(rs)
                continue
            step = min(max_scaled_down - cleaned, unhealthy)
            rs = self._scale(cluster, rs, _spec_replicas(rs) - step, d)
            cleaned += step
            survivors.append(rs)
        # scaleDownOldReplicaSetsForRollingUpdate
        available = sum(_status(rs, "availableReplicas") for rs in [new_rs, *survivors])
        if available <= min_available:
            return
        remaining = min(available - min_available, max_scaled_down - cleaned)
        for rs in survivors:
            if remaining <= 0:
                break
            if _spec_replicas(rs) == 0:
                continue
            step = min(_spec_replicas(rs), remaining)
            self._scale(cluster, rs, _spec_replicas(rs) - step, d)
            remaining -= step

    def _old_gone(self, cluster, d: dict, old: list[dict]) -> bool:
        """Scale the old sets to zero; True once none of their pods is running or terminating."""
        scaled_down = False
        for rs in old:
            if _spec_replicas(rs) > 0:
                self._scale(cluster, rs, 0, d)
                scaled_down = True
        if scaled_down:
            return False
        old_uids = {b.uid_of(rs) for rs in old}
        for pod in cluster.list("", "pods", b.ns_of(d)):
            ref = b.controller_ref_of(pod)
            if ref is not None and ref.get("uid") in old_uids and b.pod_phase(pod) not in ("Succeeded", "Failed"):
                return False
        return True

    def _recreate(self, cluster, d: dict, new_rs: dict, old: list[dict]) -> None:
        if self._old_gone(cluster, d, old):
            self._scale(cluster, new_rs, _replicas(d), d)

    def _cleanup(self, cluster, d: dict) -> None:
        limit = (d.get("spec") or {}).get("revisionHistoryLimit")
        if limit is None:
            return
        rss = [rs for rs in cluster.list("apps", "replicasets", b.ns_of(d)) if b.owned_by(rs, d)]
        new_rs = self._find_new(d, rss)
        old = [rs for rs in rss if rs is not new_rs]
        idle = [rs for rs in old if _spec_replicas(rs) == 0 and _status(rs, "replicas") == 0
                and (b.meta(rs).get("generation") or 0) <= _status(rs, "observedGeneration") and not b.deleting(rs)]
        surplus = len(idle) - int(limit)
        if surplus <= 0:
            return
        idle.sort(key=lambda rs: (_revision(rs), b.meta(rs).get("creationTimestamp") or ""))
        for rs in idle[:surplus]:
            cluster.delete("apps", "replicasets", b.ns_of(rs), b.name_of(rs))

    # ------------------------------------------------------------------ status
    def _condition(self, cluster, type_: str, status: str, reason: str, message: str) -> dict:
        at = b.stamp(cluster)
        return {"type": type_, "status": status, "lastUpdateTime": at, "lastTransitionTime": at,
                "reason": reason, "message": message}

    def _sync_status(self, cluster, d: dict, paused: bool = False) -> None:
        """syncRolloutStatus: calculateStatus, then the Progressing condition (checkPausedConditions too)."""
        d = cluster.get("apps", "deployments", b.ns_of(d), b.name_of(d))
        if d is None:
            return
        rss = [rs for rs in cluster.list("apps", "replicasets", b.ns_of(d)) if b.owned_by(rs, d)]
        new_rs = self._find_new(d, rss)
        replicas = _replicas(d)
        _, max_unavailable = fenceposts(d)
        max_unavailable = min(max_unavailable, replicas)
        total = sum(_status(rs, "replicas") for rs in rss)
        updated = _status(new_rs, "replicas") if new_rs else 0
        ready = sum(_status(rs, "readyReplicas") for rs in rss)
        available = sum(_status(rs, "availableReplicas") for rs in rss)
        old_status = d.get("status") or {}
        status: dict = {}
        generation = b.meta(d).get("generation")
        if generation:
            status["observedGeneration"] = generation
        for key, value in (("replicas", total), ("updatedReplicas", updated), ("readyReplicas", ready),
                           ("availableReplicas", available), ("unavailableReplicas", max(replicas - available, 0)),
                           ("collisionCount", old_status.get("collisionCount"))):
            if value:
                status[key] = value
        conditions = list(old_status.get("conditions") or [])
        if available >= replicas - max_unavailable:
            conditions = b.set_condition(conditions, self._condition(
                cluster, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."))
        else:
            conditions = b.set_condition(conditions, self._condition(
                cluster, "Available", "False", "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability."))
        current = next((c for c in conditions if c.get("type") == "Progressing"), None)
        if paused:
            if current is None or current.get("reason") != "DeploymentPaused":
                conditions = b.set_condition(conditions, self._condition(
                    cluster, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"))
        elif current is not None and current.get("reason") == "DeploymentPaused":
            conditions = b.set_condition(conditions, self._condition(
                cluster, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"))
        elif (d.get("spec") or {}).get("progressDeadlineSeconds") is not None and not (
                total == updated and current is not None and current.get("reason") == "NewReplicaSetAvailable"):
            rs_text = f'ReplicaSet "{b.name_of(new_rs)}"' if new_rs else f'Deployment "{b.name_of(d)}"'
            complete = (updated == replicas and total == replicas and available == replicas
                        and (generation or 0) <= status.get("observedGeneration", 0))
            progressed = (updated > int(old_status.get("updatedReplicas") or 0)
                          or total < int(old_status.get("replicas") or 0)
                          or ready > int(old_status.get("readyReplicas") or 0)
                          or available > int(old_status.get("availableReplicas") or 0))
            if complete:
                conditions = b.set_condition(conditions, self._condition(
                    cluster, "Progressing", "True", "NewReplicaSetAvailable", f"{rs_text} has successfully progressed."))
            elif progressed:
                update = self._condition(cluster, "Progressing", "True", "ReplicaSetUpdated",
                                         f"{rs_text} is progressing.")
                if current is not None:
                    if current.get("status") == "True":
                        update["lastTransitionTime"] = current.get("lastTransitionTime")
                    conditions = [c for c in conditions if c.get("type") != "Progressing"]
                conditions = b.set_condition(conditions, update)
        if conditions:
            status["conditions"] = conditions
        if status == old_status:
            return

        def change(obj: dict) -> None:
            obj["status"] = status

        cluster.mutate("apps", "deployments", b.ns_of(d), b.name_of(d), change, status=True, manager=MANAGER)
