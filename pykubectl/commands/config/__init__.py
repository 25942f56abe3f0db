"""kubectl config: the verb group; each sub-verb is its own module in this package."""

from __future__ import annotations

from pykubectl.flags.command import CommandSpec, KubectlGroup

_PKG = "pykubectl.commands.config"

CONFIG_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("current-context", f"{_PKG}.current_context", "Display the current-context"),
    CommandSpec("delete-cluster", f"{_PKG}.delete_cluster", "Delete the specified cluster from the kubeconfig"),
    CommandSpec("delete-context", f"{_PKG}.delete_context", "Delete the specified context from the kubeconfig"),
    CommandSpec("delete-user", f"{_PKG}.delete_user", "Delete the specified user from the kubeconfig"),
    CommandSpec("get-clusters", f"{_PKG}.get_clusters", "Display clusters defined in the kubeconfig"),
    CommandSpec("get-contexts", f"{_PKG}.get_contexts", "Describe one or many contexts"),
    CommandSpec("get-users", f"{_PKG}.get_users", "Display users defined in the kubeconfig"),
    CommandSpec("rename-context", f"{_PKG}.rename_context", "Rename a context from the kubeconfig file"),
    CommandSpec("set", f"{_PKG}.set", "Set an individual value in a kubeconfig file"),
    CommandSpec("set-cluster", f"{_PKG}.set_cluster", "Set a cluster entry in kubeconfig"),
    CommandSpec("set-context", f"{_PKG}.set_context", "Set a context entry in kubeconfig"),
    CommandSpec("set-credentials", f"{_PKG}.set_credentials", "Set a user entry in kubeconfig"),
    CommandSpec("unset", f"{_PKG}.unset", "Unset an individual value in a kubeconfig file"),
    CommandSpec("use-context", f"{_PKG}.use_context", "Set the current-context in a kubeconfig file"),
    # kubectl's alias for use-context (cobra Aliases); hidden, as cobra never lists aliases.
    CommandSpec("use", f"{_PKG}.use_context", "Set the current-context in a kubeconfig file", hidden=True),
    CommandSpec("view", f"{_PKG}.view", "Display merged kubeconfig settings or a specified kubeconfig file"),
)

command = KubectlGroup(
    "config",
    specs=CONFIG_COMMANDS,
    help="Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".",
)
