"""The single-use links that set a staff member's password.

A link's token is :func:`~portal.booking.tokens.keyed_token` of a fresh random nonce,
which is not kept: only the token's SHA-256 is stored (:class:`PasswordReset`), so
neither a copy of the database nor the secret key alone rebuilds a link. A link is used
by one conditional UPDATE that also requires the account to be active; the request
whose UPDATE changed the row is the only one that sets the password, and it voids the
person's other open links in the same transaction.

Who gets a mail when they say they forgot their password: an active account that has a
password. An unknown address, a deactivated account, a record of the rota without a
password (an administrator gives access with a welcome link) and a person who already
had :attr:`LinkPolicy.max_per_hour` mails this hour get none; the page answers the same
in every case.

A link's mail speaks the person's mail language (``StaffMember.mail_language``, chosen
on the notifications page), else Dutch, whoever asked and in whatever language.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..booking.tokens import keyed_token, looks_like_token, token_hash
from ..i18n import site_language
from ..models import PasswordLinkKind, PasswordReset, StaffMember
from ..staff.accounts import find_by_email, set_password

TOKEN_PURPOSE = "password"  # noqa: S105 - the purpose of a keyed token


@dataclass(frozen=True)
class LinkPolicy:
    """How long links work and how many reset mails one person gets an hour."""

    reset: timedelta = timedelta(minutes=30)
    welcome: timedelta = timedelta(hours=72)
    max_per_hour: int = 3

    @classmethod
    def from_config(cls, config: Mapping) -> LinkPolicy:
        """The policy of the running portal (``PORTAL_PASSWORD_RESET_MINUTES`` …)."""
        return cls(
            reset=timedelta(minutes=int(config["PASSWORD_RESET_MINUTES"])),
            welcome=timedelta(hours=int(config["ACCOUNT_WELCOME_HOURS"])),
            max_per_hour=int(config["PASSWORD_RESET_MAX_PER_HOUR"]),
        )

    def lifetime(self, kind: PasswordLinkKind) -> timedelta:
        """How long a link of ``kind`` works."""
        return self.welcome if kind == PasswordLinkKind.WELCOME else self.reset


class LinkState(StrEnum):
    """What a link can do now."""

    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # no such link, or its account is no longer active


class LinkUnusable(Exception):
    """The link cannot set a password (any more); ``state`` says why."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def new_link(
    session: Session,
    member: StaffMember,
    kind: PasswordLinkKind,
    *,
    secret_key: str,
    now: datetime,
    lifetime: timedelta,
) -> tuple[PasswordReset, str]:
    """Make a link for ``member``: (its row, flushed; the token for the mail, which
    speaks the person's mail language, else Dutch). The token is handed out once, here, and never
    stored."""
    token = keyed_token(secret_key, TOKEN_PURPOSE, secrets.token_urlsafe(32))
    link = PasswordReset(
        staff_id=member.id,
        kind=kind,
        token_hash=token_hash(token),
        language=site_language(member.mail_language),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(link)
    session.flush()
    return link, token


def may_reset(member: StaffMember | None) -> bool:
    """Whether a forgotten-password mail may go to ``member``: an active account that
    has a password (see the module)."""
    return member is not None and bool(member.active) and bool(member.password_hash)


def recent_links(session: Session, member: StaffMember, now: datetime) -> int:
    """How many links ``member`` was sent in the hour before ``now``."""
    return session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.staff_id == member.id,
            PasswordReset.created_at > now - timedelta(hours=1),
        )
    )


def request_reset(
    session: Session,
    email: str,
    *,
    secret_key: str,
    now: datetime,
    policy: LinkPolicy,
) -> tuple[StaffMember, PasswordReset, str] | None:
    """A reset link for the account of ``email`` when it may have one (see the module):
    (member, link, token), or None. Flushes; the caller queues the mail and commits."""
    member = find_by_email(session, email)
    if not may_reset(member) or recent_links(session, member, now) >= policy.max_per_hour:
        return None
    link, token = new_link(
        session,
        member,
        PasswordLinkKind.RESET,
        secret_key=secret_key,
        now=now,
        lifetime=policy.reset,
    )
    return member, link, token


def link_state(
    session: Session, token: str, now: datetime
) -> tuple[PasswordReset | None, LinkState]:
    """The link of ``token`` and what it can do at ``now`` (a token of the wrong shape is
    not looked up)."""
    if not looks_like_token(token):
        return None, LinkState.UNKNOWN
    # Read afresh: after a lost race the session may still hold the row as it was.
    link = session.scalar(
        select(PasswordReset)
        .where(PasswordReset.token_hash == token_hash(token))
        .execution_options(populate_existing=True)
    )
    if link is None or not link.staff.active:
        return link, LinkState.UNKNOWN
    if link.used_at is not None:
        return link, LinkState.USED
    if link.expires_at <= now:
        return link, LinkState.EXPIRED
    return link, LinkState.OPEN


def use_link(session: Session, token: str, password: str, now: datetime) -> StaffMember:
    """Set the password of the link's account, once: the link is taken by a conditional
    UPDATE (still unused, not run out, account active), then the password is set (which
    lifts a lock and zeroes the failures) and the person's other open links are voided.
    Raises :class:`LinkUnusable` when the link cannot be used (any more), ValueError for
    a password that is too short. Flushes; the caller commits."""
    if not looks_like_token(token):
        raise LinkUnusable(LinkState.UNKNOWN)
    active_staff = select(StaffMember.id).where(StaffMember.active.is_(True))
    staff_id = session.scalar(
        update(PasswordReset)
        .where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.filter_open(now),
            PasswordReset.staff_id.in_(active_staff),
        )
        .values(used_at=now)
        .returning(PasswordReset.staff_id)
        .execution_options(synchronize_session=False)
    )
    if staff_id is None:
        state = link_state(session, token, now)[1]
        # Taken by another request a moment ago, whatever this one still sees.
        raise LinkUnusable(LinkState.USED if state == LinkState.OPEN else state)
    member = session.get(StaffMember, staff_id)
    set_password(member, password)
    void_open_links(session, member, now)
    session.flush()
    return member


def void_open_links(session: Session, member: StaffMember, now: datetime) -> int:
    """Make every open link of ``member`` unusable (after a new password, or when the
    account is deactivated): it runs out now, so it reads as no longer valid, not as
    used. How many were open."""
    return session.execute(
        update(PasswordReset)
        .where(PasswordReset.staff_id == member.id, PasswordReset.filter_open(now))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
