"""kubectl set image: change container images in pod templates."""

from __future__ import annotations

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = 'Update existing container image(s) of resources.\n\n Possible resources include (case insensitive):\n\n        pod (po), replicationcontroller (rc), deployment (deploy), daemonset (ds), statefulset (sts), cronjob (cj), replicaset (rs)'
EXAMPLES = "  # Set a deployment's nginx container image to 'nginx:1.9.1', and its busybox container image to 'busybox'\n  kubectl set image deployment/nginx busybox=busybox nginx=nginx:1.9.1\n  \n  # Update all deployments' and rc's nginx container's image to 'nginx:1.9.1'\n  kubectl set image deployments,rc nginx=nginx:1.9.1 --all\n  \n  # Update image of all containers of daemonset abc to 'nginx:1.9.1'\n  kubectl set image daemonset abc *=nginx:1.9.1\n  \n  # Print result (in yaml format) of updating nginx container image from local file, without hitting the server\n  kubectl set image -f path/to/file.yaml nginx=nginx:1.9.1 --local -o yaml"
USAGE = '(-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]'


@click.command("image", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--all", help='Select all resources, in the namespace of the specified resource types')
@pflag.boolean("--allow-missing-template-keys", default=True, help='If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.')
@pflag.string("--dry-run", default='none', help='Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.')
@pflag.string("--field-manager", default='kubectl-set', help='Name of the manager used to track field ownership.')
@pflag.string_slice("-f", "--filename", help='Filename, directory, or URL to files identifying the resource to get from a server.')
@pflag.string("-k", "--kustomize", help="Process the kustomization directory. This flag can't be used together with -f or -R.")
@pflag.boolean("--local", help='If true, set image will NOT contact api-server but run locally.')
@pflag.string("-o", "--output", help='Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).')
@pflag.boolean("-R", "--recursive", help='Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.')
@pflag.string("-l", "--selector", help="Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
@pflag.boolean("--show-managed-fields", help='If true, keep the managedFields when printing objects in JSON or YAML format.')
@pflag.string("--template", help='Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].')
@click.argument("args", nargs=-1)
def command(**params) -> None:
    run(params, current_session())


def run(params: dict, session) -> None:
    from pykubectl.commands.set._common import SetCommon, collect, patch_all
    from pykubectl.resources.dry_run import parse_dry_run
    from pykubectl.resources.patches import split_resources_and_pairs

    common = SetCommon.from_flags(params)
    dry_run = parse_dry_run(common.dry_run)
    from pykubectl.commands.set._common import make_printer

    make_printer(common, dry_run, "image updated")  # an unknown -o fails before anything else
    resources, pairs = split_resources_and_pairs(tuple(params.get("args") or ()), "image")
    images: dict[str, str] = {}
    for pair in pairs:
        key, found, value = pair.partition("=")
        if not found or not key:
            raise KubectlError(f"invalid image format: {pair}")
        images[key] = value
    infos = collect(session, common, tuple(resources))
    problems = []
    if common.all and common.selector:
        problems.append("cannot set --all and --selector at the same time")
    if not resources and not common.filenames and not common.kustomize:
        problems.append("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not images:
        problems.append("at least one image update is required")
    elif len(images) > 1 and "*" in images:
        problems.append("all containers are already specified by *, but saw more than one "
                        "container_name=container_image pairs")
    if common.local and dry_run == "server":
        problems.append("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
    if problems:
        from pykubectl.errors import AggregateError

        raise KubectlError(problems[0]) if len(problems) == 1 else AggregateError(
            [KubectlError(p) for p in problems])
    errors: list[Exception] = []

    def mutate(target, obj: dict) -> None:
        from pykubectl.commands.set._common import go_type_name, raw_error
        from pykubectl.resources.pod_spec import pod_spec_of

        spec = pod_spec_of(obj)
        if spec is None:
            raise KubectlError(f"the object is not a pod or does not have a pod template: {go_type_name(obj)}")
        for name, image in images.items():
            found = False
            for key in ("initContainers", "containers"):
                for container in spec.get(key) or ():
                    if name == "*" or container.get("name") == name:
                        container["image"] = image
                        found = True
            if not found:
                errors.append(raw_error(f'error: unable to find container named "{name}"'))

    patch_all(session, common, infos, mutate, dry_run, "image updated",
              "failed to patch image update to pod template: ", errors)
