"""kubectl run: create a pod (and with --expose a ClusterIP service) from an image."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Create and run a particular image in a pod.'
EXAMPLES = '  # Start a nginx pod\n  kubectl run nginx --image=nginx\n  \n  # Start a hazelcast pod and let the container expose port 5701\n  kubectl run hazelcast --image=hazelcast/hazelcast --port=5701\n  \n  # Start a hazelcast pod and set environment variables "DNS_DOMAIN=cluster" and "POD_NAMESPACE=default" in the container\n  kubectl run hazelcast --image=hazelcast/hazelcast --env="DNS_DOMAIN=cluster" --env="POD_NAMESPACE=default"\n  \n  # Start a hazelcast pod and set labels "app=hazelcast" and "env=prod" in the container\n  kubectl run hazelcast --image=hazelcast/hazelcast --labels="app=hazelcast,env=prod"\n  \n  # Dry run; print the corresponding API objects without creating them\n  kubectl run nginx --image=nginx --dry-run=client\n  \n  # Start a nginx pod, but overload the spec with a partial set of values parsed from JSON\n  kubectl run nginx --image=nginx --overrides=\'{ "apiVersion": "v1", "spec": { ... } }\'\n  \n  # Start a busybox pod and keep it in the foreground, don\'t restart it if it exits\n  kubectl run -i -t busybox --image=busybox --restart=Never\n  \n  # Start the nginx pod using the default command, but use custom arguments (arg1 .. argN) for that command\n  kubectl run nginx --image=nginx -- <arg1> <arg2> ... <argN>\n  \n  # Start the nginx pod using a different command and custom arguments\n  kubectl run nginx --image=nginx --command -- <cmd> <arg1> ... <argN>'
USAGE = 'NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]'


@dataclass(frozen=True)
class RunOptions:
    args: tuple[str, ...] = ()
    image: str = ""
    image_pull_policy: str = ""
    labels: str = ""
    annotations: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    port: str = ""
    restart: str = "Always"
    command: bool = False
    expose: bool = False
    privileged: bool = False
    stdin: bool = False
    tty: bool = False
    attach: bool | None = None
    rm: bool = False
    leave_stdin_open: bool = False
    overrides: str = ""
    override_type: str = "merge"
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    dry_run: str = "none"
    field_manager: str = "kubectl-run"
    save_config: bool = False
    quiet: bool = False
    cascade: str = "background"
    pod_running_timeout: float = 60.0
    command_path: str = "kubectl run"

    @classmethod
    def from_flags(cls, params: dict) -> RunOptions:
        return cls(
            args=tuple(params.get("args") or ()), image=params.get("image") or "",
            image_pull_policy=params.get("image_pull_policy") or "", labels=params.get("labels") or "",
            annotations=tuple(params.get("annotations") or ()), env=tuple(params.get("env") or ()),
            port=params.get("port") or "",
            restart=params.get("restart") if params.get("restart") is not None else "Always",
            command=bool(params.get("command")), expose=bool(params.get("expose")),
            privileged=bool(params.get("privileged")), stdin=bool(params.get("stdin")), tty=bool(params.get("tty")),
            attach=params.get("attach"), rm=bool(params.get("rm")),
            leave_stdin_open=bool(params.get("leave_stdin_open")), overrides=params.get("overrides") or "",
            override_type=params.get("override_type") or "merge",
            output=params.get("output") or "", template=params.get("template") or "",
            allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
            show_managed_fields=bool(params.get("show_managed_fields")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none",
            field_manager=params.get("field_manager") or "kubectl-run",
            save_config=bool(params.get("save_config")), quiet=bool(params.get("quiet")),
            cascade=params.get("cascade") or "background",
            pod_running_timeout=float(params["pod_running_timeout"]
                                      if params.get("pod_running_timeout") is not None else 60.0),
            command_path=str(params.get("command_path") or "kubectl run"))


@click.command("run", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string_array("--annotations", help='Annotations to apply to the pod.')
@pflag.boolean("--attach", default=None, shown_default="false", help="If true, wait for the Pod to start running, and then attach to the Pod as if 'kubectl attach ...' were called.  Default false, unless '-i/--stdin' is set, in which case the default is true. With '--restart=Never' the exit code of the container process is returned.")
@pflag.string("--cascade", default='background', help='Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.')
@pflag.boolean("--command", help="If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default.")
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string_array("--env", help='Environment variables to set in the container.')
@pflag.boolean("--expose", help='If true, create a ClusterIP service associated with the pod.  Requires `--port`.')
@pflag.string("--field-manager", default='kubectl-run', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='to use to replace the resource.')
@pflag.boolean("--force", help='If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.')
@pflag.integer("--grace-period", default=-1, help='Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).')
@pflag.string("--image", help='The image for the container to run.')
@pflag.string("--image-pull-policy", help='The image pull policy for the container.  If left empty, this value will not be specified by the client and defaulted by the server.')
@pflag.string("-k", "--kustomize", help="Process a kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-l", "--labels", help='Comma separated labels to apply to the pod. Will override previous values.')
@pflag.boolean("--leave-stdin-open", help='If the pod is started in interactive mode or with stdin, leave stdin open after the first attach completes. By default, stdin will be closed after the first attach completes.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.string("--override-type", default='merge', help='The method used to override the generated object: json, merge, or strategic.')
@pflag.string("--overrides", help='An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.')
@bundles.pod_running_timeout
@pflag.string("--port", help='The port that this container exposes.')
@pflag.boolean("--privileged", help='If true, run the container in privileged mode.')
@pflag.boolean("-q", "--quiet", help='If true, suppress prompt messages.')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.string("--restart", default='Always', help='The restart policy for this Pod.  Legal values [Always, OnFailure, Never].')
@pflag.boolean("--rm", help="If true, delete the pod after it exits.  Only valid when attaching to the container, e.g. with '--attach' or with '-i/--stdin'.")
@pflag.boolean("--save-config", help='If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.')
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.boolean("-i", "--stdin", help='Keep stdin open on the container in the pod, even if nothing is attached.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@bundles.duration("--timeout", default=0.0, shown="0s", help="The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object")
@pflag.boolean("-t", "--tty", help='Allocate a TTY for the container in the pod.')
@pflag.boolean("--wait", help='If true, wait for resources to be gone before returning. This waits for finalizers.')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    if not params.get("image"):  # cobra's MarkFlagRequired
        raise UsageError('required flag(s) "image" not set', hint=False)
    params["command_path"] = click.get_current_context().command_path
    run(RunOptions.from_flags(params), current_session())


_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")


def run(options: RunOptions, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.pod_spec import env_name_valid, image_reference_valid

    path = "kubectl run"
    annotations = _parse_pairs(options.annotations, "annotations")
    labels = _parse_labels(options.labels)
    envs = []
    for item in options.env:
        name, found, value = item.partition("=")
        if not found or not name or not env_name_valid(name):
            raise KubectlError(f"invalid env: {item}")
        envs.append({"name": name, "value": value})
    if options.restart not in _RESTART_POLICIES:
        raise UsageError(f"invalid restart policy: {options.restart}", path)
    if options.image_pull_policy and options.image_pull_policy not in _PULL_POLICIES:
        raise UsageError(f"invalid image pull policy: {options.image_pull_policy}", path)
    attach = options.attach if options.attach is not None else options.stdin
    dry_run = parse_dry_run(options.dry_run)
    namespace = session.namespace
    printer = _printer(options, dry_run)
    if not options.args:
        raise UsageError("NAME is required for run", path)
    if options.pod_running_timeout <= 0:
        raise UsageError("--pod-running-timeout must be higher than zero", path)
    if not image_reference_valid(options.image):
        raise KubectlError(f'Invalid image name "{options.image}": invalid reference format')
    if options.tty and not options.stdin:
        raise UsageError("-i/--stdin is required for containers with -t/--tty=true", path)
    if options.expose and not options.port:
        raise UsageError("--port must be set when exposing a service", path)
    port = None
    if options.port:
        try:
            port = int(options.port, 10)
        except ValueError:
            raise KubectlError(f'strconv.Atoi: parsing "{options.port}": invalid syntax') from None
    if not attach and options.rm:
        raise UsageError("--rm should only be used for attached containers", path)
    if attach and dry_run != "none":
        raise UsageError("--dry-run=[server|client] can't be used with attached containers options "
                         "(--attach, --stdin, or --tty)", path)
    name = options.args[0]
    pod_labels = labels or {"run": name}
    pod = _pod(options, name, pod_labels, annotations, envs, port, list(options.args[1:]))
    pod = _override(pod, options)
    session.mapper.resource_for("pods")  # kubectl maps the kind through discovery before anything else
    created = [_create(session, "pods", pod, options, dry_run, namespace)]
    if options.expose:
        service = _service(name, labels, pod_labels, port)
        created.insert(0, _create(session, "services", service, options, dry_run, namespace))
    if attach:
        if options.expose:  # generateService prints the service as soon as it is made
            session.streams.out.write(printer(created[0]))
            if options.output == "yaml":
                session.streams.out.write("---\n")
            session.streams.out.flush()
        _attached(session, options, created[-1], created)
        return
    out = session.streams.out
    for index, obj in enumerate(created):
        if index and options.output.lower() == "yaml":
            out.write("---\n---\n")  # kubectl 1.32 prints both separators between the service and the pod
        out.write(printer(obj))
    out.flush()


def _attached(session, options: RunOptions, pod: dict, created: list[dict]) -> None:
    """RunOptions.Run's attach branch: wait until running, attach (or print the logs), then the exit code;
    with --rm the created objects are deleted on the way out whatever happened (kubectl's defer)."""
    try:
        _attach_and_wait(session, options, pod)
    finally:
        if options.rm:
            _remove(session, options, [created[-1], *created[:-1]])


def _attach_and_wait(session, options: RunOptions, pod: dict) -> None:
    from pykubectl.errors import PlainError
    from pykubectl.resources import debugging

    client, streams = session.client, session.streams
    metadata = pod.get("metadata") or {}
    namespace, name = metadata.get("namespace", ""), metadata.get("name", "")
    timeout = options.pod_running_timeout
    command_name = options.command_path.rsplit(" ", 1)[0] + " attach"
    try:
        current = debugging.wait_for_pod(client, namespace, name, timeout, debugging.running_and_ready)
        finished = False
    except debugging.PodCompleted:
        current = client.get_json(f"/api/v1/namespaces/{namespace}/pods/{name}", discovery=False)
        finished = True
    if finished:
        from pykubectl.resources.attachable import container_for

        container = container_for(current, "", options.quiet, streams.err)
        debugging.print_logs(client, streams.out, current, container.get("name", ""))
    else:
        debugging.attach_or_logs(client, streams, current, "", options.stdin, options.tty, options.quiet,
                                 command_name)
    restart = options.restart
    if options.leave_stdin_open or restart not in ("Never", "OnFailure"):
        return
    condition = debugging.succeeded if restart == "OnFailure" else debugging.completed
    done = debugging.wait_for_pod(client, namespace, name, timeout, condition)
    phase = (done.get("status") or {}).get("phase")
    if phase == "Succeeded":
        return
    if phase == "Failed":
        unknown = KubectlError(f"pod {namespace}/{name} failed with unknown exit code")
        statuses = (done.get("status") or {}).get("containerStatuses") or []
        terminated = ((statuses[0].get("state") or {}).get("terminated")) if statuses else None
        if not terminated or not terminated.get("exitCode"):
            raise unknown
        error = PlainError(f"pod {namespace}/{name} terminated ({terminated.get('reason', '')})\n"
                           f"{terminated.get('message', '')}")
        error.exit_code = int(terminated["exitCode"])
        raise error
    raise KubectlError(f"pod {namespace}/{name} left in phase {phase}")


def _remove(session, options: RunOptions, objects: list[dict]) -> None:
    """removeCreatedObjects: delete each one (not found is fine), `pod "x" deleted` unless quiet."""
    from pykubectl.errors import ApiError
    from pykubectl.resources.deleting import cascade_policy, delete_body, delete_object

    try:
        propagation = cascade_policy(options.cascade)
    except KubectlError:
        return
    for obj in objects:
        metadata = obj.get("metadata") or {}
        kind = obj.get("kind", "")
        resource = "services" if kind == "Service" else "pods"
        path = f"/api/v1/namespaces/{metadata.get('namespace', '')}/{resource}/{metadata.get('name', '')}"
        try:
            session.client.get_json(path, discovery=False)
            delete_object(session.client, path, delete_body(-1, propagation))
        except ApiError as exc:
            if exc.code == 404:  # DeleteResult found nothing: said even with -q
                session.streams.out.write("No resources found\n")
                continue
            return
        if not options.quiet:
            session.streams.out.write(f'{kind.lower()} "{metadata.get("name", "")}" deleted\n')
            session.streams.out.flush()


def _parse_pairs(items, what: str) -> dict:
    result = {}
    for item in items:
        key, found, value = item.partition("=")
        if not found or not key:
            raise KubectlError(f"invalid {what} format: {item}")
        result[key] = value
    return result


def _parse_labels(text: str) -> dict | None:
    if not text:
        return None
    labels = {}
    for spec in text.split(","):
        parts = spec.split("=")
        if len(parts) != 2:
            raise KubectlError(f"unexpected label spec: {spec}")
        if not parts[0]:
            raise KubectlError("unexpected empty label key")
        labels[parts[0]] = parts[1]
    return labels


def _pod(options: RunOptions, name: str, labels: dict, annotations: dict, envs: list, port, args: list) -> dict:
    """corev1.Pod as run builds it, keys in the struct's order (for -o json)."""
    metadata: dict = {"name": name, "creationTimestamp": None, "labels": dict(sorted(labels.items()))}
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    container: dict = {"name": name, "image": options.image}
    if args:
        container["command" if options.command else "args"] = args
    if port is not None:
        container["ports"] = [{"containerPort": port}]
    if envs:
        container["env"] = envs
    container["resources"] = {}
    if options.image_pull_policy:
        container["imagePullPolicy"] = options.image_pull_policy
    if options.privileged:
        container["securityContext"] = {"privileged": True}
    if options.stdin:
        container["stdin"] = True
        if not options.leave_stdin_open:
            container["stdinOnce"] = True
    if options.tty:
        container["tty"] = True
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata,
            "spec": {"containers": [container], "restartPolicy": options.restart, "dnsPolicy": "ClusterFirst"},
            "status": {}}


def _service(name: str, labels: dict | None, selector: dict, port: int) -> dict:
    metadata: dict = {"name": name, "creationTimestamp": None}
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    return {"kind": "Service", "apiVersion": "v1", "metadata": metadata,
            "spec": {"ports": [{"protocol": "TCP", "port": port, "targetPort": port}],
                     "selector": dict(sorted(selector.items()))},
            "status": {"loadBalancer": {}}}


def _override(pod: dict, options: RunOptions) -> dict:
    """cmdutil.Overrider: --overrides applied to the generated pod as a merge, strategic or JSON patch."""
    if not options.overrides:
        return pod
    import json

    from pykubectl.resources import patches

    kind = options.override_type.lower()
    try:
        patch = json.loads(options.overrides)
    except ValueError:
        if kind == "json":
            raise KubectlError("error decoding JSON patch: invalid character") from None
        raise KubectlError("Invalid JSON Patch") from None
    try:
        if kind == "json":
            return patches.apply_json_patch(pod, patch)
        if kind == "strategic":
            return patches.apply_strategic_merge_patch(pod, patch)
        if kind == "merge":
            return patches.apply_merge_patch(pod, patch)
    except patches.PatchError as exc:
        raise KubectlError(str(exc)) from None
    raise KubectlError(f"invalid override type: {options.override_type}")


def _create(session, resource: str, obj: dict, options: RunOptions, dry_run: str, namespace: str) -> dict:
    import json

    from pykubectl.resources.dry_run import with_typed_last_applied, write_params

    if dry_run == "client":
        if session.overrides.namespace:
            obj = {**obj, "metadata": {**obj["metadata"], "namespace": namespace}}
        return obj
    if options.save_config:
        obj = with_typed_last_applied(obj)
    body = {k: v for k, v in obj.items()}
    target = session.mapper.resource_for(resource)
    return session.client.request_json("POST", target.collection_path(namespace),
                                       write_params(options.field_manager, dry_run),
                                       content=json.dumps(body).encode(),
                                       headers={"Content-Type": "application/json"})


def _printer(options: RunOptions, dry_run: str):
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for
    from pykubectl.printing.structured import to_name
    from pykubectl.resources.dry_run import dry_run_suffix

    if not options.output and not options.template:
        return lambda obj: to_name(obj, "created" + dry_run_suffix(dry_run))
    printer = printer_for(options.output, allowed=GENERIC_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys, sort_keys=False)
    strip = options.output.lower() in ("json", "yaml") and not options.show_managed_fields

    def emit(obj):
        if strip and "managedFields" in (obj.get("metadata") or {}):
            obj = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}
        return printer(obj)

    return emit
