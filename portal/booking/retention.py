"""Keep personal data only as long as the visit needs it.

Run by ``flask --app portal purge`` from cron (daily is enough): drops run-out holds
(with the contact details typed into them), forgets the contact details of visits that
ended longer ago than the retention period, and empties the spent-captcha table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ..models import Appointment, Hold, OutboxMail, SpentChallenge
from ..models.outbox import MailStatus

ERASED_NAME = "—"


@dataclass(frozen=True)
class PurgeReport:
    """How many rows each step removed or anonymised."""

    holds: int
    visits: int
    mails: int
    challenges: int


def purge(session: Session, now: datetime, *, retention: timedelta) -> PurgeReport:
    """Remove what is no longer needed at ``now``; the caller commits.

    Holds are deleted an hour after they ran out (their claims go with them). Visits that
    ended more than ``retention`` ago keep their time, services and status for the
    city's figures, but lose name, e-mail, phone and remark. Delivered mails (which
    repeat those details) go after the same period.
    """
    holds = session.execute(delete(Hold).where(Hold.expires_at < now - timedelta(hours=1))).rowcount
    visits = session.execute(
        update(Appointment)
        .where(Appointment.ends_at < now - retention, Appointment.email.is_not(None))
        .values(
            resident_name=ERASED_NAME,
            email=None,
            phone=None,
            remark="",
            spoken_language_other=None,
        )
    ).rowcount
    mails = session.execute(
        delete(OutboxMail).where(
            OutboxMail.status == MailStatus.SENT, OutboxMail.created_at < now - retention
        )
    ).rowcount
    challenges = session.execute(
        delete(SpentChallenge).where(SpentChallenge.expires_at < now)
    ).rowcount
    return PurgeReport(holds, visits, mails, challenges)
