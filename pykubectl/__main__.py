"""`python -m pykubectl` runs the CLI."""

from pykubectl.cli.main import entry_point

entry_point()
