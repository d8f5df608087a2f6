"""The administrators' account page: only administrators may open it; they create an
account (the person chooses a password through a mailed link), change role and team,
deactivate and activate, lift a lock and send a link, each with an audit row; they
cannot lock themselves out; and odd input gets an answer, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffMember, StaffRole, Team
from portal.timeutil import utcnow
from tests.web.account_helpers import (
    audit_subjects,
    choose_password,
    link_token,
    mails_to,
    make_people,
    member,
    parsed,
    post_form,
    signed_in_as,
)
from tests.web.staff_helpers import SIGN_IN, new_client

ACCOUNTS = "/medewerkers/accounts/"
NEW = ACCOUNTS + "nieuw"


@pytest.fixture
def people(app, frozen_clock, monkeypatch):
    """The accounts of :func:`make_people`, a second team, mails kept in the outbox."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    ids = make_people(db.session)
    db.session.add(Team(code="burgerzaken", names={"nl": "Burgerlijke Stand"}))
    db.session.commit()
    return ids


@pytest.fixture
def admin(app, people):
    """A client signed in as the administrator."""
    client = new_client(app)
    assert signed_in_as(client, "admin@stad.example").status_code == 302
    return client


def _team_id(code: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.code == code))


def _page(staff_id: int) -> str:
    return f"{ACCOUNTS}{staff_id}"


def _post(client, staff_id: int, action: str, data: dict | None = None):
    return post_form(client, _page(staff_id), f"{_page(staff_id)}/{action}", data)


@pytest.mark.parametrize("role", ["clerk", "planner", "reception"])
def test_only_administrators_open_the_account_pages(app, people, role):
    client = new_client(app)
    assert signed_in_as(client, f"{role}@stad.example").status_code == 302
    assert "/medewerkers/accounts/" not in client.get("/medewerkers/").get_data(as_text=True)
    target = people["clerk"]
    for path in (ACCOUNTS, NEW, _page(target)):
        assert client.get(path).status_code == 403, path
    token_page = "/medewerkers/"
    for action in ("deactiveren", "ontgrendelen", "rol-en-team", "wachtwoordlink"):
        response = post_form(client, token_page, f"{_page(target)}/{action}", {"role": "admin"})
        assert response.status_code == 403, action
    response = post_form(client, token_page, NEW, {"name": "X", "email": "x@stad.example"})
    assert response.status_code == 403
    assert member(target).active and member(target).role == StaffRole.CLERK
    assert audit_subjects() == []


def test_not_signed_in_is_sent_to_sign_in(app, people):
    response = new_client(app).get(ACCOUNTS)
    assert response.status_code == 302 and response.headers["Location"].startswith(SIGN_IN)


def test_the_list_shows_every_account_with_its_state(admin, people):
    clerk = member(people["clerk"])
    clerk.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    page = admin.get(ACCOUNTS)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for address in ("admin@", "clerk@", "planner@", "reception@", "rooster@"):
        assert address in text
    assert "geblokkeerd tot" in text and "nog geen wachtwoord" in text
    assert "Baliemedewerker" in text and "Beheerder" in text
    assert 'href="/medewerkers/accounts/"' in admin.get("/medewerkers/").get_data(as_text=True)
    other_team = admin.get(f"{ACCOUNTS}?team={_team_id('burgerzaken')}").get_data(as_text=True)
    assert "clerk@" not in other_team
    for odd in ("abc", "99999999999", "-1", "%00"):
        assert admin.get(f"{ACCOUNTS}?team={odd}").status_code == 200


def test_an_administrator_creates_an_account_and_the_person_chooses_a_password(app, admin):
    response = post_form(
        admin,
        NEW,
        NEW,
        {
            "name": "Nieuwe Collega",
            "email": " Nieuw@Stad.Example ",
            "team_id": str(_team_id("burgerzaken")),
            "role": "planner",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(
        select(StaffMember).where(StaffMember.email == "nieuw@stad.example")
    )
    assert created.role == StaffRole.PLANNER and created.team.code == "burgerzaken"
    assert created.password_hash is None and created.active
    assert response.headers["Location"] == _page(created.id)
    assert "Er gaat een e-mail naar" in admin.get(_page(created.id)).get_data(as_text=True)
    (mail,) = mails_to("nieuw@stad.example")
    message = parsed(mail)
    assert message["Subject"] == "Uw account voor Stadhuis op afspraak"
    text = message.get_body(("plain",)).get_content()
    assert "72 uur" in text and "wachtwoord" in text.lower()
    assert "juist-wachtwoord" not in mail.message
    subjects = [subject for subject, _actor, _detail in audit_subjects()]
    assert subjects == ["account.create", "account.password_link"]
    client = new_client(app)
    assert choose_password(client, link_token(mail), "mijn eigen wachtwoord").status_code == 302
    assert signed_in_as(client, "nieuw@stad.example", "mijn eigen wachtwoord").status_code == 302


def test_role_and_team_are_changed_and_audited_with_old_and_new(admin, people):
    clerk_id = people["clerk"]
    team = _team_id("burgerzaken")
    response = _post(admin, clerk_id, "rol-en-team", {"role": "reception", "team_id": str(team)})
    assert response.status_code == 302
    changed = member(clerk_id)
    assert changed.role == StaffRole.RECEPTION and changed.team_id == team
    rows = audit_subjects()
    admin_id = people["admin"]
    assert (
        "account.role",
        admin_id,
        {"staff_id": clerk_id, "old": "clerk", "new": "reception"},
    ) in rows
    assert (
        "account.team",
        admin_id,
        {"staff_id": clerk_id, "old": "bevolking", "new": "burgerzaken"},
    ) in rows
    same = _post(admin, clerk_id, "rol-en-team", {"role": "reception", "team_id": str(team)})
    assert same.status_code == 302 and len(audit_subjects()) == 2


def test_deactivating_signs_the_person_out_and_reactivating_lets_them_in(app, admin, people):
    clerk = new_client(app)
    assert signed_in_as(clerk, "clerk@stad.example").status_code == 302
    assert _post(admin, people["clerk"], "deactiveren").status_code == 302
    assert member(people["clerk"]).active is False
    assert clerk.get("/medewerkers/").status_code == 302
    assert signed_in_as(new_client(app), "clerk@stad.example").status_code == 401
    assert _post(admin, people["clerk"], "activeren").status_code == 302
    assert signed_in_as(new_client(app), "clerk@stad.example").status_code == 302
    subjects = [subject for subject, _actor, _detail in audit_subjects()]
    assert subjects == ["account.deactivate", "account.reactivate"]


def test_unlocking_lifts_the_lock(app, admin, people):
    for _attempt in range(5):
        signed_in_as(new_client(app), "clerk@stad.example", "fout wachtwoord 1")
    assert member(people["clerk"]).locked_until is not None
    assert "Blokkering opheffen" in admin.get(_page(people["clerk"])).get_data(as_text=True)
    assert _post(admin, people["clerk"], "ontgrendelen").status_code == 302
    assert member(people["clerk"]).locked_until is None
    assert signed_in_as(new_client(app), "clerk@stad.example").status_code == 302
    (row,) = audit_subjects()
    assert row[0] == "account.unlock" and row[2]["staff_id"] == people["clerk"]


def test_a_link_is_sent_on_request_but_not_to_a_deactivated_account(admin, people):
    assert _post(admin, people["rota"], "wachtwoordlink").status_code == 302
    (mail,) = mails_to("rooster@stad.example")
    assert parsed(mail)["Subject"] == "Uw account voor Stadhuis op afspraak"
    assert _post(admin, people["planner"], "wachtwoordlink").status_code == 302
    (mail,) = mails_to("planner@stad.example")
    assert parsed(mail)["Subject"] == "Een nieuw wachtwoord voor Stadhuis op afspraak"
    _post(admin, people["planner"], "deactiveren")
    refused = _post(admin, people["planner"], "wachtwoordlink")
    assert refused.status_code == 302
    assert "gedeactiveerd" in admin.get(_page(people["planner"])).get_data(as_text=True)
    assert len(mails_to("planner@stad.example")) == 1


def test_an_administrator_cannot_lock_themselves_out(admin, people):
    admin_id = people["admin"]
    assert _post(admin, admin_id, "deactiveren").status_code == 302
    assert "eigen account niet deactiveren" in admin.get(_page(admin_id)).get_data(as_text=True)
    demoted = _post(
        admin,
        admin_id,
        "rol-en-team",
        {"role": "clerk", "team_id": str(member(admin_id).team_id)},
    )
    assert demoted.status_code == 409
    assert "eigen rol van beheerder niet afnemen" in demoted.get_data(as_text=True)
    still = member(admin_id)
    assert still.active and still.role == StaffRole.ADMIN
    assert audit_subjects() == []
    assert admin.get(ACCOUNTS).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@stad.example"}, "Vul de naam in."),
        ({"name": "x" * 500, "email": "a@stad.example"}, "hoogstens 120 tekens"),
        ({"name": "Twee\nRegels", "email": "a@stad.example"}, "tekens die we niet"),
        ({"name": "Iemand", "email": "geen-adres"}, "geldig e-mailadres"),
        ({"name": "Iemand", "email": "a" * 300 + "@stad.example"}, "te lang"),
        ({"name": "Iemand", "email": "a@stad.example", "role": "root"}, "rol uit de lijst"),
        ({"name": "Iemand", "email": "a@stad.example", "role": "ADMIN"}, "rol uit de lijst"),
        ({"name": "Iemand", "email": "a@stad.example", "team_id": "abc"}, "team uit de lijst"),
        ({"name": "Iemand", "email": "a@stad.example", "team_id": "99999"}, "team uit de lijst"),
        ({"name": "Iemand", "email": "a@stad.example", "team_id": "9" * 40}, "team uit de lijst"),
    ],
)
def test_a_new_account_with_odd_input_is_refused_with_a_message(admin, people, data, message):
    form = {"role": "clerk", "team_id": str(_team_id("bevolking")), **data}
    response = post_form(admin, NEW, NEW, form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert mails_to("a@stad.example") == []


def test_a_taken_address_is_refused_whatever_its_case(admin, people):
    form = {"name": "Dubbel", "email": "CLERK@stad.example", "role": "clerk"}
    form["team_id"] = str(_team_id("bevolking"))
    response = post_form(admin, NEW, NEW, form)
    assert response.status_code == 409
    assert "al een medewerker met dit e-mailadres" in response.get_data(as_text=True)


def test_odd_ids_and_values_on_a_person_page(admin, people):
    for path in (f"{ACCOUNTS}999999", f"{ACCOUNTS}99999999999", f"{ACCOUNTS}abc"):
        assert admin.get(path).status_code == 404, path
    assert post_form(admin, ACCOUNTS, f"{ACCOUNTS}999999/deactiveren").status_code == 404
    assert post_form(admin, ACCOUNTS, f"{ACCOUNTS}99999999999/ontgrendelen").status_code == 404
    clerk_id = people["clerk"]
    bad_role = _post(admin, clerk_id, "rol-en-team", {"role": "boss", "team_id": "x"})
    assert bad_role.status_code == 422
    text = bad_role.get_data(as_text=True)
    assert "rol uit de lijst" in text and "team uit de lijst" in text
    assert admin.get(f"{_page(clerk_id)}/deactiveren").status_code == 405
    assert admin.post(f"{_page(clerk_id)}/deactiveren").status_code == 400  # no CSRF token
    assert member(clerk_id).active and member(clerk_id).role == StaffRole.CLERK


def test_the_pages_speak_arabic(admin, people):
    for path in (ACCOUNTS, NEW, _page(people["clerk"])):
        response = admin.get(f"{path}?lang=ar")
        assert response.status_code == 200
        assert 'dir="rtl"' in response.get_data(as_text=True)
