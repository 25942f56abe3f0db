"""kubectl set selector: replace a service's selector."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Set the selector on a resource. Note that the new selector will overwrite the old selector if the resource had one prior to the invocation of 'set selector'.\n\n A selector must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters. If --resource-version is specified, then updates will use this resource version, otherwise the existing resource-version will be used. Note: currently selectors can only be set on Service objects."
EXAMPLES = '  # Set the labels and selector before creating a deployment/service pair\n  kubectl create service clusterip my-svc --clusterip="None" -o yaml --dry-run=client | kubectl set selector --local -f - \'environment=qa\' -o yaml | kubectl create -f -\n  kubectl create deployment my-dep -o yaml --dry-run=client | kubectl label --local -f - environment=qa -o yaml | kubectl create -f -'
USAGE = '(-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version] [options]'


@click.command("selector", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help='Select all resources in the namespace of the specified resource types')
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--field-manager", default='kubectl-set', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='identifying the resource.')
@pflag.boolean("--local", help='If true, annotation will NOT contact api-server but run locally.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("-R", "--recursive", default=True, help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.string("--resource-version", help='If non-empty, the selectors update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.')
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


def _parse_selector(text: str) -> tuple[dict, list]:
    """metav1.ParseToLabelSelector for the common forms: k=v / k==v / k!=v / k in (…) / k notin (…) / k / !k."""
    import re

    labels: dict = {}
    expressions: list = []
    for part in re.split(r",(?![^()]*\))", text.strip()) if text.strip() else []:
        part = part.strip()
        match = re.fullmatch(r"([A-Za-z0-9_./-]+)\s*(notin|in)\s*\(([^)]*)\)", part)
        if match:
            values = [v.strip() for v in match.group(3).split(",") if v.strip()]
            operator = "In" if match.group(2) == "in" else "NotIn"
            expressions.append((match.group(1), operator, values))
            continue
        match = re.fullmatch(r"([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)", part)
        if match and match.group(2) != "!=":
            labels[match.group(1)] = match.group(3)
            continue
        if match:
            expressions.append((match.group(1), "NotIn", [match.group(3)]))
            continue
        if re.fullmatch(r"!?[A-Za-z0-9_./-]+", part):
            expressions.append((part.lstrip("!"), "DoesNotExist" if part.startswith("!") else "Exists", []))
            continue
        token = part[:1]
        raise KubectlError(f'couldn\'t parse the selector string "{text}": found \'{token}\', expected: !, '
                           "identifier, or 'end of string'")
    return labels, expressions


def run(params: dict, session) -> None:
    from pykubectl.commands.set._common import SetCommon, collect, make_printer, patch_all, validate
    from pykubectl.resources.dry_run import parse_dry_run

    common = SetCommon.from_flags(params)
    dry_run = parse_dry_run(common.dry_run)
    make_printer(common, dry_run, "selector updated")
    args = tuple(params.get("args") or ())
    resources, expression = (args[:-1], args[-1]) if args else ((), "")
    labels, expressions = _parse_selector(expression)
    if common.all and (len(resources) > 1 or any("/" in r for r in resources)):
        import dataclasses

        common = dataclasses.replace(common, all=False)  # kubectl's builder lets names win over --all here
    infos = collect(session, common, resources)
    problems = []
    if not resources and not common.filenames:
        problems.append("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if common.local and dry_run == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    validate(problems)
    resource_version = params.get("resource_version") or ""

    def mutate(target, obj: dict) -> None:
        if expressions:
            shown = " ".join("{" + f"{k} {op} [{' '.join(v)}]" + "}" for k, op, v in expressions)
            raise KubectlError(f"match expression [{shown}] not supported on this object")
        if obj.get("kind") != "Service" or str(obj.get("apiVersion")) != "v1":
            raise KubectlError("setting a selector is only supported for Services")
        spec = obj.setdefault("spec", {})
        if labels:
            spec["selector"] = dict(labels)
        else:
            spec.pop("selector", None)
        if resource_version:
            obj.setdefault("metadata", {})["resourceVersion"] = resource_version

    patch_all(session, common, infos, mutate, dry_run, "selector updated", None, skip_unchanged=False,
              prefix_errors=False)
