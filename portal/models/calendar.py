"""When the city hall is open: weekly opening schedules and closing days."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Time, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import str_enum
from .organisation import pick_text


class OpeningSchedule(db.Model):
    """A set of weekly opening hours valid over a period (both ends inclusive, open-ended
    when empty). Where schedules overlap, the one that starts latest wins: summer hours
    override the regular week for July and August."""

    __tablename__ = "opening_schedule"
    __table_args__ = (
        CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until",
            name="validity_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    blocks: Mapped[list[OpeningBlock]] = relationship(
        cascade="all, delete-orphan",
        order_by="(OpeningBlock.weekday, OpeningBlock.opens)",
    )

    @classmethod
    def filter_valid_between(cls, first: date, last: date):
        """Criterion: schedules valid on at least one day of ``first``..``last``."""
        return (cls.valid_from.is_(None) | (cls.valid_from <= last)) & (
            cls.valid_until.is_(None) | (cls.valid_until >= first)
        )


class OpeningBlock(db.Model):
    """One opening block of a weekday, in Brussels wall-clock time (Monday 16:00–19:00)."""

    __tablename__ = "opening_block"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("opening_schedule.id", ondelete="CASCADE"), index=True
    )
    # 0 is Monday, as in Python's date.weekday().
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class ClosureKind(StrEnum):
    """Why the city hall is closed: a day the city always closes, or a one-off event."""

    CITY_DAY = "city_day"
    ONE_OFF = "one_off"


class Closure(db.Model):
    """Days the city hall is closed besides the Belgian public holidays (which come from
    the ``holidays`` package), with the reason residents are shown."""

    __tablename__ = "closure"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[ClosureKind] = mapped_column(str_enum(ClosureKind, "closure_kind"))
    # Reason per language code; Dutch is required and the fallback.
    reasons: Mapped[dict] = mapped_column(JSON)

    def reason(self, language: str) -> str:
        """The reason for the closure in ``language``."""
        return pick_text(self.reasons, language)

    @classmethod
    def filter_overlapping_days(cls, first: date, last: date):
        """Criterion: closures touching at least one day of ``first``..``last``."""
        return (cls.starts_on <= last) & (cls.ends_on >= first)

    @classmethod
    def between(cls, first: date, last: date):
        """Query: the closures touching ``first``..``last``, in date order."""
        return select(cls).where(cls.filter_overlapping_days(first, last)).order_by(cls.starts_on)
