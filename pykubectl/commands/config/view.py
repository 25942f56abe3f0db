"""kubectl config view: print the merged kubeconfig (or one file), redacted unless --raw or --flatten."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

import click

from pykubectl.errors import ConfigError, KubectlError, UsageError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

# cli-runtime PrintFlags for a typed object: what `config view -o` accepts (sorted as kubectl lists them).
ALLOWED_FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file",
                   "name", "template", "templatefile", "yaml")
# clientcmd's ShortenConfig stores base64-decode("DATA+OMITTED") so the encoder prints the words back.
DATA_OMITTED = base64.b64decode("DATA+OMITTED")


@dataclass(frozen=True)
class ViewOptions:
    output: str
    merge: bool
    raw: bool
    flatten: bool
    minify: bool
    args: tuple[str, ...]
    allow_missing_keys: bool = True
    template: str = ""

    @classmethod
    def from_flags(cls, params: dict) -> ViewOptions:
        return cls(output=params.get("output") or "yaml", merge=params["merge"], raw=params["raw"],
                   flatten=params["flatten"], minify=params["minify"], args=tuple(params.get("args") or ()),
                   allow_missing_keys=params["allow_missing_template_keys"], template=params.get("template") or "")

    def validate(self) -> None:
        if self.args:
            raise UsageError(f"unexpected arguments: [{' '.join(self.args)}]", "kubectl config view")
        kind = self.output.split("=", 1)[0]
        if kind not in ALLOWED_FORMATS:
            raise KubectlError(f'unable to match a printer suitable for the output format "{self.output}", '
                         f"allowed formats are: {','.join(ALLOWED_FORMATS)}")


@click.command("view", cls=KubectlCommand)
@pflag.string("-o", "--output", default="yaml",
              help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, "
                   "templatefile, jsonpath, jsonpath-as-json, jsonpath-file).")
@pflag.boolean("--merge", default=True, help="Merge the full hierarchy of kubeconfig files")
@pflag.boolean("--raw", help="Display raw byte data and sensitive data")
@pflag.boolean("--flatten", help="Flatten the resulting kubeconfig file into self-contained output "
                                 "(useful for creating portable kubeconfig files)")
@pflag.boolean("--minify", help="Remove all information not used by current-context from the output")
@pflag.string("--template", help="Template string or path to template file to use when -o=go-template, "
                                 "-o=go-template-file.")
@pflag.boolean("--allow-missing-template-keys", default=True,
               help="If true, ignore any errors in templates when a field or map key is missing in the template.")
@pflag.boolean("--show-managed-fields", help="If true, keep the managedFields when printing objects in "
                                             "JSON or YAML format.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ViewOptions.from_flags(params)
    options.validate()
    run(options, current_session())


def run(options: ViewOptions, session) -> None:
    from pykubectl.config import loading

    overrides = session.overrides
    if not options.merge:
        if not overrides.kubeconfig:
            raise KubectlError("if merge==false a precise file must be specified")
        config = loading.load_file(overrides.kubeconfig, wrap=False)
    else:
        config = loading.load_starting_config(overrides)
    if options.minify:
        if overrides.context:
            config.current_context = overrides.context
        minify(config)
    if options.flatten:
        flatten(config)
    elif not options.raw:
        redact(config)
    session.streams.out.write(_render(options, config.to_v1()))


def minify(config) -> None:
    """clientcmdapi.MinifyConfig: keep the current context and the cluster and user it names."""
    if not config.current_context:
        raise KubectlError("current-context must exist in order to minify")
    context = config.contexts.get(config.current_context)
    if context is None:
        raise KubectlError(f"cannot locate context {config.current_context}")
    clusters, users = {}, {}
    if context.cluster:
        if context.cluster not in config.clusters:
            raise KubectlError(f"cannot locate cluster {context.cluster}")
        clusters[context.cluster] = config.clusters[context.cluster]
    if context.user:
        if context.user not in config.users:
            raise KubectlError(f"cannot locate user {context.user}")
        users[context.user] = config.users[context.user]
    config.contexts = {config.current_context: context}
    config.clusters, config.users = clusters, users


def flatten(config) -> None:
    """clientcmdapi.FlattenConfig: inline every file reference as its `*-data` field (read from its origin's dir)."""
    for user in config.users.values():
        base = os.path.abspath(os.path.dirname(user.origin))
        _flatten_field(user.data, "client-certificate", base)
        _flatten_field(user.data, "client-key", base)
    for cluster in config.clusters.values():
        base = os.path.abspath(os.path.dirname(cluster.origin))
        _flatten_field(cluster.data, "certificate-authority", base)


def _flatten_field(data: dict, key: str, base: str) -> None:
    path = data.get(key)
    if not isinstance(path, str) or not path:
        return
    if data.get(f"{key}-data"):
        raise KubectlError("cannot have values for both path and contents")
    full = path if os.path.isabs(path) else os.path.normpath(os.path.join(base, path))
    try:
        with open(full, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"open {full}: no such file or directory") from None
    except IsADirectoryError:
        raise ConfigError(f"read {full}: is a directory") from None
    except OSError as exc:
        raise ConfigError(f"open {full}: {(exc.strerror or str(exc)).lower()}") from None
    data[f"{key}-data"] = content
    data.pop(key, None)


def redact(config) -> None:
    """RedactSecrets then ShortenConfig. auth-provider config and exec env are deliberately left alone."""
    for user in config.users.values():
        for key in ("client-certificate-data", "client-key-data"):
            if user.data.get(key):
                user.data[key] = DATA_OMITTED
        for key in ("token", "password"):
            if user.data.get(key):
                user.data[key] = "REDACTED"
    for cluster in config.clusters.values():
        if cluster.data.get("certificate-authority-data"):
            cluster.data["certificate-authority-data"] = DATA_OMITTED


def _render(options: ViewOptions, data: dict) -> str:
    kind, _, argument = options.output.partition("=")
    if kind == "yaml":
        from pykubectl.printing.structured import to_yaml

        text = to_yaml(data)
        return text if text.endswith("\n") else text + "\n"
    if kind == "json":
        from pykubectl.printing.structured import to_json

        return to_json(data)
    if kind == "name":
        return "config/<unknown>\n"
    if kind in ("jsonpath", "jsonpath-as-json", "jsonpath-file"):
        from pykubectl.printing import jsonpath

        template = argument
        if kind == "jsonpath-file":
            try:
                with open(argument) as handle:
                    template = handle.read()
            except OSError as exc:
                raise KubectlError(f"error reading --template {argument}, {exc}") from None
        if kind == "jsonpath-as-json":
            return jsonpath.render_as_json(template, data, allow_missing_keys=options.allow_missing_keys)
        return jsonpath.render(template, data, allow_missing_keys=options.allow_missing_keys)
    # go-template, go-template-file, template and templatefile
    from pykubectl.printing.registry import printer_for

    printer = printer_for(options.output, allowed=ALLOWED_FORMATS, template_argument=options.template,
                          allow_missing_keys=options.allow_missing_keys)
    return printer(data)
