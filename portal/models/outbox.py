"""The outbox: every mail the portal sends, written in the same transaction as its cause.

A booking and its confirmation mail commit together or not at all. Delivery happens later
(right after the request, and by ``flask --app portal send-mail``), with retries and
back-off, so a mail server that is down delays mail but never loses it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime, str_enum


class MailStatus(StrEnum):
    """Waiting (or retrying), delivered, or given up after too many attempts."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(db.Model):
    """One mail, fully rendered (MIME, with its attachments), waiting to be delivered."""

    __tablename__ = "outbox_mail"
    __table_args__ = (Index("ix_outbox_mail_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What caused it: activation, confirmation, moved, cancelled, reminder.
    kind: Mapped[str] = mapped_column(String(32))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    # The whole RFC 5322 message as the SMTP server will receive it.
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, "mail_status"), default=MailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that takes a mail leases it until then, so two workers never send it twice.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def filter_due(cls, now: datetime):
        """Criterion: mails to try now: pending, due, and not leased by another worker."""
        return (
            (cls.status == MailStatus.PENDING)
            & (cls.next_attempt_at <= now)
            & (cls.locked_until.is_(None) | (cls.locked_until <= now))
        )
