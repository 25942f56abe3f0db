"""kubectl label: add, change or remove the labels of objects (merge patches), or list them."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Update the labels on a resource.\n\n  *  A label key and value must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters each.\n  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.\n  *  If --overwrite is true, then existing labels can be overwritten, otherwise attempting to overwrite a label will result in an error.\n  *  If --resource-version is specified, then updates will use this resource version, otherwise the existing resource-version will be used."
EXAMPLES = '  # Update pod \'foo\' with the label \'unhealthy\' and the value \'true\'\n  kubectl label pods foo unhealthy=true\n  \n  # Update pod \'foo\' with the label \'status\' and the value \'unhealthy\', overwriting any existing value\n  kubectl label --overwrite pods foo status=unhealthy\n  \n  # Update all pods in the namespace\n  kubectl label pods --all status=unhealthy\n  \n  # Update a pod identified by the type and name in "pod.json"\n  kubectl label -f pod.json status=unhealthy\n  \n  # Update pod \'foo\' only if the resource is unchanged from version 1\n  kubectl label pods foo status=unhealthy --resource-version=1\n  \n  # Update pod \'foo\' by removing a label named \'bar\' if it exists\n  # Does not require the --overwrite flag\n  kubectl label pods foo bar-'
USAGE = '[--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]'

FIELD = "labels"
FIELD_MANAGER = "kubectl-label"


@click.command("label", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all resources, in the namespace of the specified resource types")
@pflag.boolean("-A", "--all-namespaces", help="If true, check the specified action in all namespaces.")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default="kubectl-label", help="Name of the manager used to track field ownership.")
@pflag.string("--field-selector", help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to update the labels")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--list", help="If true, display the labels for a given resource.")
@pflag.boolean("--local", help="If true, label will NOT contact api-server but run locally.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--overwrite", help="If true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("--resource-version", help="If non-empty, the labels update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    from pykubectl.resources.metadata_change import MetadataChange
    from pykubectl.resources.patches import parse_label_changes, split_resources_and_pairs

    resources, pairs = split_resources_and_pairs(params.get("args") or (), "label")
    new, remove = parse_label_changes(pairs)
    run(MetadataChange.from_flags(params, FIELD, new, remove, resources, FIELD_MANAGER), current_session())


def run(change, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.metadata_change import Wording, run_metadata_change

    dry_run = parse_dry_run(change.dry_run)
    if change.list and change.output:
        raise KubectlError("--list and --output may not be specified together")
    change.validate(dry_run, noun="label", example_file="pod")
    wording = Wording(clash=_clash, list_heading="labels", report_missing_removals=True)
    run_metadata_change(change, session, dry_run, wording, _printer(change, dry_run, _done))


def _clash(current: dict, change) -> KubectlError | None:
    clashes = [f"'{key}' already has a value ({current[key]}), and --overwrite is false"
               for key, value in change.new.items() if key in current and current[key] != value]
    if not clashes:
        return None
    return KubectlError(clashes[0] if len(clashes) == 1 else "[" + ", ".join(clashes) + "]")


def _done(old: dict, new: dict, change) -> str:
    """kubectl 1.32's updateDataChangeMsg compares the JSON before and after: any change is "labeled", one
    that made it shorter without --overwrite "unlabeled"."""
    from pykubectl.resources.dry_run import go_compact_json

    before, after = go_compact_json(old), go_compact_json(new)
    if before == after:
        return "not labeled"
    if not change.overwrite and len(after.encode()) < len(before.encode()):
        return "unlabeled"
    return "labeled"


def _printer(change, dry_run: str, done):
    """printer(before, after): kubectl's "NAME OPERATION" line by default, otherwise the -o printer."""
    if not change.output and not change.template:
        from pykubectl.printing.structured import to_name
        from pykubectl.resources.dry_run import dry_run_suffix

        return lambda old, new: to_name(new, done(old, new, change) + dry_run_suffix(dry_run))
    from pykubectl.printing.registry import object_printer

    printer = object_printer(change.output, template_argument=change.template,
                             allow_missing_keys=change.allow_missing_template_keys,
                             show_managed_fields=change.show_managed_fields)
    return lambda _old, new: printer(new)
