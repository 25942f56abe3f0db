"""Where kubeconfig comes from: --kubeconfig, else the KUBECONFIG list, else ~/.kube/config."""

from __future__ import annotations

import os
from pathlib import Path

from pykubectl.config.overrides import ConfigOverrides
from pykubectl.errors import ConfigError


def recommended_home_file() -> Path:
    return Path(os.path.expanduser("~")) / ".kube" / "config"


def kubeconfig_paths(overrides: ConfigOverrides) -> list[Path]:
    """The files kubectl reads, in precedence order (CG:tools/clientcmd/loader.go)."""
    if overrides.kubeconfig:
        return [Path(overrides.kubeconfig)]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        paths: list[Path] = []
        for entry in env.split(os.pathsep):
            if entry and Path(entry) not in paths:
                paths.append(Path(entry))
        return paths
    return [recommended_home_file()]


def read_kubeconfig_file(path: Path) -> dict:
    """One file's raw content as a dict; {} for an empty file. Raises ConfigError with kubectl's text."""
    import yaml

    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ConfigError(f"stat {path}: no such file or directory") from None
    except OSError as exc:
        raise ConfigError(f"error loading config file \"{path}\": {exc.strerror}") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"error loading config file \"{path}\": {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"error loading config file \"{path}\": couldn't get version/kind; json parse error")
    return data
