"""describe for configuration objects: ConfigMaps, Secrets (sizes only) and ServiceAccounts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.writer import (
    LEVEL_0,
    annotations_multiline,
    describe_events,
    labels_multiline,
    meta,
    tabbed,
)


def _header(w, obj: Mapping) -> None:
    m = meta(obj)
    w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
    w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))


def _decoded(value) -> bytes:
    try:
        return base64.b64decode(value or "", validate=False)
    except (binascii.Error, ValueError):
        return b""


def describe_config_map(obj: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        _header(w, obj)
        w.write(LEVEL_0, "\nData\n====\n")
        # Go ranges over a map: kubectl's order is random; ours is sorted.
        for key, value in sorted((obj.get("data") or {}).items()):
            w.write(LEVEL_0, f"{key}:\n----\n")
            w.write(LEVEL_0, f"{value}\n")
            w.write(LEVEL_0, "\n")
        w.write(LEVEL_0, "\nBinaryData\n====\n")
        for key, value in sorted((obj.get("binaryData") or {}).items()):
            w.write(LEVEL_0, f"{key}: {len(_decoded(value))} bytes\n")
        w.write(LEVEL_0, "\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_secret(obj: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        _header(w, obj)
        kind = obj.get("type", "")
        w.write(LEVEL_0, f"\nType:\t{kind}\n")
        w.write(LEVEL_0, "\nData\n====\n")
        for key, value in sorted((obj.get("data") or {}).items()):
            data = _decoded(value)
            if key == "token" and kind == "kubernetes.io/service-account-token":
                w.write(LEVEL_0, f"{key}:\t{data.decode('utf-8', 'replace')}\n")
            else:
                w.write(LEVEL_0, f"{key}:\t{len(data)} bytes\n")

    return tabbed(render)


def describe_service_account(obj: Mapping, related: Mapping, now: datetime) -> str:
    secrets = related.get("secrets")  # None: the list failed, so nothing is marked missing
    uid = meta(obj).get("uid", "")
    name = meta(obj).get("name", "")
    tokens: list[str] = []
    missing: set[str] = set()
    if secrets is not None:
        existing = set()
        for secret in secrets:
            notes = meta(secret).get("annotations") or {}
            if (secret.get("type") == "kubernetes.io/service-account-token"
                    and notes.get("kubernetes.io/service-account.name", "") == name
                    and notes.get("kubernetes.io/service-account.uid", "") == uid):
                tokens.append(meta(secret).get("name", ""))
            existing.add(meta(secret).get("name", ""))
        for ref in [*(obj.get("secrets") or []), *(obj.get("imagePullSecrets") or [])]:
            if ref.get("name", "") not in existing:
                missing.add(ref.get("name", ""))

    def render(w) -> None:
        _header(w, obj)
        empty = "                   "
        sections = {
            "Image pull secrets:": [s.get("name", "") for s in obj.get("imagePullSecrets") or []],
            "Mountable secrets: ": [s.get("name", "") for s in obj.get("secrets") or []],
            "Tokens:            ": tokens,
        }
        for header in sorted(sections):
            names = sections[header]
            if not names:
                w.write(LEVEL_0, f"{header}\t<none>\n")
                continue
            prefix = header
            for secret_name in names:
                suffix = " (not found)" if secret_name in missing else ""
                w.write(LEVEL_0, f"{prefix}\t{secret_name}{suffix}\n")
                prefix = empty
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)
