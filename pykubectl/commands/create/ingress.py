"""kubectl create ingress: an networking.k8s.io/v1 Ingress from --rule host/path=svc:port[,tls[=secret]] words
(create_ingress.go)."""

from __future__ import annotations

import re

import click

from pykubectl.commands.create._common import (
    GeneratorCommand,
    GeneratorOutput,
    Prepared,
    generator_flags,
    name_and_command,
)
from pykubectl.flags import pflag
from pykubectl.flags.global_flags import current_session

HELP = 'Create an ingress with the specified name.\n\nAliases:\ningress, ing'
EXAMPLES = '  # Create a single ingress called \'simple\' that directs requests to foo.com/bar to svc\n  # svc1:8080 with a TLS secret "my-cert"\n  kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"\n  \n  # Create a catch all ingress of "/path" pointing to service svc:port and Ingress Class as "otheringress"\n  kubectl create ingress catch-all --class=otheringress --rule="/path=svc:port"\n  \n  # Create an ingress with two annotations: ingress.annotation1 and ingress.annotations2\n  kubectl create ingress annotated --class=default --rule="foo.com/bar=svc:port" \\\n  --annotation ingress.annotation1=foo \\\n  --annotation ingress.annotation2=bla\n  \n  # Create an ingress with the same host and multiple paths\n  kubectl create ingress multipath --class=default \\\n  --rule="foo.com/=svc:port" \\\n  --rule="foo.com/admin/=svcadmin:portadmin"\n  \n  # Create an ingress with multiple hosts and the pathType as Prefix\n  kubectl create ingress ingress1 --class=default \\\n  --rule="foo.com/path*=svc:8080" \\\n  --rule="bar.com/admin*=svc2:http"\n  \n  # Create an ingress with TLS enabled using the default ingress certificate and different path types\n  kubectl create ingress ingtls --class=default \\\n  --rule="foo.com/=svc:https,tls" \\\n  --rule="foo.com/path/subpath*=othersvc:8080"\n  \n  # Create an ingress with TLS enabled using a specific secret and pathType as Prefix\n  kubectl create ingress ingsecret --class=default \\\n  --rule="foo.com/*=svc:8080,tls=secret1"\n  \n  # Create an ingress with a default backend\n  kubectl create ingress ingdefault --class=default \\\n  --default-backend=defaultsvc:http \\\n  --rule="foo.com/*=svc:8080,tls=secret1"'
USAGE = 'NAME --rule=host/path=service:port[,tls[=secret]]  [options]'

# host, a path starting with "/", "=", service name ":" port, then optionally ",tls" or ",tls=secret";
# matched at the start only, as Go's MatchString does with this pattern
_RULE = re.compile(r"^(?P<host>[\w*\-.]*)(?P<path>/.*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)"
                   r"(,(?P<istls>tls)=?(?P<secretname>[\w\-]+)?)?", re.ASCII)


@click.command('ingress', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@generator_flags
@pflag.string_array("--annotation", help='Annotation to insert in the ingress object, in the format annotation=value')
@pflag.string("--class", "ingress_class", help='Ingress Class to be used')
@pflag.string("--default-backend", help='Default service for backend, in format of svcname:port')
@pflag.string_array("--rule", help="Rule in format host/path=service:port[,tls=secretname]. Paths containing the leading character '*' are considered pathType=Prefix. tls argument is optional.")
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.commands.create._common import canonical_path, enforced_namespace, namespaced_path
    from pykubectl.errors import KubectlError

    session = current_session()
    name, _ = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"], canonical_path(ctx))
    ns = enforced_namespace(session)
    prepared = Prepared(GeneratorOutput.from_flags(params))
    rules = list(params.get("rule") or ())
    annotations = list(params.get("annotation") or ())
    default_backend = params.get("default_backend") or ""
    ingress_class = params.get("ingress_class") or ""

    if not default_backend and not rules:
        raise KubectlError("not enough information provided: every ingress has to either specify a default-backend "
                           "(which catches all traffic) or a list of rules (which catch specific paths)")
    for rule in rules:
        if not _RULE.match(rule):
            raise KubectlError(f"rule {rule} is invalid and should be in format "
                               "host/path=svcname:svcport[,tls[=secret]]")
    for annotation in annotations:
        if "=" not in annotation:
            raise KubectlError(f"annotation {annotation} is invalid and should be in format key=[value]")
    if default_backend and len(default_backend.split(":")) != 2:
        raise KubectlError("default-backend should be in format servicename:serviceport")

    metadata: dict = {"name": name}
    if ns:
        metadata["namespace"] = ns
    metadata["creationTimestamp"] = None
    values: dict[str, str] = {}
    for annotation in annotations:
        key, _, value = annotation.partition("=")
        values[key] = value
    if values:
        metadata["annotations"] = dict(sorted(values.items()))
    spec: dict = {}
    if ingress_class:
        spec["ingressClassName"] = ingress_class
    if default_backend:
        spec["defaultBackend"] = _backend(default_backend)
    tls = _tls(rules)
    if tls:
        spec["tls"] = tls
    http_rules = _rules(rules)
    if http_rules:
        spec["rules"] = http_rules
    obj = {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": metadata, "spec": spec,
           "status": {"loadBalancer": {}}}
    prepared.send(session, obj, namespaced_path(session, "networking.k8s.io/v1", "ingresses"),
                  "failed to create ingress: ")


def _tls(rules: list[str]) -> list[dict]:
    """One entry per secret; a host joins the entry of its secret, and counts only once."""
    entries: list[dict] = []
    seen_hosts: set[str] = set()
    for rule in rules:
        parts = rule.split(",")
        if len(parts) != 2:
            continue
        host = rule.split("/", 1)[0]
        secret_parts = parts[1].split("=")
        secret = secret_parts[1] if len(secret_parts) > 1 else ""
        if host in seen_hosts:
            continue
        seen_hosts.add(host)
        existing = next((e for e in entries if e.get("secretName", "") == secret), None)
        if existing is not None:
            existing.setdefault("hosts", []).append(host)
            continue
        entry: dict = {}
        if host:
            entry["hosts"] = [host]
        if secret:
            entry["secretName"] = secret
        if entry:
            entries.append(entry)
    # IngressTLS's field order: hosts, then secretName
    return [{key: entry[key] for key in ("hosts", "secretName") if key in entry} for entry in entries]


def _rules(rules: list[str]) -> list[dict]:
    """Paths of the same host share one rule, in the order the hosts first appear."""
    built: list[dict] = []
    for rule in rules:
        host, _, rest = rule.split(",")[0].partition("/")
        path = _path(rest)
        existing = next((r for r in built if r.get("host", "") == host), None)
        if existing is not None:
            existing["http"]["paths"].append(path)
            continue
        entry: dict = {"host": host} if host else {}
        entry["http"] = {"paths": [path]}
        built.append(entry)
    return built


def _path(text: str) -> dict:
    pieces = text.split("=")
    path, service = "/" + pieces[0], pieces[1]
    path_type = "Exact"
    if path.endswith("*"):
        path_type, path = "Prefix", path[:-1]
    return {"path": path, "pathType": path_type, "backend": _backend(service)}


def _backend(service: str) -> dict:
    pieces = service.split(":")
    port: dict = {}
    text = pieces[1]
    try:
        number = int(text, 10) if re.fullmatch(r"[+-]?\d+", text, re.ASCII) else None
    except ValueError:
        number = None
    if number is None:
        if text:
            port["name"] = text
    elif number:
        port["number"] = number
    return {"service": {"name": pieces[0], "port": port}}
