"""The staff calendars: a team's, a counter's, every counter's (side by side) or a staff
member's visits over a day or a week, with shifts, absences and closed days behind them,
and moving a visit by dragging.

Three endpoints:

* ``staff.calendar`` (GET ``/medewerkers/agenda``): the page. Without JavaScript it is a
  filter form and a table of the visits; with JavaScript the vendored EventCalendar
  (``static/vendor/event-calendar/``) mounts above the table.
* ``staff.calendar_events`` (GET ``/medewerkers/agenda/gebeurtenissen``): the events of a
  range as JSON, for the component (see :mod:`portal.staff.calendar_feed`).
* ``staff.calendar_move`` (POST ``/medewerkers/agenda/verplaatsen``): a dropped visit,
  as JSON with the CSRF token in the ``X-CSRFToken`` header.

A clerk or planner sees their own team, its counters and its members only; anything
else is answered with 404. Central reception and administrators see every team.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import jsonify, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..booking.errors import BookingError
from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import _, current_language
from ..models import AuditAction, StaffMember
from ..models.base import MAX_ID
from ..notifications.summary import local_date, local_moment
from ..timeutil import (
    CITY_TZ,
    as_utc,
    end_of_local_day,
    isoformat_local,
    local_datetime,
    local_today,
    start_of_local_day,
    to_local,
    utcnow,
)
from . import blueprint
from .access import VISIT_ROLES, can_see_team, parse_id, roles_required, visit_or_404
from .audit import record
from .calendar_feed import (
    calendar_feed,
    closed_days_named,
    load_visits,
    service_names,
    visits_to_show,
)
from .calendar_scope import (
    SCOPE_KINDS,
    CalendarScope,
    ScopeNotFound,
    calendar_resources,
    resolve_scope,
    scope_choices,
    scope_title,
)
from .operations import move_for_resident
from .reception import STAGE_LABELS
from .today import MAX_DAYS_AWAY, parse_day

VIEWS = ("week", "day")
# The events of at most this many days are sent at once (the component asks for a week).
MAX_RANGE_DAYS = 42
# A week shows staff side by side only for this many columns; more would be too narrow,
# so a team's week is one column per day (each visit names its clerk).
MAX_WEEK_RESOURCES = 3
_SCOPE = re.compile(r"(team|counter|staff)-([0-9]{1,10})|(counters)")
# ISO 8601 as the component sends it: a date, or a date and time with an optional offset.
_PLUS_AS_SPACE = re.compile(r"(T[0-9:.]{5,15}) ([0-9]{2}:?[0-9]{2})$")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]{5,15}(Z|[+-][0-9]{2}:?[0-9]{2})?)?")


def parse_moment(raw: str | None) -> datetime | None:
    """A moment from the query string or the drop: ``YYYY-MM-DD`` (local midnight) or an
    ISO 8601 date and time, with an offset or in Brussels time without one; as aware UTC.
    None when it is not one, or lies more than :data:`MAX_DAYS_AWAY` days from today."""
    text = (raw or "").strip()
    # A "+" in a query string that was not encoded arrives as a space.
    text = _PLUS_AS_SPACE.sub(r"\1+\2", text)
    if not _MOMENT.fullmatch(text):
        return None
    try:
        if len(text) == 10:
            moment = start_of_local_day(date.fromisoformat(text))
        else:
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=CITY_TZ)
            moment = as_utc(parsed)
    except (ValueError, OverflowError):
        return None
    if abs((to_local(moment).date() - local_today()).days) > MAX_DAYS_AWAY:
        return None
    return moment


@dataclass
class PageRequest:
    """What the page was asked for: view, day, scope (kind and raw id); ``problem`` says
    what could not be read."""

    view: str = "week"
    day: date | None = None
    kind: str = "team"
    raw_id: str = ""
    problem: str | None = None


def read_page_request(today: date) -> PageRequest:
    """The query string of the page: ``view``, ``date``, and ``by`` and ``id`` (or the
    form's ``scope``, "team-3", which holds both)."""
    asked = PageRequest()
    asked.view = request.args.get("view", "").strip() or "week"
    asked.day = parse_day(request.args.get("date"), today)
    asked.kind = request.args.get("by", "").strip() or "team"
    asked.raw_id = request.args.get("id", "")
    scope = request.args.get("scope", "").strip()
    if scope:
        found = _SCOPE.fullmatch(scope)
        if found is None:
            asked.problem = _("Kies een team, balie of medewerker uit de lijst.")
        elif found.group(3):
            asked.kind, asked.raw_id = "counters", ""
        else:
            asked.kind, asked.raw_id = found.group(1, 2)
    if asked.kind not in SCOPE_KINDS:
        asked.problem = _("Kies een team, balie of medewerker uit de lijst.")
    if asked.problem:
        # Show the form with the reader's own team, and say what was wrong.
        asked.kind, asked.raw_id = "team", ""
    elif asked.view not in VIEWS:
        asked.problem = _("Kies de weergave dag of week.")
        asked.view = "week"
    elif asked.day is None:
        asked.problem = _("Geef een geldige datum in de vorm JJJJ-MM-DD.")
    return asked


def page_days(view: str, day: date) -> tuple[date, date]:
    """The first and last date the page shows: the day, or its week from Monday."""
    if view == "day":
        return day, day
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def component_view(view: str, resources: list[dict]) -> str:
    """The component's view: staff (or the counter) side by side, except a week of more
    than :data:`MAX_WEEK_RESOURCES` columns, which shows one column per day."""
    if view == "day":
        return "resourceTimeGridDay"
    return "resourceTimeGridWeek" if len(resources) <= MAX_WEEK_RESOURCES else "timeGridWeek"


def _page_link(asked: PageRequest, scope: CalendarScope, day: date) -> str:
    """This page for another ``day``, keeping the view and the scope."""
    return url_for(
        "staff.calendar",
        view=asked.view,
        date=day.isoformat(),
        by=scope.kind,
        id=scope.subject_id,
    )


def _client_texts() -> dict:
    """The texts the script shows, translated here (the script holds none of its own)."""
    return {
        "allDay": _("Hele dag"),
        "moving": _("De afspraak wordt verplaatst…"),
        "moveFailed": _("De afspraak kon niet worden verplaatst. Probeer het opnieuw."),
        "loadFailed": _("De agenda kon niet worden geladen. Gebruik de lijst hieronder."),
        "otherCounter": _(
            "Hier verplaatst u een afspraak alleen naar een ander tijdstip: de balie volgt "
            "uit de beurtrol."
        ),
    }


def hidden_days(view: str, visits: list) -> list[int]:
    """The weekdays the component leaves out (0 is Sunday): a week drops the Sunday, when
    the city hall is closed, unless a visit falls on it; a day drops nothing."""
    if view == "day" or any(to_local(visit.starts_at).weekday() == 6 for visit in visits):
        return []
    return [0]


@blueprint.route("/agenda")
@roles_required(*VISIT_ROLES)
def calendar():
    """The calendar page: the filter form, the calendar component (with JavaScript) and
    the table of the visits (always). ``view``, ``date``, ``by`` and ``id`` choose."""
    now = utcnow()
    today = local_today(now)
    language = current_language()
    asked = read_page_request(today)
    try:
        scope = resolve_scope(db.session, current_user, asked.kind, asked.raw_id)
    except ScopeNotFound:
        raise NotFound() from None
    page = {
        "asked": asked,
        "scope": scope,
        "choices": scope_choices(db.session, current_user, language),
        "chosen_value": scope.value,
        "scope_title": scope_title(scope, language),
    }
    if asked.problem:
        return render_template("staff/calendar.html", problem=asked.problem, **page), 400
    first, last = page_days(asked.view, asked.day)
    visits = load_visits(
        db.session,
        current_user,
        scope,
        start_of_local_day(first),
        end_of_local_day(last),
    )
    visits = visits_to_show(visits, now)
    resources = calendar_resources(db.session, scope)
    step = timedelta(days=1 if asked.view == "day" else 7)
    config = {
        "view": component_view(asked.view, resources),
        "date": asked.day.isoformat(),
        "resources": resources,
        "hiddenDays": hidden_days(asked.view, visits),
        "by": scope.kind,
        "eventsUrl": url_for(
            "staff.calendar_events", by=scope.kind, id=scope.subject_id, lang=language
        ),
        "moveUrl": url_for("staff.calendar_move"),
        "locale": language,
        "gridMinutes": BookingSettings.current().grid_minutes,
        "texts": _client_texts(),
    }
    return render_template(
        "staff/calendar.html",
        visits=visits,
        closed_days=closed_days_named(db.session, first, last, language),
        range_title=_range_title(asked.view, first, last),
        previous_link=_page_link(asked, scope, asked.day - step),
        next_link=_page_link(asked, scope, asked.day + step),
        today_link=_page_link(asked, scope, today),
        config=config,
        stage_labels=STAGE_LABELS,
        service_names=lambda visit: service_names(visit, language),
        **page,
    )


def _range_title(view: str, first: date, last: date) -> str:
    """The page's period in words: the day ("maandag 7 december 2026"), or the first and
    last day of the week."""
    first_text = local_date(local_datetime(first, time(12)))
    if view == "day":
        return first_text
    return _(
        "%(first)s tot en met %(last)s",
        first=first_text,
        last=local_date(local_datetime(last, time(12))),
    )


def _json_error(status: int, message: str):
    """A JSON error for the script: ``{"ok": false, "message": …}`` with ``status``."""
    return jsonify({"ok": False, "message": message}), status


@blueprint.route("/agenda/gebeurtenissen")
@roles_required(*VISIT_ROLES)
def calendar_events():
    """The events of ``start``..``end`` (at most :data:`MAX_RANGE_DAYS` days) of the
    calendar ``by``/``id``, as a JSON list; one audit row per request."""
    start = parse_moment(request.args.get("start"))
    end = parse_moment(request.args.get("end"))
    if start is None or end is None or not start < end <= start + timedelta(MAX_RANGE_DAYS):
        return _json_error(400, _("Vraag een periode van ten hoogste zes weken op."))
    kind = request.args.get("by", "").strip() or "team"
    if kind not in SCOPE_KINDS:
        return _json_error(400, _("Kies een team, balie of medewerker uit de lijst."))
    try:
        scope = resolve_scope(db.session, current_user, kind, request.args.get("id", ""))
    except ScopeNotFound:
        return _json_error(404, _("Deze agenda bestaat niet of u hebt er geen toegang toe."))
    now = utcnow()
    local_days = (to_local(start).date(), to_local(end - timedelta(microseconds=1)).date())
    feed = calendar_feed(
        db.session, current_user, scope, start, end, local_days, now, current_language()
    )
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "calendar.events",
        team_id=scope.team_id,
        detail={
            "from": isoformat_local(start),
            "to": isoformat_local(end),
            "by": scope.kind,
            "id": scope.subject_id,
            "visits": feed.visit_count,
        },
        now=now,
    )
    db.session.commit()
    return jsonify(feed.events)


def _positive_id(value) -> int | None:
    """An id from the JSON body (a number or a string of digits), if it can be one."""
    if isinstance(value, str):
        return parse_id(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    return None


@blueprint.route("/agenda/verplaatsen", methods=["POST"])
@roles_required(*VISIT_ROLES)
def calendar_move():
    """Move a visit dropped on the calendar: JSON ``{"visit_id", "start" (ISO 8601 with
    offset), "staff_id" (the clerk's column, or null for any free clerk)}``. Answers
    ``{"ok": true, "start", "message"}``, or 409 with the reason when the time is not
    free (nothing changed); 400 for a body that cannot be read."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _json_error(400, _("De aanvraag kon niet gelezen worden."))
    visit_id = _positive_id(body.get("visit_id"))
    start = parse_moment(body.get("start")) if isinstance(body.get("start"), str) else None
    staff_id = body.get("staff_id")
    if staff_id is not None:
        staff_id = _positive_id(staff_id)
    if visit_id is None or start is None or (body.get("staff_id") is not None and not staff_id):
        return _json_error(400, _("De aanvraag kon niet gelezen worden."))
    not_found = _("Deze afspraak bestaat niet of u hebt er geen toegang toe.")
    try:
        visit = visit_or_404(db.session, current_user, visit_id)
    except NotFound:
        return _json_error(404, not_found)
    if staff_id is not None:
        target = db.session.get(StaffMember, staff_id)
        if target is None or not can_see_team(current_user, target.team_id):
            return _json_error(404, not_found)
    try:
        move_for_resident(
            db.session,
            current_user,
            visit,
            start,
            utcnow(),
            BookingSettings.current(),
            staff_id=staff_id,
        )
    except BookingError as refusal:
        db.session.rollback()
        return _json_error(409, refusal.message())
    db.session.commit()
    return jsonify(
        {
            "ok": True,
            "start": isoformat_local(visit.starts_at),
            "end": isoformat_local(visit.ends_at),
            "staff_id": visit.staff_id,
            "message": _moved_message(visit),
        }
    )


def _moved_message(visit) -> str:
    """What the status line says after a move (the mail only when there is an address)."""
    moment = local_moment(visit.starts_at)
    if visit.email:
        return _(
            "Afspraak %(reference)s verplaatst naar %(moment)s; de bewoner krijgt een e-mail.",
            reference=visit.reference,
            moment=moment,
        )
    return _(
        "Afspraak %(reference)s verplaatst naar %(moment)s.",
        reference=visit.reference,
        moment=moment,
    )
