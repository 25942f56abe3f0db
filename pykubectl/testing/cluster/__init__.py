"""The simulated cluster behind the test API server: controllers, nodes, scheduler, kubelet, container runtime.

Controllers implement the `Controller` protocol and run on ONE worker thread, fed by the store's listener hook
(`Store.add_listener`): each committed change is queued and handed to every controller watching its
(group, resource). Reconcile must be idempotent and level-driven: read the current state, converge towards it.
Timers (`Cluster.after`) run on the cluster clock on the same worker.

Speed: by default ("fast" mode) the worker reacts at once and timers fire after 1/100 of their nominal time
(a 30 s grace period ends in 0.3 s, a 10 s back-off in 0.1 s); `Clock.advance(seconds)` moves the cluster clock
forward and fires every timer due by then. `realistic=True` keeps nominal delays (and adds the pull and start
times a person would see) for demos.

SAFETY: the simulated kubelet RUNS CONTAINER COMMANDS AS LOCAL SUBPROCESSES on this machine (inside a
per-container sandbox directory, which is no isolation at all), and the nginx/redis stand-ins listen on
127.0.0.1 only. The API server binds to loopback and every request needs credentials; still, anyone who can
create pods on it can run programs as the user running the server. Never expose it.
"""

from __future__ import annotations

import copy
import datetime as _dt
import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from ..status import StatusError

log = logging.getLogger("pykubectl.testing.cluster")

FAST_TIME_SCALE = 0.01  # fast mode: a timer of N seconds fires after N/100 s of wall time
TICK_SECONDS = 1.0  # how often (wall time) controllers' tick() runs


class Controller(Protocol):
    name: str
    watches: tuple[tuple[str, str], ...]  # (group, resource) pairs, e.g. ("apps", "deployments"), ("", "pods")

    def reconcile(self, cluster: Cluster, event: Any) -> None: ...  # event: store.Event

    def tick(self, cluster: Cluster) -> None: ...  # optional


class Clock:
    """The cluster's time: wall time plus an offset that `advance()` grows (never goes back)."""

    def __init__(self, realistic: bool = False):
        self.realistic = realistic
        self.held = False  # timers wait for advance() instead of wall time (tests that watch a slow step)
        self._offset = 0.0
        self._on_advance: list[Callable[[], None]] = []

    def hold(self, held: bool = True) -> None:
        """While held, timers fire only when `advance()` reaches them, not as wall time passes."""
        self.held = held
        for fn in list(self._on_advance):
            fn()

    def now(self) -> float:
        """Seconds since the epoch on the cluster clock."""
        return time.time() + self._offset

    def now_datetime(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.now(), _dt.UTC)

    def rfc3339(self, at: float | None = None) -> str:
        """`2024-05-01T10:00:00Z`, the seconds precision of metav1.Time."""
        moment = self.now() if at is None else at
        return _dt.datetime.fromtimestamp(moment, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def rfc3339_micro(self, at: float | None = None) -> str:
        """`2024-05-01T10:00:00.123456Z`, metav1.MicroTime."""
        moment = self.now() if at is None else at
        return _dt.datetime.fromtimestamp(moment, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def scaled(self, seconds: float) -> float:
        """Wall seconds a nominal delay takes in this mode."""
        return seconds if self.realistic else seconds * FAST_TIME_SCALE

    def advance(self, seconds: float) -> None:
        """Move the cluster clock forward; timers due by then fire and controllers tick."""
        if seconds < 0:
            raise ValueError("the cluster clock does not go back")
        self._offset += seconds
        for fn in list(self._on_advance):
            fn()


def parse_time(text: str | None) -> float | None:
    """RFC 3339 (with or without fraction) → epoch seconds."""
    if not text:
        return None
    try:
        return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class _Timer:
    __slots__ = ("due_clock", "due_wall", "fn", "cancelled", "background")

    def __init__(self, due_clock: float, due_wall: float, fn: Callable[[], None], background: bool = False):
        self.due_clock, self.due_wall, self.fn, self.cancelled = due_clock, due_wall, fn, False
        self.background = background

    def cancel(self) -> None:
        self.cancelled = True


class Cluster:
    """State and machinery of the simulated cluster. `start()` runs the worker; `stop()` ends it."""

    def __init__(self, store: Any, catalog: Any, *, realistic: bool = False, nodes: tuple[str, ...] | None = None,
                 controllers: bool = True):
        self.store = store
        self.catalog = catalog
        self.clock = Clock(realistic)
        self.realistic = realistic
        self.node_names = tuple(nodes) if nodes is not None else ("node01", "node02")
        self.controllers: list[Any] = []
        self._with_default_controllers = controllers
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._timers: list[tuple[float, int, _Timer]] = []
        self._seq = itertools.count()
        self._timer_lock = threading.Lock()
        self._busy = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._next_tick = 0.0
        self.runtime = None  # the container runtime (cluster.runtime), made in _install
        self.enabled = True
        self.clock._on_advance.append(self._wake)
        self._install()

    # ------------------------------------------------------------------ set-up
    def _install(self) -> None:
        from . import kubelet, nodes, runtime, scheduler

        self.runtime = runtime.Runtime(self)
        self.store.graceful_pods = True
        self.store.add_listener(self._on_change)
        nodes.create_nodes(self)
        self.register(scheduler.Scheduler())
        self.register(kubelet.Kubelet())
        if self._with_default_controllers:
            try:
                from ..controllers import register_all
            except ImportError:
                register_all = None
            if register_all is not None:
                register_all(self)

    def register(self, controller: Any) -> None:
        """Add a controller; it is offered every later change of what it watches."""
        self.controllers.append(controller)

    def controller(self, name: str) -> Any:
        return next((c for c in self.controllers if getattr(c, "name", "") == name), None)

    def start(self) -> Cluster:
        if self._thread is None and self.enabled:
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="pykubectl-test-cluster", daemon=True)
            self._thread.start()
            # Whatever exists already (nodes, pods seeded before start) gets looked at once.
            self.submit(self._resync)
        return self

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            self._queue.put(None)
            thread.join(timeout=10)
        if self.runtime is not None:
            self.runtime.stop_all()

    def reset(self, simulate: bool = True) -> None:
        """Back to the state right after start: objects gone, containers stopped, nodes re-created.

        `simulate=False` leaves a plain API server (no nodes, no controllers) until the next reset."""
        running = self._thread is not None or not self.enabled
        self.stop()
        self.store.remove_listener(self._on_change)
        self._queue = queue.SimpleQueue()
        with self._timer_lock:
            self._timers.clear()
        with self._idle:
            self._busy = 0
        self.store.__init__(self.catalog)
        self.clock._offset = 0.0
        self.clock.held = False
        self.controllers = []
        self.__dict__.pop("_event_keys", None)
        self.enabled = simulate
        if not simulate:
            return
        self._install()
        if running:
            self.start()

    # ------------------------------------------------------------------ the worker
    def _on_change(self, event: Any) -> None:
        with self._idle:
            self._busy += 1
        self._queue.put(event)

    def _wake(self) -> None:
        with self._idle:
            self._busy += 1
        self._queue.put(self._after_advance)

    def _after_advance(self) -> None:
        self._next_tick = 0.0

    def _resync(self) -> None:
        """Offer every existing object of every watched type to its controllers, as an ADDED event."""
        from ..store import Event

        watched = {key for c in self.controllers for key in getattr(c, "watches", ())}
        for group, resource in sorted(watched):
            info = self.info(group, resource)
            if info is None:
                continue
            for obj in self.store.list(info, None).items:
                self._dispatch(Event("ADDED", obj, int(obj["metadata"].get("resourceVersion", "0")), group,
                                     resource, obj["metadata"].get("namespace", "")))

    def _work(self) -> None:
        while not self._stopping:
            try:
                item = self._queue.get(timeout=self._wait_time())
            except queue.Empty:
                item = False
            if item is None:
                break
            try:
                if item is not False:
                    if callable(item):
                        self._run(item)
                    else:
                        self._dispatch(item)
                self._fire_timers()
                self._maybe_tick()
            finally:
                if item is not False:
                    with self._idle:
                        self._busy -= 1
                        self._idle.notify_all()

    def _wait_time(self) -> float:
        wait = max(0.0, self._next_tick - time.monotonic())
        with self._timer_lock:
            if self._timers and not self.clock.held:
                _, _, timer = self._timers[0]
                wait = min(wait, max(0.0, timer.due_wall - time.monotonic()))
        return max(0.001, min(wait, TICK_SECONDS))

    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except StatusError as exc:  # a conflict or a vanished object: the next event converges again
            log.debug("cluster task %r: %s", fn, exc.body.get("message"))
        except Exception:
            log.exception("cluster task %r failed", fn)

    def _dispatch(self, event: Any) -> None:
        key = (event.group, event.resource)
        for controller in list(self.controllers):
            if key in getattr(controller, "watches", ()):
                self._run(lambda c=controller: c.reconcile(self, event))

    def _fire_timers(self) -> None:
        while True:
            with self._timer_lock:
                if not self._timers:
                    return
                _, _, timer = self._timers[0]
                wall_due = timer.due_wall <= time.monotonic() and not self.clock.held
                if not wall_due and timer.due_clock > self.clock.now():
                    # due by the clock (advance()) or by wall time, whichever comes first
                    due = [t for t in self._timers if t[2].due_clock <= self.clock.now()]
                    if not due:
                        return
                    entry = min(due)
                    self._timers.remove(entry)
                    heapq.heapify(self._timers)
                    timer = entry[2]
                else:
                    heapq.heappop(self._timers)
                with self._idle:
                    self._busy += 1
            try:
                if not timer.cancelled:
                    self._run(timer.fn)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _maybe_tick(self) -> None:
        now = time.monotonic()
        if now < self._next_tick:
            return
        self._next_tick = now + TICK_SECONDS
        for controller in list(self.controllers):
            tick = getattr(controller, "tick", None)
            if tick is not None:
                self._run(lambda t=tick: t(self))

    def after(self, seconds: float, fn: Callable[[], None], *, min_wall: float = 0.0,
              background: bool = False) -> _Timer:
        """Run `fn` on the worker `seconds` later on the cluster clock (1/100 of that in fast mode, but at least
        `min_wall` wall seconds). `background` timers (periodic probes) do not hold up `settle()`."""
        wall = max(self.clock.scaled(seconds), min_wall)
        timer = _Timer(self.clock.now() + seconds, time.monotonic() + wall, fn, background)
        with self._timer_lock:
            heapq.heappush(self._timers, (timer.due_wall, next(self._seq), timer))
        with self._idle:
            self._busy += 1
        self._queue.put(lambda: None)  # wake the worker so it re-computes its wait
        return timer

    def submit(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the worker as soon as possible (from any thread)."""
        with self._idle:
            self._busy += 1
        self._queue.put(fn)

    def _timer_due_within(self, seconds: float) -> float | None:
        """Wall seconds until the first live timer, if it is due within `seconds`."""
        if self.clock.held:
            return None
        with self._timer_lock:
            waits = [t.due_wall - time.monotonic() for _, _, t in self._timers
                     if not t.cancelled and not t.background]
        first = min(waits, default=None)
        return first if first is not None and first <= seconds else None

    def settle(self, timeout: float = 5.0, timers_within: float = 0.5) -> bool:
        """Wait until the worker has nothing queued and no timer due within `timers_within` wall seconds
        (fast mode: nominal delays up to 50 s); False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self._idle:
                while self._busy > 0:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._idle.wait(left)
            first = self._timer_due_within(timers_within)
            if first is None:
                with self._idle:
                    if self._busy == 0:
                        return True
                continue
            if time.monotonic() + first > deadline:
                return False
            time.sleep(max(first, 0.001) + 0.002)

    # ------------------------------------------------------------------ store wrappers
    def info(self, group: str, resource: str):
        """The ResourceInfo of `resource` in the preferred version of `group`."""
        version = self.catalog.preferred_version(group) if group else "v1"
        return self.catalog.lookup(group, version, resource) if version else None

    def _info(self, group: str, resource: str):
        info = self.info(group, resource)
        if info is None:
            raise KeyError(f"no resource {resource!r} in group {group!r}")
        return info

    def get(self, group: str, resource: str, namespace: str | None, name: str) -> dict | None:
        """The object, or None when it does not exist."""
        info = self._info(group, resource)
        try:
            return self.store.get(info, namespace, name)
        except StatusError as exc:
            if exc.code == 404:
                return None
            raise

    def list(self, group: str, resource: str, namespace: str | None = None,
             predicate: Callable[[dict], bool] | None = None) -> list[dict]:
        return self.store.list(self._info(group, resource), namespace, predicate).items

    def create(self, group: str, resource: str, obj: dict, *, manager: str | None = None) -> dict:
        meta = obj.get("metadata") or {}
        return self.store.create(self._info(group, resource), meta.get("namespace"), obj, field_manager=manager)

    def update(self, group: str, resource: str, obj: dict, *, manager: str | None = None) -> dict:
        meta = obj["metadata"]
        return self.store.update(self._info(group, resource), meta.get("namespace"), meta["name"], obj,
                                 field_manager=manager)

    def update_status(self, group: str, resource: str, obj: dict, *, manager: str | None = None) -> dict:
        meta = obj["metadata"]
        return self.store.update(self._info(group, resource), meta.get("namespace"), meta["name"], obj,
                                 field_manager=manager, subresource="status")

    def mutate(self, group: str, resource: str, namespace: str | None, name: str,
               change: Callable[[dict], dict | None], *, status: bool = False,
               manager: str | None = None) -> dict | None:
        """Atomic read-modify-write: `change(copy)` edits the copy in place (or returns a new object).

        Returns the stored object, or None when it does not exist (any more)."""
        info = self._info(group, resource)

        def apply(current: dict) -> dict:
            result = change(current)
            return current if result is None else result

        try:
            return self.store.mutate(info, namespace, name, apply, field_manager=manager,
                                     subresource="status" if status else "")
        except StatusError as exc:
            if exc.code == 404:
                return None
            raise

    def delete(self, group: str, resource: str, namespace: str | None, name: str, *,
               propagation: str | None = None, grace_period: int | None = None) -> dict | None:
        info = self._info(group, resource)
        try:
            obj, _ = self.store.delete(info, namespace, name, propagation=propagation, grace_period=grace_period)
            return obj
        except StatusError as exc:
            if exc.code == 404:
                return None
            raise

    # ------------------------------------------------------------------ events
    def record_event(self, obj: dict, type_: str, reason: str, message: str, component: str,
                     host: str | None = None, *, field_path: str | None = None, action: str | None = None,
                     series: bool = False) -> dict | None:
        """A core/v1 Event about `obj`, as its component would record it; repeats bump count/lastTimestamp."""
        from . import events

        return events.record(self, obj, type_, reason, message, component, host, field_path=field_path,
                             action=action, new_api=series)

    def deep(self, obj: Any) -> Any:
        return copy.deepcopy(obj)
