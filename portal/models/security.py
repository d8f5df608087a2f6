"""What the portal remembers to keep bots out: proof-of-work puzzles already used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class SpentChallenge(db.Model):
    """A solved captcha puzzle, kept until it would have expired anyway.

    The primary key makes the database refuse a second use of the same solution, so one
    solved puzzle cannot be replayed to book many times.
    """

    __tablename__ = "spent_challenge"

    signature: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
