"""kubectl expose: a Service for a pod, service, replication controller, deployment or replica set."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Expose a resource as a new Kubernetes service.\n\n Looks up a deployment, service, replica set, replication controller or pod by name and uses the selector for that resource as the selector for a new service on the specified port. A deployment or replica set will be exposed as a service only if its selector is convertible to a selector that service supports, i.e. when the selector contains only the matchLabels component. Note that if no port is specified via --port and the exposed resource has multiple ports, all will be re-used by the new service. Also if no labels are specified, the new service will re-use the labels from the resource it exposes.\n\n Possible resources include (case insensitive):\n\n pod (po), service (svc), replicationcontroller (rc), deployment (deploy), replicaset (rs)'
EXAMPLES = '  # Create a service for a replicated nginx, which serves on port 80 and connects to the containers on port 8000\n  kubectl expose rc nginx --port=80 --target-port=8000\n  \n  # Create a service for a replication controller identified by type and name specified in "nginx-controller.yaml", which serves on port 80 and connects to the containers on port 8000\n  kubectl expose -f nginx-controller.yaml --port=80 --target-port=8000\n  \n  # Create a service for a pod valid-pod, which serves on port 444 with the name "frontend"\n  kubectl expose pod valid-pod --port=444 --name=frontend\n  \n  # Create a second service based on the above service, exposing the container port 8443 as port 443 with the name "nginx-https"\n  kubectl expose service nginx --port=443 --target-port=8443 --name=nginx-https\n  \n  # Create a service for a replicated streaming application on port 4100 balancing UDP traffic and named \'video-stream\'.\n  kubectl expose rc streamer --port=4100 --protocol=UDP --name=video-stream\n  \n  # Create a service for a replicated nginx using replica set, which serves on port 80 and connects to the containers on port 8000\n  kubectl expose rs nginx --port=80 --target-port=8000\n  \n  # Create a service for an nginx deployment, which serves on port 80 and connects to the containers on port 8000\n  kubectl expose deployment nginx --port=80 --target-port=8000'
USAGE = '(-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]'
_EXPOSABLE = {("", "Pod"), ("", "Service"), ("", "ReplicationController"), ("apps", "Deployment"),
              ("extensions", "Deployment"), ("apps", "ReplicaSet"), ("extensions", "ReplicaSet")}


@click.command("expose", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("--cluster-ip", help="ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service.")
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--external-ip", help='Additional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to a node, the service can be accessed by this IP in addition to its generated service IP.')
@pflag.string("--field-manager", default='kubectl-expose', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files identifying the resource to expose a service')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-l", "--labels", help='Labels to apply to the service created by this call.')
@pflag.string("--load-balancer-ip", help='IP to assign to the LoadBalancer. If empty, an ephemeral IP will be created and used (cloud-provider specific).')
@pflag.string("--name", help='The name for the newly created object.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.string("--override-type", default='merge', help='The method used to override the generated object: json, merge, or strategic.')
@pflag.string("--overrides", help='An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.')
@pflag.string("--port", help='The port that the service should serve on. Copied from the resource being exposed, if unspecified')
@pflag.string("--protocol", help="The network protocol for the service to be created. Default is 'TCP'.")
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.boolean("--save-config", help='If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.')
@pflag.string("--selector", help='A label selector to use for this service. Only equality-based selector requirements are supported. If empty (the default) infer the selector from the replication controller or replica set.)')
@pflag.string("--session-affinity", help="If non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'")
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--target-port", help='Name or number for the port on the container that the service should direct traffic to. Optional.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@pflag.string("--type", help="Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.")
@pflag.string("--container-port", hidden=True, help="Synonym for --target-port")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def run(params: dict, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run

    params = dict(params)
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    dry_run = parse_dry_run(params.get("dry_run") or "none")
    printer = _printer(params, dry_run)
    namespace = session.namespace
    request = SelectionRequest(args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
                               recursive=bool(params.get("recursive")), allow_empty_selector=False)
    selection = select(request, session.mapper, namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin)
    fetcher = Fetcher(session.client)
    out = session.streams.out
    for item in selection.items:
        for member in item if isinstance(item, list) else [item]:
            if not isinstance(member, Target):
                raise member
            errors: list[Exception] = []
            if member.manifest is not None:
                objects = [member.manifest.obj]
            else:
                objects = [o for fetched in fetcher.fetch(member, errors)
                           for o in items_of(fetched.obj)]
            if errors:
                raise errors[0]
            for obj in objects:
                if (member.type.group, member.type.kind) not in _EXPOSABLE:
                    raise KubectlError(f"cannot expose a {member.type.kind}")
                service = _service(params, obj)
                service = _override(service, params)
                if dry_run == "client":
                    out.write(printer(service, False))
                    out.flush()
                    continue
                out.write(printer(_create(session, service, params, dry_run, namespace), True))
                out.flush()


def _parse_labels(text: str) -> dict:
    labels = {}
    for spec in text.split(","):
        parts = spec.split("=")
        if len(parts) != 2 or not parts[0]:
            raise KubectlError(f"invalid label spec: {spec}")
        labels[parts[0]] = parts[1]
    return labels


def _selector_of(obj: dict) -> dict:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if not labels:
            raise KubectlError("couldn't retrieve selectors via --selector flag or introspection: the pod has no "
                               "labels and cannot be exposed")
        return labels
    if kind in ("Service", "ReplicationController"):
        selector = spec.get("selector") or {}
        if not selector:
            what = "service" if kind == "Service" else "replication controller"
            raise KubectlError(f"couldn't retrieve selectors via --selector flag or introspection: the {what} has "
                               "no pod selector set")
        return selector
    selector = spec.get("selector") or {}
    if selector.get("matchExpressions"):
        raise KubectlError("couldn't retrieve selectors via --selector flag or introspection: couldn't convert "
                           "expressions to map-based selector format")
    return selector.get("matchLabels") or {}


def _containers(obj: dict) -> list:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec.get("containers") or []
    return ((spec.get("template") or {}).get("spec") or {}).get("containers") or []


def _ports_of(obj: dict) -> tuple[list[str], dict[str, str]]:
    """PortsForObject and ProtocolsForObject: the ports as strings and each port's protocol."""
    ports: list[str] = []
    protocols: dict[str, str] = {}
    if obj.get("kind") == "Service":
        for port in (obj.get("spec") or {}).get("ports") or ():
            ports.append(str(port.get("port")))
            protocols[str(port.get("port"))] = str(port.get("protocol") or "TCP")
        return ports, protocols
    for container in _containers(obj):
        for port in container.get("ports") or ():
            ports.append(str(port.get("containerPort")))
            protocols[str(port.get("containerPort"))] = str(port.get("protocol") or "TCP")
    return ports, protocols


def _int(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise KubectlError(f'strconv.Atoi: parsing "{text}": invalid syntax') from None


def _service(params: dict, obj: dict) -> dict:
    metadata = obj.get("metadata") or {}
    name = params.get("name") or str(metadata.get("name") or "")[:63]
    selector = _parse_labels(params["selector"]) if params.get("selector") else _selector_of(obj)
    labels = _parse_labels(params["labels"]) if params.get("labels") else dict(metadata.get("labels") or {})
    # kubectl 1.32 keeps what it derived from the first object for the ones after it
    params.setdefault("selector", None)
    params["selector"] = params["selector"] or ",".join(f"{k}={v}" for k, v in selector.items())
    params["labels"] = params.get("labels") or ",".join(f"{k}={v}" for k, v in labels.items())
    headless = params.get("cluster_ip") == "None"
    object_ports, protocols = _ports_of(obj)
    # kubectl 1.32 derives the ports while --port is empty: one port becomes --port for this and every later
    # object; several are kept (and win) for the later objects too
    if not params.get("port"):
        if not object_ports and not headless:
            raise KubectlError("couldn't find port via --port flag or introspection")
        if len(object_ports) == 1:
            params["port"] = object_ports[0]
        elif object_ports:
            params["_derived_ports"] = object_ports
    if params.get("_derived_ports"):
        ports = params["_derived_ports"]
    else:
        ports = [params["port"]] if params.get("port") else []
    target = params.get("target_port") or params.get("container_port") or ""
    service_ports = []
    for index, text in enumerate(ports):
        port = _int(text)
        entry: dict = {}
        if len(ports) > 1:
            entry["name"] = f"port-{index + 1}"
        entry["protocol"] = params.get("protocol") or protocols.get(text) or "TCP"
        entry["port"] = port
        if not target:
            entry["targetPort"] = port
        else:
            entry["targetPort"] = int(target) if target.isdigit() else target
        service_ports.append(entry)
    meta: dict = {"name": name, "creationTimestamp": None}
    if labels:
        meta["labels"] = dict(sorted(labels.items()))
    spec: dict = {}
    if service_ports:
        spec["ports"] = service_ports
    spec["selector"] = dict(sorted(selector.items()))
    if params.get("cluster_ip"):
        spec["clusterIP"] = params["cluster_ip"]
    if params.get("type"):
        spec["type"] = params["type"]
    if params.get("external_ip"):
        spec["externalIPs"] = [params["external_ip"]]
    if params.get("session_affinity"):
        spec["sessionAffinity"] = params["session_affinity"]
    if params.get("load_balancer_ip"):
        spec["loadBalancerIP"] = params["load_balancer_ip"]
    return {"kind": "Service", "apiVersion": "v1", "metadata": meta, "spec": spec,
            "status": {"loadBalancer": {}}}


def _override(service: dict, params: dict) -> dict:
    inline = params.get("overrides") or ""
    if not inline:
        return service
    import json

    from pykubectl.resources import patches

    kind = (params.get("override_type") or "merge").lower()
    try:
        patch = json.loads(inline)
    except ValueError:
        raise KubectlError("Invalid JSON Patch") from None
    try:
        if kind == "json":
            return patches.apply_json_patch(service, patch)
        if kind == "strategic":
            return patches.apply_strategic_merge_patch(service, patch)
        return patches.apply_merge_patch(service, patch)
    except patches.PatchError as exc:
        raise KubectlError(str(exc)) from None


def _create(session, service: dict, params: dict, dry_run: str, namespace: str) -> dict:
    from pykubectl.resources.dry_run import with_typed_last_applied, write_params

    if params.get("save_config"):
        service = with_typed_last_applied(service)
    body = {k: v for k, v in service.items() if k != "status"}
    body["metadata"] = {k: v for k, v in body["metadata"].items() if k != "creationTimestamp"}
    target = session.mapper.resource_for("services")
    return session.client.request_json("POST", target.collection_path(namespace),
                                       write_params(params.get("field_manager") or "kubectl-expose", dry_run),
                                       json=body)


def _printer(params: dict, dry_run: str):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    output, template = params.get("output") or "", params.get("template") or ""
    if not output and not template:
        return lambda obj, _server: to_name(obj, "exposed" + dry_run_suffix(dry_run))
    allow = params.get("allow_missing_template_keys") is not False
    typed = printer_for(output, allowed=GENERIC_FORMATS, template_argument=template, allow_missing_keys=allow)
    unstructured = printer_for(output, allowed=GENERIC_FORMATS, template_argument=template,
                               allow_missing_keys=allow, sort_keys=True)
    strip = output.lower() in ("json", "yaml") and not params.get("show_managed_fields")
    separator = "---\n" if output.lower() == "yaml" else ""
    count = [0]

    def emit(obj, server: bool):
        if strip and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        count[0] += 1  # the YAML printer's separator before every object after the first
        return (separator if count[0] > 1 else "") + (unstructured if server else typed)(obj)

    return emit
