"""Is a visit's language covered by a colleague on counter duty? The one definition, shared
by the interpreters' list, the team settings' language counts and flags on visit pages.

A visit's language is *covered* when someone who will be there speaks it:

- the visit's own clerk speaks it (they are there for the visit, whatever the rota says), or
- for a visit at the counter: an active member of the visit's team (the team of the clerk
  it is booked with) is on counter duty for the whole visit: a counter shift spans it and
  no absence touches it. Being busy with another resident does not count against them: a
  speaker at the next counter can be asked to help.

A call back (a back-office service) is made by its own clerk, so only that clerk counts.
Dutch, the city's language, is always covered; "another language" (free text) never is,
since no colleague's languages can be matched against it. Codes are compared case-blind
and exactly ("ar" is not covered by a speaker of Moroccan Arabic, "ary").

Reading is split from deciding: :func:`duty_roster` reads who is at the counter when (three
queries for any number of visits); :func:`speakers_on_duty` and :func:`interpreter_reasons`
decide from that plain data, without the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..booking.notify import BACK_OFFICE_CHANNEL
from ..models import Absence, Appointment, Channel, Shift, ShiftKind, StaffMember
from ..scheduling import Interval, covers, normalize, subtract
from ..spoken_languages import OTHER

# Why a visit is on the interpreters' list.
ASKED = "asked"  # the resident asked for an interpreter
NO_SPEAKER = "no_speaker"  # nobody there speaks the visit's language
# The city's language: a visit in Dutch never lacks a speaker.
CITY_LANGUAGE = "nl"


@dataclass(frozen=True)
class OnDuty:
    """A team member's counter time in the roster's period (counter shifts less absences,
    normalized) and the languages they speak (lower-case codes)."""

    staff_id: int
    name: str
    team_id: int
    languages: frozenset[str]
    spans: tuple[Interval[datetime], ...]

    def present(self, start: datetime, end: datetime) -> bool:
        """Whether this person is at the counter for the whole of ``[start, end)``."""
        return covers(self.spans, start, end)


@dataclass(frozen=True)
class DutyRoster:
    """Who of some teams is at the counter when, and what every member speaks.

    ``on_duty`` maps a team id to its members with counter time in the period;
    ``languages`` maps every member of those teams (also without counter time, also
    inactive ones, whose visits may still be on the books) to their languages."""

    on_duty: Mapping[int, tuple[OnDuty, ...]] = field(default_factory=dict)
    languages: Mapping[int, frozenset[str]] = field(default_factory=dict)


def language_code(code: str | None) -> str | None:
    """A stored spoken language as the coverage compares it: trimmed, lower-case, None
    when none was given."""
    text = (code or "").strip().lower()
    return text or None


def needs_speaker(code: str | None) -> bool:
    """Whether a visit in ``code`` needs a colleague who speaks it: every language but
    Dutch (and no language at all)."""
    return language_code(code) not in (None, CITY_LANGUAGE)


def duty_roster(
    session: Session, team_ids: Iterable[int] | None, start: datetime, end: datetime
) -> DutyRoster:
    """Read who of ``team_ids`` (None: every team) is at the counter in ``[start, end)``:
    the members with their languages, their counter shifts and their absences, in three
    queries (four with the languages). Aware UTC in, plain data out."""
    members_query = select(StaffMember).options(selectinload(StaffMember.spoken_languages))
    shift_query = select(Shift.staff_id, Shift.starts_at, Shift.ends_at).where(
        Shift.kind == ShiftKind.COUNTER, Shift.filter_overlapping(start, end)
    )
    absence_query = select(Absence.staff_id, Absence.starts_at, Absence.ends_at).where(
        Absence.filter_overlapping(start, end)
    )
    if team_ids is not None:
        ids = sorted(set(team_ids))
        members_query = members_query.where(StaffMember.team_id.in_(ids))
        shift_query = shift_query.where(Shift.filter_teams(ids))
        absence_query = absence_query.where(Absence.filter_teams(ids))
    members = list(session.scalars(members_query))
    shifts: dict[int, list] = defaultdict(list)
    for staff_id, span_start, span_end in session.execute(shift_query):
        shifts[staff_id].append((span_start, span_end))
    absences: dict[int, list] = defaultdict(list)
    for staff_id, span_start, span_end in session.execute(absence_query):
        absences[staff_id].append((span_start, span_end))
    on_duty: dict[int, list[OnDuty]] = defaultdict(list)
    languages: dict[int, frozenset[str]] = {}
    for member in sorted(members, key=lambda m: (m.name.casefold(), m.id)):
        spoken = frozenset(filter(None, (language_code(code) for code in member.languages)))
        languages[member.id] = spoken
        if not member.active or member.id not in shifts:
            continue
        spans = subtract(normalize(shifts[member.id]), normalize(absences.get(member.id, ())))
        if spans:
            on_duty[member.team_id].append(
                OnDuty(member.id, member.name, member.team_id, spoken, tuple(spans))
            )
    return DutyRoster(
        on_duty={team_id: tuple(people) for team_id, people in on_duty.items()},
        languages=languages,
    )


def speakers_on_duty(
    roster: DutyRoster, team_id: int, language: str | None, start: datetime, end: datetime
) -> list[OnDuty]:
    """The members of ``team_id`` at the counter for the whole of ``[start, end)`` who
    speak ``language``, by name (none for no language or "another language")."""
    code = language_code(language)
    if code is None or code == OTHER:
        return []
    return [
        person
        for person in roster.on_duty.get(team_id, ())
        if code in person.languages and person.present(start, end)
    ]


def at_the_counter(visit: Appointment) -> bool:
    """Whether ``visit`` takes place at a counter (not a call back, nor a clerk's own
    back-office time for a dossier)."""
    if visit.channel == BACK_OFFICE_CHANNEL:
        return False
    return all(service.channel == Channel.COUNTER for service in visit.services)


def language_covered(visit: Appointment, roster: DutyRoster) -> bool:
    """Whether someone there speaks ``visit``'s language (see the module's rules). The
    roster must span the visit and hold its clerk's team."""
    code = language_code(visit.spoken_language)
    if not needs_speaker(code):
        return True
    if code == OTHER:
        return False
    if code in roster.languages.get(visit.staff_id, frozenset()):
        return True
    if not at_the_counter(visit):
        return False
    team_id = visit.staff.team_id
    return bool(speakers_on_duty(roster, team_id, code, visit.starts_at, visit.ends_at))


def interpreter_reasons(visit: Appointment, roster: DutyRoster) -> tuple[str, ...]:
    """Why ``visit`` needs an interpreter: :data:`ASKED` (the resident asked for one)
    and/or :data:`NO_SPEAKER` (nobody there speaks its language); empty when neither.
    Reusable wherever a visit is flagged: build the roster once for all the visits."""
    reasons = []
    if visit.interpreter_needed:
        reasons.append(ASKED)
    if not language_covered(visit, roster):
        reasons.append(NO_SPEAKER)
    return tuple(reasons)


def visit_interpreter_reasons(session: Session, visit: Appointment) -> tuple[str, ...]:
    """:func:`interpreter_reasons` for one visit, reading the roster of its team and
    time (for a flag on a visit's own page; lists should build one roster for all)."""
    if not visit.interpreter_needed and not needs_speaker(visit.spoken_language):
        return ()
    roster = duty_roster(session, [visit.staff.team_id], visit.starts_at, visit.ends_at)
    return interpreter_reasons(visit, roster)
