"""kubectl attach: join a container's running main process (its output, and its stdin with -i)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Attach to a process that is already running inside an existing container."
_EXAMPLES = (
    ("Get output from running pod mypod; use the 'kubectl.kubernetes.io/default-container' annotation\n"
     "  # for selecting the container to be attached or the first container in the pod will be chosen",
     "kubectl attach mypod"),
    ("Get output from ruby-container from pod mypod", "kubectl attach mypod -c ruby-container"),
    ("Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod\n"
     "  # and sends stdout/stderr from 'bash' back to the client", "kubectl attach mypod -c ruby-container -i -t"),
    ("Get output from the first pod of a replica set named nginx", "kubectl attach rs/nginx"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)
CONTAINER_HELP = ("Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for "
                  "selecting the container to be attached or the first container in the pod will be chosen")
PROMPT_HINT = "If you don't see a command prompt, try pressing enter.\n"


@dataclass(frozen=True)
class AttachOptions:
    resources: tuple[str, ...]
    container: str
    stdin: bool
    tty: bool
    quiet: bool
    pod_running_timeout: float

    @classmethod
    def from_flags(cls, params: dict) -> AttachOptions:
        return cls(resources=tuple(params.get("args") or ()), container=params.get("container") or "",
                   stdin=bool(params.get("stdin")), tty=bool(params.get("tty")), quiet=bool(params.get("quiet")),
                   pod_running_timeout=float(params.get("pod_running_timeout") or 0.0))

    def validate(self) -> None:
        if not self.resources:
            raise KubectlError("at least 1 argument is required for attach")
        if len(self.resources) > 2:
            raise KubectlError(f"expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw "
                               f"{len(self.resources)}: [{' '.join(self.resources)}]")
        if self.pod_running_timeout <= 0:
            raise KubectlError("--pod-running-timeout must be higher than zero")


@click.command("attach", cls=KubectlCommand, help=HELP, examples=EXAMPLES,
               usage="(POD | TYPE/NAME) -c CONTAINER [options]")
@pflag.string("-c", "--container", help=CONTAINER_HELP)
@bundles.pod_running_timeout
@pflag.boolean("-q", "--quiet", help="Only print output from the remote session")
@pflag.boolean("-i", "--stdin", help="Pass stdin to the container")
@pflag.boolean("-t", "--tty", help="Stdin is a TTY")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = AttachOptions.from_flags(params)
    if params.get("pod_running_timeout") is not None and options.pod_running_timeout <= 0:
        raise UsageError("--pod-running-timeout must be higher than zero", click.get_current_context().command_path)
    session = current_session()
    namespace = session.namespace
    options.validate()
    run(options, session, namespace, click.get_current_context().command_path)


def fetch_pod(session, options: AttachOptions, namespace: str) -> dict:
    from pykubectl.resources.attachable import attachable_pod
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, select

    if len(options.resources) == 1:
        arg = options.resources[0]
        args: tuple[str, ...] = (arg if "/" in arg else f"pods/{arg}",)
    else:
        args = options.resources
    selection = select(SelectionRequest(args=args), session.mapper, namespace)
    fetcher = Fetcher(session.client, chunk_size=0)
    fetched = list(fetcher.visit(selection))
    error = fetcher.unwrapped_error()
    if error is not None:
        raise error
    if len(fetched) != 1:
        raise KubectlError(f"expected a single object, got {len(fetched)}")
    return attachable_pod(session.client, fetched[0].obj, options.pod_running_timeout)


def run(options: AttachOptions, session, namespace: str, command_path: str) -> None:
    from pykubectl.resources.attachable import container_for, remote_session

    streams = session.streams
    pod = fetch_pod(session, options, namespace)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"cannot attach a container in a completed pod; current phase is {phase}")
    try:
        container = container_for(pod, options.container, options.quiet, streams.err)
    except KubectlError as exc:
        raise KubectlError(f"cannot attach to the container: {exc}") from None
    tty = options.tty
    if tty and not container.get("tty"):
        tty = False
        if not options.quiet:
            streams.err.write(f"error: Unable to use a TTY - container {container.get('name', '')} did not "
                              "allocate one\n")
    elif not tty and container.get("tty"):
        tty = True

    def announce(raw: bool) -> None:
        if not options.quiet:
            streams.err.write(PROMPT_HINT)
            streams.err.flush()

    raw = remote_session(session.client, streams, pod, "attach", container.get("name", ""), (), options.stdin, tty,
                         options.quiet, nudge=True, announce=announce)
    if not options.quiet and options.stdin and raw:
        metadata = pod.get("metadata") or {}
        name = container.get("name", "")
        streams.out.write(f"Session ended, resume using '{command_path} {metadata.get('name', '')} -c {name} -n "
                          f"{metadata.get('namespace', '')} -i -t' command\n")
