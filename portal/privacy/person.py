"""Everything the portal holds about one person, found by e-mail address or phone number;
its export and its erasure. No Flask here: the pages and the command share it.

An e-mail address matches case-insensitively; a phone number by its digits (a leading
``+`` or ``00`` and the spaces, dots, dashes and slashes people type do not matter), so
"+32 470 12 34 56" finds "0032470123456" — but not "0470 12 34 56", which is another
way of writing a Belgian number that the portal cannot tell from a foreign one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ..booking.operations import cancel
from ..booking.retention import ANONYMISED_VISIT, erase_dossiers
from ..booking.settings import BookingSettings
from ..cache_days import NO_FREE_TIME_CHANGE
from ..models import (
    Appointment,
    AppointmentService,
    Dossier,
    Hold,
    OutboxMail,
)
from ..models.outbox import MailStatus

_PHONE_NOISE = re.compile(r"[\s./()\-]")
# Fewer digits than this are no phone number anyone could be found by.
MIN_PHONE_DIGITS = 6


def phone_digits(value: str | None) -> str:
    """The digits that identify a phone number ("+32 470/12.34.56" → "32470123456")."""
    text = _PHONE_NOISE.sub("", value or "")
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    return text if text.isascii() and text.isdigit() else ""


@dataclass(frozen=True)
class PersonQuery:
    """Whom to look for: an e-mail address, a phone number, or both (either matches)."""

    email: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", (self.email or "").strip().lower())
        object.__setattr__(self, "phone", phone_digits(self.phone))

    @property
    def usable(self) -> bool:
        """Whether it can find anyone (an address with an @, or enough digits)."""
        return "@" in self.email or len(self.phone) >= MIN_PHONE_DIGITS

    def matches(self, email: str | None, phone: str | None) -> bool:
        """Whether a row with this ``email`` and ``phone`` is this person's."""
        if self.email and email and email.strip().lower() == self.email:
            return True
        return len(self.phone) >= MIN_PHONE_DIGITS and phone_digits(phone) == self.phone


@dataclass
class PersonData:
    """What was found: rows of this session, loaded."""

    query: PersonQuery
    visits: list[Appointment] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    dossiers: list[Dossier] = field(default_factory=list)
    mails: list[OutboxMail] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many of each, for the page, the command and the audit row."""
        return {
            "visits": len(self.visits),
            "holds": len(self.holds),
            "dossiers": len(self.dossiers),
            "notes": sum(len(dossier.notes) for dossier in self.dossiers),
            "mails": len(self.mails),
        }

    @property
    def empty(self) -> bool:
        """Whether nothing at all was found."""
        return not (self.visits or self.holds or self.dossiers or self.mails)

    @property
    def language(self) -> str | None:
        """The language the person reads the portal in: that of their latest visit or
        dossier (None when there is neither)."""
        dated = [(visit.created_at, visit.language) for visit in self.visits]
        dated += [(dossier.created_at, dossier.language) for dossier in self.dossiers]
        return max(dated)[1] if dated else None


def _matching(session: Session, model, query: PersonQuery, *options) -> list:
    """The rows of ``model`` (with ``email`` and ``phone`` columns) that are the person's:
    the address in SQL; a phone by its digits, compared here on the rows that have one."""
    conditions = []
    if query.email:
        conditions.append(func.lower(model.email) == query.email)
    if len(query.phone) >= MIN_PHONE_DIGITS:
        conditions.append(model.phone.is_not(None))
    if not conditions:
        return []
    # The candidates' ids and contact columns first (every row with a phone, for a
    # number), then only the person's rows in full.
    candidates = session.execute(
        select(model.id, model.email, model.phone).where(or_(*conditions))
    ).all()
    ids = sorted(row_id for row_id, email, phone in candidates if query.matches(email, phone))
    if not ids:
        return []
    return list(
        session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id).options(*options))
    )


def find_person(session: Session, query: PersonQuery) -> PersonData:
    """Everything held about the person of ``query``: their visits, the holds whose typed
    details are theirs, their dossiers (with staff notes) and the mails to them or about
    their visits still in the outbox."""
    data = PersonData(query)
    if not query.usable:
        return data
    data.visits = _matching(
        session,
        Appointment,
        query,
        selectinload(Appointment.booked_services).selectinload(AppointmentService.service),
    )
    data.dossiers = _matching(session, Dossier, query, selectinload(Dossier.notes))
    drafted = session.scalars(select(Hold).where(Hold.draft.is_not(None))).all()
    data.holds = [
        hold
        for hold in drafted
        if isinstance(hold.draft, dict)
        and query.matches(str(hold.draft.get("email") or ""), str(hold.draft.get("phone") or ""))
    ]
    visit_ids = [visit.id for visit in data.visits]
    mail_conditions = [OutboxMail.appointment_id.in_(visit_ids)] if visit_ids else []
    if query.email:
        mail_conditions.append(func.lower(OutboxMail.recipient) == query.email)
    if mail_conditions:
        data.mails = list(
            session.scalars(select(OutboxMail).where(or_(*mail_conditions)).order_by(OutboxMail.id))
        )
    return data


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure did, in numbers only (it is audited and printed)."""

    visits_anonymised: int
    visits_cancelled: int
    holds_deleted: int
    dossiers_erased: int
    notes_deleted: int
    mails_deleted: int
    mails_unsent: int

    def as_detail(self) -> dict[str, int]:
        """The numbers as an audit row's detail."""
        return dict(self.__dict__)


def erase_person(
    session: Session, data: PersonData, now: datetime, settings: BookingSettings
) -> ErasureReport:
    """Forget the person of ``data``; flush only, the caller commits (and audits).

    Their coming visits are cancelled first (the time goes back to others; no mail, the
    address is what is being forgotten); every visit then keeps only its time, services,
    clerk and outcome, and its manage link and code stop working. Holds with their typed
    details go; dossiers are erased as after their retention period (notes deleted,
    invitations withdrawn); every mail to them or about their visits is deleted, also
    one not sent yet."""
    coming = [visit for visit in data.visits if visit.starts_at > now and visit.is_active(now)]
    for visit in coming:
        cancel(session, visit, now, settings, enforce_cutoff=False)
    visit_ids = [visit.id for visit in data.visits]
    if visit_ids:
        session.execute(
            update(Appointment)
            .where(Appointment.id.in_(visit_ids))
            .values(
                **ANONYMISED_VISIT,
                cancel_reason=None,
                manage_token_hash=None,
                access_code_hash=None,
                request_key=None,
            )
            .execution_options(synchronize_session=False, **NO_FREE_TIME_CHANGE)
        )
    for hold in data.holds:
        session.delete(hold)
    dossier_ids = [dossier.id for dossier in data.dossiers]
    notes = data.counts["notes"]
    dossiers = erase_dossiers(session, (Dossier.id.in_(dossier_ids),), now) if dossier_ids else 0
    mail_ids = [mail.id for mail in data.mails]
    unsent = sum(1 for mail in data.mails if mail.status != MailStatus.SENT)
    if mail_ids:
        session.execute(
            delete(OutboxMail)
            .where(OutboxMail.id.in_(mail_ids))
            .execution_options(synchronize_session=False)
        )
    session.flush()
    session.expire_all()
    return ErasureReport(
        visits_anonymised=len(visit_ids),
        visits_cancelled=len(coming),
        holds_deleted=len(data.holds),
        dossiers_erased=dossiers,
        notes_deleted=notes,
        mails_deleted=len(mail_ids),
        mails_unsent=unsent,
    )
