"""describe's terminal colour: a pure function of the text that only adds escape codes."""

from __future__ import annotations

import io

import pytest

from pykubectl.printing.describe.colour import BOLD, GREEN, RED, RESET, YELLOW, colourise, strip

POD = """\
Name:             web-1
Namespace:        default
Annotations:      note: a: b
Status:           Running
IP:               10.244.0.5
Containers:
  nginx:
    State:          Running
Conditions:
  Type                        Status
  PodReadyToStartContainers   True\x20
  Ready                       False\x20
  PodScheduled                Unknown\x20
Events:
  Type     Reason     Age   From               Message
  ----     ------     ----  ----               -------
  Normal   Pulled     5s    kubelet            Container image "nginx" already present
  Warning  BackOff    2s    kubelet            Back-off restarting failed container
"""


def test_only_escape_codes_are_added():
    assert strip(colourise(POD)) == POD


def test_labels_and_section_headers_are_bold():
    lines = colourise(POD).split("\n")
    assert lines[0] == f"{BOLD}Name:{RESET}             web-1"
    assert lines[2] == f"{BOLD}Annotations:{RESET}      note: a: b"  # only the label, not a colon in the value
    assert lines[5] == f"{BOLD}Containers:{RESET}"
    assert lines[7] == "    State:          Running"  # nested fields stay plain


def test_status_conditions_and_warning_events_are_coloured():
    lines = colourise(POD).split("\n")
    assert lines[3] == f"{BOLD}Status:{RESET}           {GREEN}Running{RESET}"
    assert lines[9] == f"  {BOLD}Type                        Status{RESET}"
    assert lines[10] == f"  PodReadyToStartContainers   {GREEN}True{RESET} "
    assert lines[11] == f"  Ready                       {RED}False{RESET} "
    assert lines[12] == f"  PodScheduled                {YELLOW}Unknown{RESET} "
    assert lines[15] == "  ----     ------     ----  ----               -------"
    assert lines[16].startswith("  Normal   Pulled")
    assert lines[17] == f"  {YELLOW}Warning{RESET}  BackOff    2s    kubelet            Back-off restarting failed container"


@pytest.mark.parametrize("text", [
    "", "Events:  <none>\n", "Name:  x\nEvents:\n", "Status:  Pending\n", "weird line without label\n  indented\n",
    "Conditions:\n  Type  Status  Reason\n  ----  ------  ------\n  Available  True  MinimumReplicasAvailable\n",
])
def test_odd_shapes_survive(text):
    assert strip(colourise(text)) == text


def test_describe_colours_only_a_terminal(monkeypatch):
    """The command wires it in: a terminal gets colour, NO_COLOR or a pipe gets kubectl's bytes."""
    from pykubectl.commands import describe
    from pykubectl.streams import IOStreams

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    class Session:
        def __init__(self, out):
            self.streams = IOStreams(io.StringIO(), out, io.StringIO())

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert describe._painter(Session(Terminal()))("Status:  Running") == f"{BOLD}Status:{RESET}  {GREEN}Running{RESET}"
    assert describe._painter(Session(io.StringIO()))("Status:  Running") == "Status:  Running"
    monkeypatch.setenv("NO_COLOR", "1")
    assert describe._painter(Session(Terminal()))("Status:  Running") == "Status:  Running"
