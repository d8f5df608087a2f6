"""Values inside running text, written so every language reads them right.

Two things go wrong when a value is dropped into a sentence:

* **Direction.** In Arabic (right to left) a phone number, a reference, an e-mail address,
  a counter number, a postal address or a time range is a left-to-right island; without
  isolation the Unicode bidi algorithm lets it mix with the Arabic around it, and
  "10:00–10:15" turns into "10:15–10:00". :func:`isolate` wraps such a value: ``<bdi>``
  in HTML, the first-strong isolate characters U+2068 … U+2069 in plain text (mail bodies
  and subjects). Left-to-right languages get the value unchanged.
* **Joining a date and a time.** Each locale has its own way ("{1}, {0}" in Dutch,
  "{1}، {0}" with the Arabic comma, "{1} {0}" in Turkish): :func:`join_date_time` uses
  Babel's date-time pattern of the active locale instead of a hard-coded ", " or " om ".

Everything speaks the active locale (the request's, or the mail's inside
``flask_babel.force_locale``). In templates: the filters ``isolate`` and ``ltr`` and the
globals ``date_and_time`` and ``time_span``; they write HTML in HTML templates and plain
text in ``.txt`` templates (Jinja's autoescape tells which).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from babel.dates import get_datetime_format
from flask import Flask
from flask_babel import format_date, format_time, get_locale
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

from .i18n import RTL_LANGUAGES, current_language

__all__ = [
    "FSI",
    "PDI",
    "date_and_time",
    "init_app",
    "is_rtl",
    "isolate",
    "join_date_time",
    "time_span",
]

FSI = "\u2068"  # FIRST STRONG ISOLATE: the value takes the direction of its first letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE: ends it
EN_DASH = "\u2013"
DATE_FORMAT = "full"  # "dinsdag 8 december 2026"
TIME_FORMAT = "short"  # "09:30", "9:30 ص"
# In a CLDR date-time pattern {1} is the date, {0} the time, '…' a literal ('' a quote).
_PATTERN_PART = re.compile(r"\{([01])\}|'((?:[^']|'')*)'")


def is_rtl(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active locale's) is written right to left."""
    return (language or current_language()) in RTL_LANGUAGES


def isolate(value, *, html: bool = False, ltr: bool = False, language: str | None = None):
    """``value`` as an island of its own direction inside right-to-left text.

    In a right-to-left language: ``<bdi>`` (``html``; with ``dir="ltr"`` when ``ltr``, for
    values that are always left to right such as phone numbers and e-mail addresses) or
    U+2068 … U+2069 in plain text. Otherwise the value itself (escaped in ``html`` mode),
    so left-to-right pages and mails stay exactly as they were.
    """
    if value is None or value == "":
        return value
    if not is_rtl(language):
        return escape(value) if html else value
    if html:
        opening = Markup('<bdi dir="ltr">') if ltr else Markup("<bdi>")
        return opening + escape(value) + Markup("</bdi>")
    return f"{FSI}{value}{PDI}"


def join_date_time(date_text, time_text, *, width: str = DATE_FORMAT, language=None):
    """A written date and a written time joined the way the locale joins them.

    Uses Babel's date-time pattern of ``width`` ("{1}, {0}" in Dutch, "{1} {0}" in
    Turkish, "{1}، {0}" in Arabic). Either part may be HTML (``Markup``): the result is
    then HTML too, with the other part escaped.
    """
    locale = language or get_locale() or "nl"
    pattern = get_datetime_format(width, locale=locale)
    parts: list = []
    position = 0
    for match in _PATTERN_PART.finditer(pattern):
        parts.append(pattern[position : match.start()])
        if match.group(1) is not None:
            parts.append(date_text if match.group(1) == "1" else time_text)
        else:
            parts.append(match.group(2).replace("''", "'") or "'")
        position = match.end()
    parts.append(pattern[position:])
    if any(isinstance(part, Markup) for part in parts):
        return Markup("").join(parts)
    return "".join(str(part) for part in parts)


def time_span(
    start: datetime | time,
    end: datetime | time | None = None,
    time_format: str = TIME_FORMAT,
    *,
    html: bool = False,
):
    """The span "09:30–09:45" (or one time when ``end`` is None) in Brussels, written the
    locale's way (or with ``time_format``), isolated in right-to-left text so the range
    is not read backwards."""
    text = format_time(start, time_format)
    if end is not None:
        text = f"{text}{EN_DASH}{format_time(end, time_format)}"
    return isolate(text, html=html)


def date_and_time(value: datetime | date, end: datetime | None = None, *, html=False):
    """The full date of ``value`` and its time (or the span to ``end``), joined by the
    locale's date-time pattern: "dinsdag 8 december 2026, 09:30–09:45"; the time part is
    isolated in right-to-left text. Times are shown in Brussels."""
    return join_date_time(format_date(value, DATE_FORMAT), time_span(value, end, html=html))


@pass_eval_context
def _isolate_filter(eval_ctx, value):
    """Jinja ``|isolate``: ``<bdi>`` in HTML templates, U+2068 … U+2069 in text ones."""
    return isolate(value, html=eval_ctx.autoescape)


@pass_eval_context
def _ltr_filter(eval_ctx, value):
    """Jinja ``|ltr``: like ``|isolate`` but always left to right (phone, e-mail, …)."""
    return isolate(value, html=eval_ctx.autoescape, ltr=True)


@pass_eval_context
def _date_and_time_global(eval_ctx, value, end=None):
    """Jinja ``date_and_time(start, end=None)``."""
    return date_and_time(value, end, html=eval_ctx.autoescape)


@pass_eval_context
def _time_span_global(eval_ctx, start, end=None, time_format=TIME_FORMAT):
    """Jinja ``time_span(start, end=None, time_format="short")``."""
    return time_span(start, end, time_format, html=eval_ctx.autoescape)


def init_app(app: Flask) -> None:
    """Make the filters and helpers available to every template (pages and mails)."""
    app.add_template_filter(_isolate_filter, "isolate")
    app.add_template_filter(_ltr_filter, "ltr")
    app.add_template_global(_date_and_time_global, "date_and_time")
    app.add_template_global(_time_span_global, "time_span")
    app.add_template_global(join_date_time, "join_date_time")
