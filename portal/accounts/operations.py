"""What an administrator changes about an account, each with its audit row.

Every function flushes and leaves the commit to the request (one per request), adds one
audit row per change (``account.*``: who did it is the actor, which account and the old
and new values are in the detail, as ids and codes, never a password or a link), and
raises :class:`AccountRefused` with a message in the reader's language when the change
may not be made. An administrator can neither deactivate their own account nor take
away their own administrator role, so the portal always keeps the one who is working;
and no change leaves the portal without an active administrator, also when two of them
take each other's role at the same moment (:func:`_keep_an_administrator`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import (
    Appointment,
    AuditAction,
    PasswordLinkKind,
    PasswordReset,
    StaffMember,
    StaffRole,
    Team,
)
from ..staff.accounts import find_by_email
from ..staff.audit import record
from .links import LinkPolicy, new_link, void_open_links


class AccountRefused(Exception):
    """The change may not be made; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewAccount:
    """What the form for a new account gives."""

    name: str
    email: str
    team: Team
    role: StaffRole


def _audit(session, actor, subject: str, member: StaffMember, now, **detail) -> None:
    """The audit row of a change to ``member``'s account."""
    record(
        session,
        actor,
        AuditAction.CHANGE,
        subject,
        team_id=member.team_id,
        detail={"staff_id": member.id, **detail},
        now=now,
    )


def _is_active_admin(member: StaffMember) -> bool:
    return bool(member.active) and member.role == StaffRole.ADMIN


def _lock_administrators(session: Session) -> None:
    """Lock the rows of the active administrators (``FOR UPDATE`` on PostgreSQL) before
    one of them loses the role: a second such change waits for the first to commit and
    then sees it. (SQLite has no row locks; its writes wait for each other instead.)"""
    session.execute(
        select(StaffMember.id)
        .where(StaffMember.role == StaffRole.ADMIN, StaffMember.filter_active())
        .with_for_update()
    ).all()


def _keep_an_administrator(session: Session) -> None:
    """After a change that took an administrator away (flushed, so it holds the write
    lock): refuse it when no active administrator is left."""
    left = session.scalar(
        select(func.count())
        .select_from(StaffMember)
        .where(StaffMember.role == StaffRole.ADMIN, StaffMember.filter_active())
    )
    if not left:
        raise AccountRefused(_("Er moet minstens één actieve beheerder overblijven."))


def email_taken(session: Session, email: str) -> bool:
    """Whether a staff member already has ``email`` (case does not matter)."""
    return find_by_email(session, email) is not None


def create_account(
    session: Session, actor: StaffMember, new: NewAccount, now: datetime
) -> StaffMember:
    """Make the account (active, without a password) and audit it. Raises
    :class:`AccountRefused` when the address is taken, also by a request that made the
    same account a moment earlier."""
    taken = _("Er is al een medewerker met dit e-mailadres.")
    if email_taken(session, new.email):
        raise AccountRefused(taken)
    member = StaffMember(
        team_id=new.team.id, name=new.name, email=new.email, role=new.role, active=True
    )
    try:
        with session.begin_nested():
            session.add(member)
            session.flush()
    except IntegrityError:
        raise AccountRefused(taken) from None
    _audit(session, actor, "account.create", member, now, role=new.role.value, team=new.team.code)
    return member


def send_password_link(
    session: Session,
    actor: StaffMember,
    member: StaffMember,
    *,
    secret_key: str,
    now: datetime,
    policy: LinkPolicy,
) -> tuple[PasswordReset, str]:
    """A link for ``member`` to choose a password (a welcome link when they have none
    yet, a reset link otherwise), audited; (link, token) for the mail. Refused for a
    deactivated account, which could not use it."""
    if not member.active:
        raise AccountRefused(_("Dit account is gedeactiveerd. Activeer het eerst."))
    kind = PasswordLinkKind.RESET if member.password_hash else PasswordLinkKind.WELCOME
    link, token = new_link(
        session,
        member,
        kind,
        secret_key=secret_key,
        now=now,
        lifetime=policy.lifetime(kind),
    )
    _audit(session, actor, "account.password_link", member, now, kind=kind.value)
    return link, token


def change_role_and_team(
    session: Session,
    actor: StaffMember,
    member: StaffMember,
    role: StaffRole,
    team: Team,
    now: datetime,
) -> list[str]:
    """Give ``member`` ``role`` and ``team``; an audit row per value that changed, with
    the old and the new. Which changed ("role", "team")."""
    if member.id == actor.id and role != StaffRole.ADMIN:
        raise AccountRefused(_("U kunt uw eigen rol van beheerder niet afnemen."))
    demoting = _is_active_admin(member) and role != StaffRole.ADMIN
    if demoting:
        _lock_administrators(session)
    changed = []
    if member.role != role:
        _audit(session, actor, "account.role", member, now, old=member.role.value, new=role.value)
        member.role = role
        changed.append("role")
    if member.team_id != team.id:
        old_team = session.get(Team, member.team_id)
        _audit(
            session,
            actor,
            "account.team",
            member,
            now,
            old=old_team.code if old_team else None,
            new=team.code,
        )
        member.team_id = team.id
        changed.append("team")
    session.flush()
    if demoting:
        _keep_an_administrator(session)
    return changed


def set_active(
    session: Session, actor: StaffMember, member: StaffMember, active: bool, now: datetime
) -> bool:
    """Deactivate ``member`` (no sign-in, signed out at once, open links void, no longer
    planned) or activate them again; audited. Whether anything changed."""
    if member.id == actor.id and not active:
        raise AccountRefused(_("U kunt uw eigen account niet deactiveren."))
    if bool(member.active) == active:
        return False
    demoting = _is_active_admin(member) and not active
    if demoting:
        _lock_administrators(session)
    member.active = active
    if not active:
        void_open_links(session, member, now)
    subject = "account.reactivate" if active else "account.deactivate"
    _audit(session, actor, subject, member, now)
    session.flush()
    if demoting:
        _keep_an_administrator(session)
    return True


def unlock(session: Session, actor: StaffMember, member: StaffMember, now: datetime) -> bool:
    """Lift the lock after too many wrong passwords and zero the count; audited.
    Whether there was anything to lift."""
    locked = member.locked_until is not None and member.locked_until > now
    if not locked and not member.failed_sign_ins:
        return False
    _audit(
        session,
        actor,
        "account.unlock",
        member,
        now,
        locked_until=member.locked_until.isoformat() if locked else None,
        failures=member.failed_sign_ins,
    )
    member.locked_until = None
    member.failed_sign_ins = 0
    session.flush()
    return True


def coming_visits(session: Session, member: StaffMember, now: datetime) -> int:
    """How many booked visits ``member`` still has ahead (deactivating does not move
    them: the planners do)."""
    return session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.staff_id == member.id,
            Appointment.starts_at > now,
            Appointment.filter_active(now),
        )
    )
