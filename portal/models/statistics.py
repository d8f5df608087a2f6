"""What the statistics keep that the visits do not: each day's distance to the first free
time of every service, as a resident saw it that morning, and each settled day's visits
summed up (no personal data in either)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class FirstFreeRecord(db.Model):
    """On ``recorded_on`` (a Brussels date), the first free time of a service lay
    ``days`` days ahead for one person (None: nothing free within its horizon). Written by
    ``flask record-first-free`` (daily); a second run the same day updates the day's row."""

    __tablename__ = "first_free_record"
    __table_args__ = (
        UniqueConstraint("recorded_on", "service_id", name="one_record_per_day_and_service"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recorded_on: Mapped[date] = mapped_column(Date)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    days: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StatisticsDay(db.Model):
    """The summed-up facts of one Brussels date's visits of one team, booked through one
    channel for one set of services (``service_ids``: their ids in the visit's order, by
    commas): counts, and histograms for the medians (see
    :mod:`portal.statistics.day_figures`). Written by ``flask roll-up-statistics`` once
    the day has settled; no personal data, so the purge and an erasure never touch it."""

    __tablename__ = "statistics_day"
    __table_args__ = (
        UniqueConstraint("day", "team_id", "channel", "service_ids", name="one_row_per_key"),
        Index("ix_statistics_day_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    service_ids: Mapped[str] = mapped_column(String(200))
    figures: Mapped[dict] = mapped_column(JSON)


class StatisticsStaffDay(db.Model):
    """One clerk's shift time on one settled Brussels date, in minutes: at the counter, in
    the back office, the counter time's reserved tail, and the time booked in counter time
    and in that tail (see :mod:`portal.statistics.capacity`). Written with
    :class:`StatisticsDay` by the roll-up; no personal data."""

    __tablename__ = "statistics_staff_day"
    __table_args__ = (UniqueConstraint("day", "staff_id", name="one_row_per_clerk_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    counter_minutes: Mapped[float] = mapped_column(Float)
    back_office_minutes: Mapped[float] = mapped_column(Float)
    reserved_minutes: Mapped[float] = mapped_column(Float)
    booked_minutes: Mapped[float] = mapped_column(Float)
    booked_reserved_minutes: Mapped[float] = mapped_column(Float)


class StatisticsRolledDay(db.Model):
    """A Brussels date whose visits and shifts are summed up in :class:`StatisticsDay` and
    :class:`StatisticsStaffDay` (a day without any has a row here and none there). The
    primary key makes a day's roll-up happen once: a second one fails instead of counting
    the visits twice."""

    __tablename__ = "statistics_rolled_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
