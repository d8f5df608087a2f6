"""Read side of the public API: services, days with free times, free times of a day.

Each handler parses its parameters, checks them and asks :mod:`portal.availability`;
nothing here computes a free time itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, jsonify, request
from flask_babel import format_date
from sqlalchemy.orm import selectinload

from ..availability import booking_window
from ..availability_cache import CachedAvailability, public_availability
from ..cache_generation import request_generations
from ..extensions import db
from ..i18n import _
from ..models import Service
from ..models.base import MAX_ID
from ..service_facts import ServiceFacts, service_facts
from ..timeutil import CITY_TZ, isoformat_local, local_today, utcnow
from . import blueprint
from .errors import ApiError
from .openapi import openapi_document
from .params import check_language, parse_date, parse_persons
from .serializers import service_json


@blueprint.errorhandler(ApiError)
def _api_error(error: ApiError):
    """Answer an :class:`ApiError` as JSON."""
    return error.response()


@blueprint.before_request
def _check_language():
    """Refuse a ``lang`` the API does not speak, as its OpenAPI document's enum says."""
    check_language(request.args)


@blueprint.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document that describes this API."""
    return jsonify(openapi_document())


@blueprint.get("/services")
def list_services():
    """All services the city offers, with names per language, team, duration and whether
    residents can book them themselves."""
    services = db.session.scalars(
        Service.listed().options(selectinload(Service.texts), selectinload(Service.team))
    ).all()
    return jsonify(services=[service_json(service) for service in services])


@blueprint.get("/services/<int:service_id>")
def show_service(service_id: int):
    """One service, as in the list."""
    return jsonify(service_json(_active_service(service_id)))


def _active_service(service_id: int) -> Service:
    """The service with this id, or a 404 when there is none or it is withdrawn."""
    service = db.session.get(Service, service_id) if service_id <= MAX_ID else None
    if service is None or not service.active:
        raise ApiError(404, "unknown_service", _("Deze dienst bestaat niet."), "service_id")
    return service


def _bookable_service(service_id: int) -> ServiceFacts:
    """The service's facts (kept in memory until a service changes), refused with a 404
    when there is no such active service and a 403 when residents cannot book it."""
    service = service_facts(db.session, service_id, request_generations().calendar)
    if service is None or not service.active:
        raise ApiError(404, "unknown_service", _("Deze dienst bestaat niet."), "service_id")
    if not service.publicly_bookable:
        raise ApiError(
            403,
            "invitation_only",
            _("Voor deze dienst maakt de stad zelf een afspraak met u, op uitnodiging."),
            "service_id",
        )
    return service


def _check_horizon(day: date, last_day: date, parameter: str) -> None:
    """Refuse a date past the last day the service can be booked."""
    if day > last_day:
        raise ApiError(
            400,
            "beyond_horizon",
            _(
                "U kunt voor deze dienst een afspraak maken tot en met %(last_day)s.",
                last_day=format_date(last_day, "long"),
            ),
            parameter,
        )


def _availability(
    service: ServiceFacts, persons: int, first: date, last: date, now: datetime
) -> CachedAvailability:
    """The free times of one service for ``persons`` people between two dates, as at ``now``
    (kept in memory until something changes them)."""
    config = current_app.config
    return public_availability(
        db.session,
        [service],
        persons,
        first,
        last,
        now,
        grid_minutes=config["SLOT_GRID_MINUTES"],
        tz=CITY_TZ,
        generations=request_generations(),
    )


@blueprint.get("/services/<int:service_id>/days")
def free_days(service_id: int):
    """The dates in ``from``..``to`` (default: today and the 30 days after it, within the
    booking horizon) on which the service has at least one free time."""
    service = _bookable_service(service_id)
    persons = parse_persons(request.args, service.max_persons)
    now = utcnow()
    today = local_today(now, CITY_TZ)
    last_day = booking_window([service], now, CITY_TZ).last_day
    first = parse_date(request.args, "from", default=today)
    _check_horizon(first, last_day, "from")
    last = parse_date(request.args, "to", default=min(first + timedelta(days=30), last_day))
    if last < first:
        raise ApiError(
            400,
            "reversed_range",
            _("De einddatum (to) ligt vóór de begindatum (from)."),
            "to",
        )
    _check_horizon(last, last_day, "to")
    max_days = current_app.config["API_MAX_RANGE_DAYS"]
    if (last - first).days + 1 > max_days:
        raise ApiError(
            400,
            "range_too_long",
            _("Vraag hoogstens %(days)s dagen tegelijk op.", days=max_days),
            "to",
        )
    days = _availability(service, persons, first, last, now).days()
    return jsonify(
        service_id=service.id,
        persons=persons,
        **{"from": first.isoformat(), "to": last.isoformat()},
        days=[day.isoformat() for day in days],
    )


@blueprint.get("/services/<int:service_id>/slots")
def free_slots(service_id: int):
    """The free times of the service on ``date``: start and end with the Brussels offset,
    and how many counter staff could take each one."""
    service = _bookable_service(service_id)
    persons = parse_persons(request.args, service.max_persons)
    day = parse_date(request.args, "date")
    now = utcnow()
    _check_horizon(day, booking_window([service], now, CITY_TZ).last_day, "date")
    slots = _availability(service, persons, day, day, now).slots()
    return jsonify(
        service_id=service.id,
        persons=persons,
        date=day.isoformat(),
        slots=[
            {
                "start": isoformat_local(slot.start),
                "end": isoformat_local(slot.end),
                "capacity": slot.capacity,
            }
            for slot in slots
        ],
    )
