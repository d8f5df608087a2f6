"""Each staff member's secret calendar feed (ICS) of their own visits and their shifts
from published rota plans (:mod:`.feed_shifts`).

Calendar apps (Outlook, Google, Apple) subscribe to a URL and fetch it by themselves,
without signing in; so the URL holds a secret token. The token is an HMAC of the member's
random ``feed_nonce`` under the portal's secret key; the database keeps only its SHA-256
(``feed_token_hash``), so a copy of the database opens nobody's feed. Renewing draws a
new nonce: the old URL stops working at once.

Privacy: feeds end up in calendar services outside the city, so an event holds only the
reference, the services, the number of persons, the counter and the spoken language. No
resident's name, e-mail address, phone number or remark: staff open the visit in the
workspace for those. Every fetch writes an EXPORT row in the audit trail.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user
from icalendar import Calendar, Event, Timezone
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..booking.tokens import keyed_token, looks_like_token, token_hash
from ..extensions import db
from ..i18n import _, ngettext
from ..models import Appointment, AppointmentService, AppointmentStatus, AuditAction, StaffMember
from ..notifications.ics import PRODID, UID_DOMAIN
from ..spoken_languages import spoken_language_label
from ..timeutil import (
    CITY_TZ,
    as_utc,
    end_of_local_day,
    local_today,
    start_of_local_day,
    to_local,
    utcnow,
)
from . import blueprint
from .access import ALL_ROLES, roles_required
from .audit import record
from .feed_shifts import feed_shifts, shift_event

# The feed's window: visits from this many days back to this many days ahead.
DAYS_BACK = 14
DAYS_AHEAD = 90
# How often a calendar app should fetch again (and how long a cache may keep the feed).
REFRESH = timedelta(minutes=30)
CACHE_SECONDS = 300
# Past visits that did take their time: they stay in the feed, like confirmed ones.
PAST_STATUSES = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)


def feed_token(secret_key: str, nonce: str) -> str:
    """The feed token of the member whose nonce is ``nonce`` (43 URL-safe characters)."""
    return keyed_token(secret_key, "staff-feed", nonce)


def renew_feed(member: StaffMember, secret_key: str) -> str:
    """Give ``member`` a new feed address (the old one stops working); the new token."""
    member.feed_nonce = secrets.token_hex(16)
    token = feed_token(secret_key, member.feed_nonce)
    member.feed_token_hash = token_hash(token)
    return token


def current_feed_token(member: StaffMember, secret_key: str) -> str | None:
    """The token of ``member``'s feed if they have one that works (None when they have
    none, or when the secret key changed since it was made)."""
    if not member.feed_nonce:
        return None
    token = feed_token(secret_key, member.feed_nonce)
    return token if token_hash(token) == member.feed_token_hash else None


def feed_urls(token: str) -> tuple[str, str]:
    """The feed's absolute address (from ``BASE_URL``) and its ``webcal://`` variant,
    which calendar apps open as a subscription."""
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    address = base + url_for("staff.feed", token=token)
    return address, "webcal://" + address.split("://", 1)[1]


@blueprint.route("/agenda-abonnement")
@roles_required(*ALL_ROLES)
def feed_settings():
    """What the calendar feed is, the person's own address, and the button to renew it."""
    member = current_user._get_current_object()
    token = current_feed_token(member, current_app.config["SECRET_KEY"])
    address, webcal = feed_urls(token) if token else (None, None)
    return render_template(
        "staff/feed_settings.html",
        address=address,
        webcal=webcal,
        broken=bool(member.feed_nonce) and token is None,
        days_back=DAYS_BACK,
        days_ahead=DAYS_AHEAD,
    )


@blueprint.route("/agenda-abonnement/vernieuwen", methods=["POST"])
@roles_required(*ALL_ROLES)
def feed_renew():
    """Make a new feed address for the signed-in person; the old one stops working."""
    member = current_user._get_current_object()
    had_one = bool(member.feed_nonce)
    renew_feed(member, current_app.config["SECRET_KEY"])
    record(db.session, member, AuditAction.CHANGE, "feed.renew", team_id=member.team_id)
    db.session.commit()
    if had_one:
        flash(_("Uw agenda-adres is vernieuwd. Het oude adres werkt niet meer."), "success")
    else:
        flash(_("Uw agenda-adres is klaar."), "success")
    return redirect(url_for("staff.feed_settings"))


def _not_found() -> Response:
    """A plain 404: calendar apps read no error pages."""
    with force_locale("nl"):
        text = _("Deze agenda bestaat niet (meer).")
    return Response(text + "\n", status=404, mimetype="text/plain")


@blueprint.route("/agenda/<token>.ics")
def feed(token: str):
    """The feed itself, for calendar apps (no sign-in: the token is the key)."""
    if not looks_like_token(token):
        return _not_found()
    member = db.session.scalar(
        select(StaffMember).where(
            StaffMember.feed_token_hash == token_hash(token),
            StaffMember.active.is_(True),
            StaffMember.password_hash.is_not(None),
        )
    )
    if member is None:
        return _not_found()
    now = utcnow()
    visits = feed_visits(db.session, member, now)
    shifts = feed_shifts(db.session, member, *feed_window(now))
    with force_locale("nl"):
        body = staff_calendar(member, visits, now, shifts)
    record(
        db.session,
        member,
        AuditAction.EXPORT,
        "feed.export",
        team_id=member.team_id,
        detail={"visits": len(visits), "shifts": len(shifts)},
        now=now,
    )
    db.session.commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response.headers["Content-Disposition"] = 'inline; filename="afspraken.ics"'
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def feed_window(now: datetime) -> tuple[date, date]:
    """The first and last Brussels day the feed covers."""
    today = local_today(now)
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def feed_visits(session, member: StaffMember, now: datetime) -> list[Appointment]:
    """``member``'s visits in the feed's window that took or take their time: confirmed,
    pending and not expired, finished or missed (not cancelled), by start time."""
    first, last = feed_window(now)
    query = (
        select(Appointment)
        .where(
            Appointment.staff_id == member.id,
            Appointment.filter_between(start_of_local_day(first), end_of_local_day(last)),
            Appointment.filter_active(now) | Appointment.status.in_(PAST_STATUSES),
        )
        .options(
            selectinload(Appointment.booked_services).selectinload(AppointmentService.service),
            selectinload(Appointment.counter),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list(session.scalars(query))


@lru_cache(maxsize=16)
def _brussels_timezone(first: date, last: date) -> bytes:
    """A compact VTIMEZONE of Brussels for these dates (slow to build, hence cached);
    the same idea as ``portal.notifications.ics``."""
    return Timezone.from_tzid(CITY_TZ.key, first_date=first, last_date=last).to_ical()


def visit_title(visit: Appointment) -> str:
    """The event's title: reference, services in Dutch, and the persons when more than one."""
    services = ", ".join(service.name("nl") for service in visit.services)
    title = f"{visit.reference} · {services}"
    if visit.persons > 1:
        persons = ngettext("%(num)d persoon", "%(num)d personen", visit.persons)
        title = f"{title} ({persons})"
    return title


def visit_notes(visit: Appointment, portal_url: str | None) -> str:
    """The event's notes: language, interpreter, the stage of a pending visit, and where
    to open the visit (with the resident's details) in the workspace."""
    lines = []
    # The feed's language (Dutch) and the language's own name: "Tsjetsjeens · Нохчийн".
    language = spoken_language_label(visit.spoken_language, visit.spoken_language_other)
    if language:
        lines.append(_("Taal aan de balie: %(language)s", language=language))
    if visit.interpreter_needed:
        lines.append(_("Tolk nodig"))
    if visit.status == AppointmentStatus.PENDING:
        lines.append(_("Nog niet bevestigd door de bewoner."))
    if portal_url:
        lines.append(_("Details in de werkruimte: %(url)s", url=portal_url))
    return "\n".join(lines)


def _portal_link(visit: Appointment) -> str:
    """The absolute address of the visit's page in the workspace."""
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    return base + url_for("staff.visit", visit_id=visit.id)


def staff_calendar(
    member: StaffMember, visits: list[Appointment], now: datetime, shifts=()
) -> bytes:
    """The ICS of ``member``'s feed: one event per visit and per published shift, times
    in Europe/Brussels.

    The UID stays the same for a visit's whole life and SEQUENCE follows its moves, so a
    calendar app updates the event instead of adding a new one. Call inside
    ``force_locale("nl")``.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Afspraken – %(name)s", name=member.name))
    calendar.add("x-wr-timezone", CITY_TZ.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", f"PT{int(REFRESH.total_seconds() // 60)}M")
    first, last = feed_window(now)
    calendar.add_component(
        Timezone.from_ical(_brussels_timezone(first - timedelta(days=1), last + timedelta(days=1)))
    )
    stamp = as_utc(now).replace(microsecond=0)
    for visit in visits:
        event = Event()
        event.add("uid", f"{visit.reference}-staff@{UID_DOMAIN}")
        event.add("sequence", visit.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", to_local(visit.starts_at))
        event.add("dtend", to_local(visit.ends_at))
        event.add("summary", visit_title(visit))
        if visit.counter is not None:
            event.add("location", _("Balie %(number)s", number=visit.counter.number))
        notes = visit_notes(visit, _portal_link(visit))
        if notes:
            event.add("description", notes)
        pending = visit.status == AppointmentStatus.PENDING
        event.add("status", "TENTATIVE" if pending else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    for shift in shifts:
        calendar.add_component(shift_event(shift, stamp))
    return calendar.to_ical()
