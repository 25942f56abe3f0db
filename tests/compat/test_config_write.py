"""`kubectl config` verbs that write kubeconfig files: the real kubectl and pykubectl run the same command
against two copies of the same files; output, exit code and every resulting file (bytes and mode) must match.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kubeconfig"
ROOT = "<ROOT>"


@dataclass(frozen=True)
class Layout:
    """Files to create (relative path → fixture name) and how the tools find them."""

    files: dict[str, str]
    kubeconfig_flag: str | None = None  # relative path for --kubeconfig
    kubeconfig_env: tuple[str, ...] = ()  # relative paths for $KUBECONFIG
    home_file: bool = False  # HOME=<root>/home, so ~/.kube/config applies


LAYOUTS = {
    "explicit": Layout({"cfg/config": "write-base.yaml"}, kubeconfig_flag="cfg/config"),
    "explicit-missing": Layout({}, kubeconfig_flag="new/dir/config"),
    "home": Layout({"home/.kube/config": "write-base.yaml"}, home_file=True),
    "home-missing": Layout({}, home_file=True),
    "env2": Layout({"a/one": "write-base.yaml", "b/two": "write-second.yaml"}, kubeconfig_env=("a/one", "b/two")),
    "env3": Layout({"a/one": "write-third.yaml", "b/two": "write-base.yaml", "c/three": "write-second.yaml"},
                   kubeconfig_env=("a/one", "b/two", "c/three")),
    "env-first-missing": Layout({"b/two": "write-second.yaml", "c/three": "write-third.yaml"},
                                kubeconfig_env=("a/zero", "b/two", "c/three")),
    "env-all-missing": Layout({}, kubeconfig_env=("x/one", "y/two")),
}


def _prepare(root: Path, layout: Layout) -> dict[str, str]:
    root.mkdir(parents=True)
    (root / "home").mkdir()
    for relative, fixture in layout.files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((FIXTURES / fixture).read_bytes())
        target.chmod(0o600)
    (root / "certs").mkdir()
    (root / "certs" / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n")
    (root / "certs" / "client.crt").write_text("client-cert\n")
    (root / "certs" / "client.key").write_text("client-key\n")
    env = {"HOME": str(root / "home")}
    if layout.kubeconfig_env:
        env["KUBECONFIG"] = os.pathsep.join(str(root / p) for p in layout.kubeconfig_env)
    return env


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(root.rglob("*")) if p.is_file()}


def _normalise(result, root: Path) -> tuple[str, str, int]:
    return (result.stdout.replace(str(root), ROOT), result.stderr.replace(str(root), ROOT), result.exit_code)


def run_both(runners, tmp_path: Path, monkeypatch, layout_name: str, *args: str):
    """Run `kubectl config <args>` with both tools on separate copies; return both outcomes and roots."""
    layout = LAYOUTS[layout_name]
    outcomes = []
    for tool in ("kubectl", "pykubectl"):
        root = tmp_path / tool
        env = _prepare(root, layout)
        argv = ["config", *(a.replace(ROOT, str(root)) for a in args)]
        if layout.kubeconfig_flag:
            argv.append(f"--kubeconfig={root / layout.kubeconfig_flag}")
        monkeypatch.chdir(root)
        result = getattr(runners, tool)(*argv, env=env)
        outcomes.append((_normalise(result, root), _snapshot(root), root, env))
    return outcomes


def assert_same_outcome(runners, tmp_path, monkeypatch, layout_name: str, *args: str):
    (expected, expected_files, kroot, kenv), (actual, actual_files, proot, penv) = run_both(
        runners, tmp_path, monkeypatch, layout_name, *args)
    assert actual == expected, f"kubectl config {' '.join(args)} [{layout_name}]"
    assert sorted(actual_files) == sorted(expected_files), "the same files exist afterwards"
    for name, (content, mode) in expected_files.items():
        ours, our_mode = actual_files[name]
        assert ours.decode() == content.decode(), f"{name} after kubectl config {' '.join(args)}"
        assert our_mode == mode, f"mode of {name}"
    return expected, expected_files, (kroot, kenv), (proot, penv)


SCENARIOS = [
    # use-context
    ("explicit", "use-context", "prod"),
    ("explicit", "use-context", "dev"),  # already current: kubectl writes nothing
    ("explicit", "use-context", "nope"),
    ("explicit", "use-context"),
    ("explicit", "use-context", "a", "b"),
    ("env2", "use-context", "staging"),
    ("env3", "use-context", "third"),
    ("env-first-missing", "use-context", "third"),
    ("home", "use-context", "prod"),
    # set-context
    ("explicit", "set-context", "new", "--cluster=dev", "--user=admin", "--namespace=ns1"),
    ("explicit", "set-context", "prod", "--namespace=default"),
    ("explicit", "set-context", "prod"),
    ("explicit", "set-context", "--current", "--namespace=on"),
    ("explicit", "set-context"),
    ("explicit", "set-context", "a", "--current"),
    ("explicit", "set-context", "a", "b"),
    ("explicit-missing", "set-context", "fresh", "--cluster=c"),
    ("explicit-missing", "set-context", "--current", "--namespace=x"),
    ("home-missing", "set-context", "fresh", "--user=u"),
    ("env2", "set-context", "staging", "--namespace=stage"),
    ("env2", "set-context", "brand-new", "--cluster=staging"),
    ("env3", "set-context", "third", "--user=admin"),
    ("env-first-missing", "set-context", "brand-new", "--cluster=x"),
    ("env-all-missing", "set-context", "brand-new", "--cluster=x"),
    # set-cluster
    ("explicit", "set-cluster", "dev", "--server=https://10.0.0.1"),
    ("explicit", "set-cluster", "prod", "--server=https://other"),  # clears tls-server-name
    ("explicit", "set-cluster", "new", "--certificate-authority=<ROOT>/cfg/ca.pem"),
    ("explicit", "set-cluster", "new", "--certificate-authority=<ROOT>/certs/ca.crt", "--embed-certs"),
    ("explicit", "set-cluster", "prod", "--insecure-skip-tls-verify"),
    ("explicit", "set-cluster", "dev", "--insecure-skip-tls-verify=false", "--tls-server-name=dev.local",
     "--proxy-url=socks5://proxy:1080"),
    ("explicit", "set-cluster", "x", "--insecure-skip-tls-verify", "--certificate-authority=/x"),
    ("explicit", "set-cluster", "x", "--embed-certs"),
    ("explicit", "set-cluster", "x", "--embed-certs", "--certificate-authority=<ROOT>/nonexistent"),
    ("explicit", "set-cluster"),
    ("env2", "set-cluster", "staging", "--server=https://changed"),
    ("env2", "set-cluster", "brand-new", "--server=https://new"),
    ("env2", "set-cluster", "dev", "--certificate-authority=<ROOT>/a/ca.crt"),
    # set-credentials
    ("explicit", "set-credentials", "dev-user", "--username=bob", "--password=pw"),
    ("explicit", "set-credentials", "new", "--token=t0k3n"),
    ("explicit", "set-credentials", "admin", "--client-certificate=<ROOT>/certs/client.crt",
     "--client-key=<ROOT>/certs/client.key", "--embed-certs=true"),
    ("explicit", "set-credentials", "admin", "--client-certificate=<ROOT>/cfg/sub/c.crt"),
    ("explicit", "set-credentials", "oidc", "--auth-provider-arg=client-id-", "--auth-provider-arg=extra=1"),
    ("explicit", "set-credentials", "oidc", "--auth-provider=gcp"),
    ("explicit", "set-credentials", "dev-user", "--auth-provider=oidc", "--auth-provider-arg=a9=y,a10=x"),
    ("explicit", "set-credentials", "exec-user", "--exec-command=other", "--exec-env=MODE-",
     "--exec-interactive-mode=Never", "--exec-provide-cluster-info"),
    ("explicit", "set-credentials", "exec-user", "--exec-arg=x,y", "--exec-env=MODE=2"),
    ("explicit", "set-credentials", "new", "--exec-command=/usr/bin/tok", "--exec-api-version=v1"),
    ("explicit", "set-credentials", "new", "--exec-command=<ROOT>/cfg/bin/tok"),
    ("explicit", "set-credentials", "x", "--token=a", "--username=b"),
    ("explicit", "set-credentials", "x", "--embed-certs"),
    ("explicit", "set-credentials", "x", "--exec-interactive-mode=bad"),
    ("explicit", "set-credentials", "x", "--auth-provider-arg=noeq"),
    ("explicit", "set-credentials"),
    ("env2", "set-credentials", "staging-user", "--token=abc"),
    # delete-*
    ("explicit", "delete-cluster", "prod"),
    ("explicit", "delete-cluster", "nope"),
    ("explicit", "delete-cluster"),
    ("explicit", "delete-context", "dev"),  # the current one: a warning
    ("explicit", "delete-context", "prod"),
    ("explicit", "delete-context", "nope"),
    ("explicit", "delete-user", "admin"),
    ("explicit", "delete-user", "nope"),
    ("explicit", "delete-user"),
    ("env2", "delete-cluster", "staging"),
    ("env2", "delete-context", "staging"),
    ("env2", "delete-user", "nope"),
    ("env3", "delete-user", "staging-user"),
    ("home", "delete-context", "prod"),
    # rename-context
    ("explicit", "rename-context", "dev", "development"),
    ("explicit", "rename-context", "prod", "dev"),
    ("explicit", "rename-context", "nope", "x"),
    ("explicit", "rename-context", "dev", ""),
    ("explicit", "rename-context", "dev"),
    ("env2", "rename-context", "staging", "stage"),
    # set / unset
    ("explicit", "set", "clusters.dev.server", "https://1.2.3.4"),
    ("explicit", "set", "clusters.10.0.0.1.server", "https://10.0.0.1"),
    ("explicit", "set", "users.dev-user.token", "new-token"),
    ("explicit", "set", "users.admin.act-as", "someone"),
    ("explicit", "set", "contexts.prod.namespace", "yes"),
    ("explicit", "set", "current-context", "prod"),
    ("explicit", "set", "preferences.colors", "true"),
    ("explicit", "set", "clusters.dev.insecure-skip-tls-verify", "true"),
    ("explicit", "set", "clusters.dev.insecure-skip-tls-verify", "maybe"),
    ("explicit", "set", "clusters.prod.certificate-authority-data", "aGVsbG8="),
    ("explicit", "set", "clusters.prod.certificate-authority-data", "raw bytes", "--set-raw-bytes"),
    ("explicit", "set", "clusters.prod.certificate-authority-data", "notb64!"),
    ("explicit", "set", "users.admin.client-key-data", "a2V5", "--set-raw-bytes=false"),
    ("explicit", "set", "foo.bar", "x"),
    ("explicit", "set", "users.u.exec.command", "x"),
    ("explicit", "set", "users.admin.act-as-groups", "x"),
    ("explicit", "set", "current-context", ""),
    ("explicit", "set", "clusters.dev.server"),
    ("env2", "set", "users.staging-user.username", "bob"),
    ("env2", "set", "contexts.new-one.cluster", "staging"),
    ("explicit", "unset", "current-context"),
    ("explicit", "unset", "contexts.prod.namespace"),
    ("explicit", "unset", "clusters.prod"),
    ("explicit", "unset", "clusters.zz"),
    ("explicit", "unset", "clusters.zz.server"),
    ("explicit", "unset", "users.exec-user.exec"),
    ("explicit", "unset", "users.oidc.auth-provider"),
    ("explicit", "unset", "clusters.prod.certificate-authority-data"),
    ("explicit", "unset", "preferences"),
    ("explicit", "unset", "users"),
    ("explicit", "unset", "foo"),
    ("explicit", "unset"),
    ("env2", "unset", "current-context"),
    ("env3", "unset", "current-context"),
    ("env2", "unset", "users.staging-user.password"),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s[0]}:{' '.join(s[1:])}")
def test_config_write_matches_kubectl(runners, tmp_path, monkeypatch, scenario):
    layout, *args = scenario
    assert_same_outcome(runners, tmp_path, monkeypatch, layout, *args)


@pytest.mark.parametrize("scenario", [
    ("explicit", "set-context", "prod", "--namespace=other"),
    ("env2", "set-credentials", "staging-user", "--token=abc"),
    ("env3", "rename-context", "prod", "production"),
    ("explicit", "set", "users.exec-user.token", "a long token with many words that keeps going well past column 80"),
], ids=lambda s: f"{s[0]}:{' '.join(s[1:])}")
def test_view_raw_agrees_after_write(runners, tmp_path, monkeypatch, scenario):
    """`kubectl config view --raw` (the real one) reads our written files exactly as it reads its own."""
    layout, *args = scenario
    _, _, (kroot, kenv), (proot, penv) = assert_same_outcome(runners, tmp_path, monkeypatch, layout, *args)
    views = []
    for root, env in ((kroot, kenv), (proot, penv)):
        extra = [f"--kubeconfig={root / LAYOUTS[layout].kubeconfig_flag}"] if LAYOUTS[layout].kubeconfig_flag else []
        monkeypatch.chdir(root)
        result = runners.kubectl("config", "view", "--raw", *extra, env=env)
        assert result.exit_code == 0, result.stderr
        views.append(result.stdout.replace(str(root), ROOT))
    assert views[0] == views[1]


def test_existing_file_mode_and_symlink_are_kept(runners, tmp_path, monkeypatch):
    """kubectl writes in place: a 0644 file stays 0644 and a symlinked kubeconfig stays a symlink."""
    outcomes = []
    for tool in ("kubectl", "pykubectl"):
        root = tmp_path / tool
        (root / "real").mkdir(parents=True)
        target = root / "real" / "config"
        target.write_bytes((FIXTURES / "write-base.yaml").read_bytes())
        target.chmod(0o644)
        link = root / "link"
        link.symlink_to(target)
        result = getattr(runners, tool)("config", "use-context", "prod", f"--kubeconfig={link}")
        assert result.exit_code == 0, result.stderr
        assert link.is_symlink()
        outcomes.append((target.read_bytes(), stat.S_IMODE(target.stat().st_mode)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][1] == 0o644


def test_lock_file_blocks_the_write_as_in_kubectl(runners, tmp_path, monkeypatch):
    outcomes = []
    for tool in ("kubectl", "pykubectl"):
        root = tmp_path / tool
        env = _prepare(root, LAYOUTS["env2"])
        (root / "b" / "two.lock").write_text("")
        result = getattr(runners, tool)("config", "use-context", "staging", env=env)
        outcomes.append((_normalise(result, root), _snapshot(root)))
    assert outcomes[1] == outcomes[0]
    assert "two.lock: file exists" in outcomes[1][0][1]


def test_use_alias_matches_kubectl(runners, tmp_path, monkeypatch):
    assert_same_outcome(runners, tmp_path, monkeypatch, "explicit", "use", "prod")


@pytest.mark.parametrize("args", [("set-context", "x", "-n", "foo"), ("set-cluster", "x", "-s", "foo")])
def test_global_shorthand_hidden_by_own_flag_is_unknown(runners, tmp_path, monkeypatch, args):
    assert_same_outcome(runners, tmp_path, monkeypatch, "explicit", *args)
