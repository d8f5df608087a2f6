"""Dossiers a clerk follows up, their follow-up visits and invitations, and the
notifications that tell the clerk what residents did with them.

A dossier stores the resident's contact details once, so a follow-up never asks for them
again. A follow-up (``follow_up``) is one planned next step of a dossier: the services,
who does it (one clerk, or any qualified colleague of the team), a window of dates and
whether it is a counter visit or back-office time. It is either booked at once by the
clerk, or mailed to the resident as an invitation: a single-use link. "Single use" is kept
by the database: ``appointment.follow_up_id`` is unique, and booking first claims the
follow-up with a conditional UPDATE.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
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
    and_,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..scheduling.audience import Audience, AudienceKind
from ..timeutil import utcnow
from .appointments import REFERENCE_ALPHABET, new_nonce
from .base import UTCDateTime, str_enum
from .organisation import pick_text
from .rota import ShiftKind

DOSSIER_REFERENCE_LENGTH = 7


def new_dossier_reference() -> str:
    """A dossier reference staff and residents can read out: ``D-`` and seven characters
    without look-alikes (never the same shape as a visit's eight-character reference)."""
    return "D-" + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(DOSSIER_REFERENCE_LENGTH)
    )


class DossierStatus(StrEnum):
    """Where a dossier stands: open, waiting for the resident or for another party (the
    immigration office, a police check), or closed with an outcome."""

    OPEN = "open"
    WAITING_RESIDENT = "waiting_resident"
    WAITING_OTHER = "waiting_other"
    CLOSED = "closed"


class DossierSubject(db.Model):
    """A kind of dossier of one team ("residence registration", "eID application"), with
    its name in the eight languages and the usual wait before the next visit."""

    __tablename__ = "dossier_subject"
    __table_args__ = (
        UniqueConstraint("team_id", "code", name="one_subject_code_per_team"),
        CheckConstraint("follow_up_after_days BETWEEN 0 AND 365", name="after_days_range"),
        CheckConstraint("follow_up_window_days BETWEEN 1 AND 366", name="window_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    # Name per language code; Dutch ("nl") is required and the fallback.
    names: Mapped[dict] = mapped_column(JSON)
    # The default window of a follow-up: from this many days after today...
    follow_up_after_days: Mapped[int] = mapped_column(Integer, default=0)
    # ...for this many days (an eID's letter takes ~21 days, cards wait three months).
    follow_up_window_days: Mapped[int] = mapped_column(Integer, default=14)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team = relationship("Team")

    def name(self, language: str) -> str:
        """The subject's name in ``language`` (Dutch when it has none)."""
        return pick_text(self.names, language)


class Dossier(db.Model):
    """A resident's case that a clerk of one team follows up over several visits."""

    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_owner_status", "owner_id", "status"),
        Index("ix_dossier_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True, default=new_dossier_reference)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("dossier_subject.id"))
    status: Mapped[DossierStatus] = mapped_column(
        str_enum(DossierStatus, "dossier_status"), default=DossierStatus.OPEN
    )
    # Whom the dossier waits for when it waits for another party ("DVZ", "police").
    waiting_for: Mapped[str] = mapped_column(String(120), default="")
    # How it ended, when closed.
    outcome: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    # The resident, stored once for every visit and invitation of the dossier.
    resident_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8), default="nl")
    spoken_language: Mapped[str | None] = mapped_column(String(16))
    spoken_language_other: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the retention period ran out and the contact details and notes were erased.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team = relationship("Team")
    owner = relationship("StaffMember")
    subject = relationship("DossierSubject")
    notes: Mapped[list[DossierNote]] = relationship(
        cascade="all, delete-orphan", order_by="DossierNote.created_at.desc()"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="dossier", order_by="FollowUp.created_at"
    )

    @classmethod
    def filter_teams(cls, team_ids):
        """Criterion: dossiers of one of ``team_ids``."""
        return cls.team_id.in_(list(team_ids))

    @classmethod
    def filter_open(cls):
        """Criterion: dossiers that are not closed."""
        return cls.status != DossierStatus.CLOSED

    @property
    def is_closed(self) -> bool:
        """Whether the dossier was closed with an outcome."""
        return self.status == DossierStatus.CLOSED


class DossierNote(db.Model):
    """A staff-only note on a dossier: who wrote it and when."""

    __tablename__ = "dossier_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)

    author = relationship("StaffMember")


class FollowUpState(StrEnum):
    """An invitation's state as staff see it (derived, never stored)."""

    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class FollowUp(db.Model):
    """The next step of a dossier: booked by the clerk, or an invitation to the resident.

    ``earliest``..``latest`` are Brussels dates (inclusive); the visit must start inside
    them, with ``staff_id`` or, when ``any_colleague`` is set, with any qualified
    colleague of the dossier's team. ``shift_kind`` back office books the clerk's
    back-office time (work on the dossier without the resident).
    """

    __tablename__ = "follow_up"
    __table_args__ = (
        CheckConstraint("earliest <= latest", name="window_in_order"),
        CheckConstraint("persons >= 1", name="persons_positive"),
        Index("ix_follow_up_dossier", "dossier_id"),
        Index("ix_follow_up_open", "used_at", "revoked_at", "latest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    service_ids: Mapped[list] = mapped_column(JSON)
    persons: Mapped[int] = mapped_column(Integer, default=1)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    any_colleague: Mapped[bool] = mapped_column(Boolean, default=False)
    shift_kind: Mapped[ShiftKind] = mapped_column(
        str_enum(ShiftKind, "shift_kind"), default=ShiftKind.COUNTER
    )
    earliest: Mapped[date] = mapped_column(Date)
    latest: Mapped[date] = mapped_column(Date)
    # An invitation has a link; a follow-up the clerk booked at once has none.
    invited: Mapped[bool] = mapped_column(Boolean, default=True)
    token_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Who made it: a staff member, or the city's case software through the API.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    created_via: Mapped[str] = mapped_column(String(16), default="staff")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The link works until then (the end of the window's last day, or as extended).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier] = relationship(back_populates="follow_ups")
    staff = relationship("StaffMember", foreign_keys=[staff_id])
    created_by = relationship("StaffMember", foreign_keys=[created_by_id])
    appointment = relationship("Appointment", back_populates="follow_up", uselist=False)

    def audience(self, kind: AudienceKind = AudienceKind.INVITATION) -> Audience:
        """Who may book this follow-up when: its clerk (or every qualified clerk when any
        colleague may take it) inside its window, reserved time included."""
        return Audience(
            kind,
            staff_ids=None if self.any_colleague else frozenset({self.staff_id}),
            first_day=self.earliest,
            last_day=self.latest,
            back_office=self.shift_kind == ShiftKind.BACK_OFFICE,
        )

    def state(self, now: datetime) -> FollowUpState:
        """Open, used, expired or revoked at ``now``."""
        if self.used_at is not None:
            return FollowUpState.USED
        if self.revoked_at is not None:
            return FollowUpState.REVOKED
        if self.expires_at <= now:
            return FollowUpState.EXPIRED
        return FollowUpState.OPEN

    @classmethod
    def revoke_unused(cls, dossier_ids, now: datetime):
        """Statement: withdraw the unused follow-ups of ``dossier_ids`` (a list or a
        subquery), e.g. of a dossier that was closed or erased."""
        return (
            update(cls)
            .where(cls.dossier_id.in_(dossier_ids), cls.used_at.is_(None))
            .where(cls.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    @classmethod
    def filter_open(cls, now: datetime):
        """Criterion: invitations that can still be used at ``now``."""
        return (
            cls.invited.is_(True)
            & cls.used_at.is_(None)
            & cls.revoked_at.is_(None)
            & (cls.expires_at > now)
        )


class NotificationKind(StrEnum):
    """What happened to a dossier visit that its clerk should know, or a newly published
    rota that changes the person's shifts."""

    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    RESCHEDULE = "reschedule"
    ROTA = "rota"


class StaffNotification(db.Model):
    """A line in a clerk's notification list: a resident moved, cancelled, booked or
    missed a visit of a dossier the clerk owns."""

    __tablename__ = "staff_notification"
    __table_args__ = (Index("ix_staff_notification_staff_read", "staff_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE")
    )
    # The published rota plan a ROTA notification tells of.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("rota_plan.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Small facts without personal data: the old and the new time of a move; the person's
    # counter turns and changed days in a new rota.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    dossier = relationship("Dossier")
    appointment = relationship("Appointment")
    plan = relationship("RotaPlan")

    @classmethod
    def filter_unread_of(cls, staff_id: int):
        """Criterion: ``staff_id``'s notifications not read yet (the menu's count, and
        what "mark all read" marks)."""
        return and_(cls.staff_id == staff_id, cls.read_at.is_(None))
