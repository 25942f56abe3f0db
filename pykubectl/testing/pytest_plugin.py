"""pytest fixtures for the test API server: one server per session, a fresh state and kubeconfig per test.

* `kube_apiserver` (session): a started FakeApiServer; None under `--kube-real=KUBECONFIG`. Its simulated
  cluster (`kube_apiserver.cluster`: nodes node01/node02, scheduler, kubelet, controllers) reacts at once;
  `kube_apiserver.settle()` waits until it has caught up, `cluster.clock.hold()`/`advance(s)` put its timers
  (grace periods, back-offs) under the test's control.
* `kubeconfig_file` (function): a kubeconfig for the admin token user, written to the test's tmp_path after
  the server has been reset to its start state (every object and CRD gone; default namespaces back). Under
  `--kube-real` it is the given file, untouched.
* `kubeconfig_for` (function): `kubeconfig_for(user="cert"|"limited"|"token", namespace=None)` → path.
* marker `needs_simulation` (optional `reason=`): the test needs the simulated server (it inspects or resets
  server state, or relies on its fixed names and clean namespaces); it is skipped under `--kube-real`.
* marker `no_simulation`: the test wants a plain API server: its reset leaves out the simulated cluster (no
  nodes, scheduler, kubelet or controllers), so objects stay exactly as written.

Under `--kube-real=KUBECONFIG` (a real cluster, e.g. kind):
* a test that requests `kube_apiserver` itself (or through a fixture of its own module/conftest) reads or drives
  the test server's internals and is skipped, as is one marked `needs_simulation`; unless it is marked
  `real_cluster`: it asks for `kube_apiserver` only to tell the two apart (None under --kube-real);
* `kubeconfig_for`/`kubeconfig_file` give each test a namespace of its own (created with the real kubectl,
  deleted after the test), written as the namespace of a copy of the given kubeconfig's current context, so
  the test neither sees nor leaves objects in the cluster's own namespaces; `kubeconfig_for` with a user
  other than "token" (the test server's cert/limited users) skips.

Heavy imports (aiohttp, trustme) happen only when a fixture is used, so loading this plugin costs nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

REAL_OPTION = "--kube-real"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pykubectl-testing", "pykubectl test API server")
    group.addoption(REAL_OPTION, action="store", default=None, metavar="KUBECONFIG",
                    help="run the tests against the real cluster this kubeconfig names instead of the "
                         "simulated API server (tests marked needs_simulation are skipped)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_simulation: needs pykubectl's simulated API server; "
                                       "skipped under --kube-real")
    config.addinivalue_line("markers", "real_cluster: runs under --kube-real although it requests kube_apiserver "
                                       "(only to tell the two apart: it is None there)")
    config.addinivalue_line("markers", "no_simulation: a plain test API server, without the simulated cluster "
                                       "(nodes, scheduler, kubelet, controllers)")
    # aiohttp prefers typed keys for request["user"] and friends; its own default filter hides this warning
    # outside pytest, so hide it inside too (matched by text, so aiohttp need not be imported here).
    config.addinivalue_line("filterwarnings", "ignore:It is recommended to use web.:UserWarning")


def _real_kubeconfig(config: pytest.Config) -> str | None:
    return config.getoption(REAL_OPTION, default=None)


_started: list = []  # the session's FakeApiServer once started (one per pytest process / xdist worker)
_real_namespaces: list = []  # under --kube-real: the namespaces this session made, removed (or removing)


# This plugin's own fixtures: they request kube_apiserver but work against a real cluster too.
_PLUGIN_FIXTURES = frozenset({"kube_apiserver", "kubeconfig_for", "kubeconfig_file", "_simulation_choice"})


def uses_server_internals(item: pytest.Item) -> bool:
    """Whether the test asks for the test server object itself, directly or through a fixture not of this plugin."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    if "kube_apiserver" in info.initialnames:
        return True
    return any("kube_apiserver" in fixturedef.argnames
               for name, fixturedefs in info.name2fixturedefs.items() if name not in _PLUGIN_FIXTURES
               for fixturedef in fixturedefs)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under --kube-real: release the pods that finalizers still hold in this session's namespaces (tests of
    `wait --for=delete` leave some), so that the namespaces' deletion can finish."""
    if not _real_namespaces:
        return
    ours = {namespace.name for namespace in _real_namespaces}
    helper = _real_namespaces[0]
    _real_namespaces.clear()
    try:
        listing = helper._kubectl("get", "pods", "--all-namespaces", "-o",
                                  "jsonpath={range .items[?(@.metadata.finalizers)]}"
                                  "{.metadata.namespace} {.metadata.name}{\"\\n\"}{end}")
        for line in listing.splitlines():
            namespace, _, name = line.partition(" ")
            if namespace in ours:
                helper._kubectl("patch", "pod", name, "-n", namespace, "--type=merge",
                                "-p", '{"metadata":{"finalizers":null}}')
    except (pytest.fail.Exception, subprocess.SubprocessError) as error:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"--kube-real: could not release finalizer-held pods: {error}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _real_kubeconfig(item.config):
        marker = item.get_closest_marker("needs_simulation")
        if marker is not None:
            why = marker.kwargs.get("reason")
            pytest.skip(f"needs the simulated API server{': ' + why if why else ''} (running with --kube-real)")
        if not item.get_closest_marker("real_cluster") and uses_server_internals(item):
            pytest.skip("uses the test server's internals (kube_apiserver), which a real cluster has not "
                        "(running with --kube-real)")
    # Before any fixture of this item runs, module-scoped ones included (they may reset the server): with or
    # without the simulated cluster, per the marker. The previous test's choice must not leak into them.
    for server in _started:
        server.simulate = item.get_closest_marker("no_simulation") is None


@pytest.fixture(scope="session")
def kube_apiserver(request: pytest.FixtureRequest):
    if _real_kubeconfig(request.config):
        yield None
        return
    from pykubectl.testing.threaded import FakeApiServer

    server = FakeApiServer().start()
    _started.append(server)
    try:
        yield server
    finally:
        _started.remove(server)
        server.stop()


@pytest.fixture(autouse=True)
def _simulation_choice(request: pytest.FixtureRequest):
    """Before any fixture resets the session server: with or without the simulated cluster, per the marker."""
    if "kube_apiserver" in request.fixturenames and not _real_kubeconfig(request.config):
        server = request.getfixturevalue("kube_apiserver")
        server.simulate = request.node.get_closest_marker("no_simulation") is None
    yield


class _RealNamespace:
    """A namespace of the test's own on the real cluster, made and removed with the real kubectl."""

    def __init__(self, kubeconfig: str, tmp_path: Path):
        self.kubeconfig = kubeconfig
        self.tmp_path = tmp_path
        self.name = f"pykubectl-e2e-{uuid.uuid4().hex[:10]}"
        self.created = False

    def _kubectl(self, *args: str, kubeconfig: str | None = None) -> str:
        binary = shutil.which("kubectl")
        if binary is None:
            pytest.fail("--kube-real needs kubectl on PATH (to create the tests' namespaces)")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBECTL_")}
        done = subprocess.run([binary, "--kubeconfig", kubeconfig or self.kubeconfig, *args], env=env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"kubectl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def kubeconfig_in(self, namespace: str | None) -> Path:
        """A copy of the real kubeconfig whose current context names `namespace` (default: this test's own)."""
        if namespace is None:
            namespace = self.name
            if not self.created:
                self._kubectl("create", "namespace", namespace)
                # A real cluster's service-account controller adds `default` a moment later; until then the
                # admission plugin refuses pods ("error looking up service account").
                self._kubectl("wait", "--for=create", "serviceaccount/default", "-n", namespace, "--timeout=60s")
                self.created = True
                _real_namespaces.append(self)
        path = self.tmp_path / f"kubeconfig-real-{namespace}"
        if not path.exists():
            shutil.copyfile(self.kubeconfig, path)
            self._kubectl("config", "set-context", "--current", f"--namespace={namespace}", kubeconfig=str(path))
        return path

    def remove(self) -> None:
        if self.created:
            self._kubectl("delete", "namespace", self.name, "--wait=false", "--ignore-not-found")


@pytest.fixture
def kubeconfig_for(kube_apiserver, tmp_path: Path, request: pytest.FixtureRequest):
    """A factory writing a kubeconfig for one of the server's users; the server state is reset once first.

    Under --kube-real: a copy of the given kubeconfig, its current context set to `namespace` or else to a
    namespace of this test's own."""
    real = _real_kubeconfig(request.config)
    if kube_apiserver is not None:
        kube_apiserver.reset()
    own = _RealNamespace(real, tmp_path) if real else None

    def make(user: str = "token", namespace: str | None = None) -> Path:
        if own is not None:
            if user != "token":
                pytest.skip(f"needs the test server's user {user!r} (running with --kube-real)")
            return own.kubeconfig_in(namespace)
        return kube_apiserver.write_kubeconfig(tmp_path / f"kubeconfig-{user}", user=user, namespace=namespace)

    yield make
    if own is not None:
        own.remove()


@pytest.fixture
def kubeconfig_file(kubeconfig_for) -> Path:
    return kubeconfig_for("token")
