"""kubectl kustomize DIR: build a kustomization and print it as YAML documents (kubectl's embedded
`kustomize build`; here resources/manifests.read_kustomization, the loader -k uses)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import KubectlError
from pykubectl.flags import pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_streams

HELP = "Build a set of KRM resources using a 'kustomization.yaml' file. The DIR argument must be a path to a directory containing 'kustomization.yaml', or a git repository URL with a path suffix specifying same with respect to the repository root. If DIR is omitted, '.' is assumed."
EXAMPLES = '  # Build the current working directory\n  kubectl kustomize\n  \n  # Build some shared configuration directory\n  kubectl kustomize /home/config/production\n  \n  # Build from github\n  kubectl kustomize https://github.com/kubernetes-sigs/kustomize.git/examples/helloWorld?ref=v1.0.6'
USAGE = 'DIR [flags] [options]'


def _shown(text: str):
    """A string flag whose help shows kustomize's default though the value we keep stays the same."""
    def decorate(f):
        f.__click_params__[-1].pflag_default_text = text
        return f
    return decorate


@dataclass(frozen=True)
class KustomizeOptions:
    directory: str = "."
    output: str = ""
    load_restrictor: str = "LoadRestrictionsRootOnly"
    args: tuple[str, ...] = ()

    @classmethod
    def from_flags(cls, params: dict) -> KustomizeOptions:
        args = tuple(params.get("args") or ())
        return cls(directory=args[0] if args else ".", output=params.get("output") or "",
                   load_restrictor=params.get("load_restrictor") or "LoadRestrictionsRootOnly", args=args)

    def validate(self) -> None:
        if len(self.args) > 1:
            raise KubectlError("specify one path to kustomization.yaml")
        if self.load_restrictor not in ("LoadRestrictionsRootOnly", "LoadRestrictionsNone"):
            raise KubectlError(f"illegal flag value --load-restrictor {self.load_restrictor}; legal values: "
                               "[LoadRestrictionsRootOnly LoadRestrictionsNone]")


@click.command("kustomize", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.boolean("--as-current-user", help="use the uid and gid of the command executor to run the function in the container")
@pflag.boolean("--enable-alpha-plugins", help="enable kustomize plugins")
@pflag.boolean("--enable-helm", help="Enable use of the Helm chart inflator generator.")
@pflag.string_array("-e", "--env", help="a list of environment variables to be used by functions")
@pflag.string_slice("--helm-api-versions", help="Kubernetes api versions used by Helm for Capabilities.APIVersions")
@pflag.string("--helm-command", default="helm", help="helm command (path to executable)")
@pflag.boolean("--helm-debug", help="Enable debug output from the Helm chart inflator generator.")
@pflag.string("--helm-kube-version", help="Kubernetes version used by Helm for Capabilities.KubeVersion")
@pflag.string("--load-restrictor", default="LoadRestrictionsRootOnly", help="if set to 'LoadRestrictionsNone', local kustomizations may load files from outside their root. This does, however, break the relocatability of the kustomization.")
@pflag.string_array("--mount", help="a list of storage options read from the filesystem")
@pflag.boolean("--network", help="enable network access for functions that declare it")
@pflag.string("--network-name", default="bridge", help="the docker network to run the container in")
@pflag.string("-o", "--output", help="If specified, write output to this path.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = KustomizeOptions.from_flags(params)
    options.validate()
    run(options, current_streams())


def run(options: KustomizeOptions, streams) -> None:
    from pykubectl.printing.structured import to_yaml
    from pykubectl.resources.kustomize import read_kustomization

    def warn(text: str) -> None:
        streams.err.write(text + "\n")
        streams.err.flush()

    objects: list[dict] = []
    for item in read_kustomization(options.directory, warn, options.load_restrictor):
        if isinstance(item, Exception):
            raise item
        objects.append(item.obj)
    if options.output:
        import os

        if os.path.isdir(options.output):
            from pykubectl.resources.kustomize import individual_files

            for name, obj in individual_files(objects):
                _write(os.path.join(options.output, name), to_yaml(obj))
            return
        _write(options.output, "---\n".join(to_yaml(obj) for obj in objects))
        return
    streams.out.write("---\n".join(to_yaml(obj) for obj in objects))
    streams.out.flush()


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise KubectlError(f"open {path}: {reason}") from None
