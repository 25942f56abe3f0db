"""Session: the per-invocation composition root; builds config, client and mapper lazily, once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from pykubectl.config.overrides import ConfigOverrides
from pykubectl.streams import IOStreams

if TYPE_CHECKING:
    from pykubectl.client.discovery import Discovery
    from pykubectl.client.mapper import RestMapper
    from pykubectl.client.rest import RestClient
    from pykubectl.config.kubeconfig import KubeConfig
    from pykubectl.config.resolve import ConnectionSettings


@dataclass
class Session:
    """One invocation's lazily built kubeconfig, settings, client, discovery and mapper."""

    overrides: ConfigOverrides
    streams: IOStreams
    command_path: str = ""  # "kubectl config view": sent as the Kubectl-Command header
    namespace_first: bool = True  # False for verbs that never read the namespace (see config.resolve)

    @cached_property
    def kubeconfig(self) -> KubeConfig:
        from pykubectl.config.loading import load_kubeconfig

        return load_kubeconfig(self.overrides)

    @cached_property
    def settings(self) -> ConnectionSettings:
        from pykubectl.config.resolve import resolve

        return resolve(self.kubeconfig, self.overrides, namespace_first=self.namespace_first)

    @property
    def namespace(self) -> str:
        return self.settings.namespace

    @cached_property
    def client(self) -> RestClient:
        from pykubectl.client.rest import RestClient

        _prompt_for_credentials(self.settings, self.streams)
        return RestClient(self.settings, warnings=self.streams.err,
                          warnings_as_errors=self.overrides.warnings_as_errors,
                          stdin=self.streams.stdin, stdin_is_terminal=self.streams.in_is_terminal,
                          command_path=self.command_path)

    @cached_property
    def discovery(self) -> Discovery:
        from pykubectl.client.discovery import Discovery, default_cache_dir

        return Discovery(self.client, self.overrides.cache_dir or default_cache_dir(), errors=self.streams.err)

    @cached_property
    def mapper(self) -> RestMapper:
        return _client_go_mapper(self.discovery, self.streams.err, self.command_path)

    def close(self) -> None:
        if "client" in self.__dict__:
            self.client.close()

    def warnings_error(self):
        """--warnings-as-errors: the error to raise once the command has succeeded (None: carry on)."""
        return self.client.warnings_error() if "client" in self.__dict__ else None


# Verbs that ask the shortcut expander directly (ResourceFor/KindFor: 2 attempts) rather than through the
# builder, and verbs whose builder also runs the alias pass over their one type argument (1 more).
_DIRECT_LOOKUPS = ("kubectl explain", "kubectl auth can-i")
_ALIASED_LOOKUPS = ("kubectl cluster-info",)


def _client_go_mapper(discovery: Discovery, warnings, command_path: str = "") -> RestMapper:
    """The RESTMapper, reporting a failed discovery as many times as kubectl's mapper stack tries it.

    client-go logs one "Unhandled Error" line per attempt (see Discovery.report_failure). cli-runtime's
    mappingFor asks the shortcut expander for KindFor (2 attempts: its shortcut list, then the deferred
    mapper), then RESTMapping twice (1 each): 4 for `pods`, 6 when a version is given (`pods.v1.`), whose
    KindFor runs twice. ReplaceAliases (categories) tries once per type and ignores the failure."""
    from pykubectl.client.mapper import RestMapper
    from pykubectl.errors import KubectlError

    class ClientGoMapper(RestMapper):
        def resource_for(self, arg: str):
            try:
                return super().resource_for(arg)
            except KubectlError as exc:
                if exc is discovery.failure:
                    attempts = 6 if arg.count(".") >= 2 else 4
                    if command_path.startswith(_DIRECT_LOOKUPS):
                        attempts = 2
                    elif command_path.startswith(_ALIASED_LOOKUPS):
                        attempts += 1
                    discovery.report_failure(attempts - 1)
                raise

        def expand_category(self, category: str):
            try:
                return super().expand_category(category)
            except KubectlError as exc:
                if exc is not discovery.failure:
                    raise
                return None

    return ClientGoMapper(discovery, warnings=warnings)


def _can_identify_user(settings: ConnectionSettings) -> bool:
    return bool(settings.username or settings.client_certificate_file or settings.client_certificate_data
                or settings.token or settings.token_file or settings.auth_provider or settings.exec_config)


def _prompt_for_credentials(settings: ConnectionSettings, streams: IOStreams) -> None:
    """clientcmd's prompting loader: an https server and no way to identify the user → ask for basic auth.

    Like kubectl, the prompt goes to stdout and the username is read from stdin; the password only from a
    terminal (no echo).
    """
    from pykubectl.errors import KubectlError

    if not settings.server.startswith("https://") or _can_identify_user(settings):
        return
    streams.out.write("Please enter Username: ")
    streams.out.flush()
    line = streams.stdin.readline()
    username = line.split()[0] if line.split() else ""
    if not username:
        raise KubectlError("EOF")
    streams.out.write("Please enter Password: ")
    streams.out.flush()
    if not streams.in_is_terminal():
        raise KubectlError("error reading input for Password")
    import getpass

    settings.username, settings.password = username, getpass.getpass(prompt="", stream=streams.err)
