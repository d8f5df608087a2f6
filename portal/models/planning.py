"""Planning the rota: counter needs per team and block, and rota plans (draft, published).

A plan holds its own turns (``rota_turn``). Residents only ever book against ``shift``
rows; publishing a plan replaces its team's shifts in the plan's period by its turns, so a
draft changes nothing a resident sees.

A team has one published plan per day: ``rota_plan_day`` holds, per team and day, the plan
that governs it (its primary key allows no second). Publishing a plan takes its days from
the older plans that held them, which keep the days outside it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Time,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, str_enum
from .rota import ShiftKind, TimeSpanMixin


class CounterNeed(db.Model):
    """How many people of a team a counter turn needs: per weekday and turn start, in
    Brussels wall-clock time (Monday 16:00 → 3). A turn without a row needs one person."""

    __tablename__ = "counter_need"
    __table_args__ = (
        UniqueConstraint("team_id", "weekday", "starts", name="one_need_per_turn"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("staff_needed BETWEEN 0 AND 50", name="staff_needed_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    staff_needed: Mapped[int] = mapped_column(Integer)

    team = relationship("Team")


class PlanStatus(StrEnum):
    """A plan is drafted, then published (it became the rota) or discarded."""

    DRAFT = "draft"
    PUBLISHED = "published"
    DISCARDED = "discarded"


class RotaPlan(db.Model):
    """A team's rota for a period of whole weeks (Monday ``first_day`` to Sunday
    ``last_day``), with the generator's report as it was made."""

    __tablename__ = "rota_plan"
    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="days_ordered"),
        CheckConstraint("target_percent BETWEEN 0 AND 100", name="target_range"),
        Index("ix_rota_plan_team_first", "team_id", "first_day"),
        # What ``rota_plan_day`` refers to: a day's plan is of the day's team.
        Index("uq_rota_plan_id_team", "id", "team_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    status: Mapped[PlanStatus] = mapped_column(
        str_enum(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    target_percent: Mapped[int] = mapped_column(Integer, default=35)
    # The generator's explanation (per person, shortages, coverage), as plain JSON.
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL")
    )

    team = relationship("Team")
    created_by = relationship("StaffMember", foreign_keys=[created_by_id])
    published_by = relationship("StaffMember", foreign_keys=[published_by_id])
    turns: Mapped[list[RotaTurn]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="RotaTurn.starts_at"
    )

    @classmethod
    def filter_team(cls, team_ids):
        """Criterion: plans of one of ``team_ids``."""
        return cls.team_id.in_(list(team_ids))

    @classmethod
    def listed(cls, team_ids):
        """Query: the plans of ``team_ids``, newest period first."""
        return (
            select(cls)
            .where(cls.filter_team(team_ids))
            .order_by(cls.first_day.desc(), cls.id.desc())
        )


class RotaPlanDay(db.Model):
    """A day of a team's rota and the published plan that governs it: one plan per team
    and day (the primary key), and a plan of that team (the foreign key)."""

    __tablename__ = "rota_plan_day"
    __table_args__ = (
        ForeignKeyConstraint(
            ["plan_id", "team_id"], ["rota_plan.id", "rota_plan.team_id"], ondelete="CASCADE"
        ),
        Index("ix_rota_plan_day_plan", "plan_id", "day"),
    )

    team_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    plan_id: Mapped[int] = mapped_column()

    @classmethod
    def of_team(cls, team_id: int, first: date, last: date):
        """Query: the rows of ``team_id`` from ``first`` to ``last``, by day."""
        return (
            select(cls)
            .where(cls.team_id == team_id, cls.day >= first, cls.day <= last)
            .order_by(cls.day)
        )


class RotaTurn(TimeSpanMixin, db.Model):
    """One turn of a plan: a person at a counter, or in the back office, from–to."""

    __tablename__ = "rota_turn"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint(
            "(kind = 'counter') = (counter_id IS NOT NULL)", name="counter_iff_counter_turn"
        ),
        Index("ix_rota_turn_plan_start", "plan_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rota_plan.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    kind: Mapped[ShiftKind] = mapped_column(str_enum(ShiftKind, "shift_kind"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))

    plan: Mapped[RotaPlan] = relationship(back_populates="turns")
    staff = relationship("StaffMember")
    counter = relationship("Counter")
