"""-o json, -o yaml and -o name: the same bytes kubectl prints."""

from __future__ import annotations

import json


def to_json(obj) -> str:
    # kubectl: json.MarshalIndent(obj, "", "    ") with HTML escaping off, plus a newline.
    return json.dumps(obj, indent=4, ensure_ascii=False) + "\n"


def to_yaml(obj) -> str:
    """YAML as sigs.k8s.io/yaml writes it: keys sorted, block style, 2-space indents, no trailing newline."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(obj, Dumper=dumper, default_flow_style=False, sort_keys=True,
                     allow_unicode=True, width=2**31 - 1).rstrip("\n")
