"""Keep personal data only as long as the visit needs it.

Run by ``flask --app portal purge`` from cron (daily is enough): drops run-out holds
(with the contact details typed into them), forgets the contact details of visits that
ended longer ago than the retention period, erases closed dossiers (contact details,
waiting-for and outcome texts, staff notes) once their own retention period after
closing ran out, empties the spent-captcha table, removes the staff's password links a
week after they ran out and forgets the cache generations of past dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..cache_days import NO_FREE_TIME_CHANGE
from ..cache_generation import forget_past_days
from ..models import (
    Appointment,
    Dossier,
    DossierNote,
    DossierStatus,
    FollowUp,
    Hold,
    OutboxMail,
    PasswordReset,
    SpentChallenge,
)
from ..models.outbox import MailStatus
from ..timeutil import local_today

ERASED_NAME = "—"
# What a visit keeps of its resident once their details are forgotten: nothing.
ANONYMISED_VISIT = {
    "resident_name": ERASED_NAME,
    "email": None,
    "phone": None,
    "remark": "",
    "spoken_language_other": None,
}


@dataclass(frozen=True)
class PurgeReport:
    """How many rows each step removed or anonymised."""

    holds: int
    visits: int
    mails: int
    challenges: int
    dossiers: int = 0
    password_links: int = 0


def purge(
    session: Session,
    now: datetime,
    *,
    retention: timedelta,
    dossier_retention: timedelta | None = None,
) -> PurgeReport:
    """Remove what is no longer needed at ``now``; the caller commits.

    Holds are deleted an hour after they ran out (their claims go with them). Visits that
    ended more than ``retention`` ago keep their time, services and status for the
    city's figures, but lose name, e-mail, phone and remark. Delivered mails (which
    repeat those details) go after the same period. Dossiers closed more than
    ``dossier_retention`` ago (when given) are erased: see :func:`erase_closed_dossiers`.
    """
    # Neither step changes a free time (the holds had run out, the visits are long past):
    # no cache anywhere needs to recompute for them.
    holds = session.execute(
        delete(Hold)
        .where(Hold.expires_at < now - timedelta(hours=1))
        .execution_options(**NO_FREE_TIME_CHANGE)
    ).rowcount
    visits = anonymise_ended_visits(session, now - retention)
    mails = session.execute(
        delete(OutboxMail).where(
            OutboxMail.status == MailStatus.SENT, OutboxMail.created_at < now - retention
        )
    ).rowcount
    challenges = session.execute(
        delete(SpentChallenge).where(SpentChallenge.expires_at < now)
    ).rowcount
    dossiers = 0
    if dossier_retention is not None:
        dossiers = erase_closed_dossiers(session, now - dossier_retention, now)
    # Staff password links: only hashes, but no longer of any use a week after they ran out.
    password_links = session.execute(
        delete(PasswordReset).where(PasswordReset.filter_purgeable(now))
    ).rowcount
    forget_past_days(session, local_today(now))
    return PurgeReport(holds, visits, mails, challenges, dossiers, password_links)


def anonymise_ended_visits(session: Session, ended_before: datetime) -> int:
    """Forget the resident's details (:data:`ANONYMISED_VISIT`) of the visits that ended
    before ``ended_before`` and still hold some; time, services, status and the reception
    steps stay for the city's figures. How many visits were anonymised."""
    return session.execute(
        update(Appointment)
        .where(
            Appointment.ends_at < ended_before,
            or_(
                Appointment.email.is_not(None),
                Appointment.phone.is_not(None),
                Appointment.resident_name != ERASED_NAME,
            ),
        )
        .values(**ANONYMISED_VISIT)
        .execution_options(**NO_FREE_TIME_CHANGE)
    ).rowcount


def erase_closed_dossiers(session: Session, closed_before: datetime, now: datetime) -> int:
    """Erase the personal data of dossiers closed before ``closed_before`` and not erased
    yet: the resident's name becomes a dash, e-mail, phone, the "other" spoken language,
    whom it waited for and its outcome are cleared, its staff notes are deleted, and
    ``erased_at`` says when. What remains (team, subject, dates, the chain of visits and
    follow-ups by id) carries no personal data and keeps the city's figures. The visits'
    own contact details follow the visits' rule. Returns how many dossiers were erased."""
    due = (
        Dossier.status == DossierStatus.CLOSED,
        Dossier.closed_at < closed_before,
        Dossier.erased_at.is_(None),
    )
    return erase_dossiers(session, due, now)


def erase_dossiers(session: Session, criteria, now: datetime) -> int:
    """Erase the personal data of the dossiers that meet ``criteria`` (see
    :func:`erase_closed_dossiers`; also a person's erasure on request, which is why the
    dossier need not be closed): their staff notes go, their unused follow-ups are
    withdrawn. Returns how many dossiers were erased."""
    session.execute(
        delete(DossierNote)
        .where(DossierNote.dossier_id.in_(select(Dossier.id).where(*criteria)))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        FollowUp.revoke_unused(select(Dossier.id).where(*criteria), now).execution_options(
            synchronize_session=False
        )
    )
    return session.execute(
        update(Dossier)
        .where(*criteria)
        .values(
            resident_name=ERASED_NAME,
            email=None,
            phone=None,
            spoken_language_other=None,
            waiting_for="",
            outcome="",
            erased_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
