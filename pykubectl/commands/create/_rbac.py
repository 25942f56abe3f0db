"""What `create role` and `create clusterrole` share (kubectl's create_role.go): the --verb/--resource/
--resource-name flags, their clean-up, validation against discovery, and the policy rules they become."""

from __future__ import annotations

from dataclasses import dataclass

from pykubectl.errors import KubectlError, PlainError

VALID_RESOURCE_VERBS = ("*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy",
                        "deletecollection", "use", "bind", "escalate", "impersonate")

# verbs that only make sense on some group-resources (create_role.go's specialVerbs)
SPECIAL_VERBS: dict[str, tuple[tuple[str, str], ...]] = {
    "use": (("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")),
    "bind": (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")),
    "escalate": (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")),
    "impersonate": (("", "users"), ("", "serviceaccounts"), ("", "groups"), ("authentication.k8s.io", "userextras")),
}


@dataclass(frozen=True)
class ResourceArg:
    group: str
    resource: str
    subresource: str = ""


def unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def clean_verbs(verbs) -> list[str]:
    """Duplicates dropped; `*` anywhere means all verbs and nothing else."""
    kept: list[str] = []
    for verb in verbs:
        if verb == "*":
            return ["*"]
        if verb not in kept:
            kept.append(verb)
    return kept


def parse_resources(values) -> list[ResourceArg]:
    """`resource.group/subresource` words; a bare `*` replaces everything given before it and ends the list."""
    parsed: list[ResourceArg] = []
    for value in values:
        head, slash, sub = value.partition("/")
        resource, dot, group = head.partition(".")
        arg = ResourceArg(group if dot else "", resource, sub if slash else "")
        if resource == "*" and not dot and not slash:
            return [arg]
        parsed.append(arg)
    return parsed


def _resolve(mapper, arg: ResourceArg) -> tuple[str, str, Exception | None]:
    """RESTMapper.ResourceFor over the shortcut expander: (group, plural) or the names as given and the error."""
    from pykubectl.errors import ResourceTypeNotFound

    try:
        found = mapper.resource_for(f"{arg.resource}.{arg.group}" if arg.group else arg.resource)
    except ResourceTypeNotFound:
        if arg.group:
            message = f'the server doesn\'t have a resource type "{arg.resource}" in group "{arg.group}"'
        else:
            message = f'the server doesn\'t have a resource type "{arg.resource}"'
        return arg.group, arg.resource, PlainError(message)
    return found.group, found.plural, None


def warn_nonstandard_verbs(err, verbs) -> None:
    for verb in verbs:
        if verb not in VALID_RESOURCE_VERBS:
            err.write(f"Warning: '{verb}' is not a standard resource verb\n")
    err.flush()


def validate_resources(mapper, verbs, resources: list[ResourceArg]) -> None:
    for arg in resources:
        if not arg.resource:
            raise KubectlError("resource must be specified if apiGroup/subresource specified")
        if arg.resource == "*":
            return
        group, plural, error = _resolve(mapper, arg)
        for verb in verbs:
            allowed = SPECIAL_VERBS.get(verb)
            if allowed is None:
                continue
            if (group, plural) not in allowed:
                raise KubectlError(f"can not perform '{verb}' on '{plural}' in group '{group}'")
            error = None
        if error is not None:
            raise error


def policy_rules(mapper, verbs, resources: list[ResourceArg], resource_names, non_resource_urls=()) -> list[dict]:
    """One rule per API group (groups sorted), then one for the non-resource URLs; PolicyRule's field order."""
    by_group: dict[str, list[str]] = {}
    for arg in resources:
        # `*` names no resource: it stays as given (kubectl asks the mapper, which cannot find it)
        group, plural, _ = _resolve(mapper, arg) if arg.resource != "*" else (arg.group, arg.resource, None)
        name = f"{plural}/{arg.subresource}" if arg.subresource else plural
        names = by_group.setdefault(group, [])
        if name not in names:
            names.append(name)
    rules: list[dict] = []
    for group in sorted(by_group):
        rule: dict = {"verbs": list(verbs), "apiGroups": [group], "resources": by_group[group]}
        if resource_names:
            rule["resourceNames"] = list(resource_names)
        rules.append(rule)
    if non_resource_urls:
        rules.append({"verbs": list(verbs), "nonResourceURLs": list(non_resource_urls)})
    return rules
