"""The REST side of pykubectl: httpx transport, discovery, watch and streaming channels (no CLI imports)."""

import sys
import types

# httpx's package __init__ imports its own command-line tool (httpx._main), which loads rich, pygments and
# click: ~80 ms on every command that talks to a server. pykubectl never runs that tool, so an empty stand-in
# takes its place when nothing has imported httpx yet.
if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _cli_stand_in = types.ModuleType("httpx._main")
    _cli_stand_in.main = lambda: None
    sys.modules["httpx._main"] = _cli_stand_in
