"""kubectl diff: the live objects against what applying the manifests would make of them (server dry runs)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import DiffError as DiffFailed
from pykubectl.errors import DiffExitStatus as DiffExit
from pykubectl.errors import KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = ("Diff configurations specified by file name or stdin between the current online configuration, and the "
        "configuration as it would be if applied.\n\n The output is always YAML.\n\n KUBECTL_EXTERNAL_DIFF "
        "environment variable can be used to select your own diff command. Users can use external commands with "
        "params too, example: KUBECTL_EXTERNAL_DIFF=\"colordiff -N -u\"\n\n By default, the \"diff\" command "
        "available in your path will be run with the \"-u\" (unified diff) and \"-N\" (treat absent files as empty) "
        "options.\n\n Exit status: 0 No differences were found. 1 Differences were found. >1 Kubectl or diff "
        "failed with an error.\n\n Note: KUBECTL_EXTERNAL_DIFF, if used, is expected to follow that convention.")
EXAMPLES = ("  # Diff resources included in pod.json\n  kubectl diff -f pod.json\n  \n"
            "  # Diff file read from stdin\n  cat service.yaml | kubectl diff -f -")
USAGE = "-f FILENAME [options]"
MAX_RETRIES = 4
MASK, MASK_BEFORE, MASK_AFTER = "***", "*** (before)", "*** (after)"


@dataclass(frozen=True)
class DiffOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    server_side: bool = False
    force_conflicts: bool = False
    field_manager: str | None = None
    show_managed_fields: bool = False
    prune: bool = False
    prune_allowlist: tuple[str, ...] = ()

    @classmethod
    def from_flags(cls, params: dict) -> DiffOptions:
        return cls(args=tuple(params.get("args") or ()), filenames=_flat(params.get("filename")),
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "", server_side=bool(params.get("server_side")),
                   force_conflicts=bool(params.get("force_conflicts")), field_manager=params.get("field_manager"),
                   show_managed_fields=bool(params.get("show_managed_fields")), prune=bool(params.get("prune")),
                   prune_allowlist=_flat(params.get("prune_allowlist")))

    @property
    def manager(self) -> str:
        if self.field_manager is not None:
            return self.field_manager
        return "kubectl" if self.server_side else "kubectl-client-side-apply"

    def validate(self) -> None:
        if self.args:
            raise UsageError(f"Unexpected args: [{' '.join(self.args)}]", "kubectl diff")
        if not self.filenames and not self.kustomize:
            raise DiffFailed("must specify one of -f and -k")
        if self.force_conflicts and not self.server_side:
            raise DiffFailed("--force-conflicts only works with --server-side")


def _flat(values) -> tuple[str, ...]:
    return tuple(v for chunk in values or () for v in (chunk if isinstance(chunk, list | tuple) else [chunk]))


@click.command("diff", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.integer("--concurrency", default=1, help="Number of objects to process in parallel when diffing against the live version. Larger number = faster, but more memory, I/O and CPU over that shorter period of time.")
@pflag.string("--field-manager", default="kubectl-client-side-apply", help="Name of the manager used to track field ownership.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files contains the configuration to diff")
@pflag.boolean("--force-conflicts", help="If true, server-side apply will force the changes against conflicts.")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--prune", help="Include resources that would be deleted by pruning. Can be used with -l and default shows all resources would be pruned")
@pflag.string_array("--prune-allowlist", help="Overwrite the default allowlist with <group/version/kind> for --prune")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--server-side", help="If true, apply runs in the server instead of the client.")
@pflag.boolean("--show-managed-fields", help="If true, include managed fields in the diff.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    source = click.get_current_context().get_parameter_source("field_manager")
    if source is not None and source.name == "DEFAULT":
        params["field_manager"] = None
    options = DiffOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: DiffOptions, session) -> None:
    try:
        _run(options, session)
    except (DiffExit, DiffFailed):
        raise
    except UsageError:
        raise
    except KubectlError as exc:
        exc.exit_code = getattr(exc, "exit_code", 1) + 1
        raise


def _run(options: DiffOptions, session) -> None:
    import os
    import shutil
    import tempfile

    from pykubectl.resources.apply import Applier
    from pykubectl.resources.selection import SelectionRequest, Target, select

    namespace = session.namespace
    request = SelectionRequest(filenames=options.filenames, recursive=options.recursive,
                               kustomize=options.kustomize, label_selector=options.selector)
    selection = select(request, session.mapper, namespace, bool(session.overrides.namespace),
                       stdin=session.streams.stdin, warnings=session.streams.err)

    def warn(text: str) -> None:
        session.streams.err.write(text)
        session.streams.err.flush()

    applier = Applier(session.client, field_manager=options.manager, warn=warn)
    live_dir = tempfile.mkdtemp(prefix="LIVE-")
    merged_dir = tempfile.mkdtemp(prefix="MERGED-")
    try:
        visited: set[str] = set()
        for item in selection.items:
            for target in item if isinstance(item, list) else [item]:
                if not isinstance(target, Target):
                    raise target
                live, merged = _versions(applier, session, target, options)
                uid = (live or {}).get("metadata", {}).get("uid") if live else None
                if uid:
                    visited.add(uid)
                _write(live_dir, merged_dir, target, live, merged, options)
                if live and (live.get("metadata") or {}).get("deletionTimestamp"):
                    warn(f"Warning: Detected changes to resource {target.name} which is currently being deleted.\n")
        _diff(live_dir, merged_dir, session)
    finally:
        shutil.rmtree(live_dir, ignore_errors=True)
        shutil.rmtree(merged_dir, ignore_errors=True)
        del os


def _versions(applier, session, target, options: DiffOptions):
    from pykubectl.resources.fetching import is_not_found

    path = target.type.object_path(target.name, target.namespace or None)
    error: Exception | None = None
    for attempt in range(1, MAX_RETRIES + 1):
        try:
            live = session.client.get_json(path, discovery=False)
        except KubectlError as exc:
            if not is_not_found(exc):
                raise
            live = None
        try:
            merged = applier.merged(target, live, options.server_side, options.force_conflicts,
                                    lock=attempt != MAX_RETRIES)
            return live, merged
        except KubectlError as exc:
            if getattr(exc, "reason", "") != "Conflict":
                raise
            error = exc
    raise error


def _object_file(target) -> str:
    group = f"{target.type.group}." if target.type.group else ""
    return f"{group}{target.type.version}.{target.type.kind}.{target.namespace}.{target.name}"


def _write(live_dir: str, merged_dir: str, target, live, merged, options: DiffOptions) -> None:
    import copy
    import os

    from pykubectl.printing.structured import to_yaml

    versions = [copy.deepcopy(live) if live else None, copy.deepcopy(merged) if merged else None]
    if not options.show_managed_fields:
        for obj in versions:
            if obj:
                (obj.get("metadata") or {}).pop("managedFields", None)
    if target.type.version == "v1" and target.type.kind == "Secret":
        _mask(*versions)
    name = _object_file(target)
    for directory, obj in zip((live_dir, merged_dir), versions, strict=True):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
            if obj:
                handle.write(to_yaml(obj))


def _mask(before: dict | None, after: dict | None) -> None:
    """diff's Masker: secret values become asterisks, with (before)/(after) where they changed."""
    old = dict((before or {}).get("data") or {})
    new = dict((after or {}).get("data") or {})
    for key in list(old):
        if key in new:
            if old[key] != new[key]:
                old[key], new[key] = MASK_BEFORE, MASK_AFTER
                continue
            new[key] = MASK
        old[key] = MASK
    for key in new:
        if key not in old:
            new[key] = MASK
    if before is not None and before.get("data") is not None:
        before["data"] = old
    if after is not None and after.get("data") is not None:
        after["data"] = new


def _diff(live_dir: str, merged_dir: str, session) -> None:
    import os
    import re
    import subprocess

    external = os.environ.get("KUBECTL_EXTERNAL_DIFF", "")
    if external:
        parts = external.split(" ")
        program = parts[0]
        args = [live_dir, merged_dir] + [p for p in parts[1:] if re.fullmatch(r"[a-zA-Z0-9-=]+", p)]
    else:
        program, args = "diff", ["-u", "-N", live_dir, merged_dir]
    try:
        result = subprocess.run([program, *args], capture_output=True, check=False)
    except OSError as exc:
        raise DiffFailed(f'failed to run "{program}": exec: "{program}": executable file not found in $PATH'
                         if isinstance(exc, FileNotFoundError) else f'failed to run "{program}": {exc}') from None
    session.streams.out.write(result.stdout.decode("utf-8", "replace"))
    session.streams.out.flush()
    session.streams.err.write(result.stderr.decode("utf-8", "replace"))
    session.streams.err.flush()
    if result.returncode in (0, 1):
        if result.returncode == 1:
            raise DiffExit(1)
        return
    raise DiffFailed(f'failed to run "{program}": exit status {result.returncode}')
