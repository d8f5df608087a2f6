"""Rendered resident pages kept in memory, for readers who carry nothing of their own.

The start page and the month page are the same for every first-time reader of one
address in one language, yet rendering them (Babel's dates, a URL per calendar day) costs
more than everything else a request does. :func:`render_cached` keeps the HTML per app,
address (scheme, host, path and query), language and a key the view gives — everything
else the page shows: the cache generations and the day, or the very data of the month.

Only pages without per-reader content are kept or served: the session must be empty (no
flashed message, no hold, no staff sign-in), so no CSRF token, form draft or staff menu
can end up in another reader's page. The CSP nonce is the one per-request part: it is
stored as a marker and filled in with the request's own nonce on every answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, render_template, request, session
from flask_login import current_user

from .i18n import current_language
from .security.headers import csp_nonce

# Pages kept per app (least recently used first out); a page is some 10–40 kB.
MAX_PAGES = 512
NONCE_MARKER = "\x00csp-nonce\x00"
_EXTENSION = "portal.page_cache"


class PageCache:
    """A bounded, thread-safe map of rendered pages."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        """The page kept under ``key``, or None."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
        """Keep ``page`` under ``key``, dropping the least recently used beyond the size."""
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def _reader_is_anonymous() -> bool:
    """Whether the page can carry nothing of this reader's own: an empty session (no
    flash, hold or draft) and no signed-in staff member."""
    return not session and not current_user.is_authenticated


def kept_page(template: str, key: Hashable) -> str | None:
    """The page :func:`render_cached` kept for this address and language under ``key``,
    with this request's nonce, or None (a reader with a session of their own, or nothing
    kept). Lets a view answer before it reads anything else."""
    pages = current_app.extensions.get(_EXTENSION)
    if pages is None or not _reader_is_anonymous():
        return None
    page = pages.get((template, request.url, current_language(), key))
    return None if page is None else page.replace(NONCE_MARKER, csp_nonce() or "")


def render_cached(key: Hashable, template: str, context: Callable[[], dict]) -> str:
    """``template`` rendered with ``context()``, or the same page rendered earlier for
    this address and language under the same ``key`` (then ``context`` is not called)."""
    if not _reader_is_anonymous():
        return render_template(template, **context())
    pages = current_app.extensions.setdefault(_EXTENSION, PageCache())
    full_key = (template, request.url, current_language(), key)
    nonce = csp_nonce()
    page = pages.get(full_key)
    if page is None:
        page = render_template(template, **context())
        if session:  # the page wrote to the session (a flash): not for others
            return page
        pages.put(full_key, page.replace(nonce, NONCE_MARKER) if nonce else page)
        return page
    return page.replace(NONCE_MARKER, nonce)
