"""The call display on the big screen in the hall: the queue numbers of the latest calls
and the counter each resident goes to, in the languages the hall chooses, with a chime
when someone is called (if the screen asks for it).

It needs no sign-in (it runs unattended on a screen in the hall), so it shows only
queue numbers (or, for a visit booked before numbers existed, its reference) and counter
numbers, never a name, and writes no audit rows. A screen is set up once with its
address, e.g. ``/medewerkers/oproepscherm?team=1&talen=nl,fr,en,ar&gong=1``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..i18n import LANGUAGES, _, current_language, text_direction
from ..models import Appointment, Team
from ..timeutil import isoformat_local, local_today, start_of_local_day, utcnow
from . import blueprint
from .access import id_or_404
from .waiting_room import open_today

# The display shows calls of the last 15 minutes, at most 8, newest first.
CALL_DISPLAY_WINDOW = timedelta(minutes=15)
CALL_DISPLAY_ROWS = 8
# At most this many languages side by side (more would not fit a row on the screen).
MAX_HALL_LANGUAGES = 4


def hall_languages(raw: str | None, first: str, default: str) -> list[str]:
    """The languages of the display: ``first`` (the page's own language), then those of
    ``talen=`` (codes separated by commas; unknown ones are skipped) or, without it, the
    city's default list; each once, at most :data:`MAX_HALL_LANGUAGES`."""
    asked = (raw if raw is not None else default).split(",")
    codes = [first] + [code.strip().lower() for code in asked]
    chosen = [code for code in dict.fromkeys(codes) if code in LANGUAGES]
    return chosen[:MAX_HALL_LANGUAGES]


def language_texts(languages: list[str]) -> list[dict]:
    """The display's words in each hall language: its title, the column heads, the
    counter's label (with ``{number}`` to fill in) and the empty screen's sentence."""
    texts = []
    for code in languages:
        with force_locale(code):
            texts.append(
                {
                    "lang": code,
                    "dir": text_direction(code),
                    "title": _("Oproepingen"),
                    "number": _("Volgnummer"),
                    "counter": _("Loket"),
                    "counter_format": _("Loket %(number)s", number="{number}"),
                    "empty": _("Er is nu niemand opgeroepen."),
                }
            )
    return texts


def _display_team() -> int | None:
    """The team of the display's ``team`` parameter (an id), or None for all; an id of
    no team is a 404."""
    raw = request.args.get("team", "").strip()
    if not raw:
        return None
    team_id = id_or_404(raw)
    if db.session.get(Team, team_id) is None:
        abort(404)
    return team_id


def recent_calls(session: Session, team_id: int | None, now: datetime) -> list[Appointment]:
    """Visits called today in the last 15 minutes and not finished, newest call first
    (at most :data:`CALL_DISPLAY_ROWS`)."""
    since = max(now - CALL_DISPLAY_WINDOW, start_of_local_day(local_today(now)))
    query = (
        select(Appointment)
        .where(
            *open_today(now),
            Appointment.called_at.is_not(None),
            Appointment.called_at >= since,
        )
        .options(joinedload(Appointment.called_counter), joinedload(Appointment.queue_team))
        .order_by(Appointment.called_at.desc(), Appointment.id.desc())
        .limit(CALL_DISPLAY_ROWS)
    )
    if team_id is not None:
        query = query.where(Appointment.filter_teams([team_id]))
    return list(session.scalars(query))


def call_rows(visits: list[Appointment]) -> list[dict]:
    """What the display shows of each call: the queue number (the reference for a visit
    without one), the counter number and the call's time."""
    return [
        {
            "number": visit.queue_label or visit.reference,
            "counter": visit.called_counter.number if visit.called_counter else None,
            "called_at": isoformat_local(visit.called_at),
        }
        for visit in visits
    ]


@blueprint.route("/oproepscherm")
def call_display():
    """The call display for the hall (no sign-in): queue numbers and counters of the
    latest calls in very large type, in the hall's languages; refreshes itself (script,
    or every 15 s without) and, with ``gong=1``, chimes at a new call."""
    team_id = _display_team()
    languages = hall_languages(
        request.args.get("talen"),
        current_language(),
        current_app.config["CALL_DISPLAY_LANGUAGES"],
    )
    calls = call_rows(recent_calls(db.session, team_id, utcnow()))
    return render_template(
        "staff/call_display.html",
        calls=calls,
        texts=language_texts(languages),
        chime=request.args.get("gong") == "1",
        data_url=url_for("staff.call_display_data", team=team_id),
    )


@blueprint.route("/oproepscherm.json")
def call_display_data():
    """The call display's list as JSON, fetched by its script every few seconds."""
    team_id = _display_team()
    response = jsonify({"calls": call_rows(recent_calls(db.session, team_id, utcnow()))})
    response.headers["Cache-Control"] = "no-store"
    return response
