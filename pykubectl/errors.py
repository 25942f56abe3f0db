"""Exceptions that carry kubectl's message and exit code; only cli/main.py turns them into output."""

from __future__ import annotations


class KubectlError(Exception):
    """Any failure that ends a command. `str(exc)` is the text after kubectl's `error: ` prefix."""

    exit_code = 1  # kubectl's DefaultErrorExitCode for nearly every failure
    # Text kubectl writes to stdout before it reports the error (a verb's help, a printer's partial output).
    stdout_text = ""

    def render(self) -> str:
        """The full stderr text kubectl prints for this error (without the trailing newline)."""
        return f"error: {self}"


class UsageError(KubectlError):
    """Bad flags or arguments. `command_path` adds kubectl's "See 'kubectl get -h' for help" hint."""

    def __init__(self, message: str, command_path: str | None = None, hint: bool = True):
        super().__init__(message)
        self.command_path = command_path
        self.hint = hint

    def render(self) -> str:
        text = f"error: {self}"
        if self.hint and self.command_path:
            text += f"\nSee '{self.command_path} -h' for help and examples"
        return text


class FlagError(UsageError):
    """pflag's parse errors, which point at `--help` rather than `-h`."""

    def render(self) -> str:
        text = f"error: {self}"
        if self.command_path:
            text += f"\nSee '{self.command_path} --help' for usage."
        return text


class ErrorWithHelp(KubectlError):
    """An argument error after which kubectl prints the verb's help to stdout (cobra's cmd.Help(), then CheckErr).

    KubectlCommand fills `stdout_text` with the help on the way out; cli/main prints it before the error.
    """


class PlainError(KubectlError):
    """An error kubectl prints verbatim, without the `error: ` prefix."""

    def render(self) -> str:
        return str(self)


class ConfigError(KubectlError):
    """A kubeconfig that cannot be loaded or used."""


class InvalidConfigurationError(ConfigError):
    """clientcmd validation failures: `Error in configuration:` followed by `* reason` lines."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons

    def render(self) -> str:
        # kubectl's checkErr unwraps an aggregate of one: only a missing context still reads as a
        # configuration error; several reasons print as a bare list (no `error: ` prefix).
        if len(self.reasons) == 1:
            if self.reasons[0].startswith("context was not found for specified context"):
                return f"Error in configuration: {self.reasons[0]}"
            return f"error: {self.reasons[0]}"
        return "Error in configuration: \n" + "\n".join(f"* {r}" for r in self.reasons)


class ConnectionFailure(KubectlError):
    """The server could not be reached; the message is already in kubectl's words."""

    def render(self) -> str:
        return str(self)


class ApiError(KubectlError):
    """A non-2xx answer from the API server, built from its metav1.Status body."""

    def __init__(self, status: dict, http_code: int | None = None):
        self.status = status
        self.code = status.get("code") or http_code or 0
        self.reason = status.get("reason") or ""
        self.details = status.get("details") or {}
        super().__init__(status.get("message") or "")

    @property
    def message(self) -> str:
        return str(self)

    def render(self) -> str:
        # kubectl's StandardErrorMessage / checkErr (pkg/cmd/util/helpers.go).
        if self.reason == "Invalid":
            return self._render_invalid()
        return self.standard_message()

    def standard_message(self) -> str:
        """StandardErrorMessage: how kubectl words a Status inside an aggregate, Invalid ones included."""
        if self.reason == "Unauthorized" or (self.code == 401 and not self.reason):
            return f"error: You must be logged in to the server ({self.message or 'Unauthorized'})"
        if self.reason:
            return f"Error from server ({self.reason}): {self.message}"
        return f"Error from server: {self.message}"

    def _render_invalid(self) -> str:
        # checkErr's Invalid branch; MultilineError ends every cause with a newline, even one whose message
        # already has one (kubectl then prints a blank line).
        details = self.status.get("details")
        if not isinstance(details, dict):
            return "The request is invalid" + (f": {self.message}" if self.message else "")
        kind, name, causes = details.get("kind") or "", details.get("name") or "", details.get("causes") or []
        head = "The request is invalid"
        if kind or name:
            head = f'The {kind} "{name}" is invalid'
        elif self.message and not causes:
            head += f": {self.message}"
        if not causes:
            return head
        lines: list[str] = []
        for cause in causes:  # statusCausesToAggrError: "field: message", duplicates skipped
            line = f"{cause.get('field', '')}: {cause.get('message', '')}"
            if line not in lines:
                lines.append(line)
        if len(lines) == 1:
            return f"{head}: {lines[0]}\n"
        return f"{head}: \n" + "".join(f"* {line}\n" for line in lines)


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class Expired(ApiError):
    """410 Gone/Expired: a continue token or watch resourceVersion that is too old."""


class RemoteExitError(KubectlError):
    """exec, attach and run --attach pass the remote exit code through."""

    def __init__(self, code: int):
        super().__init__(f"command terminated with exit code {code}")
        self.exit_code = code

    def render(self) -> str:
        return str(self)


class ResourceTypeNotFound(KubectlError):
    def __init__(self, resource: str):
        super().__init__(f'the server doesn\'t have a resource type "{resource}"')
        self.resource = resource


class TransportError(ConnectionFailure):
    """A request that got no HTTP answer. `str()` is Go's url.Error text (`Get "URL": detail`),
    which kubectl embeds in wrapped errors; `render()` is kubectl's StandardErrorMessage for it."""

    def __init__(self, method: str, url: str, detail: str, host: str = ""):
        op = method[:1].upper() + method[1:].lower()
        super().__init__(f'{op} "{url}": {detail}')
        self.method, self.url, self.detail, self.host = method, url, detail, host

    @property
    def refused(self) -> bool:
        return "connection refused" in self.detail

    def render(self) -> str:
        if self.refused:
            return (f"The connection to the server {self.host} was refused - "
                    "did you specify the right host or port?")
        return f"Unable to connect to the server: {self.detail}"


class ExecPluginError(KubectlError):
    """An exec credential plugin that could not run or gave unusable output (client-go's wording)."""


class WarningsAsErrors(KubectlError):
    """--warnings-as-errors and the server sent at least one warning."""

    def render(self) -> str:
        return f"error: {self}"


class PrintError(KubectlError):
    """A printer could not render an object (bad -o value, template failure, unencodable data)."""


class JSONPathParseError(PrintError):
    """kubectl's `error parsing jsonpath <template>, <reason>` (cli-runtime JSONPathPrintFlags)."""

    def __init__(self, template: str, reason: str):
        super().__init__(f"error parsing jsonpath {template}, {reason}")
        self.template = template
        self.reason = reason

    def render(self) -> str:
        return f"error: {self}\n"


class JSONPathExecuteError(PrintError):
    """kubectl's `error executing jsonpath "<template>": Error executing template: ...` with its dump."""

    def __init__(self, template: str, reason: str, dump: str):
        super().__init__(f"error executing jsonpath {template!r}: {reason}")
        self.template = template
        self.reason = reason
        self.dump = dump

    def render(self) -> str:
        return self.dump


class UnknownOutputFormat(PrintError):
    """`-o` names no printer: kubectl lists every format the command accepts."""

    def __init__(self, output: str, allowed: list[str]):
        super().__init__(f'unable to match a printer suitable for the output format "{output}", '
                         f"allowed formats are: {','.join(allowed)}")
        self.output = output
        self.allowed = allowed


class NoKindMatch(KubectlError):
    """apimachinery's NoKindMatchError: an apiVersion/kind the server does not serve. Callers that know
    the object add kubectl's `resource mapping not found for name: ...` context."""

    def __init__(self, group: str, version: str, kind: str):
        api_version = f"{group}/{version}" if group else version
        super().__init__(f'no matches for kind "{kind}" in version "{api_version}"')
        self.group, self.version, self.kind = group, version, kind


class AggregateError(KubectlError):
    """Several errors collected while continuing on error (apimachinery's utilerrors.Aggregate).

    kubectl's checkErr prints each on its own line: API and connection errors in their standard form,
    anything else as its bare message (no `error: ` prefix); a nested aggregate prints as `[a, b]`."""

    def __init__(self, errors: list[Exception]):
        self.errors = list(errors)
        super().__init__(aggregate_message(self.errors))

    def render(self) -> str:
        # MultipleErrors. Callers unwrap an aggregate of one where kubectl's checkErr would (collected_error, the
        # builder): one that reaches here is printed as kubectl prints a nested aggregate.
        lines = []
        for error in self.errors:
            if isinstance(error, ApiError):
                lines.append(error.standard_message())
            elif isinstance(error, ConnectionFailure):
                lines.append(error.render())
            else:
                lines.append(str(error))
        return "\n".join(lines)


def aggregate_message(errors: list[Exception]) -> str:
    """Aggregate.Error(): one message as is; several deduplicated, comma-joined in brackets."""
    seen: list[str] = []

    def visit(items):
        for error in items:
            if isinstance(error, AggregateError):
                visit(error.errors)
            elif str(error) not in seen:
                seen.append(str(error))

    if len(errors) == 1:
        return str(errors[0])
    visit(errors)
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


class PrintErrorWithOutput(PrintError):
    """A printer that failed after producing output (a custom-columns header, a go-template's partial
    text and debugging dump): kubectl writes `stdout` to standard output, then reports the error."""

    def __init__(self, message: str, stdout: str):
        super().__init__(message)
        self.stdout_text = stdout


class DiffError(KubectlError):
    """kubectl diff's failures exit one higher than other commands' (cmdutil.CheckDiffErr)."""

    exit_code = 2


class DiffExitStatus(KubectlError):
    """The diff program's own status (1: differences found), passed through without a message."""

    def __init__(self, code: int):
        super().__init__("")
        self.exit_code = code

    def render(self) -> str:
        return ""


class Interrupted(KubectlError):
    """Ctrl-C ended a command whose Go original installs no handler, so the signal kills it: no output, and the
    shell's 128+SIGINT as the status (kubectl proxy)."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("")

    def render(self) -> str:
        return ""
