"""kubectl proxy: serve the API server (with the session's credentials) and optionally static files locally."""

from __future__ import annotations

from dataclasses import dataclass

import click

from pykubectl.errors import Interrupted, KubectlError
from pykubectl.flags import bundles, pflag
from pykubectl.flags.command import KubectlCommand
from pykubectl.flags.global_flags import current_session

HELP = """Creates a proxy server or application-level gateway between localhost and the Kubernetes API server. It also allows serving static content over specified HTTP path. All incoming data enters through one port and gets forwarded to the remote Kubernetes API server port, except for the path matching the static content path."""  # noqa: E501
_EXAMPLES = (
    ("To proxy all of the Kubernetes API and nothing else", "kubectl proxy --api-prefix=/"),
    ("To proxy only part of the Kubernetes API and also some static files\n  # You can get pods info with 'curl "
     "localhost:8001/api/v1/pods'", "kubectl proxy --www=/my/files --www-prefix=/static/ --api-prefix=/api/"),
    ("To proxy the entire Kubernetes API at a different root\n  # You can get pods info with 'curl "
     "localhost:8001/custom/api/v1/pods'", "kubectl proxy --api-prefix=/custom/"),
    ("Run a proxy to the Kubernetes API server on port 8011, serving static content from ./local/www/",
     "kubectl proxy --port=8011 --www=./local/www/"),
    ("Run a proxy to the Kubernetes API server on an arbitrary local port\n  # The chosen port for the server "
     "will be output to stdout", "kubectl proxy --port=0"),
    ("Run a proxy to the Kubernetes API server, changing the API prefix to k8s-api\n  # This makes e.g. the pods "
     "API available at localhost:8001/k8s-api/v1/pods/", "kubectl proxy --api-prefix=/k8s-api"),
)
EXAMPLES = "\n  \n".join(f"  # {comment}\n  {line}" for comment, line in _EXAMPLES)
USAGE = "[--port=PORT] [--www=static-dir] [--www-prefix=prefix] [--api-prefix=prefix] [options]"

DEFAULT_PORT = 8001
DEFAULT_HOST_ACCEPT = r"^localhost$,^127\.0\.0\.1$,^\[::1\]$"
DEFAULT_PATH_ACCEPT = r"^.*"
DEFAULT_PATH_REJECT = r"^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach"
DEFAULT_METHOD_REJECT = r"^$"


@dataclass(frozen=True)
class ProxyOptions:
    static_dir: str
    static_prefix: str
    api_prefix: str
    accept_paths: str
    reject_paths: str
    accept_hosts: str
    reject_methods: str
    port: int
    address: str
    disable_filter: bool
    unix_socket: str
    append_server_path: bool

    @classmethod
    def from_flags(cls, params: dict) -> ProxyOptions:
        def text(name: str, default: str) -> str:
            value = params.get(name)
            return default if value is None else value

        static_prefix = text("www_prefix", "/static/")
        api_prefix = text("api_prefix", "/")
        return cls(
            static_dir=text("www", ""),
            static_prefix=static_prefix if static_prefix.endswith("/") else static_prefix + "/",
            api_prefix=api_prefix if api_prefix.endswith("/") else api_prefix + "/",
            accept_paths=text("accept_paths", DEFAULT_PATH_ACCEPT),
            reject_paths=text("reject_paths", DEFAULT_PATH_REJECT),
            accept_hosts=text("accept_hosts", DEFAULT_HOST_ACCEPT),
            reject_methods=text("reject_methods", DEFAULT_METHOD_REJECT),
            port=DEFAULT_PORT if params.get("port") is None else int(params["port"]),
            address=text("address", "127.0.0.1"),
            disable_filter=bool(params.get("disable_filter")),
            unix_socket=text("unix_socket", ""),
            append_server_path=bool(params.get("append_server_path")),
        )

    def validate(self) -> None:
        if self.port != DEFAULT_PORT and self.unix_socket:
            raise KubectlError("cannot set --unix-socket and --port at the same time")


@click.command("proxy", cls=KubectlCommand, help=HELP, examples=EXAMPLES, usage=USAGE)
@pflag.string("--accept-hosts", default=DEFAULT_HOST_ACCEPT,
              help="Regular expression for hosts that the proxy should accept.")
@pflag.string("--accept-paths", default=DEFAULT_PATH_ACCEPT,
              help="Regular expression for paths that the proxy should accept.")
@pflag.string("--address", default="127.0.0.1", help="The IP address on which to serve on.")
@pflag.string("--api-prefix", default="/", help="Prefix to serve the proxied API under.")
@pflag.boolean("--append-server-path", help="If true, enables automatic path appending of the kube context server "
                                            "path to each request.")
@pflag.boolean("--disable-filter", help="If true, disable request filtering in the proxy. This is dangerous, and can "
                                        "leave you vulnerable to XSRF attacks, when used with an accessible port.")
@pflag._decorate("duration", ("--keepalive",), shown_default="0s", default="0s",
                 help="keepalive specifies the keep-alive period for an active network connection. Set to 0 to "
                      "disable keepalive.")
@bundles.integer("-p", "--port", default=DEFAULT_PORT,
               help="The port on which to run the proxy. Set to 0 to pick a random port.")
@pflag.string("--reject-methods", default=DEFAULT_METHOD_REJECT,
              help="Regular expression for HTTP methods that the proxy should reject (example "
                   "--reject-methods='POST,PUT,PATCH'). ")
@pflag.string("--reject-paths", default=DEFAULT_PATH_REJECT,
              help="Regular expression for paths that the proxy should reject. Paths specified here will be rejected "
                   "even accepted by --accept-paths.")
@pflag.string("-u", "--unix-socket", default="", help="Unix socket on which to run the proxy.")
@pflag.string("-w", "--www", default="", help="Also serve static files from the given directory under the "
                                              "specified prefix.")
@pflag.string("-P", "--www-prefix", default="/static/",
              help="Prefix to serve static files under, if static file directory is specified.")
@click.argument("args", nargs=-1)
def command(**params) -> None:
    options = ProxyOptions.from_flags(params)
    session = current_session()
    run(options, session)


def run(options: ProxyOptions, session) -> None:
    from urllib.parse import urlsplit

    from pykubectl.resources import proxying

    client = session.client  # Complete: ToRESTConfig (a broken kubeconfig fails here)
    err = session.streams.err
    server_path = urlsplit(session.settings.server).path
    if not options.append_server_path and server_path not in ("", "/"):
        _klog_warning(err, 166, f"Your kube context contains a server path {server_path}, use --append-server-path "
                                "to automatically append the path to each request")
    request_filter = None
    if options.disable_filter:
        if not options.unix_socket:
            _klog_warning(err, 177, "Request filter disabled, your proxy is vulnerable to XSRF attacks, please be "
                                    "cautious")
    else:
        request_filter = proxying.RequestFilter(
            accept_paths=proxying.compile_list(options.accept_paths),
            reject_paths=proxying.compile_list(options.reject_paths),
            accept_hosts=proxying.compile_list(options.accept_hosts),
            reject_methods=proxying.compile_list(options.reject_methods))
    options.validate()
    config = proxying.ProxyConfig(api_prefix=options.api_prefix, static_dir=options.static_dir,
                                  static_prefix=options.static_prefix, filter=request_filter,
                                  append_server_path=options.append_server_path)
    server = proxying.ProxyServer(config, proxying.ApiProxy(client, options.append_server_path))
    try:
        if options.unix_socket:
            where = server.listen_unix(options.unix_socket)
        else:
            where = server.listen(options.address, options.port)
    except OSError as exc:
        if options.unix_socket:
            raise KubectlError(f"listen unix {options.unix_socket}: {_socket_error(exc)}") from None
        raise KubectlError(f"listen tcp {options.address}:{options.port}: {_socket_error(exc)}") from None
    session.streams.out.write(f"Starting to serve on {where}\n")
    session.streams.out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # kubectl proxy has no interrupt handler: the signal ends it without a word
        raise Interrupted() from None


def _klog_warning(err, line: int, text: str) -> None:
    """klog.Warning's line, as kubectl prints it at any verbosity."""
    import datetime
    import os

    now = datetime.datetime.now()
    err.write(f"W{now:%m%d %H:%M:%S}.{now.microsecond:06d} {os.getpid():>7} proxy.go:{line}] {text}\n")
    err.flush()


def _socket_error(exc: OSError) -> str:
    import errno

    return {errno.EADDRINUSE: "bind: address already in use",
            errno.EADDRNOTAVAIL: "bind: cannot assign requested address",
            errno.EACCES: "bind: permission denied",
            errno.ENOENT: "bind: no such file or directory"}.get(exc.errno or 0, (exc.strerror or str(exc)).lower())
