"""Servers that misbehave on purpose, for the tests of what must not wait on them.

- :class:`HangingServer` accepts connections and never says a word: an SMTP server that
  hangs (the client waits for a greeting that does not come).
- :class:`TcpProxy` forwards to a real server (PostgreSQL) and can go down — cutting every
  connection and refusing new ones — and come back, like a database that restarts.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.smtp import smtp_settings

HOST = "127.0.0.1"


def _close(sock: socket.socket) -> None:
    """Shut ``sock`` down (waking a thread blocked on it) and close it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _peer_closed(sock: socket.socket) -> bool:
    """Whether the other end of ``sock`` hung up (looked at without waiting)."""
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False  # open, nothing sent
    except OSError:
        return True


class HangingServer:
    """Listens on ``HOST:port``, accepts, never answers; a context manager.

    :meth:`hang_up` closes what it holds and, from then on, closes each new connection at
    once (a server that fails fast instead of hanging).
    """

    def __init__(self) -> None:
        self._listener = socket.create_server((HOST, 0))
        self.port = self._listener.getsockname()[1]
        self._accepted: list[socket.socket] = []
        self._changed = threading.Condition()
        self._hung_up = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> HangingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.hang_up()
        _close(self._listener)
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._changed:
                if self._hung_up:
                    _close(connection)
                else:
                    self._accepted.append(connection)
                self._changed.notify_all()

    def wait_for_connection(self, timeout: float = 10.0) -> bool:
        """Wait until a client connected; whether one did."""
        with self._changed:
            return self._changed.wait_for(lambda: self._accepted, timeout)

    def waiting_clients(self) -> int:
        """How many accepted clients are still connected, waiting for an answer."""
        with self._changed:
            return sum(1 for connection in self._accepted if not _peer_closed(connection))

    def hang_up(self) -> None:
        """Close every held connection, and every later one as soon as it comes."""
        with self._changed:
            self._hung_up = True
            for connection in self._accepted:
                _close(connection)
            self._accepted.clear()

    def config(self, timeout: int = 60) -> dict:
        """Portal settings that deliver mail to this server (``timeout``: how long the
        portal's SMTP client waits for it)."""
        return smtp_settings(self.port, timeout=timeout)


class TcpProxy:
    """Forwards ``HOST:port`` to ``upstream``; :meth:`go_down` and :meth:`come_back`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server((HOST, 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._down = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            with self._lock:
                down = self._down
            if down:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        _close(source)
        _close(target)

    def go_down(self) -> None:
        """Cut every connection; refuse new ones until :meth:`come_back`."""
        with self._lock:
            self._down = True
            cut, self._open = self._open, []
        for sock in cut:
            _close(sock)

    def come_back(self) -> None:
        """Forward new connections again."""
        with self._lock:
            self._down = False

    def close(self) -> None:
        """Stop listening and cut everything."""
        _close(self._listener)
        self.go_down()
        self._thread.join(timeout=5)
