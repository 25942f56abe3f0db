"""GET /api/v1/namespaces/{ns}/pods/{name}/log: container logs from the simulated runtime (PROTOCOLS.md §8).

Parameters as PodLogOptions: container, follow, previous, sinceSeconds, sinceTime, timestamps, tailLines,
limitBytes. Errors are the apiserver's and kubelet's texts as 400 Status bodies. With follow=true the chunked
answer stays open until the container ends or the client goes away.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
from typing import Any

from aiohttp import web

from .. import status
from ..status import StatusError

FOLLOW_POLL = 0.05  # seconds between looks at a followed log


def add_routes(app: web.Application, cluster: Any) -> None:
    handler = LogHandler(cluster)
    app.router.add_get("/api/v1/namespaces/{namespace}/pods/{name}/log", handler.get)


def _bad_request(message: str) -> StatusError:
    return StatusError(status.bad_request(message))


def _int_param(query, name: str, minimum: int) -> int | None:
    if name not in query:
        return None
    raw = query[name]
    try:
        value = int(raw)
    except ValueError:
        raise _bad_request(f'strconv.ParseInt: parsing "{raw}": invalid syntax') from None
    if value < minimum:
        field = {"tailLines": "tailLines", "limitBytes": "limitBytes", "sinceSeconds": "sinceSeconds"}[name]
        detail = "must be greater than 0" if minimum > 0 else "must be greater than or equal to 0"
        raise StatusError(status.invalid("PodLogOptions", "", "", [{
            "reason": "FieldValueInvalid", "field": field, "message": f"Invalid value: {value}: {detail}"}]))
    return value


def _stamp(at: float) -> str:
    moment = _dt.datetime.fromtimestamp(at, _dt.UTC)
    nanos = int(round((at - int(at)) * 1e9)) % 1_000_000_000
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1", "t")


def _container_names(spec: dict, key: str) -> list[str]:
    return [c.get("name", "") for c in spec.get(key) or []]


class LogHandler:
    def __init__(self, cluster: Any):
        self.cluster = cluster

    def _pick(self, pod: dict, wanted: str) -> str:
        spec, name = pod.get("spec") or {}, pod["metadata"]["name"]
        containers = _container_names(spec, "containers")
        inits = _container_names(spec, "initContainers")
        ephemeral = _container_names(spec, "ephemeralContainers")
        if not wanted:
            if len(containers) == 1:
                return containers[0]
            message = f"a container name must be specified for pod {name}, choose one of: [{' '.join(containers)}]"
            if inits:
                message += f" or one of the init containers: [{' '.join(inits)}]"
            if ephemeral:
                message += f" or one of the ephemeral containers: [{' '.join(ephemeral)}]"
            raise _bad_request(message)
        if wanted not in containers + inits + ephemeral:
            raise _bad_request(f"container {wanted} is not valid for pod {name}")
        return wanted

    @staticmethod
    def _container_status(pod: dict, container: str) -> dict:
        st = pod.get("status") or {}
        for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
            for cs in st.get(key) or []:
                if cs.get("name") == container:
                    return cs
        return {}

    async def get(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._get(request)
        except StatusError as exc:
            return web.Response(text=json.dumps(exc.body), status=exc.code, content_type="application/json")
        except ConnectionResetError:  # the client stopped following: nothing left to answer
            return web.Response(status=499)

    async def _get(self, request: web.Request) -> web.StreamResponse:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        query = request.query
        pod = self.cluster.get("", "pods", namespace, name)
        if pod is None:
            raise StatusError(status.not_found("pods", "", name))
        container = self._pick(pod, query.get("container", ""))
        tail = _int_param(query, "tailLines", 0)
        limit = _int_param(query, "limitBytes", 1)
        since_seconds = _int_param(query, "sinceSeconds", 1)
        since_time = query.get("sinceTime")
        if since_seconds is not None and since_time:
            raise StatusError(status.invalid("PodLogOptions", "", "", [{
                "reason": "FieldValueForbidden", "field": "",
                "message": "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"}]))
        previous, follow, timestamps = (_truthy(query.get("previous")), _truthy(query.get("follow")),
                                        _truthy(query.get("timestamps")))
        if not (pod.get("spec") or {}).get("nodeName"):
            raise _bad_request(f"pod {name} does not have a host assigned")
        runtime = self.cluster.runtime
        record = (runtime.previous if previous else runtime.container)(namespace, name, container)
        if record is None:
            if previous:
                raise _bad_request(f'previous terminated container "{container}" in pod "{name}" not found')
            waiting = (self._container_status(pod, container).get("state") or {}).get("waiting") or {}
            reason = waiting.get("reason") or "ContainerCreating"
            if reason in ("ErrImagePull", "ImagePullBackOff"):
                raise _bad_request(f'container "{container}" in pod "{name}" is waiting to start: '
                                   "trying and failing to pull image")
            if reason == "InvalidImageName":
                raise _bad_request(f'container "{container}" in pod "{name}" is waiting to start: image can\'t be '
                                   "pulled")
            raise _bad_request(f'container "{container}" in pod "{name}" is waiting to start: {reason}')
        start_at = None
        if since_seconds is not None:
            start_at = self.cluster.clock.now() - since_seconds
        elif since_time:
            try:
                start_at = _dt.datetime.fromisoformat(since_time.replace("Z", "+00:00")).timestamp()
            except ValueError:
                raise _bad_request(f'parsing time "{since_time}" as "2006-01-02T15:04:05Z07:00": cannot parse '
                                   f'"{since_time}" as "2006"') from None
        response = web.StreamResponse(status=200, headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        log = record.log
        entries, closed = log.snapshot()
        selected = [e for e in entries if start_at is None or e.time >= start_at]
        if tail is not None:
            selected = selected[-tail:] if tail else []
        sent = 0

        async def send(entry) -> bool:
            nonlocal sent
            data = (_stamp(entry.time) + " ").encode() + entry.data if timestamps else entry.data
            if limit is not None:
                data = data[: max(0, limit - sent)]
            if data:
                await response.write(data)
                sent += len(data)
            return limit is None or sent < limit

        for entry in selected:
            if not await send(entry):
                return response
        if follow:
            seen = len(entries)
            while True:
                more, closed = log.snapshot(seen)
                seen += len(more)
                for entry in more:
                    if start_at is None or entry.time >= start_at:
                        if not await send(entry):
                            return response
                if closed and not more:
                    break
                if request.transport is None or request.transport.is_closing():
                    break
                await asyncio.sleep(FOLLOW_POLL)
        await response.write_eof()
        return response
