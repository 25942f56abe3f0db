"""FakeApiServer life cycle, the kubeconfig it writes, the serve command and the pytest fixtures."""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.request

import pytest

from pykubectl.testing.threaded import FakeApiServer

pytestmark = pytest.mark.needs_simulation


def _version(url: str, ca_pem: bytes) -> dict:
    context = ssl.create_default_context(cadata=ca_pem.decode())
    with urllib.request.urlopen(url + "/version", context=context, timeout=10) as response:
        return json.loads(response.read())


def test_server_starts_on_a_free_port_and_stops():
    with FakeApiServer() as server:
        assert server.url.startswith("https://127.0.0.1:") and server.port > 0
        assert _version(server.url, server.ca_pem)["minor"] == "32"
        url, ca = server.url, server.ca_pem
    with pytest.raises(OSError):
        _version(url, ca)


def test_kubeconfig_has_a_context_per_user(kube_apiserver, tmp_path):
    path = kube_apiserver.write_kubeconfig(tmp_path / "kc", user="limited", namespace="team")
    config = json.loads(path.read_text())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert config["current-context"] == "limited"
    assert [c["name"] for c in config["contexts"]] == ["token-admin", "cert-admin", "limited"]
    assert {c["context"]["namespace"] for c in config["contexts"]} == {"team"}
    assert config["clusters"][0]["cluster"]["server"] == kube_apiserver.url
    users = {u["name"]: u["user"] for u in config["users"]}
    assert users["token-admin"] == {"token": kube_apiserver.tokens["admin"]}
    assert set(users["cert-admin"]) == {"client-certificate-data", "client-key-data"}


def test_kubeconfig_file_fixture_points_at_the_session_server(kubeconfig_file, kube_apiserver):
    config = json.loads(kubeconfig_file.read_text())
    assert config["clusters"][0]["cluster"]["server"] == kube_apiserver.url
    assert config["current-context"] == "token-admin"


def test_reset_is_fast(kube_apiserver):
    started = time.perf_counter()
    for _ in range(5):
        kube_apiserver.reset()
    assert (time.perf_counter() - started) / 5 < 0.2


def test_serve_command_writes_kubeconfig_and_stops_on_sigterm(tmp_path):
    kubeconfig = tmp_path / "kc.yaml"
    process = subprocess.Popen([sys.executable, "-m", "pykubectl.testing", "serve", "--kubeconfig",
                                str(kubeconfig)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:")
        config = json.loads(kubeconfig.read_text())
        assert config["clusters"][0]["cluster"]["server"] == url
        import base64
        ca = base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"])
        assert _version(url, ca)["gitVersion"] == "v1.32.5"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_demo_plays_the_walkthrough_and_stops(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pykubectl.testing.demo"], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert out.startswith("# test API server at https://127.0.0.1:")
    assert "$ pykubectl get nodes\nNAME     STATUS   ROLES           AGE   VERSION\nnode01   Ready" in out
    assert "pod/nginx-pod created\npod/redis-nginx created\n" in out
    assert re.search(r"\nredis-nginx +2/2 +Running +0 ", out)
    assert "Name:             redis-nginx\n" in out and "  key-value-store:\n" in out and "  frontend:\n" in out
    assert "hello from the frontend of redis-nginx\n" in out
    assert "-> HTTP 200, <title>Welcome to nginx!</title>\n" in out  # fetched through the port-forward
    assert re.search(r'"GET / HTTP/1.1" 200 615 "-" "Python-urllib', out)  # ... and nginx logged it
    assert "\nkube-system       Active" in out
    assert "\nnodes                               no           v1 " in out
    assert "$ pykubectl config current-context\ntoken-admin\n" in out
    assert 'pod "nginx-pod" deleted\n' in out
    assert "0 failed\n" in out
    assert out.endswith("# test API server stopped\n")
