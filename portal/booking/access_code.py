"""A short code that opens a visit booked without an e-mail address ("manage with a code").

Staff who book for a resident without e-mail hand over a printout, or read out on the
phone, the visit's reference and a code of six characters. With both, the resident opens
the same manage page a mailed link opens (see :mod:`portal.booking.code_access`).

Like the manage token, the code is derived from the visit's nonce under the secret key
(:func:`~portal.booking.tokens.keyed_token`, its own purpose), so a printout can be made
again and staff can read the code out again later. The database keeps only a keyed hash
of the reference and the code: a copy of the database alone opens no visit, and the 31⁶
(about 887 million) codes cannot be tried offline without the key.

Online guessing is bounded twice: per client address (``RATELIMIT_MANAGE_CODE``) and per
visit, whatever the address: ``ACCESS_CODE_MAX_FAILURES`` wrong codes in a row lock the
visit's code for ``ACCESS_CODE_LOCK_MINUTES`` (counted with one atomic UPDATE, so parallel
guesses all count). A right code resets the count.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..cache_days import NO_FREE_TIME_CHANGE
from ..models import Appointment
from ..models.appointments import REFERENCE_ALPHABET
from ..notifications.links import code_page_url
from .tokens import keyed_token

# The reference's alphabet: no 0/O, 1/I/L, which are misread on paper and on the phone.
CODE_ALPHABET = REFERENCE_ALPHABET
CODE_LENGTH = 6
# Characters people put between the groups: never part of a reference or a code.
_SEPARATORS = str.maketrans("", "", " -.\u00a0\u2009\u202f\t")
MAX_REFERENCE_LENGTH = 16


@dataclass(frozen=True)
class CodePolicy:
    """How many wrong codes in a row lock a visit's code, and for how long."""

    max_failures: int = 5
    lock: timedelta = timedelta(minutes=60)

    @classmethod
    def from_config(cls, config: Mapping) -> CodePolicy:
        """The policy of the running portal (``PORTAL_ACCESS_CODE_*``)."""
        return cls(
            max_failures=max(1, int(config["ACCESS_CODE_MAX_FAILURES"])),
            lock=timedelta(minutes=int(config["ACCESS_CODE_LOCK_MINUTES"])),
        )


def access_code(secret_key: str, nonce: str) -> str:
    """The code of the visit whose manage nonce is ``nonce``: six characters of
    :data:`CODE_ALPHABET`, taken from a keyed token of its own purpose."""
    token = keyed_token(secret_key, "access-code", nonce)
    number = int.from_bytes(base64.urlsafe_b64decode(token + "="), "big")  # 256 bits
    characters = []
    for _position in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        characters.append(CODE_ALPHABET[index])
    return "".join(characters)


def access_code_hash(secret_key: str, reference: str, code: str) -> str:
    """What the database keeps of a visit's code: a keyed hash of reference and code (43
    URL-safe characters), useless without the secret key."""
    return keyed_token(secret_key, "access-code-hash", f"{reference}:{code}")


def grouped(code: str) -> str:
    """The code in two groups of three ("K7M 4PX"), easy to read out and to type."""
    middle = len(code) // 2
    return f"{code[:middle]} {code[middle:]}"


def normalised_code(value: str | None) -> str | None:
    """The code as typed, without spaces or dashes and in capitals; None when it cannot be
    a code (wrong length, or a character outside :data:`CODE_ALPHABET`)."""
    text = (value or "").translate(_SEPARATORS).upper()
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return None
    return text


def normalised_reference(value: str | None) -> str | None:
    """The reference as typed, without spaces or dashes and in capitals; None when it
    cannot be a reference (empty, too long, not letters and digits)."""
    text = (value or "").translate(_SEPARATORS).upper()
    if not 1 <= len(text) <= MAX_REFERENCE_LENGTH:
        return None
    if not all(ch.isascii() and ch.isalnum() for ch in text):
        return None
    return text


def issue_access_code(visit: Appointment, secret_key: str) -> str:
    """Give ``visit`` its code (kept as a hash) and return it: for a visit booked without
    an e-mail address, which has no mailed manage link."""
    code = access_code(secret_key, visit.manage_nonce)
    visit.access_code_hash = access_code_hash(secret_key, visit.reference, code)
    visit.access_code_failures = 0
    visit.access_code_locked_until = None
    return code


def code_of(visit: Appointment, secret_key: str) -> str | None:
    """The code to print or read out for ``visit``, or None when it has none (it was
    booked with an e-mail address, or the secret key changed since)."""
    if not visit.access_code_hash:
        return None
    code = access_code(secret_key, visit.manage_nonce)
    expected = access_code_hash(secret_key, visit.reference, code)
    return code if hmac.compare_digest(visit.access_code_hash, expected) else None


def open_with_code(
    session: Session,
    reference: str,
    code: str,
    now: datetime,
    secret_key: str,
    policy: CodePolicy,
) -> Appointment | None:
    """The visit that ``reference`` and ``code`` (both normalised) open, or None.

    None for an unknown reference, a visit without a code, a locked code and a wrong code
    alike, so the answer never tells whether a reference exists. A wrong code counts
    against the visit; at ``policy.max_failures`` its code locks for ``policy.lock``.
    Flushes; the caller commits, also on failure, so that failures are kept.
    """
    visit = session.scalar(select(Appointment).where(Appointment.reference == reference))
    given = access_code_hash(secret_key, reference, code)
    if visit is None or not visit.access_code_hash:
        return None
    if visit.access_code_locked_until is not None and visit.access_code_locked_until > now:
        return None
    if not hmac.compare_digest(visit.access_code_hash, given):
        _count_failure(session, visit, now, policy)
        return None
    visit.access_code_failures = 0
    visit.access_code_locked_until = None
    session.flush()
    return visit


def _count_failure(session: Session, visit: Appointment, now: datetime, policy: CodePolicy):
    """Add one wrong code; lock the visit's code when the count reaches the limit."""
    failures = session.scalar(
        update(Appointment)
        .where(Appointment.id == visit.id)
        .values(access_code_failures=Appointment.access_code_failures + 1)
        .returning(Appointment.access_code_failures)
        .execution_options(**NO_FREE_TIME_CHANGE)
    )
    if failures >= policy.max_failures:
        session.execute(
            update(Appointment)
            .where(Appointment.id == visit.id)
            .values(access_code_failures=0, access_code_locked_until=now + policy.lock)
            .execution_options(**NO_FREE_TIME_CHANGE)
        )
    session.expire(visit)


@dataclass(frozen=True)
class PrintedCode:
    """What a printout says of "manage with a code": the code in groups, and where."""

    code: str
    grouped: str
    url: str


def printed_code(visit: Appointment, config: Mapping) -> PrintedCode | None:
    """The code of ``visit`` as the printout shows it, or None when it has none."""
    code = code_of(visit, config["SECRET_KEY"])
    if code is None:
        return None
    return PrintedCode(code=code, grouped=grouped(code), url=code_page_url(config))
