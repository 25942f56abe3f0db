"""kubectl annotate: add, change or remove the annotations of objects (merge patches), or list them."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Update the annotations on one or more resources.\n\n All Kubernetes objects support the ability to store additional data with the object as annotations. Annotations are key/value pairs that can be larger than labels and include arbitrary string values such as structured JSON. Tools and system extensions may use annotations to store their own data.\n\n Attempting to set an annotation that already exists will fail unless --overwrite is set. If --resource-version is specified and does not match the current resource version on the server the command will fail.\n\nUse "kubectl api-resources" for a complete list of supported resources.'
EXAMPLES = '  # Update pod \'foo\' with the annotation \'description\' and the value \'my frontend\'\n  # If the same annotation is set multiple times, only the last value will be applied\n  kubectl annotate pods foo description=\'my frontend\'\n  \n  # Update a pod identified by type and name in "pod.json"\n  kubectl annotate -f pod.json description=\'my frontend\'\n  \n  # Update pod \'foo\' with the annotation \'description\' and the value \'my frontend running nginx\', overwriting any existing value\n  kubectl annotate --overwrite pods foo description=\'my frontend running nginx\'\n  \n  # Update all pods in the namespace\n  kubectl annotate pods --all description=\'my frontend running nginx\'\n  \n  # Update pod \'foo\' only if the resource is unchanged from version 1\n  kubectl annotate pods foo description=\'my frontend running nginx\' --resource-version=1\n  \n  # Update pod \'foo\' by removing an annotation named \'description\' if it exists\n  # Does not require the --overwrite flag\n  kubectl annotate pods foo description-'
USAGE = '[--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]'

FIELD = "annotations"
FIELD_MANAGER = "kubectl-annotate"
CHANGE_CAUSE = "kubernetes.io/change-cause"  # never an overwrite clash (validateNoAnnotationOverwrites)


@click.command("annotate", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help="Select all resources, in the namespace of the specified resource types.")
@pflag.boolean("-A", "--all-namespaces", help="If true, check the specified action in all namespaces.")
@pflag.boolean("--allow-missing-template-keys", default=True, help="If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
@pflag.string("--dry-run", default="none", help="Must be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.")
@pflag.string("--field-manager", default="kubectl-annotate", help="Name of the manager used to track field ownership.")
@pflag.string("--field-selector", help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
@pflag.string_slice("-f", "--filename", help="Filename, directory, or URL to files identifying the resource to update the annotation")
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--list", help="If true, display the annotations for a given resource.")
@pflag.boolean("--local", help="If true, annotation will NOT contact api-server but run locally.")
@pflag.string("-o", "--output", help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--overwrite", help="If true, allow annotations to be overwritten, otherwise reject annotation updates that overwrite existing annotations.")
@pflag.boolean("-R", "--recursive", help="Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
@pflag.string("--resource-version", help="If non-empty, the annotation update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.")
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in JSON or YAML format.")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    from pykubectl.resources.metadata_change import MetadataChange
    from pykubectl.resources.patches import parse_annotation_changes, split_resources_and_pairs

    resources, pairs = split_resources_and_pairs(params.get("args") or (), "annotation")
    new, remove = parse_annotation_changes(pairs)
    run(MetadataChange.from_flags(params, FIELD, new, remove, resources, FIELD_MANAGER), current_session())


def run(change, session) -> None:
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.metadata_change import Wording, run_metadata_change

    dry_run = parse_dry_run(change.dry_run)
    change.validate(dry_run, noun="annotation", example_file="rsrc")
    # annotate lists even when -o is given (label refuses the combination)
    wording = Wording(clash=_clash, list_heading="annotations", print_server_object=True)
    run_metadata_change(change, session, dry_run, wording, _printer(change, dry_run, lambda *_: "annotated"))


def _clash(current: dict, change) -> KubectlError | None:
    clashes = [f"'{key}' already has a value ({current[key]})" for key, value in change.new.items()
               if key != CHANGE_CAUSE and key in current and current[key] != value]
    if not clashes:
        return None
    return KubectlError("--overwrite is false but found the following declared annotation(s): " + "; ".join(clashes))


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
