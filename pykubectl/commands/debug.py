"""kubectl debug: an ephemeral debug container in a pod, a changed copy of a pod, or a pod on a node's host."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from pykubectl.errors import FlagError, KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    "Debug cluster resources using interactive debugging containers.\n\n"
    " 'debug' provides automation for common debugging tasks for cluster objects identified by resource and name. "
    "Pods will be used by default if no resource is specified.\n\n"
    " The action taken by 'debug' varies depending on what resource is specified. Supported actions include:\n\n"
    "  *  Workload: Create a copy of an existing pod with certain attributes changed, for example changing the "
    "image tag to a new version.\n"
    "  *  Workload: Add an ephemeral container to an already running pod, for example to add debugging utilities "
    "without restarting the pod.\n"
    "  *  Node: Create a new pod that runs in the node's host namespaces and can access the node's filesystem."
)
_EXAMPLES = (
    ("Create an interactive debugging session in pod mypod and immediately attach to it.",
     "kubectl debug mypod -it --image=busybox"),
    ("Create an interactive debugging session for the pod in the file pod.yaml and immediately attach to it.\n"
     "  # (requires the EphemeralContainers feature to be enabled in the cluster)",
     "kubectl debug -f pod.yaml -it --image=busybox"),
    ("Create a debug container named debugger using a custom automated debugging image.",
     "kubectl debug --image=myproj/debug-tools -c debugger mypod"),
    ("Create a copy of mypod adding a debug container and attach to it",
     "kubectl debug mypod -it --image=busybox --copy-to=my-debugger"),
    ("Create a copy of mypod changing the command of mycontainer",
     "kubectl debug mypod -it --copy-to=my-debugger --container=mycontainer -- sh"),
    ("Create a copy of mypod changing all container images to busybox",
     "kubectl debug mypod --copy-to=my-debugger --set-image=*=busybox"),
    ("Create a copy of mypod adding a debug container and changing container images",
     "kubectl debug mypod -it --copy-to=my-debugger --image=debian --set-image=app=app:debug,sidecar=sidecar:debug"),
    ("Create an interactive debugging session on a node and immediately attach to it.\n"
     "  # The container will run in the host namespaces and the host's filesystem will be mounted at /host",
     "kubectl debug node/mynode -it --image=busybox"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)
USAGE = "(POD | TYPE[[.VERSION].GROUP]/NAME) [ -- COMMAND [args...] ] [options]"
DASH_MARK = "\x00--"  # where `--` was: cobra's ArgsLenAtDash
LEGACY_WARNING = ('--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly '
                  'specify a profile, for example "--profile=general".\n')


class _DashAwareCommand(KubectlCommand):
    """Keeps where `--` stood, as a marker argument: what comes after it is the container's command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        if "--" in args:
            at = args.index("--")
            args[at:at] = [DASH_MARK]
        return super().parse_args(ctx, args)


def _string_to_string(values, flag: str, command_path: str) -> tuple[tuple[str, str], ...]:
    """pflag's StringToString: comma-separated key=value items, later keys winning."""
    result: dict[str, str] = {}
    for value in values or ():
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            key, found, val = str(item).partition("=")
            if not found:
                raise FlagError(f'invalid argument "{item}" for "--{flag}" flag: {item} must be formatted as '
                                "key=value", command_path)
            result[key] = val
    return tuple(result.items())


def _flatten(values) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out.extend(value if isinstance(value, list | tuple) else [value])
    return tuple(out)


@dataclass(frozen=True)
class DebugOptions:
    targets: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    args_only: bool = False
    attach: bool = False
    attach_changed: bool = False
    container: str = ""
    copy_to: str = ""
    replace: bool = False
    env: tuple[tuple[str, str], ...] = ()
    image: str = ""
    pull_policy: str = ""
    stdin: bool = False
    tty: bool = False
    quiet: bool = False
    same_node: bool = False
    set_images: tuple[tuple[str, str], ...] = ()
    share_processes: bool | None = None
    target: str = ""
    profile: str = "legacy"
    custom_file: str = ""
    keep: dict = field(default_factory=dict)
    command_path: str = "kubectl debug"

    @classmethod
    def from_flags(cls, params: dict, command_path: str) -> DebugOptions:
        args = list(params.get("args") or ())
        targets, command = args, []
        if DASH_MARK in args:
            at = args.index(DASH_MARK)
            targets, command = args[:at], args[at + 1:]
        stdin = bool(params.get("stdin"))
        attach = params.get("attach")
        return cls(
            targets=tuple(targets), args=tuple(command), filenames=_flatten(params.get("filename")),
            args_only=bool(params.get("arguments_only")), attach=stdin if attach is None else bool(attach),
            attach_changed=attach is not None, container=params.get("container") or "",
            copy_to=params.get("copy_to") or "", replace=bool(params.get("replace")),
            env=tuple(sorted(_string_to_string(params.get("env"), "env", command_path))),
            image=params.get("image") or "", pull_policy=params.get("image_pull_policy") or "",
            stdin=stdin, tty=bool(params.get("tty")), quiet=bool(params.get("quiet")),
            same_node=bool(params.get("same_node")),
            set_images=_string_to_string(params.get("set_image"), "set-image", command_path),
            share_processes=params.get("share_processes"), target=params.get("target") or "",
            profile=params.get("profile") if params.get("profile") is not None else "legacy",
            custom_file=params.get("custom") or "",
            keep={"labels": bool(params.get("keep_labels")), "annotations": bool(params.get("keep_annotations")),
                  "liveness": bool(params.get("keep_liveness")), "readiness": bool(params.get("keep_readiness")),
                  "startup": bool(params.get("keep_startup")),
                  "init_containers": params.get("keep_init_containers") is not False},
            command_path=command_path)

    def complete(self) -> dict | None:
        """Complete's checks: the profile must exist; a custom profile file must hold a container spec."""
        from pykubectl.resources.debugging import PROFILES

        if self.profile not in PROFILES:
            raise KubectlError(f"unknown profile: {self.profile}")
        if not self.custom_file:
            return None
        import json

        try:
            with open(self.custom_file, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            reason = exc.strerror.lower() if exc.strerror else str(exc)
            raise KubectlError(f"must pass a container spec json file for custom profile: open {self.custom_file}: "
                               f"{reason}") from None
        try:
            custom = json.loads(raw)
        except ValueError:
            import yaml

            try:
                custom = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except yaml.YAMLError as exc:
                raise KubectlError(f"{self.custom_file} does not contain a valid container spec: {exc}") from None
        if not isinstance(custom, dict):
            raise KubectlError(f"{self.custom_file} does not contain a valid container spec: json: cannot unmarshal "
                               "into Go value of type v1.Container")
        return custom

    def validate(self, out, err, custom: dict | None) -> None:
        from pykubectl.resources.pod_spec import image_reference_valid

        if self.attach and self.attach_changed and not self.image and not self.container:
            raise KubectlError("you must specify --container or create a new container using --image in order to "
                               "attach.")
        if self.copy_to:
            if not self.image and not self.set_images and not self.args:
                raise KubectlError("you must specify --image, --set-image or command arguments.")
            if self.args and not self.container and not self.image:
                raise KubectlError("you must specify an existing container or a new image when specifying args.")
        elif self.replace:
            raise KubectlError("--replace may only be used with --copy-to.")
        elif self.same_node:
            raise KubectlError("--same-node may only be used with --copy-to.")
        elif self.set_images:
            raise KubectlError("--set-image may only be used with --copy-to.")
        elif not self.image:
            raise KubectlError("you must specify --image when not using --copy-to.")
        if self.image and not image_reference_valid(self.image):
            raise KubectlError(f'invalid image name "{self.image}": invalid reference format')
        if not self.targets and not self.filenames:
            raise KubectlError("NAME or filename is required for debug")
        if self.pull_policy not in ("Always", "IfNotPresent", "Never", ""):
            raise KubectlError(f"invalid image pull policy: {self.pull_policy}")
        for name, image in self.set_images:
            if not image_reference_valid(image):
                raise KubectlError(f'invalid image name "{image}" for container "{name}": invalid reference format')
        if self.target:
            if self.copy_to:
                raise KubectlError("--target is incompatible with --copy-to. Use --share-processes instead.")
            if not self.quiet:
                out.write(f'Targeting container "{self.target}". If you don\'t see processes from this container it '
                          "may be because the container runtime doesn't support this feature.\n")
                out.flush()
        if self.tty and not self.stdin:
            raise KubectlError("-i/--stdin is required for containers with -t/--tty=true")
        if custom is not None and (custom.get("name") or custom.get("command") or custom.get("image")
                                   or custom.get("lifecycle") is not None or custom.get("volumeDevices")):
            raise KubectlError("name, command, image, lifecycle and volume devices are not modifiable via custom "
                               "profile")
        if self.profile == "legacy":
            err.write(LEGACY_WARNING)
            err.flush()

    def spec(self, custom: dict | None):
        from pykubectl.resources.debugging import DebugSpec, Keep

        return DebugSpec(image=self.image, container=self.container, args=self.args, args_only=self.args_only,
                         env=self.env, pull_policy=self.pull_policy, stdin=self.stdin, tty=self.tty,
                         target=self.target, profile=self.profile, keep=Keep(**self.keep),
                         set_images=self.set_images, copy_to=self.copy_to, same_node=self.same_node,
                         share_processes=self.share_processes, custom=custom)


@click.command("debug", cls=_DashAwareCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--arguments-only", help="If specified, everything after -- will be passed to the new container as Args instead of Command.")
@pflag.boolean("--attach", default=None, shown_default="false", help="If true, wait for the container to start running, and then attach as if 'kubectl attach ...' were called.  Default false, unless '-i/--stdin' is set, in which case the default is true.")
@pflag.string("-c", "--container", help="Container name to use for debug container.")
@pflag.string("--copy-to", help="Create a copy of the target Pod with this name.")
@pflag.string("--custom", help="Path to a JSON or YAML file containing a partial container spec to customize built-in debug profiles.")
@pflag.string_slice("--env", help="Environment variables to set in the container.")
@pflag.string_slice("-f", "--filename", help="identifying the resource to debug")
@pflag.string("--image", help="Container image to use for debug container.")
@pflag.string("--image-pull-policy", help="The image pull policy for the container. If left empty, this value will not be specified by the client and defaulted by the server.")
@pflag.boolean("--keep-annotations", help="If true, keep the original pod annotations.(This flag only works when used with '--copy-to')")
@pflag.boolean("--keep-init-containers", default=True, help="Run the init containers for the pod. Defaults to true.(This flag only works when used with '--copy-to')")
@pflag.boolean("--keep-labels", help="If true, keep the original pod labels.(This flag only works when used with '--copy-to')")
@pflag.boolean("--keep-liveness", help="If true, keep the original pod liveness probes.(This flag only works when used with '--copy-to')")
@pflag.boolean("--keep-readiness", help="If true, keep the original pod readiness probes.(This flag only works when used with '--copy-to')")
@pflag.boolean("--keep-startup", help="If true, keep the original startup probes.(This flag only works when used with '--copy-to')")
@pflag.string("--profile", default="legacy", help='Options are "legacy", "general", "baseline", "netadmin", "restricted" or "sysadmin".')
@pflag.boolean("-q", "--quiet", help="If true, suppress informational messages.")
@pflag.boolean("--replace", help="When used with '--copy-to', delete the original Pod.")
@pflag.boolean("--same-node", help="When used with '--copy-to', schedule the copy of target Pod on the same node.")
@pflag.string_slice("--set-image", help="When used with '--copy-to', a list of name=image pairs for changing container images, similar to how 'kubectl set image' works.")
@pflag.boolean("--share-processes", default=None, shown_default="true", help="When used with '--copy-to', enable process namespace sharing in the copy.")
@pflag.boolean("-i", "--stdin", help="Keep stdin open on the container(s) in the pod, even if nothing is attached.")
@pflag.string("--target", help="When using an ephemeral container, target processes in this container name.")
@pflag.boolean("-t", "--tty", help="Allocate a TTY for the debugging container.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    command_path = click.get_current_context().command_path
    options = DebugOptions.from_flags(params, command_path)
    session = current_session()
    custom = options.complete()
    namespace = session.namespace
    options.validate(session.streams.out, session.streams.err, custom)
    run(options, session, namespace, custom)


def run(options: DebugOptions, session, namespace: str, custom: dict | None = None) -> None:
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, select

    args = tuple(t if "/" in t else f"pods/{t}" for t in options.targets)
    selection = select(SelectionRequest(args=args, filenames=options.filenames), session.mapper, namespace,
                       explicit_namespace=bool(session.overrides.namespace), stdin=session.streams.stdin)
    fetcher = Fetcher(session.client, chunk_size=0)
    spec = options.spec(custom)
    for fetched in fetcher.visit(selection):
        if fetcher.error() is not None:
            break
        obj = fetched.obj
        kind = obj.get("kind")
        if kind == "Node":
            pod, container = _visit_node(session, options, spec, namespace, obj)
        elif kind == "Pod":
            pod, container = _visit_pod(session, options, spec, obj)
        else:
            version = obj.get("apiVersion", "")
            group, _, ver = version.rpartition("/")
            raise KubectlError(f'"{group}/{ver}, Kind={kind}" not supported by debug')
        if options.attach and container:
            _attach(session, options, pod, container)
    error = fetcher.unwrapped_error()
    if error is not None:
        raise error


def _announce(session, options: DebugOptions):
    if options.quiet:
        return None

    def write(text: str) -> None:
        session.streams.out.write(text)
        session.streams.out.flush()

    return write


def _visit_node(session, options: DebugOptions, spec, namespace: str, node: dict) -> tuple[dict, str]:
    import json

    from pykubectl.resources.debugging import node_debug_pod, random_suffix

    node_name = (node.get("metadata") or {}).get("name", "")
    pod_name = f"node-debugger-{node_name}-{random_suffix(5)}"
    container = spec.container or "debugger"
    if not options.quiet:
        session.streams.out.write(f"Creating debugging pod {pod_name} with container {container} on node "
                                  f"{node_name}.\n")
        session.streams.out.flush()
    pod = node_debug_pod(node, spec, pod_name)
    created = session.client.request_json("POST", f"/api/v1/namespaces/{namespace}/pods",
                                          content=json.dumps(pod).encode(),
                                          headers={"Content-Type": "application/json"})
    return created, ((created.get("spec") or {}).get("containers") or [{}])[0].get("name", container)


def _visit_pod(session, options: DebugOptions, spec, pod: dict) -> tuple[dict, str]:
    import json

    from pykubectl.errors import ApiError
    from pykubectl.resources import debugging

    metadata = pod.get("metadata") or {}
    namespace, name = metadata.get("namespace", ""), metadata.get("name", "")
    client = session.client
    if options.copy_to:
        copied, container = debugging.pod_copy(pod, spec, _announce(session, options))
        created = client.request_json("POST", f"/api/v1/namespaces/{copied['metadata']['namespace']}/pods",
                                      content=json.dumps(copied).encode(),
                                      headers={"Content-Type": "application/json"})
        if options.replace:
            client.request_json("DELETE", f"/api/v1/namespaces/{namespace}/pods/{name}",
                                json={"gracePeriodSeconds": 0})
        return created, container
    _, container = debugging.ephemeral_debug_pod(pod, spec, _announce(session, options))
    existing = (pod.get("spec") or {}).get("ephemeralContainers") or []
    patch: dict = {"spec": {"ephemeralContainers": [container]}}
    if existing:  # CreateTwoWayMergePatch keeps the list's order with a directive
        patch["spec"]["$setElementOrder/ephemeralContainers"] = [{"name": c.get("name")}
                                                                 for c in [*existing, container]]
    try:
        result = client.request_json("PATCH", f"/api/v1/namespaces/{namespace}/pods/{name}/ephemeralcontainers",
                                     content=json.dumps(patch).encode(),
                                     headers={"Content-Type": "application/strategic-merge-patch+json"})
    except ApiError as exc:
        if exc.reason == "NotFound" and not exc.details.get("name"):
            raise KubectlError(f"ephemeral containers are disabled for this cluster (error from server: "
                               f"{json.dumps(str(exc))})") from None
        raise
    return result, container["name"]


def _attach(session, options: DebugOptions, pod: dict, container: str) -> None:
    """handleAttachPod: wait for the container to start, then attach, or print its logs when it already ended."""
    from pykubectl.resources import debugging

    metadata = pod.get("metadata") or {}
    namespace, name = metadata.get("namespace", ""), metadata.get("name", "")
    err = session.streams.err

    colour = _allows_colour(err)

    def warn(text: str) -> None:  # printers.WarningPrinter, yellow on a terminal
        err.write(f"\x1b[33;1mWarning:\x1b[0m {text}\n" if colour else f"Warning: {text}\n")
        err.flush()

    current = debugging.wait_for_pod(session.client, namespace, name, 0,
                                     debugging.container_started(container, None if options.quiet else warn))
    status = debugging.container_status(current, container) or {}
    if "terminated" in (status.get("state") or {}):
        debugging.print_logs(session.client, session.streams.out, current, container)
        return
    command_name = options.command_path.rsplit(" ", 1)[0] + " attach"
    debugging.attach_or_logs(session.client, session.streams, current, container, options.stdin, options.tty,
                             options.quiet, command_name)


def _allows_colour(stream) -> bool:
    """term.AllowsColorOutput: a terminal whose TERM is not dumb."""
    import os

    try:
        return bool(stream.isatty()) and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False
