"""The history store in a process of its own, started when the audit starts.

Opening the store costs a fifth of a second of CPU, nearly all of it importing SQLAlchemy, and the
audit only needs the store at its end. Started first, in a child forked before anything else runs,
that cost lands on the core the audit leaves idle while it walks and hashes the tree. The audit then
calls the store as usual: each method call is sent to the child and its answer (or its error, raised
again here) comes back through a pipe; the answers are the store's own plain records.

Where fork is unavailable, `StoreProcess` is not used and the store opens in the audit's process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from multiprocessing.connection import Connection
from typing import Any

from archaudit.store.records import StoreError

# what the audit asks of the store (the `history` commands open it in their own process)
_METHODS = frozenset({"record", "repository_id", "previous", "as_report", "gone_since", "audits", "audit"})


class StoreProcess:
    """A `Store` opened in a child process: `opened()`, then the Store's methods, then `close()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child_end, url), name="archaudit-history", daemon=True)
        self._process.start()
        child_end.close()
        self._open: bool | None = None

    def opened(self) -> None:
        """Wait until the store is open; raise what opening it raised (StoreError, OSError)."""
        if self._open is None:
            self._open = False
            self._answer()
            self._open = True

    def __getattr__(self, name: str) -> Any:
        if name not in _METHODS:
            raise AttributeError(name)

        def call(*args: Any) -> Any:
            self.opened()
            try:
                self._conn.send((name, args))
            except OSError as exc:
                raise StoreError(f"the history process is gone ({exc})") from exc
            return self._answer()

        return call

    def close(self) -> None:
        """Close the store and end the child (it has answered every call: what it recorded is committed)."""
        with contextlib.suppress(OSError):  # a child that died already
            self._conn.send(None)
        self._conn.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _answer(self) -> Any:
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise StoreError("the history process ended before answering") from exc
        if not ok:
            raise value
        return value


def _serve(conn: Connection, url: str) -> None:
    """The child: open the store, say whether it opened, then answer calls until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: its exit ends this loop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        from archaudit.store.database import Store

        store = Store(url)
    except (StoreError, OSError) as exc:
        conn.send((False, exc))
        return
    conn.send((True, None))
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:  # the parent is gone
                return
            if message is None:
                return
            name, args = message
            try:
                conn.send((True, getattr(store, name)(*args)))
            except Exception as exc:  # raised again in the parent, as the store would have raised it here
                conn.send((False, exc if isinstance(exc, (StoreError, OSError)) else StoreError(repr(exc))))
    finally:
        store.close()
