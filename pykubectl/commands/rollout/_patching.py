"""pause, resume and restart: kubectl's CalculatePatches loop over the named objects."""

from __future__ import annotations

from collections.abc import Callable

from pykubectl.commands.rollout import _shared


def patch_each(options, session, make_patch: Callable[[dict], dict], done: str, skipped: str = "") -> None:
    """Patch every object with make_patch(obj) (a strategic merge patch); print `<kind>/<name> <done>`.

    A refusal (ObjectError) is collected as `error: deployments.apps "web" <reason>`; an empty refusal
    from pause/resume means "nothing to change" and prints `<skipped>` instead."""
    from pykubectl.errors import AggregateError, ApiError, KubectlError
    from pykubectl.resources.rollouts import ObjectError

    fetch_errors: list[Exception] = []
    errors: list[Exception] = []
    out = session.streams.out
    visited = list(_shared.visit(session, options.args, options.filenames, options.recursive, options.kustomize,
                                 options.selector, fetch_errors))
    errors.extend(fetch_errors)
    emit = _shared.printer(options.output, options.template, options.allow_missing_template_keys,
                           options.show_managed_fields, done)
    for rtype, obj in visited:
        metadata = obj.get("metadata") or {}
        name = str(metadata.get("name") or "")
        try:
            patch = make_patch(obj)
        except ObjectError as exc:
            if not str(exc):
                errors.append(KubectlError(
                    f"failed to create patch for {name}: if restart has already been triggered within the past "
                    "second, please wait before attempting to trigger another"))
            else:
                errors.append(KubectlError(f"error: {_shared.resource_string(rtype, name)} {exc}"))
            continue
        path = rtype.object_path(name, str(metadata.get("namespace") or "") or None)
        try:
            result = session.client.request_json(
                "PATCH", path, {"fieldManager": options.field_manager},
                json=patch, headers={"Content-Type": "application/strategic-merge-patch+json"})
        except ApiError as exc:
            errors.append(KubectlError(f"failed to patch: {exc.message}"))
            continue
        out.write(emit(result or obj))
        out.flush()
    if errors:
        raise AggregateError(errors)


from dataclasses import dataclass  # noqa: E402


@dataclass(frozen=True)
class PatchOptions:
    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    kustomize: str = ""
    selector: str = ""
    field_manager: str = "kubectl-rollout"
    output: str = ""
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False

    @classmethod
    def from_flags(cls, params: dict):
        return cls(args=tuple(params.get("args") or ()), filenames=_shared.flat(params.get("filename")),
                   recursive=bool(params.get("recursive")), kustomize=params.get("kustomize") or "",
                   selector=params.get("selector") or "",
                   field_manager=params.get("field_manager") or "kubectl-rollout",
                   output=params.get("output") or "", template=params.get("template") or "",
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")))

    def validate(self) -> None:
        _shared.check_output(self.output, self.template)
        _shared.require_resource(self.args, self.filenames, self.kustomize)


def flags(f):
    from pykubectl.flags import bundles

    for decorator in reversed((bundles.allow_missing_template_keys, _shared.field_manager, _shared.filename,
                               _shared.kustomize, _shared.output, _shared.recursive, bundles.selector,
                               bundles.show_managed_fields, bundles.template)):
        f = decorator(f)
    return f
