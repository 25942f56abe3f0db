"""The command tree as data: one row per verb; a verb's module is imported only when it runs."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

BEGINNER = "Basic Commands (Beginner)"
INTERMEDIATE = "Basic Commands (Intermediate)"
DEPLOY = "Deploy Commands"
CLUSTER = "Cluster Management Commands"
TROUBLESHOOTING = "Troubleshooting and Debugging Commands"
ADVANCED = "Advanced Commands"
SETTINGS = "Settings Commands"
OTHER = "Other Commands"

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("create", "pykubectl.commands.create", "Create a resource from a file or from stdin", BEGINNER),
    CommandSpec("expose", "pykubectl.commands.expose",
                "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
                BEGINNER),
    CommandSpec("run", "pykubectl.commands.run", "Run a particular image on the cluster", BEGINNER),
    CommandSpec("set", "pykubectl.commands.set", "Set specific features on objects", BEGINNER),
    CommandSpec("explain", "pykubectl.commands.explain", "Get documentation for a resource", INTERMEDIATE),
    CommandSpec("get", "pykubectl.commands.get", "Display one or many resources", INTERMEDIATE),
    CommandSpec("edit", "pykubectl.commands.edit", "Edit a resource on the server", INTERMEDIATE),
    CommandSpec("delete", "pykubectl.commands.delete",
                "Delete resources by file names, stdin, resources and names, or by resources and label selector",
                INTERMEDIATE),
    CommandSpec("rollout", "pykubectl.commands.rollout", "Manage the rollout of a resource", DEPLOY),
    CommandSpec("scale", "pykubectl.commands.scale",
                "Set a new size for a deployment, replica set, or replication controller", DEPLOY),
    CommandSpec("autoscale", "pykubectl.commands.autoscale",
                "Auto-scale a deployment, replica set, stateful set, or replication controller", DEPLOY),
    CommandSpec("certificate", "pykubectl.commands.certificate", "Modify certificate resources", CLUSTER),
    CommandSpec("cluster-info", "pykubectl.commands.cluster_info", "Display cluster information", CLUSTER),
    CommandSpec("top", "pykubectl.commands.top", "Display resource (CPU/memory) usage", CLUSTER),
    CommandSpec("cordon", "pykubectl.commands.cordon", "Mark node as unschedulable", CLUSTER),
    CommandSpec("uncordon", "pykubectl.commands.uncordon", "Mark node as schedulable", CLUSTER),
    CommandSpec("drain", "pykubectl.commands.drain", "Drain node in preparation for maintenance", CLUSTER),
    CommandSpec("taint", "pykubectl.commands.taint", "Update the taints on one or more nodes", CLUSTER),
    CommandSpec("describe", "pykubectl.commands.describe", "Show details of a specific resource or group of resources",
                TROUBLESHOOTING),
    CommandSpec("logs", "pykubectl.commands.logs", "Print the logs for a container in a pod", TROUBLESHOOTING),
    CommandSpec("attach", "pykubectl.commands.attach", "Attach to a running container", TROUBLESHOOTING),
    CommandSpec("exec", "pykubectl.commands.exec", "Execute a command in a container", TROUBLESHOOTING),
    CommandSpec("port-forward", "pykubectl.commands.port_forward", "Forward one or more local ports to a pod",
                TROUBLESHOOTING),
    CommandSpec("proxy", "pykubectl.commands.proxy", "Run a proxy to the Kubernetes API server", TROUBLESHOOTING),
    CommandSpec("cp", "pykubectl.commands.cp", "Copy files and directories to and from containers", TROUBLESHOOTING),
    CommandSpec("auth", "pykubectl.commands.auth", "Inspect authorization", TROUBLESHOOTING),
    CommandSpec("debug", "pykubectl.commands.debug", "Create debugging sessions for troubleshooting workloads and nodes",
                TROUBLESHOOTING),
    CommandSpec("events", "pykubectl.commands.events", "List events", TROUBLESHOOTING),
    CommandSpec("diff", "pykubectl.commands.diff", "Diff the live version against a would-be applied version",
                ADVANCED),
    CommandSpec("apply", "pykubectl.commands.apply", "Apply a configuration to a resource by file name or stdin",
                ADVANCED),
    CommandSpec("patch", "pykubectl.commands.patch", "Update fields of a resource", ADVANCED),
    CommandSpec("replace", "pykubectl.commands.replace", "Replace a resource by file name or stdin", ADVANCED),
    CommandSpec("wait", "pykubectl.commands.wait",
                "Experimental: Wait for a specific condition on one or many resources", ADVANCED),
    CommandSpec("kustomize", "pykubectl.commands.kustomize", "Build a kustomization target from a directory or URL",
                ADVANCED),
    CommandSpec("label", "pykubectl.commands.label", "Update the labels on a resource", SETTINGS),
    CommandSpec("annotate", "pykubectl.commands.annotate", "Update the annotations on a resource", SETTINGS),
    CommandSpec("completion", "pykubectl.commands.completion",
                "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)", SETTINGS),
    CommandSpec("api-resources", "pykubectl.commands.api_resources", "Print the supported API resources on the server", OTHER),
    CommandSpec("api-versions", "pykubectl.commands.api_versions",
                'Print the supported API versions on the server, in the form of "group/version"', OTHER),
    CommandSpec("config", "pykubectl.commands.config", "Modify kubeconfig files", OTHER),
    CommandSpec("plugin", "pykubectl.commands.plugin", "Provides utilities for interacting with plugins", OTHER),
    CommandSpec("version", "pykubectl.commands.version", "Print the client and server version information", OTHER),
    CommandSpec("options", "pykubectl.commands.options", "Print the list of flags inherited by all commands", OTHER, hidden=True),
    # hidden from help and, with no short help, from completion: kubectl 1.32 filters an alpha without children
    CommandSpec("alpha", "pykubectl.commands.alpha", "", OTHER, hidden=True),
)


root = KubectlGroup(
    "kubectl",
    specs=COMMANDS,
    help="kubectl controls the Kubernetes cluster manager.\n\n"
    " Find more information at: https://kubernetes.io/docs/reference/kubectl/",
    invoke_without_command=True,
    no_args_is_help=False,
)


@root.result_callback()
def _done(*_args, **_kwargs):
    # --warnings-as-errors fails a command that succeeded but got server warnings (kubectl's PostRunE).
    import click

    session = click.get_current_context().meta.get("pykubectl.session")
    error = session.warnings_error() if session is not None else None
    if error is not None:
        raise error
    return 0
