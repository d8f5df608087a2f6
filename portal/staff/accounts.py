"""Staff accounts: argon2 password hashes, sign-in with a lock after repeated failures.

Sign-in answers the same way for an unknown address, a wrong password and a locked
account, and spends the same argon2 work on each, so that nobody can learn from the
answer or its timing which addresses have an account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..booking.tokens import keyed_token
from ..models import StaffMember

_hasher = PasswordHasher()
# Verified against when there is no account, so a miss costs what a hit costs.
_DUMMY_HASH = _hasher.hash("not a password of anyone")
MIN_PASSWORD_LENGTH = 12
# The session key that holds :func:`password_stamp` of the password signed in with.
PASSWORD_STAMP_KEY = "staff_pw"  # noqa: S105 - a session key, not a password


@dataclass(frozen=True)
class SignInPolicy:
    """How many wrong passwords lock an account, and for how long."""

    max_failures: int = 5
    lock: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping) -> SignInPolicy:
        """The policy of the running portal (``PORTAL_STAFF_MAX_FAILED_SIGN_INS`` …)."""
        return cls(
            max_failures=int(config["STAFF_MAX_FAILED_SIGN_INS"]),
            lock=timedelta(minutes=int(config["STAFF_LOCK_MINUTES"])),
        )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; parameters are in the hash)."""
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_by_email(session: Session, email: str) -> StaffMember | None:
    """The staff member with this address (case does not matter), or None."""
    return session.scalar(
        select(StaffMember).where(func.lower(StaffMember.email) == email.strip().lower())
    )


def authenticate(
    session: Session, email: str, password: str, now: datetime, policy: SignInPolicy
) -> StaffMember | None:
    """The staff member when ``email`` and ``password`` match an active, unlocked account.

    A wrong password counts against the account (atomically, so parallel guesses all
    count); at ``policy.max_failures`` the account locks for ``policy.lock``. Success
    resets the count and upgrades an outdated hash. Flushes; the caller commits, also on
    failure, so that failures are kept.
    """
    member = find_by_email(session, email)
    if member is None or not member.password_hash:
        _verify(_DUMMY_HASH, password)
        return None
    if member.locked_until is not None and member.locked_until > now:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(member.password_hash, password):
        _count_failure(session, member, now, policy)
        return None
    if not member.active:
        return None
    member.failed_sign_ins = 0
    member.locked_until = None
    member.last_sign_in_at = now
    if _hasher.check_needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    session.flush()
    return member


def _count_failure(
    session: Session, member: StaffMember, now: datetime, policy: SignInPolicy
) -> None:
    """Add one failure; lock the account when it reaches the limit."""
    failures = session.scalar(
        update(StaffMember)
        .where(StaffMember.id == member.id)
        .values(failed_sign_ins=StaffMember.failed_sign_ins + 1)
        .returning(StaffMember.failed_sign_ins)
    )
    if failures >= policy.max_failures:
        session.execute(
            update(StaffMember)
            .where(StaffMember.id == member.id)
            .values(failed_sign_ins=0, locked_until=now + policy.lock)
        )
    session.expire(member)


def set_password(member: StaffMember, password: str) -> None:
    """Give ``member`` a new password (and lift a lock). Raises ValueError when it is
    shorter than :data:`MIN_PASSWORD_LENGTH`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    member.password_hash = hash_password(password)
    member.failed_sign_ins = 0
    member.locked_until = None


def password_stamp(secret_key: str, member: StaffMember) -> str:
    """A short keyed fingerprint of ``member``'s password hash. The session keeps it from
    sign-in, and a session whose stamp no longer matches is signed out: a new password
    (a reset link, ``create-user``) ends every session signed in with the old one."""
    return keyed_token(secret_key, "session", member.password_hash or "-")[:22]
