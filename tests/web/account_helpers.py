"""Staff accounts in a city of the tests' own: people of every role, the mails with a
link to set a password, and posting the account forms like a browser."""

from __future__ import annotations

import email
import email.policy
import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMail, StaffMember, StaffRole
from portal.staff.accounts import hash_password
from tests.builders import build_city
from tests.conftest import DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import sign_in

PASSWORD = "juist-wachtwoord"
FORGOT = "/medewerkers/wachtwoord-vergeten"
SENT = "/medewerkers/wachtwoord-vergeten/verstuurd"
LINK = re.compile(r"/medewerkers/wachtwoord-instellen/([A-Za-z0-9_-]+)")
ROLES = (StaffRole.ADMIN, StaffRole.CLERK, StaffRole.PLANNER, StaffRole.RECEPTION)


def make_people(session) -> dict[str, int]:
    """One person of each role in one team, each with :data:`PASSWORD`, plus a person of
    the rota without a password: role (or ``"rota"``) → staff id. Addresses are
    ``<role>@stad.example``."""
    city = build_city(session, DEMO_TODAY, DEMO_TODAY, staff_count=len(ROLES) + 1)
    people = {}
    for member, role in zip(city.staff, ROLES, strict=False):
        member.role = role
        member.email = f"{role.value}@stad.example"
        member.name = f"{role.value.title()} Testpersoon"
        member.password_hash = hash_password(PASSWORD)
        people[role.value] = member
    rota_only = city.staff[-1]
    rota_only.email, rota_only.name = "rooster@stad.example", "Rooster Zonderwachtwoord"
    people["rota"] = rota_only
    session.commit()
    return {key: member.id for key, member in people.items()}


def signed_in_as(client, address: str, password: str = PASSWORD):
    """Sign ``client`` in; the response (302 on success)."""
    return sign_in(client, address, password)


def post_form(client, page: str, path: str, data: dict | None = None):
    """Post ``data`` to ``path`` with the CSRF token of the form on ``page``."""
    token = csrf_of(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **(data or {})})


def ask_for_link(client, address: str, lang: str | None = None):
    """Fill in "Wachtwoord vergeten?" (in ``lang`` when given); the response."""
    page = FORGOT + (f"?lang={lang}" if lang else "")
    return post_form(client, page, page, {"email": address})


def mails_to(address: str) -> list[OutboxMail]:
    """The outbox's mails to ``address``, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMail).where(OutboxMail.recipient == address).order_by(OutboxMail.id)
        )
    )


def parsed(mail: OutboxMail):
    """The mail as an ``email`` message."""
    return email.message_from_string(mail.message, policy=email.policy.default)


def link_token(mail: OutboxMail) -> str:
    """The token of the password link in a mail's text part."""
    text = parsed(mail).get_body(("plain",)).get_content()
    return LINK.search(text).group(1)


def reset_path(token: str) -> str:
    """The page a password link opens."""
    return f"/medewerkers/wachtwoord-instellen/{token}"


def choose_password(client, token: str, password: str, confirm: str | None = None):
    """Fill in the page of a password link; the response."""
    path = reset_path(token)
    page = client.get(path)
    if page.status_code != 200:  # a CSRF token of the session from another form
        page = client.get(FORGOT)
    return client.post(
        path,
        data={
            "csrf_token": csrf_of(page.get_data(as_text=True)),
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def member(staff_id: int) -> StaffMember:
    """The staff member as the database holds them now."""
    db.session.expire_all()
    return db.session.get(StaffMember, staff_id)


def audit_subjects(prefix: str = "account.") -> list[tuple[str, int | None, dict]]:
    """(subject, actor id, detail) of the audit rows whose subject starts with ``prefix``,
    oldest first."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject.startswith(prefix)).order_by(AuditEvent.id)
    )
    return [(row.subject, row.actor_id, row.detail) for row in rows]
