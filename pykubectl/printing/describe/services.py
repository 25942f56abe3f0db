"""describe for Services, Endpoints and Ingresses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pykubectl.printing.describe.workloads import format_labels
from pykubectl.printing.describe.writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    annotations_multiline,
    describe_events,
    get,
    labels_multiline,
    meta,
    tabbed,
)


def _join_host_port(host: str, port) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoint_slices(slices: list | None, ports: set[str] | None) -> str:
    """formatEndpointSlices: up to three ready addresses (host:port), then '+ N more...'."""
    if not slices:
        return "<none>"
    listed: list[str] = []
    limit, more, count = 3, False, 0
    for eps in slices:
        endpoints = eps.get("endpoints") or []
        if not eps.get("ports"):
            for endpoint in endpoints:
                if len(listed) == limit:
                    more = True
                if get(endpoint, "conditions", "ready", default=True) is False:
                    continue
                if not more:
                    listed.append((endpoint.get("addresses") or [""])[0])
                count += 1
            continue
        for port in eps["ports"]:
            if ports is not None and (port.get("name") or "") not in ports:
                continue
            for endpoint in endpoints:
                if len(listed) == limit:
                    more = True
                address = (endpoint.get("addresses") or [""])[0]
                if get(endpoint, "conditions", "ready", default=True) is False:
                    continue
                if not more:
                    listed.append(_join_host_port(address, port.get("port", 0)))
                count += 1
    text = ",".join(listed)
    return f"{text} + {count - limit} more..." if more else text


def _ingress_string(ingress: list) -> str:
    parts = []
    for item in ingress:
        if item.get("ip"):
            parts.append(item["ip"] + (f" ({item['ipMode']})" if item.get("ipMode") else ""))
        else:
            parts.append(item.get("hostname", ""))
    return ", ".join(parts)


def describe_service(svc: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec = meta(svc), svc.get("spec") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
        w.write(LEVEL_0, f"Type:\t{spec.get('type', '')}\n")
        if spec.get("ipFamilyPolicy") is not None:
            w.write(LEVEL_0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
        w.write(LEVEL_0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
        w.write(LEVEL_0, f"IP:\t{spec.get('clusterIP', '')}\n")
        w.write(LEVEL_0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
        if spec.get("externalIPs"):
            w.write(LEVEL_0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
        if spec.get("loadBalancerIP"):
            w.write(LEVEL_0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
        if spec.get("externalName"):
            w.write(LEVEL_0, f"External Name:\t{spec['externalName']}\n")
        ingress = get(svc, "status", "loadBalancer", "ingress", default=[])
        if ingress:
            w.write(LEVEL_0, f"LoadBalancer Ingress:\t{_ingress_string(ingress)}\n")
        slices = related.get("endpoint_slices")
        for port in spec.get("ports") or []:
            name = port.get("name") or "<unset>"
            protocol = port.get("protocol", "")
            w.write(LEVEL_0, f"Port:\t{name}\t{port.get('port', 0)}/{protocol}\n")
            target = port.get("targetPort", 0)
            w.write(LEVEL_0, f"TargetPort:\t{target if target is not None else 0}/{protocol}\n")
            if port.get("nodePort"):
                w.write(LEVEL_0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
            w.write(LEVEL_0, f"Endpoints:\t{format_endpoint_slices(slices, {port.get('name') or ''})}\n")
        w.write(LEVEL_0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
        if spec.get("externalTrafficPolicy"):
            w.write(LEVEL_0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
        if spec.get("internalTrafficPolicy") is not None:
            w.write(LEVEL_0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
        if spec.get("healthCheckNodePort"):
            w.write(LEVEL_0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
        if spec.get("loadBalancerSourceRanges"):
            w.write(LEVEL_0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_endpoints(ep: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m = meta(ep)
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, "Subsets:\n")
        for subset in ep.get("subsets") or []:
            ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
            w.write(LEVEL_1, f"Addresses:\t{ready or '<none>'}\n")
            not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
            w.write(LEVEL_1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
            if subset.get("ports"):
                w.write(LEVEL_1, "Ports:\n")
                w.write(LEVEL_2, "Name\tPort\tProtocol\n")
                w.write(LEVEL_2, "----\t----\t--------\n")
                for port in subset["ports"]:
                    w.write(LEVEL_2, f"{port.get('name') or '<unset>'}\t{port.get('port', 0)}\t"
                                     f"{port.get('protocol', '')}\n")
            w.write(LEVEL_0, "\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def _service_backend(service: Mapping | None) -> str:
    if not service:
        return ""
    port = service.get("port") or {}
    return f"{service.get('name', '')}:{port['number'] if port.get('number') else port.get('name', '')}"


def _describe_backend(backend: Mapping | None, related: Mapping) -> str:
    backend = backend or {}
    service = backend.get("service")
    if service is not None:
        label = _service_backend(service)
        found = (related.get("backends") or {}).get(service.get("name", ""), {})
        if "error" in found or not found:
            return f"{label} (<error: {found.get('error', '')}>)"
        wanted = service.get("port") or {}
        port_name = ""
        for sp in get(found, "service", "spec", "ports", default=[]):
            if wanted.get("number") and wanted["number"] == sp.get("port"):
                port_name = sp.get("name", "")
            elif wanted.get("name") and wanted["name"] == sp.get("name"):
                port_name = sp.get("name", "")
        return f"{label} ({format_endpoint_slices(found.get('endpoint_slices'), {port_name})})"
    resource = backend.get("resource")
    if resource is not None:
        group = resource.get("apiGroup") if resource.get("apiGroup") is not None else "<none>"
        return f"APIGroup: {group}, Kind: {resource.get('kind', '')}, Name: {resource.get('name', '')}"
    return ""


def describe_ingress(ing: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m, spec = meta(ing), ing.get("spec") or {}
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        addresses = sorted({i.get("ip") or i.get("hostname") for i in
                            get(ing, "status", "loadBalancer", "ingress", default=[]) if i.get("ip") or i.get("hostname")})
        w.write(LEVEL_0, f"Address:\t{','.join(addresses)}\n")
        w.write(LEVEL_0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
        default = "<default>"
        if spec.get("defaultBackend") is not None:
            default = _describe_backend(spec["defaultBackend"], related)
        w.write(LEVEL_0, f"Default backend:\t{default}\n")
        if spec.get("tls"):
            w.write(LEVEL_0, "TLS:\n")
            for tls in spec["tls"]:
                hosts = ",".join(tls.get("hosts") or [])
                if not tls.get("secretName"):
                    w.write(LEVEL_1, f"SNI routes {hosts}\n")
                else:
                    w.write(LEVEL_1, f"{tls['secretName']} terminates {hosts}\n")
        w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n")
        w.write(LEVEL_1, "----\t----\t--------\n")
        count = 0
        for rule in spec.get("rules") or []:
            if rule.get("http") is None:
                continue
            count += 1
            w.write(LEVEL_1, f"{rule.get('host') or '*'}\t\n")
            for path in rule["http"].get("paths") or []:
                w.write(LEVEL_2, f"\t{path.get('path', '')} \t{_describe_backend(path.get('backend'), related)}\n")
        if count == 0:
            w.write(LEVEL_1, f"*\t*\t{default}\n")
        annotations_multiline(w, "Annotations", m.get("annotations"))
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)


def describe_endpoint_slice(eps: Mapping, related: Mapping, now: datetime) -> str:
    def render(w) -> None:
        m = meta(eps)
        w.write(LEVEL_0, f"Name:\t{m.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{m.get('namespace', '')}\n")
        labels_multiline(w, "Labels", m.get("labels"))
        annotations_multiline(w, "Annotations", m.get("annotations"))
        w.write(LEVEL_0, f"AddressType:\t{eps.get('addressType', '')}\n")
        ports = eps.get("ports") or []
        if not ports:
            w.write(LEVEL_0, "Ports: <unset>\n")
        else:
            w.write(LEVEL_0, "Ports:\n")
            w.write(LEVEL_1, "Name\tPort\tProtocol\n")
            w.write(LEVEL_1, "----\t----\t--------\n")
            for port in ports:
                number = port.get("port")
                w.write(LEVEL_1, f"{port.get('name') or '<unset>'}\t{number if number is not None else '<unset>'}\t"
                                 f"{port.get('protocol', '')}\n")
        endpoints = eps.get("endpoints") or []
        if not endpoints:
            w.write(LEVEL_0, "Endpoints: <none>\n")
        else:
            w.write(LEVEL_0, "Endpoints:\n")
            for endpoint in endpoints:
                w.write(LEVEL_1, f"- Addresses:\t{', '.join(endpoint.get('addresses') or []) or '<none>'}\n")
                w.write(LEVEL_2, "Conditions:\n")
                ready = get(endpoint, "conditions", "ready")
                w.write(LEVEL_3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}\n")
                hostname = endpoint.get("hostname")
                w.write(LEVEL_2, f"Hostname:\t{hostname if hostname is not None else '<unset>'}\n")
                if endpoint.get("targetRef") is not None:
                    ref = endpoint["targetRef"]
                    w.write(LEVEL_2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
                for title, key in (("NodeName", "nodeName"), ("Zone", "zone")):
                    value = endpoint.get(key)
                    w.write(LEVEL_2, f"{title}:\t{value if value is not None else '<unset>'}\n")
        if related.get("events") is not None:
            describe_events(w, related["events"], now)

    return tabbed(render)
