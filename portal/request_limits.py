"""How long an address may be: a query string of more than :data:`MAX_QUERY_CHARS`
characters is refused with 414 before any page reads it.

Pages echo parts of their query string into the next address (the booking steps carry
the resident's choice, an invitation adds its language): a 100 kB ``dienst`` would come
back as a redirect that no browser follows (they give up between 2,000 and some 8,000
characters, and so do proxies). With the query string bounded here and the echoed values
checked where they are echoed, no redirect of the portal reaches
:data:`MAX_REDIRECT_CHARS`.
"""

from __future__ import annotations

from flask import Flask, abort, request

# No page of the portal needs more (ten services and a date are under 200 characters;
# the audit log's filters take a few thousand at most).
MAX_QUERY_CHARS = 6_000
# The longest address the portal ever redirects to (what browsers and proxies accept).
MAX_REDIRECT_CHARS = 8_000


def init_request_limits(app: Flask) -> None:
    """Refuse over-long query strings (414) before the pages read them."""

    @app.before_request
    def _refuse_long_query():
        if len(request.query_string) > MAX_QUERY_CHARS:
            abort(414)
