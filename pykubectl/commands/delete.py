"""kubectl delete: delete objects by name, -f, -l, --all or --field-selector, and wait until they are gone."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import FlagError, KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Delete resources by file names, stdin, resources and names, or by resources and label selector.\n\n JSON and YAML formats are accepted. Only one type of argument may be specified: file names, resources and names, or resources and label selector.\n\n Some resources, such as pods, support graceful deletion. These resources define a default period before they are forcibly terminated (the grace period) but you may override that value with the --grace-period flag, or pass --now to set a grace-period of 1. Because these resources often represent entities in the cluster, deletion may not be acknowledged immediately. If the node hosting a pod is down or cannot reach the API server, termination may take significantly longer than the grace period. To force delete a resource, you must specify the --force flag. Note: only a subset of resources support graceful deletion. In absence of the support, the --grace-period flag is ignored.\n\n IMPORTANT: Force deleting pods does not wait for confirmation that the pod\'s processes have been terminated, which can leave those processes running until the node detects the deletion and completes graceful deletion. If your processes use shared storage or talk to a remote API and depend on the name of the pod to identify themselves, force deleting those pods may result in multiple processes running on different machines using the same identification which may lead to data corruption or inconsistency. Only force delete pods when you are sure the pod is terminated, or if your application can tolerate multiple copies of the same pod running at once. Also, if you force delete pods, the scheduler may place new pods on those nodes before the node has released those resources and causing those pods to be evicted immediately.\n\n Note that the delete command does NOT do resource version checks, so if someone submits an update to a resource right when you submit a delete, their update will be lost along with the rest of the resource.\n\n After a CustomResourceDefinition is deleted, invalidation of discovery cache may take up to 6 hours. If you don\'t want to wait, you might want to run "kubectl api-resources" to refresh the discovery cache.'
EXAMPLES = '  # Delete a pod using the type and name specified in pod.json\n  kubectl delete -f ./pod.json\n  \n  # Delete resources from a directory containing kustomization.yaml - e.g. dir/kustomization.yaml\n  kubectl delete -k dir\n  \n  # Delete resources from all files that end with \'.json\'\n  kubectl delete -f \'*.json\'\n  \n  # Delete a pod based on the type and name in the JSON passed into stdin\n  cat pod.json | kubectl delete -f -\n  \n  # Delete pods and services with same names "baz" and "foo"\n  kubectl delete pod,service baz foo\n  \n  # Delete pods and services with label name=myLabel\n  kubectl delete pods,services -l name=myLabel\n  \n  # Delete a pod with minimal delay\n  kubectl delete pod foo --now\n  \n  # Force delete a pod on a dead node\n  kubectl delete pod foo --force\n  \n  # Delete all pods\n  kubectl delete pods --all\n  \n  # Delete all pods only if the user confirms the deletion\n  kubectl delete pods --all --interactive'
USAGE = '([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)]) [options]'



def _duration(*decls: str, help: str = ""):
    return pflag._decorate("string", decls, shown_default="0s", default="0s", help=help)


def _waiting_text(target) -> str:
    """The spinner's line on a terminal while delete waits for `target` to be gone."""
    return f"Waiting for {target.label} to be deleted…"


@dataclass(frozen=True)
class DeleteOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    field_selector: str = ""
    all: bool = False
    all_namespaces: bool = False
    ignore_not_found: bool | None = None
    cascade: str = "background"
    grace_period: int = -1
    now: bool = False
    force: bool = False
    wait: bool = True
    timeout: float = 0.0
    output: str = ""
    raw: str = ""
    interactive: bool = False
    dry_run: str = "none"

    @classmethod
    def from_flags(cls, params: dict) -> DeleteOptions:
        timeout_text = params.get("timeout") or "0s"
        return cls(
            args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
            recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
            selector=params.get("selector") or "", field_selector=params.get("field_selector") or "",
            all=bool(params.get("all")), all_namespaces=bool(params.get("all_namespaces")),
            ignore_not_found=params.get("ignore_not_found"),
            cascade=params.get("cascade") if params.get("cascade") is not None else "background",
            grace_period=params["grace_period"] if params.get("grace_period") is not None else -1,
            now=bool(params.get("now")), force=bool(params.get("force")), wait=params.get("wait") is not False,
            timeout=_parse_duration(timeout_text, "--timeout", "kubectl delete"),
            output=params.get("output") or "", raw=params.get("raw") or "",
            interactive=bool(params.get("interactive")),
            dry_run=params.get("dry_run") if params.get("dry_run") is not None else "none")

    def completed(self) -> DeleteOptions:
        """kubectl's Complete: --now, --force and a zero grace period normalised; --all/-l imply
        --ignore-not-found unless it was given."""
        import dataclasses

        grace = self.grace_period
        if self.now:
            if grace != -1:
                raise KubectlError("--now and --grace-period cannot be specified together")
            grace = 1
        if grace == 0 and not self.force:
            grace = 1
        if self.force and grace < 0:
            grace = 0
        ignore = self.ignore_not_found
        if ignore is None:
            ignore = bool(self.all or self.selector or self.field_selector)
        return dataclasses.replace(self, grace_period=grace, ignore_not_found=ignore)

    def validate(self) -> None:
        if self.output not in ("", "name"):
            raise KubectlError(f"unexpected -o output mode: {self.output}. We only support '-o name'")
        if self.all and self.selector:
            raise KubectlError("cannot set --all and --selector at the same time")
        if self.all and self.field_selector:
            raise KubectlError("cannot set --all and --field-selector at the same time")
        if self.grace_period > 0 and self.force:
            raise KubectlError("--force and --grace-period greater than 0 cannot be specified together")


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


def _parse_duration(text: str, flag: str, path: str) -> float:
    from pykubectl.client.transport import parse_go_duration

    try:
        return parse_go_duration(text) / 1e9
    except ValueError:
        raise FlagError(f'invalid argument "{text}" for "{flag}" flag: time: invalid duration "{text}"',
                        path) from None


@click.command("delete", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Delete all resources, in the namespace of the specified resource types.")
@pflag.boolean("-A", "--all-namespaces", help="If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
@pflag.string("--cascade", default="background", help="Must be \"background\", \"orphan\", or \"foreground\". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-selector", help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
@pflag.string_slice("-f", "--filename", help="containing the resource to delete.")
@pflag.boolean("--force", help="If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.")
@pflag.integer("--grace-period", default=-1, help="Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).")
@pflag.boolean("--ignore-not-found", default=None, shown_default="false", help="Treat \"resource not found\" as a successful delete. Defaults to \"true\" when --all is specified.")
@pflag.boolean("-i", "--interactive", help="If true, delete resource only when user confirms.")
@pflag.string("-k", "--kustomize", help="Process a kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--now", help="If true, resources are signaled for immediate shutdown (same as --grace-period=1).")
@pflag.string("-o", "--output", help="Output mode. Use \"-o name\" for shorter output (resource/name).")
@pflag.string("--raw", help="Raw URI to DELETE to the server.  Uses the transport specified by the kubeconfig file.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@_duration("--timeout", help="The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object")
@pflag.boolean("--wait", default=True, help="If true, wait for resources to be gone before returning. This waits for finalizers.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = DeleteOptions.from_flags(params)
    run(options, current_session())


def run(options: DeleteOptions, session) -> None:
    from pykubectl.resources.deleting import cascade_policy
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.selection import SelectionRequest, select

    namespace = session.namespace
    explicit = bool(session.overrides.namespace)
    options = options.completed()
    propagation = cascade_policy(options.cascade)
    dry_run = parse_dry_run(options.dry_run)
    if options.raw:  # Complete stops before the builder; Validate has the --raw checks
        from pykubectl.resources.dry_run import check_raw, raw_request

        options.validate()
        if options.interactive:
            raise KubectlError("--interactive can not be used with --raw")
        check_raw(options.raw, options.filenames, options.recursive, options.output)
        out = session.streams.out
        out.write(raw_request(session.client, "DELETE", options.raw, options.filenames[0] if options.filenames else "",
                              session.streams.stdin).decode("utf-8", "replace"))
        out.flush()
        return
    if options.all and options.selector.strip():
        # the builder sets the selector before --all here (get does it the other way round)
        raise KubectlError("setting 'all' parameter but found a non empty selector. ")
    request = SelectionRequest(args=options.args, filenames=options.filenames, kustomize=options.kustomize, recursive=options.recursive,
                               label_selector=options.selector, field_selector=options.field_selector,
                               all_namespaces=options.all_namespaces, select_all=options.all,
                               allow_empty_selector=False)
    selection = select(request, session.mapper, namespace, explicit and not options.all_namespaces,
                       stdin=session.streams.stdin,
                       warnings=session.streams.err)
    options.validate()
    if options.grace_period == 0 and options.force:
        session.client.warning_printer.handle(["Immediate deletion does not wait for confirmation that the running "
                                               "resource has been terminated. The resource may continue to run on "
                                               "the cluster indefinitely."])
    _Deleter(options, session, propagation, dry_run, explicit and not options.all_namespaces).run(selection)


class _Deleter:
    def __init__(self, options: DeleteOptions, session, propagation: str, dry_run: str, warn_cluster_scope: bool):
        self.options = options
        self.session = session
        self.propagation = propagation
        self.dry_run = dry_run
        self.warn_cluster_scope = warn_cluster_scope

    def _objects(self, selection):
        """(target, name) for every object the selection names, with kubectl's continue-on-error split:
        list and manifest errors come last."""
        from pykubectl.resources.fetching import Fetcher, items_of
        from pykubectl.resources.selection import Target

        fetcher = Fetcher(self.session.client, ignore_not_found=self.options.ignore_not_found)
        for item in selection.items:
            members = item if isinstance(item, list) else [item]
            for member in members:
                if not isinstance(member, Target):
                    fetcher.add_error(member)
                elif member.name:
                    yield member, member.name
                else:
                    for fetched in fetcher.fetch(member):
                        for obj in items_of(fetched.obj):
                            name = str((obj.get("metadata") or {}).get("name") or "")
                            namespace = str((obj.get("metadata") or {}).get("namespace") or "")
                            yield Target(member.type, namespace if member.type.namespaced else "", name), name
        self.visit_errors = fetcher.errors

    def run(self, selection) -> None:
        from pykubectl.resources.deleting import Gone, delete_body, delete_object, uid_of, wait_for_deletion
        from pykubectl.resources.dry_run import with_source
        from pykubectl.resources.fetching import is_not_found

        options = self.options
        out = self.session.streams.out
        targets = list(self._objects(selection))
        if options.interactive:
            if not targets:
                out.write("No resources found\n")
                return
            if not self._confirm(targets):
                out.write("deletion is cancelled\n")
                return
        errors: list[Exception] = []
        gone: list[Gone] = []
        found = 0
        warn = self.warn_cluster_scope
        body = delete_body(options.grace_period, self.propagation, self.dry_run == "server")
        for target, name in targets:
            found += 1
            if warn and not target.type.namespaced:
                self.session.client.warning_printer.handle(
                    ["deleting cluster-scoped resources, not scoped to the provided namespace"])
                warn = False
            if self.dry_run == "client":
                self._print(target, name)
                continue
            try:
                answer = delete_object(self.session.client, target.type.object_path(name, target.namespace or None),
                                       body)
            except KubectlError as exc:
                if options.ignore_not_found and is_not_found(exc):
                    found -= 1
                    continue
                errors.append(with_source("deleting", target.manifest.source if target.manifest else "", exc))
                continue
            self._print(target, name)
            gone.append(Gone(target.type.collection_path(target.namespace or None), name, uid_of(answer),
                             f"{target.type.plural}/{name}"))
        errors += self.visit_errors
        if errors:
            from pykubectl.resources.dry_run import collected_error

            raise collected_error(errors)
        if found == 0:
            out.write("No resources found\n")
            return
        if not options.wait or self.dry_run != "none":
            return
        from pykubectl.printing import progress

        if not gone:
            return
        client = self.session.client
        with (progress.spinner(self.session.streams, _waiting_text(gone[0])) as spin,
              spin.routing(getattr(client, "warning_printer", None), "out")):
            wait_for_deletion(client, gone, options.timeout,
                              on_wait=lambda target: spin.update(_waiting_text(target)))

    def _kind(self, target) -> str:
        kind = target.type.kind.lower()
        return f"{kind}.{target.type.group}" if target.type.group else kind

    def _print(self, target, name: str) -> None:
        from pykubectl.resources.dry_run import dry_run_suffix

        out = self.session.streams.out
        if self.options.output == "name":
            out.write(f"{self._kind(target)}/{name}\n")
        else:
            operation = "force deleted" if self.options.grace_period == 0 else "deleted"
            out.write(f'{self._kind(target)} "{name}" {operation}{dry_run_suffix(self.dry_run)}\n')
        out.flush()

    def _confirm(self, targets) -> bool:
        streams = self.session.streams
        out = streams.out
        out.write(f"You are about to delete the following {len(targets)} resource(s):\n")
        for target, name in targets:
            out.write(f"{self._kind(target)}/{name}\n")
        out.write("Do you want to continue? (y/n): ")
        out.flush()
        line = streams.stdin.readline()
        words = line.split()
        return len(words) == 1 and words[0].lower() == "y"
