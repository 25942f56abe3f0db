"""kubectl auth reconcile: create or update RBAC roles and bindings from manifests, merging rules and subjects."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects.\n\n"
        " Missing objects are created, and the containing namespace is created for namespaced objects, if "
        "required.\n\n"
        " Existing roles are updated to include the permissions in the input objects, and remove extra permissions "
        "if --remove-extra-permissions is specified.\n\n"
        " Existing bindings are updated to include the subjects in the input objects, and remove extra subjects if "
        "--remove-extra-subjects is specified.\n\n"
        " This is preferred to 'apply' for RBAC resources so that semantically-aware merging of rules and subjects "
        "is done.")
EXAMPLES = "  # Reconcile RBAC resources from a file\n  kubectl auth reconcile -f my-rbac-rules.yaml"
RBAC = "rbac.authorization.k8s.io"
RBAC_PATH = f"/apis/{RBAC}/v1"
# kind → (plural, namespaced, is a role)
KINDS = {"Role": ("roles", True, True), "ClusterRole": ("clusterroles", False, True),
         "RoleBinding": ("rolebindings", True, False), "ClusterRoleBinding": ("clusterrolebindings", False, False)}
CONFLICT_STEPS = 3  # retry.RetryOnConflict with wait.Backoff{Steps: 3}


@dataclass(frozen=True)
class ReconcileOptions:
    filenames: tuple[str, ...]
    kustomize: str
    recursive: bool
    dry_run: str
    remove_extra_permissions: bool
    remove_extra_subjects: bool
    output: str
    template: str
    allow_missing_template_keys: bool
    show_managed_fields: bool
    args: tuple[str, ...] = ()

    @classmethod
    def from_flags(cls, params: dict) -> ReconcileOptions:
        filenames = tuple(v for chunk in params.get("filename") or ()
                          for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))
        return cls(filenames=filenames, kustomize=params["kustomize"] or "",
                   recursive=params["recursive"], dry_run=params["dry_run"],
                   remove_extra_permissions=params["remove_extra_permissions"],
                   remove_extra_subjects=params["remove_extra_subjects"], output=params["output"] or "",
                   template=params["template"] or "",
                   allow_missing_template_keys=params["allow_missing_template_keys"],
                   show_managed_fields=params["show_managed_fields"], args=tuple(params.get("args") or ()))


@click.command("reconcile", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="-f FILENAME [options]")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to reconcile.")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.boolean("--remove-extra-permissions", help="If true, removes extra permissions added to roles")
@pflag.boolean("--remove-extra-subjects", help="If true, removes extra subjects added to rolebindings")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(ReconcileOptions.from_flags(params), current_session())


def run(options: ReconcileOptions, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run

    if not options.filenames and not options.kustomize:
        raise KubectlError("must specify one of -f and -k")
    if options.args:
        raise KubectlError("no arguments are allowed")
    try:
        dry_run = parse_dry_run(options.dry_run)
    except KubectlError as exc:
        raise KubectlError(f"error accessing --dry-run flag for command reconcile: {exc}") from exc
    if dry_run == "server":
        raise KubectlError("--dry-run=server for command reconcile is not supported yet")
    namespace = session.namespace
    explicit_namespace = bool(session.overrides.namespace)
    manifests = _manifests(options, session)
    client = session.client
    printer = _printer(options, dry_run == "client")
    errors: list[Exception] = []
    for item in manifests:
        if isinstance(item, Exception):
            errors.append(item)
            continue
        try:
            _reconcile_one(item.obj, options, dry_run == "client", namespace if explicit_namespace else None,
                           client, printer, session.streams)
        except KubectlError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        from pykubectl.errors import AggregateError

        raise AggregateError(errors)


def _manifests(options: ReconcileOptions, session):
    from pykubectl.resources.manifests import expand_lists, read_kustomization, read_manifests

    if options.kustomize:
        return list(expand_lists(read_kustomization(options.kustomize, session.streams.err.write)))
    return list(expand_lists(read_manifests(options.filenames, options.recursive, session.streams.stdin)))


def _printer(options: ReconcileOptions, dry_run: bool):
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name

    if not options.output and not options.template:
        operation = "reconciled (dry run)" if dry_run else "reconciled"
        return lambda obj: to_name(obj, operation)
    return object_printer(options.output, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys,
                          show_managed_fields=options.show_managed_fields, sort_keys=False, yaml_separators=True)


_META_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
               "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
               "ownerReferences", "finalizers", "managedFields")
_TOP_ORDER = ("kind", "apiVersion", "metadata", "subjects", "roleRef", "rules", "aggregationRule")
_RULE_ORDER = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")
_SUBJECT_ORDER = ("kind", "apiGroup", "name", "namespace")
_ROLE_REF_ORDER = ("apiGroup", "kind", "name")


def _ordered(obj: dict, order: tuple[str, ...]) -> dict:
    return {key: obj[key] for key in order if key in obj and obj[key] not in (None, "", [], {})}


def typed(obj: dict) -> dict:
    """The object as kubectl holds it (a typed rbac/v1 struct): Go field order, empty fields gone, and
    metadata.creationTimestamp always present."""
    out = _ordered(obj, _TOP_ORDER)
    meta = _ordered(obj.get("metadata") or {}, _META_ORDER)
    meta.setdefault("creationTimestamp", None)
    out["metadata"] = {key: meta[key] for key in _META_ORDER if key in meta}
    if obj.get("kind") in ("Role", "ClusterRole"):  # `json:"rules"`, without omitempty
        out["rules"] = [_ordered(rule, _RULE_ORDER) for rule in obj.get("rules") or []] or None
    if "subjects" in out:
        out["subjects"] = [_ordered(subject, _SUBJECT_ORDER) for subject in out["subjects"]]
    if "roleRef" in obj:
        out["roleRef"] = _ordered(obj["roleRef"] or {}, _ROLE_REF_ORDER)
    return {key: out[key] for key in _TOP_ORDER if key in out}


def _reconcile_one(obj: dict, options: ReconcileOptions, dry_run: bool, enforced_namespace: str | None,
                   client, printer, streams) -> None:
    kind, api_version = str(obj.get("kind") or ""), str(obj.get("apiVersion") or "")
    group, _, version = api_version.rpartition("/")
    object_namespace = str((obj.get("metadata") or {}).get("namespace") or "")
    # Builder.Local(): no mapping, so an object counts as namespaced when it names a namespace
    if enforced_namespace is not None and object_namespace and object_namespace != enforced_namespace:
        from pykubectl.resources.selection import NamespaceMismatch

        raise NamespaceMismatch(
            f'the namespace from the provided object "{object_namespace}" does not match the namespace '
            f'"{enforced_namespace}". You must pass \'--namespace={object_namespace}\' to perform this operation.')
    if group != RBAC or kind not in KINDS:
        return  # anything else is skipped
    if version != "v1":
        raise KubectlError(f"only rbac.authorization.k8s.io/v1 is supported: not *{version}.{kind}")
    from pykubectl.resources import rbac

    plural, namespaced, is_role = KINDS[kind]
    target = _Target(client, plural, object_namespace if namespaced else "", namespaced)
    for attempt in range(CONFLICT_STEPS):
        try:
            if is_role:
                result = _run_role(target, obj, options.remove_extra_permissions, dry_run)
            else:
                result = _run_binding(target, obj, options.remove_extra_subjects, dry_run)
            break
        except _ConflictError as exc:
            if attempt == CONFLICT_STEPS - 1:
                raise exc.error from None
    streams.out.write(printer(typed(result.obj)))
    streams.out.flush()
    _report(result, options, streams.err, rbac)


class _ConflictError(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


@dataclass
class _Target:
    client: object
    plural: str
    namespace: str
    namespaced: bool

    def path(self, name: str = "") -> str:
        base = f"{RBAC_PATH}/namespaces/{self.namespace}/{self.plural}" if self.namespace else \
            f"{RBAC_PATH}/{self.plural}"
        return f"{base}/{name}" if name else base

    def get(self, name: str) -> dict | None:
        from pykubectl.errors import NotFound

        if not name:
            raise KubectlError("resource name may not be empty")
        try:
            return self.client.request_json("GET", self.path(name))
        except NotFound:
            return None

    def create(self, obj: dict) -> dict:
        if self.namespaced:
            self._ensure_namespace()
        return self.client.request_json("POST", self.path(), json=obj)

    def update(self, obj: dict) -> dict:
        from pykubectl.errors import Conflict

        try:
            return self.client.request_json("PUT", self.path(obj["metadata"]["name"]), json=obj)
        except Conflict as exc:
            raise _ConflictError(exc) from exc

    def delete(self, obj: dict) -> None:
        from pykubectl.errors import Conflict, NotFound

        meta = obj.get("metadata") or {}
        body = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": meta.get("uid")}}
        try:
            self.client.request_json("DELETE", self.path(meta.get("name", "")), json=body)
        except NotFound:
            pass
        except Conflict as exc:
            raise _ConflictError(exc) from exc

    def _ensure_namespace(self) -> None:
        """tryEnsureNamespace: get or create the namespace, ignoring NotFound/Forbidden/AlreadyExists."""
        from pykubectl.errors import ApiError, NotFound

        if not self.namespace:
            raise KubectlError("resource name may not be empty")
        try:
            self.client.request_json("GET", f"/api/v1/namespaces/{self.namespace}")
            return
        except NotFound:
            pass
        except ApiError as exc:
            if exc.reason != "Forbidden":
                raise
        try:
            self.client.request_json("POST", "/api/v1/namespaces", json={
                "kind": "Namespace", "apiVersion": "v1", "metadata": {"name": self.namespace}})
        except ApiError as exc:
            if exc.reason not in ("AlreadyExists", "Forbidden"):
                raise


def _run_role(target: _Target, expected: dict, remove_extra: bool, dry_run: bool, attempts: int = 0):
    from pykubectl.errors import ApiError
    from pykubectl.resources.rbac import CREATE, UPDATE, reconcile_role

    if attempts > 2:
        raise KubectlError("exceeded maximum attempts")
    existing = target.get((expected.get("metadata") or {}).get("name", ""))
    result = reconcile_role(existing, expected, remove_extra)
    if result.protected or dry_run:
        return result
    try:
        if result.operation == CREATE:
            result.obj = target.create(result.obj)
        elif result.operation == UPDATE:
            result.obj = target.update(result.obj)
    except ApiError as exc:
        if (result.operation == CREATE and exc.reason == "AlreadyExists") or \
                (result.operation == UPDATE and exc.reason == "NotFound"):
            return _run_role(target, expected, remove_extra, dry_run, attempts + 1)
        raise
    return result


def _run_binding(target: _Target, expected: dict, remove_extra: bool, dry_run: bool, attempts: int = 0):
    from pykubectl.errors import ApiError
    from pykubectl.resources.rbac import CREATE, RECREATE, UPDATE, reconcile_binding

    if attempts > 3:
        raise KubectlError("exceeded maximum attempts")
    existing = target.get((expected.get("metadata") or {}).get("name", ""))
    result = reconcile_binding(existing, expected, remove_extra)
    if result.protected or dry_run:
        return result
    try:
        if result.operation == RECREATE:
            try:
                target.delete(existing or {})
            except _ConflictError:
                return _run_binding(target, expected, remove_extra, dry_run, attempts + 1)
        if result.operation in (CREATE, RECREATE):
            result.obj = target.create(result.obj)
        elif result.operation == UPDATE:
            result.obj = target.update(result.obj)
    except ApiError as exc:
        if (result.operation in (CREATE, RECREATE) and exc.reason == "AlreadyExists") or \
                (result.operation == UPDATE and exc.reason == "NotFound"):
            return _run_binding(target, expected, remove_extra, dry_run, attempts + 1)
        raise
    return result


def _report(result, options: ReconcileOptions, err, rbac) -> None:
    """printResults: what reconciliation found, on stderr, tab-indented."""
    if result.operation == rbac.NONE:
        return
    caveat = ", but object opted out (rbac.authorization.kubernetes.io/autoupdate: false)" if result.protected else ""
    lines = [f"\treconciliation required {result.operation}{caveat}\n"]
    if result.missing_subjects:
        lines.append("\tmissing subjects added:\n")
        lines += [f"\t\t{rbac.go_subject(s)}\n" for s in result.missing_subjects]
    if options.remove_extra_subjects and result.extra_subjects:
        lines.append("\textra subjects removed:\n")
        lines += [f"\t\t{rbac.go_subject(s)}\n" for s in result.extra_subjects]
    if result.missing_rules:
        lines.append("\tmissing rules added:\n")
        lines += [f"\t\t{rbac.go_rule(r)}\n" for r in result.missing_rules]
    if options.remove_extra_permissions and result.extra_rules:
        lines.append("\textra rules removed:\n")
        lines += [f"\t\t{rbac.go_rule(r)}\n" for r in result.extra_rules]
    err.write("".join(lines))
    err.flush()
