"""kubectl create token: request a service account token (a TokenRequest; create_token.go)."""

from __future__ import annotations

import click

from pykubectl.commands.create._common import GeneratorCommand, canonical_path, name_and_command
from pykubectl.flags import bundles, pflag
from pykubectl.flags.global_flags import current_session

HELP = 'Request a service account token.'
EXAMPLES = '  # Request a token to authenticate to the kube-apiserver as the service account "myapp" in the current namespace\n  kubectl create token myapp\n  \n  # Request a token for a service account in a custom namespace\n  kubectl create token myapp --namespace myns\n  \n  # Request a token with a custom expiration\n  kubectl create token myapp --duration 10m\n  \n  # Request a token with a custom audience\n  kubectl create token myapp --audience https://example.com\n  \n  # Request a token bound to an instance of a Secret object\n  kubectl create token myapp --bound-object-kind Secret --bound-object-name mysecret\n  \n  # Request a token bound to an instance of a Secret object with a specific UID\n  kubectl create token myapp --bound-object-kind Secret --bound-object-name mysecret --bound-object-uid 0d4691ed-659b-4935-a832-355f77ee47cc'
USAGE = 'SERVICE_ACCOUNT_NAME [options]'

# the kinds a token may be bound to, and their apiVersion (boundObjectKindToAPIVersions)
BOUND_KINDS = {"Node": "v1", "Pod": "v1", "Secret": "v1"}


@click.command('token', cls=GeneratorCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string_array("--audience", help="Audience of the requested token. If unset, defaults to requesting a token for use with the Kubernetes API server. May be repeated to request a token valid for multiple audiences.")
@pflag.string("--bound-object-kind", help="Kind of an object to bind the token to. Supported kinds are Node, Pod, Secret. If set, --bound-object-name must be provided.")
@pflag.string("--bound-object-name", help="Name of an object to bind the token to. The token will expire when the object is deleted. Requires --bound-object-kind.")
@pflag.string("--bound-object-uid", help="UID of an object to bind the token to. Requires --bound-object-kind and --bound-object-name. If unset, the UID of the existing object is used.")
@bundles.duration("--duration", default=0.0, shown="0s", help="Requested lifetime of the issued token. If not set or if set to 0, the lifetime will be determined by the server automatically. The server may return a token with a longer or shorter lifetime.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@click.argument("args", nargs=-1)
@click.pass_context
def command(ctx, **params) -> None:
    from pykubectl.errors import ApiError, KubectlError
    from pykubectl.printing.registry import GENERIC_FORMATS, printer_for

    session = current_session()
    name, _ = name_and_command(tuple(params["args"]), ctx.meta["pykubectl.args_at_dash"], canonical_path(ctx))
    namespace = session.namespace
    output = params.get("output") or ""
    template = params.get("template") or ""
    printer = printer_for(output or ("go-template" if template else ""), allowed=GENERIC_FORMATS,
                          template_argument=template,
                          allow_missing_keys=params.get("allow_missing_template_keys") is not False,
                          sort_keys=False) if (output or template) else None
    duration = float(params.get("duration") or 0.0)
    audiences = list(params.get("audience") or ())
    kind = params.get("bound_object_kind") or ""
    bound_name = params.get("bound_object_name") or ""
    bound_uid = params.get("bound_object_uid") or ""

    if not name:
        raise KubectlError("service account name is required")
    if not namespace:
        raise KubectlError("--namespace is required")
    if duration < 0:
        raise KubectlError("--duration must be greater than or equal to 0")
    nanos = round(duration * 1e9)
    if nanos % 1_000_000_000:
        raise KubectlError("--duration cannot be expressed in units less than seconds")
    if any(not audience for audience in audiences):
        raise KubectlError("--audience must not be an empty string")
    if not kind:
        if bound_name:
            raise KubectlError("--bound-object-name can only be set if --bound-object-kind is provided")
        if bound_uid:
            raise KubectlError("--bound-object-uid can only be set if --bound-object-kind is provided")
    else:
        if kind not in BOUND_KINDS:
            raise KubectlError(f"supported --bound-object-kind values are {', '.join(sorted(BOUND_KINDS))}")
        if not bound_name:
            raise KubectlError("--bound-object-name is required if --bound-object-kind is provided")

    spec: dict = {"audiences": audiences or None}
    if nanos:
        spec["expirationSeconds"] = nanos // 1_000_000_000
    ref = None
    if kind:
        ref = {"kind": kind, "apiVersion": BOUND_KINDS[kind], "name": bound_name}
        if bound_uid:
            ref["uid"] = bound_uid
    spec["boundObjectRef"] = ref
    request = {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
               "metadata": {"creationTimestamp": None}, "spec": spec,
               "status": {"token": "", "expirationTimestamp": None}}
    path = f"/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"
    try:
        response = session.client.request_json("POST", path, {}, json=request)
    except ApiError as exc:
        raise KubectlError(f"failed to create token: {exc.message}") from None
    token = ((response or {}).get("status") or {}).get("token") or ""
    if not token:
        raise KubectlError("failed to create token: no token in server response")
    out = session.streams.out
    if output:
        typed = _typed(response)
        if not params.get("show_managed_fields"):
            typed["metadata"].pop("managedFields", None)
        out.write(printer(typed))
    else:
        out.write(token + ("\n" if session.streams.out_is_terminal() else ""))
    out.flush()


def _typed(response: dict) -> dict:
    """The response as kubectl's typed TokenRequest prints it: struct field order, spec fields never omitted."""
    metadata = dict(response.get("metadata") or {})
    spec = response.get("spec") or {}
    status = response.get("status") or {}
    ref = spec.get("boundObjectRef")
    if ref:
        ref = {key: ref[key] for key in ("kind", "apiVersion", "name", "uid") if ref.get(key)}
    return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": _ordered_metadata(metadata),
            "spec": {"audiences": spec.get("audiences"), "expirationSeconds": spec.get("expirationSeconds"),
                     "boundObjectRef": ref or None},
            "status": {"token": status.get("token", ""), "expirationTimestamp": status.get("expirationTimestamp")}}


_META_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
               "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
               "ownerReferences", "finalizers", "managedFields")


def _ordered_metadata(metadata: dict) -> dict:
    ordered = {key: metadata[key] for key in _META_ORDER if key in metadata}
    ordered.setdefault("creationTimestamp", None)
    return {**ordered, **{k: v for k, v in metadata.items() if k not in ordered}}
