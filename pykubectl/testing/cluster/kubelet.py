"""The simulated kubelet of every node: runs the pods bound to it and reports their status and events.

A bound pod gets its IP (10.244.<node>.<n>), startTime and ContainerCreating statuses; once its sandbox is up
(PodReadyToStartContainers) the init containers run one by one, then the app containers: image pull
(Pulling/Pulled, or ErrImagePull then ImagePullBackOff for images that cannot exist), Created, Started. A
container that ends is restarted per restartPolicy with the kubelet's back-off (10 s doubling to 5 min:
CrashLoopBackOff); a pod whose containers all end without restart is Succeeded or Failed. Readiness follows
a readinessProbe (httpGet/tcpSocket: the port is served; exec: the command exits 0). Deletion: containers
get SIGTERM ("Killing"), SIGKILL after the grace period, then the pod object is removed.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from typing import Any

from ..status import StatusError
from . import images, nodes
from .runtime import Container

KUBELET = "kubelet"
BACKOFF_START, BACKOFF_MAX = 10.0, 300.0
SANDBOX_SECONDS = 0.4  # nominal sandbox + network set-up time
CONDITION_ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


@dataclass
class CState:
    """What the kubelet knows of one container of a pod."""

    spec: dict
    init: bool
    restarts: int = 0
    state: dict = field(default_factory=lambda: {"waiting": {"reason": "ContainerCreating"}})
    last_state: dict = field(default_factory=dict)
    record: Container | None = None
    ready: bool = False
    started: bool = False
    pulled: bool = False
    pull_failures: int = 0
    done: bool = False  # terminated for good (no restart coming)
    timer: Any = None
    redefined: bool = False  # stopped because its image changed: restart at once
    ephemeral: bool = False  # a debug container added through pods/ephemeralcontainers: never restarted


@dataclass
class PodState:
    uid: str
    namespace: str
    name: str
    node: str
    pod_ip: str
    restart_policy: str
    containers: dict[str, CState]
    init_order: list[str]
    main_order: list[str]
    start_time: str
    sandbox_ready: bool = False
    init_index: int = 0
    terminating: bool = False
    finished: bool = False
    transitions: dict[str, tuple[str, str]] = field(default_factory=dict)  # type -> (status, time)
    ephemeral_order: list[str] = field(default_factory=list)


def _field_path(cs: CState, index: int) -> str:
    kind = "ephemeralContainers" if cs.ephemeral else "initContainers" if cs.init else "containers"
    return f"spec.{kind}{{{cs.spec['name']}}}"


class Kubelet:
    name = KUBELET
    watches = (("", "pods"),)

    def __init__(self) -> None:
        self.pods: dict[str, PodState] = {}
        self._next_ip: dict[str, int] = {}
        self._node_names: tuple[str, ...] = ()

    # ------------------------------------------------------------------ events in
    def reconcile(self, cluster: Any, event: Any) -> None:
        pod = event.object
        self._node_names = cluster.node_names
        meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
        uid = meta.get("uid", "")
        if event.type == "DELETED":
            state = self.pods.pop(uid, None)
            if state is not None:
                for cs in state.containers.values():
                    if cs.timer is not None:
                        cs.timer.cancel()
                cluster.runtime.remove_pod(state.namespace, uid)
            return
        node = spec.get("nodeName")
        if not node or node not in cluster.node_names:
            return
        current = cluster.get("", "pods", meta.get("namespace"), meta["name"])
        if current is None or current["metadata"].get("uid") != uid:
            return
        state = self.pods.get(uid)
        if state is None:
            if current["metadata"].get("deletionTimestamp"):
                cluster.delete("", "pods", meta.get("namespace"), meta["name"], grace_period=0)
                return
            if (current.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                return
            state = self._admit(cluster, current)
        if current["metadata"].get("deletionTimestamp") and not state.terminating:
            self._terminate(cluster, state, current)
        elif not state.terminating and not state.finished:
            self._follow_image_changes(cluster, state, current)
            self._start_ephemeral(cluster, state, current)

    def _start_ephemeral(self, cluster: Any, state: PodState, pod: dict) -> None:
        """Ephemeral containers added to a running pod start at once (pull, create, start) and are never restarted."""
        for spec in (pod.get("spec") or {}).get("ephemeralContainers") or []:
            name = spec.get("name")
            if not name or name in state.containers:
                continue
            cs = CState(spec, False, ephemeral=True, state={"waiting": {"reason": "ContainerCreating"}})
            state.containers[name] = cs
            state.ephemeral_order.append(name)
            self._write_status(cluster, state)
            if state.sandbox_ready:
                self._pull(cluster, state, cs)

    def _follow_image_changes(self, cluster: Any, state: PodState, pod: dict) -> None:
        """A changed image (the one mutable part of a container) restarts that container with it."""
        for spec in (pod.get("spec") or {}).get("containers") or []:
            cs = state.containers.get(spec.get("name"))
            if cs is None or cs.init or spec.get("image") == cs.spec.get("image"):
                continue
            cs.spec = spec
            cs.pulled = False
            cs.pull_failures = 0
            if cs.timer is not None:
                cs.timer.cancel()
                cs.timer = None
            record = cs.record
            if record is None or not record.running:
                cs.done = False
                self._pull(cluster, state, cs)
                continue
            cs.redefined = True
            self._event(cluster, state, cs, "Normal", "Killing",
                        f"Container {spec['name']} definition changed, will be restarted")
            cluster.runtime.stop(record, 0.0)
            if record.server is not None:
                self._exited(cluster, state, cs, record)

    # ------------------------------------------------------------------ admission and sandbox
    def _allocate_ip(self, cluster: Any, node: str) -> str:
        index = nodes.node_index(node, cluster.node_names)
        n = self._next_ip.get(node, 2)
        self._next_ip[node] = n + 1 if n < 254 else 2
        return f"10.244.{index}.{n}"

    def _admit(self, cluster: Any, pod: dict) -> PodState:
        meta, spec = pod["metadata"], pod.get("spec") or {}
        containers: dict[str, CState] = {}
        init_order, main_order = [], []
        for c in spec.get("initContainers") or []:
            containers[c["name"]] = CState(c, True, state={"waiting": {"reason": "PodInitializing"}})
            init_order.append(c["name"])
        for c in spec.get("containers") or []:
            reason = "PodInitializing" if init_order else "ContainerCreating"
            containers[c["name"]] = CState(c, False, state={"waiting": {"reason": reason}})
            main_order.append(c["name"])
        if init_order:
            containers[init_order[0]].state = {"waiting": {"reason": "PodInitializing"}}
        state = PodState(meta["uid"], meta.get("namespace", ""), meta["name"], spec["nodeName"],
                         self._allocate_ip(cluster, spec["nodeName"]), spec.get("restartPolicy", "Always"),
                         containers, init_order, main_order, cluster.clock.rfc3339())
        self.pods[state.uid] = state
        self._write_status(cluster, state)
        cluster.after(SANDBOX_SECONDS, lambda: self._sandbox_up(cluster, state))
        return state

    def _sandbox_up(self, cluster: Any, state: PodState) -> None:
        if state.terminating or self.pods.get(state.uid) is not state:
            return
        state.sandbox_ready = True
        self._write_status(cluster, state)
        self._next_step(cluster, state)

    def _next_step(self, cluster: Any, state: PodState) -> None:
        """Start what should run now: the next init container, or every app container."""
        if state.terminating or state.finished:
            return
        if state.init_index < len(state.init_order):
            cs = state.containers[state.init_order[state.init_index]]
            if cs.record is None and not cs.done and cs.timer is None:
                self._pull(cluster, state, cs)
            return
        for name in state.main_order:
            cs = state.containers[name]
            if cs.record is None and not cs.done and cs.timer is None:
                self._pull(cluster, state, cs)

    def _pod(self, cluster: Any, state: PodState) -> dict | None:
        pod = cluster.get("", "pods", state.namespace, state.name)
        return pod if pod is not None and pod["metadata"].get("uid") == state.uid else None

    def _event(self, cluster: Any, state: PodState, cs: CState | None, type_: str, reason: str, message: str) -> None:
        pod = self._pod(cluster, state)
        if pod is None:
            return
        path = None
        if cs is not None:
            path = _field_path(cs, 0)
        cluster.record_event(pod, type_, reason, message, KUBELET, state.node, field_path=path)

    # ------------------------------------------------------------------ images
    def _pull(self, cluster: Any, state: PodState, cs: CState) -> None:
        image = cs.spec.get("image", "")
        policy = cs.spec.get("imagePullPolicy", "IfNotPresent")
        present = image in cluster.runtime.pulled.setdefault(state.node, set())
        if cs.pulled or (present and policy != "Always"):
            if not cs.pulled:
                self._event(cluster, state, cs, "Normal", "Pulled",
                            f'Container image "{image}" already present on machine')
            cs.pulled = True
            self._create(cluster, state, cs)
            return
        if policy == "Never":
            message = f'Container image "{image}" is not present with pull policy of Never'
            cs.state = {"waiting": {"reason": "ErrImageNeverPull", "message": message}}
            self._event(cluster, state, cs, "Warning", "ErrImageNeverPull", message)
            self._write_status(cluster, state)
            return
        self._event(cluster, state, cs, "Normal", "Pulling", f'Pulling image "{image}"')
        error = images.pull_error(image)
        seconds = images.pull_seconds(image) if error is None else 0.8

        def pulled() -> None:
            cs.timer = None
            if state.terminating or self.pods.get(state.uid) is not state:
                return
            if error is not None:
                self._pull_failed(cluster, state, cs, error)
                return
            cluster.runtime.pulled.setdefault(state.node, set()).add(image)
            took = f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"
            self._event(cluster, state, cs, "Normal", "Pulled",
                        f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                        f"Image size: {images.image_size(image)} bytes.")
            cs.pulled = True
            self._create(cluster, state, cs)

        cs.timer = cluster.after(seconds, pulled)

    def _pull_failed(self, cluster: Any, state: PodState, cs: CState, error: str) -> None:
        image = cs.spec.get("image", "")
        cs.pull_failures += 1
        cs.state = {"waiting": {"reason": "ErrImagePull", "message": error}}
        self._event(cluster, state, cs, "Warning", "Failed", f'Failed to pull image "{image}": {error}')
        self._event(cluster, state, cs, "Warning", "Failed", "Error: ErrImagePull")
        self._write_status(cluster, state)
        backoff = min(BACKOFF_START * 2 ** (cs.pull_failures - 1), BACKOFF_MAX)

        def back_off() -> None:
            if state.terminating or self.pods.get(state.uid) is not state:
                return
            cs.state = {"waiting": {"reason": "ImagePullBackOff",
                                    "message": f'Back-off pulling image "{image}": ErrImagePull: {error}'}}
            self._event(cluster, state, cs, "Normal", "BackOff", f'Back-off pulling image "{image}"')
            self._event(cluster, state, cs, "Warning", "Failed", "Error: ImagePullBackOff")
            self._write_status(cluster, state)

        def retry() -> None:
            cs.timer = None
            if state.terminating or self.pods.get(state.uid) is not state:
                return
            self._pull(cluster, state, cs)

        cluster.after(1.0, back_off)
        cs.timer = cluster.after(backoff, retry)

    # ------------------------------------------------------------------ containers
    def _env(self, state: PodState, cs: CState, pod: dict) -> dict[str, str]:
        env = {"HOSTNAME": state.name, "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
               "KUBERNETES_PORT": "tcp://10.96.0.1:443"}
        field_values = {"metadata.name": state.name, "metadata.namespace": state.namespace,
                        "metadata.uid": state.uid, "spec.nodeName": state.node, "status.podIP": state.pod_ip,
                        "status.hostIP": self._host_ip(state), "spec.serviceAccountName":
                        (pod.get("spec") or {}).get("serviceAccountName", "default")}
        for item in cs.spec.get("env") or []:
            name = item.get("name")
            if not name:
                continue
            if "value" in item:
                env[name] = str(item.get("value") or "")
            else:
                ref = ((item.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
                if ref in field_values:
                    env[name] = field_values[ref]
        return env

    def _host_ip(self, state: PodState) -> str:
        return f"172.18.0.{nodes.node_index(state.node, self._node_names) + 2}"

    def _create(self, cluster: Any, state: PodState, cs: CState) -> None:
        pod = self._pod(cluster, state)
        if pod is None or state.terminating:
            return
        name = cs.spec["name"]
        try:
            record = cluster.runtime.start(pod, cs.spec, cs.restarts, lambda r: self._exited(cluster, state, cs, r),
                                           self._env(state, cs, pod))
        except images.StartError as exc:
            record = cluster.runtime.container(state.namespace, state.name, name)
            self._event(cluster, state, cs, "Normal", "Created", f"Created container: {name}")
            self._event(cluster, state, cs, "Warning", "Failed", f"Error: {exc}")
            if record is not None:
                self._exited(cluster, state, cs, record)
            return
        cs.record = record
        cs.started = True
        cs.state = {"running": {"startedAt": cluster.clock.rfc3339(record.started_at)}}
        probe = cs.spec.get("readinessProbe")
        cs.ready = not cs.init and not cs.ephemeral and not probe
        self._event(cluster, state, cs, "Normal", "Created", f"Created container: {name}")
        self._event(cluster, state, cs, "Normal", "Started", f"Started container {name}")
        self._write_status(cluster, state)
        if probe and not cs.init:
            delay = float(probe.get("initialDelaySeconds") or 0)
            cluster.after(max(delay, 0.2), lambda: self._probe(cluster, state, cs, record))
        liveness = cs.spec.get("livenessProbe")
        if liveness and not cs.init:
            cluster.after(float(liveness.get("initialDelaySeconds") or 0) + float(liveness.get("periodSeconds") or 10),
                          lambda: self._liveness(cluster, state, cs, record), min_wall=0.25, background=True)

    def _probe(self, cluster: Any, state: PodState, cs: CState, record: Container) -> None:
        if state.terminating or cs.record is not record or not record.running:
            return
        probe = cs.spec.get("readinessProbe") or {}
        ok, detail = self._run_probe(probe, record, cs.spec, state.pod_ip)
        if ok != cs.ready:
            cs.ready = ok
            self._write_status(cluster, state)
        if not ok:
            self._event(cluster, state, cs, "Warning", "Unhealthy", f"Readiness probe failed: {detail}".rstrip())
        cluster.after(float(probe.get("periodSeconds") or 10), lambda: self._probe(cluster, state, cs, record),
                      min_wall=0.25, background=True)

    def _liveness(self, cluster: Any, state: PodState, cs: CState, record: Container, failures: int = 0) -> None:
        if state.terminating or cs.record is not record or not record.running:
            return
        probe = cs.spec.get("livenessProbe") or {}
        ok, detail = self._run_probe(probe, record, cs.spec, state.pod_ip)
        failures = 0 if ok else failures + 1
        if not ok:
            self._event(cluster, state, cs, "Warning", "Unhealthy", f"Liveness probe failed: {detail}".rstrip())
        if failures >= int(probe.get("failureThreshold") or 3):
            name = cs.spec["name"]
            self._event(cluster, state, cs, "Normal", "Killing",
                        f"Container {name} failed liveness probe, will be restarted")
            cluster.runtime.stop(record, float(probe.get("terminationGracePeriodSeconds") or 0))
            if record.server is not None:
                record.exit_code, record.reason = 137, "Error"
                self._exited(cluster, state, cs, record)
            return
        cluster.after(float(probe.get("periodSeconds") or 10),
                      lambda: self._liveness(cluster, state, cs, record, failures), min_wall=0.25, background=True)

    @staticmethod
    def _run_probe(probe: dict, record: Container, spec: dict, pod_ip: str) -> tuple[bool, str]:
        """(success, failure text) of one probe run against the container."""
        for kind in ("httpGet", "tcpSocket", "grpc"):
            if kind not in probe:
                continue
            port = (probe[kind] or {}).get("port")
            if isinstance(port, str) and not port.isdigit():
                port = next((p.get("containerPort") for p in spec.get("ports") or [] if p.get("name") == port),
                            port)
            try:
                number = int(port)
            except (TypeError, ValueError):
                return False, f'strconv.Atoi: parsing "{port}": invalid syntax'
            if number in record.ports:
                return True, ""
            if kind == "httpGet":
                path = (probe[kind] or {}).get("path", "/")
                return False, (f'Get "http://{pod_ip}:{number}{path}": dial tcp {pod_ip}:{number}: connect: '
                               "connection refused")
            return False, f"dial tcp {pod_ip}:{number}: connect: connection refused"
        if "exec" in probe:
            command = (probe["exec"] or {}).get("command") or []
            if not command:
                return False, ""
            try:
                result = subprocess.run([str(c) for c in command], cwd=record.sandbox, capture_output=True,
                                        timeout=float(probe.get("timeoutSeconds") or 1) + 1,
                                        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **record.env})
            except subprocess.TimeoutExpired:
                return False, f"command timed out: \"{' '.join(str(c) for c in command)}\" timed out after " \
                              f"{int(probe.get('timeoutSeconds') or 1)}s"
            except OSError as exc:
                return False, str(exc)
            return result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace")
        return True, ""

    def _exited(self, cluster: Any, state: PodState, cs: CState, record: Container) -> None:
        """A container ended (on the worker)."""
        if cs.record is not None and cs.record is not record:
            return
        cs.record = None
        cs.ready = False
        terminated = {"containerID": f"containerd://{record.container_id}", "exitCode": record.exit_code or 0,
                      "finishedAt": cluster.clock.rfc3339(record.finished_at or cluster.clock.now()),
                      "reason": record.reason or ("Completed" if not record.exit_code else "Error"),
                      "startedAt": cluster.clock.rfc3339(record.started_at)}
        if record.message:
            terminated["message"] = record.message
        if state.terminating:
            cs.state = {"terminated": terminated}
            cs.done = True
            self._maybe_remove(cluster, state)
            return
        if self.pods.get(state.uid) is not state:
            return
        failed = bool(record.exit_code)
        restart = (state.restart_policy == "Always" or (state.restart_policy == "OnFailure" and failed)
                   or cs.redefined) and not cs.ephemeral
        if cs.init and not failed:
            cs.state = {"terminated": terminated}
            cs.done = True
            state.init_index += 1
            if state.init_index >= len(state.init_order):
                for name in state.main_order:
                    state.containers[name].state = {"waiting": {"reason": "PodInitializing"}}
            self._write_status(cluster, state)
            self._next_step(cluster, state)
            return
        if not restart:
            cs.state = {"terminated": terminated}
            cs.done = True
            if cs.init:
                state.finished = True
                for name in state.main_order:
                    state.containers[name].done = True
            self._finish_if_done(cluster, state)
            self._write_status(cluster, state)
            return
        delay = 0.0 if cs.restarts == 0 else min(BACKOFF_START * 2 ** (cs.restarts - 1), BACKOFF_MAX)
        if cs.redefined:
            cs.redefined, delay = False, 0.0
        cs.last_state = {"terminated": terminated}
        name = cs.spec["name"]
        if delay > 0:
            shown = f"{int(delay)}s" if delay < 60 else f"{int(delay // 60)}m{int(delay % 60)}s"
            cs.state = {"waiting": {"reason": "CrashLoopBackOff",
                                    "message": f"back-off {shown} restarting failed container={name} "
                                               f"pod={state.name}_{state.namespace}({state.uid})"}}
            self._event(cluster, state, cs, "Warning", "BackOff",
                        f"Back-off restarting failed container {name} in pod "
                        f"{state.name}_{state.namespace}({state.uid})")
        else:
            cs.state = {"terminated": terminated}
        self._write_status(cluster, state)

        def restart_now() -> None:
            cs.timer = None
            if state.terminating or self.pods.get(state.uid) is not state:
                return
            cs.restarts += 1
            if cs.spec.get("imagePullPolicy") == "Always":
                cs.pulled = False  # the kubelet pulls again for every new container
            self._pull(cluster, state, cs)

        cs.timer = cluster.after(delay, restart_now)

    def _finish_if_done(self, cluster: Any, state: PodState) -> None:
        if all(state.containers[n].done for n in state.main_order) and not any(
                state.containers[n].record is not None for n in state.main_order):
            state.finished = True
            state.sandbox_ready = False

    # ------------------------------------------------------------------ termination
    def _terminate(self, cluster: Any, state: PodState, pod: dict) -> None:
        state.terminating = True
        grace = float(pod["metadata"].get("deletionGracePeriodSeconds") or 0)
        for cs in state.containers.values():
            if cs.timer is not None:
                cs.timer.cancel()
                cs.timer = None
            record = cs.record
            if record is not None and record.running:
                self._event(cluster, state, cs, "Normal", "Killing", f"Stopping container {cs.spec['name']}")
                if record.server is not None:  # nginx/redis stand-ins quit on SIGTERM after a moment
                    def quit_server(cs: CState = cs, record: Container = record) -> None:
                        cluster.runtime.stop(record, grace)
                        self._exited(cluster, state, cs, record)

                    cluster.after(min(grace, 0.8), quit_server)
                else:
                    cluster.runtime.stop(record, grace)
            else:
                cs.done = True
        self._maybe_remove(cluster, state)

    def _maybe_remove(self, cluster: Any, state: PodState) -> None:
        if any(cs.record is not None and cs.record.running for cs in state.containers.values()):
            return
        if any(cs.record is not None for cs in state.containers.values()):
            return  # an exit is still on its way to _exited
        try:
            cluster.delete("", "pods", state.namespace, state.name, grace_period=0)
        except StatusError:
            pass

    # ------------------------------------------------------------------ status
    def _container_status(self, cs: CState) -> dict:
        image = cs.spec.get("image", "")
        status: dict = {"image": image if not cs.started else images.full_reference(image),
                        "imageID": images.image_id(image) if cs.started else "",
                        "lastState": cs.last_state, "name": cs.spec["name"], "ready": cs.ready,
                        "restartCount": cs.restarts, "started": bool(cs.record is not None and cs.record.running),
                        "state": cs.state}
        record = cs.record
        if record is None and "terminated" in cs.state:
            status["containerID"] = cs.state["terminated"].get("containerID")
        elif record is None and cs.last_state.get("terminated"):
            status["containerID"] = cs.last_state["terminated"].get("containerID")
        if record is not None:
            status["containerID"] = f"containerd://{record.container_id}"
        if "containerID" in status and not status["containerID"]:
            status.pop("containerID")
        if "containerID" in status:
            order = ["containerID", "image", "imageID", "lastState", "name", "ready", "restartCount", "started",
                     "state"]
            status = {k: status[k] for k in order if k in status}
        return status

    def _phase(self, state: PodState) -> str:
        if state.init_index < len(state.init_order) and not state.finished:
            return "Pending"
        if state.finished and any(state.containers[n].init and "terminated" in state.containers[n].state
                                  and state.containers[n].state["terminated"].get("exitCode")
                                  for n in state.init_order):
            return "Failed"
        waiting = running = stopped = succeeded = 0
        for name in state.main_order:
            cs = state.containers[name]
            if cs.record is not None and cs.record.running:
                running += 1
            elif "terminated" in cs.state:
                stopped += 1
                if not cs.state["terminated"].get("exitCode"):
                    succeeded += 1
            elif cs.last_state.get("terminated"):
                stopped += 1
            else:
                waiting += 1
        if waiting:
            return "Pending"
        if running:
            return "Running"
        if stopped:
            if state.restart_policy == "Always":
                return "Running"
            if stopped == succeeded:
                return "Succeeded" if state.finished else "Running"
            if state.restart_policy == "OnFailure":
                return "Running"
            return "Failed" if state.finished else "Running"
        return "Pending"

    def _condition(self, cluster: Any, state: PodState, kind: str, ok: bool, reason: str = "",
                   message: str = "") -> dict:
        value = "True" if ok else "False"
        previous = state.transitions.get(kind)
        if previous is None or previous[0] != value:
            previous = (value, cluster.clock.rfc3339())
            state.transitions[kind] = previous
        condition: dict = {"lastProbeTime": None, "lastTransitionTime": previous[1]}
        if message:
            condition["message"] = message
        if reason:
            condition["reason"] = reason
        condition["status"] = value
        condition["type"] = kind
        return condition

    def _write_status(self, cluster: Any, state: PodState) -> None:
        phase = self._phase(state)
        done = phase in ("Succeeded", "Failed")
        initialized = state.init_index >= len(state.init_order) or done
        unready = [n for n in state.main_order if not state.containers[n].ready]
        incomplete = [n for n in state.init_order if not state.containers[n].done]
        conditions = [
            self._condition(cluster, state, "PodReadyToStartContainers", state.sandbox_ready and not done),
            self._condition(cluster, state, "Initialized", initialized,
                            "PodCompleted" if done and state.init_order else
                            ("" if initialized else "ContainersNotInitialized"),
                            "" if initialized else f"containers with incomplete status: [{' '.join(incomplete)}]"),
        ]
        for kind in ("Ready", "ContainersReady"):
            if done:
                conditions.append(self._condition(cluster, state, kind, False, "PodCompleted"))
            else:
                conditions.append(self._condition(
                    cluster, state, kind, not unready, "" if not unready else "ContainersNotReady",
                    "" if not unready else f"containers with unready status: [{' '.join(unready)}]"))
        host_ip = self._host_ip(state)

        def change(pod: dict) -> None:
            if pod["metadata"].get("uid") != state.uid:
                return
            status = pod.setdefault("status", {})
            scheduled = [c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"]
            status["conditions"] = conditions + scheduled
            if state.init_order:
                status["initContainerStatuses"] = [self._container_status(state.containers[n])
                                                   for n in state.init_order]
            status["containerStatuses"] = [self._container_status(state.containers[n]) for n in state.main_order]
            if state.ephemeral_order:
                status["ephemeralContainerStatuses"] = [self._container_status(state.containers[n])
                                                        for n in state.ephemeral_order]
            status["hostIP"] = host_ip
            status["hostIPs"] = [{"ip": host_ip}]
            status["phase"] = phase
            status["podIP"] = state.pod_ip
            status["podIPs"] = [{"ip": state.pod_ip}]
            status["startTime"] = state.start_time

        cluster.mutate("", "pods", state.namespace, state.name, change, status=True, manager=KUBELET)
