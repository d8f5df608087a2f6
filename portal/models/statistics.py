"""What the statistics keep that the visits do not: each day's distance to the first free
time of every service, as a resident saw it that morning (no personal data)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
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
