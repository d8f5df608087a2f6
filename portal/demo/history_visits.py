"""The demo's past year of visits (see :mod:`portal.demo.history`), booked in the past
counter shifts and stored as the booking paths and the counter's day would have left them.

Each counter shift is filled on the booking grid up to a booked share that follows the
seasons (quieter in the Christmas weeks and late summer, busier in spring, before the
summer holidays and in September). A visit was booked online (``web``), by a form engine
(``api``) or by staff (``staff``; the only way to the services residents cannot book
themselves), some minutes to five weeks ahead; what became of it: done (with the reception
steps: arrived, called, in service, done), missed, or cancelled hours to weeks before (the
time then often went to someone else). Every visit that took up the clerk's time keeps its
claims in ``slot_claim``, as a booked visit does; a cancelled one gave them back.

Visits that ended longer ago than the retention period are stored as ``flask purge``
leaves them (:data:`~portal.booking.retention.ANONYMISED_VISIT`); the recent ones keep
made-up contact details like the demo's other visits. The residents' details
(:mod:`portal.demo.history_people`) and the figures of the counter's day
(:mod:`portal.demo.history_reception`) are beside this module.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..booking.access_code import access_code, access_code_hash
from ..booking.retention import ANONYMISED_VISIT, anonymise_ended_visits
from ..booking.settings import BookingSettings
from ..booking.tokens import manage_token, token_hash
from ..models import (
    Appointment,
    AppointmentService,
    AppointmentStatus,
    SlotClaim,
    StaffMember,
    claim_units,
)
from ..timeutil import to_local
from .bulk import insert_columns, insert_rows
from .history_people import BookableService, Clerk, clerk_of, resident_columns
from .history_reception import reception
from .history_season import booked_share, season, service_weight

GRID = timedelta(minutes=15)
COMPLETED, NO_SHOW, CANCELLED = "completed", "no_show", "cancelled"
# How the public books (cumulative weights: web 78, staff 16, api 6); the services
# residents cannot book come through staff.
STAFF = "staff"
CHANNEL_NAMES, CHANNEL_WEIGHTS = ("web", STAFF, "api"), (78, 94, 100)
# What became of a visit: done, missed, cancelled (cumulative shares).
DONE, MISSED = 0.84, 0.90
# A cancelled time is booked again by someone else this often (when there was time to).
REBOOKED = 0.5
# A second service in the same visit (an eID and an address change at once).
SECOND_SERVICE = 0.07
# The mean days between booking and visit in an ordinary week (same-day bookings aside).
LEAD_DAYS = 8
CANCEL_REASONS = ("Op vraag van de bewoner (telefonisch)", "Documenten nog niet klaar")
# The defaults of the portal's configuration, when no app is running.
RETENTION_DAYS, REMINDER_HOURS = 90, 24


@dataclass(frozen=True)
class PastShift:
    """A past counter shift: who, at which counter, when."""

    staff_id: int
    counter_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass
class VisitCounts:
    """How many past visits were added, by outcome and channel, how many of them are
    anonymised, and how many claims they hold."""

    visits: int = 0
    anonymised: int = 0
    claims: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    # The demo's other visits (the dossiers') anonymised as their time was long past.
    others_anonymised: int = 0


def add_visits(
    session: Session,
    rng: random.Random,
    staff: Sequence[StaffMember],
    shifts: Sequence[PastShift],
    now: datetime,
    settings: BookingSettings,
    new_reference: Callable[[], str],
) -> VisitCounts:
    """Book the past counter ``shifts`` and write the visits, their services and their
    claims in bulk; the visits already in the database (the dossiers' past visits) keep
    their clerk's time. Every visit that ended longer ago than the retention period is
    stored anonymised, and so the demo's other such visits are anonymised too. Returns
    the counts."""
    first = min((shift.starts_at for shift in shifts), default=now)
    end = max((shift.ends_at for shift in shifts), default=now)
    rules = _rules(settings, now)
    booker = _Booker(rng, staff, rules, new_reference, _taken(session, first, end))
    for shift in sorted(shifts, key=lambda s: (s.staff_id, s.starts_at)):
        booker.fill(shift)
    counts = booker.counts
    if booker.visits:
        counts.claims = _write(session, booker.visits, booker.booked)
    counts.others_anonymised = anonymise_ended_visits(session, rules.anonymise_before)
    return counts


def _write(session: Session, visits: list[dict], booked: list[tuple[int, ...]]) -> int:
    """Insert the visits, then their services and their claims; how many claims."""
    top = session.scalar(select(func.max(Appointment.id))) or 0
    insert_rows(session, Appointment.__table__, visits)
    ids = dict(
        session.execute(
            select(Appointment.reference, Appointment.id).where(Appointment.id > top)
        ).all()
    )
    services = []
    claims: dict[str, list] = {"staff_id": [], "unit_start": [], "appointment_id": []}
    for visit, service_ids in zip(visits, booked, strict=True):
        visit_id = ids[visit["reference"]]
        services += [
            {"appointment_id": visit_id, "service_id": service_id, "position": position}
            for position, service_id in enumerate(service_ids)
        ]
        if visit["status"] != CANCELLED:
            units = claim_units(visit["starts_at"], visit["ends_at"])
            claims["unit_start"] += units
            claims["staff_id"] += [visit["staff_id"]] * len(units)
            claims["appointment_id"] += [visit_id] * len(units)
    insert_rows(session, AppointmentService.__table__, services)
    insert_columns(session, SlotClaim.__table__, claims)
    return len(claims["unit_start"])


@dataclass(frozen=True)
class _Rules:
    """The portal's rules the past visits were booked under."""

    secret_key: str
    activation: timedelta
    reminder_before: timedelta
    anonymise_before: datetime


def _rules(settings: BookingSettings, now: datetime) -> _Rules:
    """The booking rules, with the retention and reminder settings of the running portal
    (its defaults without one)."""
    config = current_app.config if has_app_context() else {}
    retention = timedelta(days=int(config.get("RETENTION_DAYS", RETENTION_DAYS)))
    reminder = timedelta(hours=int(config.get("REMINDER_HOURS_BEFORE", REMINDER_HOURS)))
    return _Rules(settings.secret_key, settings.activation, reminder, now - retention)


def _taken(session: Session, first: datetime, end: datetime) -> dict[int, list]:
    """The clerks' time in ``[first, end)`` already taken by visits (the dossiers' past
    visits), by staff id."""
    taken = defaultdict(list)
    for staff_id, starts_at, ends_at in session.execute(
        select(Appointment.staff_id, Appointment.starts_at, Appointment.ends_at).where(
            Appointment.starts_at >= first - timedelta(days=1),
            Appointment.starts_at < end,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    ):
        taken[staff_id].append((starts_at, ends_at))
    return taken


class _Booker:
    """Fills shifts one after the other (a clerk's in time order: a resident is called
    when the previous one is done) and keeps the rows to write."""

    def __init__(self, rng, staff, rules: _Rules, new_reference, taken) -> None:
        self.rng, self.rules, self.new_reference, self.taken = rng, rules, new_reference, taken
        self.clerks = {member.id: clerk_of(member) for member in staff}
        self.visits: list[dict] = []
        self.booked: list[tuple[int, ...]] = []
        self.counts = VisitCounts()
        self.weights: dict[tuple[int, int], list[float]] = {}
        self.clerk_free_at: dict[int, datetime | None] = {}

    def fill(self, shift: PastShift) -> None:
        """Book a share of ``shift``'s time on the grid; a cancelled visit's time is
        offered again and often booked by another resident."""
        rng, clerk = self.rng, self.clerks[shift.staff_id]
        if not clerk.services:
            return
        local = to_local(shift.starts_at)
        share = booked_share(local, rng)
        busy = season(local.date())
        weights = self._weights(clerk, local.month)
        taken = self.taken.get(clerk.staff_id, ())
        start, freed_at = shift.starts_at, None
        while start < shift.ends_at:
            services = self._services(clerk, weights)
            persons = 1
            if rng.random() >= 0.8:
                persons = rng.randint(1, min(service.max_persons for service in services))
            length = sum((service.duration_for(persons) for service in services), timedelta())
            end = start + length
            slots = -(-length // GRID)
            # Booked with a chance that makes the share of time taken ``share``, whatever
            # the visits' lengths.
            chance = share / (slots * (1 - share) + share)
            if (
                end > shift.ends_at
                or rng.random() >= chance
                or any(s < end and start < e for s, e in taken)
            ):
                start, freed_at = start + GRID, None
                continue
            visit = self._visit(clerk, shift, services, persons, (start, end), freed_at, busy)
            cancelled = visit.get("cancelled_at")
            rebook_by = start - max(service.min_notice for service in services)
            if cancelled is not None and cancelled < rebook_by and rng.random() < REBOOKED:
                freed_at = cancelled
                continue
            start, freed_at = start + slots * GRID, None

    def _weights(self, clerk: Clerk, month: int) -> list[float]:
        """The clerk's services' cumulative weights in ``month`` (kept per clerk and
        month), for :func:`_pick`."""
        key = (clerk.staff_id, month)
        if key not in self.weights:
            self.weights[key] = list(
                accumulate(service_weight(s.code, s.weight, month) for s in clerk.services)
            )
        return self.weights[key]

    def _services(self, clerk: Clerk, weights: list[float]) -> list[BookableService]:
        """One service, sometimes two of the clerk's (different) ones."""
        first = _pick(self.rng, clerk.services, weights)
        if self.rng.random() >= SECOND_SERVICE:
            return [first]
        second = _pick(self.rng, clerk.services, weights)
        return [first] if second is first else [first, second]

    def _visit(self, clerk, shift, services, persons, span, freed_at, busy: float) -> dict:
        """One visit's row (only the columns it fills), with its outcome, reception
        times and resident."""
        rng, rules = self.rng, self.rules
        start, end = span
        channel = _pick(rng, CHANNEL_NAMES, CHANNEL_WEIGHTS) if _all_public(services) else STAFF
        notice = max(service.min_notice for service in services)
        created = _created(rng, channel, start, notice, freed_at, busy)
        online = channel != STAFF
        confirmed = created + timedelta(seconds=rng.randint(30, 1500)) if online else created
        draw = rng.random()
        status = COMPLETED if draw < DONE else NO_SHOW if draw < MISSED else CANCELLED
        nonce = f"{rng.getrandbits(128):032x}"
        row = {
            "reference": self.new_reference(),
            "status": status,
            "staff_id": clerk.staff_id,
            "counter_id": shift.counter_id,
            "persons": persons,
            "channel": channel,
            "created_at": created,
            "confirmed_at": confirmed,
            "manage_nonce": nonce,
            "manage_token_hash": token_hash(manage_token(rules.secret_key, nonce)),
            "starts_at": start,
            "ends_at": end,
        }
        row |= resident_columns(rng, clerk, channel)
        if online:
            row["activation_expires_at"] = created + rules.activation
        else:
            row["request_key"] = f"{rng.getrandbits(128):032x}"
            if "email" not in row:
                code = access_code(rules.secret_key, nonce)
                row["access_code_hash"] = access_code_hash(rules.secret_key, row["reference"], code)
        cancelled = _cancelled_at(rng, confirmed, start) if status == CANCELLED else None
        if cancelled is not None:
            row |= {"cancelled_at": cancelled, "sequence": 1}
            if start - cancelled < timedelta(hours=2) or rng.random() < 0.1:
                row["cancel_reason"] = rng.choice(CANCEL_REASONS)
        if confirmed <= start - rules.reminder_before:
            reminded = start - rules.reminder_before + timedelta(seconds=rng.randint(0, 900))
            if cancelled is None or cancelled > reminded:
                row["reminder_sent_at"] = reminded
        free_at = self.clerk_free_at.get(clerk.staff_id)
        row |= reception(rng, status, span, shift.counter_id, free_at)
        self.clerk_free_at[clerk.staff_id] = row.get("completed_at", free_at)
        if end < rules.anonymise_before:
            row = _as_purged(row)
            self.counts.anonymised += 1
        self._keep(row, services)
        return row

    def _keep(self, row: dict, services: list[BookableService]) -> None:
        """Keep the row to write and count it."""
        self.visits.append(row)
        self.booked.append(tuple(service.id for service in services))
        counts = self.counts
        counts.visits += 1
        counts.by_status[row["status"]] = counts.by_status.get(row["status"], 0) + 1
        counts.by_channel[row["channel"]] = counts.by_channel.get(row["channel"], 0) + 1


def _as_purged(row: dict) -> dict:
    """``row`` as ``flask purge`` leaves a visit: the columns of
    :data:`~portal.booking.retention.ANONYMISED_VISIT` blanked (the None ones left out of
    the row, so NULL)."""
    return {key: value for key, value in (row | ANONYMISED_VISIT).items() if value is not None}


def _pick(rng: random.Random, items: Sequence, cumulative: Sequence[float]):
    """One of ``items``, drawn by their ``cumulative`` weights."""
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def _all_public(services) -> bool:
    """Whether residents may book every one of ``services`` themselves."""
    return all(service.public for service in services)


def _created(rng, channel: str, start: datetime, notice, freed_at, busy: float) -> datetime:
    """When the visit was booked: same day to about five weeks ahead; online at least the
    services' notice ahead, by staff during office hours; after the cancellation that
    freed the time, if one did."""
    if rng.random() < 0.12:
        lead = timedelta(minutes=rng.uniform(0, 30 * 60))
    else:
        # Longer ahead in busy times, when the first free times lie further away.
        mean = LEAD_DAYS * (1 + 4 * busy)
        lead = timedelta(days=min(36.0, rng.expovariate(1 / mean)))
    if channel == STAFF:
        created = start - max(lead, timedelta(minutes=10))
        local = to_local(created)
        if not 8 <= local.hour < 17:
            created -= timedelta(hours=(local.hour - 12) % 24)
    else:
        created = start - max(lead, notice + timedelta(minutes=rng.randint(1, 60)))
    if freed_at is not None and created <= freed_at:
        latest = start - (notice if channel != STAFF else timedelta(minutes=10))
        created = freed_at + (latest - freed_at) * rng.random()
    return created.replace(microsecond=0)


def _cancelled_at(rng, confirmed: datetime, start: datetime) -> datetime:
    """When a visit was cancelled: hours to weeks before, after it was confirmed."""
    draw = rng.random()
    if draw < 0.3:
        before = timedelta(hours=rng.uniform(2, 24))
    elif draw < 0.8:
        before = timedelta(days=rng.uniform(1, 7))
    else:
        before = timedelta(days=rng.uniform(7, 21))
    cancelled = start - before
    if cancelled <= confirmed:
        cancelled = confirmed + (start - confirmed) * rng.uniform(0.2, 0.9)
    return cancelled.replace(microsecond=0)
