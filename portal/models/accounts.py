"""Staff accounts: the single-use links that set a password.

A link is mailed when a person forgot their password (``reset``) and when an
administrator makes a new account or asks for a link on the person's behalf
(``welcome``). The token in the link comes from the portal's one keyed-token function
(:func:`portal.booking.tokens.keyed_token`) with a random nonce that is not kept; the
table holds only its SHA-256, so a copy of the database opens no account.

Single use is the database's: a link is taken by one conditional UPDATE
(``… WHERE used_at IS NULL AND expires_at > now``), and only the request that changed
the row may set the password. Rows are removed by ``flask purge`` a while after they ran
out (:data:`KEEP_AFTER_EXPIRY`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, str_enum

# How long a used or run-out link stays (to tell "already used" from "unknown", and for
# the per-person limit), before ``flask purge`` removes it.
KEEP_AFTER_EXPIRY = timedelta(days=7)


class PasswordLinkKind(StrEnum):
    """Why the link was mailed: a forgotten password, or a new account's first one."""

    RESET = "reset"
    WELCOME = "welcome"


class PasswordReset(db.Model):
    """One mailed link to set a staff member's password (stored as a hash)."""

    __tablename__ = "password_reset"
    __table_args__ = (Index("ix_password_reset_staff_created", "staff_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    kind: Mapped[PasswordLinkKind] = mapped_column(str_enum(PasswordLinkKind, "password_link_kind"))
    # SHA-256 (hex) of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The language the mail was written in (the page's when it was asked for).
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Set once, by the request that set the password with this link. A link made void
    # (another link set a password, the account was deactivated) runs out instead.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff = relationship("StaffMember")

    @classmethod
    def filter_open(cls, now: datetime):
        """Criterion: links that can still be used at ``now``."""
        return cls.used_at.is_(None) & (cls.expires_at > now)

    @classmethod
    def filter_purgeable(cls, now: datetime):
        """Criterion: links that ran out more than :data:`KEEP_AFTER_EXPIRY` ago (used
        or not); ``flask purge`` deletes them."""
        return cls.expires_at < now - KEEP_AFTER_EXPIRY
