"""Which services a resident may book together, and the free times near a wish.

Shared by the booking pages and the API, so both refuse the same things the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from ..availability import load_availability
from ..availability_cache import public_availability
from ..cache_generation import request_generations
from ..models import Service
from ..models.base import MAX_ID
from ..scheduling import FreeSlot
from ..scheduling.audience import Audience
from ..timeutil import CITY_TZ, local_today, to_local
from .errors import NotBookable
from .settings import BookingSettings

MAX_SERVICES_PER_VISIT = 4
# Built once: the active services among the ``ids`` bound at execution, with their team
# in the same query (the free times read its reserved capacity, the mails its name).
_ACTIVE = (
    select(Service)
    .where(Service.id.in_(bindparam("ids", expanding=True)), Service.filter_active())
    .options(joinedload(Service.team, innerjoin=True))
)


def resolve_services(
    session: Session, service_ids: Sequence[int], persons: int, *, public_only: bool = True
) -> list[Service]:
    """The services behind ``service_ids`` in the order given, if they can be one visit.

    They must exist, be active, belong to one team, share one channel, be bookable by
    residents (unless ``public_only`` is off, for staff) and allow ``persons`` people.
    Raises :class:`NotBookable` otherwise.
    """
    unique_ids = list(dict.fromkeys(service_ids))
    if not unique_ids or len(unique_ids) > MAX_SERVICES_PER_VISIT:
        raise NotBookable()
    if any(not 0 < service_id <= MAX_ID for service_id in unique_ids):
        raise NotBookable()
    found = {service.id: service for service in session.scalars(_ACTIVE, {"ids": unique_ids})}
    if len(found) != len(unique_ids):
        raise NotBookable()
    services = [found[service_id] for service_id in unique_ids]
    if len({service.team_id for service in services}) != 1:
        raise NotBookable()
    if len({service.channel for service in services}) != 1:
        raise NotBookable()
    if public_only and not all(service.publicly_bookable for service in services):
        raise NotBookable()
    if not 1 <= persons <= min(service.max_persons for service in services):
        raise NotBookable()
    return services


def nearest_free_times(
    session: Session,
    services: Sequence[Service],
    persons: int,
    around: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    limit: int = 6,
    ignore_appointment_id: int | None = None,
    for_staff: bool = False,
    audience: Audience | None = None,
) -> list[FreeSlot]:
    """Up to ``limit`` free times closest to ``around`` (a week before to two weeks after),
    in time order: what to offer a resident whose time was just taken or ran out."""
    wish_day = to_local(around).date()
    first = max(wish_day - timedelta(days=7), local_today(now))
    last = max(wish_day, first) + timedelta(days=14)
    availability = load_availability(
        session,
        services,
        persons,
        first,
        last,
        now,
        grid_minutes=settings.grid_minutes,
        tz=CITY_TZ,
        ignore_appointment_id=ignore_appointment_id,
        for_staff=for_staff,
        audience=audience,
    )
    closest = sorted(availability.slots(), key=lambda slot: (abs(slot.start - around), slot.start))
    return sorted(closest[:limit], key=lambda slot: slot.start)


def free_slot_at(
    session: Session,
    services: Sequence[Service],
    persons: int,
    start: datetime,
    now: datetime,
    settings: BookingSettings,
    *,
    ignore_appointment_id: int | None = None,
    for_staff: bool = False,
    audience: Audience | None = None,
    kept: bool = False,
) -> FreeSlot | None:
    """The free time that starts exactly at ``start``, with who could take it, or None.
    ``for_staff`` lifts the residents' notice and horizon (see ``staff_window``);
    ``audience`` says who asks, when it is an invitation or a narrowed staff search.

    ``kept``: the public's free times of that day as this process keeps them (as
    current as the database's committed state: see :mod:`portal.availability_cache`),
    for a caller that has written nothing yet in its transaction. The clerks it names
    are candidates only: the slot claims of the hold decide."""
    day: date = to_local(start).date()
    if kept and not for_staff and audience is None and ignore_appointment_id is None:
        availability = public_availability(
            session,
            services,
            persons,
            day,
            day,
            now,
            grid_minutes=settings.grid_minutes,
            tz=CITY_TZ,
            generations=request_generations(),
        )
    else:
        availability = load_availability(
            session,
            services,
            persons,
            day,
            day,
            now,
            grid_minutes=settings.grid_minutes,
            tz=CITY_TZ,
            ignore_appointment_id=ignore_appointment_id,
            for_staff=for_staff,
            audience=audience,
        )
    return next((slot for slot in availability.slots() if slot.start == start), None)
