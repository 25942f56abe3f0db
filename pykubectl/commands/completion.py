"""kubectl completion SHELL: print the shell code that completes pykubectl (or kubectl) commands."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import UsageError
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_streams

SHELLS = ("bash", "zsh", "fish", "powershell")

HELP = (
    'Output shell completion code for the specified shell (bash, zsh, fish, or powershell). The shell code must be evaluated to provide interactive completion of kubectl commands.  This can be done by sourcing it from the .bash_profile.\n'
    '\n'
    ' Detailed instructions on how to do this are available here:\n'
    '\n'
    '        for macOS:\n'
    '        https://kubernetes.io/docs/tasks/tools/install-kubectl-macos/#enable-shell-autocompletion\n'
    '        \n'
    '        for linux:\n'
    '        https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/#enable-shell-autocompletion\n'
    '        \n'
    '        for windows:\n'
    '        https://kubernetes.io/docs/tasks/tools/install-kubectl-windows/#enable-shell-autocompletion\n'
    '        \n'
    ' Note for zsh users: [1] zsh completions are only supported in versions of zsh >= 5.2.'
)

EXAMPLES = (
    '  # Installing bash completion on macOS using homebrew\n'
    '  ## If running Bash 3.2 included with macOS\n'
    '  brew install bash-completion\n'
    '  ## or, if running Bash 4.1+\n'
    '  brew install bash-completion@2\n'
    '  ## If kubectl is installed via homebrew, this should start working immediately\n'
    "  ## If you've installed via other means, you may need add the completion to your completion directory\n"
    '  kubectl completion bash > $(brew --prefix)/etc/bash_completion.d/kubectl\n'
    '  \n'
    '  \n'
    '  # Installing bash completion on Linux\n'
    "  ## If bash-completion is not installed on Linux, install the 'bash-completion' package\n"
    "  ## via your distribution's package manager.\n"
    '  ## Load the kubectl completion code for bash into the current shell\n'
    '  source <(kubectl completion bash)\n'
    '  ## Write bash completion code to a file and source it from .bash_profile\n'
    '  kubectl completion bash > ~/.kube/completion.bash.inc\n'
    '  printf "\n'
    '  # kubectl shell completion\n'
    "  source '$HOME/.kube/completion.bash.inc'\n"
    '  " >> $HOME/.bash_profile\n'
    '  source $HOME/.bash_profile\n'
    '  \n'
    '  # Load the kubectl completion code for zsh[1] into the current shell\n'
    '  source <(kubectl completion zsh)\n'
    '  # Set the kubectl completion code for zsh[1] to autoload on startup\n'
    '  kubectl completion zsh > "${fpath[1]}/_kubectl"\n'
    '  \n'
    '  \n'
    '  # Load the kubectl completion code for fish[2] into the current shell\n'
    '  kubectl completion fish | source\n'
    '  # To load completions for each session, execute once:\n'
    '  kubectl completion fish > ~/.config/fish/completions/kubectl.fish\n'
    '  \n'
    '  # Load the kubectl completion code for powershell into the current shell\n'
    '  kubectl completion powershell | Out-String | Invoke-Expression\n'
    '  # Set kubectl completion code for powershell to run on startup\n'
    '  ## Save completion code to a script and execute in the profile\n'
    '  kubectl completion powershell > $HOME\\.kube\\completion.ps1\n'
    '  Add-Content $PROFILE "$HOME\\.kube\\completion.ps1"\n'
    '  ## Execute completion code in the profile\n'
    '  Add-Content $PROFILE "if (Get-Command kubectl -ErrorAction SilentlyContinue) {\n'
    '  kubectl completion powershell | Out-String | Invoke-Expression\n'
    '  }"\n'
    '  ## Add completion code directly to the $PROFILE script\n'
    '  kubectl completion powershell >> $PROFILE'
)


@dataclass(frozen=True)
class CompletionOptions:
    shell: str
    program: str = "pykubectl"

    @classmethod
    def from_flags(cls, params: dict, program: str = "pykubectl") -> CompletionOptions:
        args = tuple(params.get("args") or ())
        if not args:
            raise UsageError("Shell not specified.", "kubectl completion")
        if len(args) > 1:
            raise UsageError("Too many arguments. Expected only the shell type.", "kubectl completion")
        return cls(args[0], program)

    def validate(self) -> None:
        if self.shell not in SHELLS:
            raise UsageError(f'Unsupported shell type "{self.shell}".', "kubectl completion")


@click.command("completion", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="SHELL [options]")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = CompletionOptions.from_flags(params, program_name())
    options.validate()
    run(options)


def run(options: CompletionOptions) -> None:
    from pykubectl.resources.completion_scripts import script

    current_streams().out.write(script(options.shell, options.program))


def program_name() -> str:
    """The program the script completes: kubectl when pykubectl runs under that name (the kubectl switch),
    else pykubectl."""
    import os
    import sys

    return "kubectl" if os.path.basename(sys.argv[0]) == "kubectl" else "pykubectl"
