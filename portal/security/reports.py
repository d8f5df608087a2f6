"""Where browsers report Content-Security-Policy violations: logged, never stored.

A violation on a resident's page means either an attack or a script of ours that the policy
forgot, so operators want to see it in the log. The endpoint takes both formats browsers
send (``application/csp-report`` from ``report-uri``, ``application/reports+json`` from
the Reporting API), is exempt from CSRF (browsers post without a token), limited per client
and in size, and keeps no personal data: no address, no browser, no query string, and the
secret token of a manage or invitation link cut out of every path.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, request

from ..antibot import limiter
from ..extensions import csrf
from .headers import REPORT_PATH

logger = logging.getLogger(__name__)

blueprint = Blueprint("security_reports", __name__)

# A real report is about 1 kB; a Reporting API batch holds a few.
MAX_REPORT_BYTES = 16 * 1024
MAX_REPORTS_PER_POST = 20
MAX_LOGGED_CHARS = 200
# What a browser writes instead of a URL for what it blocked.
KEYWORDS = frozenset({"inline", "eval", "wasm-eval", "data", "blob", "self", "trusted-types-sink"})
# A path segment that may be a secret link token (manage, invitation, calendar feed): long
# and drawn from the URL-safe alphabet (portal/booking/tokens.py makes 43 characters).
TOKEN_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{20,}(\.[a-z]+)?$")


def _limit() -> str:
    return current_app.config["RATELIMIT_CSP_REPORT"]


def without_secrets(value: object) -> str:
    """``value`` (a URL or a keyword such as ``inline``) reduced to what an operator needs:
    scheme, host and path, tokens replaced by ``…``, no query or fragment."""
    text = str(value or "").strip()
    if not text or text in KEYWORDS:
        return text
    parts = urlsplit(text)
    if not parts.scheme:
        return "?"
    if parts.scheme in {"data", "blob"}:
        return parts.scheme
    segments = [
        "…" if TOKEN_SEGMENT.match(segment) else segment for segment in parts.path.split("/")
    ]
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
    return (origin + "/".join(segments))[:MAX_LOGGED_CHARS]


def _violations(payload: object) -> list[dict]:
    """The violations of a ``report-uri`` body or of a Reporting API batch, as
    (directive, blocked, document, source, line) dictionaries."""
    found = []
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        report = payload["csp-report"]
        found.append(
            {
                "directive": report.get("effective-directive") or report.get("violated-directive"),
                "blocked": report.get("blocked-uri"),
                "document": report.get("document-uri"),
                "source": report.get("source-file"),
                "line": report.get("line-number"),
            }
        )
    elif isinstance(payload, list):
        for report in payload[:MAX_REPORTS_PER_POST]:
            if not isinstance(report, dict) or report.get("type") != "csp-violation":
                continue
            body = report.get("body") if isinstance(report.get("body"), dict) else {}
            found.append(
                {
                    "directive": body.get("effectiveDirective"),
                    "blocked": body.get("blockedURL"),
                    "document": body.get("documentURL") or report.get("url"),
                    "source": body.get("sourceFile"),
                    "line": body.get("lineNumber"),
                }
            )
    return found


@blueprint.post(REPORT_PATH)
@csrf.exempt
@limiter.limit(_limit)
def csp_report():
    """Log each violation a browser reports (one line each) and answer 204."""
    length = request.content_length
    if length is None or length > MAX_REPORT_BYTES:
        abort(413)
    try:
        payload = json.loads(request.get_data(cache=False))
    except ValueError:
        abort(400)
    violations = _violations(payload)
    if not violations:
        abort(400)
    for violation in violations:
        line = violation["line"]
        logger.warning(
            "CSP violation: %s blocked %s on %s (%s%s)",
            str(violation["directive"] or "?")[:40],
            without_secrets(violation["blocked"]) or "?",
            without_secrets(violation["document"]) or "?",
            without_secrets(violation["source"]) or "?",
            f":{line}" if isinstance(line, int) else "",
        )
    return Response(status=204)
