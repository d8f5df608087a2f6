"""Calendar files (iCalendar, RFC 5545) for a visit: an invitation, or its cancellation.

One visit is one calendar event for its whole life: the UID never changes, and SEQUENCE
(``appointment.sequence``, raised on every move and on the cancellation) tells the
resident's calendar which version is newest. Times are written in Europe/Brussels with a
VTIMEZONE, so the event stays at the right wall-clock time across the DST changes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from ..i18n import _
from ..locale_text import isolate
from ..timeutil import CITY_TZ, as_utc, to_local, utcnow
from .summary import service_documents, visit_summary

PRODID = "-//Stadhuis op afspraak//Afspraken//NL"
UID_DOMAIN = "stadhuis-op-afspraak"
CALENDAR_FILENAME = "afspraak.ics"


def calendar_uid(appointment) -> str:
    """The event's UID: derived from the reference, so it survives every move."""
    return f"{appointment.reference}@{UID_DOMAIN}"


@lru_cache(maxsize=128)
def _vtimezone(first: date, last: date) -> bytes:
    """A compact VTIMEZONE of Brussels for these dates (slow to build, hence cached)."""
    return Timezone.from_tzid(CITY_TZ.key, first_date=first, last_date=last).to_ical()


def _description(appointment, language: str, manage_url: str | None, cancelled: bool) -> str:
    """The event's notes: reference, documents to bring, where to move or cancel."""
    lines = [_("Referentie: %(reference)s", reference=isolate(appointment.reference))]
    if cancelled:
        lines.append(_("Deze afspraak is geannuleerd."))
    else:
        documents = [
            document
            for service in appointment.services
            for document in service_documents(service, language)
        ]
        if documents:
            lines.append("")
            lines.append(_("Breng mee:"))
            lines.extend(f"- {document}" for document in documents)
    if manage_url:
        lines.append("")
        lines.append(_("Verplaatsen of annuleren: %(url)s", url=manage_url))
    return "\n".join(lines)


def appointment_calendar(
    appointment,
    *,
    cancelled: bool,
    organizer_email: str,
    language: str,
    manage_url: str | None = None,
    organizer_name: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The calendar file of ``appointment``: METHOD REQUEST, or CANCEL when ``cancelled``.

    Written in ``language`` (summary, location, notes). ``manage_url`` goes into the notes
    (pass the book-again link for a cancellation, or nothing). Must run in an app context
    (it reads the hall's name and address from the configuration).
    """
    config = current_app.config
    start = to_local(appointment.starts_at)
    end = to_local(appointment.ends_at)
    with force_locale(language):
        summary = visit_summary(appointment, language, config)
        title = _("Afspraak stadhuis: %(services)s", services=summary.what)
        where = [summary.hall_name, summary.hall_address]
        where.extend(part for part in (summary.team, summary.counter) if part)
        location = ", ".join(where)
        description = _description(appointment, language, manage_url, cancelled)
        if summary.call_back:
            # A call back happens on the phone: where is the number, not the city hall.
            location = summary.call_back
            description = f"{summary.call_back}\n\n{description}"

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    first = start.date() - timedelta(days=1)
    last = end.date() + timedelta(days=1)
    calendar.add_component(Timezone.from_ical(_vtimezone(first, last)))

    event = Event()
    event.add("uid", calendar_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", as_utc(now or utcnow()).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", title)
    event.add("location", location)
    event.add("description", description)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    if organizer_name:
        organizer.params["CN"] = vText(organizer_name)
    event.add("organizer", organizer)
    if appointment.email:
        attendee = vCalAddress(f"mailto:{appointment.email}")
        attendee.params["CN"] = vText(appointment.resident_name)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["RSVP"] = vText("FALSE")
        event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
