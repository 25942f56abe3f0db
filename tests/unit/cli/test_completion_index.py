"""The completion index (cli/completion.py): the click tree kept as JSON, so a completion loads neither click
nor any verb; and what a warm-cache `__complete get po` imports."""

import json
import os
import subprocess
import sys

import pytest

from pykubectl.cli import completion


def _shape(flag: completion.Flag) -> tuple:
    return (flag.long, flag.short, flag.takes_value, flag.usage, flag.hidden, flag.repeatable, flag.required,
            flag.option is None)


def _compare(live: completion.Node, indexed: completion.Node, seen: list[tuple[str, ...]]) -> None:
    assert indexed.path == live.path
    assert [_shape(f) for f in indexed.local_flags()] == [_shape(f) for f in live.local_flags()], live.path
    assert {n: s for n, (s, _) in indexed.children.items()} == {n: s for n, (s, _) in live.children.items()}
    seen.append(live.path)
    for name, (_, load) in live.children.items():
        live_child, indexed_child = load(), indexed.children[name][1]()
        assert (live_child is None) == (indexed_child is None), (*live.path, name)
        if live_child is not None:
            _compare(live_child, indexed_child, seen)


def test_the_index_reads_back_as_the_click_tree():
    from pykubectl.cli.root import root

    seen: list[tuple[str, ...]] = []
    index = json.loads(json.dumps(completion.build_index()))  # through JSON, as it is stored
    _compare(completion._node(("kubectl",), root), completion._from_index(("kubectl",), index), seen)
    assert ("kubectl", "create", "secret", "generic") in seen and ("kubectl", "config", "use-context") in seen
    assert ("kubectl", "create", "deployment") in seen  # reached through its alias too (deploy)


@pytest.fixture
def fresh_index(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(completion, "_INDEX_MEMO", {})
    return tmp_path / ".kube" / "cache" / "pykubectl" / "completion-index.json"


def test_the_index_is_written_once_and_rebuilt_when_a_module_changes(fresh_index, monkeypatch):
    tree = completion._index()
    stored = json.loads(fresh_index.read_text())
    assert stored["tree"] == tree and stored["fingerprint"] == completion._fingerprint()
    stored["tree"]["children"]["get"][0] = "from the file"
    fresh_index.write_text(json.dumps(stored))
    monkeypatch.setattr(completion, "_INDEX_MEMO", {})
    assert completion._index()["children"]["get"][0] == "from the file"  # current: read, not rebuilt
    stale = [*stored["fingerprint"][:-1], [stored["fingerprint"][-1][0], 0, 0]]  # one module changed
    fresh_index.write_text(json.dumps({**stored, "fingerprint": stale}))
    monkeypatch.setattr(completion, "_INDEX_MEMO", {})
    assert completion._index()["children"]["get"][0] == "Display one or many resources"
    assert json.loads(fresh_index.read_text())["fingerprint"] == completion._fingerprint()


def test_the_fingerprint_covers_the_verbs():
    paths = {entry[0] for entry in completion._fingerprint()[3:]}
    assert os.path.join(os.sep + "commands", "get.py") in paths
    assert os.path.join(os.sep + "cli", "root.py") in paths
    assert not any("testing" in p.split(os.sep) for p in paths)


def test_a_broken_index_file_is_rebuilt(fresh_index):
    fresh_index.parent.mkdir(parents=True)
    fresh_index.write_text("{not json")
    assert "get" in completion._index()["children"]
    assert json.loads(fresh_index.read_text())["tree"]["children"]["get"]


def test_types_from_a_warm_cache_import_neither_click_nor_httpx(kubeconfig_file, tmp_path):
    """`__complete get po` on a warm discovery cache (and a current index) makes no request: no httpx, no ssl,
    no click, and with a JSON kubeconfig no yaml either."""
    probe = (
        "import json, sys\n"
        "from pykubectl.cli import completion\n"
        "from pykubectl.cli.main import main\n"
        "from pykubectl.streams import IOStreams\n"
        "try:\n"
        "    current = json.load(open(completion._index_path()))['fingerprint'] == completion._fingerprint()\n"
        "except OSError:\n"
        "    current = False\n"
        "s = IOStreams.buffers()\n"
        "main(['__complete', 'get', 'po'], s)\n"
        "print(s.out.getvalue().replace(chr(10), ' '))\n"
        "print(' '.join(m for m in sys.modules if m != 'httpx._main'))\n"  # the stand-in for httpx's CLI
        "print(current)\n"
    )
    env = {"HOME": str(tmp_path), "KUBECONFIG": str(kubeconfig_file), "PATH": os.environ.get("PATH", "")}
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert "pods " in first.stdout.splitlines()[0]  # discovered live, and the cache written
    assert "httpx" in first.stdout.splitlines()[1].split()
    for _ in range(3):  # pykubectl's sources may change meanwhile (a checkout being edited): the index follows
        second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
        answer, modules, current = second.stdout.splitlines()
        if current == "True":
            break
    assert current == "True"
    assert answer.split() == first.stdout.splitlines()[0].split()
    loaded = {m.split(".")[0] for m in modules.split()}
    assert not {"httpx", "httpcore", "ssl", "h11", "click", "yaml", "rich"} & loaded
    assert not any(m.startswith("pykubectl.commands") for m in modules.split())


def test_nowhere_to_keep_the_index_walks_click_instead(fresh_index):
    from pykubectl.streams import IOStreams

    fresh_index.parent.parent.mkdir(parents=True)
    fresh_index.parent.write_text("a file where the directory would be")
    assert completion._index() is None
    assert completion.command_tree().command is not None  # the click tree, walked as before
    streams = IOStreams.buffers()
    assert completion.complete(["__complete", "config", "use"], streams) == 0
    assert streams.out.getvalue() == "use-context\tSet the current-context in a kubeconfig file\n:4\n"
    assert completion._INDEX_MEMO == {}


def test_a_verb_that_does_not_load_is_remembered(fresh_index, monkeypatch):
    """A tree that cannot be built (a verb's module fails to import) is not tried again for the same sources:
    completion walks click as before."""
    calls = []

    def broken():
        calls.append(1)
        raise ImportError("half-written verb")

    monkeypatch.setattr(completion, "build_index", broken)
    assert completion._index() is None
    assert json.loads(fresh_index.read_text())["tree"] is None
    monkeypatch.setattr(completion, "_INDEX_MEMO", {})
    assert completion._index() is None and calls == [1]  # read from the file, not built again
    assert completion.command_tree().command is not None
