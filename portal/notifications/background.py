"""The background sender: mails a request queued leave from a thread of their own.

A request never talks to the mail server. When its response is closed, the request only
*notifies* this process's sender with the ids of the mails it queued (a ``put_nowait`` on
a bounded queue) and is done; a slow or hanging SMTP server holds the sender's thread,
never a worker that serves pages.

- **One sender per process and app**, started lazily on the first notification, so a
  gunicorn master that forks its workers hands each worker none: every worker starts its
  own (the process id is checked, too).
- **Bounded**: when the queue is full (the mail server hangs and mails keep coming), the
  notification is dropped and logged. The mail is not lost: it stays in the outbox, and
  ``flask --app portal send-mail`` (the timer) delivers it.
- **Never twice**: the sender runs the outbox's :func:`~.outbox.deliver_due`, whose lease
  keeps threads, processes and the CLI worker from sending one mail twice.
- **Stops at exit**: the interpreter's exit tells every sender to stop and waits a little
  for a mail being sent; a mail cut short stays leased and goes out once its lease ends.

``MAIL_SEND_AFTER_REQUEST`` switches it on; ``MAIL_QUEUE_SIZE`` bounds the queue.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import threading
from collections.abc import Iterable

from flask import Flask, g

from .outbox import G_KEY, deliver_after_request

log = logging.getLogger(__name__)

EXTENSION_KEY = "portal.outbox_delivery"
DEFAULT_QUEUE_SIZE = 100
STOP_WAIT_SECONDS = 5.0
_STOP = object()

_running: set[BackgroundSender] = set()
_running_lock = threading.Lock()


class BackgroundSender:
    """A daemon thread that delivers the mails it is told about, in an app context of its
    own; created per app, started on first use in each process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._progress = threading.Condition(self._lock)
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopping = threading.Event()
        self._accepted = 0
        self._handled = 0
        self.hooked = False  # register_after_request_delivery ran for this app

    def notify(self, mail_ids: Iterable[int]) -> bool:
        """Ask for ``mail_ids`` to be delivered soon; never blocks.

        Returns False when the notification was dropped (the queue is full, or the sender
        stops): the mails then wait in the outbox for the ``send-mail`` command.
        """
        ids = tuple(mail_ids)
        if not ids:
            return True
        with self._lock:
            if self._stopping.is_set():
                return False
            work = self._started_queue()
            try:
                work.put_nowait(ids)
            except queue.Full:
                log.warning("mail sender busy: mails %s wait for send-mail", list(ids))
                return False
            self._accepted += 1
        return True

    def flush(self, timeout: float) -> bool:
        """Wait until everything notified so far was handled (or ``timeout`` seconds
        passed); True when it was. For tests, and for whoever must know the mails were
        tried."""
        with self._progress:
            target = self._accepted
            return self._progress.wait_for(lambda: self._handled >= target, timeout)

    def stop(self, timeout: float = STOP_WAIT_SECONDS) -> None:
        """Stop taking notifications and end the thread, waiting at most ``timeout``
        seconds for a mail being sent; what is still queued is left to ``send-mail``."""
        with self._lock:
            self._stopping.set()
            thread, work = self._thread, self._queue
        if thread is None or work is None:
            return
        with contextlib.suppress(queue.Full):  # if full, it sees ``_stopping`` after a batch
            work.put_nowait(_STOP)
        thread.join(timeout)
        with _running_lock:
            _running.discard(self)

    def _started_queue(self) -> queue.Queue:
        """The queue of a running thread in this process (called with ``_lock`` held)."""
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            # First use here, or a forked child (the parent's thread does not exist in it).
            size = int(self.app.config.get("MAIL_QUEUE_SIZE") or DEFAULT_QUEUE_SIZE)
            self._queue = queue.Queue(maxsize=max(size, 1))
            self._accepted = self._handled = 0
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, args=(self._queue,), name="portal-mail-sender", daemon=True
            )
            self._thread.start()
            with _running_lock:
                _running.add(self)
        return self._queue

    def _run(self, work: queue.Queue) -> None:
        """Take notifications until told to stop; deliver each batch (errors are logged
        by :func:`deliver_after_request`, never raised)."""
        while True:
            first = work.get()
            batches = [first]
            while True:  # what piled up meanwhile goes out in the same run
                try:
                    batches.append(work.get_nowait())
                except queue.Empty:
                    break
            stop = any(batch is _STOP for batch in batches) or self._stopping.is_set()
            ids = sorted({mail_id for batch in batches if batch is not _STOP for mail_id in batch})
            if ids and not stop:
                deliver_after_request(self.app, ids)
            with self._progress:
                self._handled += sum(1 for batch in batches if batch is not _STOP)
                self._progress.notify_all()
            if stop:
                return


def sender_of(app: Flask) -> BackgroundSender:
    """The background sender of ``app`` (made on first use)."""
    sender = app.extensions.get(EXTENSION_KEY)
    if sender is None:
        sender = app.extensions.setdefault(EXTENSION_KEY, BackgroundSender(app))
    return sender


def register_after_request_delivery(app: Flask) -> None:
    """Hand the mails a successful request queued to the background sender once its
    response is closed.

    Only when ``MAIL_SEND_AFTER_REQUEST`` is on and the response is not an error (an error
    response may mean the transaction was rolled back). Notifying on close, not earlier,
    means the request's transaction is over. Safe to call twice.
    """
    sender = sender_of(app)
    if sender.hooked:
        return
    sender.hooked = True

    @app.after_request
    def _deliver_queued_mail(response):
        ids = g.pop(G_KEY, None)
        if ids and response.status_code < 400 and app.config.get("MAIL_SEND_AFTER_REQUEST"):
            response.call_on_close(lambda: sender.notify(ids))
        return response


@atexit.register
def _stop_all_senders() -> None:
    """At exit, stop every sender of this process (each waits a little for its mail)."""
    with _running_lock:
        senders = [sender for sender in _running if sender._pid == os.getpid()]
    for sender in senders:
        sender.stop()
