"""Shell completion: cobra's hidden `__complete` / `__completeNoDesc` protocol, answered as kubectl 1.32 does.

`pykubectl __complete get pods w` prints one candidate a line (`name<TAB>description` unless NoDesc), then
`:<directive>`; the shell scripts from `pykubectl completion SHELL` call it. The walk over the command tree
follows cobra's getCompletions (completions.go): find the command, decide between a flag's value, a flag
name and a noun, then ask the command's completion function (kubectl's pkg/util/completion, whose cluster
side is pykubectl.resources.completion). Nothing here prints an error: a failure means no candidates.
It runs before the click tree is built, and renders no help; the tree it walks is read from the completion
index (below) rather than from click and the verbs' modules, so a completion stays cheap.
"""

from __future__ import annotations

import importlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field

# cobra's ShellCompDirective bits
ERROR, NO_SPACE, NO_FILE_COMP, FILTER_FILE_EXT, FILTER_DIRS, KEEP_ORDER = 1, 2, 4, 8, 16, 32
_DIRECTIVE_NAMES = ((ERROR, "ShellCompDirectiveError"), (NO_SPACE, "ShellCompDirectiveNoSpace"),
                    (NO_FILE_COMP, "ShellCompDirectiveNoFileComp"),
                    (FILTER_FILE_EXT, "ShellCompDirectiveFilterFileExt"),
                    (FILTER_DIRS, "ShellCompDirectiveFilterDirs"), (KEEP_ORDER, "ShellCompDirectiveKeepOrder"))

HELP_SHORT = "Help about any command"
PLUGIN_SHORT = "The command {} is a plugin installed by the user"
SHELLS = ("bash", "zsh", "fish", "powershell")

# Commands completing with kubectl's ResourceTypeAndNameCompletionFunc.
TYPE_AND_NAME = {("get",), ("describe",), ("delete",), ("edit",), ("label",), ("annotate",), ("patch",),
                 ("apply", "edit-last-applied"), ("apply", "view-last-applied")}
# SpecifiedResourceTypeAndName(NoRepeat)CompletionFunc: (allowed types, allow repeat).
SPECIFIED: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {
    ("autoscale",): (("deployment", "replicaset", "replicationcontroller", "statefulset"), True),
    ("scale",): (("deployment", "replicaset", "replicationcontroller", "statefulset"), True),
    ("expose",): (("pod", "service", "replicationcontroller", "deployment", "replicaset"), True),
    ("taint",): (("node",), True),
    ("rollout", "history"): (("deployment", "daemonset", "statefulset"), True),
    ("rollout", "pause"): (("deployment",), True),
    ("rollout", "restart"): (("deployment", "daemonset", "statefulset"), True),
    ("rollout", "resume"): (("deployment",), True),
    ("rollout", "undo"): (("deployment", "daemonset", "statefulset"), True),
    ("rollout", "status"): (("deployment", "daemonset", "statefulset"), False),
    ("set", "image"): (("daemonsets", "deployments", "pods", "cronjobs", "replicasets", "replicationcontrollers",
                        "statefulsets"), False),
}
# ResourceNameCompletionFunc(TYPE): names of one type, for the first argument only.
NAME_OF = {("cordon",): "node", ("uncordon",): "node", ("drain",): "node", ("top", "node"): "node",
           ("top", "pod"): "pod", ("create", "token"): "serviceaccount"}
# Context/Cluster/UserCompletionFunc: kubeconfig names, for the first argument only.
KUBECONFIG_ARGS = {("config", "use-context"): "contexts", ("config", "delete-context"): "contexts",
                   ("config", "rename-context"): "contexts", ("config", "set-context"): "contexts",
                   ("config", "delete-cluster"): "clusters", ("config", "delete-user"): "users"}
POD_NAME = {("attach",), ("exec",)}
# Flags kubectl marks required (cobra offers them first, and even without a leading dash).
REQUIRED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("autoscale",): ("max",), ("create", "clusterrolebinding"): ("clusterrole",),
    ("create", "cronjob"): ("image", "schedule"), ("create", "deployment"): ("image",),
    ("create", "service", "externalname"): ("external-name",), ("run",): ("image",), ("scale",): ("replicas",)}


@dataclass(frozen=True)
class Flag:
    """A flag as completion sees it (a docstring also spares dataclasses building one from the signature)."""

    long: str
    short: str | None
    takes_value: bool  # a value word follows unless given with "="
    usage: str
    hidden: bool = False
    repeatable: bool = False
    required: bool = False
    option: object = None  # the click option, for the -o formats


@dataclass
class Node:
    """One command of the tree, with what completion needs of it."""

    path: tuple[str, ...]
    command: object = None  # the click command, None for a plugin
    plugin: bool = False
    children: dict[str, tuple[str, Callable[[], Node | None]]] = field(default_factory=dict)
    flags: list[Flag] | None = None  # the command's own flags when read from the completion index

    def local_flags(self) -> list[Flag]:
        if self.flags is not None:
            return list(self.flags)
        if self.command is None:
            return []
        import click

        flags = []
        for param in getattr(self.command, "params", ()):
            if not isinstance(param, click.Option) or param.name == "help":
                continue
            opts = [*param.opts, *param.secondary_opts]
            long = next((o[2:] for o in opts if o.startswith("--")), None)
            short = next((o[1:] for o in opts if not o.startswith("--")), None)
            if long is None:
                continue
            no_value = param.is_flag or getattr(param, "pflag_no_opt_default", None) is not None
            flags.append(Flag(long, short, not no_value, param.help or "", bool(param.hidden),
                              bool(param.multiple), long in REQUIRED.get(self.path[1:], ()), param))
        return flags


def _global_flags() -> list[Flag]:
    from pykubectl.flags.global_flags import GLOBAL_FLAGS

    return [Flag(f.long, f.short, f.kind != "bool", f.help, repeatable=f.kind == "array") for f in GLOBAL_FLAGS]


def _load(module: str) -> object | None:
    try:
        return importlib.import_module(module).command
    except Exception:
        return None


def _node(path: tuple[str, ...], command) -> Node:
    """A command and its sub-commands: a KubectlGroup's table, or a verb's AVAILABLE list (create, apply)."""
    from pykubectl.flags.command import KubectlGroup

    node = Node(path, command)
    if isinstance(command, KubectlGroup):
        modules = [spec.module for spec in command.specs.values()]
        for name, spec in command.specs.items():
            # a hidden row for a module another row has is a cobra alias (never offered); any other hidden
            # row is only hidden from help (kubectl's options), which cobra still offers
            alias = spec.hidden and modules.count(spec.module) > 1
            node.children[name] = ("" if alias else spec.short_help,
                                   lambda n=name: _child(node, n, command.get_command(None, n)))
        return node
    module = importlib.import_module(command.callback.__module__) if getattr(command, "callback", None) else None
    available = getattr(module, "AVAILABLE", "")
    modules = {**{k: v[0] for k, v in getattr(module, "GENERATORS", {}).items()},
               **{k: v[0] for k, v in getattr(module, "SUBCOMMANDS", {}).items()}}
    for line in available.splitlines()[1:]:
        name, _, short = line.strip().partition(" ")
        if name:
            node.children[name] = (short.strip(), lambda n=name: _child(node, n, _load(modules[n]) if n in modules
                                                                         else None))
    for alias in modules:  # aliases (deploy, cm…) find the sub-verb but are not offered
        if alias not in node.children:
            node.children[alias] = ("", lambda a=alias: _child(node, a, _load(modules[a]), alias=True))
    return node


def _child(parent: Node, name: str, command, alias: bool = False) -> Node | None:
    if command is None:
        return Node((*parent.path, name), None)
    import click

    if not isinstance(command, click.Command):
        return None
    canonical = command.name if alias and command.name else name
    return _node((*parent.path, canonical), command)


# -- the completion index: the command tree and its flags without importing click or any verb ------------
#
# Walking the click tree costs click and every verb module on the way (a third of a completion's time). The
# whole tree is walked once instead and kept as JSON under ~/.kube/cache/pykubectl/, with a fingerprint of
# pykubectl's sources (path, mtime, size of every module): a changed or new module rebuilds it.

INDEX_VERSION = 1
_INDEX_MEMO: dict[str, object] = {}


def command_tree() -> Node:
    """The root of the command tree: from the completion index when it is current, else from click."""
    index = _index()
    if index is not None:
        return _from_index(("kubectl",), index)
    from pykubectl.cli.root import root as click_root

    return _node(("kubectl",), click_root)


def _index_path() -> str:
    return os.path.join(os.path.expanduser("~"), ".kube", "cache", "pykubectl", "completion-index.json")


def _fingerprint() -> list:
    import sys

    base = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found: list = [INDEX_VERSION, sys.version, base]
    pending = [base]
    while pending:
        directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in ("__pycache__", "testing"):
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    stat = entry.stat()
                    found.append([entry.path[len(base):], stat.st_mtime_ns, stat.st_size])
    return found


def _index() -> dict | None:
    """The current index: memoised in the process, read from disk, or built (and written) now."""
    import json

    try:
        fingerprint = _fingerprint()
    except OSError:
        return None
    if _INDEX_MEMO.get("fingerprint") == fingerprint:
        return _INDEX_MEMO["tree"]  # type: ignore[return-value]
    path = _index_path()
    try:
        with open(path, encoding="utf-8") as handle:
            stored = json.load(handle)
        if stored.get("fingerprint") == fingerprint:  # a null tree: these sources do not build one
            _INDEX_MEMO.update(fingerprint=fingerprint, tree=stored["tree"])
            return stored["tree"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    directory = os.path.dirname(path)
    try:  # nowhere to keep it: walking only the commands this line names is cheaper than the whole tree
        os.makedirs(directory, exist_ok=True)
        if not os.access(directory, os.W_OK):
            return None
    except OSError:
        return None
    try:
        tree = build_index()
    except Exception:  # a verb that does not load: walk click instead, without trying again for these sources
        tree = None
    _INDEX_MEMO.update(fingerprint=fingerprint, tree=tree)
    _write_index(path, {"fingerprint": fingerprint, "tree": tree})
    return tree


def _write_index(path: str, data: dict) -> None:
    import json
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix="completion-index.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # not kept: the next completion builds it again


def build_index() -> dict:
    """The whole click tree as JSON: per command its name, own flags and children (None: not a command)."""
    from pykubectl.cli.root import root as click_root

    return _index_entry(_node(("kubectl",), click_root))


def _index_entry(node: Node) -> dict:
    children = {}
    for name, (short, load) in node.children.items():
        child = load()
        children[name] = [short, None if child is None else _index_entry(child)]
    return {"name": node.path[-1],
            "flags": [[f.long, f.short, f.takes_value, f.usage, f.hidden, f.repeatable, f.required]
                      for f in node.local_flags()],
            "children": children}


def _from_index(path: tuple[str, ...], entry: dict) -> Node:
    # option=True marks a command's own flag (the click option is not at hand, only whether there is one)
    node = Node(path, None, flags=[Flag(*f, option=True) for f in entry["flags"]])
    for name, (short, child) in entry["children"].items():
        node.children[name] = (short, lambda c=child: None if c is None else _from_index((*path, c["name"]), c))
    return node


def _visible_children(node: Node) -> list[tuple[str, str]]:
    """Sub-commands offered, sorted by name as cobra does; aliases (no description here) are not."""
    return sorted((name, short) for name, (short, _) in node.children.items() if short)


# -- the plugin tree (kubectl's registerPluginCommands with list=true) ------------------------------------

def _plugin_tree(root: Node) -> None:
    from pykubectl.resources.plugins import completion_names

    for words in completion_names():
        node = root
        for word in words:
            entry = node.children.get(word)
            if entry is not None:
                node = entry[1]() or node
                continue
            child = Node((*node.path, word), None, plugin=True)
            node.children[word] = (PLUGIN_SHORT.format(word), lambda c=child: c)
            node = child


def _plugin_completions(node: Node, args: list[str], to_complete: str) -> tuple[list[str], int]:
    """pluginCompletion: ask `kubectl_complete-<plugin>` on PATH; its last line may be `:<directive>`."""
    import subprocess

    from pykubectl.resources.plugins import look_path

    name = "-".join(w.replace("-", "_") for w in ("kubectl", *node.path[1:]))
    executable = look_path(name.replace("-", "_complete-", 1))
    if executable is None:
        return [], 0
    try:
        proc = subprocess.run([executable, *args, to_complete], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return [], 0
    if proc.returncode != 0:
        return [], 0
    comps = [line for line in proc.stdout.split("\n") if line]
    directive = 0
    if comps and len(comps[-1]) > 1 and comps[-1][0] == ":" and comps[-1][1:].lstrip("-").isdigit():
        directive = int(comps.pop()[1:])
    return comps, directive


# -- argument walking ----------------------------------------------------------------------------------

@dataclass
class Parsed:
    """What the words typed so far amount to: the command, its arguments, the flags given."""

    node: Node
    args: list[str]  # positional arguments of the final command
    values: dict[str, list[str]]  # long flag name -> values given
    local_changed: bool = False
    error: bool = False


class Flags:
    def __init__(self, node: Node, inherited: list[Flag]):
        self.node = node
        self.local = [] if node.plugin else node.local_flags()
        if node.path[1:2] == ("config",):
            # `config` declares its own persistent --kubeconfig, with other words, over the global one
            own = Flag("kubeconfig", None, True, "use a particular kubeconfig file")
            inherited = [own if f.long == "kubeconfig" else f for f in inherited]
            if len(node.path) == 2:
                self.local.append(own)
        self.inherited = [f for f in inherited if f.long not in {g.long for g in self.local}]
        self.help = Flag("help", "h", False, f"help for {node.path[-1]}")
        every = [*self.inherited, *self.local, self.help]
        if node.plugin:  # cobra adds no --help to a command that parses no flags (a plugin)
            every.remove(self.help)
        self.by_long = {f.long: f for f in every}
        self.by_short = {f.short: f for f in every if f.short}


def _walk(words: list[str], root: Node, inherited: list[Flag]) -> Parsed:
    node = root
    flags = Flags(node, inherited)
    parsed = Parsed(node, [], {})
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            parsed.args.extend(words[i + 1:])
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            flag = flags.by_long.get(name)
            if flag is None:
                parsed.error = True
            elif flag.takes_value and not eq:
                if i + 1 < len(words):
                    value = words[i + 1]
                    i += 1
            _record(parsed, flags, flag, value)
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            for j, letter in enumerate(letters):
                flag = flags.by_short.get(letter)
                if flag is None:
                    parsed.error = True
                    break
                if not flag.takes_value:
                    _record(parsed, flags, flag, "true")
                    if letters[j + 1:j + 2] == "=":
                        break
                    continue
                value = letters[j + 1:].removeprefix("=")
                if not value and j + 1 == len(letters) and i + 1 < len(words):
                    value = words[i + 1]
                    i += 1
                _record(parsed, flags, flag, value)
                break
        elif not parsed.args and word in node.children and not node.plugin or (
                node.plugin and word in node.children):
            child = node.children[word][1]()
            if child is None:
                parsed.args.append(word)
            else:
                node = child
                flags = Flags(node, [] if node.plugin else inherited)
                parsed.node = node
                parsed.local_changed = False
        else:
            parsed.args.append(word)
        i += 1
    parsed.node = node
    return parsed


def _record(parsed: Parsed, flags: Flags, flag: Flag | None, value: str) -> None:
    if flag is None:
        return
    parsed.values.setdefault(flag.long, []).append(value)
    if flag in flags.local:
        parsed.local_changed = True


# -- the engine ----------------------------------------------------------------------------------------

class Engine:
    def __init__(self, args: list[str]):
        self.all_args = args
        self.final_path: tuple[str, ...] = ()
        self._session = None
        self._values: dict[str, list[str]] = {}

    @property
    def session(self):
        if self._session is None:
            from pykubectl.flags.global_flags import GLOBAL_PREFIX, AppState
            from pykubectl.session import Session
            from pykubectl.streams import IOStreams

            quiet = IOStreams(io.StringIO(), io.StringIO(), io.StringIO())
            state = AppState(quiet)
            known = {f.long: f for f in _global_flags()}
            extracted: dict[str, object] = {}
            for long, values in self._values.items():
                flag = known.get(long)
                if flag is None or not values:
                    continue
                extracted[GLOBAL_PREFIX + long] = list(values) if flag.repeatable else values[-1]
            state.absorb(extracted)
            state.validate("kubectl")
            session = Session(state.overrides(), quiet)
            # Discovery on a warm disk cache needs no HTTP client: build that (and import httpx) only
            # when a request is really made.
            from pykubectl.client.discovery import Discovery, default_cache_dir

            session.__dict__["discovery"] = Discovery(_ClientOnDemand(session),
                                                      session.overrides.cache_dir or default_cache_dir())
            self._session = session
        return self._session

    def run(self) -> tuple[list[str], int]:
        words = self.all_args[:-1]
        to_complete = self.all_args[-1] if self.all_args else ""
        root = self.root = command_tree()
        root.children["help"] = (HELP_SHORT, lambda: Node(("kubectl", "help"), None))
        inherited = _global_flags()
        first = self.all_args[0] if self.all_args else ""
        if self.all_args and not first.startswith("-"):
            if len(self.all_args) == 1:
                _plugin_tree(root)
            elif first not in root.children:
                inherited = []  # kubectl clears the global flags for a plugin's completion
                _plugin_tree(root)
        self.inherited = inherited
        parsed = _walk(words, root, inherited)
        node = parsed.node
        self.final_path = node.path
        flags = Flags(node, inherited if not node.plugin else [])
        self._values = parsed.values
        return self._complete(parsed, node, flags, words, to_complete)

    def _complete(self, parsed: Parsed, node: Node, flags: Flags, words: list[str],
                  to_complete: str) -> tuple[list[str], int]:
        flag, to_complete, trimmed, flag_error = self._flag_being_completed(node, flags, words, to_complete)
        if trimmed is not words:  # read the line again without the flag whose value is being typed
            parsed = _walk(trimmed, self.root, self.inherited)
            self._values = parsed.values
        if flag_error or (parsed.error and not node.plugin):
            return [], 0
        if "help" in parsed.values:
            return [], NO_FILE_COMP
        if flag is not None:
            return self._flag_values(node, flag, parsed.args, to_complete)
        if to_complete.startswith("-") and "=" not in to_complete:
            names = self._flag_names(flags, parsed.values, to_complete)
            directive = NO_SPACE if len(names) == 1 and names[0].endswith("=") else NO_FILE_COMP
            if not node.plugin:
                return names, directive
            comps, directive = _plugin_completions(node, parsed.args, to_complete)
            return names + comps, directive
        return self._nouns(parsed, node, flags, to_complete)

    def _flag_being_completed(self, node, flags: Flags, words, to_complete):
        """cobra's checkIfFlagCompletion: (flag, value typed so far, args without it, unknown flag?)."""
        if node.plugin:
            return None, to_complete, words, False
        name, trimmed, with_equal = "", words, False
        if to_complete.startswith("-"):
            if "=" not in to_complete:
                return None, to_complete, words, False
            head, _, value = to_complete.partition("=")
            name = head[2:] if head.startswith("--") else head[-1:]
            to_complete, with_equal = value, True
        elif words and _is_flag_arg(words[-1]) and "=" not in words[-1]:
            previous = words[-1]
            name = previous[2:] if previous.startswith("--") else previous[-1:]
            trimmed = words[:-1]
        if not name:
            return None, to_complete, words, False
        flag = flags.by_short.get(name) if len(name) == 1 else flags.by_long.get(name)  # cobra's findFlag
        if flag is None:
            return None, to_complete, words, True
        if not with_equal and not flag.takes_value:
            return None, to_complete, words, False
        return flag, to_complete, trimmed, False

    def _flag_names(self, flags: Flags, given: dict[str, list[str]], to_complete: str) -> list[str]:
        local = sorted([*flags.local, *([] if flags.node.plugin else [flags.help])], key=lambda f: f.long)
        required = [f for f in local if f.required and f.long not in given]
        if required:
            return [c for f in required for c in _name_completions(f, to_complete)]
        inherited = sorted(flags.inherited, key=lambda f: f.long)
        if len(flags.node.path) == 1:  # the root's global flags are its own: one sorted list with --help
            inherited, local = [], sorted([*inherited, *local], key=lambda f: f.long)
        out = []
        for flag in [*inherited, *local]:
            if flag.hidden or (flag.long in given and not flag.repeatable):
                continue
            out.extend(_name_completions(flag, to_complete))
        return out

    def _flag_values(self, node: Node, flag: Flag, args: list[str], to_complete: str) -> tuple[list[str], int]:
        from pykubectl.resources import completion as found

        path = node.path[1:]
        if flag.long == "filename":
            return ["json", "yaml", "yml"], FILTER_FILE_EXT
        if flag.long == "namespace" and (flag.option is None or path == ("config", "set-context")):
            return found.names(self.session, "namespace", to_complete), NO_FILE_COMP
        if flag.option is None and flag.long in ("context", "cluster", "user"):
            section = {"context": "contexts", "cluster": "clusters", "user": "users"}[flag.long]
            return found.kubeconfig_names(self.session, section, to_complete), NO_FILE_COMP
        if flag.long == "output" and path == ("get",):  # in 1.32 only get registers its -o formats
            return found.prefixed(_output_formats(flag.usage), to_complete), NO_FILE_COMP
        if flag.long == "container" and path == ("exec",):
            if not args:
                return [], NO_FILE_COMP
            pod = found.pod_name_for(self.session, args[0])
            return found.containers(self.session, pod, to_complete), NO_FILE_COMP
        if flag.long == "subresource":
            return ["status", "scale", "resize"], NO_FILE_COMP
        if flag.long == "clusterrole" and path == ("create", "clusterrolebinding"):
            return found.names(self.session, "clusterrole", to_complete), NO_FILE_COMP
        return [], 0

    def _nouns(self, parsed: Parsed, node: Node, flags: Flags, to_complete: str) -> tuple[list[str], int]:
        comps: list[str] = []
        directive = 0
        if not parsed.args and not parsed.local_changed:
            for name, short in _visible_children(node):
                if name.startswith(to_complete):
                    comps.append(f"{name}\t{short}")
                directive = NO_FILE_COMP
        local = sorted([*flags.local, flags.help], key=lambda f: f.long)
        comps += [c for f in local if f.required and f.long not in parsed.values
                  for c in _name_completions(f, to_complete)]
        path = node.path[1:]
        if path == ("completion",):
            if not parsed.args:
                comps += [s for s in SHELLS if s.startswith(to_complete)]
            return comps, NO_FILE_COMP if comps else directive
        if node.plugin:
            more, directive = _plugin_completions(node, parsed.args, to_complete)
            return comps + more, directive
        function = self._args_function(path)
        if function is not None:
            more, directive = function(parsed.args, to_complete)
            comps += more
        return comps, directive

    def _args_function(self, path: tuple[str, ...]):
        from pykubectl.resources import completion as found

        session = lambda: self.session  # noqa: E731 - built only when a candidate needs the cluster

        if path in TYPE_AND_NAME:
            return lambda args, tc: _type_and_name(session(), args, tc, (), True)
        if path in SPECIFIED:
            allowed, repeat = SPECIFIED[path]
            return lambda args, tc: _type_and_name(session(), args, tc, allowed, repeat)
        if path in NAME_OF:
            kind = NAME_OF[path]
            return lambda args, tc: ([] if args else found.names(session(), kind, tc), NO_FILE_COMP)
        if path in KUBECONFIG_ARGS:
            section = KUBECONFIG_ARGS[path]
            return lambda args, tc: ([] if args else found.kubeconfig_names(session(), section, tc), NO_FILE_COMP)
        if path in POD_NAME:
            return lambda args, tc: _pod_resource(session(), tc) if not args else ([], NO_FILE_COMP)
        if path == ("logs",):
            return lambda args, tc: (_pod_resource(session(), tc) if not args else (
                (found.containers(session(), found.pod_name_for(session(), args[0]), tc), NO_FILE_COMP)
                if len(args) == 1 else ([], NO_FILE_COMP)))
        if path == ("port-forward",):
            return lambda args, tc: _ports(session(), args, tc)
        if path == ("cp",):
            return lambda args, tc: _cp(session(), args, tc)
        if path == ("help",):
            return lambda args, tc: self._help_topics(args, tc)
        return None

    def _help_topics(self, args: list[str], to_complete: str) -> tuple[list[str], int]:
        node = command_tree()
        node.children["help"] = (HELP_SHORT, lambda: None)
        for word in args:
            entry = node.children.get(word)
            child = entry[1]() if entry else None
            if child is None:
                return [], NO_FILE_COMP
            node = child
        return [f"{n}\t{s}" for n, s in _visible_children(node) if n.startswith(to_complete)], NO_FILE_COMP


class _ClientOnDemand:
    """Stands in for the session's RestClient: the server address at once, the client on first use."""

    def __init__(self, session):
        self._session = session
        self.settings = session.settings

    def __getattr__(self, name: str):
        return getattr(self._session.client, name)


def _is_flag_arg(arg: str) -> bool:
    return (len(arg) >= 3 and arg.startswith("--")) or (len(arg) >= 2 and arg[0] == "-" and arg[1] != "-")


def _name_completions(flag: Flag, to_complete: str) -> list[str]:
    """getFlagNameCompletions: `--long<TAB>usage`, then `-s<TAB>usage`, each when it matches."""
    if flag.hidden:
        return []
    out = []
    if f"--{flag.long}".startswith(to_complete):
        out.append(f"--{flag.long}\t{flag.usage}")
    if flag.short and f"-{flag.short}".startswith(to_complete):
        out.append(f"-{flag.short}\t{flag.usage}")
    return out


def _output_formats(usage: str) -> list[str]:
    """A command's -o formats, as its help lists them: "Output format. One of: (json, yaml, …)."."""
    start = usage.find("(")
    end = usage.find(")", start)
    if start < 0 or end < 0:
        return []
    return [f.strip() for f in usage[start + 1:end].split(",") if f.strip()]


def _difference(full: list[str], sub: list[str]) -> list[str]:
    return [c for c in full if c not in set(sub)]


def _type_and_name(session, args: list[str], to_complete: str, allowed: tuple[str, ...],
                   repeat: bool) -> tuple[list[str], int]:
    """resourceTypeAndNameCompletionFunc: a type, then names of it; or TYPE/NAME words."""
    from pykubectl.resources import completion as found

    comps: list[str] = []
    directive = NO_FILE_COMP
    if args and "/" not in args[0]:
        if repeat or len(args) == 1:
            comps = found.names(session, args[0], to_complete)
            if len(args) > 1:
                comps = _difference(comps, args[1:])
        return comps, directive
    slash = to_complete.find("/")
    if slash == -1:
        types = found.type_list(session, to_complete) if not allowed else found.prefixed(allowed, to_complete)
        if not args:
            comps = types
        elif repeat:
            directive |= NO_SPACE
            comps = [f"{t}/" for t in types]
        return comps, directive
    if repeat or not args:
        kind, name = to_complete[:slash], to_complete[slash + 1:]
        comps = [f"{kind}/{n}" for n in found.names(session, kind, name)]
        if args:
            comps = _difference(comps, args)
    return comps, directive


def _pod_resource(session, to_complete: str) -> tuple[list[str], int]:
    """doPodResourceCompletion: pod names, then the TYPE/ forms that lead to a pod."""
    from pykubectl.resources import completion as found

    directive = NO_FILE_COMP
    slash = to_complete.find("/")
    if slash >= 0:
        kind, name = to_complete[:slash], to_complete[slash + 1:]
        return [f"{kind}/{n}" for n in found.names(session, kind, name)], directive
    comps = found.names(session, "pod", to_complete)
    if not comps:
        directive |= NO_SPACE
    comps += [f"{r}/" for r in found.RESOURCES_WITH_PODS if r.startswith(to_complete)]
    return comps, directive


def _ports(session, args: list[str], to_complete: str) -> tuple[list[str], int]:
    """ResourceAndPortCompletionFunc (port-forward)."""
    from pykubectl.resources import completion as found

    if not args:
        return _pod_resource(session, to_complete)
    if len(args) > 1:
        return [], NO_FILE_COMP
    kind, _, name = args[0].partition("/")
    if name and kind in ("service", "services", "svc"):
        return found.service_ports(session, name, to_complete), NO_FILE_COMP
    return found.container_ports(session, found.pod_name_for(session, args[0]), to_complete), NO_FILE_COMP


def _cp(session, args: list[str], to_complete: str) -> tuple[list[str], int]:
    """cp's first argument: namespace/ and pod: prefixes (paths are left to the shell)."""
    from pykubectl.resources import completion as found

    comps: list[str] = []
    if args or to_complete[:1] in ("/", ".", "~") or ":" in to_complete:
        return comps, NO_SPACE
    slash = to_complete.find("/")
    if slash > 0:
        namespace = to_complete[:slash]
        pods = found.names(session, "pod", "", namespace=namespace)
        return found.prefixed((f"{namespace}/{pod}:" for pod in pods), to_complete), NO_SPACE
    comps += [f"{ns}/" for ns in found.names(session, "namespace", to_complete)]
    comps += [f"{pod}:" for pod in found.names(session, "pod", to_complete)]
    if comps and to_complete:  # with other candidates, the matching local files too
        try:
            entries = sorted(os.scandir("."), key=lambda e: e.name)
        except OSError:
            entries = []
        comps += [e.name + ("/" if e.is_dir() else "") for e in entries if e.name.startswith(to_complete)]
    elif not to_complete:
        comps += ["./", "/"]  # a hint that a local path works too
    return comps, NO_SPACE


def _skip_httpx_cli() -> None:
    """httpx's package imports its own command-line tool (and with it rich and pygments) when they are
    installed; a completion never runs it, so it gets an empty stand-in instead of a third of its time."""
    import sys
    import types

    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        stand_in = types.ModuleType("httpx._main")
        stand_in.main = lambda: None  # type: ignore[attr-defined]
        sys.modules["httpx._main"] = stand_in


def directive_text(directive: int) -> str:
    if directive == 0:
        return "ShellCompDirectiveDefault"
    return ", ".join(name for bit, name in _DIRECTIVE_NAMES if directive & bit)


def complete(args: list[str], streams) -> int:
    """`__complete WORDS… PARTIAL` (or `__completeNoDesc`): candidates on stdout, `:<directive>` last."""
    no_desc = args[0] == "__completeNoDesc"
    _skip_httpx_cli()
    words = list(args[1:]) or [""]
    engine = Engine(words)
    try:
        comps, directive = engine.run()
    except Exception:  # silent: no candidates, only the directive
        comps, directive = [], 0
    lines = []
    for comp in comps:
        if no_desc:
            comp = comp.split("\t", 1)[0]
        lines.append(comp.split("\n", 1)[0].strip())
    streams.out.write("".join(line + "\n" for line in lines) + f":{directive}\n")
    # kubectl's `options` sends everything, cobra's closing note too, to stdout
    note = streams.out if engine.final_path == ("kubectl", "options") else streams.err
    note.write(f"Completion ended with directive: {directive_text(directive)}\n")
    return 0

