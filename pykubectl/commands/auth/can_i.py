"""kubectl auth can-i: ask the server (SelfSubjectAccessReview) whether the caller may do something, or list
what it may do in a namespace (SelfSubjectRulesReview). Exit code 0 for yes, 1 for no."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session, current_streams

HELP = ("Check whether an action is allowed.\n\n VERB is a logical Kubernetes API verb like 'get', 'list', 'watch', "
        "'delete', etc. TYPE is a Kubernetes resource. Shortcuts and groups will be resolved. NONRESOURCEURL is a "
        "partial URL that starts with \"/\". NAME is the name of a particular Kubernetes resource. This command "
        "pairs nicely with impersonation. See --as global flag.")
EXAMPLES = "\n  \n".join((
    '  # Check to see if I can create pods in any namespace\n  kubectl auth can-i create pods --all-namespaces',
    '  # Check to see if I can list deployments in my current namespace\n  kubectl auth can-i list deployments.apps',
    '  # Check to see if service account "foo" of namespace "dev" can list pods in the namespace "prod"\n  # You must be allowed to use impersonation for the global option "--as"\n  kubectl auth can-i list pods --as=system:serviceaccount:dev:foo -n prod',
    '  # Check to see if I can do everything in my current namespace ("*" means all)\n  kubectl auth can-i \'*\' \'*\'',
    '  # Check to see if I can get the job named "bar" in namespace "foo"\n  kubectl auth can-i list jobs.batch/bar -n foo',
    '  # Check to see if I can read pod logs\n  kubectl auth can-i get pods --subresource=log',
    '  # Check to see if I can access the URL /logs/\n  kubectl auth can-i get /logs/',
    '  # Check to see if I can approve certificates.k8s.io\n  kubectl auth can-i approve certificates.k8s.io',
    '  # List all allowed actions in namespace "foo"\n  kubectl auth can-i --list --namespace=foo',
))
USAGE = "VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options]"

RESOURCE_VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use",
                            "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"})
NON_RESOURCE_URL_VERBS = frozenset({"get", "put", "post", "head", "options", "delete", "patch", "*"})
# resources the server knows but discovery does not list (the impersonate verb's users and groups)
NON_STANDARD_RESOURCES = frozenset({"users", "groups"})
TWO_ARGUMENTS = ("you must specify two arguments: verb resource or verb resource/resourceName.\n"
                 "See 'kubectl auth can-i -h' for help and examples.")
SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
SSRR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"


class AccessDenied(KubectlError):
    """`no`: kubectl exits 1 without a message (the answer is already on stdout)."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self) -> str:
        return ""


@dataclass(frozen=True)
class Target:
    """What is asked about: a resource (group, version, resource, name) or a non-resource URL."""

    group: str = ""
    version: str = ""
    resource: str = ""
    name: str = ""
    non_resource_url: str = ""
    namespaced: bool | None = None  # None: not known from discovery


@dataclass(frozen=True)
class CanIOptions:
    args: tuple[str, ...]
    all_namespaces: bool
    quiet: bool
    subresource: str
    list: bool
    no_headers: bool

    @classmethod
    def from_flags(cls, params: dict) -> CanIOptions:
        return cls(args=tuple(params.get("args") or ()), all_namespaces=params["all_namespaces"],
                   quiet=params["quiet"], subresource=params["subresource"] or "", list=params["list"],
                   no_headers=params["no_headers"])


@click.command("can-i", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("-A", "--all-namespaces", help="If true, check the specified action in all namespaces.")
@pflag.boolean("--list", help="If true, prints all allowed actions.")
@pflag.boolean("--no-headers", help="If true, prints allowed actions without headers")
@pflag.boolean("-q", "--quiet", help="If true, suppress output and just return the exit code.")
@pflag.string("--subresource", help="SubResource such as pod/log or deployment/scale")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(CanIOptions.from_flags(params), current_session())


def run(options: CanIOptions, session) -> None:
    streams = current_streams()
    verb, target = "", Target()
    if options.list:
        if options.args:
            raise KubectlError("list option must be specified with no arguments")
    else:
        if len(options.args) != 2:
            raise KubectlError(TWO_ARGUMENTS)
        verb = options.args[0]
        target = _target(options.args[1], session, _warn)
    client = session.client
    namespace = "" if options.all_namespaces else session.namespace
    _validate(options, verb, target)
    if options.list:
        review = client.request_json("POST", SSRR_PATH, json={
            "kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None}, "spec": {"namespace": namespace}, "status": {
                "resourceRules": None, "nonResourceRules": None, "incomplete": False}})
        streams.out.write(format_rules_review((review or {}).get("status") or {}, options.no_headers, _warn))
        return
    if target.non_resource_url:
        spec: dict = {"nonResourceAttributes": {"path": target.non_resource_url, "verb": verb}}
    else:
        attributes = {"namespace": namespace, "verb": verb, "group": target.group, "resource": target.resource,
                      "subresource": options.subresource, "name": target.name}
        spec = {"resourceAttributes": {k: v for k, v in attributes.items() if v}}
    review = client.request_json("POST", SSAR_PATH, json={
        "kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None}, "spec": spec, "status": {"allowed": False}})
    status = (review or {}).get("status") or {}
    allowed = bool(status.get("allowed"))
    answer = "yes" if allowed else "no"
    if not allowed:
        if status.get("reason"):
            answer += f" - {status['reason']}"
        if status.get("evaluationError"):
            answer += f" - {status['evaluationError']}"
    if not options.quiet:
        streams.out.write(answer + "\n")
    if not allowed:
        raise AccessDenied()


def _warn(message: str) -> None:
    streams = current_streams()
    streams.err.write(f"Warning: {message}\n")  # printers.WarningPrinter ends every message with a newline
    streams.err.flush()


def _target(argument: str, session, warn) -> Target:
    """kubectl's resourceFor: TYPE[/NAME] through the RESTMapper; an unknown type is sent as typed, after a warning."""
    if argument.startswith("/"):
        return Target(non_resource_url=argument)
    resource_arg, _, name = argument.partition("/")
    if resource_arg == "*":
        return Target(resource="*", name=name, namespaced=True)
    lowered = resource_arg.lower()
    try:
        mapping = session.mapper.resource_for(lowered)
    except KubectlError:  # no such type, or discovery failed (e.g. Forbidden): kubectl warns and asks anyway
        resource, _, group = lowered.partition(".")
        if lowered not in NON_STANDARD_RESOURCES:
            if group:
                warn(f"the server doesn't have a resource type '{resource}' in group '{group}'\n")
            else:
                warn(f"the server doesn't have a resource type '{resource}'\n")
        return Target(resource=resource_arg, name=name)
    return Target(mapping.group, mapping.version, mapping.plural, name, namespaced=mapping.namespaced)


def _validate(options: CanIOptions, verb: str, target: Target) -> None:
    if options.list:
        if options.quiet or options.all_namespaces or options.subresource:
            raise KubectlError("list option can't be specified with neither quiet, all-namespaces nor "
                               "subresource options")
        return
    if target.non_resource_url:
        if options.subresource:
            raise KubectlError("--subresource can not be used with NonResourceURL")
        if verb not in NON_RESOURCE_URL_VERBS:
            _warn(f"verb '{verb}' is not a known verb\n")
    elif target.resource and not options.all_namespaces:
        if target.namespaced is False:
            if target.group:
                _warn(f"resource '{target.resource}' is not namespace scoped in group '{target.group}'\n")
            else:
                _warn(f"resource '{target.resource}' is not namespace scoped\n")
        if verb not in RESOURCE_VERBS:
            _warn(f"verb '{verb}' is not a known verb\n")
    if options.no_headers:
        raise KubectlError("--no-headers cannot be set without --list specified")


def format_rules_review(status: dict, no_headers: bool, warn) -> str:
    """The --list table: every rule broken down, compacted, sorted by its Go String(), then aligned."""
    from pykubectl.printing.tabwriter import format_text
    from pykubectl.resources.rbac import breakdown_rule, compact_rules, go_list, policy_rule_string

    if status.get("incomplete"):
        warn(f"the list may be incomplete: {status.get('evaluationError', '')}")
    rules: list[dict] = []
    for rule in status.get("resourceRules") or []:
        rules.append({"verbs": rule.get("verbs"), "apiGroups": rule.get("apiGroups"),
                      "resources": rule.get("resources"), "resourceNames": rule.get("resourceNames")})
    for rule in status.get("nonResourceRules") or []:
        rules.append({"verbs": rule.get("verbs"), "nonResourceURLs": rule.get("nonResourceURLs")})
    broken = [sub for rule in rules for sub in breakdown_rule(rule)]
    compacted = sorted(compact_rules(broken), key=policy_rule_string)
    text = "" if no_headers else "Resources\tNon-Resource URLs\tResource Names\tVerbs\n"
    for rule in compacted:
        text += (f"{_combine_resource_group(rule.get('resources') or [], rule.get('apiGroups') or [])}\t"
                 f"{go_list(rule.get('nonResourceURLs'))}\t{go_list(rule.get('resourceNames'))}\t"
                 f"{go_list(rule.get('verbs'))}\n")
    return format_text(text)


def _combine_resource_group(resources: list[str], groups: list[str]) -> str:
    """describe.CombineResourceGroup: `pods`, `deployments.apps`, `deployments.apps/scale`."""
    if not resources:
        return ""
    resource, _, sub = resources[0].partition("/")
    combined = resource
    if groups and groups[0]:
        combined += "." + groups[0]
    if "/" in resources[0]:
        combined += "/" + sub
    return combined
