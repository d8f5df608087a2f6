"""Which unused invitations get a reminder before their window closes, claimed once.

The mail itself is written by :func:`portal.dossiers.mail.send_invitation_reminders`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import FollowUp
from ..timeutil import local_today

# A reminder never follows the invitation (or its resend) within a day.
MIN_DAYS_AFTER_SENDING = timedelta(days=1)


def invitations_due_reminder(session: Session, now: datetime, days_before: int) -> list[FollowUp]:
    """Open invitations whose window closes within ``days_before`` days and that were not
    reminded yet: the reminder never goes out for a used one."""
    cutoff = local_today(now) + timedelta(days=days_before)
    return list(
        session.scalars(
            select(FollowUp).where(
                FollowUp.filter_open(now),
                FollowUp.reminder_sent_at.is_(None),
                FollowUp.latest <= cutoff,
                # Not on the heels of the invitation itself (or of a resend).
                FollowUp.sent_at <= now - MIN_DAYS_AFTER_SENDING,
            )
        )
    )


def claim_reminder(session: Session, follow_up: FollowUp, now: datetime) -> bool:
    """Mark the invitation reminded, only if it is still open and not reminded (one
    conditional UPDATE, so two workers never both send it, and never after a use)."""
    won = session.execute(
        update(FollowUp)
        .where(
            FollowUp.id == follow_up.id,
            FollowUp.reminder_sent_at.is_(None),
            FollowUp.filter_open(now),
        )
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return won == 1
