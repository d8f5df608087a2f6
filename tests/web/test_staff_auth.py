"""Staff sign-in: roles, the same answer for every failure, the lock, the idle timeout,
the session renewed at sign-in, cookie flags, ``create-user`` and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.models import AuditEvent, StaffMember, StaffRole
from portal.staff.accounts import hash_password
from tests.builders import build_city
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.web.staff_helpers import DEMO_EMAILS, SIGN_IN, new_client, sign_in

FAILURE = "klopt niet, of het account is na te veel"


def test_staff_pages_ask_to_sign_in_first(anonymous_client):
    response = anonymous_client.get("/medewerkers/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/medewerkers/aanmelden?next=/medewerkers/")


@pytest.mark.parametrize("role", ["clerk", "planner", "reception", "admin"])
def test_every_demo_account_signs_in_and_sees_its_menu(staff_client, role):
    client = staff_client(role)
    page = client.get("/medewerkers/").get_data(as_text=True)
    assert "Afmelden" in page
    assert ("Audittrail" in page) == (role == "admin")


def test_unknown_address_and_wrong_password_get_the_same_answer(demo_app, frozen_clock):
    unknown = sign_in(new_client(demo_app), "niemand@stad.example", "whatever-password")
    wrong = sign_in(new_client(demo_app), DEMO_EMAILS["clerk"], "wrong-password-123")
    assert unknown.status_code == wrong.status_code == 401
    assert FAILURE in unknown.get_data(as_text=True)
    assert FAILURE in wrong.get_data(as_text=True)
    with demo_app.app_context():
        member = db.session.scalar(
            select(StaffMember).where(StaffMember.email == DEMO_EMAILS["clerk"])
        )
        assert member.failed_sign_ins == 1
        member.failed_sign_ins = 0  # the demo is shared: undo
        db.session.commit()


def _account(session, role=StaffRole.CLERK, email="an@stad.example", password="juist-wachtwoord"):
    city = build_city(session, DEMO_TODAY, DEMO_TODAY)
    member = city.staff[0]
    member.email, member.role, member.password_hash = email, role, hash_password(password)
    session.commit()
    return member


def test_repeated_failures_lock_the_account_even_for_the_right_password(app, frozen_clock):
    _account(db.session)
    client = new_client(app)
    for _attempt in range(5):
        assert sign_in(client, "an@stad.example", "fout-wachtwoord").status_code == 401
    locked = sign_in(client, "an@stad.example", "juist-wachtwoord")
    assert locked.status_code == 401
    assert FAILURE in locked.get_data(as_text=True)
    frozen_clock.shift(timedelta(minutes=16))
    assert sign_in(client, "an@stad.example", "juist-wachtwoord").status_code == 302


def test_sign_in_is_rate_limited_per_address(app, frozen_clock):
    app.config["RATELIMIT_SIGN_IN"] = "3 per minute"
    try:
        client = new_client(app)
        codes = [sign_in(client, "x@stad.example", "nope-nope-nope").status_code for _ in range(4)]
    finally:
        app.config["RATELIMIT_SIGN_IN"] = "10 per minute;50 per hour"
    assert codes == [401, 401, 401, 429]


def test_the_session_is_renewed_at_sign_in_and_cleared_at_sign_out(app, frozen_clock):
    _account(db.session)
    client = new_client(app)
    client.get(SIGN_IN)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    assert sign_in(client, "an@stad.example", "juist-wachtwoord").status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]
    page = client.get("/medewerkers/").get_data(as_text=True)
    from tests.web.booking_helpers import csrf_of

    client.post("/medewerkers/afmelden", data={"csrf_token": csrf_of(page)})
    assert client.get("/medewerkers/").status_code == 302


def test_an_idle_session_ends(app):
    with time_machine.travel(DEMO_NOW, tick=False) as clock:
        _account(db.session)
        client = new_client(app)
        sign_in(client, "an@stad.example", "juist-wachtwoord")
        clock.shift(timedelta(minutes=29))
        assert client.get("/medewerkers/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/medewerkers/").status_code == 200  # activity renewed it
        clock.shift(timedelta(minutes=31))
        response = client.get("/medewerkers/")
    assert response.status_code == 302
    assert "/medewerkers/aanmelden" in response.headers["Location"]


def test_next_never_leads_off_site(app, frozen_clock):
    _account(db.session)
    client = new_client(app)
    page = client.get(SIGN_IN + "?next=//evil.example/x").get_data(as_text=True)
    from tests.web.booking_helpers import csrf_of

    response = client.post(
        SIGN_IN + "?next=//evil.example/x",
        data={
            "csrf_token": csrf_of(page),
            "email": "an@stad.example",
            "password": "juist-wachtwoord",
        },
    )
    assert response.headers["Location"] == "/medewerkers/"


def test_session_cookie_flags(app, frozen_clock):
    _account(db.session)
    client = new_client(app)
    response = sign_in(client, "an@stad.example", "juist-wachtwoord")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_cookie_when_served_over_https():
    from portal import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "BASE_URL": "https://afspraak.stad.be",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_create_user_makes_an_account_that_can_sign_in(app, runner, frozen_clock):
    build_city(db.session, DEMO_TODAY, DEMO_TODAY)
    db.session.commit()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Nieuw@Stad.example",
            "--name",
            "Nieuwe Collega",
            "--team",
            "bevolking",
            "--role",
            "planner",
            "--password",
            "een-lang-wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(
        args=[
            "create-user",
            "--email",
            "kort@stad.example",
            "--name",
            "K",
            "--team",
            "bevolking",
            "--password",
            "kort",
        ]
    )
    assert short.exit_code != 0
    unknown_team = runner.invoke(
        args=[
            "create-user",
            "--email",
            "t@stad.example",
            "--name",
            "T",
            "--team",
            "geen",
            "--password",
            "een-lang-wachtwoord",
        ]
    )
    assert "No team" in unknown_team.output
    assert sign_in(new_client(app), "nieuw@stad.example", "een-lang-wachtwoord").status_code == 302
    member = db.session.scalar(select(StaffMember).where(StaffMember.email == "nieuw@stad.example"))
    assert member.role is StaffRole.PLANNER
    assert member.password_hash.startswith("$argon2id$")


def test_sign_in_writes_an_audit_row_that_cannot_be_changed(app, frozen_clock):
    member = _account(db.session)
    sign_in(new_client(app), "an@stad.example", "juist-wachtwoord")
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.actor_id == member.id))
    assert event.subject == "staff.sign_in"
    for statement in ("UPDATE audit_event SET subject = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(AuditEvent.subject)) == "staff.sign_in"
