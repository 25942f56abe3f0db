"""kubectl port-forward: forward local ports to a pod (or to a pod of a workload or service).

Complete as kubectl's: the object named (pod by default), its pod (AttachablePodForObject), service ports
translated to target ports and named ports to numbers, UDP-only ports refused; then the pod must be Running.
The forwarding itself is `pykubectl.client.portforward`: SPDY/3.1 tunnelled in one websocket as kubectl 1.31+
does, or, when the server refuses that (or PYKUBECTL_PORT_FORWARD_TUNNEL=false), the plain websocket protocol
with one websocket per connection.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = """Forward one or more local ports to a pod.

 Use resource type/name such as deployment/mydeployment to select a pod. Resource type defaults to 'pod' if omitted.

 If there are multiple pods matching the criteria, a pod will be selected automatically. The forwarding session ends when the selected pod terminates, and a rerun of the command is needed to resume forwarding."""
_EXAMPLES = (
    ("Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in the pod",
     "kubectl port-forward pod/mypod 5000 6000"),
    ("Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in a pod selected by the "
     "deployment", "kubectl port-forward deployment/mydeployment 5000 6000"),
    ("Listen on port 8443 locally, forwarding to the targetPort of the service's port named \"https\" in a pod "
     "selected by the service", "kubectl port-forward service/myservice 8443:https"),
    ("Listen on port 8888 locally, forwarding to 5000 in the pod", "kubectl port-forward pod/mypod 8888:5000"),
    ("Listen on port 8888 on all addresses, forwarding to 5000 in the pod",
     "kubectl port-forward --address 0.0.0.0 pod/mypod 8888:5000"),
    ("Listen on port 8888 on localhost and selected IP, forwarding to 5000 in the pod",
     "kubectl port-forward --address localhost,10.19.21.23 pod/mypod 8888:5000"),
    ("Listen on a random port locally, forwarding to 5000 in the pod", "kubectl port-forward pod/mypod :5000"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)
USAGE = "TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]"
DEFAULT_POD_RUNNING_TIMEOUT = "1m0s"


class _Duration(click.ParamType):
    """pflag's Duration: Go's time.ParseDuration, kept as text; pflag's wording when it does not parse."""

    name = "duration"

    def convert(self, value, param, ctx):
        from pykubectl.client.transport import parse_go_duration
        from pykubectl.errors import FlagError

        text = str(value)
        try:
            parse_go_duration(text)
            return text
        except ValueError:
            pass
        body = text.lstrip("+-")
        number = body.rstrip("0123456789.")
        reason = (f'time: missing unit in duration "{text}"' if body and not number and body != "."
                  else f'time: invalid duration "{text}"')
        raise FlagError(f'invalid argument "{text}" for "--pod-running-timeout" flag: {reason}',
                        ctx.command_path if ctx is not None else None)


@dataclass(frozen=True)
class PortForwardOptions:
    resource: str
    ports: tuple[str, ...]
    addresses: tuple[str, ...]
    pod_running_timeout: str

    @classmethod
    def from_flags(cls, params: dict) -> PortForwardOptions:
        args = tuple(params.get("args") or ())
        addresses: list[str] = []
        for value in params.get("address") or ():
            addresses.extend(value if isinstance(value, list) else [value])
        return cls(resource=args[0] if args else "", ports=args[1:], addresses=tuple(addresses or ["localhost"]),
                   pod_running_timeout=params.get("pod_running_timeout") or DEFAULT_POD_RUNNING_TIMEOUT)

    def validate(self, command_path: str) -> None:
        if not self.resource or not self.ports:
            raise UsageError("TYPE/NAME and list of ports are required for port-forward", command_path)

    def timeout_seconds(self, command_path: str) -> float:
        """GetPodRunningTimeoutFlag: a Go duration above zero."""
        from pykubectl.client.transport import parse_go_duration

        seconds = parse_go_duration(self.pod_running_timeout) / 1e9
        if seconds <= 0:
            raise UsageError("--pod-running-timeout must be higher than zero", command_path)
        return seconds


@click.command("port-forward", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.string_slice("--address", help="Addresses to listen on (comma separated). Only accepts IP addresses or "
                                      "localhost as a value. When localhost is supplied, kubectl will try to bind on "
                                      "both 127.0.0.1 and ::1 and will fail if neither of these addresses are "
                                      "available to bind.")
@pflag._decorate("duration", ("--pod-running-timeout",), shown_default=DEFAULT_POD_RUNNING_TIMEOUT,
                 default=DEFAULT_POD_RUNNING_TIMEOUT, type=_Duration(),
                 help="The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is "
                      "running")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = PortForwardOptions.from_flags(params)
    command_path = click.get_current_context().command_path
    options.validate(command_path)
    run(options, current_session(), command_path)


for _param in command.params:
    if _param.name == "address":
        _param.pflag_default_text = "[localhost]"  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ Complete


def _fetch(session, options: PortForwardOptions, namespace: str) -> dict:
    """The builder's ResourceNames("pods", arg): TYPE/NAME, or a pod by default."""
    from pykubectl.resources.fetching import Fetcher
    from pykubectl.resources.selection import SelectionRequest, select

    arg = options.resource if "/" in options.resource else f"pods/{options.resource}"
    selection = select(SelectionRequest(args=(arg,)), session.mapper, namespace)
    fetcher = Fetcher(session.client, chunk_size=0)
    fetched = list(fetcher.visit(selection))
    error = fetcher.unwrapped_error()
    if error is not None:
        raise error
    if not fetched:
        raise KubectlError("expected a resource")
    return fetched[0].obj


def _is_kind(obj: dict, kind: str) -> bool:
    return obj.get("kind") == kind and obj.get("apiVersion") == "v1"


def _forwardable_pod(session, obj: dict, timeout: float) -> dict:
    """AttachablePodForObject: the pod itself, or the most active pod the object's selector matches."""
    if _is_kind(obj, "Pod"):
        return obj
    from pykubectl.resources import attachable

    return attachable.attachable_pod(session.client, obj, timeout)


def _split_port(spec: str) -> tuple[str, str]:
    parts = spec.split(":")
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], parts[0])


def _atoi(text: str) -> int | None:
    """strconv.Atoi: an optional sign, then decimal digits."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    return int(text)


def _container_port_by_name(pod: dict, name: str) -> int:
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers"):
        for container in spec.get(key) or []:
            for port in container.get("ports") or []:
                if port.get("name") == name:
                    return int(port.get("containerPort") or 0)
    raise KubectlError(f"Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def _service_port_by_name(svc: dict, name: str) -> int:
    for port in (svc.get("spec") or {}).get("ports") or []:
        if port.get("name") == name:
            return int(port.get("port") or 0)
    raise KubectlError(f"Service '{svc['metadata']['name']}' does not have a named port '{name}'")


def _container_port_by_service_port(svc: dict, pod: dict, number: int) -> int:
    spec = svc.get("spec") or {}
    for port in spec.get("ports") or []:
        if port.get("port") != number:
            continue
        if spec.get("clusterIP") == "None":
            return number
        target = port.get("targetPort")
        if isinstance(target, str):
            return _container_port_by_name(pod, target)
        return int(target) if target else number
    raise KubectlError(f"Service {svc['metadata']['name']} does not have a service port {number}")


def _udp_only(ports: list[dict]) -> set[int]:
    udp = {p.get("containerPort", p.get("port")) for p in ports if p.get("protocol") == "UDP"}
    tcp = {p.get("containerPort", p.get("port")) for p in ports if p.get("protocol", "TCP") == "TCP"}
    return {int(p) for p in udp - tcp if p is not None}


def _check_udp(specs: tuple[str, ...], obj: dict, udp_only: set[int]) -> None:
    for spec in specs:
        _, remote = _split_port(spec)
        number = _atoi(remote)
        if number is None:
            number = (_service_port_by_name(obj, remote) if _is_kind(obj, "Service")
                      else _container_port_by_name(obj, remote))
        if number in udp_only:
            raise KubectlError(f"UDP protocol is not supported for {remote}")


def translate_service_ports(specs: tuple[str, ...], svc: dict, pod: dict) -> list[str]:
    """translateServicePortToTargetPort: service ports (by number or name) → the pod's target ports."""
    out = []
    for spec in specs:
        local, remote = _split_port(spec)
        number = _atoi(remote)
        if number is None:
            number = _service_port_by_name(svc, remote)
            if local == remote:
                local = str(number)
        target = str(_container_port_by_service_port(svc, pod, number))
        out.append(target if local == target else f"{local}:{target}")
    return out


def convert_named_ports(specs: tuple[str, ...], pod: dict) -> list[str]:
    """convertPodNamedPortToNumber: named container ports → numbers."""
    out = []
    for spec in specs:
        local, remote = _split_port(spec)
        if remote == "":
            raise KubectlError("remote port cannot be empty")
        number = remote if _atoi(remote) is not None else str(_container_port_by_name(pod, remote))
        out.append(number if local == remote else f"{local}:{number}")
    return out


# ------------------------------------------------------------------------------------------------ Run


def run(options: PortForwardOptions, session, command_path: str = "kubectl port-forward") -> None:
    timeout = options.timeout_seconds(command_path)
    namespace = session.namespace
    obj = _fetch(session, options, namespace)
    pod = _forwardable_pod(session, obj, timeout)
    if _is_kind(obj, "Service"):
        _check_udp(options.ports, obj, _udp_only((obj.get("spec") or {}).get("ports") or []))
        ports = translate_service_ports(options.ports, obj, pod)
    else:
        container_ports = [p for c in (pod.get("spec") or {}).get("containers") or [] for p in c.get("ports") or []]
        _check_udp(options.ports, pod, _udp_only(container_ports))
        ports = convert_named_ports(options.ports, pod)
    pod_name = pod["metadata"]["name"]
    pod_namespace = pod["metadata"].get("namespace") or namespace

    current = session.client.get_json(f"/api/v1/namespaces/{pod_namespace}/pods/{pod_name}")
    phase = (current.get("status") or {}).get("phase") or ""
    if phase != "Running":
        raise KubectlError(f"unable to forward port because pod is not running. Current status={phase}")

    from pykubectl.client import portforward

    addresses = portforward.parse_addresses(list(options.addresses))
    forwarded = portforward.parse_ports(ports)
    import os

    dial = portforward.websocket_dialer(session.client, pod_namespace, pod_name)
    tunnel = None  # PYKUBECTL_PORT_FORWARD_TUNNEL=false: always one plain websocket per connection
    if os.environ.get("PYKUBECTL_PORT_FORWARD_TUNNEL", "").lower() not in ("false", "0"):
        tunnel = portforward.tunnel_dialer(session.client, pod_namespace, pod_name)
    forwarder = portforward.PortForwarder(dial, addresses, forwarded, session.streams.out, session.streams.err,
                                          tunnel=tunnel)
    _serve(forwarder)


def _serve(forwarder) -> None:
    """Run until Ctrl-C (SIGINT), which ends the command quietly with status 0 as kubectl's."""
    import asyncio
    import signal
    import threading

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        installed = []
        if threading.current_thread() is threading.main_thread():
            try:
                loop.add_signal_handler(signal.SIGINT, stop.set)
                installed.append(signal.SIGINT)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        try:
            await forwarder.run(stop)
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise KubectlError(str(exc)) from None
