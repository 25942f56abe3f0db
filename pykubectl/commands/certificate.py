"""kubectl certificate approve|deny: add the Approved or Denied condition to CertificateSigningRequests
through their /approval subresource (kubectl pkg/cmd/certificates/certificates.go)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import AggregateError, KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand, KubectlGroup
from pykubectl.flags.global_flags import current_session, current_streams

CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
CSR_GROUP_KIND = ("certificates.k8s.io", "CertificateSigningRequest")
MAX_CONFLICT_RETRIES = 10

GROUP_HELP = "Modify certificate resources."
APPROVE_HELP = (
    "Approve a certificate signing request.\n\n"
    " kubectl certificate approve allows a cluster admin to approve a certificate signing request (CSR). This "
    "action tells a certificate signing controller to issue a certificate to the requester with the attributes "
    "requested in the CSR.\n\n"
    " SECURITY NOTICE: Depending on the requested attributes, the issued certificate can potentially grant a "
    "requester access to cluster resources or to authenticate as a requested identity. Before approving a CSR, "
    "ensure you understand what the signed certificate can do."
)
DENY_HELP = (
    "Deny a certificate signing request.\n\n"
    " kubectl certificate deny allows a cluster admin to deny a certificate signing request (CSR). This action "
    "tells a certificate signing controller to not to issue a certificate to the requester."
)
TEMPLATE_HELP = ("Template string or path to template file to use when -o=go-template, -o=go-template-file. The "
                 "template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")


@dataclass(frozen=True)
class CertificateOptions:
    """One approve or deny run: `condition` is added unless `conflicting` is already there."""

    condition: str
    conflicting: str
    reason: str
    message: str
    operation: str  # "approved" / "denied": what the name printer appends
    names: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    force: bool = False
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict, approve: bool) -> CertificateOptions:
        if approve:
            verb = dict(condition="Approved", conflicting="Denied", reason="KubectlApprove",
                        message="This CSR was approved by kubectl certificate approve.", operation="approved")
        else:
            verb = dict(condition="Denied", conflicting="Approved", reason="KubectlDeny",
                        message="This CSR was denied by kubectl certificate deny.", operation="denied")
        filenames = tuple(v for chunk in params.get("filename") or ()
                          for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))
        return cls(**verb, names=tuple(params.get("args") or ()), filenames=filenames,
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   force=bool(params.get("force")), output=params.get("output") or "",
                   template=params.get("template") or "",
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")))

    def validate(self) -> None:
        if not self.names and not self.filenames and not self.kustomize:
            raise KubectlError("one or more CSRs must be specified as <name> or -f <filename>")


def _leaf(name: str, help_text: str, example: str, force_help: str, approve: bool):
    @click.command(name, cls=KubectlCommand, help=help_text, examples=example, usage="(-f FILENAME | NAME) [options]")
    @pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates "
                   "when a field or map key is missing in the template. Only applies to golang and jsonpath output "
                   "formats.")
    @pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to "
                        "update")
    @pflag.boolean("--force", help=force_help)
    @pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together "
                  "with -f or -R.")
    @pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, "
                  "template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
    @pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when "
                   "you want to manage related manifests organized within the same directory.")
    @pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or "
                   "YAML format.")
    @pflag.string("--template", help=TEMPLATE_HELP)
    @click.argument("args", nargs=-1)
    def leaf(**params) -> None:
        options = CertificateOptions.from_flags(params, approve)
        session = current_session()
        run(options, session)

    return leaf


approve_command = _leaf("approve", APPROVE_HELP, "  # Approve CSR 'csr-sqgzp'\n  kubectl certificate approve csr-sqgzp",
                        "Update the CSR even if it is already approved.", approve=True)
deny_command = _leaf("deny", DENY_HELP, "  # Deny CSR 'csr-sqgzp'\n  kubectl certificate deny csr-sqgzp",
                     "Update the CSR even if it is already denied.", approve=False)

_SUBCOMMANDS = {"approve": approve_command, "deny": deny_command}
_SHORT = {"approve": "Approve a certificate signing request", "deny": "Deny a certificate signing request"}


class _CertificateGroup(KubectlGroup):
    def list_commands(self, ctx):
        return list(_SUBCOMMANDS)

    def get_command(self, ctx, name):
        command = _SUBCOMMANDS.get(name)
        if command is not None:
            command.short_help = _SHORT[name]
        return command

    def resolve_command(self, ctx, args):
        if args and args[0] not in _SUBCOMMANDS:
            # no Args check on `certificate`: an unknown word just runs it, which prints the help (its flags
            # are still parsed: only global ones are known)
            from pykubectl.flags.global_flags import global_specs
            from pykubectl.flags.pflag import scan

            ctx.find_root().obj.absorb(scan(list(args[1:]), [], global_specs(), ctx.command_path).extracted)
            group = self

            def show_help() -> None:
                current_streams().out.write(group.get_help(ctx) + "\n")

            return args[0], click.Command(args[0], callback=show_help, add_help_option=False,
                                          context_settings={"ignore_unknown_options": True}), []
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if "Missing command" not in str(exc):
                raise
        # `Run: cmd.Help()`: the help on stdout, exit 0
        current_streams().out.write(self.get_help(ctx) + "\n")

    def format_help(self, ctx, formatter):
        rows = "".join(f"  {name.ljust(14)}{short}\n" for name, short in _SHORT.items())
        formatter.write(f"{GROUP_HELP}\n\nAvailable Commands:\n{rows}\nUsage:\n  kubectl certificate SUBCOMMAND "
                        '[options]\n\nUse "kubectl certificate <command> --help" for more information about a given '
                        'command.\nUse "kubectl options" for a list of global command-line options (applies to all '
                        "commands).\n")


command = _CertificateGroup("certificate", help=GROUP_HELP, no_args_is_help=False)


# ---------------------------------------------------------------------------------------------------
# running


def run(options: CertificateOptions, session) -> None:
    from pykubectl.resources.fetching import Fetcher, items_of
    from pykubectl.resources.selection import SelectionRequest, Target, select

    printer = _printer(options)
    options.validate()
    if options.names and (options.filenames or options.kustomize):
        if options.filenames:
            from pykubectl.resources.manifests import check_paths

            check_paths(options.filenames, options.recursive)
        raise KubectlError("resource/name arguments cannot be provided when a path is specified")
    # Builder.ResourceNames: TYPE/NAME stays as it is, a bare NAME is a CSR
    args = tuple(name if "/" in name else f"certificatesigningrequests/{name}" for name in options.names)
    request = SelectionRequest(args=args, filenames=options.filenames, kustomize=options.kustomize,
                               recursive=options.recursive, latest=True)
    selection = select(request, session.mapper, session.namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin, warnings=session.streams.err)
    client = session.client
    fetcher = Fetcher(client)
    errors: list[Exception] = []  # ContinueOnError: every failure, in visit order
    found = 0
    out = session.streams.out
    items = [t for item in selection.items for t in (item if isinstance(item, list) else [item])]
    for item in items:
        if not isinstance(item, Target):
            fetcher.add_error(item, errors)
            continue
        if item.type.namespaced:
            # the builder is given no namespace: a namespaced TYPE/NAME cannot be read, nor a manifest without one
            if item.manifest is None:
                errors.append(KubectlError("namespace may not be empty when retrieving a resource by name"))
                continue
            if not ((item.manifest.obj.get("metadata") or {}).get("namespace")):
                gvr = f"{item.type.group}/{item.type.version}, Resource={item.type.plural}"
                errors.append(KubectlError(f'no namespace set on resource {gvr} "{item.name}"'))
                continue
        for fetched in fetcher.fetch(item, errors):
            for obj in items_of(fetched.obj):
                target = Target(fetched.target.type, "", str((obj.get("metadata") or {}).get("name") or ""))
                try:
                    obj = _modify(client, target, obj, options)
                except KubectlError as exc:
                    errors.append(exc)
                    continue
                found += 1
                out.write(printer(obj))
                out.flush()
    if errors:
        raise errors[0] if len(errors) == 1 else AggregateError(errors)
    if found == 0:
        out.write("No resources found\n")


def _modify(client, target, obj: dict, options: CertificateOptions) -> dict:
    """modifyCertificateCondition for one object; returns the object to print (the builder's copy)."""
    from pykubectl.errors import ApiError, NotFound

    for attempt in range(MAX_CONFLICT_RETRIES + 1):
        group = str(obj.get("apiVersion") or "").rpartition("/")[0]
        kind = str(obj.get("kind") or "")
        if (group, kind) != CSR_GROUP_KIND:
            got = f"{kind}.{group}" if group else kind
            raise KubectlError(f"can only handle CertificateSigningRequest.certificates.k8s.io objects, got {got}")
        name = str((obj.get("metadata") or {}).get("name") or "")
        try:
            csr = client.get_json(f"{CSR_PATH}/{name}", discovery=False)
        except NotFound as exc:
            raise KubectlError(f"could not find v1 version of {name}: {exc.message}") from None
        conditions = list((csr.get("status") or {}).get("conditions") or [])
        has_condition = False
        for condition in conditions:
            if condition.get("type") == options.conflicting:
                raise KubectlError(f'certificate signing request "{name}" is already {options.conflicting}')
            if condition.get("type") == options.condition:
                has_condition = True
        if has_condition and not options.force:
            return obj
        if not has_condition:
            conditions.append({"type": options.condition, "status": "True", "reason": options.reason,
                               "message": options.message, "lastUpdateTime": _now()})
            csr.setdefault("status", {})["conditions"] = conditions
        try:
            client.request_json("PUT", f"{CSR_PATH}/{name}/approval", json=csr)
        except ApiError as exc:
            if exc.reason == "Conflict" and attempt < MAX_CONFLICT_RETRIES:
                obj = client.get_json(target.type.object_path(name, None), discovery=False)  # info.Get()
                continue
            raise
        return obj
    return obj


def _now() -> str:
    import datetime

    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _printer(options: CertificateOptions):
    from pykubectl.printing.registry import object_printer
    from pykubectl.printing.structured import to_name

    if not options.output and not options.template:
        return lambda obj: to_name(obj, options.operation)
    return object_printer(options.output, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys,
                          show_managed_fields=options.show_managed_fields, yaml_separators=True)
