"""Serving the web app with waitress, a production WSGI server (threads, bounded requests)."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .. import api
from ..errors import ReportIndexError
from .app import MAX_QUERY_STRING, App

#: waitress's bounds: a request line and headers of 16 KiB at most, no body, 8 worker threads.
SERVER_SETTINGS = {
    "threads": 8,
    "max_request_header_size": 16384,
    "max_request_body_size": 1024,
    "connection_limit": 200,
    "channel_timeout": 30,
    "ident": "report-index",
    "clear_untrusted_proxy_headers": True,
}
assert MAX_QUERY_STRING < SERVER_SETTINGS["max_request_header_size"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """What to tell the user when ``host`` makes the corpus visible beyond this machine."""
    if is_loopback(host):
        return None
    return (
        f"Warning: serving on {host}: every report in the index can be read by anyone on the networks "
        "this machine is on. Use the default --host 127.0.0.1 to keep it to this machine."
    )


def make_server(index_path=None, host: str = "127.0.0.1", port: int = 8765):
    """A waitress server of the app over the index at ``index_path``, bound but not yet serving,
    and the index it serves. Raises ReportIndexError when there is no index there or the port
    cannot be had."""
    from waitress.server import create_server

    index = api.open_index(index_path)  # no index: the one message that says how to make one
    # The socket is bound here, before waitress starts its threads: a port that cannot be had
    # leaves no thread behind.
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host.strip("[]"), port))
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            raise ReportIndexError(f"port {port} on {host} is in use: stop what uses it or choose another with --port") from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES) or isinstance(exc, socket.gaierror):
            raise ReportIndexError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --host or --port") from None
        raise
    return create_server(App(index_path), sockets=[listening], **SERVER_SETTINGS), index


def serve(index_path=None, host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False,
          say: Callable[[str], None] = print) -> None:
    """Serve the app until interrupted; ``say`` gets the address (and any warning)."""
    server, index = make_server(index_path, host, port)
    warning = exposure_warning(host)
    if warning:
        say(warning)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.effective_port}/"
    say(f"Serving {index.path} at {url} (Ctrl-C stops)")
    if open_browser:
        webbrowser.open(url)
    try:
        server.run()
    finally:
        server.close()


@contextmanager
def running(index_path=None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """The app served in a background thread while the block runs (for tests and the load
    script): gives its address, ``http://127.0.0.1:PORT``."""
    server, _ = make_server(index_path, host, port)
    thread = threading.Thread(target=server.run, name="report-index-web", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown(timeout=5)
        server.close()
        thread.join(timeout=5)
