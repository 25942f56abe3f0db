"""kubectl auth whoami: the server's SelfSubjectReview of the caller, as a table or through -o."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError, NotFound
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session, current_streams

HELP = ("Experimental: Check who you are and your attributes (groups, extra).\n\n"
        "        This command is helpful to get yourself aware of the current user attributes,\n"
        "        especially when dynamic authentication, e.g., token webhook, auth proxy, or OIDC provider,\n"
        "        is enabled in the Kubernetes cluster.")
EXAMPLES = ("  # Get your subject attributes\n  kubectl auth whoami\n  \n"
            "  # Get your subject attributes in JSON format\n  kubectl auth whoami -o json")
NOT_ENABLED = "the selfsubjectreviews API is not enabled in the cluster"
FORBIDDEN = "the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it"
# kubectl tries v1, then the beta and alpha versions, while the server answers NotFound
VERSIONS = ("v1", "v1beta1", "v1alpha1")


@dataclass(frozen=True)
class WhoAmIOptions:
    output: str
    template: str
    allow_missing_template_keys: bool
    output_given: bool

    @classmethod
    def from_flags(cls, params: dict) -> WhoAmIOptions:
        return cls(output=params["output"] or "", template=params["template"] or "",
                   allow_missing_template_keys=params["allow_missing_template_keys"],
                   output_given=params["output"] is not None and params["output"] != "")


@click.command("whoami", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="[options]")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@click.argument("args", nargs=-1)  # cobra declares no Args check: kubectl ignores them
def command(**params) -> None:
    run(WhoAmIOptions.from_flags(params), current_session(namespace_first=False))


def run(options: WhoAmIOptions, session) -> None:
    printer = None
    client = session.client
    if options.output_given:  # PrintFlags.OutputFlagSpecified: --template alone keeps the table
        from pykubectl.printing.registry import printer_for

        printer = printer_for(options.output, template_argument=options.template,
                              allow_missing_keys=options.allow_missing_template_keys)
    review = _review(client)
    streams = current_streams()
    if printer is None:
        streams.out.write(format_user_info(((review or {}).get("status") or {}).get("userInfo") or {}))
    else:
        streams.out.write(printer(_typed(review)))


def _review(client) -> dict:
    from pykubectl.errors import ApiError

    error: ApiError | None = None
    for version in VERSIONS:
        body = {"kind": "SelfSubjectReview", "apiVersion": f"authentication.k8s.io/{version}",
                "metadata": {"creationTimestamp": None}, "status": {"userInfo": {}}}
        try:
            return client.request_json("POST", f"/apis/authentication.k8s.io/{version}/selfsubjectreviews",
                                       json=body)
        except NotFound as exc:
            error = exc
        except ApiError as exc:
            if _reason(exc) == "Forbidden":
                raise KubectlError(FORBIDDEN) from exc
            raise
    raise KubectlError(NOT_ENABLED) from error


def _reason(exc) -> str:
    status = getattr(exc, "status", None) or {}
    return status.get("reason", "") if isinstance(status, dict) else ""


def _typed(review: dict) -> dict:
    """The review as kubectl re-encodes its typed object: TypeMeta, metadata, status (no spec)."""
    user = ((review or {}).get("status") or {}).get("userInfo") or {}
    info: dict = {}
    for key in ("username", "uid", "groups", "extra"):
        if user.get(key):
            info[key] = user[key]
    metadata = dict((review or {}).get("metadata") or {})
    metadata.setdefault("creationTimestamp", None)
    return {"kind": review.get("kind", "SelfSubjectReview"), "apiVersion": review.get("apiVersion", ""),
            "metadata": metadata, "status": {"userInfo": info}}


def format_user_info(user: dict) -> str:
    """The ATTRIBUTE/VALUE table: Username, UID, Groups, then each Extra key in sorted order."""
    from pykubectl.printing.tabwriter import format_text

    text = "ATTRIBUTE\tVALUE\n"
    if user.get("username"):
        text += f"Username\t{user['username']}\n"
    if user.get("uid"):
        text += f"UID\t{user['uid']}\n"
    if user.get("groups"):
        text += f"Groups\t[{' '.join(user['groups'])}]\n"
    for key in sorted(user.get("extra") or {}):
        text += f"Extra: {key}\t[{' '.join(user['extra'][key] or [])}]\n"
    return format_text(text)
