"""Visits and the holds that reserve a time while a resident finishes booking.

The rule "one staff member, one visit at a time" is kept by the database: every visit and
every hold claims the 5-minute units of its staff member's time in ``slot_claim``, whose
primary key (staff member, unit) refuses a second claim. That works the same on SQLite and
PostgreSQL, and two residents racing for the last time cannot both win.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime, str_enum
from .rota import TimeSpanMixin

CLAIM_UNIT = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Reference codes avoid look-alikes (0/O, 1/I/L) because people read them out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def claim_units(start: datetime, end: datetime) -> list[datetime]:
    """The 5-minute units ``[start, end)`` touches: two spans overlap iff they share one."""
    if end <= start:
        return []
    offset = (start - _EPOCH) % CLAIM_UNIT
    unit = start - offset
    units = []
    while unit < end:
        units.append(unit)
        unit += CLAIM_UNIT
    return units


def new_nonce() -> str:
    """128 random bits, hex: the seed of a visit's manage token."""
    return secrets.token_hex(16)


def new_reference() -> str:
    """A short random reference a resident can read out or show as a QR code."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class AppointmentStatus(StrEnum):
    """Life of a visit: awaiting activation, confirmed, then cancelled, done or missed."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


ACTIVE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


class SlotClaim(db.Model):
    """One 5-minute unit of a staff member's time, taken by one visit or one hold."""

    __tablename__ = "slot_claim"
    __table_args__ = (
        CheckConstraint(
            "(appointment_id IS NULL) <> (hold_id IS NULL)", name="claimed_by_exactly_one"
        ),
        Index("ix_slot_claim_appointment", "appointment_id"),
        Index("ix_slot_claim_hold", "hold_id"),
    )

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_member.id", ondelete="CASCADE"), primary_key=True
    )
    unit_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE")
    )
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("hold.id", ondelete="CASCADE"))


class ClaimsTimeMixin(TimeSpanMixin):
    """A span of one staff member's time that is claimed unit by unit in ``slot_claim``.

    Subclasses map ``staff_id`` and a ``claims`` relationship to :class:`SlotClaim`.

    A visit or hold lies within one opening block of one day, and :meth:`claim_time`
    refuses a longer one; so a row that starts more than :data:`LONGEST` before a span
    cannot reach it, and the overlap criterion reads only the last day of the
    ``(staff_id, starts_at)`` index instead of every earlier visit of the clerk.
    """

    LONGEST = timedelta(days=1)

    @classmethod
    def filter_overlapping(cls, start: datetime, end: datetime):
        """Criterion: rows whose span overlaps ``[start, end)`` (touching does not count),
        read as a short range of the start index."""
        return (cls.starts_at < end) & (cls.starts_at > start - cls.LONGEST) & (cls.ends_at > start)

    def claim_time(self) -> None:
        """Claim the staff member's units for this span; the flush fails if one is taken.
        A span longer than :data:`LONGEST` is refused (ValueError): no visit is."""
        if self.ends_at - self.starts_at > self.LONGEST:
            raise ValueError("a visit or hold lasts at most a day")
        self.claims = [
            SlotClaim(staff_id=self.staff_id, unit_start=unit)
            for unit in claim_units(self.starts_at, self.ends_at)
        ]

    def release_time(self) -> None:
        """Give the staff member's units back (a cancelled visit, an expired hold)."""
        self.claims = []


class AppointmentService(db.Model):
    """A service booked in a visit (a visit may combine several)."""

    __tablename__ = "appointment_service"

    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    service = relationship("Service")


def queue_label(letter: str | None, number: int) -> str:
    """A queue number as people read it: the team's letter and three digits ("B-014"),
    or the digits alone for a team without a letter."""
    digits = f"{number:03d}"
    return f"{letter}-{digits}" if letter else digits


class Appointment(ClaimsTimeMixin, db.Model):
    """A resident's visit to a counter, with a staff member, at a time."""

    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint("persons >= 1", name="persons_positive"),
        Index("ix_appointment_staff_start", "staff_id", "starts_at"),
        Index("ix_appointment_start", "starts_at"),
        # One queue number per team and day: the hall's screen calls "B-014" once.
        UniqueConstraint(
            "queue_team_id", "queue_day", "queue_number", name="one_queue_number_per_team_day"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True, default=new_reference)
    status: Mapped[AppointmentStatus] = mapped_column(
        str_enum(AppointmentStatus, "appointment_status"), default=AppointmentStatus.CONFIRMED
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    persons: Mapped[int] = mapped_column(Integer, default=1)
    resident_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    # The language of the mails (one of the site's languages).
    language: Mapped[str] = mapped_column(String(8), default="nl")
    # The language spoken at the counter (any BCP 47 code, also ones the site lacks).
    spoken_language: Mapped[str | None] = mapped_column(String(16))
    # The resident's own words when they chose "another language".
    spoken_language_other: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    remark: Mapped[str] = mapped_column(Text, default="")
    # The one-time key of the staff form that booked it: submitting that form again (a
    # double click) finds this visit instead of booking a second one.
    request_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    # How the visit was booked: "web" (the resident), "api" (a form engine), "staff".
    channel: Mapped[str] = mapped_column(String(16), default="web")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A pending visit is only held until then; unconfirmed, it gives its time back.
    activation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why staff cancelled it (shown to the resident in the cancellation mail).
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    # The day at the counter: each step is timestamped when staff record it.
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The counter the resident was called to (the call display shows it).
    called_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    service_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the city asked the resident to choose a new time (a rota change or a closure
    # left the visit without its staff member); cleared when the visit is moved.
    reschedule_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why, in the resident's mail (a closure's reason, or the planner's words).
    reschedule_reason: Mapped[str] = mapped_column(String(200), default="")
    # The calendar file's SEQUENCE: raised on every move and on the cancellation.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # The manage link's token is derived from this nonce and the secret key; only its
    # SHA-256 is stored, so the database alone cannot open anyone's visit.
    manage_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A visit booked by staff without an e-mail address opens with its reference and a
    # short code ("manage with a code", portal.booking.access_code): only a keyed hash
    # of the code is kept, with the wrong codes tried in a row and the lock they caused.
    access_code_hash: Mapped[str | None] = mapped_column(String(64))
    access_code_failures: Mapped[int] = mapped_column(Integer, default=0)
    access_code_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The short number the hall's screen calls ("B-014"): per team and Brussels day, given
    # when the visit is booked (again when a move changes its day or team, or at check-in
    # for a visit booked before numbers existed). See portal.booking.queue_numbers.
    queue_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    queue_day: Mapped[date | None] = mapped_column(Date)
    queue_number: Mapped[int | None] = mapped_column(Integer)
    # The dossier this visit belongs to, if a clerk follows it up.
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    # The follow-up (invitation or the clerk's booking) this visit was booked for: its
    # window and clerk bind every move. Unique: one invitation books one visit.
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id"), unique=True)

    staff = relationship("StaffMember")
    dossier = relationship("Dossier")
    follow_up = relationship("FollowUp", back_populates="appointment")
    counter = relationship("Counter", foreign_keys=[counter_id])
    queue_team = relationship("Team", foreign_keys=[queue_team_id])
    called_counter = relationship("Counter", foreign_keys=[called_counter_id])
    booked_services: Mapped[list[AppointmentService]] = relationship(
        cascade="all, delete-orphan", order_by=AppointmentService.position
    )
    claims: Mapped[list[SlotClaim]] = relationship(cascade="all, delete-orphan")

    @property
    def queue_label(self) -> str | None:
        """The queue number as the hall's screen shows it ("B-014"), or None when the
        visit has none."""
        if self.queue_number is None:
            return None
        letter = self.queue_team.queue_letter if self.queue_team is not None else None
        return queue_label(letter, self.queue_number)

    @property
    def services(self) -> list:
        """The booked services, in the order they were chosen."""
        return [entry.service for entry in self.booked_services]

    @classmethod
    def filter_active(cls, now: datetime):
        """Criterion: visits that take up the staff member's time at ``now``: confirmed
        ones, and pending ones whose activation has not run out."""
        return (cls.status == AppointmentStatus.CONFIRMED) | (
            (cls.status == AppointmentStatus.PENDING) & (cls.activation_expires_at > now)
        )

    @classmethod
    def filter_stale(cls, now: datetime):
        """Criterion: visits whose claims no longer count (ended, or never activated)."""
        return ~cls.filter_active(now)

    @classmethod
    def filter_teams(cls, team_ids):
        """Criterion: visits with a staff member of one of ``team_ids`` (a visit belongs
        to the team of the person it is booked with)."""
        from .organisation import staff_in_teams

        return cls.staff_id.in_(staff_in_teams(team_ids))

    @classmethod
    def filter_between(cls, start: datetime, end: datetime):
        """Criterion: visits starting in ``[start, end)`` (a day, a week)."""
        return (cls.starts_at >= start) & (cls.starts_at < end)

    @property
    def stage(self) -> str:
        """Where the visit is on its day: expected, waiting, called, in_service, done,
        no_show, or cancelled/pending (from the status)."""
        if self.status in (AppointmentStatus.CANCELLED, AppointmentStatus.PENDING):
            return self.status.value
        if self.no_show_at:
            return "no_show"
        if self.completed_at:
            return "done"
        if self.service_started_at:
            return "in_service"
        if self.called_at:
            return "called"
        if self.arrived_at:
            return "waiting"
        return "expected"

    def is_active(self, now: datetime) -> bool:
        """Whether this visit still takes up its time at ``now`` (see :meth:`filter_active`)."""
        if self.status == AppointmentStatus.CONFIRMED:
            return True
        return self.status == AppointmentStatus.PENDING and (
            self.activation_expires_at is not None and self.activation_expires_at > now
        )

    def activation_expired(self, now: datetime) -> bool:
        """A pending visit whose activation link ran out: its time went back."""
        return self.status == AppointmentStatus.PENDING and not self.is_active(now)


class HoldKind(StrEnum):
    """Why a time is held: a resident is booking it, or it was just given back."""

    BOOKING = "booking"
    # A cancelled visit's time reopens only after a delay, so that a slot trader cannot
    # cancel and rebook in one breath.
    COOLDOWN = "cooldown"


class Hold(ClaimsTimeMixin, db.Model):
    """A time kept for a resident for a few minutes while they finish booking."""

    __tablename__ = "hold"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_hold_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[HoldKind] = mapped_column(
        str_enum(HoldKind, "hold_kind"), default=HoldKind.BOOKING
    )
    # SHA-256 of the token the resident's browser (or the API client) holds.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    service_ids: Mapped[list] = mapped_column(JSON)
    persons: Mapped[int] = mapped_column(Integer, default=1)
    # The invitation this hold was placed through (its window and clerk bind the booking).
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id", ondelete="CASCADE"))
    # The contact details typed so far; gone with the hold.
    draft: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    claims: Mapped[list[SlotClaim]] = relationship(cascade="all, delete-orphan")

    @classmethod
    def filter_live(cls, now: datetime):
        """Criterion: holds that have not expired at ``now``."""
        return cls.expires_at > now

    @classmethod
    def filter_stale(cls, now: datetime):
        """Criterion: holds that have run out and whose claims no longer count."""
        return cls.expires_at <= now
