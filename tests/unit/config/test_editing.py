"""config.editing: go-yaml-compatible output, file routing, atomic writes and property paths (no kubectl needed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pykubectl.config import editing
from pykubectl.config.editing import (
    EditableConfig,
    PathOptions,
    Stanza,
    config_from_file,
    decode_file,
    dump_yaml,
    modify_config,
    navigation_steps,
    scalar_style,
    serialise,
    set_property,
    unset_property,
    write_file,
)
from pykubectl.errors import ConfigError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kubeconfig"


# Styles observed from the real kubectl 1.32 writing `users.uNN.token <value>` (go-yaml v2).
@pytest.mark.parametrize("text,style", [
    ("yes", '"'), ("y", '"'), ("0x1F", '"'), ("08", '"'), ("010", '"'), ("1e3", '"'), ("2024-01-01", '"'),
    ("2024-1-1 10:00:00", '"'), ("~", '"'), ("null", '"'), ("", '"'), ("1:20", '"'), ("+1", '"'), ("+.5", '"'),
    (".5", '"'), ("0b101", '"'), ("1_000", '"'),
    ("a:b", None), ("a,b", None), ("<<", None), ("=", None), ("é ünicode", None), ("https://1.2.3.4", None),
    ("1.2.3.4", None), ("-", None), ("a: b", None),  # plain requested; the emitter single-quotes the last two
    ("line1\nline2", "|"),
])
def test_scalar_style_matches_go_yaml(text, style):
    assert scalar_style(text) == style


def test_dump_yaml_quotes_sorts_and_folds_like_kubectl():
    document = {
        "users": [{"name": "u", "user": {"auth-provider": {"name": "oidc",
                                                           "config": {"b": "1", "a10": "x", "a9": "y"}}}}],
        "long": "a long line with many words that keeps going and going well past the eighty column limit of go yaml",
        "quoted": "a: b", "empty": {}, "none": None, "flag": False, "tab": "tab\tx", "multi": "line1\nline2",
    }
    assert dump_yaml(document) == (
        "empty: {}\n"
        "flag: false\n"
        "long: a long line with many words that keeps going and going well past the eighty\n"
        "  column limit of go yaml\n"
        "multi: |-\n"
        "  line1\n"
        "  line2\n"
        "none: null\n"
        "quoted: 'a: b'\n"
        'tab: "tab\\tx"\n'
        "users:\n"
        "- name: u\n"
        "  user:\n"
        "    auth-provider:\n"
        "      config:\n"
        '        a9: "y"\n'
        "        a10: x\n"
        '        b: "1"\n'
        "      name: oidc\n"
    )


def test_empty_config_serialises_as_kubectl_creates_it():
    assert serialise(EditableConfig()) == (
        'apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: ""\nkind: Config\n'
        "preferences: {}\nusers: null\n"
    )


def test_decode_drops_unknown_fields_and_keeps_everything_known(tmp_path):
    config = config_from_file(str(FIXTURES / "write-base.yaml"))
    text = serialise(config)
    assert "unknown" not in text
    assert "certificate-authority: ./certs/ca.crt" in text  # not relativized when not written by a verb
    assert "audience: my-aud" in text and "- two" in text  # extension content survives
    assert sorted(config.users) == ["admin", "dev-user", "exec-user", "oidc"]
    # exec v1beta1 without interactiveMode gets kubectl's default on decode
    assert config.users["exec-user"].get("exec")["interactiveMode"] == "IfAvailable"
    assert decode_file(editing.encode(config)) == decode_file(editing.encode(config))


def _write(path: Path, fixture: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((FIXTURES / fixture).read_bytes())
    path.chmod(0o600)
    return path


def test_modify_config_writes_each_change_to_the_file_that_defines_it(tmp_path):
    first = _write(tmp_path / "a" / "one", "write-base.yaml")
    second = _write(tmp_path / "b" / "two", "write-second.yaml")
    access = PathOptions(None, (str(first), str(second)), str(tmp_path / "home" / "config"))
    before_first = first.read_bytes()
    config = access.starting_config()
    assert config.clusters["dev"].origin == str(first)  # the first file wins the whole entry
    config.users["staging-user"].set("token", "t")
    modify_config(access, config, relativize_paths=True)
    assert first.read_bytes() == before_first  # untouched: not even reformatted
    assert "token: t" in second.read_text()
    assert "shadowed-by-first-file" in second.read_text()  # an unrelated, shadowed entry survives
    assert not list(tmp_path.rglob("*.lock")) and not list(tmp_path.rglob("*.tmp"))


def test_new_entries_go_to_the_first_existing_env_file_or_the_last(tmp_path):
    missing, existing = tmp_path / "x" / "zero", _write(tmp_path / "y" / "one", "write-third.yaml")
    last = tmp_path / "z" / "two"
    assert PathOptions(None, (str(missing), str(existing), str(last)), "h").default_filename() == str(existing)
    assert PathOptions(None, (str(missing), str(last)), "h").default_filename() == str(last)
    assert PathOptions(None, (str(missing),), "h").default_filename() == str(missing)
    assert PathOptions("explicit", (), "h").default_filename() == "explicit"
    assert PathOptions(None, (), "h").default_filename() == "h"


def test_write_is_atomic_and_keeps_mode(tmp_path, monkeypatch):
    target = _write(tmp_path / "config", "write-base.yaml")
    target.chmod(0o640)
    original = target.read_bytes()

    def crash(src, dst):
        assert Path(src).parent == target.parent  # the temp file sits beside the target
        assert Path(src).read_bytes() == serialise(EditableConfig()).encode()  # fully written first
        raise OSError("disk gone")

    monkeypatch.setattr(editing.os, "replace", crash)
    with pytest.raises(OSError):
        write_file(EditableConfig(), str(target))
    assert target.read_bytes() == original  # never a partial file
    assert [p.name for p in tmp_path.iterdir()] == ["config"]  # the temp file is cleaned up
    monkeypatch.undo()
    write_file(EditableConfig(), str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    new = tmp_path / "fresh" / "dir" / "config"
    write_file(EditableConfig(), str(new))
    assert stat.S_IMODE(new.stat().st_mode) == 0o600


def test_lock_file_is_exclusive(tmp_path):
    target = _write(tmp_path / "config", "write-base.yaml")
    Path(str(target) + ".lock").write_text("")
    access = PathOptions(str(target), (), "h")
    config = access.starting_config()
    config.current_context = "prod"
    with pytest.raises(ConfigError, match=r"open .*config\.lock: file exists"):
        modify_config(access, config, relativize_paths=True)
    assert "current-context: dev" in target.read_text()


def test_relativize_paths_against_the_written_file(tmp_path):
    target = tmp_path / "cfg" / "config"
    access = PathOptions(str(target), (), "h")
    config = access.starting_config()
    config.clusters["inside"] = Stanza({"certificate-authority": str(tmp_path / "cfg" / "certs" / "ca.crt")})
    config.clusters["outside"] = Stanza({"certificate-authority": "/etc/ca.crt"})
    config.users["rel"] = Stanza({"client-key": "../up/key", "exec": editing.new_exec_config("./bin/tok")})
    modify_config(access, config, relativize_paths=True)
    written = config_from_file(str(target))
    assert written.clusters["inside"].get("certificate-authority") == "certs/ca.crt"
    assert written.clusters["outside"].get("certificate-authority") == "/etc/ca.crt"
    assert written.users["rel"].get("client-key") == str(tmp_path / "up" / "key")  # backsteps: made absolute
    assert written.users["rel"].get("exec")["command"] == "bin/tok"


def test_navigation_steps_keep_dotted_map_keys():
    steps = navigation_steps("clusters.10.0.0.1.server")
    assert [s.value for s in steps] == ["clusters", "10.0.0.1", "server"]
    assert str(steps[0]) == "{clusters map[string]*api.Cluster}"
    with pytest.raises(ConfigError, match=r"^unable to parse foo\.bar after \[\] at api\.Config$"):
        navigation_steps("foo.bar")
    with pytest.raises(ConfigError, match="unable to parse one or more field values of users.u.exec.command"):
        navigation_steps("users.u.exec.command")


def test_set_and_unset_properties():
    config = EditableConfig()
    set_property(config, "clusters.c.certificate-authority-data", "aGVsbG8=")
    set_property(config, "users.u.act-as", "someone")
    set_property(config, "clusters.c.insecure-skip-tls-verify", "true")
    assert config.clusters["c"].get("certificate-authority-data") == b"hello"
    assert "as: someone" in serialise(config)
    with pytest.raises(ConfigError, match="illegal base64 data at input byte 6"):
        set_property(config, "clusters.c.certificate-authority-data", "notb64!")
    with pytest.raises(ConfigError, match=r'strconv.ParseBool: parsing "maybe": invalid syntax'):
        set_property(config, "clusters.c.insecure-skip-tls-verify", "maybe")
    with pytest.raises(ConfigError, match="unrecognized slice type. string"):
        set_property(config, "users.u.act-as-groups", "g")
    unset_property(config, "clusters.c.insecure-skip-tls-verify")
    assert config.clusters["c"].get("insecure-skip-tls-verify") is None
    with pytest.raises(ConfigError, match="current map key `zz` is invalid"):
        unset_property(config, "clusters.zz.server")
    unset_property(config, "users")
    assert config.users == {}


def test_go_quote():
    assert editing.go_quote('a"b\\c\n') == '"a\\"b\\\\c\\n"'
    assert editing.go_quote("é") == '"é"'
    assert os.sep == "/"  # path handling here follows Go's filepath on Unix
