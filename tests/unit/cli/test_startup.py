"""Start-up stays light: `--help` and `version --client` load no network or rendering library."""

import subprocess
import sys

HEAVY = {"httpx", "rich", "yaml", "jsonpath_ng", "websockets", "aiohttp"}


def _modules_after(args: list[str]) -> set[str]:
    probe = (
        "import sys, io, contextlib\n"
        "from pykubectl.cli.main import main\n"
        "from pykubectl.streams import IOStreams\n"
        "s = IOStreams.buffers()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({args!r}, s)\n"
        "assert code == 0, (code, s.err.getvalue())\n"
        "print(' '.join(m.split('.')[0] for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_help_imports_no_heavy_packages():
    assert not HEAVY & _modules_after(["--help"])


def test_version_client_imports_no_heavy_packages():
    assert not HEAVY & _modules_after(["version", "--client"])


def test_version_client_json_imports_no_heavy_packages():
    assert not HEAVY & _modules_after(["version", "--client", "-o", "json"])
