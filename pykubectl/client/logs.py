"""Container logs over GET .../pods/NAME/log: the query (PodLogOptions) and the answer as a stream of lines.

API:

* `PodLogQuery(container="", follow=False, previous=False, timestamps=False, since_seconds=None,
  since_time="", tail_lines=None, limit_bytes=None, insecure_skip_tls_verify_backend=False)`: what
  kubectl's PodLogOptions carries; `.params()` gives the query as client-go encodes it (false booleans
  and unset numbers left out, `sinceTime` as RFC 3339 in UTC, seconds precision). `.with_container(c)`.
* `log_path(namespace, pod)`: the subresource path.
* `iter_log_lines(client, namespace, pod, query)`: a generator of the body's lines as bytes, each with
  its `\n` (the last one may lack it), read as they arrive, so `follow` streams. An error answer
  (Status) is raised as ApiError on the first `next()`, before anything is yielded, as client-go's
  Request.Stream does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient

# What kubectl's clientset sends for a log stream (the JSON serializer's Accept, plus */*).
LOG_ACCEPT = "application/json, */*"


@dataclass(frozen=True)
class PodLogQuery:
    container: str = ""
    follow: bool = False
    previous: bool = False
    timestamps: bool = False
    since_seconds: int | None = None
    since_time: str = ""  # already normalised to RFC 3339 UTC (see resources.logs.parse_rfc3339)
    tail_lines: int | None = None
    limit_bytes: int | None = None
    insecure_skip_tls_verify_backend: bool = False

    def with_container(self, container: str) -> PodLogQuery:
        return replace(self, container=container)

    def params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.container:
            params["container"] = self.container
        if self.follow:
            params["follow"] = "true"
        if self.previous:
            params["previous"] = "true"
        if self.since_seconds is not None:
            params["sinceSeconds"] = str(self.since_seconds)
        if self.since_time:
            params["sinceTime"] = self.since_time
        if self.timestamps:
            params["timestamps"] = "true"
        if self.tail_lines is not None:
            params["tailLines"] = str(self.tail_lines)
        if self.limit_bytes is not None:
            params["limitBytes"] = str(self.limit_bytes)
        if self.insecure_skip_tls_verify_backend:
            params["insecureSkipTLSVerifyBackend"] = "true"
        return params


def log_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{namespace}/pods/{pod}/log"


def split_lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Re-cut byte chunks at newlines (bufio.Reader.ReadBytes('\\n')); a trailing partial line comes last."""
    pending = b""
    for chunk in chunks:
        if not chunk:
            continue
        pending += chunk
        while True:
            cut = pending.find(b"\n")
            if cut < 0:
                break
            yield pending[: cut + 1]
            pending = pending[cut + 1:]
    if pending:
        yield pending


def iter_log_lines(client: RestClient, namespace: str, pod: str, query: PodLogQuery) -> Iterator[bytes]:
    with client.stream("GET", log_path(namespace, pod), query.params(), headers={"Accept": LOG_ACCEPT}) as response:
        yield from split_lines(response.iter_bytes())
