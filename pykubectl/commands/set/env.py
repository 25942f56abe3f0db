"""kubectl set env: environment variables of pod templates (KEY=VALUE, KEY-, -e, --from, --list)."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Update environment variables on a pod template.\n\n List environment variable definitions in one or more pods, pod templates. Add, update, or remove container environment variable definitions in one or more pod templates (within replication controllers or deployment configurations). View or modify the environment variable definitions on all containers in the specified pods or pod templates, or just those that match a wildcard.\n\n If "--env -" is passed, environment variables can be read from STDIN using the standard env syntax.\n\n Possible resources include (case insensitive):\n\n        pod (po), replicationcontroller (rc), deployment (deploy), daemonset (ds), statefulset (sts), cronjob (cj), replicaset (rs)'
EXAMPLES = '  # Update deployment \'registry\' with a new environment variable\n  kubectl set env deployment/registry STORAGE_DIR=/local\n  \n  # List the environment variables defined on a deployments \'sample-build\'\n  kubectl set env deployment/sample-build --list\n  \n  # List the environment variables defined on all pods\n  kubectl set env pods --all --list\n  \n  # Output modified deployment in YAML, and does not alter the object on the server\n  kubectl set env deployment/sample-build STORAGE_DIR=/data -o yaml\n  \n  # Update all containers in all replication controllers in the project to have ENV=prod\n  kubectl set env rc --all ENV=prod\n  \n  # Import environment from a secret\n  kubectl set env --from=secret/mysecret deployment/myapp\n  \n  # Import environment from a config map with a prefix\n  kubectl set env --from=configmap/myconfigmap --prefix=MYSQL_ deployment/myapp\n  \n  # Import specific keys from a config map\n  kubectl set env --keys=my-example-key --from=configmap/myconfigmap deployment/myapp\n  \n  # Remove the environment variable ENV from container \'c1\' in all deployment configs\n  kubectl set env deployments --all --containers="c1" ENV-\n  \n  # Remove the environment variable ENV from a deployment definition on disk and\n  # update the deployment config on the server\n  kubectl set env -f deploy.json ENV-\n  \n  # Set some of the local shell environment into a deployment config on the server\n  env | grep RAILS_ | kubectl set env -e - deployment/registry'
USAGE = 'RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N [options]'


@click.command("env", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help='If true, select all resources in the namespace of the specified resource types')
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("-c", "--containers", default='*', help='The names of containers in the selected pod templates to change - may use wildcards')
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string_array("-e", "--env", help='Specify a key-value pair for an environment variable to set into each container.')
@pflag.string("--field-manager", default='kubectl-set', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files the resource to update the env')
@pflag.string("--from", help='The name of a resource from which to inject environment variables')
@pflag.string_slice("--keys", help='Comma-separated list of keys to import from specified resource')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--list", help='If true, display the environment and any changes in the standard format. this flag will removed when we have kubectl view env.')
@pflag.boolean("--local", help='If true, set env will NOT contact api-server but run locally.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("--overwrite", default=True, help='If true, allow environment to be overwritten, otherwise reject updates that overwrite existing environment.')
@pflag.string("--prefix", help='Prefix to append to variable names')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.boolean("--resolve", help='If true, show secret or configmap references when listing variables')
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


_ENV_NAME_HELP = ("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or "
                  "'.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
                  "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")


def _parse_env(specs, stdin) -> tuple[list[dict], list[str]]:
    """envutil.ParseEnv: KEY=VALUE, KEY- and `-` (KEY=VALUE lines from stdin)."""
    from pykubectl.resources.pod_spec import env_name_valid

    env: list[dict] = []
    remove: list[str] = []
    for spec in specs:
        if "=" in spec:
            name, _, value = spec.partition("=")
            if not env_name_valid(name):
                raise KubectlError(f'"{name}" is not a valid key name: {_ENV_NAME_HELP}')
            env.append({"name": name, "value": value})
        elif spec == "-":
            for line in stdin.read().splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                name, found, value = line.partition("=")
                if not found:
                    raise KubectlError(f"invalid environment variable: {line}")
                env.append({"name": name, "value": value})
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise KubectlError(f"unknown environment variable: {spec}")
    return env, remove


def _env_name(key: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in key).upper()


def run(params: dict, session) -> None:
    from pykubectl.commands.set._common import SetCommon, collect, make_printer, patch_all, validate
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.patches import split_resources_and_pairs

    common = SetCommon.from_flags(params)
    listing = bool(params.get("list"))
    if listing and common.output:
        raise KubectlError("--list and --output may not be specified together")
    dry_run = parse_dry_run(common.dry_run)
    make_printer(common, dry_run, "env updated")
    resources, pairs = split_resources_and_pairs(tuple(params.get("args") or ()), "env")
    containers = params.get("containers") if params.get("containers") is not None else "*"
    problems = []
    if not resources and not common.filenames and not common.kustomize:
        problems.append("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if common.local and dry_run == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    if params.get("keys") and not params.get("from"):
        problems.append("when specifying --keys, a configmap or secret must be provided with --from")
    validate(problems)
    env, remove = _parse_env(list(params.get("env") or ()) + pairs, session.streams.stdin)
    if params.get("from"):
        env += _from_resource(session, common, params)
    infos = collect(session, common, tuple(resources))
    if listing:
        _list(session, infos, containers, bool(params.get("resolve")))
        return
    overwrite = params.get("overwrite") is not False
    err = session.streams.err

    def mutate(target, obj: dict) -> None:
        from pykubectl.commands.set._common import pod_spec_or_error
        from pykubectl.resources.pod_spec import select_containers

        spec = pod_spec_or_error(obj)
        matched = (select_containers(spec.get("initContainers") or [], containers)[0]
                   + select_containers(spec.get("containers") or [], containers)[0])
        if not matched:
            name = (obj.get("metadata") or {}).get("name", "")
            err.write(f'Warning: {obj.get("kind", "")}/{name} does not have any containers matching '
                      f'"{containers}"\n')
            return
        for container in matched:
            current = container.get("env") or []
            if not overwrite:
                for new in env:
                    for old in current:
                        if old.get("name") == new["name"] and old != new:
                            raise KubectlError(f"'{new['name']}' already has a value ({old.get('value', '')}), "
                                               "and --overwrite is false")
            updated = _update_env(current, env, remove)
            if updated:
                container["env"] = updated
            else:
                container.pop("env", None)

    patch_all(session, common, infos, mutate, dry_run, "env updated", "failed to patch env update to pod template: ")


def _update_env(existing: list, env: list, remove: list[str]) -> list:
    """updateEnv: set in place by name, append the new ones, drop the removed."""
    out = []
    added = set()
    for item in existing:
        name = item.get("name")
        if name in remove:
            continue
        replacement = next((e for e in env if e["name"] == name), None)
        if replacement is not None:
            out.append(replacement)
            added.add(name)
        else:
            out.append(item)
    for item in env:
        if item["name"] not in added and item["name"] not in remove:
            added.add(item["name"])
            out.append(item)
    return out


def _from_resource(session, common, params) -> list[dict]:
    """--from=configmap/NAME|secret/NAME: one valueFrom reference per key (--keys filters, --prefix prefixes)."""
    from pykubectl.commands.set._common import collect

    keys = [k for chunk in params.get("keys") or () for k in (chunk if isinstance(chunk, list | tuple) else [chunk])]
    prefix = params.get("prefix") or ""
    from_common = type(common)(local=False)
    env: list[dict] = []
    for _target, obj in collect(session, from_common, (params["from"],)):
        kind = obj.get("kind")
        name = (obj.get("metadata") or {}).get("name", "")
        if kind == "ConfigMap":
            names = sorted(set(obj.get("data") or {}) | set(obj.get("binaryData") or {}))
            ref = "configMapKeyRef"
        elif kind == "Secret":
            names = sorted(obj.get("data") or {})
            ref = "secretKeyRef"
        else:
            continue
        for key in names:
            if keys and key not in keys:
                continue
            env_name = _env_name(key)
            if env_name != key:
                session.streams.err.write(f"Warning: key {key} transferred to {env_name}\n")
            env.append({"name": prefix + env_name, "valueFrom": {ref: {"name": name, "key": key}}})
    return env


def _list(session, infos, containers: str, resolve: bool) -> None:
    from pykubectl.commands.set._common import pod_spec_or_error
    from pykubectl.resources.pod_spec import select_containers

    out = session.streams.out
    cache: dict = {}
    for _target, obj in infos:
        spec = pod_spec_or_error(obj)
        matched = (select_containers(spec.get("containers") or [], containers)[0]
                   + select_containers(spec.get("initContainers") or [], containers)[0])
        name = (obj.get("metadata") or {}).get("name", "")
        namespace = (obj.get("metadata") or {}).get("namespace") or "default"
        for container in matched:
            out.write(f"# {obj.get('kind', '')} {name}, container {container.get('name', '')}\n")
            for env in container.get("env") or ():
                source = env.get("valueFrom")
                if not source:
                    out.write(f"{env.get('name')}={env.get('value', '')}\n")
                    continue
                if resolve:
                    value = _resolve(session, namespace, source, cache, obj)
                    if value is not None:
                        out.write(f"{env.get('name')}={value}\n")
                        continue
                if source.get("configMapKeyRef"):
                    ref = source["configMapKeyRef"]
                    out.write(f"# {env.get('name')} from configmap {ref.get('name')}, key {ref.get('key')}\n")
                elif source.get("secretKeyRef"):
                    ref = source["secretKeyRef"]
                    out.write(f"# {env.get('name')} from secret {ref.get('name')}, key {ref.get('key')}\n")
                elif source.get("fieldRef"):
                    out.write(f"# {env.get('name')} from field path {source['fieldRef'].get('fieldPath')}\n")
                elif source.get("resourceFieldRef"):
                    out.write(f"# {env.get('name')} from resource {source['resourceFieldRef'].get('resource')}\n")
    out.flush()


def _resolve(session, namespace: str, source: dict, cache: dict, obj: dict):
    import base64

    field = (source.get("fieldRef") or {}).get("fieldPath")
    if field:
        node = obj
        for part in str(field).split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return None if node is None or isinstance(node, dict | list) else str(node)

    for ref_key, plural in (("configMapKeyRef", "configmaps"), ("secretKeyRef", "secrets")):
        ref = source.get(ref_key)
        if not ref:
            continue
        path = f"/api/v1/namespaces/{namespace}/{plural}/{ref.get('name')}"
        if path not in cache:
            cache[path] = session.client.get_json(path)
        data = cache[path].get("data") or {}
        value = data.get(ref.get("key"))
        if value is None:
            return None
        return base64.b64decode(value).decode("utf-8", "replace") if plural == "secrets" else value
    return None
