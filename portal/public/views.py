"""Resident pages: opening hours and closures, the services, and a service's free times."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, render_template, request
from sqlalchemy.orm import selectinload

from ..availability import booking_window
from ..availability_cache import public_availability
from ..cache_generation import request_generations
from ..extensions import db
from ..i18n import current_language
from ..models import Service
from ..models.base import MAX_ID
from ..page_cache import render_cached
from ..timeutil import CITY_TZ, local_today, utcnow
from . import blueprint
from .calendar import closures_ahead, week_hours

# When the accessibility statement was last reviewed.
STATEMENT_DATE = date(2026, 11, 23)
# How many days of free times the service page looks ahead.
DAYS_SHOWN = 21


@blueprint.get("/")
def index():
    """Start page: the opening hours, the coming closures and the services by team; kept
    rendered until the calendar changes or the day does."""
    today = local_today(utcnow())
    return render_cached(
        (request_generations().calendar, today), "public/index.html", lambda: _index_context(today)
    )


def _index_context(today: date) -> dict:
    """What the start page shows on ``today``."""
    services = db.session.scalars(
        Service.listed().options(selectinload(Service.texts), selectinload(Service.team))
    ).all()
    teams: dict = {}
    for service in services:
        teams.setdefault(service.team, []).append(service)
    language = current_language()
    return {
        "teams": teams,
        "hours": week_hours(db.session, today),
        "closures": closures_ahead(db.session, today, today + timedelta(days=60), language),
    }


@blueprint.get("/diensten/<int:service_id>")
def service(service_id: int):
    """A service: what it is, what to bring, and its free times in the coming weeks."""
    chosen = db.session.get(Service, service_id) if service_id <= MAX_ID else None
    if chosen is None or not chosen.active:
        abort(404)
    now = utcnow()
    today = local_today(now)
    days, slots, day = [], [], None
    if chosen.publicly_bookable:
        horizon_end = booking_window([chosen], now, CITY_TZ).last_day
        last = min(today + timedelta(days=DAYS_SHOWN), horizon_end)
        availability = public_availability(
            db.session,
            [chosen],
            1,
            today,
            last,
            now,
            grid_minutes=current_app.config["SLOT_GRID_MINUTES"],
            tz=CITY_TZ,
        )
        days = availability.days()
        day = next((d for d in days if d.isoformat() == request.args.get("dag")), None)
        day = day or (days[0] if days else None)
        if day:
            # In UTC like the time page's own choices, so a time links to exactly that
            # choice there; the template shows them in Brussels time.
            slots = [(s.start, s.end) for s in availability.on(day).slots()]
    return render_template(
        "public/service.html",
        service=chosen,
        text=chosen.text(current_language()),
        days=days,
        day=day,
        slots=slots,
    )


@blueprint.get("/toegankelijkheid")
def accessibility():
    """The accessibility statement the EU web accessibility directive (2016/2102) asks of
    public-sector sites: how accessible the portal is, what is not yet, and whom to tell."""
    return render_template("public/accessibility.html", statement_date=STATEMENT_DATE)
