"""kubectl top: CPU and memory usage of pods and nodes from the metrics.k8s.io API (kubectl pkg/cmd/top)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, PlainError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand, KubectlGroup, render_command_help
from pykubectl.flags.global_flags import current_session

METRICS_GROUP = "metrics.k8s.io"
SUPPORTED_VERSIONS = ("v1beta1",)
METRICS_PREFIX = "/apis/metrics.k8s.io/v1beta1"
METRICS_CREATION_DELAY = 120.0  # seconds: younger pods may not have metrics yet

TOP_HELP = (
    "Display resource (CPU/memory) usage.\n\n"
    " The top command allows you to see the resource consumption for nodes or pods.\n\n"
    " This command requires Metrics Server to be correctly configured and working on the server."
)
POD_HELP = (
    "Display resource (CPU/memory) usage of pods.\n\n"
    " The 'top pod' command allows you to see the resource consumption of pods.\n\n"
    " Due to the metrics pipeline delay, they may be unavailable for a few minutes since pod creation."
)
POD_EXAMPLES = (
    "  # Show metrics for all pods in the default namespace\n"
    "  kubectl top pod\n"
    "  \n"
    "  # Show metrics for all pods in the given namespace\n"
    "  kubectl top pod --namespace=NAMESPACE\n"
    "  \n"
    "  # Show metrics for a given pod and its containers\n"
    "  kubectl top pod POD_NAME --containers\n"
    "  \n"
    "  # Show metrics for the pods defined by label name=myLabel\n"
    "  kubectl top pod -l name=myLabel"
)
NODE_HELP = (
    "Display resource (CPU/memory) usage of nodes.\n\n"
    " The top-node command allows you to see the resource consumption of nodes."
)
NODE_EXAMPLES = (
    "  # Show metrics for all nodes\n"
    "  kubectl top node\n"
    "  \n"
    "  # Show metrics for a given node\n"
    "  kubectl top node NODE_NAME"
)
SELECTOR_HELP = ("Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). "
                 "Matching objects must satisfy all of the specified label constraints.")
PROTOBUF_HELP = "Enables using protocol-buffers to access Metrics API."


class _AliasedCommand(KubectlCommand):
    """A leaf with cobra aliases, shown in its help as kubectl does ("Aliases:\\npod, pods, po")."""

    def __init__(self, *args, aliases: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.aliases = aliases

    def format_help(self, ctx, formatter):
        text = render_command_help(self, ctx.command_path)
        names = ", ".join((self.name, *self.aliases))
        formatter.write(text.replace("\nExamples:\n", f"\nAliases:\n{names}\n\nExamples:\n", 1))


# ---------------------------------------------------------------------------------------------------
# options


@dataclass(frozen=True)
class TopPodOptions:
    name: str = ""
    label_selector: str = ""
    field_selector: str = ""
    sort_by: str = ""
    all_namespaces: bool = False
    containers: bool = False
    no_headers: bool = False
    use_protocol_buffers: bool = True
    total: bool = False

    @classmethod
    def from_flags(cls, params: dict, command_path: str) -> TopPodOptions:
        args = tuple(params.get("args") or ())
        if len(args) > 1:
            raise UsageError("pod [NAME | -l label]", command_path)
        return cls(name=args[0] if args else "", label_selector=params.get("selector") or "",
                   field_selector=params.get("field_selector") or "", sort_by=params.get("sort_by") or "",
                   all_namespaces=bool(params.get("all_namespaces")), containers=bool(params.get("containers")),
                   no_headers=bool(params.get("no_headers")),
                   use_protocol_buffers=params.get("use_protocol_buffers") is not False,
                   total=bool(params.get("sum")))

    def validate(self) -> None:
        if self.sort_by and self.sort_by not in ("cpu", "memory"):
            raise KubectlError("--sort-by accepts only cpu or memory")
        if self.name and (self.label_selector or self.field_selector):
            raise KubectlError("only one of NAME or selector can be provided")


@dataclass(frozen=True)
class TopNodeOptions:
    name: str = ""
    label_selector: str = ""
    sort_by: str = ""
    no_headers: bool = False
    use_protocol_buffers: bool = True
    show_capacity: bool = False

    @classmethod
    def from_flags(cls, params: dict, command_path: str) -> TopNodeOptions:
        args = tuple(params.get("args") or ())
        if len(args) > 1:
            raise UsageError("node [NAME | -l label]", command_path)
        return cls(name=args[0] if args else "", label_selector=params.get("selector") or "",
                   sort_by=params.get("sort_by") or "", no_headers=bool(params.get("no_headers")),
                   use_protocol_buffers=params.get("use_protocol_buffers") is not False,
                   show_capacity=bool(params.get("show_capacity")))

    def validate(self) -> None:
        if self.sort_by and self.sort_by not in ("cpu", "memory"):
            raise KubectlError("--sort-by accepts only cpu or memory")
        if self.name and self.label_selector:
            raise KubectlError("only one of NAME or --selector can be provided")


# ---------------------------------------------------------------------------------------------------
# commands


@click.command("pod", cls=_AliasedCommand, aliases=("pods", "po"), help=POD_HELP, examples=POD_EXAMPLES,
               usage="[NAME | -l label] [options]")
@pflag.boolean("-A", "--all-namespaces", help="If present, list the requested object(s) across all namespaces. "
               "Namespace in current context is ignored even if specified with --namespace.")
@pflag.boolean("--containers", help="If present, print usage of containers within a pod.")
@pflag.string("--field-selector", help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. "
              "--field-selector key1=value1,key2=value2). The server only supports a limited number of field "
              "queries per type.")
@pflag.boolean("--no-headers", help="If present, print output without headers.")
@pflag.string("-l", "--selector", help=SELECTOR_HELP)
@pflag.string("--sort-by", help="If non-empty, sort pods list using specified field. The field can be either "
              "'cpu' or 'memory'.")
@pflag.boolean("--sum", help="Print the sum of the resource usage")
@pflag.boolean("--use-protocol-buffers", default=True, help=PROTOBUF_HELP)
@click.argument("args", nargs=-1)
def pod_command(**params) -> None:
    path = click.get_current_context().command_path
    options = TopPodOptions.from_flags(params, path)
    session = current_session()
    options.validate()
    run_pods(options, session)


@click.command("node", cls=_AliasedCommand, aliases=("nodes", "no"), help=NODE_HELP, examples=NODE_EXAMPLES,
               usage="[NAME | -l label] [options]")
@pflag.boolean("--no-headers", help="If present, print output without headers")
@pflag.string("-l", "--selector", help=SELECTOR_HELP)
@pflag.boolean("--show-capacity", help="Print node resources based on Capacity instead of Allocatable(default) "
               "of the nodes.")
@pflag.string("--sort-by", help="If non-empty, sort nodes list using specified field. The field can be either "
              "'cpu' or 'memory'.")
@pflag.boolean("--use-protocol-buffers", default=True, help=PROTOBUF_HELP)
@click.argument("args", nargs=-1)
def node_command(**params) -> None:
    path = click.get_current_context().command_path
    options = TopNodeOptions.from_flags(params, path)
    session = current_session()
    options.validate()
    run_nodes(options, session)


_SUBCOMMANDS = {"node": node_command, "nodes": node_command, "no": node_command,
                "pod": pod_command, "pods": pod_command, "po": pod_command}
_SHORT = {"node": "Display resource (CPU/memory) usage of nodes",
          "pod": "Display resource (CPU/memory) usage of pods"}


class _TopGroup(KubectlGroup):
    def list_commands(self, ctx):
        return ["node", "pod"]

    def get_command(self, ctx, name):
        command = _SUBCOMMANDS.get(name)
        if command is not None:
            command.short_help = _SHORT[command.name]
        return command

    def resolve_command(self, ctx, args):
        _, found, rest = super().resolve_command(ctx, args)
        return found.name, found, rest  # cobra names an alias's command by its canonical name

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if "Missing command" not in str(exc):
                raise
        # cobra's DefaultSubCommandRun(ErrOut): the help on stderr, then exit 1
        error = PlainError(self.get_help(ctx))
        raise error

    def format_help(self, ctx, formatter):
        rows = "".join(f"  {name.ljust(14)}{_SHORT[name]}\n" for name in ("node", "pod"))
        formatter.write(f"{TOP_HELP}\n\nAvailable Commands:\n{rows}\nUsage:\n  kubectl top [flags] [options]\n\n"
                        'Use "kubectl top <command> --help" for more information about a given command.\n'
                        'Use "kubectl options" for a list of global command-line options (applies to all '
                        'commands).\n')


command = _TopGroup("top", help="Display resource (CPU/memory) usage.", no_args_is_help=False)


# ---------------------------------------------------------------------------------------------------
# running


def _metrics_api_available(session) -> bool:
    """top.SupportedMetricsAPIVersionAvailable over a live (uncached) discovery of the server's groups."""
    from pykubectl.client.discovery import Discovery

    for group in Discovery(session.client, None).server_groups():
        if group.get("name") != METRICS_GROUP:
            continue
        if any(v.get("version") in SUPPORTED_VERSIONS for v in group.get("versions") or ()):
            return True
    return False


def _metrics_headers(options) -> dict[str, str] | None:
    """kubectl asks for protobuf unless --use-protocol-buffers=false; pykubectl decodes JSON only, so it always
    asks for JSON (metrics-server serves both; the figures are the same)."""
    return None


def run_pods(options: TopPodOptions, session) -> None:
    from pykubectl.printing.metrics import format_pod_metrics

    namespace = session.namespace
    label_selector = _normalise_labels(options.label_selector) if options.label_selector else ""
    field_selector = _normalise_fields(options.field_selector) if options.field_selector else ""
    client = session.client
    if not _metrics_api_available(session):
        raise KubectlError("Metrics API not available")
    scope = "" if options.all_namespaces else f"/namespaces/{namespace}"
    headers = _metrics_headers(options)
    if options.name:
        items = [client.get_json(f"{METRICS_PREFIX}{scope}/pods/{options.name}", headers=headers,
                                 discovery=False)]
    else:
        params = {}
        if label_selector:
            params["labelSelector"] = label_selector
        if field_selector:
            params["fieldSelector"] = field_selector
        body = client.get_json(f"{METRICS_PREFIX}{scope}/pods", params or None, headers=headers, discovery=False)
        items = list(body.get("items") or [])
    if not items:
        _verify_empty_metrics(client, namespace, options, label_selector, field_selector)
        if options.all_namespaces:
            session.streams.err.write("No resources found\n")
        else:
            session.streams.err.write(f"No resources found in {namespace} namespace.\n")
    session.streams.out.write(format_pod_metrics(items, containers=options.containers,
                                                 with_namespace=options.all_namespaces,
                                                 no_headers=options.no_headers, sort_by=options.sort_by,
                                                 total=options.total))


def _verify_empty_metrics(client, namespace: str, options: TopPodOptions, label_selector: str,
                          field_selector: str) -> None:
    """No metrics came back: pods that exist are either too young for metrics or missing them."""
    if options.name:
        pods = [client.get_json(f"/api/v1/namespaces/{namespace}/pods/{options.name}", discovery=False)]
    else:
        params = {}
        if label_selector:
            params["labelSelector"] = label_selector
        if field_selector:
            params["fieldSelector"] = field_selector
        body = client.get_json(f"/api/v1/namespaces/{namespace}/pods", params or None, discovery=False)
        pods = list(body.get("items") or [])
        if not pods:
            return
    for pod in pods:
        _check_pod_age(pod)
    raise KubectlError("metrics not available yet")


def _check_pod_age(pod: dict) -> None:
    import datetime

    meta = pod.get("metadata") or {}
    created = meta.get("creationTimestamp")
    if not created:
        return
    try:
        start = datetime.datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        return
    age = (datetime.datetime.now(datetime.UTC) - start).total_seconds()
    if age > METRICS_CREATION_DELAY:
        raise KubectlError(f"Metrics not available for pod {meta.get('namespace', '')}/{meta.get('name', '')}, "
                           f"age: {_go_duration(age)}")


def _go_duration(seconds: float) -> str:
    """time.Duration.String() for a positive duration (to the microsecond)."""
    micros = int(round(seconds * 1_000_000))
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    secs = rest / 1_000_000
    text = f"{secs:.6f}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    if minutes:
        return f"{minutes}m{text}"
    return text


def run_nodes(options: TopNodeOptions, session) -> None:
    from pykubectl.printing.metrics import format_node_metrics

    label_selector = _normalise_labels(options.label_selector) if options.label_selector else ""
    client = session.client
    if not _metrics_api_available(session):
        raise KubectlError("Metrics API not available")
    headers = _metrics_headers(options)
    params = {"labelSelector": label_selector} if label_selector else None
    if options.name:
        items = [client.get_json(f"{METRICS_PREFIX}/nodes/{options.name}", headers=headers, discovery=False)]
    else:
        items = list(client.get_json(f"{METRICS_PREFIX}/nodes", params, headers=headers,
                                     discovery=False).get("items") or [])
    if not items:
        raise KubectlError("metrics not available yet")
    if options.name:
        nodes = [client.get_json(f"/api/v1/nodes/{options.name}", discovery=False)]
    else:
        nodes = list(client.get_json("/api/v1/nodes", params, discovery=False).get("items") or [])
    field = "capacity" if options.show_capacity else "allocatable"
    available = {str((n.get("metadata") or {}).get("name") or ""): (n.get("status") or {}).get(field)
                 for n in nodes}
    session.streams.out.write(format_node_metrics(items, available, no_headers=options.no_headers,
                                                  sort_by=options.sort_by))


# ---------------------------------------------------------------------------------------------------
# selectors, parsed client-side as kubectl's labels.Parse and fields.ParseSelector do


_SPECIAL = "=!(),><"
_OPERATORS = ("!=", "==", "=", "!", "(", ")", ",", ">", "<")
_KEYWORDS = {"in": "in", "notin": "notin"}


def _lex(text: str) -> list[tuple[str, str]]:
    tokens, i, n = [], 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            tokens.append(("end", ""))
            return tokens
        if text[i] in _SPECIAL:
            j = i
            best = None
            while j < n and text[j] in _SPECIAL:
                j += 1
                if text[i:j] in _OPERATORS:
                    best = j
            if best is None:
                # scanSpecialSymbol: no operator matches the run of symbols
                tokens.append(("error", text[i:j]))
                raise KubectlError(f"unable to parse requirement: error expected: keyword found '{text[i:j]}'")
            tokens.append((text[i:best], text[i:best]))
            i = best
            continue
        j = i
        while j < n and text[j] not in _SPECIAL and text[j] not in " \t\r\n":
            j += 1
        word = text[i:j]
        tokens.append((_KEYWORDS.get(word, "id"), word))
        i = j


class _LabelParser:
    def __init__(self, text: str):
        self.tokens = _lex(text)
        self.pos = 0

    def _peek(self, values: bool = True) -> tuple[str, str]:
        kind, lit = self.tokens[self.pos]
        if values and kind in ("in", "notin"):
            kind = "id"
        return kind, lit

    def _take(self, values: bool = True) -> tuple[str, str]:
        token = self._peek(values)
        if self.pos < len(self.tokens) - 1:
            self.pos += 1
        return token

    def parse(self) -> list[tuple[str, str, list[str]]]:
        requirements = []
        while True:
            kind, lit = self._peek()
            if kind in ("id", "!"):
                try:
                    requirements.append(self._requirement())
                except _RequirementError as exc:
                    raise KubectlError(f"unable to parse requirement: {exc}") from None
                kind, lit = self._take()
                if kind == "end":
                    return requirements
                if kind == ",":
                    kind2, lit2 = self._peek()
                    if kind2 not in ("id", "!"):
                        raise KubectlError(f"found '{lit2}', expected: identifier after ','")
                    continue
                raise KubectlError(f"found '{lit}', expected: ',' or 'end of string'")
            if kind == "end":
                return requirements
            raise KubectlError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def _requirement(self) -> tuple[str, str, list[str]]:
        operator = ""
        kind, lit = self._take()
        if kind == "!":
            operator = "!"
            kind, lit = self._take()
        if kind != "id":
            raise _RequirementError(f"found '{lit}', expected: identifier")
        key = lit
        problems = _qualified_name_errors(key)
        if problems:
            raise _RequirementError(f'<nil>: Invalid value: "{key}": {"; ".join(problems)}')
        if self._peek()[0] in ("end", ","):
            return key, operator or "exists", []
        if operator == "!":
            return key, "!", []
        kind, lit = self._take(values=False)
        if kind not in ("in", "notin", "=", "==", "!=", ">", "<"):
            raise _RequirementError(f"found '{lit}', expected: in, notin, =, ==, !=, gt, lt")
        if kind in ("in", "notin"):
            values = self._values()
        elif self._peek()[0] in ("end", ","):
            values = [""]
        else:
            kind2, lit2 = self._take()
            if kind2 != "id":
                raise _RequirementError(f"found '{lit2}', expected: identifier")
            values = [lit2]
        _check_requirement(key, kind, values)
        return key, kind, values

    def _values(self) -> list[str]:
        kind, lit = self._take()
        if kind != "(":
            raise _RequirementError(f"found '{lit}' expected: '('")
        kind, lit = self._peek()
        if kind == ")":
            self._take()
            return [""]
        if kind not in ("id", ","):
            raise _RequirementError(f"found '{lit}', expected: ',', ')' or identifier")
        values: set[str] = set()
        while True:
            kind, lit = self._take()
            if kind == "id":
                values.add(lit)
                kind2, lit2 = self._peek()
                if kind2 == ",":
                    continue
                if kind2 == ")":
                    break
                raise _RequirementError(f"found '{lit2}', expected: ',' or ')'")
            if kind == ",":
                if not values:
                    values.add("")
                kind2, _ = self._peek()
                if kind2 == ")":
                    values.add("")
                    break
                if kind2 == ",":
                    self._take()
                    values.add("")
                continue
            raise _RequirementError(f"found '{lit}', expected: ',', or identifier")
        kind, _ = self._take()
        if kind != ")":
            raise _RequirementError(f"found '{lit}', expected: ')'")
        return sorted(values)


class _RequirementError(Exception):
    pass


# apimachinery's validation messages (util/validation), as labels.Parse reports them
_NAME_PART = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_NAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character")


def _regex_error(message: str, pattern: str, *examples: str) -> str:
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{pattern}')"


def _qualified_name_errors(key: str) -> list[str]:
    parts = key.split("/")
    if len(parts) == 1:
        prefix, name = "", parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ["prefix part must be non-empty"] + _name_part_errors(name)
    else:
        return ["a qualified name " + _regex_error(_NAME_MSG, "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", "MyName",
                                                    "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    errors = []
    if prefix:
        if len(prefix) > 253:
            errors.append("prefix part must be no more than 253 characters")
        if not _SUBDOMAIN.match(prefix):
            errors.append("prefix part " + _regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                "must start and end with an alphanumeric character",
                "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", "example.com"))
    return errors + _name_part_errors(name)


def _name_part_errors(name: str) -> list[str]:
    errors = []
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    if not _NAME_PART.match(name):
        errors.append("name part " + _regex_error(_NAME_MSG, "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", "MyName",
                                                  "my.name", "123-abc"))
    return errors


def _check_requirement(key: str, operator: str, values: list[str]) -> None:
    """labels.NewRequirement's checks of the values."""
    errors = []
    if operator in (">", "<"):
        try:
            int(values[0], 10)
            if not re.fullmatch(r"[+-]?[0-9]+", values[0]):
                raise ValueError
        except ValueError:
            errors.append(f'values[0]: Invalid value: "{values[0]}": for \'Gt\', \'Lt\' operators, the value must '
                          "be an integer")
    for index, value in enumerate(values):
        problems = []
        if len(value) > 63:
            problems.append("must be no more than 63 characters")
        if not _LABEL_VALUE.match(value):
            problems.append(_regex_error(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                "must start and end with an alphanumeric character",
                "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", "MyValue", "my_value", "12345"))
        if problems:
            errors.append(f'values[{index}][{key}]: Invalid value: "{value}": {"; ".join(problems)}')
    if errors:
        raise _RequirementError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")


def _normalise_labels(text: str) -> str:
    """labels.Parse(text).String(): requirements sorted by key, in their canonical spelling."""
    requirements = _LabelParser(text).parse()
    requirements.sort(key=lambda r: r[0])
    parts = []
    for key, operator, values in requirements:
        if operator == "exists":
            parts.append(key)
        elif operator == "!":
            parts.append(f"!{key}")
        elif operator in ("in", "notin"):
            parts.append(f"{key} {operator} ({','.join(values)})")
        else:
            parts.append(f"{key}{operator}{values[0]}")
    return ",".join(parts)


def _split_terms(text: str) -> list[str]:
    terms, start, escaped = [], 0, False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _normalise_fields(text: str) -> str:
    """fields.ParseSelector(text).String(): terms sorted, `!=`, `==` or `=` at the first operator."""
    parts = []
    for term in sorted(_split_terms(text)):
        if not term:
            continue
        for i in range(len(term)):
            operator = next((op for op in ("!=", "==", "=") if term.startswith(op, i)), None)
            if operator:
                lhs, rhs = term[:i], term[i + len(operator):]
                parts.append(f"{lhs}{'!=' if operator == '!=' else '='}{rhs}")
                break
        else:
            raise KubectlError(f"invalid selector: '{text}'; can't understand '{term}'")
    return ",".join(parts)
