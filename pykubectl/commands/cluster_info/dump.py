"""kubectl cluster-info dump: nodes, then per namespace its events, workloads, services and pods, and every
container's log, to stdout or as files under --output-directory (kubectl pkg/cmd/clusterinfo/clusterinfo_dump.go)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

DUMP_HELP = (
    "Dump cluster information out suitable for debugging and diagnosing cluster problems.  By default, dumps "
    "everything to stdout. You can optionally specify a directory with --output-directory.  If you specify a "
    "directory, Kubernetes will build a set of files in that directory.  By default, only dumps things in the "
    "current namespace and 'kube-system' namespace, but you can switch to a different namespace with the "
    "--namespaces flag, or specify --all-namespaces to dump all namespaces.\n\n The command also dumps the logs "
    "of all of the pods in the cluster; these logs are dumped into different directories based on namespace "
    "and pod name.")
DUMP_EXAMPLES = (
    "  # Dump current cluster state to stdout\n  kubectl cluster-info dump\n  \n"
    "  # Dump current cluster state to /path/to/cluster-state\n"
    "  kubectl cluster-info dump --output-directory=/path/to/cluster-state\n  \n"
    "  # Dump all namespaces to stdout\n  kubectl cluster-info dump --all-namespaces\n  \n"
    "  # Dump a set of namespaces to /path/to/cluster-state\n"
    "  kubectl cluster-info dump --namespaces default,kube-system --output-directory=/path/to/cluster-state")
DUMP_FORMATS = ("json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, "
                "jsonpath-as-json, jsonpath-file")


@dataclass(frozen=True)
class ClusterInfoDumpOptions:
    output: str = "json"
    template: str = ""
    allow_missing_template_keys: bool = True
    show_managed_fields: bool = False
    output_directory: str = ""
    namespaces: tuple[str, ...] = ()
    all_namespaces: bool = False
    pod_running_timeout: float = 20.0
    output_given: bool = True  # -o given (rather than its default): a lone --template then means go-template

    @classmethod
    def from_flags(cls, params: dict, output_given: bool = True) -> ClusterInfoDumpOptions:
        output = params.get("output")
        return cls(output=output if output is not None else "json", template=params.get("template") or "",
                   output_given=output_given,
                   allow_missing_template_keys=params.get("allow_missing_template_keys") is not False,
                   show_managed_fields=bool(params.get("show_managed_fields")),
                   output_directory=params.get("output_directory") or "",
                   namespaces=tuple(n for group in params.get("namespaces") or () for n in
                                    (group if isinstance(group, (list, tuple)) else [group])),
                   all_namespaces=bool(params.get("all_namespaces")),
                   pod_running_timeout=float(20.0 if params.get("pod_running_timeout") is None
                                               else params["pod_running_timeout"]))

    def validate(self) -> None:
        if self.pod_running_timeout <= 0:
            raise KubectlError("--pod-running-timeout must be higher than zero")


@click.command("dump", cls=KubectlCommand, examples=DUMP_EXAMPLES, help=DUMP_HELP)
@pflag.boolean("-A", "--all-namespaces", help="If true, dump all namespaces.  If true, --namespaces is ignored.")
@bundles.allow_missing_template_keys
@pflag.string_slice("--namespaces", help="A comma separated list of namespaces to dump.")
@pflag.string("-o", "--output", default="json", help=f"Output format. One of: ({DUMP_FORMATS}).")
@pflag.string("--output-directory",
              help="Where to output the files.  If empty or '-' uses stdout, otherwise creates a directory hierarchy "
                   "in that directory")
@bundles.duration("--pod-running-timeout", default=20.0, shown="20s",
                  help="The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod "
                       "is running")
@bundles.show_managed_fields
@bundles.template
@click.argument("args", nargs=-1)  # cobra ignores extra words here
def command(**params) -> None:
    source = click.get_current_context().get_parameter_source("output")
    options = ClusterInfoDumpOptions.from_flags(params, output_given=source is not click.core.ParameterSource.DEFAULT)
    options.validate()
    run_dump(options, current_session())


def run_dump(options: ClusterInfoDumpOptions, session) -> None:
    from pykubectl.printing.registry import JSONPATH_FORMATS, parse_output, printer_for
    from pykubectl.resources import cluster_dump

    # --template without an explicit -o is a go-template, though the files still end in the default's .json
    output = options.output if options.output_given or not options.template else ""
    printer = printer_for(output, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_template_keys)
    chosen = parse_output(output, template_argument=options.template)
    if chosen.name in JSONPATH_FORMATS:
        # kubectl keeps one JSONPath printer for the whole dump, and client-go's JSONPath carries state over.
        from pykubectl.printing import jsonpath

        template = chosen.argument
        if chosen.name == "jsonpath-file":
            with open(template, encoding="utf-8") as handle:
                template = handle.read()
        printer = jsonpath.persistent(template, options.allow_missing_template_keys,
                                      output_json=chosen.name == "jsonpath-as-json")
    fmt = chosen.name
    printed = 0

    def render(listing: dict) -> str:
        # One Go YAMLPrinter for the whole run: `---` before every document after the first, files included.
        nonlocal printed
        if fmt == "name":
            kind = listing.get("kind", "")
            raise KubectlError(f"list types are not supported by name printing: *v1.{kind}")
        if fmt in ("json", "yaml") and not options.show_managed_fields:
            listing = cluster_dump.without_managed_fields(listing)
        text = printer(listing)
        printed += 1
        return "---\n" + text if fmt == "yaml" and printed > 1 else text

    client = session.client
    namespace = session.namespace
    out = session.streams.out
    target = cluster_dump.DumpTarget(options.output_directory, out.write)
    extension = cluster_dump.file_extension(options.output)  # Go compares the flag as typed: -o JSON gives .txt

    nodes = client.get_json("/api/v1/nodes")
    target.writer("nodes", extension)(render(cluster_dump.typed_list(nodes, "core.NodeList")))

    if options.all_namespaces:
        listing = client.get_json("/api/v1/namespaces")
        namespaces = [(item.get("metadata") or {}).get("name", "") for item in listing.get("items") or []]
    elif options.namespaces:
        namespaces = list(options.namespaces)
    else:
        namespaces = ["kube-system", namespace]

    for ns in namespaces:
        pods: dict = {}
        for path, struct, name in cluster_dump.NAMESPACED:
            raw = client.get_json(path.format(ns=ns))
            listing = cluster_dump.typed_list(raw, struct)
            target.writer(f"{ns}/{name}", extension)(render(listing))
            if name == "pods":
                pods = listing
        for pod in pods.get("items") or []:
            metadata = pod.get("metadata") or {}
            pod_name = metadata.get("name", "")
            write = target.writer(f"{ns}/{pod_name}/logs", ".txt")
            for container in cluster_dump.pod_containers(pod):
                subject = f"container {container} of pod {metadata.get('namespace', '')}/{pod_name}"
                write(f"==== START logs for {subject} ====\n")
                write(cluster_dump.container_log(client, ns, pod_name, container))
                write(f"==== END logs for {subject} ====\n")

    if target.to_files:
        out.write(f"Cluster info dumped to {options.output_directory}\n")
