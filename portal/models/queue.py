"""The last queue number given per team and day (see portal.booking.queue_numbers)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class QueueCounter(db.Model):
    """How far a team's queue numbers got on one Brussels day. The row is raised by one
    atomic UPDATE per number, so two check-ins at the same moment never get the same one
    (and the unique key on the visits would refuse it if they did)."""

    __tablename__ = "queue_counter"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
