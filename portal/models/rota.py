"""Staff time: counter and back-office shifts, and absences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, str_enum


class ShiftKind(StrEnum):
    """Counter time (residents can book it) or back-office time."""

    COUNTER = "counter"
    BACK_OFFICE = "back_office"


class TimeSpanMixin:
    """A span ``[starts_at, ends_at)`` in aware UTC, with the one overlap criterion."""

    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @classmethod
    def filter_overlapping(cls, start: datetime, end: datetime):
        """Criterion: rows whose span overlaps ``[start, end)`` (touching does not count)."""
        return (cls.starts_at < end) & (cls.ends_at > start)


class StaffTimeMixin(TimeSpanMixin):
    """A span of one staff member's time, with the team criterion."""

    @classmethod
    def filter_teams(cls, team_ids):
        """Criterion: rows of people in one of ``team_ids``."""
        from .organisation import staff_in_teams

        return cls.staff_id.in_(staff_in_teams(team_ids))


class Shift(StaffTimeMixin, db.Model):
    """A staff member's shift: at a given counter, or in the back office."""

    __tablename__ = "shift"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint(
            "(kind = 'counter') = (counter_id IS NOT NULL)", name="counter_iff_counter_shift"
        ),
        Index("ix_shift_staff_start", "staff_id", "starts_at"),
        Index("ix_shift_start", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    kind: Mapped[ShiftKind] = mapped_column(str_enum(ShiftKind, "shift_kind"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    # The published rota plan this shift came from (none for shifts entered otherwise).
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("rota_plan.id", ondelete="SET NULL"), index=True
    )

    staff = relationship("StaffMember")
    counter = relationship("Counter")
    plan = relationship("RotaPlan")


class AbsenceKind(StrEnum):
    """Why a staff member is away."""

    LEAVE = "leave"
    TRAINING = "training"
    SICK = "sick"
    OTHER = "other"


class Absence(StaffTimeMixin, db.Model):
    """Time a staff member is not available (leave, training, illness)."""

    __tablename__ = "absence"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_absence_staff_start", "staff_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    kind: Mapped[AbsenceKind] = mapped_column(str_enum(AbsenceKind, "absence_kind"))
    note: Mapped[str] = mapped_column(String(200), default="")

    staff = relationship("StaffMember")
