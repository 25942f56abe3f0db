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


def test_a_command_that_talks_to_a_server_loads_no_rendering_library(kubeconfig_file):
    """`get` in a pipe: httpx, but neither rich nor pygments (httpx's own command-line tool would load both)."""
    probe = (
        "import sys, io, contextlib, os\n"
        "from pykubectl.cli.main import main\n"
        "from pykubectl.streams import IOStreams\n"
        "s = IOStreams.buffers()\n"
        f"code = main(['get', 'namespaces', '--kubeconfig', {str(kubeconfig_file)!r}], s)\n"
        "assert code == 0, (code, s.err.getvalue())\n"
        "print(' '.join(m.split('.')[0] for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env={"HOME": "/tmp"})
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "httpx" in loaded
    assert not {"rich", "pygments"} & loaded
