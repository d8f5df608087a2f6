"""The interpreters' list as a CSV file a spreadsheet opens safely.

- Every cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading single quote, so a resident's name such as ``=cmd|…`` is shown as text and never
  run as a formula (CSV injection).
- UTF-8 with a byte order mark, so Excel reads Arabic and Cyrillic names right; the
  separator is a semicolon, the list separator of Excel in Belgium (its decimal mark is a
  comma), so the columns open as columns by a double click.
- Dates and times in Brussels, ``YYYY-MM-DD`` and ``HH:MM``, which every spreadsheet sorts.
- The header row and the reasons in the staff member's language (the active locale).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..i18n import _
from ..spoken_languages import spoken_language_label
from ..timeutil import to_local
from .coverage import ASKED, NO_SPEAKER
from .needs import InterpreterNeed

BOM = "\ufeff"
SEPARATOR = ";"
# What a spreadsheet may read as the start of a formula (or hide in front of one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """``value`` as a cell's text, with a single quote in front when a spreadsheet could
    take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def reason_texts() -> dict[str, str]:
    """What each reason is called, in the active language (page and file alike)."""
    return {
        ASKED: _("De bewoner vroeg een tolk"),
        NO_SPEAKER: _("Niemand van dienst spreekt deze taal"),
    }


def language_text(need: InterpreterNeed) -> str:
    """The visit's language for the file: its name, the resident's own words for "another
    language", or that none was given."""
    if need.language is None:
        return _("Taal niet opgegeven")
    return spoken_language_label(need.visit.spoken_language, need.other_language)


def header() -> list[str]:
    """The column titles, in the active language."""
    return [
        _("Taal"),
        _("Datum"),
        _("Begin"),
        _("Einde"),
        _("Referentie"),
        _("Naam"),
        _("Personen"),
        _("Diensten"),
        _("Team"),
        _("Medewerker"),
        _("Balie"),
        _("Waarom"),
        _("Van dienst en spreekt de taal"),
    ]


def row(need: InterpreterNeed, language: str) -> list[str]:
    """One visit as the file's cells (not yet made safe); names in ``language``."""
    visit = need.visit
    start, end = to_local(visit.starts_at), to_local(visit.ends_at)
    reasons = reason_texts()
    return [
        language_text(need),
        start.date().isoformat(),
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
        visit.reference,
        visit.resident_name,
        str(visit.persons),
        ", ".join(service.text(language).name for service in visit.services),
        visit.staff.team.name(language),
        visit.staff.name,
        str(visit.counter.number) if visit.counter else "",
        "; ".join(reasons[reason] for reason in need.reasons),
        ", ".join(person.name for person in need.speakers),
    ]


def needs_csv(needs: Iterable[InterpreterNeed], language: str) -> str:
    """The whole file: byte order mark, header row, one row per visit, every cell safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header()])
    for need in needs:
        writer.writerow([spreadsheet_safe(cell) for cell in row(need, language)])
    return BOM + buffer.getvalue()
