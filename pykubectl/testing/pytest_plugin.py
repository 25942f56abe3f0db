"""pytest fixtures for the test API server: one server per session, a fresh state and kubeconfig per test.

* `kube_apiserver` (session): a started FakeApiServer; None under `--kube-real=KUBECONFIG`. Its simulated
  cluster (`kube_apiserver.cluster`: nodes node01/node02, scheduler, kubelet, controllers) reacts at once;
  `kube_apiserver.settle()` waits until it has caught up, `cluster.clock.hold()`/`advance(s)` put its timers
  (grace periods, back-offs) under the test's control.
* `kubeconfig_file` (function): a kubeconfig for the admin token user, written to the test's tmp_path after
  the server has been reset to its start state (every object and CRD gone; default namespaces back). Under
  `--kube-real` it is the given file, untouched.
* `kubeconfig_for` (function): `kubeconfig_for(user="cert"|"limited"|"token", namespace=None)` → path.
* marker `needs_simulation`: the test needs the simulated server (it inspects or resets server state); it is
  skipped under `--kube-real`.
* marker `no_simulation`: the test wants a plain API server: its reset leaves out the simulated cluster (no
  nodes, scheduler, kubelet or controllers), so objects stay exactly as written.

Heavy imports (aiohttp, trustme) happen only when a fixture is used, so loading this plugin costs nothing.
"""

from __future__ import annotations

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
    config.addinivalue_line("markers", "no_simulation: a plain test API server, without the simulated cluster "
                                       "(nodes, scheduler, kubelet, controllers)")
    # aiohttp prefers typed keys for request["user"] and friends; its own default filter hides this warning
    # outside pytest, so hide it inside too (matched by text, so aiohttp need not be imported here).
    config.addinivalue_line("filterwarnings", "ignore:It is recommended to use web.:UserWarning")


def _real_kubeconfig(config: pytest.Config) -> str | None:
    return config.getoption(REAL_OPTION, default=None)


_started: list = []  # the session's FakeApiServer once started (one per pytest process / xdist worker)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_simulation") and _real_kubeconfig(item.config):
        pytest.skip("needs the simulated API server (running with --kube-real)")
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


@pytest.fixture
def kubeconfig_for(kube_apiserver, tmp_path: Path, request: pytest.FixtureRequest):
    """A factory writing a kubeconfig for one of the server's users; the server state is reset once first."""
    real = _real_kubeconfig(request.config)
    if kube_apiserver is not None:
        kube_apiserver.reset()

    def make(user: str = "token", namespace: str | None = None) -> Path:
        if real:
            return Path(real)
        return kube_apiserver.write_kubeconfig(tmp_path / f"kubeconfig-{user}", user=user, namespace=namespace)

    return make


@pytest.fixture
def kubeconfig_file(kubeconfig_for) -> Path:
    return kubeconfig_for("token")
