"""What lets every process know that its in-memory caches went stale."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CacheGeneration(db.Model):
    """One shard of a kind of cached data (``calendar``, ``bookings``): its ``value``
    changes, in the same transaction, whenever a change to that kind of data commits.

    Readers read every shard of a kind in one query (see :mod:`portal.cache_generation`);
    writers change one random shard, so concurrent bookings seldom wait on one row.
    """

    __tablename__ = "cache_generation"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)
