"""Defaulting and validation: the parts of the apiserver's SetDefaults_*, admission plugins and
ValidateX functions whose effects kubectl can see (in -o yaml, in get columns, in error messages).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from . import status
from .status import StatusError

# ------------------------------------------------------------------ validation vocabulary (apimachinery)


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    shown = "e.g. " + ",  or ".join(f"'{e}'" for e in examples)
    return f"{message} ({shown}, regex used for validation is '{fmt}')"


DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + r"(\." + DNS1123_LABEL_FMT + ")*"
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not re.fullmatch(DNS1123_SUBDOMAIN_FMT, value):
        errs.append(_regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                 "characters, '-' or '.', and must start and end with an alphanumeric character",
                                 DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not re.fullmatch(DNS1123_LABEL_FMT, value):
        errs.append(_regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                                 "or '-', and must start and end with an alphanumeric character",
                                 DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not re.fullmatch(DNS1035_LABEL_FMT, value):
        errs.append(_regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                                 "start with an alphabetic character, and end with an alphanumeric character",
                                 DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + e for e in is_dns1123_subdomain(prefix))
    else:
        return [_regex_error("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and "
                             "must start and end with an alphanumeric character", QUALIFIED_NAME_FMT,
                             "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if name and not re.fullmatch(QUALIFIED_NAME_FMT, name):
        errs.append(_regex_error("name part must consist of alphanumeric characters, '-', '_' or '.', and must "
                                 "start and end with an alphanumeric character", QUALIFIED_NAME_FMT,
                                 "MyName", "my.name", "123-abc"))
    return errs


def is_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not re.fullmatch(LABEL_VALUE_FMT, value):
        errs.append(_regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                                 "'-', '_' or '.', and must start and end with an alphanumeric character",
                                 LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def go_quote(value: Any) -> str:
    """How field.Invalid prints a value: strings %q, numbers bare, maps as Go would show them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}:{go_quote(v)}" for k, v in sorted(value.items()))
        return "map[string]string{" + inner + "}"
    return json.dumps(value)


def invalid_cause(field: str, value: Any, detail: str) -> dict:
    return {"reason": "FieldValueInvalid", "message": f"Invalid value: {go_quote(value)}: {detail}", "field": field}


def required_cause(field: str, detail: str = "") -> dict:
    return {"reason": "FieldValueRequired", "message": "Required value" + (f": {detail}" if detail else ""),
            "field": field}


def unsupported_cause(field: str, value: Any, allowed: list[str]) -> dict:
    listed = ", ".join(json.dumps(a) for a in allowed)
    return {"reason": "FieldValueNotSupported",
            "message": f"Unsupported value: {go_quote(value)}: supported values: {listed}", "field": field}


# Which name rule each resource uses (the rest use RFC 1123 subdomains, as ValidateObjectMeta's default).
_LABEL_NAMES = {("", "namespaces"), ("", "nodes") and None}
_DNS1035_NAMES = {("", "services")}
_LABEL_1123 = {("", "namespaces")}
_PATH_SEGMENT = {("rbac.authorization.k8s.io", r) for r in ("roles", "rolebindings", "clusterroles",
                                                           "clusterrolebindings")}


def _name_errors(info, name: str) -> list[str]:
    key = (info.group, info.resource)
    if key in _DNS1035_NAMES:
        return is_dns1035_label(name)
    if key in _LABEL_1123:
        return is_dns1123_label(name)
    if key in _PATH_SEGMENT:
        bad = [s for s in ("/", "%") if s in name]
        if name in (".", ".."):
            return [f"may not be '{name}'"]
        return [f"may not contain '{bad[0]}'"] if bad else []
    if info.group == "apiextensions.k8s.io":
        return is_dns1123_subdomain(name)
    return is_dns1123_subdomain(name)


def validate_metadata(info, obj: dict) -> list[dict]:
    meta = obj.get("metadata") or {}
    causes: list[dict] = []
    name = meta.get("name", "")
    if name:
        for detail in _name_errors(info, name):
            causes.append(invalid_cause("metadata.name", name, detail))
    labels = meta.get("labels") or {}
    if not isinstance(labels, dict):
        labels = {}
    for key, value in labels.items():
        for detail in is_qualified_name(key):
            causes.append(invalid_cause("metadata.labels", key, detail))
        for detail in is_label_value(value if isinstance(value, str) else str(value)):
            causes.append(invalid_cause("metadata.labels", value, detail))
    annotations = meta.get("annotations") or {}
    for key in annotations if isinstance(annotations, dict) else ():
        for detail in is_qualified_name(key.lower()):
            causes.append(invalid_cause("metadata.annotations", key, detail))
    return causes


def _validate_pod_spec(spec: dict, path: str) -> list[dict]:
    causes: list[dict] = []
    containers = spec.get("containers")
    if not containers:
        causes.append(required_cause(f"{path}.containers"))
        return causes
    seen: set[str] = set()
    for i, container in enumerate(containers):
        cpath = f"{path}.containers[{i}]"
        name = container.get("name", "")
        if not name:
            causes.append(required_cause(f"{cpath}.name"))
        else:
            for detail in is_dns1123_label(name):
                causes.append(invalid_cause(f"{cpath}.name", name, detail))
            if name in seen:
                causes.append({"reason": "FieldValueDuplicate", "message": f"Duplicate value: {json.dumps(name)}",
                               "field": f"{cpath}.name"})
            seen.add(name)
        if not container.get("image"):
            causes.append(required_cause(f"{cpath}.image"))
    policy = spec.get("restartPolicy")
    if policy and policy not in ("Always", "OnFailure", "Never"):
        causes.append(unsupported_cause(f"{path}.restartPolicy", policy, ["Always", "OnFailure", "Never"]))
    return causes


def _validate_selector_template(obj: dict) -> list[dict]:
    spec = obj.get("spec") or {}
    causes: list[dict] = []
    selector = spec.get("selector")
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not selector:
        causes.append(required_cause("spec.selector"))
    else:
        match = selector.get("matchLabels") or {}
        if not match and not selector.get("matchExpressions"):
            causes.append(invalid_cause("spec.selector", selector, "empty selector is invalid for deployment"))
        elif any(labels.get(k) != v for k, v in match.items()):
            causes.append({"reason": "FieldValueInvalid", "field": "spec.template.metadata.labels",
                           "message": f"Invalid value: {go_quote(labels)}: `selector` does not match template "
                                      "`labels`"})
    causes.extend(_validate_pod_spec((spec.get("template") or {}).get("spec") or {}, "spec.template.spec"))
    return causes


def validate(info, obj: dict, old: dict | None) -> list[dict]:
    causes = validate_metadata(info, obj)
    key = (info.group, info.resource)
    spec = obj.get("spec") or {}
    if key == ("", "pods"):
        causes.extend(_validate_pod_spec(spec, "spec"))
    elif key in (("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"),
                 ("apps", "daemonsets")):
        causes.extend(_validate_selector_template(obj))
        replicas = spec.get("replicas")
        if isinstance(replicas, int) and replicas < 0:
            causes.append(invalid_cause("spec.replicas", replicas, "must be greater than or equal to 0"))
    elif key == ("", "services"):
        causes.extend(_validate_service_spec(spec))
    elif key == ("networking.k8s.io", "ingresses"):
        causes.extend(_validate_ingress_spec(spec))
    elif key == ("", "configmaps") or key == ("", "secrets"):
        for field in ("data", "binaryData", "stringData"):
            for data_key in (obj.get(field) or {}):
                if not re.fullmatch(r"[-._a-zA-Z0-9]+", data_key):
                    causes.append(invalid_cause(f"{field}[{data_key}]", data_key,
                                                _regex_error("a valid config key must consist of alphanumeric "
                                                             "characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+",
                                                             "key.name", "KEY_NAME", "key-name")))
    if old is not None and key == ("", "pods"):
        causes.extend(_pod_update_causes(obj, old))
    return causes


_PORT_RANGE = "must be between 1 and 65535, inclusive"


def _validate_service_spec(spec: dict) -> list[dict]:
    """ValidateService's checks of the type and ports (validateServicePort), in its order."""
    causes: list[dict] = []
    svc_type = spec.get("type", "ClusterIP")
    if svc_type not in ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"):
        causes.append(unsupported_cause("spec.type", svc_type, ["ClusterIP", "ExternalName", "LoadBalancer",
                                                                 "NodePort"]))
    ports = spec.get("ports") or []
    if svc_type != "ExternalName" and not ports and spec.get("clusterIP") != "None":
        causes.append(required_cause("spec.ports"))
    names: set[str] = set()
    for i, port in enumerate(ports):
        path = f"spec.ports[{i}]"
        name = port.get("name") or ""
        if len(ports) > 1 and not name:
            causes.append(required_cause(f"{path}.name"))
        elif name:
            for message in is_dns1123_label(name):
                causes.append(invalid_cause(f"{path}.name", name, message))
            if name in names:
                causes.append({"reason": "FieldValueDuplicate", "message": f"Duplicate value: {go_quote(name)}",
                               "field": f"{path}.name"})
            names.add(name)
        number = port.get("port", 0)
        if not isinstance(number, int) or not 1 <= number <= 65535:
            causes.append(invalid_cause(f"{path}.port", number, _PORT_RANGE))
        protocol = port.get("protocol", "TCP")
        if protocol not in ("SCTP", "TCP", "UDP"):
            causes.append(unsupported_cause(f"{path}.protocol", protocol, ["SCTP", "TCP", "UDP"]))
        target = port.get("targetPort")
        if isinstance(target, int) and not isinstance(target, bool) and not 1 <= target <= 65535:
            causes.append(invalid_cause(f"{path}.targetPort", target, _PORT_RANGE))
    return causes


WILDCARD_DNS1123_SUBDOMAIN_FMT = r"\*\." + DNS1123_SUBDOMAIN_FMT
_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")


def _host_errors(host: str) -> list[str]:
    """IsWildcardDNS1123Subdomain for a host with a `*`, IsDNS1123Subdomain otherwise."""
    if "*" not in host:
        return is_dns1123_subdomain(host)
    errs = ["must be no more than 253 characters"] if len(host) > 253 else []
    if not re.fullmatch(WILDCARD_DNS1123_SUBDOMAIN_FMT, host):
        errs.append(_regex_error("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
                                 "subdomain, which must consist of lower case alphanumeric characters, '-' or '.' "
                                 "and end with an alphanumeric character", WILDCARD_DNS1123_SUBDOMAIN_FMT,
                                 "*.example.com"))
    return errs


def _port_name_errors(name: str) -> list[str]:
    """IsValidPortName."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _validate_ingress_backend(backend: dict, path: str) -> list[dict]:
    """validateIngressBackend (networking/validation): a service backend's name and port."""
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        return [invalid_cause(path, "", "cannot set both resource and service backends")]
    if service is None:
        return [] if resource is not None else [invalid_cause(path, "", "resource or service backend is required")]
    causes: list[dict] = []
    name = service.get("name") or ""
    if not name:
        causes.append(required_cause(f"{path}.service.name"))
    else:
        causes += [invalid_cause(f"{path}.service.name", name, m) for m in is_dns1035_label(name)]
    port = service.get("port") or {}
    port_name, number = port.get("name") or "", port.get("number") or 0
    if port_name and number:
        causes.append(invalid_cause(path, "", "cannot set both port name & port number"))
    elif port_name:
        causes += [invalid_cause(f"{path}.service.port.name", port_name, m) for m in _port_name_errors(port_name)]
    elif number:
        if not isinstance(number, int) or not 1 <= number <= 65535:
            causes.append(invalid_cause(f"{path}.service.port.number", number, _PORT_RANGE))
    else:
        causes.append(required_cause(path, "port name or number is required"))
    return causes


def _validate_ingress_spec(spec: dict) -> list[dict]:
    """ValidateIngressSpec, in its order: rules or a default backend, the default backend, the rules (hosts,
    path types and paths, backends), the TLS hosts and secret names, the class name."""
    causes: list[dict] = []
    rules = spec.get("rules") or []
    if not rules and spec.get("defaultBackend") is None:
        causes.append({"reason": "FieldValueInvalid", "field": "spec",  # Go prints the typed nil slice as %#v
                       "message": "Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` "
                                  "must be specified"})
    if spec.get("defaultBackend") is not None:
        causes += _validate_ingress_backend(spec["defaultBackend"], "spec.defaultBackend")
    for i, rule in enumerate(rules):
        host = rule.get("host") or ""
        if host:
            if _is_ip(host):
                causes.append(invalid_cause(f"spec.rules[{i}].host", host, "must be a DNS name, not an IP address"))
            causes += [invalid_cause(f"spec.rules[{i}].host", host, m) for m in _host_errors(host)]
        http = rule.get("http")
        if http is None:
            continue
        paths = http.get("paths") or []
        if not paths:
            causes.append(required_cause(f"spec.rules[{i}].http.paths"))
        for j, item in enumerate(paths):
            where = f"spec.rules[{i}].http.paths[{j}]"
            path_type, value = item.get("pathType"), item.get("path") or ""
            if path_type is None:
                causes.append(required_cause(f"{where}.pathType", "pathType must be specified"))
                continue
            if path_type in ("Exact", "Prefix"):
                if not value.startswith("/"):
                    causes.append(invalid_cause(f"{where}.path", value, "must be an absolute path"))
                if value:
                    causes += [invalid_cause(f"{where}.path", value, f"must not contain '{seq}'")
                               for seq in _INVALID_PATH_SEQUENCES if seq in value]
                    causes += [invalid_cause(f"{where}.path", value, f"cannot end with '{suffix}'")
                               for suffix in _INVALID_PATH_SUFFIXES if value.endswith(suffix)]
            elif path_type == "ImplementationSpecific":
                if value and not value.startswith("/"):
                    causes.append(invalid_cause(f"{where}.path", value, "must be an absolute path"))
            else:
                causes.append(unsupported_cause(f"{where}.pathType", path_type,
                                                ["Exact", "ImplementationSpecific", "Prefix"]))
            causes += _validate_ingress_backend(item.get("backend") or {}, f"{where}.backend")
    for i, tls in enumerate(spec.get("tls") or []):
        for j, host in enumerate(tls.get("hosts") or []):
            causes += [invalid_cause(f"spec.tls[{i}].hosts[{j}]", host, m) for m in _host_errors(host)]
        secret = tls.get("secretName") or ""
        if secret:
            causes += [invalid_cause(f"spec.tls[{i}].secretName", secret, m) for m in is_dns1123_subdomain(secret)]
    class_name = spec.get("ingressClassName")
    if class_name is not None:
        causes += [invalid_cause("spec.ingressClassName", class_name, m) for m in is_dns1123_subdomain(class_name)]
    return causes


def _pod_update_causes(obj: dict, old: dict) -> list[dict]:
    new_spec, old_spec = copy.deepcopy(obj.get("spec") or {}), copy.deepcopy(old.get("spec") or {})
    # Mutable fields on a pod: images, activeDeadlineSeconds, tolerations (additions), schedulingGates.
    for spec in (new_spec, old_spec):
        for c in spec.get("containers") or []:
            c.pop("image", None)
        for c in spec.get("initContainers") or []:
            c.pop("image", None)
        for f in ("activeDeadlineSeconds", "tolerations", "schedulingGates", "terminationGracePeriodSeconds"):
            spec.pop(f, None)
    if new_spec != old_spec:
        return [{"reason": "FieldValueForbidden", "field": "spec",
                 "message": "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                            "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
                            "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                            "(allow it to be set to 1 if it was previously negative)"}]
    return []


# ------------------------------------------------------------------ defaulting


def _image_pull_policy(image: str) -> str:
    name = image.rsplit("/", 1)[-1]
    if "@" in name:
        return "IfNotPresent"
    tag = name.split(":", 1)[1] if ":" in name else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def default_container(container: dict) -> None:
    if "image" in container and "imagePullPolicy" not in container:
        container["imagePullPolicy"] = _image_pull_policy(container.get("image") or "")
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in container.get("ports") or []:
        port.setdefault("protocol", "TCP")
    for env in container.get("env") or []:
        source = (env.get("valueFrom") or {}).get("fieldRef")
        if source is not None:
            source.setdefault("apiVersion", "v1")
    for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_name)
        if isinstance(probe, dict):
            probe.setdefault("failureThreshold", 3)
            probe.setdefault("periodSeconds", 10)
            probe.setdefault("successThreshold", 1)
            probe.setdefault("timeoutSeconds", 1)
            if isinstance(probe.get("httpGet"), dict):
                probe["httpGet"].setdefault("path", "/")
                probe["httpGet"].setdefault("scheme", "HTTP")


def default_pod_spec(spec: dict) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if isinstance(container, dict):
            default_container(container)
    for volume in spec.get("volumes") or []:
        for source, mode_key in (("secret", "defaultMode"), ("configMap", "defaultMode"),
                                 ("projected", "defaultMode"), ("downwardAPI", "defaultMode")):
            if isinstance(volume.get(source), dict):
                volume[source].setdefault(mode_key, 420)
    if spec.get("serviceAccountName") and not spec.get("serviceAccount"):
        spec["serviceAccount"] = spec["serviceAccountName"]


def default_template(template: dict) -> None:
    meta = template.setdefault("metadata", {})
    meta.setdefault("creationTimestamp", None)  # 1.32 serialises the zero time of a template as null
    default_pod_spec(template.setdefault("spec", {}))


def _qos_class(spec: dict) -> str:
    requests, limits, any_set = [], [], False
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = container.get("resources") or {}
        req, lim = resources.get("requests") or {}, resources.get("limits") or {}
        if req or lim:
            any_set = True
        requests.append(req)
        limits.append(lim)
    if not any_set:
        return "BestEffort"
    guaranteed = all(lim.get("cpu") and lim.get("memory") and all(req.get(k, lim[k]) == lim[k] for k in lim)
                     for req, lim in zip(requests, limits, strict=True))
    return "Guaranteed" if guaranteed else "Burstable"


def default_pod(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    default_pod_spec(spec)
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") == key for t in tolerations):
            tolerations.append({"effect": "NoExecute", "key": key, "operator": "Exists",
                                "tolerationSeconds": 300})


TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
_RANDOM_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery's util/rand alphabet


def mount_service_account_token(spec: dict) -> None:
    """The ServiceAccount admission plugin on pod create: a projected kube-api-access-xxxxx volume (token, CA,
    namespace) mounted read-only into every container that does not mount something there already."""
    import secrets

    if spec.get("automountServiceAccountToken") is False:
        return
    containers = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
    needing = [c for c in containers
               if not any(m.get("mountPath") == TOKEN_MOUNT_PATH for m in c.get("volumeMounts") or [])]
    if not needing:
        return
    name = "kube-api-access-" + "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(5))
    spec.setdefault("volumes", []).append({"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}}]}})
    for container in needing:
        container.setdefault("volumeMounts", []).append({"mountPath": TOKEN_MOUNT_PATH, "name": name,
                                                         "readOnly": True})


def default_namespace(obj: dict) -> None:
    meta = obj.setdefault("metadata", {})
    name = meta.get("name", "")
    if name:
        labels = meta.setdefault("labels", {})
        labels["kubernetes.io/metadata.name"] = name
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj["status"] = {"phase": (obj.get("status") or {}).get("phase") or "Active"}


def _default_service(store, obj: dict, old: dict | None, dry_run: bool) -> None:
    spec = obj.setdefault("spec", {})
    svc_type = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
    if svc_type == "ExternalName":
        return
    spec.setdefault("internalTrafficPolicy", "Cluster")
    if svc_type in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
        used = {p.get("nodePort") for p in spec.get("ports") or []}
        next_port = 30000 + (hash(obj["metadata"].get("name", "")) % 2000)
        for port in spec.get("ports") or []:
            if not port.get("nodePort"):
                while next_port in used:
                    next_port += 1
                port["nodePort"] = next_port
                used.add(next_port)
    if svc_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    old_spec = (old or {}).get("spec") or {}
    if old_spec.get("clusterIP") and "clusterIP" not in spec:
        spec["clusterIP"] = old_spec["clusterIP"]
        spec["clusterIPs"] = old_spec.get("clusterIPs", [old_spec["clusterIP"]])
    if "clusterIP" not in spec or spec.get("clusterIP") == "":
        spec["clusterIP"] = "0.0.0.0" if dry_run else store.allocate_cluster_ip()
        spec["clusterIPs"] = [spec["clusterIP"]]
    elif old is None and spec["clusterIP"] != "None" and not dry_run:
        store.allocate_cluster_ip(spec["clusterIP"])
    spec.setdefault("clusterIPs", [spec["clusterIP"]])
    if spec["clusterIP"] == "None":
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "RequireDualStack" if not spec.get("selector") else "SingleStack")
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    obj.setdefault("status", {"loadBalancer": {}})


def _default_workload(info, obj: dict, old: dict | None) -> None:
    spec = obj.setdefault("spec", {})
    key = info.resource
    if "template" in spec:
        default_template(spec["template"])
    if key == "deployments":
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", "25%")
            rolling.setdefault("maxUnavailable", "25%")
        if old is None:
            obj["status"] = {}
    elif key == "replicasets":
        spec.setdefault("replicas", 1)
        if old is None:
            obj["status"] = {"replicas": 0}
    elif key == "statefulsets":
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault("revisionHistoryLimit", 10)
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            strategy.setdefault("rollingUpdate", {}).setdefault("partition", 0)
        retention = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
        retention.setdefault("whenDeleted", "Retain")
        retention.setdefault("whenScaled", "Retain")
        for claim in spec.get("volumeClaimTemplates") or []:
            claim.setdefault("apiVersion", "v1")
            claim.setdefault("kind", "PersistentVolumeClaim")
            claim.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
            claim.setdefault("status", {"phase": "Pending"})
        if old is None:
            obj["status"] = {"availableReplicas": 0, "replicas": 0}
    elif key == "daemonsets":
        spec.setdefault("revisionHistoryLimit", 10)
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", 0)
            rolling.setdefault("maxUnavailable", 1)
        if old is None:
            obj["status"] = {"currentNumberScheduled": 0, "desiredNumberScheduled": 0,
                             "numberMisscheduled": 0, "numberReady": 0}
    elif key == "replicationcontrollers":
        spec.setdefault("replicas", 1)
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
        if template_labels and not spec.get("selector"):
            spec["selector"] = dict(template_labels)
        if old is None:
            obj["status"] = {"replicas": 0}


def _default_job_spec(spec: dict, uid: str | None, name: str, generate_selector: bool) -> None:
    spec.setdefault("parallelism", 1)
    spec.setdefault("completions", 1 if spec.get("completionMode") != "Indexed" else spec.get("completions"))
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    spec.setdefault("manualSelector", None)
    if spec.get("manualSelector") is None:
        spec.pop("manualSelector")
    template = spec.setdefault("template", {})
    if generate_selector and uid and not spec.get("selector"):
        spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
        labels = template.setdefault("metadata", {}).setdefault("labels", {})
        labels.setdefault("batch.kubernetes.io/controller-uid", uid)
        labels.setdefault("batch.kubernetes.io/job-name", name)
        labels.setdefault("controller-uid", uid)
        labels.setdefault("job-name", name)
    default_template(template)


def _default_batch(info, obj: dict, old: dict | None) -> None:
    spec = obj.setdefault("spec", {})
    meta = obj.get("metadata", {})
    if info.resource == "jobs":
        uid = meta.get("uid") or (old or {}).get("metadata", {}).get("uid")
        _default_job_spec(spec, uid, meta.get("name", ""), True)
        if old is None:
            obj["status"] = {}
    elif info.resource == "cronjobs":
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job_template = spec.setdefault("jobTemplate", {})
        job_template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        template = job_template.setdefault("spec", {}).setdefault("template", {})
        default_template(template)
        if old is None:
            obj["status"] = {}


def admit(store, info, obj: dict, old: dict | None, *, dry_run: bool = False) -> None:
    """Default then validate `obj` in place; raises the 422 Invalid Status on failure."""
    key = (info.group, info.resource)
    meta = obj.setdefault("metadata", {})
    if meta.get("labels") == {}:
        pass
    if key == ("", "pods"):
        default_pod(obj)
        if old is None:
            mount_service_account_token(obj["spec"])
            obj["status"] = {"phase": "Pending", "qosClass": _qos_class(obj.get("spec") or {})}
    elif key == ("", "namespaces"):
        default_namespace(obj)
    elif key == ("", "services"):
        causes = validate(info, obj, old)
        if causes:
            raise StatusError(status.invalid(info.kind, info.group, meta.get("name", ""), causes))
        _default_service(store, obj, old, dry_run)
        return
    elif key == ("", "secrets"):
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None)
        if string_data:
            import base64
            data = obj.setdefault("data", {})
            for k, v in string_data.items():
                data[k] = base64.b64encode(str(v).encode()).decode()
    elif key == ("", "persistentvolumeclaims"):
        obj.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
        if old is None:
            obj["status"] = {"phase": "Pending"}
    elif key == ("", "persistentvolumes"):
        spec = obj.setdefault("spec", {})
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        if old is None:
            obj["status"] = {"phase": "Pending"}
    elif key == ("", "podtemplates"):
        default_template(obj.setdefault("template", {}))
    elif info.group == "apps" or key == ("", "replicationcontrollers"):
        _default_workload(info, obj, old)
    elif info.group == "batch":
        _default_batch(info, obj, old)
    elif key == ("apiextensions.k8s.io", "customresourcedefinitions"):
        _default_crd(obj)
    elif key == ("policy", "poddisruptionbudgets"):
        if old is None:  # PrepareForCreate empties the status; its four counts are not omitempty
            obj["status"] = {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    elif key in _SIMPLE_DEFAULTS:
        _SIMPLE_DEFAULTS[key](obj)
    causes = validate(info, obj, old)
    if causes:
        raise StatusError(status.invalid(info.kind, info.group, meta.get("name", ""), causes))


def _default_csi_driver(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    for field, value in (("attachRequired", True), ("podInfoOnMount", False), ("storageCapacity", False),
                         ("fsGroupPolicy", "ReadWriteOnceWithFSType"), ("requiresRepublish", False),
                         ("seLinuxMount", False)):
        if spec.get(field) is None:
            spec[field] = value
    if not spec.get("volumeLifecycleModes"):
        spec["volumeLifecycleModes"] = ["Persistent"]


def _default_storage_class(obj: dict) -> None:
    obj.setdefault("reclaimPolicy", "Delete")
    obj.setdefault("volumeBindingMode", "Immediate")


def _default_priority_class(obj: dict) -> None:
    obj.setdefault("preemptionPolicy", "PreemptLowerPriority")


def _local_api_service(obj: dict) -> None:
    """The aggregator's availability controller at once: an APIService without a service is served locally."""
    if (obj.get("spec") or {}).get("service") is None and not (obj.get("status") or {}).get("conditions"):
        from .store import now_rfc3339

        obj["status"] = {"conditions": [{"type": "Available", "status": "True", "reason": "Local",
                                         "message": "Local APIServices are always available",
                                         "lastTransitionTime": now_rfc3339()}]}


# SetDefaults_* of types whose defaults kubectl shows (get -o yaml, and the table cells built from them).
_SIMPLE_DEFAULTS = {
    ("storage.k8s.io", "csidrivers"): _default_csi_driver,
    ("storage.k8s.io", "storageclasses"): _default_storage_class,
    ("scheduling.k8s.io", "priorityclasses"): _default_priority_class,
    ("apiregistration.k8s.io", "apiservices"): _local_api_service,
}


def _default_crd(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    names = spec.setdefault("names", {})
    if names.get("kind"):
        names.setdefault("singular", names["kind"].lower())
        names.setdefault("listKind", names["kind"] + "List")
    spec.setdefault("conversion", {"strategy": "None"})
    if old_status := obj.get("status"):
        obj["status"] = old_status
    else:
        obj["status"] = {"acceptedNames": {"kind": "", "plural": ""}, "conditions": [], "storedVersions": []}


def check_crd_conflicts(store, crd: dict) -> None:
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    expected = f"{names.get('plural', '')}.{spec.get('group', '')}"
    name = crd["metadata"]["name"]
    if name != expected:
        raise StatusError(status.invalid("CustomResourceDefinition", "apiextensions.k8s.io", name, [
            invalid_cause("metadata.name", name, "must be spec.names.plural+\".\"+spec.group")]))


# ------------------------------------------------------------------ unknown fields (fieldValidation)

_REF_PREFIX = "#/components/schemas/"
_ALWAYS_KNOWN = {"apiVersion", "kind"}


def _resolve(schema: dict, definitions: dict[str, dict]) -> dict:
    for _ in range(20):
        ref = schema.get("$ref")
        if ref is None and len(schema.get("allOf") or []) == 1 and "properties" not in schema:
            ref = schema["allOf"][0].get("$ref")
        if not ref:
            return schema
        schema = definitions.get(ref.removeprefix(_REF_PREFIX), {})
    return schema


def _walk_unknown(value: Any, schema: dict, path: str, definitions: dict, found: list[str]) -> None:
    schema = _resolve(schema or {}, definitions)
    if not schema or schema.get("x-kubernetes-preserve-unknown-fields") or \
            schema.get("x-kubernetes-int-or-string") or schema.get("format") == "int-or-string":
        return
    if isinstance(value, dict):
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        if props is None:
            if isinstance(extra, dict):
                for key, item in value.items():
                    _walk_unknown(item, extra, f"{path}.{key}" if path else key, definitions, found)
            return
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if key in props:
                _walk_unknown(item, props[key], child, definitions, found)
            elif not (path == "" and key in _ALWAYS_KNOWN):
                found.append(child)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            _walk_unknown(item, schema["items"], f"{path}[{index}]", definitions, found)


def unknown_fields(info, obj: dict, openapi: Any) -> list[str]:
    """Paths of fields the kind's OpenAPI schema does not know, in document order ([] when unknown kind)."""
    if openapi is None or getattr(info, "crd_name", None):
        return []
    try:
        definitions = openapi.definitions
        name = openapi._by_gvk.get((info.group, info.version, info.kind))
    except Exception:  # no schema data available: skip strictness rather than fail the write
        return []
    if not name:
        return []
    found: list[str] = []
    _walk_unknown(obj, definitions[name], "", definitions, found)
    return found


def prune_fields(obj: dict, paths: list[str]) -> None:
    """Remove `spec.containers[0].foo`-style paths from obj."""
    for path in paths:
        tokens = re.findall(r"[^.\[\]]+|\[\d+\]", path)
        node: Any = obj
        for token in tokens[:-1]:
            if token.startswith("["):
                index = int(token[1:-1])
                node = node[index] if isinstance(node, list) and index < len(node) else None
            else:
                node = node.get(token) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            node.pop(tokens[-1], None)
