"""kubectl logs: print (or follow) the logs of a container in a pod, or of a pod kubectl picks for a workload."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, PlainError, UsageError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

USAGE_LINE = "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]"
USAGE_ERROR = (f"expected '{USAGE_LINE}'.\nPOD or TYPE/NAME is a required argument for the logs command")
SELECTOR_TAIL = 10  # --tail's default with -l
DEFAULT_POD_RUNNING_TIMEOUT = 20.0

HELP = ("Print the logs for a container in a pod or specified resource. If the pod has only one container, the "
        "container name is optional.")
_EXAMPLES = (
    ("Return snapshot logs from pod nginx with only one container", "kubectl logs nginx"),
    ("Return snapshot logs from pod nginx, prefixing each line with the source pod and container name",
     "kubectl logs nginx --prefix"),
    ("Return snapshot logs from pod nginx, limiting output to 500 bytes", "kubectl logs nginx --limit-bytes=500"),
    ("Return snapshot logs from pod nginx, waiting up to 20 seconds for it to start running.",
     "kubectl logs nginx --pod-running-timeout=20s"),
    ("Return snapshot logs from pod nginx with multi containers", "kubectl logs nginx --all-containers=true"),
    ("Return snapshot logs from all pods in the deployment nginx", "kubectl logs deployment/nginx --all-pods=true"),
    ("Return snapshot logs from all containers in pods defined by label app=nginx",
     "kubectl logs -l app=nginx --all-containers=true"),
    ("Return snapshot logs from all pods defined by label app=nginx, limiting concurrent log requests to 10 pods",
     "kubectl logs -l app=nginx --max-log-requests=10"),
    ("Return snapshot of previous terminated ruby container logs from pod web-1", "kubectl logs -p -c ruby web-1"),
    ("Begin streaming the logs from pod nginx, continuing even if errors occur",
     "kubectl logs nginx -f --ignore-errors=true"),
    ("Begin streaming the logs of the ruby container in pod web-1", "kubectl logs -f -c ruby web-1"),
    ("Begin streaming the logs from all containers in pods defined by label app=nginx",
     "kubectl logs -f -l app=nginx --all-containers=true"),
    ("Display only the most recent 20 lines of output in pod nginx", "kubectl logs --tail=20 nginx"),
    ("Show all logs from pod nginx written in the last hour", "kubectl logs --since=1h nginx"),
    ("Show all logs with timestamps from pod nginx starting from August 30, 2024, at 06:00:00 UTC",
     "kubectl logs nginx --since-time=2024-08-30T06:00:00Z --timestamps=true"),
    ("Show logs from a kubelet with an expired serving certificate",
     "kubectl logs --insecure-skip-tls-verify-backend nginx"),
    ("Return snapshot logs from first container of a job named hello", "kubectl logs job/hello"),
    ("Return snapshot logs from container nginx-1 of a deployment named nginx",
     "kubectl logs deployment/nginx -c nginx-1"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)


class GoDuration(click.ParamType):
    """A pflag Duration flag: Go's time.ParseDuration, in seconds, with pflag's error wording."""

    name = "duration"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        from pykubectl.client.transport import parse_go_duration

        text = str(value)
        try:
            return parse_go_duration(text) / 1e9
        except ValueError:
            pass
        from pykubectl.errors import FlagError

        long = next((o for o in param.opts if o.startswith("--")), "") if param is not None else ""
        raise FlagError(f'invalid argument "{text}" for "{long}" flag: {duration_error(text)}',
                        ctx.command_path if ctx is not None else None)


def duration_error(text: str) -> str:
    """time.ParseDuration's error for text it rejects."""
    import re

    from pykubectl.client.status import go_quote

    quoted = go_quote(text)
    body = text[1:] if text[:1] in "+-" else text
    if re.fullmatch(r"\d+(\.\d*)?|\.\d+", body):
        return f"time: missing unit in duration {quoted}"
    match = re.fullmatch(r"(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*(\d+\.?\d*|\.\d+)([^\d.]+).*", body)
    if match and match.group(2) not in ("ns", "us", "µs", "μs", "ms", "s", "m", "h"):
        unit = re.match(r"[^\d.]+", match.group(2))
        return f"time: unknown unit {go_quote(unit.group(0) if unit else match.group(2))} in duration {quoted}"
    return f"time: invalid duration {quoted}"


def _duration(*decls: str, default: float, shown: str, help: str):
    return pflag._decorate("duration", decls, shown_default=shown, type=GoDuration(), default=default, help=help)


@dataclass(frozen=True)
class LogsOptions:
    args: tuple[str, ...]
    container: str
    container_given: bool
    all_containers: bool
    all_pods: bool
    follow: bool
    previous: bool
    timestamps: bool
    ignore_errors: bool
    insecure_skip_tls_verify_backend: bool
    limit_bytes: int
    tail: int
    tail_given: bool
    since: float
    since_time: str
    selector: str
    max_log_requests: int
    prefix: bool
    pod_running_timeout: float

    @classmethod
    def from_flags(cls, params: dict) -> LogsOptions:
        tail = params.get("tail")
        return cls(
            args=tuple(params.get("args") or ()), container=params.get("container") or "",
            container_given=params.get("container") is not None,
            all_containers=bool(params.get("all_containers")), all_pods=bool(params.get("all_pods")),
            follow=bool(params.get("follow")), previous=bool(params.get("previous")),
            timestamps=bool(params.get("timestamps")), ignore_errors=bool(params.get("ignore_errors")),
            insecure_skip_tls_verify_backend=bool(params.get("insecure_skip_tls_verify_backend")),
            limit_bytes=int(params.get("limit_bytes") or 0), tail=-1 if tail is None else int(tail),
            tail_given=tail is not None, since=float(params.get("since") or 0.0),
            since_time=params.get("since_time") or "", selector=params.get("selector") or "",
            max_log_requests=int(params["max_log_requests"]) if params.get("max_log_requests") is not None else 5,
            prefix=bool(params.get("prefix")) or bool(params.get("all_pods")),
            pod_running_timeout=float(params["pod_running_timeout"]) if params.get("pod_running_timeout")
            is not None else DEFAULT_POD_RUNNING_TIMEOUT)

    @property
    def resource_arg(self) -> str:
        return self.args[0] if self.args else ""

    @property
    def effective_container(self) -> str:
        """The inline [CONTAINER] argument overrides -c, as kubectl's Complete does."""
        return self.args[1] if len(self.args) == 2 else self.container

    def check_arguments(self, command_path: str) -> None:
        """Complete's argument checks (usage errors)."""
        if not self.args and not self.selector or len(self.args) > 2:
            raise UsageError(USAGE_ERROR, command_path)
        if len(self.args) == 1 and self.selector:
            raise UsageError("only a selector (-l) or a POD name is allowed", command_path)

    def to_query(self):
        """ToLogOptions: the PodLogOptions kubectl sends (--since rounded to whole seconds)."""
        from pykubectl.client.logs import PodLogQuery
        from pykubectl.resources.logs import parse_rfc3339

        since_time = parse_rfc3339(self.since_time) if self.since_time else ""
        since_seconds = None
        if self.since != 0:
            since_seconds = _round_half_away(self.since)
        tail_lines = None
        if self.selector and self.tail == -1 and not self.tail_given:
            tail_lines = SELECTOR_TAIL
        elif self.tail != -1:
            tail_lines = self.tail
        return PodLogQuery(container=self.effective_container, follow=self.follow, previous=self.previous,
                           timestamps=self.timestamps, since_seconds=since_seconds, since_time=since_time,
                           tail_lines=tail_lines, limit_bytes=self.limit_bytes or None,
                           insecure_skip_tls_verify_backend=self.insecure_skip_tls_verify_backend)

    def validate(self, query) -> None:
        if self.since_time and self.since != 0:
            raise KubectlError("at most one of `sinceTime` or `sinceSeconds` may be specified")
        if self.all_containers and query.container:
            raise KubectlError(f"--all-containers=true should not be specified with container name {query.container}")
        if self.container_given and len(self.args) == 2:
            raise KubectlError("only one of -c or an inline [CONTAINER] arg is allowed")
        if self.limit_bytes < 0:
            raise KubectlError("--limit-bytes must be greater than 0")
        if query.since_seconds is not None and query.since_seconds < 0:
            raise KubectlError("--since must be greater than 0")
        if query.tail_lines is not None and query.tail_lines < -1:
            raise KubectlError("--tail must be greater than or equal to -1")


def _round_half_away(seconds: float) -> int:
    """time.Duration.Round(time.Second): halves away from zero."""
    import math

    sign = -1 if seconds < 0 else 1
    return sign * int(math.floor(abs(seconds) + 0.5))


@click.command("logs", cls=KubectlCommand, help=HELP, examples=EXAMPLES,
               usage="[-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]")
@pflag.boolean("--all-containers", help="Get all containers' logs in the pod(s).")
@pflag.boolean("--all-pods", help="Get logs from all pod(s). Sets prefix to true.")
@pflag.boolean("-f", "--follow", help="Specify if the logs should be streamed.")
@pflag.boolean("--timestamps", help="Include timestamps on each line in the log output")
@bundles.integer("--limit-bytes", default=0, help="Maximum bytes of logs to return. Defaults to no limit.")
@pflag.boolean("-p", "--previous", help="If true, print the logs for the previous instance of the container in a "
                                        "pod if it exists.")
@bundles.integer("--tail", default=None, help="Lines of recent log file to display. Defaults to -1 with no "
                                              "selector, showing all log lines otherwise 10, if a selector is "
                                              "provided.")
@pflag.boolean("--ignore-errors", help="If watching / following pod logs, allow for any errors that occur to be "
                                       "non-fatal")
@pflag.string("--since-time", help="Only return logs after a specific date (RFC3339). Defaults to all logs. Only "
                                   "one of since-time / since may be used.")
@_duration("--since", default=0.0, shown="0s",
           help="Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one "
                "of since-time / since may be used.")
@pflag.string("-c", "--container", help="Print the logs of this container")
@pflag.boolean("--insecure-skip-tls-verify-backend",
               help="Skip verifying the identity of the kubelet that logs are requested from.  In theory, an attacker "
                    "could provide invalid log content back. You might want to use this if your kubelet serving "
                    "certificates have expired.")
@_duration("--pod-running-timeout", default=DEFAULT_POD_RUNNING_TIMEOUT, shown="20s",
           help="The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running")
@bundles.selector
@bundles.integer("--max-log-requests", default=5, help="Specify maximum number of concurrent logs to follow when "
                                                       "using by a selector. Defaults to 5.")
@pflag.boolean("--prefix", help="Prefix each log line with the log source (pod name and container name)")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = LogsOptions.from_flags(params)
    options.check_arguments(click.get_current_context().command_path)
    session = current_session()
    namespace = session.namespace
    if options.pod_running_timeout <= 0:
        raise KubectlError("--pod-running-timeout must be higher than zero")
    query = options.to_query()
    obj = fetch_object(session, options, namespace)
    options.validate(query)
    _catch_interrupts()
    try:
        run(options, session, obj, query)
    except KeyboardInterrupt:
        raise PlainError("") from None  # kubectl's interrupt handler: streams stop, exit 1, nothing printed


for _param in command.params:
    if _param.name == "tail":
        _param.pflag_default_text = "-1"  # type: ignore[attr-defined]


def _catch_interrupts() -> None:
    """kubectl's interrupt handler takes SIGINT even when the shell started it ignored (a background job)."""
    import signal

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def fetch_object(session, options: LogsOptions, namespace: str) -> dict:
    """Complete's builder: the pod (or TYPE/NAME) named, or the pods the selector matches, as one object."""
    from pykubectl.client.status import go_quote
    from pykubectl.resources.fetching import Fetcher, is_not_found
    from pykubectl.resources.selection import SelectionRequest, select

    if options.selector:
        args = (f"pods/{options.resource_arg}",) if options.resource_arg else ("pods",)
    else:
        arg = options.resource_arg
        args = (arg if "/" in arg else f"pods/{arg}",)
    request = SelectionRequest(args=args, label_selector=options.selector)
    selection = select(request, session.mapper, namespace)
    fetcher = Fetcher(session.client, chunk_size=0)
    fetched = list(fetcher.visit(selection))
    error = fetcher.unwrapped_error()
    if error is not None:
        if is_not_found(error):
            raise KubectlError(f"error from server (NotFound): {error} in namespace {go_quote(namespace)}")
        raise error
    if not fetched:
        raise KubectlError("expected a resource")
    obj = fetched[0].obj
    if options.selector and not (obj.get("items") or []):
        session.streams.err.write(f"No resources found in {namespace} namespace.\n")
    return obj


class _Output:
    """Writes log bytes to stdout whole lines at a time, from any number of threads."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self.lock:
            buffer = getattr(self.stream, "buffer", None)
            if buffer is not None:
                self.stream.flush()
                buffer.write(data)
                buffer.flush()
            else:
                self.stream.write(data.decode("utf-8", "replace"))
                self.stream.flush()


def run(options: LogsOptions, session, obj: dict, query) -> None:
    from pykubectl.resources.logs import requests_for_object

    requests = requests_for_object(session.client, obj, query, options.pod_running_timeout,
                                   options.all_containers, options.all_pods, warn=session.streams.err)
    if options.follow and len(requests) > 1 and len(requests) > options.max_log_requests:
        raise KubectlError(f"you are attempting to follow {len(requests)} log streams, but maximum allowed "
                           f"concurrency is {options.max_log_requests}, use --max-log-requests to increase the limit")
    out = _Output(session.streams.out)
    if options.follow and len(requests) > 1:
        _parallel(options, session.client, requests, out)
        return
    for request in requests:
        try:
            _consume(options, session.client, request, out)
        except KubectlError as exc:
            if not options.ignore_errors:
                raise
            out.write(f"error: {exc}\n".encode())


def _consume(options: LogsOptions, client, request, out: _Output) -> None:
    from pykubectl.client.logs import iter_log_lines

    prefix = request.source.prefix.encode() if options.prefix else b""
    source = request.source
    for line in iter_log_lines(client, source.namespace, source.pod, request.query):
        out.write(prefix + line)


def _parallel(options: LogsOptions, client, requests, out: _Output) -> None:
    """parallelConsumeRequest: one reader per stream; the first error (unless ignored) ends the command."""
    import queue

    done: queue.Queue = queue.Queue()

    def follow(request) -> None:
        try:
            _consume(options, client, request, out)
        except KubectlError as exc:
            if options.ignore_errors:
                out.write(f"error: {exc}\n".encode())
            else:
                done.put(exc)
                return
        except Exception as exc:  # noqa: BLE001 - a dropped stream ends that reader, as io.Copy would
            done.put(exc)
            return
        done.put(None)

    for request in requests:
        threading.Thread(target=follow, args=(request,), daemon=True).start()
    for _ in requests:
        while True:
            try:
                result = done.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        if isinstance(result, KubectlError):
            raise result
        if isinstance(result, Exception):
            raise KubectlError(str(result) or type(result).__name__)
