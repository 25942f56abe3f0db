"""kubectl config set-credentials: create or modify a user entry in kubeconfig."""

from __future__ import annotations

import os
from dataclasses import dataclass

import click

from pykubectl.errors import ErrorWithHelp, KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = (
    'Set a user entry in kubeconfig.\n'
    '\n'
    ' Specifying a name that already exists will merge new fields on top of existing values.\n'
    '\n'
    '        Client-certificate flags:\n'
    '        --client-certificate=certfile --client-key=keyfile\n'
    '        \n'
    '        Bearer token flags:\n'
    '        --token=bearer_token\n'
    '        \n'
    '        Basic auth flags:\n'
    '        --username=basic_user --password=basic_password\n'
    '        \n'
    ' Bearer token and basic auth are mutually exclusive.\n'
)
EXAMPLES = (
    '  # Set only the "client-key" field on the "cluster-admin"\n'
    '  # entry, without touching other values\n'
    '  kubectl config set-credentials cluster-admin --client-key=~/.kube/admin.key\n'
    '  \n'
    '  # Set basic auth for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --username=admin --password=uXFGweU9l35qcif\n'
    '  \n'
    '  # Embed client certificate data in the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --client-certificate=~/.kube/admin.crt --embed-certs=true\n'
    '  \n'
    '  # Enable the Google Compute Platform auth provider for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --auth-provider=gcp\n'
    '  \n'
    '  # Enable the OpenID Connect auth provider for the "cluster-admin" entry with additional arguments\n'
    '  kubectl config set-credentials cluster-admin --auth-provider=oidc --auth-provider-arg=client-id=foo --auth-provider-arg=client-secret=bar\n'
    '  \n'
    '  # Remove the "client-secret" config value for the OpenID Connect auth provider for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --auth-provider=oidc --auth-provider-arg=client-secret-\n'
    '  \n'
    '  # Enable new exec auth plugin for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --exec-command=/path/to/the/executable --exec-api-version=client.authentication.k8s.io/v1beta1\n'
    '  \n'
    '  # Enable new exec auth plugin for the "cluster-admin" entry with interactive mode\n'
    '  kubectl config set-credentials cluster-admin --exec-command=/path/to/the/executable --exec-api-version=client.authentication.k8s.io/v1beta1 --exec-interactive-mode=Never\n'
    '  \n'
    '  # Define new exec auth plugin arguments for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --exec-arg=arg1 --exec-arg=arg2\n'
    '  \n'
    '  # Create or update exec auth plugin environment variables for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --exec-env=key1=val1 --exec-env=key2=val2\n'
    '  \n'
    '  # Remove exec auth plugin environment variables for the "cluster-admin" entry\n'
    '  kubectl config set-credentials cluster-admin --exec-env=var-to-remove-\n'
)

_INTERACTIVE_MODES = ("IfAvailable", "Always", "Never")


def _parse_pairs(items: list[str], flag: str) -> tuple[dict[str, str], list[str]]:
    """kubectl's cmdutil.ParsePairs with removal (`key-`): new pairs, keys to remove."""
    pairs: dict[str, str] = {}
    remove: list[str] = []
    invalid: list[str] = []
    for item in items:
        if "=" in item and not item.startswith("="):
            key, _, value = item.partition("=")
            pairs[key] = value
        elif item.endswith("-") and item != "-":
            remove.append(item[:-1])
        else:
            invalid.append(item)
    if invalid:
        raise ErrorWithHelp(f"invalid {flag} format: {', '.join(invalid)}")
    return pairs, remove


def _flatten(values) -> list[str]:
    flat: list[str] = []
    for value in values or ():
        flat.extend(value if isinstance(value, list) else [value])
    return flat


@dataclass(frozen=True)
class SetCredentialsOptions:
    """String flags are None when not given; tri-state booleans likewise."""

    args: tuple[str, ...]
    client_certificate: str | None
    client_key: str | None
    token: str | None
    username: str | None
    password: str | None
    embed_certs: bool | None
    auth_provider: str | None
    auth_provider_args: tuple[str, ...]
    exec_command: str | None
    exec_api_version: str | None
    exec_args: tuple[str, ...]
    exec_env: tuple[str, ...]
    exec_interactive_mode: str | None
    exec_provide_cluster_info: bool | None

    @classmethod
    def from_flags(cls, params: dict) -> SetCredentialsOptions:
        return cls(
            tuple(params["args"]), params["client_certificate"], params["client_key"], params["token"],
            params["username"], params["password"], params["embed_certs"], params["auth_provider"],
            tuple(_flatten(params["auth_provider_arg"])), params["exec_command"], params["exec_api_version"],
            tuple(_flatten(params["exec_arg"])), tuple(params["exec_env"] or ()),
            params["exec_interactive_mode"], params["exec_provide_cluster_info"],
        )

    @property
    def name(self) -> str:
        return self.args[0]

    def complete(self) -> tuple[tuple[dict, list] | None, tuple[dict, list] | None]:
        """kubectl's complete(): argument count, then the key=value flags (errors come with the help)."""
        from pykubectl.config.editing import UnexpectedArgs

        if len(self.args) != 1:
            raise UnexpectedArgs(self.args, "unexpected args")
        provider = _parse_pairs(list(self.auth_provider_args), "auth-provider-arg") if self.auth_provider_args else None
        env = _parse_pairs(list(self.exec_env), "exec-env") if self.exec_env else None
        return provider, env

    def validate(self) -> None:
        if not self.name:
            raise KubectlError("you must specify a non-empty user name")
        methods = []
        if self.token:
            methods.append("--token")
        if self.username or self.password:
            methods.append("--username/--password")
        if len(methods) > 1:
            raise KubectlError("you cannot specify more than one authentication method at the same time: "
                               + ", ".join(methods))
        if self.embed_certs:
            cert, key = self.client_certificate or "", self.client_key or ""
            if not cert and not key:
                raise KubectlError("you must specify a --client-certificate or --client-key to embed")
            for flag, path in (("client-certificate", cert), ("client-key", key)):
                if path:
                    try:
                        os.stat(path)
                    except OSError as exc:
                        reason = (exc.strerror or str(exc)).lower()
                        raise KubectlError(f"could not stat {flag} file {path}: stat {path}: {reason}") from None
        if self.exec_interactive_mode is not None and self.exec_interactive_mode not in _INTERACTIVE_MODES:
            raise KubectlError("invalid interactive mode type, can be only IfAvailable, Never, Always")


@click.command("set-credentials", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage='NAME [--client-certificate=path/to/certfile] [--client-key=path/to/keyfile] [--token=bearer_token] [--username=basic_user] [--password=basic_password] [--auth-provider=provider_name] [--auth-provider-arg=key=value] [--exec-command=exec_command] [--exec-api-version=exec_api_version] [--exec-arg=arg] [--exec-env=key=value] [options]')
@pflag.string("--client-certificate", help="Path to client-certificate file for the user entry in kubeconfig")
@pflag.string("--client-key", help="Path to client-key file for the user entry in kubeconfig")
@pflag.string("--token", help="token for the user entry in kubeconfig")
@pflag.string("--username", help="username for the user entry in kubeconfig")
@pflag.string("--password", help="password for the user entry in kubeconfig")
@pflag.string("--auth-provider", help="Auth provider for the user entry in kubeconfig")
@pflag.string_slice("--auth-provider-arg", help="'key=value' arguments for the auth provider")
@pflag.string("--exec-command", help="Command for the exec credential plugin for the user entry in kubeconfig")
@pflag.string("--exec-api-version",
              help="API version of the exec credential plugin for the user entry in kubeconfig")
@pflag.string("--exec-interactive-mode",
              help="InteractiveMode of the exec credentials plugin for the user entry in kubeconfig")
@pflag.boolean("--exec-provide-cluster-info", default=None,
               help="ProvideClusterInfo of the exec credentials plugin for the user entry in kubeconfig")
@pflag.string_slice("--exec-arg",
                    help="New arguments for the exec credential plugin command for the user entry in kubeconfig")
@pflag.string_array("--exec-env", help="'key=value' environment values for the exec credential plugin")
@pflag.boolean("--embed-certs", default=None, help="Embed client cert/key for the user entry in kubeconfig")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = SetCredentialsOptions.from_flags(params)
    provider_pairs, env_pairs = options.complete()
    options.validate()
    run(options, provider_pairs, env_pairs)


def run(options: SetCredentialsOptions, provider_pairs, env_pairs) -> None:
    from pykubectl.config.editing import PathOptions, Stanza, go_quote, modify_config

    session = current_session()
    access = PathOptions.from_overrides(session.overrides)
    config = access.starting_config()
    existing = config.users.get(options.name)
    user = existing.copy() if existing is not None else Stanza()
    _modify_user(user, options, provider_pairs, env_pairs)
    config.users[options.name] = user
    modify_config(access, config, relativize_paths=True)
    session.streams.out.write(f"User {go_quote(options.name)} set.\n")


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _modify_user(user, options: SetCredentialsOptions, provider_pairs, env_pairs) -> None:
    """KC:pkg/cmd/config/set_credentials.go modifyAuthInfo."""
    for flag_value, path_key, data_key in ((options.client_certificate, "client-certificate", "client-certificate-data"),
                                           (options.client_key, "client-key", "client-key-data")):
        if flag_value is None:
            continue
        if options.embed_certs:
            user.set(data_key, _read(flag_value))
            user.set(path_key, "")
        else:
            path = os.path.abspath(flag_value)
            user.set(path_key, path)
            if path:
                user.set(data_key, b"")
    set_token = set_basic = False
    if options.token is not None:
        user.set("token", options.token)
        set_token = bool(options.token)
    if options.username is not None:
        user.set("username", options.username)
        set_basic = set_basic or bool(options.username)
    if options.password is not None:
        user.set("password", options.password)
        set_basic = set_basic or bool(options.password)
    provider = user.get("auth-provider")
    if options.auth_provider is not None and (provider is None or provider["name"] != options.auth_provider):
        provider = user.fields["auth-provider"] = {"name": options.auth_provider, "config": None}
    if provider is not None:
        if provider["config"] is None:
            provider["config"] = {}
        if provider_pairs is not None:
            pairs, remove = provider_pairs
            for key in remove:
                provider["config"].pop(key, None)
            provider["config"].update(pairs)
    exec_config = user.get("exec")
    if options.exec_command is not None:
        if exec_config is None:
            from pykubectl.config.editing import new_exec_config

            exec_config = user.fields["exec"] = new_exec_config(options.exec_command)
        else:
            exec_config["command"] = options.exec_command
            exec_config["args"] = None  # a new command resets the arguments
    if exec_config is not None:
        if options.exec_api_version is not None:
            exec_config["apiVersion"] = options.exec_api_version
        if options.exec_args:
            exec_config["args"] = list(options.exec_args)
        if options.exec_interactive_mode is not None:
            exec_config["interactiveMode"] = options.exec_interactive_mode
        if options.exec_provide_cluster_info is not None:
            exec_config["provideClusterInfo"] = options.exec_provide_cluster_info
        if env_pairs is not None:
            pairs, remove = env_pairs
            exec_config["env"] = [e for e in exec_config["env"] or [] if e["name"] not in remove]
            created = []
            for name, value in pairs.items():
                for entry in exec_config["env"]:
                    if entry["name"] == name:
                        entry["value"] = value
                        break
                else:
                    created.append({"name": name, "value": value})
            exec_config["env"] = exec_config["env"] + created
    if set_token or set_basic:  # one authentication method clears the other
        if not set_token:
            user.set("token", "")
        if not set_basic:
            user.set("username", "")
            user.set("password", "")


