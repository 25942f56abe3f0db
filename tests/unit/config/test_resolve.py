"""resolve(): clientcmd's precedence rules, overrides and validation messages (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pykubectl.config.loading import load_kubeconfig
from pykubectl.config.overrides import ConfigOverrides
from pykubectl.config.resolve import resolve
from pykubectl.errors import ConfigError, InvalidConfigurationError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kubeconfig"


def settings_for(fixture: str, **flags):
    overrides = ConfigOverrides(kubeconfig=str(FIXTURES / fixture), **flags)
    return resolve(load_kubeconfig(overrides), overrides)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    for name in ("KUBECONFIG", "KUBERNETES_MASTER", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_current_context_selects_cluster_user_and_namespace():
    s = settings_for("basic.yaml")
    assert (s.context_name, s.cluster_name, s.user_name) == ("dev", "dev", "dev-admin")
    assert s.server == "https://127.0.0.1:6443"
    assert s.namespace == "team-a"
    assert s.token == "dev-token-123"
    assert s.insecure_skip_tls_verify is True


def test_context_flag_and_data_fields_decoded_to_pem():
    s = settings_for("basic.yaml", context="prod")
    assert s.namespace == "default"
    assert s.ca_data.startswith(b"-----BEGIN CERTIFICATE-----\nMIIBfake-ca")
    assert s.client_certificate_data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert s.client_key_data.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert s.token is None


def test_namespace_flag_beats_context():
    assert settings_for("basic.yaml", namespace="other").namespace == "other"


def test_cluster_and_user_flags_replace_the_contexts():
    s = settings_for("basic.yaml", cluster="prod", user="prod-admin")
    assert s.server == "https://prod.example.com:6443"
    assert s.token is None and s.client_key_data


def test_server_flag_clears_tls_server_name_and_ca_flag_replaces_ca_fields():
    s = settings_for("proxy.yaml")
    assert s.tls_server_name == "api.internal" and s.proxy_url == "socks5://proxy.local:1080"
    assert s.disable_compression is True
    s = settings_for("proxy.yaml", server="https://other:443")
    assert s.server == "https://other:443" and s.tls_server_name is None
    ca = str(FIXTURES / "tls" / "ca.crt")
    s = settings_for("basic.yaml", context="prod", certificate_authority=ca)
    assert s.ca_file == ca and s.ca_data is None
    s = settings_for("basic.yaml", context="prod", insecure_skip_tls_verify=True)
    assert s.insecure_skip_tls_verify and s.ca_data is None


def test_token_flag_overrides_the_users_token():
    assert settings_for("basic.yaml", token="flag-token").token == "flag-token"


def test_relative_paths_resolve_against_the_defining_file(monkeypatch):
    monkeypatch.setenv("KUBECONFIG", f"{FIXTURES / 'multi-a.yaml'}:{FIXTURES / 'sub' / 'nested.yaml'}")
    overrides = ConfigOverrides(context="nested")
    s = resolve(load_kubeconfig(overrides), overrides)
    assert s.ca_file == str(FIXTURES / "tls" / "ca.crt")
    assert s.token_file == str(FIXTURES / "tls" / "token")
    assert s.token == "file-token\n"


def test_merge_first_file_wins_per_entry(monkeypatch):
    monkeypatch.setenv("KUBECONFIG", f"{FIXTURES / 'multi-a.yaml'}:{FIXTURES / 'multi-b.yaml'}")
    config = load_kubeconfig(ConfigOverrides())
    assert config.current_context == "a"
    assert config.clusters["shared"].server == "https://a.example.com"
    assert config.users["shared-user"].token == "t1" and config.users["shared-user"].username == ""
    assert config.clusters["only-b"].origin == str(FIXTURES / "multi-b.yaml")
    assert config.preferences.get("colors") is True


def test_exec_command_with_separator_is_resolved_and_cluster_info_provided():
    s = settings_for("exec.yaml")
    assert s.exec_config["command"] == str(FIXTURES / "bin" / "get-token")
    assert s.exec_config["args"] == ["--region", "eu", "y"]
    assert s.exec_cluster_info == {"server": "https://10.0.0.1",
                                   "config": {"audience": "my-aud", "flags": ["a", "b"]}}
    plain = settings_for("exec.yaml", user="path-plugin")
    assert plain.exec_config["command"] == "gke-gcloud-auth-plugin"
    assert plain.exec_config["interactiveMode"] == "IfAvailable"  # v1beta1 default
    assert plain.exec_cluster_info is None


def test_credentials_only_over_https_but_impersonation_always():
    s = settings_for("impersonate.yaml")
    assert s.server.startswith("http://") and s.token is None
    assert (s.impersonate_user, s.impersonate_uid) == ("jane", "1234")
    assert s.impersonate_groups == ["devs", "admins"]
    assert s.impersonate_extra == {"reason": ["testing"], "scopes": ["a", "b"]}


def test_auth_provider_is_passed_through():
    s = settings_for("oidc.yaml")
    assert s.auth_provider["name"] == "oidc"
    assert s.auth_provider["config"]["id-token"] == "eyJhbGciOiJSUzI1NiJ9.payload.sig"


def test_no_configuration_means_localhost_8080(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    overrides = ConfigOverrides()
    assert resolve(load_kubeconfig(overrides), overrides).server == "http://localhost:8080"
    monkeypatch.setenv("KUBERNETES_MASTER", "http://master:9999")
    assert resolve(load_kubeconfig(overrides), overrides).server == "http://master:9999"


def test_missing_explicit_file():
    with pytest.raises(ConfigError) as info:
        load_kubeconfig(ConfigOverrides(kubeconfig="/nope/config"))
    assert info.value.render() == "error: stat /nope/config: no such file or directory"


def test_context_not_found_renders_as_configuration_error():
    with pytest.raises(InvalidConfigurationError) as info:
        settings_for("basic.yaml", context="nope")
    assert info.value.render() == "Error in configuration: context was not found for specified context: nope"


def test_context_not_found_with_namespace_flag():
    with pytest.raises(ConfigError) as info:
        settings_for("basic.yaml", context="nope", namespace="x")
    assert info.value.render() == 'error: context "nope" does not exist'


def test_missing_user_and_cluster():
    with pytest.raises(ConfigError) as info:
        settings_for("basic.yaml", user="zzz")
    assert info.value.render() == 'error: auth info "zzz" does not exist'
    with pytest.raises(ConfigError) as info:
        settings_for("basic.yaml", cluster="zzz")
    assert info.value.render() == 'error: no server found for cluster "zzz"'


def test_bad_proxy_url():
    with pytest.raises(ConfigError) as info:
        settings_for("proxy.yaml", context="bad")
    assert info.value.render() == ("error: invalid 'proxy-url' \"ftp://proxy.local\" for cluster \"bad\": "
                                   'unsupported scheme "ftp", must be http, https, or socks5')


def test_several_validation_errors_list_each():
    with pytest.raises(InvalidConfigurationError) as info:
        settings_for("invalid-user.yaml")
    assert info.value.render() == (
        "Error in configuration: \n"
        "* apiVersion must be specified for bad to use exec authentication plugin\n"
        "* interactiveMode must be specified for bad to use exec authentication plugin\n"
        "* more than one authentication method found for bad; found [token basicAuth], only one is allowed\n"
        "* requesting uid, groups or user-extra for bad without impersonating a user")


def test_groups_without_as():
    with pytest.raises(InvalidConfigurationError) as info:
        settings_for("impersonate.yaml", context="noas")
    assert info.value.reasons == ["requesting uid, groups or user-extra for noas without impersonating a user"]


def test_in_cluster_when_nothing_else(monkeypatch, tmp_path):
    from pykubectl.config import incluster

    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text("sa-token")
    (sa / "namespace").write_text(" kube-ns \n")
    monkeypatch.setattr(incluster, "SERVICE_ACCOUNT_DIR", str(sa))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "fd00::1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    overrides = ConfigOverrides()
    s = resolve(load_kubeconfig(overrides), overrides)
    assert s.server == "https://[fd00::1]:443"
    assert s.token == "sa-token" and s.token_file == str(sa / "token")
    assert s.namespace == "kube-ns"
