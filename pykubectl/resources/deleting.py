"""Deleting objects as kubectl does: DeleteOptions bodies, cascade strategies, and waiting until they are gone.

API:

* `cascade_policy(value) -> "Background" | "Foreground" | "Orphan"` (GetCascadingStrategy).
* `delete_body(grace_period, propagation, server_dry_run)`: the DELETE body kubectl sends
  (`{"gracePeriodSeconds":N,"propagationPolicy":"Background","dryRun":["All"]}`); grace_period < 0 omits it.
* `delete_object(client, path, body) -> dict`: the server's answer (the object or a Status).
* `uid_of(answer)`: the uid a DELETE answer names (object metadata or Status details).
* `wait_for_deletion(client, gone, timeout, on_wait=None)`: kubectl wait's IsDeleted (resources/waiting.py) for each
  `Gone(path, name, uid, label)`; raises WaitTimeout ("timed out waiting for the condition on <label>").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pykubectl.errors import KubectlError

if TYPE_CHECKING:
    from collections.abc import Callable

    from pykubectl.client.rest import RestClient

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
                      on_wait: Callable[[Gone], None] | None = None) -> None:
    """delete --wait: kubectl wait's IsDeleted for every target under one deadline (zero means a week).
    `on_wait(target)`, when given, is called before each target is waited for (a terminal's progress line)."""
    from pykubectl.resources.waiting import Deadline, WaitTarget, wait_deleted

    deadline = Deadline(timeout if timeout > 0 else -1)
    for target in targets:
        if on_wait is not None:
            on_wait(target)
        wait_deleted(client, WaitTarget(target.collection_path, target.name, target.label), deadline, uid=target.uid)
