"""kubectl cp: copy files and directories to and from containers, as tar streams over exec (kubectl's cp.go).

To a pod: `test -d DEST` decides whether DEST is a directory (then the source keeps its name inside it); the
local tree is written as a tar stream (kubectl's makeTar: names rewritten to the remote destination) into
`tar -xmf - [-C DIR]` (or with `--no-same-permissions --no-same-owner` for --no-preserve) on exec's stdin.
From a pod: `tar cf - SRC` (with --retries, `sh -c "tar cf - 'SRC' | tail -c+N"` resuming after a broken
stream) read back and unpacked under DEST with kubectl's prefix stripping, its outside-destination and
symlink warnings. The remote tar's stderr goes to stdout, as kubectl wires it.
"""

from __future__ import annotations

import glob
import io
import os
import posixpath
import tarfile
import threading
from dataclasses import dataclass
from types import SimpleNamespace

import click

from pykubectl.errors import KubectlError, RemoteExitError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = "Copy files and directories to and from containers."
_EXAMPLES = (
    ("!!!Important Note!!!\n  # Requires that the 'tar' binary is present in your container\n  # image.  If 'tar' "
     "is not present, 'kubectl cp' will fail.\n  #\n  # For advanced use cases, such as symlinks, wildcard "
     "expansion or\n  # file mode preservation, consider using 'kubectl exec'.\n  \n  # Copy /tmp/foo local file "
     "to /tmp/bar in a remote pod in namespace <some-namespace>", "tar cf - /tmp/foo | kubectl exec -i -n "
     "<some-namespace> <some-pod> -- tar xf - -C /tmp/bar"),
    ("Copy /tmp/foo from a remote pod to /tmp/bar locally",
     "kubectl exec -n <some-namespace> <some-pod> -- tar cf - /tmp/foo | tar xf - -C /tmp/bar"),
    ("Copy /tmp/foo_dir local directory to /tmp/bar_dir in a remote pod in the default namespace",
     "kubectl cp /tmp/foo_dir <some-pod>:/tmp/bar_dir"),
    ("Copy /tmp/foo local file to /tmp/bar in a remote pod in a specific container",
     "kubectl cp /tmp/foo <some-pod>:/tmp/bar -c <specific-container>"),
    ("Copy /tmp/foo local file to /tmp/bar in a remote pod in namespace <some-namespace>",
     "kubectl cp /tmp/foo <some-namespace>/<some-pod>:/tmp/bar"),
    ("Copy /tmp/foo from a remote pod to /tmp/bar locally",
     "kubectl cp <some-namespace>/<some-pod>:/tmp/foo /tmp/bar"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)
FILESPEC_ERROR = "filespec must match the canonical format: [[namespace/]pod:]file/path"


@dataclass(frozen=True)
class FileSpec:
    pod: str
    namespace: str
    file: str


def _strip_trailing_slash(path: str) -> str:
    return path[:-1] if path and path != "/" and path.endswith("/") else path


def _strip_shortcuts(path: str) -> str:
    """stripPathShortcuts: leading "../" removed, "." and ".." emptied, one leading "/" dropped."""
    while path.startswith("../"):
        path = path[3:]
    if path in (".", ".."):
        path = ""
    return path[1:] if path.startswith("/") else path


def _go_clean(path: str) -> str:
    return posixpath.normpath(path) if path else "."


def _go_join(*parts: str) -> str:
    joined = "/".join(p for p in parts if p)
    return _go_clean(joined) if joined else ""


def extract_file_spec(arg: str) -> FileSpec:
    index = arg.find(":")
    if index == 0:
        raise KubectlError(FILESPEC_ERROR)
    if index == -1:
        return FileSpec("", "", _strip_trailing_slash(arg))
    pod, file = arg[:index], _strip_trailing_slash(arg[index + 1:].replace("\\", "/"))
    pieces = pod.split("/")
    if len(pieces) == 1:
        return FileSpec(pieces[0], "", file)
    if len(pieces) == 2:
        return FileSpec(pieces[1], pieces[0], file)
    raise KubectlError(FILESPEC_ERROR)


@dataclass(frozen=True)
class CpOptions:
    args: tuple[str, ...]
    container: str
    no_preserve: bool
    retries: int

    @classmethod
    def from_flags(cls, params: dict) -> CpOptions:
        return cls(args=tuple(params.get("args") or ()), container=params.get("container") or "",
                   no_preserve=bool(params.get("no_preserve")), retries=int(params.get("retries") or 0))

    def validate(self) -> None:
        if len(self.args) != 2:
            raise KubectlError("source and destination are required")


@click.command("cp", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage="<file-spec-src> <file-spec-dest> [options]")
@pflag.string("-c", "--container", default="",
              help="Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for "
                   "selecting the container to be attached or the first container in the pod will be chosen")
@pflag.boolean("--no-preserve", help="The copied file/directory's ownership and permissions will not be preserved "
                                     "in the container")
@bundles.integer("--retries", default=0,
                 help="Set number of retries to complete a copy operation from a container. Specify 0 to disable or "
                      "any negative value for infinite retrying. The default is 0 (no retry).")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = CpOptions.from_flags(params)
    session = current_session()
    namespace = session.namespace  # Complete: the kubeconfig is read before the arguments are checked
    session.client  # noqa: B018 - and the client config
    options.validate()
    run(options, session, namespace)


def run(options: CpOptions, session, namespace: str) -> None:
    src, dest = (extract_file_spec(a) for a in options.args)
    if src.pod and dest.pod:
        raise KubectlError("one of src or dest must be a local file specification")
    if not src.file or not dest.file:
        raise KubectlError("filepath can not be empty")
    copier = _Copier(options, session, namespace)
    if src.pod:
        copier.from_pod(src, dest)
    elif dest.pod:
        copier.to_pod(src, dest)
    else:
        raise KubectlError("one of src or dest must be a remote file specification")


class _Copier:
    def __init__(self, options: CpOptions, session, namespace: str):
        self.options = options
        self.session = session
        self.namespace = namespace
        self.pods: dict[tuple[str, str], dict] = {}

    # -- exec
    def execute(self, spec: FileSpec, command: list[str], stdin=None, stdout=None, stderr=None,
                notice=None) -> None:
        """ExecOptions.Run: the pod must not have completed; the container is -c as given (the server judges
        it), else the default one, with kubectl's "Defaulted container" line on `notice` (that exec's ErrOut)."""
        from pykubectl.resources import attachable

        namespace = spec.namespace or self.namespace
        pod = self.session.client.get_json(f"/api/v1/namespaces/{namespace}/pods/{spec.pod}")
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            raise KubectlError(f"cannot exec into a container in a completed pod; current phase is {phase}")
        container = ({"name": self.options.container} if self.options.container
                     else attachable.container_for(pod, "", notice is None, notice))
        streams = SimpleNamespace(stdin=stdin, out=stdout if stdout is not None else io.BytesIO(),
                                  err=stderr if stderr is not None else io.BytesIO())
        attachable.remote_session(self.session.client, streams, pod, "exec", container.get("name", ""), command,
                                  stdin=stdin is not None, tty=False, quiet=True)

    # -- to a pod
    def to_pod(self, src: FileSpec, dest: FileSpec) -> None:
        if not os.path.exists(src.file):
            raise KubectlError(f"{src.file} doesn't exist in local filesystem")
        dest_file = dest.file
        try:
            self.execute(dest, ["test", "-d", dest_file])
            dest_file = _go_join(dest_file, os.path.basename(os.path.normpath(src.file)))
        except KubectlError:
            pass
        command = (["tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-"] if self.options.no_preserve
                   else ["tar", "-xmf", "-"])
        dest_dir = _strip_trailing_slash(posixpath.dirname(dest_file) or ".")
        if dest_dir:
            command += ["-C", dest_dir]
        read_fd, write_fd = os.pipe()
        failure: list[BaseException] = []
        stop = threading.Event()

        def produce() -> None:
            try:
                with open(write_fd, "wb", closefd=True) as pipe:
                    _make_tar(src.file, dest_file, _Stoppable(pipe, stop))
            except (BrokenPipeError, _Stopped):
                pass
            except BaseException as exc:  # noqa: BLE001 - reported after the exec ends
                failure.append(exc)

        producer = threading.Thread(target=produce, name="cp-tar", daemon=True)
        producer.start()
        try:
            self.execute(dest, command, stdin=read_fd, stdout=self.session.streams.out,
                         stderr=self.session.streams.err, notice=self.session.streams.err)
        finally:
            # The remote tar may have stopped reading: end the producer (draining what it is blocked on)
            # before the read end is closed, so that exec's stdin pump sees EOF rather than a closed descriptor.
            stop.set()
            while producer.is_alive():
                import select

                if select.select([read_fd], [], [], 0.05)[0]:
                    os.read(read_fd, 1 << 16)
            os.close(read_fd)
        if failure:
            raise KubectlError(str(failure[0]))

    # -- from a pod
    def from_pod(self, src: FileSpec, dest: FileSpec) -> None:
        prefix = _strip_shortcuts(_go_clean(src.file.lstrip("/\\")))
        reader = _TarPipe(self, src)
        try:
            # kubectl returns at the archive's end without waiting for the remote status: a missing source
            # (an empty archive, then tar's exit 2) is success, and what tar writes after that is not shown.
            self._untar_all(src, prefix, dest.file, reader)
        finally:
            reader.close()

    def _untar_all(self, src: FileSpec, prefix: str, dest: str, reader) -> None:
        err = self.session.streams.err
        archive = tarfile.open(fileobj=reader, mode="r|")
        for member in archive:
            if not member.name.startswith(prefix):
                raise KubectlError("tar contents corrupted")
            name = _go_join(dest, member.name[len(prefix):]) if member.name[len(prefix):] else _go_clean(dest)
            if not _is_relative(dest, name):
                err.write(f'warning: file "{name}" is outside target destination, skipping\n')
                continue
            os.makedirs(os.path.dirname(name) or ".", mode=0o755, exist_ok=True)
            if member.isdir():
                os.makedirs(name, mode=0o755, exist_ok=True)
                continue
            if member.issym():
                namespace = src.namespace or self.namespace
                err.write(f'warning: skipping symlink: "{name}" -> "{member.linkname}" (consider using "kubectl exec '
                          f'-n "{namespace}" "{src.pod}" -- tar cf - "{src.file}" | tar xf -")\n')
                continue
            data = archive.extractfile(member)
            with open(name, "wb") as out:
                while chunk := data.read(64 * 1024) if data is not None else b"":
                    out.write(chunk)


def _is_relative(base: str, target: str) -> bool:
    relative = os.path.relpath(target, base) if base else target
    return relative == "." or relative == _strip_shortcuts(relative)


class _TarPipe(io.RawIOBase):
    """`tar cf - SRC` in the pod, read as a file; with --retries, a broken stream resumes where it stopped."""

    def __init__(self, copier: _Copier, src: FileSpec):
        self.copier = copier
        self.src = src
        self.retries = 0
        self.read_total = 0
        self.failure: list[BaseException] = []
        self._start(0)

    def _start(self, offset: int) -> None:
        read_fd, write_fd = os.pipe()
        self._fd = read_fd
        command = ["tar", "cf", "-", self.src.file]
        if self.copier.options.retries != 0:
            escaped = self.src.file.replace("'", "'\\''")
            command = ["sh", "-c", f"tar cf - '{escaped}' | tail -c+{offset}"]
        out = _Gate(self.copier.session.streams.out, self)

        def run() -> None:
            try:
                with open(write_fd, "wb", buffering=0, closefd=True) as pipe:
                    self.copier.execute(self.src, command, stdout=pipe, stderr=out,
                                        notice=self.copier.session.streams.out)
            except BaseException as exc:  # noqa: BLE001 - raised by read() at the end of the stream
                self.failure.append(exc)

        self._thread = threading.Thread(target=run, name="cp-exec", daemon=True)
        self._thread.start()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = os.read(self._fd, len(buffer))
        if data:
            self.read_total += len(data)
            buffer[:len(data)] = data
            return len(data)
        self._thread.join()
        if self.failure:
            maximum = self.copier.options.retries
            if maximum < 0 or self.retries < maximum:
                self.retries += 1
                out = self.copier.session.streams.out
                out.write(f"Resuming copy at {self.read_total} bytes, retry {self.retries}/{maximum}\n")
                out.flush()
                os.close(self._fd)
                self.failure.clear()
                self._start(self.read_total + 1)
                return self.readinto(buffer)
            error = self.failure[0]
            if isinstance(error, KubectlError | RemoteExitError):
                raise error
            raise KubectlError(str(error))
        return 0

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass
        super().close()


class _Gate(io.RawIOBase):
    """The remote tar's stderr, passed to stdout until the copy has finished."""

    def __init__(self, stream, pipe: _TarPipe):
        self.stream = stream
        self.pipe = pipe

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if not self.pipe.closed:
            buffer = getattr(self.stream, "buffer", None)
            if buffer is not None:
                self.stream.flush()
                buffer.write(bytes(data))
                buffer.flush()
            else:
                self.stream.write(bytes(data).decode("utf-8", "replace"))
                self.stream.flush()
        return len(data)


class _Stopped(Exception):
    pass


class _Stoppable(io.RawIOBase):
    """A writer that gives up (raises _Stopped) once `stop` is set."""

    def __init__(self, target, stop: threading.Event):
        self.target = target
        self.stop = stop

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.stop.is_set():
            raise _Stopped()
        return self.target.write(data)


def _make_tar(src: str, dest: str, writer) -> None:
    """makeTar/recursiveTar: the local tree under names rewritten to the remote destination."""
    src_path = os.path.normpath(src)
    dest_path = _go_clean(dest)
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.GNU_FORMAT) as archive:
        _recursive_tar(os.path.dirname(src_path), os.path.basename(src_path), posixpath.basename(dest_path),
                       archive)


def _recursive_tar(src_dir: str, src_file: str, dest_file: str, archive: tarfile.TarFile) -> None:
    pattern = os.path.join(src_dir, src_file) if src_dir else src_file
    for path in sorted(glob.glob(pattern)) or []:
        info = os.lstat(path)
        import stat as stat_module

        if stat_module.S_ISDIR(info.st_mode):
            entries = sorted(os.listdir(path))
            if not entries:
                header = archive.gettarinfo(path, arcname=dest_file)
                archive.addfile(header)
            for entry in entries:
                _recursive_tar(src_dir, os.path.join(src_file, entry), posixpath.join(dest_file, entry), archive)
            return
        header = archive.gettarinfo(path, arcname=dest_file)
        if header.isreg():
            with open(path, "rb") as handle:
                archive.addfile(header, handle)
        else:
            archive.addfile(header)
