"""What the free-time computation needs of the services, kept in memory per calendar
generation: one query when a service changed anywhere, none otherwise.

The read API answers free days and times from these plain values instead of loading a
``Service`` row through the ORM on every request. They are not ORM objects: pages that
show a service's texts and every write path keep loading ``Service``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Channel, Service


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """A service's settings that decide its free times and who may book it."""

    id: int
    team_id: int
    channel: Channel
    active: bool
    publicly_bookable: bool
    max_persons: int
    min_notice_minutes: int
    horizon_days: int
    duration_minutes: int
    extra_minutes_per_person: int

    # The very same rule as the model's.
    duration_for = Service.duration_for


_COLUMNS = [getattr(Service, field.name) for field in fields(ServiceFacts)]
_known: dict[str, tuple[int, dict[int, ServiceFacts]]] = {}
_lock = threading.Lock()


def service_facts(session: Session, service_id: int, generation: int) -> ServiceFacts | None:
    """The facts of service ``service_id`` (None when there is none) as of the calendar
    ``generation`` (:func:`portal.cache_generation.request_generations`)."""
    database = str(session.get_bind().url)
    with _lock:
        known = _known.get(database)
    if known is None or known[0] != generation:
        catalog = {row[0]: ServiceFacts(*row) for row in session.execute(select(*_COLUMNS))}
        known = (generation, catalog)
        with _lock:
            _known[database] = known
    return known[1].get(service_id)
