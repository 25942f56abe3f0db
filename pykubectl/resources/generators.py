"""The objects kubectl's `create <generator>` verbs build (staging/src/k8s.io/kubectl/pkg/cmd/create/*.go).

Pure builders: no IO except reading the files a --from-file/--from-env-file names. Dicts come out in the
field order of kubectl's typed structs (its JSON printer keeps it); maps (labels, data…) come out sorted, as
Go's encoder writes them. Every builder raises KubectlError with kubectl's words.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets

from pykubectl.errors import KubectlError


def _meta(name: str, namespace: str = "", **extra) -> dict:
    meta: dict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    for key, value in extra.items():
        if value:
            meta[key] = value
    return meta


def _sorted(mapping: dict) -> dict:
    return {key: mapping[key] for key in sorted(mapping)}


# --- names and keys --------------------------------------------------------------------------------------------

_CONFIG_MAP_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def config_map_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey."""
    errors = []
    if len(key) > 253:
        errors.append("must be no more than 253 characters")
    if not _CONFIG_MAP_KEY.match(key):
        errors.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',"
                      "  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
    if key == ".":
        errors.append("must not be '.'")
    elif key == "..":
        errors.append("must not be '..'")
    elif key.startswith(".."):
        errors.append("must not start with '..'")
    return errors


_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def env_var_name_errors(name: str) -> list[str]:
    """validation.IsEnvVarName (1.32: any printable ASCII but '=' is allowed)."""
    if name == "" or any(not (32 <= ord(c) <= 126) or c == "=" for c in name):
        return ["a valid environment variable name must consist only of printable ASCII characters other than '='"]
    return []


_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def is_dns1123_subdomain(value: str) -> bool:
    return 0 < len(value) <= 253 and all(_DNS1123_LABEL.match(part) for part in value.split("."))


def parse_literal_source(source: str) -> tuple[str, str]:
    """ParseLiteralSource: key=value, split at the first '='."""
    if source.startswith("=") or "=" not in source:
        raise KubectlError(f"invalid literal source {source}, expected key=value")
    key, _, value = source.partition("=")
    return key, value


def parse_file_source(source: str) -> tuple[str, str]:
    """ParseFileSource: `path` (key = basename) or `key=path`."""
    count = source.count("=")
    if count == 0:
        base = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] if source.strip("/") else "/"
        return base or ".", source
    if count == 1 and source.startswith("="):
        raise KubectlError(f"key name for file path {source[1:]} missing")
    if count == 1 and source.endswith("="):
        raise KubectlError(f"file path for key name {source[:-1]} missing")
    if count > 1:
        raise KubectlError("key names or file paths cannot contain '='")
    key, _, path = source.partition("=")
    return key, path


def _stat_error(path: str, exc: OSError) -> KubectlError:
    return KubectlError(f"error reading {path}: {(exc.strerror or str(exc)).lower()}")


def _file_entries(sources, add) -> None:
    """handle*FromFileSources: every regular file of a directory, or the one file, under its key."""
    for source in sources:
        key, path = parse_file_source(source)
        try:
            is_dir = os.path.isdir(path)
            os.stat(path)
        except OSError as exc:
            raise _stat_error(path, exc) from None
        if is_dir:
            if "=" in source:
                raise KubectlError("cannot give a key name for a directory path")
            for entry in sorted(os.scandir(path), key=lambda e: e.name):
                if entry.is_file(follow_symlinks=False):
                    with open(entry.path, "rb") as handle:
                        add(entry.name, handle.read())
        else:
            with open(path, "rb") as handle:
                add(key, handle.read())


def _env_entries(sources, add, kind: str) -> None:
    """AddFromEnvFile: KEY=VALUE lines; blank lines and # comments skipped; a bare KEY takes the environment's."""
    for path in sources:
        try:
            is_dir = os.path.isdir(path)
            os.stat(path)
        except OSError as exc:
            raise _stat_error(path, exc) from None
        if is_dir:
            raise KubectlError(f"env {kind} file cannot be a directory")
        with open(path, "rb") as handle:
            raw = handle.read()
        for number, line in enumerate(re.split(rb"\r?\n", raw[:-1] if raw.endswith(b"\n") else raw)):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                raise KubectlError(f"env file {path} contains invalid utf8 bytes at line {number + 1}: "
                                   f"[{' '.join(str(b) for b in line)}]") from None
            if number == 0:
                text = text.removeprefix("\ufeff")
            text = text.lstrip()
            if not text or text.startswith("#"):
                continue
            key, has_value, value = text.partition("=")
            errors = env_var_name_errors(key)
            if errors:
                raise KubectlError(f"{json.dumps(key)} is not a valid key name: {';'.join(errors)}")
            add(key, value if has_value else os.environ.get(key, ""))


def _hash_suffix(encoded: dict) -> str:
    text = json.dumps(_sorted(encoded), separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- core/v1 ---------------------------------------------------------------------------------------------------

def namespace(name: str) -> dict:
    return {"kind": "Namespace", "apiVersion": "v1", "metadata": _meta(name), "spec": {}, "status": {}}


def service_account(name: str, ns: str = "") -> dict:
    return {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": _meta(name, ns)}


def config_map(name: str, ns: str = "", *, files=(), literals=(), env_files=(), append_hash: bool = False) -> dict:
    if env_files and (files or literals):
        raise KubectlError("from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, str] = {}
    binary: dict[str, bytes] = {}

    def add_text(key: str, value: str) -> None:
        errors = config_map_key_errors(key)
        if errors:
            raise KubectlError(f"{json.dumps(key)} is not a valid key name for a ConfigMap: {','.join(errors)}")
        if key in data:
            raise KubectlError(f'cannot add key {json.dumps(key)}, another key by that name already exists in Data '
                               f'for ConfigMap {json.dumps(name)}')
        if key in binary:
            raise KubectlError(f'cannot add key {json.dumps(key)}, another key by that name already exists in '
                               f'BinaryData for ConfigMap {json.dumps(name)}')
        data[key] = value

    def add_file(key: str, content: bytes) -> None:
        try:
            add_text(key, content.decode("utf-8"))
        except UnicodeDecodeError:
            add_text(key, "")  # the key checks
            del data[key]
            binary[key] = content

    _file_entries(files, add_file)
    for source in literals:
        add_text(*parse_literal_source(source))
    _env_entries(env_files, add_text, "config")
    if append_hash:
        encoded = {"kind": "ConfigMap", "name": name, "data": _sorted(data)}
        if binary:
            encoded["binaryData"] = {k: _b64(v) for k, v in sorted(binary.items())}
        name = f"{name}-{_hash_suffix(encoded)}"
    obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": _meta(name, ns)}
    if data:
        obj["data"] = _sorted(data)
    if binary:
        obj["binaryData"] = {k: _b64(v) for k, v in sorted(binary.items())}
    return obj


def _secret(name: str, ns: str, secret_type: str, data: dict[str, bytes], append_hash: bool) -> dict:
    if append_hash:
        encoded = {"kind": "Secret", "type": secret_type, "name": name,
                   "data": {k: _b64(v) for k, v in sorted(data.items())}}
        name = f"{name}-{_hash_suffix(encoded)}"
    obj: dict = {"kind": "Secret", "apiVersion": "v1", "metadata": _meta(name, ns)}
    if data:
        obj["data"] = {k: _b64(v) for k, v in sorted(data.items())}
    if secret_type:
        obj["type"] = secret_type
    return obj


def _secret_adder(data: dict[str, bytes]):
    def add(key: str, value) -> None:
        errors = config_map_key_errors(key)
        if errors:
            raise KubectlError(f"{json.dumps(key)} is not valid key name for a Secret {';'.join(errors)}")
        if key in data:
            raise KubectlError(f"cannot add key {key}, another key by that name already exists")
        data[key] = value.encode() if isinstance(value, str) else value

    return add


def secret_generic(name: str, ns: str = "", *, secret_type: str = "", files=(), literals=(), env_files=(),
                   append_hash: bool = False) -> dict:
    if env_files and (files or literals):
        raise KubectlError("from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, bytes] = {}
    add = _secret_adder(data)
    for source in literals:
        add(*parse_literal_source(source))
    _file_entries(files, add)
    _env_entries(env_files, add, "secret")
    return _secret(name, ns, secret_type, data, append_hash)


def secret_docker_registry(name: str, ns: str = "", *, username: str = "", password: str = "", email: str = "",
                           server: str = "https://index.docker.io/v1/", files=(), append_hash: bool = False) -> dict:
    if not files and (not username or not password or not server):
        raise KubectlError("either --from-file or the combination of --docker-username, --docker-password and "
                           "--docker-server is required")
    data: dict[str, bytes] = {}
    if files:
        _file_entries(files, _secret_adder(data))
    else:
        entry = {}
        for key, value in (("username", username), ("password", password), ("email", email),
                           ("auth", _b64(f"{username}:{password}".encode()))):
            if value:
                entry[key] = value
        config = {"auths": {server: entry}}
        data[".dockerconfigjson"] = _go_struct_json(config).encode()
    return _secret(name, ns, "kubernetes.io/dockerconfigjson", data, append_hash)


def _go_struct_json(obj) -> str:
    """json.Marshal of kubectl's DockerConfigJSON struct (field order kept, HTML characters escaped)."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text


def secret_tls(name: str, ns: str = "", *, cert: str = "", key: str = "", append_hash: bool = False) -> dict:
    if not cert or not key:
        raise KubectlError("key and cert must be specified")
    data = {}
    for field, path in (("tls.crt", cert), ("tls.key", key)):
        try:
            with open(path, "rb") as handle:
                data[field] = handle.read()
        except OSError as exc:
            raise KubectlError(f"Cannot read file {path}, open {path}: {(exc.strerror or str(exc)).lower()}") from None
    # tls.X509KeyPair's first checks: a CERTIFICATE block, and a PRIVATE KEY block (the pair is not verified here)
    if not re.search(rb"-----BEGIN CERTIFICATE-----", data["tls.crt"]):
        raise KubectlError("tls: failed to find any PEM data in certificate input")
    if not re.search(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----", data["tls.key"]):
        raise KubectlError("tls: failed to find any PEM data in key input")
    return _secret(name, ns, "kubernetes.io/tls", data, append_hash)


def _parse_port(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text or ""):
        raise KubectlError(f'strconv.ParseUint: parsing {json.dumps(text)}: invalid syntax')
    value = int(text)
    if value > 65535:
        raise KubectlError(f'strconv.ParseUint: parsing {json.dumps(text)}: value out of range')
    if value == 0:
        raise KubectlError(f'port "{text}" must be in the range 1 to 65535')  # utilsnet.ParsePort
    return value


_PORT_NAME = re.compile(r"^[-a-z0-9]+$")


def _target_port(text: str):
    if re.fullmatch(r"[+-]?[0-9]+", text):
        number = int(text)
        if not 1 <= number <= 65535:
            raise KubectlError("must be between 1 and 65535, inclusive")
        return number
    errors = []
    if len(text) > 15:
        errors.append("must be no more than 15 characters")
    if not _PORT_NAME.match(text):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in text:
        errors.append("must not contain consecutive hyphens")
    if not re.search(r"[a-z]", text):
        errors.append("must contain at least one letter (a-z)")
    if text.startswith("-") or text.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    if errors:
        raise KubectlError(",".join(errors))
    return text


def service(name: str, ns: str = "", *, service_type: str, tcp=(), cluster_ip: str = "", node_port: int = 0,
            external_name: str = "") -> dict:
    if cluster_ip == "None" and service_type != "ClusterIP":
        raise KubectlError("ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and service_type != "ExternalName":
        raise KubectlError("at least one tcp port specifier must be provided")
    if service_type == "ExternalName" and not is_dns1123_subdomain(external_name):
        raise KubectlError(f"invalid service external name {external_name}")
    ports = []
    for spec in tcp:
        parts = spec.split(":")
        port = _parse_port(parts[0])
        target = _target_port(parts[1]) if len(parts) > 1 else port
        entry = {"name": spec.replace(":", "-"), "protocol": "TCP", "port": port, "targetPort": target}
        if node_port:
            entry["nodePort"] = node_port
        ports.append(entry)
    spec_obj: dict = {}
    if ports:
        spec_obj["ports"] = ports
    spec_obj["selector"] = {"app": name}
    if cluster_ip:
        spec_obj["clusterIP"] = cluster_ip
    spec_obj["type"] = service_type
    if external_name:
        spec_obj["externalName"] = external_name
    return {"kind": "Service", "apiVersion": "v1", "metadata": _meta(name, ns, labels={"app": name}),
            "spec": spec_obj, "status": {"loadBalancer": {}}}


def quota(name: str, ns: str = "", *, hard: str = "", scopes: str = "") -> dict:
    resources: dict[str, str] = {}
    if hard:
        for statement in hard.split(","):
            parts = statement.split("=")
            if len(parts) != 2:
                raise KubectlError(f"Invalid argument syntax {statement}, expected <resource>=<value>")
            resources[parts[0]] = _quantity(parts[1])
    scope_list = []
    if scopes:
        for scope in scopes.split(","):
            if not scope.strip():
                raise KubectlError('invalid resource quota scope ""')
            scope_list.append(scope.strip())
    spec: dict = {}
    if resources:
        spec["hard"] = _sorted(resources)
    if scope_list:
        spec["scopes"] = scope_list
    return {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": _meta(name, ns), "spec": spec, "status": {}}


def _quantity(text: str) -> str:
    """resource.ParseQuantity, kept as written when already canonical enough for the common cases."""
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?", text):
        raise KubectlError("quantities must match the regular expression "
                           "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    return text


# --- apps, batch -----------------------------------------------------------------------------------------------

def _sanitize(name: str) -> str:
    if "_" in name or "." in name:
        name = name.replace("_", "-").replace(".", "-")
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        name = f"{name}-{''.join(secrets.choice(alphabet) for _ in range(5))}"
    return name


def _container(name: str, image: str, command=(), ports: list | None = None) -> dict:
    container: dict = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    if ports:
        container["ports"] = ports
    container["resources"] = {}
    return container


def deployment(name: str, ns: str = "", *, images=(), replicas: int = 1, port: int = -1, command=()) -> dict:
    if len(images) > 1 and command:
        raise KubectlError("cannot specify multiple --image options and command")
    containers = []
    for index, image in enumerate(images):
        short = image.split("/")[-1].split(":")[0].split("@")[0]
        ports = [{"containerPort": port}] if port >= 0 and index == 0 else None
        containers.append(_container(_sanitize(short), image, command, ports))
    labels = {"app": name}
    return {"kind": "Deployment", "apiVersion": "apps/v1", "metadata": _meta(name, ns, labels=labels),
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"creationTimestamp": None, "labels": labels},
                                  "spec": {"containers": containers}},
                     "strategy": {}},
            "status": {}}


def job(name: str, ns: str = "", *, image: str, command=()) -> dict:
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": _meta(name, ns),
            "spec": {"template": {"metadata": {"creationTimestamp": None},
                                  "spec": {"containers": [_container(name, image, command)],
                                           "restartPolicy": "Never"}}},
            "status": {}}


def job_from_cronjob(name: str, ns: str, cronjob: dict) -> dict:
    template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    template_meta = template.get("metadata") or {}
    annotations = _sorted({"cronjob.kubernetes.io/instantiate": "manual", **(template_meta.get("annotations") or {})})
    meta: dict = {"name": name}
    if ns:
        meta["namespace"] = ns
    meta["creationTimestamp"] = None
    if template_meta.get("labels"):
        meta["labels"] = _sorted(template_meta["labels"])
    meta["annotations"] = annotations
    cron_meta = cronjob.get("metadata") or {}
    meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cron_meta.get("name", ""),
                                "uid": cron_meta.get("uid", ""), "controller": True}]
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta, "spec": template.get("spec") or {},
            "status": {}}


def cronjob(name: str, ns: str = "", *, image: str, schedule: str, restart: str = "", command=()) -> dict:
    return {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": _meta(name, ns),
            "spec": {"schedule": schedule,
                     "jobTemplate": {"metadata": {"name": name, "creationTimestamp": None},
                                     "spec": {"template": {"metadata": {"creationTimestamp": None},
                                                           "spec": {"containers": [_container(name, image, command)],
                                                                    "restartPolicy": restart or "OnFailure"}}}}},
            "status": {}}


# --- policy, scheduling ----------------------------------------------------------------------------------------

def pod_disruption_budget(name: str, ns: str = "", *, selector: str, min_available: str = "",
                          max_unavailable: str = "", match_labels: dict | None = None,
                          match_expressions: list | None = None) -> dict:
    def int_or_string(value: str):
        return int(value) if re.fullmatch(r"-?\d+", value) else value

    spec: dict = {}
    if min_available:
        spec["minAvailable"] = int_or_string(min_available)
    chosen: dict = {}
    if match_labels:
        chosen["matchLabels"] = _sorted(match_labels)
    if match_expressions:
        chosen["matchExpressions"] = match_expressions
    spec["selector"] = chosen
    if max_unavailable:
        spec["maxUnavailable"] = int_or_string(max_unavailable)
    return {"kind": "PodDisruptionBudget", "apiVersion": "policy/v1", "metadata": _meta(name, ns), "spec": spec,
            "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}


def priority_class(name: str, *, value: int = 0, global_default: bool = False, description: str = "",
                   preemption_policy: str = "PreemptLowerPriority") -> dict:
    obj: dict = {"kind": "PriorityClass", "apiVersion": "scheduling.k8s.io/v1", "metadata": _meta(name),
                 "value": value}
    if global_default:
        obj["globalDefault"] = True
    if description:
        obj["description"] = description
    obj["preemptionPolicy"] = preemption_policy
    return obj


# --- rbac ------------------------------------------------------------------------------------------------------

def _subjects(users=(), groups=(), service_accounts=()) -> list[dict]:
    subjects = [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": user} for user in users]
    subjects += [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group} for group in groups]
    for account in service_accounts:
        parts = account.split(":")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise KubectlError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "name": parts[1], "namespace": parts[0]})
    return subjects


def role_binding(name: str, ns: str = "", *, cluster_role: str = "", role: str = "", users=(), groups=(),
                 service_accounts=()) -> dict:
    if bool(cluster_role) == bool(role):
        raise KubectlError("exactly one of clusterrole or role must be specified")
    subjects = _subjects(users, groups, service_accounts)
    obj: dict = {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": _meta(name, ns)}
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole" if cluster_role else "Role",
                      "name": cluster_role or role}
    return obj


def cluster_role_binding(name: str, *, cluster_role: str, users=(), groups=(), service_accounts=()) -> dict:
    subjects = _subjects(users, groups, service_accounts)
    obj: dict = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": _meta(name)}
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": cluster_role}
    return obj



def label_selector(text: str) -> dict:
    """metav1.ParseToLabelSelector: equality terms become matchLabels, the others matchExpressions (terms sorted
    by key, as labels.Parse sorts them)."""
    terms = [t.strip() for t in re.split(r",(?![^()]*\))", text) if t.strip()]
    parsed = []
    for term in terms:
        match = re.fullmatch(r"(\S+?)\s+(in|notin)\s*\(([^)]*)\)", term)
        if match:
            values = sorted({v.strip() for v in match.group(3).split(",") if v.strip()})
            parsed.append((match.group(1), {"key": match.group(1), "operator": "In" if match.group(2) == "in"
                                            else "NotIn", "values": values}))
        elif "!=" in term:
            raise KubectlError('"!=" is not a valid label selector operator')
        elif "=" in term:
            key, value = (p.strip() for p in re.split(r"==?", term, maxsplit=1))
            parsed.append((key, value))
        elif term.startswith("!"):
            parsed.append((term[1:], {"key": term[1:], "operator": "DoesNotExist"}))
        else:
            parsed.append((term, {"key": term, "operator": "Exists"}))
    parsed.sort(key=lambda item: item[0])
    labels = {key: value for key, value in parsed if isinstance(value, str)}
    expressions = [value for _, value in parsed if isinstance(value, dict)]
    selector: dict = {}
    if labels:
        selector["matchLabels"] = _sorted(labels)
    if expressions:
        selector["matchExpressions"] = expressions
    return selector


def pdb(name: str, ns: str = "", *, selector: str = "", min_available: str = "", max_unavailable: str = "") -> dict:
    """create poddisruptionbudget's Validate and object."""
    if not selector:
        raise KubectlError("a selector must be specified")
    if not min_available and not max_unavailable:
        raise KubectlError("one of min-available or max-unavailable must be specified")
    if min_available and max_unavailable:
        raise KubectlError("min-available and max-unavailable cannot be both specified")
    if min_available and not re.fullmatch(r"[0-9]+%?", min_available):
        raise KubectlError("invalid format specified for min-available")
    if max_unavailable and not re.fullmatch(r"[0-9]+%?", max_unavailable):
        raise KubectlError("invalid format specified for max-unavailable")
    parsed = label_selector(selector)
    return pod_disruption_budget(name, ns, selector=selector, min_available=min_available,
                                 max_unavailable=max_unavailable, match_labels=parsed.get("matchLabels"),
                                 match_expressions=parsed.get("matchExpressions"))
