"""The facts of a visit as a resident reads them, shared by mails and calendar files.

Every function here writes in the locale that is active: call them inside
``flask_babel.force_locale(language)``. Times are aware UTC inside; Flask-Babel converts
them to Europe/Brussels (``BABEL_DEFAULT_TIMEZONE``) while formatting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_date, format_time

from ..call_back import call_back_text
from ..i18n import _, ngettext
from ..locale_text import date_and_time, isolate

# How dates and times are written: "dinsdag 8 december 2026", "09:30" (each locale its way).
DATE_FORMAT = "full"
TIME_FORMAT = "short"
SOURCE_LANGUAGE = "nl"


@dataclass
class VisitSummary:
    """What, when and where of one visit, already written in the resident's language."""

    reference: str
    services: list[str]
    persons: str | None
    date: str
    time: str
    hall_name: str
    hall_address: str
    team: str
    counter: str | None
    # (service name, documents to bring) for every service that asks for documents.
    documents: list[tuple[str, list[str]]] = field(default_factory=list)
    # A call back: "we call you at … between … and …" instead of the hall and counter,
    # as plain text and as HTML (number and times isolated); None at the counter.
    call_back: str | None = None
    call_back_html: str | None = None
    # The queue number the hall's screen calls ("B-014"); None for a call back.
    queue_label: str | None = None

    @property
    def what(self) -> str:
        """The services in one line."""
        return ", ".join(self.services)

    @property
    def where(self) -> str:
        """The hall and its address in one line."""
        return f"{self.hall_name}, {self.hall_address}"


def local_date(value: datetime) -> str:
    """The date of ``value`` in Brussels, written the way the active locale writes dates."""
    return format_date(value, format=DATE_FORMAT)


def local_time(value: datetime) -> str:
    """The wall-clock time of ``value`` in Brussels, the way the active locale writes it."""
    return format_time(value, format=TIME_FORMAT)


def local_moment(value: datetime) -> str:
    """Date and time of ``value`` in Brussels in one phrase, joined the way the locale
    joins them ("dinsdag 8 december 2026, 09:30"; the time isolated in Arabic)."""
    return date_and_time(value)


def service_documents(service, language: str) -> list[str]:
    """The documents to bring for ``service`` in ``language``, in Dutch when the
    translation lists none (better a Dutch list than none at all)."""
    documents = service.text(language).document_list
    if not documents and SOURCE_LANGUAGE in service.texts:
        documents = service.texts[SOURCE_LANGUAGE].document_list
    return documents


def team_names(appointment, language: str) -> str:
    """The team(s) that receive the visit, as the resident finds them on the signs."""
    names: list[str] = []
    for service in appointment.services:
        name = service.team.name(language) if service.team else ""
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def visit_summary(appointment, language: str, config: Mapping) -> VisitSummary:
    """Collect the facts of ``appointment`` in ``language`` (inside ``force_locale``)."""
    services = appointment.services
    persons = None
    if appointment.persons > 1:
        persons = ngettext("%(num)d persoon", "%(num)d personen", appointment.persons)
    counter = None
    if appointment.counter is not None:
        # Residents read "loket" everywhere (pages, mails, the hall's screen); staff say "balie".
        counter = _("Loket %(number)s", number=isolate(appointment.counter.number))
    documents = []
    for service in services:
        listed = service_documents(service, language)
        if listed:
            documents.append((service.name(language), listed))
    return VisitSummary(
        reference=appointment.reference,
        services=[service.name(language) for service in services],
        persons=persons,
        date=local_date(appointment.starts_at),
        time=local_time(appointment.starts_at),
        hall_name=config["CITY_HALL_NAME"],
        hall_address=config["CITY_HALL_ADDRESS"],
        team=team_names(appointment, language),
        counter=counter,
        documents=documents,
        call_back=call_back_text(appointment),
        call_back_html=call_back_text(appointment, markup=True),
        queue_label=appointment.queue_label,
    )
