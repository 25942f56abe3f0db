"""kubectl's polymorphic rollout helpers (pkg/polymorphichelpers): status viewers, history, rollback,
pause, resume and restart for deployments, daemon sets and stateful sets.

API (objects are dicts as the server returns them; `client` is a RestClient):

* `rollout_status(obj, revision) -> (message, done)`: the status viewer's line (newline-ended) for one
  observed state; raises KubectlError for kubectl's failures (other revision, deadline exceeded,
  OnDelete strategy, a kind without a viewer).
* `revision_history(client, obj) -> dict[int, Revision]`: the revisions kubectl's history viewer shows:
  ReplicaSets owned by a Deployment (annotation `deployment.kubernetes.io/revision`), ControllerRevisions
  owned by a DaemonSet/StatefulSet (`.revision`). `Revision.template` is the pod template (for
  deployments with the change-cause copied into its annotations, as kubectl does), `.change_cause`,
  `.source` the ReplicaSet or ControllerRevision.
* `rollback(client, obj, to_revision, dry_run) -> Rollback`: kubectl's rollbacker. `Rollback.message`
  is "rolled back" or "skipped rollback (current template already matches revision N)"; for a client
  dry run `.template` is the template that would be restored (the caller prints it).
* `pause_patch(obj)`, `resume_patch(obj)`, `restart_patch(obj, now)`: the strategic merge patch kubectl
  sends, or raise `ObjectError(reason)` (`is already paused`, `pausing is not supported`, ...), which
  the command reports as `error: deployments.apps "web" <reason>`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"
RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt"
HASH_LABEL = "pod-template-hash"
ANNOTATIONS_TO_SKIP = frozenset({
    "kubectl.kubernetes.io/last-applied-configuration", REVISION_ANNOTATION,
    "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to",
})


class ObjectError(KubectlError):
    """A per-object refusal of pause/resume/restart, worded after the object's name."""


def _kind(obj: dict) -> tuple[str, str]:
    api_version = str(obj.get("apiVersion") or "")
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    return group, str(obj.get("kind") or "")


def group_kind(obj: dict) -> str:
    group, kind = _kind(obj)
    return f"{kind}.{group}" if group else kind


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _spec(obj: dict) -> dict:
    return obj.get("spec") if isinstance(obj.get("spec"), dict) else {}


def _status(obj: dict) -> dict:
    return obj.get("status") if isinstance(obj.get("status"), dict) else {}


def _meta(obj: dict) -> dict:
    return obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}


def deployment_revision(obj: dict) -> int:
    text = (_meta(obj).get("annotations") or {}).get(REVISION_ANNOTATION)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def rollout_status(obj: dict, revision: int = 0) -> tuple[str, bool]:
    group, kind = _kind(obj)
    name = str(_meta(obj).get("name") or "")
    generation = _int(_meta(obj).get("generation"))
    spec, status = _spec(obj), _status(obj)
    observed = _int(status.get("observedGeneration"))
    if group == "apps" and kind == "Deployment":
        if revision > 0:
            running = deployment_revision(obj)
            if revision != running:
                raise KubectlError(f"desired revision ({revision}) is different from the running revision ({running})")
        if generation > observed:
            return "Waiting for deployment spec update to be observed...\n", False
        for condition in status.get("conditions") or []:
            if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
                raise KubectlError(f'deployment "{name}" exceeded its progress deadline')
        replicas = spec.get("replicas")
        updated = _int(status.get("updatedReplicas"))
        if isinstance(replicas, int) and updated < replicas:
            return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} new replicas '
                    "have been updated...\n"), False
        total = _int(status.get("replicas"))
        if total > updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are pending '
                    "termination...\n"), False
        available = _int(status.get("availableReplicas"))
        if available < updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas '
                    "are available...\n"), False
        return f'deployment "{name}" successfully rolled out\n', True
    if group == "apps" and kind == "DaemonSet":
        if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
            raise KubectlError("rollout status is only available for RollingUpdate strategy type")
        if generation > observed:
            return "Waiting for daemon set spec update to be observed...\n", False
        desired = _int(status.get("desiredNumberScheduled"))
        updated = _int(status.get("updatedNumberScheduled"))
        if updated < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods have '
                    "been updated...\n"), False
        available = _int(status.get("numberAvailable"))
        if available < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods are '
                    "available...\n"), False
        return f'daemon set "{name}" successfully rolled out\n', True
    if group == "apps" and kind == "StatefulSet":
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") != "RollingUpdate":
            raise KubectlError("rollout status is only available for RollingUpdate strategy type")
        if observed == 0 or generation > observed:
            return "Waiting for statefulset spec update to be observed...\n", False
        replicas = spec.get("replicas")
        ready = _int(status.get("readyReplicas"))
        if isinstance(replicas, int) and ready < replicas:
            return f"Waiting for {replicas - ready} pods to be ready...\n", False
        updated = _int(status.get("updatedReplicas"))
        rolling = strategy.get("rollingUpdate")
        if isinstance(rolling, dict):
            partition = rolling.get("partition")
            if isinstance(replicas, int) and isinstance(partition, int) and updated < replicas - partition:
                return (f"Waiting for partitioned roll out to finish: {updated} out of {replicas - partition} new "
                        "pods have been updated...\n"), False
            return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
        update_revision = str(status.get("updateRevision") or "")
        current_revision = str(status.get("currentRevision") or "")
        if update_revision != current_revision:
            return (f"waiting for statefulset rolling update to complete {updated} pods at revision "
                    f"{update_revision}...\n"), False
        return (f"statefulset rolling update complete {_int(status.get('currentReplicas'))} pods at revision "
                f"{current_revision}...\n"), True
    raise KubectlError(f"no status viewer has been implemented for {group_kind(obj)}")


# ----------------------------------------------------------------------------------------------- history


@dataclass
class Revision:
    number: int
    template: dict
    change_cause: str
    source: dict


def _owned_by(obj: dict, owner: dict) -> bool:
    uid = _meta(owner).get("uid")
    return any(ref.get("controller") and ref.get("uid") == uid for ref in _meta(obj).get("ownerReferences") or [])


def _selector_query(owner: dict) -> dict:
    labels = ((_spec(owner).get("selector") or {}).get("matchLabels") or {})
    return {"labelSelector": ",".join(f"{k}={v}" for k, v in sorted(labels.items()))} if labels else {}


def _list_owned(client: RestClient, owner: dict, plural: str, kind: str) -> list[dict]:
    namespace = str(_meta(owner).get("namespace") or "")
    path = f"/apis/apps/v1/namespaces/{namespace}/{plural}"
    items = client.get_json(path, _selector_query(owner), discovery=False).get("items") or []
    return [{"apiVersion": "apps/v1", "kind": kind, **item} for item in items if _owned_by(item, owner)]


def _history_kind(obj: dict) -> str:
    group, kind = _kind(obj)
    if group == "apps" and kind in ("Deployment", "DaemonSet", "StatefulSet"):
        return kind
    raise KubectlError(f'no history viewer has been implemented for "{kind}"')


def _revision_template(revision: dict) -> dict:
    template = copy.deepcopy(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def revision_history(client: RestClient, obj: dict) -> dict[int, Revision]:
    kind = _history_kind(obj)
    history: dict[int, Revision] = {}
    if kind == "Deployment":
        for rs in _list_owned(client, obj, "replicasets", "ReplicaSet"):
            number = deployment_revision(rs)
            template = copy.deepcopy(_spec(rs).get("template") or {})
            cause = str((_meta(rs).get("annotations") or {}).get(CHANGE_CAUSE_ANNOTATION) or "")
            if cause:
                template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE_ANNOTATION] = cause
            history[number] = Revision(number, template, cause, rs)
        return history
    for revision in _list_owned(client, obj, "controllerrevisions", "ControllerRevision"):
        number = _int(revision.get("revision"))
        cause = str((_meta(revision).get("annotations") or {}).get(CHANGE_CAUSE_ANNOTATION) or "")
        history[number] = Revision(number, _revision_template(revision), cause, revision)
    return history


def history_table(history: dict[int, Revision]) -> str:
    """printHistory: REVISION and CHANGE-CAUSE aligned as Go's tabwriter (padding 2)."""
    rows = [("REVISION", "CHANGE-CAUSE")] + [(str(n), history[n].change_cause or "<none>") for n in sorted(history)]
    width = max(len(r[0]) for r in rows) + 2
    return "".join(f"{a.ljust(width)}{b}\n" for a, b in rows)


# ----------------------------------------------------------------------------------------------- rollback


@dataclass
class Rollback:
    message: str = ""
    template: dict | None = None  # a client dry run: what would be restored


def _without_hash(template: dict) -> dict:
    template = copy.deepcopy(template)
    labels = (template.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return template


def _normalised(template: dict) -> dict:
    template = _without_hash(template)
    meta = template.get("metadata")
    if isinstance(meta, dict):
        meta.pop("creationTimestamp", None)
        for key in ("labels", "annotations"):
            if not meta.get(key):
                meta.pop(key, None)
        if not meta:
            template.pop("metadata")
    return template


def rollback(client: RestClient, obj: dict, to_revision: int, dry_run: str = "none") -> Rollback:
    kind = _history_kind(obj)
    name = str(_meta(obj).get("name") or "")
    namespace = str(_meta(obj).get("namespace") or "")
    params = {"dryRun": "All"} if dry_run == "server" else None
    if kind == "Deployment":
        sets = _list_owned(client, obj, "replicasets", "ReplicaSet")
        chosen = None
        if to_revision == 0:
            if len(sets) <= 1:
                raise KubectlError(f'no rollout history found for deployment "{name}"')
            ordered = sorted(sets, key=deployment_revision)
            chosen = ordered[-2]
        else:
            chosen = next((rs for rs in sets if deployment_revision(rs) == to_revision), None)
            if chosen is None:
                raise KubectlError(f"unable to find specified revision {to_revision} in history")
        template = _without_hash(_spec(chosen).get("template") or {})
        if dry_run == "client":
            return Rollback(template=_spec(chosen).get("template") or {})
        if _spec(obj).get("paused"):  # checked after the revision is found, as kubectl does
            raise KubectlError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
                               "resume' and try again")
        if _normalised(template) == _normalised(_spec(obj).get("template") or {}):
            return Rollback(f"skipped rollback (current template already matches revision {to_revision})")
        annotations = {k: v for k, v in (_meta(obj).get("annotations") or {}).items() if k in ANNOTATIONS_TO_SKIP}
        annotations.update({k: v for k, v in (_meta(chosen).get("annotations") or {}).items()
                            if k not in ANNOTATIONS_TO_SKIP})
        patch = [{"op": "replace", "path": "/spec/template", "value": template},
                 {"op": "replace", "path": "/metadata/annotations", "value": annotations}]
        path = f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}"
        _patch(client, path, params, patch, "application/json-patch+json", to_revision)
        return Rollback("rolled back")
    if to_revision < 0:
        raise KubectlError(f"unable to find specified revision {to_revision} in history")
    history = _list_owned(client, obj, "controllerrevisions", "ControllerRevision")
    if to_revision == 0 and len(history) <= 1:
        raise KubectlError("no last revision to roll back to")
    ordered = sorted(history, key=lambda r: _int(r.get("revision")))
    if to_revision == 0:
        chosen = ordered[-2]
    else:
        chosen = next((r for r in ordered if _int(r.get("revision")) == to_revision), None)
    if chosen is None:
        raise KubectlError(f"unable to find specified revision {to_revision} in history")
    template = _revision_template(chosen)
    if dry_run == "client":
        return Rollback(template=template)
    if _normalised(template) == _normalised(_spec(obj).get("template") or {}):
        return Rollback(f"skipped rollback (current template already matches revision {to_revision})")
    plural = "daemonsets" if kind == "DaemonSet" else "statefulsets"
    path = f"/apis/apps/v1/namespaces/{namespace}/{plural}/{name}"
    _patch(client, path, params, chosen.get("data") or {}, "application/strategic-merge-patch+json", to_revision)
    return Rollback("rolled back")


def _patch(client: RestClient, path: str, params, body, content_type: str, to_revision: int) -> None:
    from pykubectl.errors import ApiError

    try:
        client.request_json("PATCH", path, params, json=body, headers={"Content-Type": content_type})
    except ApiError as exc:
        raise KubectlError(f"failed restoring revision {to_revision}: {exc.message}") from None


# ----------------------------------------------------------------------------------------------- patches


def pause_patch(obj: dict) -> dict:
    group, kind = _kind(obj)
    if group == "apps" and kind == "Deployment":
        if _spec(obj).get("paused"):
            raise ObjectError("is already paused")
        return {"spec": {"paused": True}}
    raise ObjectError("pausing is not supported")


def resume_patch(obj: dict) -> dict:
    group, kind = _kind(obj)
    if group == "apps" and kind == "Deployment":
        if not _spec(obj).get("paused"):
            raise ObjectError("is not paused")
        return {"spec": {"paused": None}}
    raise ObjectError("resuming is not supported")


def restart_patch(obj: dict, now: str) -> dict:
    """`now` is time.Now().Format(time.RFC3339) in local time, as kubectl writes it."""
    group, kind = _kind(obj)
    if group == "apps" and kind in ("Deployment", "DaemonSet", "StatefulSet"):
        if kind == "Deployment" and _spec(obj).get("paused"):
            raise ObjectError("can't restart paused deployment (run rollout resume first)")
        current = (((_spec(obj).get("template") or {}).get("metadata") or {}).get("annotations") or {})
        if current.get(RESTARTED_AT_ANNOTATION) == now:
            raise ObjectError("")  # an empty patch: restarted twice within one second
        return {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT_ANNOTATION: now}}}}}
    raise ObjectError("restarting is not supported")
