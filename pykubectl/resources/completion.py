"""What shell completion offers from the cluster and the kubeconfig (kubectl's pkg/util/completion).

Every function is quiet: a failure of any kind yields no candidates, never an error. The session is the
one the completed command line would build (its -n, --context, --kubeconfig…); discovery comes from the
disk cache when it is warm, and a name lookup costs one list call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# kubectl's doPodResourceCompletion: the kinds whose NAME leads to a pod.
RESOURCES_WITH_PODS = ("daemonsets", "deployments", "pods", "jobs", "replicasets", "replicationcontrollers",
                       "services", "statefulsets")


def _quiet(produce: Callable[[], list[str]]) -> list[str]:
    try:
        return produce()
    except Exception:  # completion must never fail: no candidates instead
        return []


def prefixed(candidates: Iterable[str], prefix: str) -> list[str]:
    return [c for c in candidates if c and c.startswith(prefix)]


def resource_types(session) -> list[str]:
    """`api-resources -o name --cached --verbs=get`: plural[.group], sorted by group then name."""

    def produce() -> list[str]:
        rows = []
        for group_version, resources in session.discovery.preferred_resources():
            group = group_version.rpartition("/")[0] if "/" in group_version else ""
            for resource in resources:
                if resource.verbs and "get" in resource.verbs:
                    rows.append((group, resource.plural))
        return [f"{plural}.{group}" if group else plural for group, plural in sorted(rows)]

    return _quiet(produce)


def type_list(session, to_complete: str) -> list[str]:
    """compGetResourceList: resource types for the word after its last comma."""
    head, comma, tail = to_complete.rpartition(",")
    prefix = head + comma
    return [prefix + name for name in prefixed(resource_types(session), tail)]


def _types(session, type_arg: str) -> list:
    """TYPE[,TYPE…] as `get` reads it: a category (all…) expands first, else the type it names."""
    found = []
    for one in type_arg.split(","):
        expanded = session.mapper.expand_category(one) if "." not in one else None
        found.extend(expanded or [session.mapper.resource_for(one)])
    return found


def _objects(session, type_arg: str, name: str | None = None, namespace: str | None = None) -> list[dict]:
    from pykubectl.client.paths import ResourcePath

    objects: list[dict] = []
    for resource in _types(session, type_arg):
        where = (namespace or session.namespace) if resource.namespaced else None
        path = ResourcePath(resource, where, name).url()
        if name is not None:
            objects.append(_get_one(session, path))
            continue
        direct = _list_directly(session, path)
        if direct is not None:
            objects.extend(direct)
            continue
        for page in session.client.list_pages(path):
            objects.extend(page.get("items") or [])
    return objects


# -- a list without the HTTP client library ------------------------------------------------------------
#
# Importing httpx (with httpcore and h11) costs a completion more than its request. The common case (a bearer
# token, a client certificate or no credential, no proxy, no impersonation) is one standard-library GET
# (client/quick_get.py) over the TLS context the client would build, with the client's headers.
# Anything else (exec plugins, auth providers, basic auth, proxies, a request timeout) goes through the
# session's RestClient as before.

_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def _direct_credential(settings) -> str | None:
    """The Authorization header value ("" for none), or None when only the RestClient can send it."""
    if (settings.exec_config or settings.auth_provider or settings.username or settings.password
            or settings.proxy_url or settings.request_timeout or settings.tls_server_name or settings.impersonate_user
            or settings.impersonate_uid or settings.impersonate_groups or settings.impersonate_extra):
        return None
    import os

    if any(os.environ.get(name) for name in _PROXY_VARIABLES):
        return None
    token = settings.token
    if not token and settings.token_file:
        with open(settings.token_file, encoding="utf-8") as handle:
            token = handle.read().strip()
    return f"Bearer {token}" if token else ""


def _list_directly(session, path: str) -> list[dict] | None:
    """Every item of the list at `path` (pages of 500, as the client's pager asks), or None: use the client."""
    if "client" in session.__dict__:  # already built: no reason to avoid it
        return None
    credential = _direct_credential(session.settings)
    if credential is None:
        return None
    items: list[dict] = []
    token = ""
    while True:
        query = "limit=500" + (f"&continue={_query_escape(token)}" if token else "")
        page = _get_json(session.settings, f"{path}?{query}", credential)
        items.extend(page.get("items") or [])
        token = (page.get("metadata") or {}).get("continue") or ""
        if not token:
            return items


def _get_one(session, path: str, query: dict[str, str] | None = None) -> dict:
    """One GET of an object (or a filtered list): directly when it can be, else through the RestClient."""
    credential = None if "client" in session.__dict__ else _direct_credential(session.settings)
    if credential is None:
        return session.client.get_json(path, query)
    encoded = "&".join(f"{_query_escape(k)}={_query_escape(v)}" for k, v in sorted((query or {}).items()))
    return _get_json(session.settings, f"{path}?{encoded}" if encoded else path, credential)


def _query_escape(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


def _get_json(settings, target: str, credential: str) -> dict:
    from pykubectl.client.quick_get import get_json

    return get_json(settings, target, credential)


def names(session, type_arg: str, to_complete: str, namespace: str | None = None) -> list[str]:
    """CompGetResource: the names of TYPE in the namespace, one list call per type."""
    return _quiet(lambda: prefixed(((o.get("metadata") or {}).get("name", "")
                                    for o in _objects(session, type_arg, namespace=namespace)), to_complete))


def containers(session, pod: str, to_complete: str) -> list[str]:
    """CompGetContainers: init containers first, then containers."""

    def produce() -> list[str]:
        spec = _objects(session, "pod", pod)[0].get("spec") or {}
        found = [c.get("name", "") for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])]
        return prefixed(found, to_complete)

    return _quiet(produce)


def container_ports(session, pod: str, to_complete: str) -> list[str]:
    """CompGetPodContainerPorts: `LOCAL:REMOTE` pairs, LOCAL being what was typed before the colon."""

    def produce() -> list[str]:
        exposed = to_complete.split(":")[0]
        spec = _objects(session, "pod", pod)[0].get("spec") or {}
        found = [f"{exposed or port.get('containerPort')}:{port.get('containerPort')}"
                 for c in spec.get("containers") or [] for port in c.get("ports") or []]
        return prefixed(found, to_complete)

    return _quiet(produce)


def service_ports(session, service: str, to_complete: str) -> list[str]:
    def produce() -> list[str]:
        exposed = to_complete.split(":")[0]
        spec = _objects(session, "service", service)[0].get("spec") or {}
        found = [f"{exposed or port.get('port')}:{port.get('port')}" for port in spec.get("ports") or []]
        return prefixed(found, to_complete)

    return _quiet(produce)


def pod_name_for(session, argument: str) -> str:
    """convertResourceNameToPodName: NAME is a pod; TYPE/NAME is resolved to one of its pods."""
    if "/" not in argument:
        return argument
    type_arg, _, name = argument.partition("/")

    def produce() -> list[str]:
        obj = _objects(session, type_arg, name)[0]
        if obj.get("kind") == "Pod":
            return [name]
        selector = ((obj.get("spec") or {}).get("selector") or {})
        labels = selector.get("matchLabels", selector) if isinstance(selector, dict) else {}
        if not labels or not isinstance(labels, dict):
            return []
        from pykubectl.client.paths import ResourcePath

        pod_type = session.mapper.resource_for("pods")
        query = {"labelSelector": ",".join(f"{k}={v}" for k, v in sorted(labels.items()))}
        items = _get_one(session, ResourcePath(pod_type, session.namespace).url(), query).get("items") or []
        return [(items[0].get("metadata") or {}).get("name", "")] if items else []

    found = _quiet(produce)
    return found[0] if found else ""


def kubeconfig_names(session, section: str, to_complete: str) -> list[str]:
    """ListContextsInConfig / ListClustersInConfig / ListUsersInConfig (kubectl ranges over a Go map:
    any order is kubectl's order)."""
    return _quiet(lambda: prefixed(list(getattr(session.kubeconfig, section)), to_complete))
