"""Bounds on what clients can hold when uvicorn is exposed directly (behind nginx, its timeouts do it too).

uvicorn has no deadline for a request's headers or body, so a client opening connections that never finish
a request holds them (and file descriptors) for ever; the rate limit only sees complete requests. Here:

* a read deadline: each request (headers and body) must arrive within ``read_timeout`` seconds of the
  connection being opened, or of the previous response on it; otherwise the connection is closed;
* a cap on open connections: at ``max_connections``, a new connection closes the oldest connection that is
  not being answered (one still waiting for its request, or idle between two requests): a flood of
  half-open connections pushes out its own oldest ones, while a request that arrives whole is answered.
  When every connection is busy with a request, the new one is closed at once.

``guarded_protocol(limits)`` is uvicorn's HTTP protocol (h11) with these bounds: ``uvicorn.run(app,
http=guarded_protocol(limits), backlog=limits.backlog, loop=LOOP)``. The backlog matters: asyncio accepts up
to that many connections at once before any can be closed, and when the process runs out of file descriptors
it stops accepting for a whole second (health included); the cap plus one backlog stays within the limit.

Running out all the same (connection churn at the cap: an evicted connection's descriptor is released a
moment after the new one was accepted; another process's descriptors; a --max-connections too high), Python
3.11's loop logs a traceback and schedules a retry for every connection waiting in the backlog, thousands a
second. ``GuardedLoop`` (``LOOP``) stops accepting at the first failure, tries again a second later, and logs
one line per ``OUT_OF_FILES_INTERVAL`` seconds at most, with how many times accepting failed.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import resource

from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_READ_TIMEOUT = 10.0    # seconds for one request's headers and body
RESERVED_FDS = 64              # file descriptors kept for the database, logs and the listening socket
OUT_OF_FILES_INTERVAL = 10.0   # seconds: at most one log line per interval when accepting fails
LOOP = "feedback.connections:GuardedLoop"      # uvicorn.run(loop=...)
_OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
log = logging.getLogger("feedback")


def default_max_connections() -> int:
    """Half of what the process's file-descriptor limit leaves (at least 8, at most 4,096)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(8, min(4096, (soft - RESERVED_FDS) // 2))


class Limits:
    def __init__(self, max_connections: int | None = None, read_timeout: float = DEFAULT_READ_TIMEOUT):
        self.max_connections = max_connections or default_max_connections()
        self.backlog = min(2048, self.max_connections)
        self.read_timeout = read_timeout
        self.open: set = set()
        self.waiting: dict = {}        # connections not being answered, oldest first (insertion order)
        self.closed_slow = 0           # connections closed by the deadline
        self.evicted = 0               # connections closed to make room


def guarded_protocol(limits: Limits) -> type[asyncio.Protocol]:
    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(limits.open) >= limits.max_connections:
                victim = next(iter(limits.waiting), None)
                if victim is None:               # every connection is being answered: no room
                    transport.abort()
                    return
                victim._drop()
                limits.evicted += 1
            limits.open.add(self)
            self._wait()

        def _wait(self) -> None:
            """Waiting for a (new) request: evictable, and the deadline starts now."""
            self._cancel_deadline()
            limits.waiting.pop(self, None)
            limits.waiting[self] = None
            self._deadline = self.loop.call_later(limits.read_timeout, self._too_slow)

        def _cancel_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _update(self) -> None:
            cycle = self.cycle
            if cycle is not None and not cycle.response_complete:     # a request arrived (its headers)
                limits.waiting.pop(self, None)
                if not cycle.more_body:                               # and its body: the app's turn
                    self._cancel_deadline()

        def _too_slow(self) -> None:
            self._deadline = None
            limits.closed_slow += 1
            self._drop()

        def _drop(self) -> None:
            self._cancel_deadline()
            limits.waiting.pop(self, None)
            limits.open.discard(self)
            self.transport.abort()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._update()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._wait()
                self._update()                  # a pipelined request may already be there

        def connection_lost(self, exc) -> None:
            self._cancel_deadline()
            limits.waiting.pop(self, None)
            limits.open.discard(self)
            super().connection_lost(exc)

    return GuardedH11Protocol


class GuardedLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop, but a connection that cannot be accepted for lack of resources (no file
    descriptor left: EMFILE, ENFILE; no memory: ENOBUFS, ENOMEM) stops this round of accepting, accepting
    resumes a second later (as asyncio does), and one log line per ``interval`` says how often it failed,
    instead of a traceback per connection waiting in the backlog."""

    interval = OUT_OF_FILES_INTERVAL

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.accept_failures = 0           # in all
        self._unreported = 0               # since the last line
        self._reporting: asyncio.TimerHandle | None = None

    def _accept_connection(self, protocol_factory, sock, sslcontext=None, server=None, backlog=100,
                           ssl_handshake_timeout=asyncio.constants.SSL_HANDSHAKE_TIMEOUT,
                           ssl_shutdown_timeout=asyncio.constants.SSL_SHUTDOWN_TIMEOUT):
        for _ in range(backlog):
            try:
                conn, addr = sock.accept()
                conn.setblocking(False)
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return                                     # nobody else waiting
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    raise                                  # the loop logs it, as asyncio does
                self._accept_failed(exc)
                self._remove_reader(sock.fileno())         # the socket stays readable: pause, then again
                self.call_later(asyncio.constants.ACCEPT_RETRY_DELAY, self._start_serving, protocol_factory,
                                sock, sslcontext, server, backlog, ssl_handshake_timeout, ssl_shutdown_timeout)
                return
            else:
                self.create_task(self._accept_connection2(protocol_factory, conn, {"peername": addr}, sslcontext,
                                                          server, ssl_handshake_timeout, ssl_shutdown_timeout))

    def _accept_failed(self, exc: OSError) -> None:
        self.accept_failures += 1
        self._unreported += 1
        self._why = exc.strerror or str(exc)
        if self._reporting is None:
            self._report()

    def _report(self) -> None:
        count, self._unreported = self._unreported, 0
        if not count:
            self._reporting = None
            return
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        log.error("cannot accept new connections (%s; %s file descriptors at most): accepting failed %d time(s) "
                  "in the last %g s, each a pause of %g s (lower --max-connections or raise the limit; one line "
                  "per %g s at most)", self._why, "unlimited" if soft == resource.RLIM_INFINITY else soft, count,
                  self.interval, asyncio.constants.ACCEPT_RETRY_DELAY, self.interval)
        self._reporting = self.call_later(self.interval, self._report)
