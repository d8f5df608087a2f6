"""The department: teams, their counters and their staff members."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, str_enum


def pick_text(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, falling back to Dutch, the city's source language."""
    return texts.get(language) or texts.get("nl") or ""


class Team(db.Model):
    """One of the department's teams (Bevolking, Burgerlijke Stand, …)."""

    __tablename__ = "team"
    __table_args__ = (
        CheckConstraint("counter_target_percent BETWEEN 0 AND 100", name="target_range"),
        CheckConstraint("reserved_percent BETWEEN 0 AND 90", name="reserved_range"),
        CheckConstraint("reserved_release_days BETWEEN 0 AND 30", name="release_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Name per language code; Dutch ("nl") is required and the fallback.
    names: Mapped[dict] = mapped_column(JSON)
    # The share of each person's working time the rota aims to spend at the counter.
    counter_target_percent: Mapped[int] = mapped_column(Integer, default=35)
    # Languages the rota tries to have at the counter in every turn (BCP 47 codes).
    counter_languages: Mapped[list] = mapped_column(JSON, default=list)
    # Reserved capacity: the share of each counter turn online booking does not offer,
    # kept for follow-ups, invitations and staff bookings (the tail of the turn)...
    reserved_percent: Mapped[int] = mapped_column(Integer, default=0)
    # ...until this many working days ahead, when what is still free opens to everyone.
    reserved_release_days: Mapped[int] = mapped_column(Integer, default=2)
    # The letter of the team's queue numbers on the hall's screen ("B" of "B-014").
    queue_letter: Mapped[str | None] = mapped_column(String(2), unique=True)

    counters: Mapped[list[Counter]] = relationship(back_populates="team")
    members: Mapped[list[StaffMember]] = relationship(back_populates="team")

    def name(self, language: str) -> str:
        """The team's name in ``language`` (Dutch when it has none)."""
        return pick_text(self.names, language)


class Counter(db.Model):
    """A counter ("balie") in the city hall where residents are received."""

    __tablename__ = "counter"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team | None] = relationship(back_populates="counters")


class StaffLanguage(db.Model):
    """A language a staff member speaks at the counter (BCP 47 code: nl, ar, ary, ce…)."""

    __tablename__ = "staff_language"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_member.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16), primary_key=True)


class StaffRole(StrEnum):
    """What a person may do in the staff workspace (see ``portal.staff.access``)."""

    CLERK = "clerk"  # counter and back office of their own team
    RECEPTION = "reception"  # central reception: finds, checks in and books for every team
    PLANNER = "planner"  # a clerk who also plans their team's rota
    ADMIN = "admin"  # every team, the accounts and the audit trail


class StaffMember(UserMixin, db.Model):
    """A person of the department who can work the counter or the back office, and who
    signs in to the staff workspace when they have a password."""

    __tablename__ = "staff_member"
    __table_args__ = (
        CheckConstraint(
            "contract_fraction > 0 AND contract_fraction <= 1", name="contract_fraction_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # 1.0 is full time; 0.8 is a four-fifths contract.
    contract_fraction: Mapped[float] = mapped_column(default=1.0)
    # The weekdays this person works, as digits (0 is Monday): "01234" is Monday to
    # Friday, a 5 means they take Saturday-morning turns.
    working_days: Mapped[str] = mapped_column(String(7), default="012345")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[StaffRole] = mapped_column(
        str_enum(StaffRole, "staff_role"), default=StaffRole.CLERK
    )
    # argon2 hash; without one the person cannot sign in (most rota-only records).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The secret calendar feed: its URL is derived from this nonce and the secret key,
    # and only the SHA-256 of the token is kept (renewing changes the nonce).
    feed_nonce: Mapped[str | None] = mapped_column(String(32))
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Also mail the notifications about this person's dossiers (the list is always kept).
    notify_by_mail: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language of the mails the workspace sends this person (a site language, chosen
    # on the notifications page); none: Dutch, the city's language.
    mail_language: Mapped[str | None] = mapped_column(String(8))

    team: Mapped[Team] = relationship(back_populates="members")
    spoken_languages: Mapped[list[StaffLanguage]] = relationship(
        cascade="all, delete-orphan", order_by=StaffLanguage.language
    )
    services: Mapped[list[Service]] = relationship(  # noqa: F821 - resolved by name
        secondary="staff_service", back_populates="staff"
    )

    @property
    def is_active(self) -> bool:
        """Flask-Login: only an active person with a password has a session."""
        return bool(self.active and self.password_hash)

    @property
    def languages(self) -> list[str]:
        """The language codes this person speaks."""
        return [entry.language for entry in self.spoken_languages]

    @languages.setter
    def languages(self, codes: list[str]) -> None:
        self.spoken_languages = [StaffLanguage(language=code) for code in dict.fromkeys(codes)]

    @classmethod
    def filter_active(cls):
        """Criterion: people who still work here."""
        return cls.active.is_(True)

    @property
    def weekdays(self) -> frozenset[int]:
        """The weekdays (0 is Monday) this person works."""
        return frozenset(int(digit) for digit in self.working_days if digit in "0123456")


def staff_in_teams(team_ids):
    """Subquery: the ids of the staff members of ``team_ids`` (a visit, shift or absence
    belongs to the team of its staff member)."""
    return select(StaffMember.id).where(StaffMember.team_id.in_(list(team_ids)))
