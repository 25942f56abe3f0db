"""kubectl exec: run a command in a container, over the websocket channel protocol (client/channels.py)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

DASH_MARK = "\x00--"  # where `--` was: cobra's ArgsLenAtDash

HELP = "Execute a command in a container."
_EXAMPLES = (
    ("Get output from running the 'date' command from pod mypod, using the first container by default",
     "kubectl exec mypod -- date"),
    ("Get output from running the 'date' command in ruby-container from pod mypod",
     "kubectl exec mypod -c ruby-container -- date"),
    ("Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod\n"
     "  # and sends stdout/stderr from 'bash' back to the client",
     "kubectl exec mypod -c ruby-container -i -t -- bash -il"),
    ("List contents of /usr from the first container of pod mypod and sort by modification time\n"
     "  # If the command you want to execute in the pod has any flags in common (e.g. -i),\n"
     "  # you must use two dashes (--) to separate your command's flags/arguments\n"
     "  # Also note, do not surround your command and its flags/arguments with quotes\n"
     "  # unless that is how you would execute it normally (i.e., do ls -t /usr, not \"ls -t /usr\")",
     "kubectl exec mypod -i -t -- ls -t /usr"),
    ("Get output from running 'date' command from the first pod of the deployment mydeployment, using the first "
     "container by default", "kubectl exec deploy/mydeployment -- date"),
    ("Get output from running 'date' command from the first pod of the service myservice, using the first "
     "container by default", "kubectl exec svc/myservice -- date"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)
CONTAINER_HELP = ("Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for "
                  "selecting the container to be attached or the first container in the pod will be chosen")


class _DashAwareCommand(KubectlCommand):
    """Keeps where `--` stood, as a marker argument, since kubectl reads its position (ArgsLenAtDash)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        if "--" in args:
            at = args.index("--")
            args[at:at] = [DASH_MARK]
        return super().parse_args(ctx, args)


@dataclass(frozen=True)
class ExecOptions:
    resource: str
    command: tuple[str, ...]
    container: str
    filenames: tuple[str, ...]
    stdin: bool
    tty: bool
    quiet: bool
    pod_running_timeout: float

    @classmethod
    def from_flags(cls, params: dict, command_path: str) -> ExecOptions:
        """Complete's argument handling: the resource before `--`, the command after it."""
        args = list(params.get("args") or ())
        at_dash = args.index(DASH_MARK) if DASH_MARK in args else -1
        if at_dash >= 0:
            del args[at_dash]
        filenames = tuple(params.get("filename") or ())
        resource = args[0] if args and at_dash != 0 else ""
        command: tuple[str, ...] = ()
        if at_dash in (0, 1):
            command = tuple(args[at_dash:])
        elif len(args) > 1 or (args and filenames):
            raise UsageError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead",
                             command_path)
        timeout = float(params.get("pod_running_timeout") or 0.0)
        if timeout <= 0:
            raise UsageError("--pod-running-timeout must be higher than zero", command_path)
        return cls(resource=resource, command=command, container=params.get("container") or "",
                   filenames=filenames, stdin=bool(params.get("stdin")), tty=bool(params.get("tty")),
                   quiet=bool(params.get("quiet")), pod_running_timeout=timeout)

    def validate(self) -> None:
        if not self.resource and not self.filenames:
            raise KubectlError("pod, type/name or --filename must be specified")
        if not self.command:
            raise KubectlError("you must specify at least one command for the container")


@click.command("exec", cls=_DashAwareCommand, help=HELP, examples=EXAMPLES,
               usage="(POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]")
@pflag.string("-c", "--container", help=CONTAINER_HELP)
@pflag.string_array("-f", "--filename", help="to use to exec into the resource")
@bundles.pod_running_timeout
@pflag.boolean("-q", "--quiet", help="Only print output from the remote session")
@pflag.boolean("-i", "--stdin", help="Pass stdin to the container")
@pflag.boolean("-t", "--tty", help="Stdin is a TTY")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ExecOptions.from_flags(params, click.get_current_context().command_path)
    session = current_session()
    namespace = session.namespace
    options.validate()
    run(options, session, namespace)


def fetch_pod(session, options: ExecOptions, namespace: str) -> dict:
    """The builder (`pods` is the default type of a bare name, or -f) and AttachablePodForObject."""
    from pykubectl.resources.attachable import attachable_pod
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, select

    args: tuple[str, ...] = ()
    if options.resource:
        args = (options.resource if "/" in options.resource else f"pods/{options.resource}",)
    request = SelectionRequest(args=args, filenames=options.filenames)
    selection = select(request, session.mapper, namespace, stdin=session.streams.stdin)
    fetcher = Fetcher(session.client, chunk_size=0)
    fetched = list(fetcher.visit(selection))
    error = fetcher.unwrapped_error()
    if error is not None:
        raise error
    if not fetched:
        raise KubectlError("cannot exec into multiple objects at a time")
    if len(fetched) > 1 or "items" in fetched[0].obj:
        raise KubectlError("cannot exec into multiple objects at a time")
    return attachable_pod(session.client, fetched[0].obj, options.pod_running_timeout)


def run(options: ExecOptions, session, namespace: str) -> None:
    from pykubectl.resources.attachable import container_for, remote_session

    streams = session.streams
    pod = fetch_pod(session, options, namespace)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"cannot exec into a container in a completed pod; current phase is {phase}")
    if options.container:  # kubectl 1.32 leaves an unknown name to the server's answer
        container = options.container
    else:
        container = container_for(pod, "", options.quiet, streams.err).get("name", "")
    remote_session(session.client, streams, pod, "exec", container, options.command, options.stdin, options.tty,
                   options.quiet)
