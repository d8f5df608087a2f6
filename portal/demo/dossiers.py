"""The demo city's dossiers: each team's dossier subjects and the real cases of the
issue (an eID waiting for its PIN/PUK letter, a marriage in two or three visits, a
residence registration waiting for the police check, a residence card to collect,
documents missing at the first visit, a certificate to prepare).

Everything goes through :mod:`portal.dossiers.operations` at the moment it would have
happened (a follow-up planned 30 days ago is planned "then"), so the demo keeps the real
rules: windows, single use, the clerk's free times, reserved capacity. Deterministic for
a given seed; the residents are invented, like those of the demo's visits.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..booking.contact import ContactDetails
from ..booking.settings import BookingSettings
from ..dossiers import follow_up_operations as follow_ops
from ..dossiers import operations as ops
from ..dossiers import reminders
from ..dossiers.windows import follow_up_availability
from ..models import (
    Appointment,
    AppointmentService,
    AppointmentStatus,
    DossierSubject,
    NotificationKind,
    Service,
    StaffMember,
    Team,
)
from ..scheduling.audience import AudienceKind
from ..timeutil import local_datetime, local_today
from .texts.dossiers import CASES, CLOSED, DONE, MISSED, OPEN, SUBJECTS, Case, Follow


def load_dossiers(
    session: Session, staff: list[StaffMember], now: datetime, settings: BookingSettings, seed: int
) -> int:
    """Add the dossier subjects of every team and the demo's dossiers; flush only.
    Returns how many dossiers were added."""
    builder = _Builder(session, staff, now, settings, random.Random(seed))  # noqa: S311 - seeded demo data
    added = sum(builder.add(case) for case in CASES)
    session.flush()
    return added


class _Builder:
    """Builds the cases with the operations, each step at the time it happened."""

    def __init__(self, session, staff, now, settings, rng) -> None:
        self.session, self.now, self.settings, self.rng = session, now, settings, rng
        self.today = local_today(now)
        teams = {team.id: team.code for team in session.scalars(select(Team))}
        self.people: dict[str, list[StaffMember]] = {}
        for member in staff:
            self.people.setdefault(teams[member.team_id], []).append(member)
        self.services = {s.code: s for s in session.scalars(select(Service))}
        self.subjects = self._subjects(teams)

    def _subjects(self, teams: dict[int, str]) -> dict[str, DossierSubject]:
        """Every team's dossier subjects, by code."""
        found = {}
        codes = {code: team_id for team_id, code in teams.items()}
        for team_code, rows in SUBJECTS.items():
            for position, (code, after, window, names) in enumerate(rows):
                subject = DossierSubject(
                    team_id=codes[team_code],
                    code=code,
                    names=names,
                    follow_up_after_days=after,
                    follow_up_window_days=window,
                    position=position,
                )
                self.session.add(subject)
                found[code] = subject
        self.session.flush()
        return found

    def at(self, days_ago: int) -> datetime:
        """The moment of something ``days_ago`` days ago: now, or 10:00 of a weekday."""
        if days_ago <= 0:
            return self.now
        day = self.today - timedelta(days=days_ago)
        if day.weekday() == 6:
            day -= timedelta(days=1)
        return local_datetime(day, time(10))

    def add(self, case: Case) -> bool:
        """Open the case's dossier and play its history; False when the case needs a
        coming visit and there is none."""
        owner = self.people[case.team][case.owner]
        visit = self._upcoming(case, owner) if case.link else None
        if case.link and visit is None:
            return False
        contact = ContactDetails.kept_by(visit) if visit else _contact(case.resident)
        opened = self.at(case.opened)
        dossier = ops.open_dossier(
            self.session,
            owner=owner,
            subject=self.subjects[case.subject],
            contact=contact,
            now=opened,
            from_visit=visit,
        )
        for index, (service, days_ago, status) in enumerate(case.past):
            self._past_visit(dossier, owner, service, days_ago, status, index)
        for days_ago, body in case.notes:
            ops.add_note(self.session, dossier, owner, body, self.at(days_ago))
        if case.follow is not None:
            self._follow(dossier, owner, case.follow)
        due = None if case.due is None else self.today + timedelta(days=case.due)
        if case.status != OPEN or due is not None:
            ops.set_status(
                self.session,
                dossier,
                case.status,
                self.at(case.closed) if case.status == CLOSED else self.now,
                waiting_for=case.waiting_for,
                outcome=case.outcome,
                due_on=due,
            )
        return True

    def _upcoming(self, case: Case, owner: StaffMember) -> Appointment | None:
        """The first coming confirmed visit of the case's service, the owner's if any."""
        service = self.services[case.link]
        visits = self.session.scalars(
            select(Appointment)
            .join(AppointmentService)
            .where(
                AppointmentService.service_id == service.id,
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.starts_at > self.now,
                Appointment.dossier_id.is_(None),
            )
            .order_by(Appointment.starts_at, Appointment.id)
            .limit(40)
        ).all()
        own = [visit for visit in visits if visit.staff_id == owner.id]
        return (own or visits or [None])[0]

    def _past_visit(self, dossier, owner, code, days_ago, status, index) -> None:
        """A visit of the dossier before the demo's weeks: attended or missed."""
        service = self.services[code]
        start = self.at(days_ago) - timedelta(minutes=30) + timedelta(minutes=45 * index)
        persons = 2 if code == "huwelijksdossier" else 1
        visit = Appointment(
            status=status,
            staff_id=owner.id,
            persons=persons,
            resident_name=dossier.resident_name,
            email=dossier.email,
            phone=dossier.phone,
            language=dossier.language,
            spoken_language=dossier.spoken_language,
            starts_at=start,
            ends_at=start + service.duration_for(persons),
            channel="web",
            created_at=start - timedelta(days=7),
            confirmed_at=start - timedelta(days=7),
            completed_at=start + service.duration_for(persons) if status == DONE else None,
            no_show_at=start + timedelta(minutes=15) if status == MISSED else None,
            dossier_id=dossier.id,
            booked_services=[AppointmentService(service=service, position=0)],
        )
        self.session.add(visit)
        self.session.flush()
        if status == MISSED:
            ops.tell_owner(self.session, visit, NotificationKind.NO_SHOW, visit.no_show_at)

    def _follow(self, dossier, owner: StaffMember, follow: Follow) -> None:
        """Plan the follow-up when it was planned, then use, revoke or book it."""
        planned = self.at(follow.planned)
        day = local_today(planned)
        plan = follow_ops.FollowUpPlan(
            services=[self.services[code] for code in follow.services],
            persons=follow.persons,
            staff=owner,
            earliest=day + timedelta(days=follow.first),
            latest=day + timedelta(days=follow.last),
            any_colleague=follow.any_colleague,
            back_office=follow.back_office,
        )
        invited = follow.kind != "booked"
        follow_up, _token = follow_ops.plan_follow_up(
            self.session,
            dossier,
            plan,
            invited=invited,
            now=planned,
            settings=self.settings,
            created_by=owner,
        )
        done = self.at(follow.done)
        if follow.reminded:
            reminders.claim_reminder(self.session, follow_up, self.now - timedelta(days=1))
        if follow.kind == "revoked":
            follow_ops.revoke(self.session, follow_up, done)
        elif follow.kind == "used":
            start = self._free_start(follow_up, done, AudienceKind.INVITATION)
            if start is not None:
                hold, _ = follow_ops.hold_for_invitation(
                    self.session, follow_up, start, done, self.settings
                )
                follow_ops.book_invitation(self.session, follow_up, hold, done, self.settings)
        elif follow.kind == "booked":
            start = self._free_start(follow_up, planned, AudienceKind.STAFF)
            if start is not None:
                follow_ops.book_follow_up_now(
                    self.session, follow_up, start, planned, self.settings, staff_id=owner.id
                )

    def _free_start(self, follow_up, at: datetime, kind: AudienceKind) -> datetime | None:
        """A free time of the follow-up's window from tomorrow on, as seen at ``at`` (one
        of the first free days, chosen by the seeded generator)."""
        availability = follow_up_availability(self.session, follow_up, at, self.settings, kind)
        days = [day for day in availability.days() if day > self.today][:5]
        if not days:
            return None
        slots = availability.on(self.rng.choice(days)).slots()
        return self.rng.choice(slots).start if slots else None


def _contact(resident: tuple[str, str, str] | None) -> ContactDetails:
    """A made-up resident's details (address and phone made from the name)."""
    name, language, spoken = resident
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    digits = sum(ord(char) for char in name) % 10_000
    return ContactDetails(
        name=name,
        email=plain.lower().replace(" ", ".") + "@example.org",
        phone=f"+32 470 {digits // 100:02d} {digits % 100:02d} 00",
        language=language,
        spoken_language=spoken,
        interpreter_needed=spoken not in {"nl", "fr", "en", "de"},
    )
