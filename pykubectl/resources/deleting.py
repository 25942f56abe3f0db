"""Deleting objects as kubectl does: DeleteOptions bodies, cascade strategies, and waiting until they are gone.

API:

* `cascade_policy(value) -> "Background" | "Foreground" | "Orphan"` (GetCascadingStrategy).
* `delete_body(grace_period, propagation, server_dry_run)`: the DELETE body kubectl sends
  (`{"gracePeriodSeconds":N,"propagationPolicy":"Background","dryRun":["All"]}`); grace_period < 0 omits it.
* `delete_object(client, path, body) -> dict`: the server's answer (the object or a Status).
* `uid_of(answer)`: the uid a DELETE answer names (object metadata or Status details).
* `wait_for_deletion(client, gone, timeout)`: kubectl wait's IsDeleted for each `Gone(path, name, uid, label)`:
  GET until 404 or another uid; otherwise watch the object until DELETED. Raises
  `KubectlError("timed out waiting for the condition on <label>")` when the time runs out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

FOREVER = 168 * 3600.0  # kubectl delete's effective timeout when --timeout is zero


def cascade_policy(value: str) -> str:
    mapping = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan",
               "true": "Background", "false": "Orphan"}
    if value not in mapping:
        raise KubectlError(f'invalid cascade value ({value}). Must be "background", "foreground", or "orphan"')
    return mapping[value]


def delete_body(grace_period: int, propagation: str, server_dry_run: bool = False) -> dict:
    body: dict = {}
    if grace_period >= 0:
        body["gracePeriodSeconds"] = grace_period
    body["propagationPolicy"] = propagation
    if server_dry_run:
        body["dryRun"] = ["All"]
    return body


def delete_object(client: RestClient, path: str, body: dict) -> dict:
    return client.request_json("DELETE", path, json=body) or {}


def uid_of(answer: dict) -> str:
    if answer.get("kind") == "Status":
        return str((answer.get("details") or {}).get("uid") or "")
    return str((answer.get("metadata") or {}).get("uid") or "")


@dataclass(frozen=True)
class Gone:
    collection_path: str
    name: str
    uid: str = ""
    label: str = ""  # "pods/p1", for the timeout message


def wait_for_deletion(client: RestClient, targets: list[Gone], timeout: float,
                      clock=time.monotonic) -> None:
    from pykubectl.resources.fetching import is_not_found

    deadline = clock() + (timeout if timeout > 0 else FOREVER)
    for target in targets:
        while True:
            try:
                live = client.get_json(f"{target.collection_path}/{target.name}", discovery=False)
            except KubectlError as exc:
                if is_not_found(exc):
                    break
                raise
            metadata = live.get("metadata") or {}
            if target.uid and metadata.get("uid") != target.uid:
                break
            remaining = deadline - clock()
            if remaining <= 0:
                raise KubectlError(f"timed out waiting for the condition on {target.label}")
            if _watch_until_deleted(client, target, str(metadata.get("resourceVersion") or ""), remaining):
                break


def _watch_until_deleted(client: RestClient, target: Gone, resource_version: str, remaining: float) -> bool:
    from pykubectl.client.watch import watch_once

    seconds = max(1, int(min(remaining, 60)))
    try:
        for event in watch_once(client, target.collection_path, {"fieldSelector": f"metadata.name={target.name}"},
                                resource_version or None, timeout_seconds=seconds):
            if event.type == "DELETED":
                return True
    except KubectlError:
        time.sleep(min(1.0, remaining))
    return False
