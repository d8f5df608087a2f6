"""The coming visits that need an interpreter, per language and day, so the city can book
one in time.

A visit is listed when it still counts (confirmed, or pending and not yet run out; never
cancelled), is a resident's (not a clerk's own back-office time), and either the resident
asked for an interpreter or nobody there speaks its language (see
:mod:`portal.interpreters.coverage`). Two queries find the candidates, three more read
the roster of their teams, whatever the number of visits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..booking.notify import BACK_OFFICE_CHANNEL
from ..models import Appointment
from ..spoken_languages import OTHER
from ..staff.access import visit_list_options
from ..timeutil import to_local
from .coverage import (
    CITY_LANGUAGE,
    NO_SPEAKER,
    OnDuty,
    duty_roster,
    interpreter_reasons,
    language_code,
    speakers_on_duty,
)


@dataclass(frozen=True)
class InterpreterNeed:
    """One visit on the list: why (``reasons``, see :mod:`.coverage`), and who on duty
    speaks its language anyway (when the resident asked although a speaker is there)."""

    visit: Appointment
    reasons: tuple[str, ...]
    speakers: tuple[OnDuty, ...] = ()

    @property
    def language(self) -> str | None:
        """The visit's spoken language as a lower-case code (None when not given)."""
        return language_code(self.visit.spoken_language)

    @property
    def other_language(self) -> str:
        """The resident's own words for "another language" (empty otherwise)."""
        if self.language != OTHER:
            return ""
        return (self.visit.spoken_language_other or "").strip()

    @property
    def language_key(self) -> tuple[str, str]:
        """What the list groups by: the code, and for "another language" the resident's
        words case-blind (two residents writing "Lingala" share a group)."""
        return (self.language or "", self.other_language.casefold())

    @property
    def local_day(self) -> date:
        """The visit's date in Brussels."""
        return to_local(self.visit.starts_at).date()


@dataclass
class LanguageGroup:
    """The visits of one language, by Brussels day (days and visits in time order)."""

    code: str | None
    other: str
    days: list[tuple[date, list[InterpreterNeed]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many visits of this language are listed."""
        return sum(len(needs) for _day, needs in self.days)

    @property
    def needs(self) -> list[InterpreterNeed]:
        """Every visit of the group, in time order."""
        return [need for _day, needs in self.days for need in needs]


def candidate_visits(
    session: Session, team_ids: Iterable[int] | None, start: datetime, end: datetime, now: datetime
) -> list[Appointment]:
    """The visits of ``team_ids`` (None: every team) starting in ``[start, end)`` that still
    count at ``now`` and might need an interpreter (asked, or a language other than Dutch),
    in time order, with services, clerk and counter loaded up front."""
    query = (
        select(Appointment)
        .where(
            Appointment.filter_between(start, end),
            Appointment.filter_active(now),
            Appointment.channel != BACK_OFFICE_CHANNEL,
            or_(
                Appointment.interpreter_needed.is_(True),
                (Appointment.spoken_language.is_not(None))
                & (Appointment.spoken_language != "")
                & (Appointment.spoken_language != CITY_LANGUAGE),
            ),
        )
        .options(*visit_list_options(staff_team=True))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if team_ids is not None:
        query = query.where(Appointment.filter_teams(sorted(set(team_ids))))
    return list(session.scalars(query))


def interpreter_needs(
    session: Session, team_ids: Iterable[int] | None, start: datetime, end: datetime, now: datetime
) -> list[InterpreterNeed]:
    """The visits of ``team_ids`` (None: every team) starting in ``[start, end)`` that need
    an interpreter, with why, in time order (see the module for which visits count)."""
    visits = candidate_visits(session, team_ids, start, end, now)
    if not visits:
        return []
    roster = duty_roster(
        session,
        {visit.staff.team_id for visit in visits},
        min(visit.starts_at for visit in visits),
        max(visit.ends_at for visit in visits),
    )
    needs = []
    for visit in visits:
        reasons = interpreter_reasons(visit, roster)
        if not reasons:
            continue
        speakers = ()
        if NO_SPEAKER not in reasons:
            speakers = tuple(
                speakers_on_duty(
                    roster,
                    visit.staff.team_id,
                    visit.spoken_language,
                    visit.starts_at,
                    visit.ends_at,
                )
            )
        needs.append(InterpreterNeed(visit, reasons, speakers))
    return needs


def uncovered_language_visits(
    session: Session, team_ids: Iterable[int] | None, start: datetime, end: datetime, now: datetime
) -> list[InterpreterNeed]:
    """The visits of ``team_ids`` starting in ``[start, end)`` whose language nobody there
    speaks (:data:`~portal.interpreters.coverage.NO_SPEAKER`), whether or not the resident
    asked for an interpreter: what the rota's language wishes should answer."""
    return [
        need
        for need in interpreter_needs(session, team_ids, start, end, now)
        if NO_SPEAKER in need.reasons
    ]


def by_language(needs: Iterable[InterpreterNeed]) -> list[LanguageGroup]:
    """``needs`` grouped per language, then per Brussels day: the languages with the most
    visits first (then by code and words), days and visits in time order."""
    grouped: dict[tuple[str, str], dict[date, list[InterpreterNeed]]] = defaultdict(
        lambda: defaultdict(list)
    )
    first_words: dict[tuple[str, str], str] = {}
    for need in sorted(needs, key=lambda n: (n.visit.starts_at, n.visit.id)):
        grouped[need.language_key][need.local_day].append(need)
        first_words.setdefault(need.language_key, need.other_language)
    groups = [
        LanguageGroup(code=key[0] or None, other=first_words[key], days=sorted(days.items()))
        for key, days in grouped.items()
    ]
    return sorted(groups, key=lambda group: (-group.count, group.code or "~", group.other))
