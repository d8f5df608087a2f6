"""A forgotten staff password: the link on the sign-in page, the same answer for every
address, the mail in the outbox only for an account that may have one, a link that works
once and for 30 minutes, the rate limits, the password rules, and what a new password
does (lock lifted, other links and sessions void, an audit row)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import PasswordReset
from tests.web.account_helpers import (
    FORGOT,
    PASSWORD,
    SENT,
    ask_for_link,
    audit_subjects,
    choose_password,
    link_token,
    mails_to,
    make_people,
    member,
    parsed,
    reset_path,
    signed_in_as,
)
from tests.web.staff_helpers import SIGN_IN, new_client

NEW_PASSWORD = "een nieuw lang wachtwoord"
CLERK = "clerk@stad.example"


@pytest.fixture
def people(app, frozen_clock, monkeypatch):
    """The accounts of :func:`make_people`; mails stay in the outbox."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    return make_people(db.session)


def _link(client, typed: str = CLERK, lang: str | None = None) -> str:
    """Ask for a link for the clerk (as ``typed``) and read it from the newest mail."""
    assert ask_for_link(client, typed, lang).status_code == 302
    return link_token(mails_to(CLERK)[-1])


def _without_nonces(page: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", page)


def test_the_sign_in_page_links_to_the_forgotten_password_page(app, people):
    page = new_client(app).get(SIGN_IN).get_data(as_text=True)
    assert f'href="{FORGOT}"' in page
    assert "Wachtwoord vergeten?" in page


def test_known_and_unknown_addresses_get_the_same_answer_and_only_one_mail(app, people):
    client = new_client(app)
    answers = [
        ask_for_link(client, address)
        for address in (CLERK, "niemand@stad.example", "rooster@stad.example")
    ]
    assert {response.status_code for response in answers} == {302}
    assert {response.headers["Location"] for response in answers} == {SENT}
    pages = [new_client(app).get(SENT) for _ in range(2)]
    assert pages[0].status_code == 200
    assert _without_nonces(pages[0].get_data(as_text=True)) == _without_nonces(
        pages[1].get_data(as_text=True)
    )
    assert "Als dit adres bij een actief account hoort" in pages[0].get_data(as_text=True)
    # Only the active account with a password got a mail; the rota record without one
    # and the unknown address got nothing.
    assert len(mails_to(CLERK)) == 1
    assert mails_to("niemand@stad.example") == []
    assert mails_to("rooster@stad.example") == []


def test_a_deactivated_account_gets_no_mail(app, people):
    clerk = member(people["clerk"])
    clerk.active = False
    db.session.commit()
    assert ask_for_link(new_client(app), CLERK).headers["Location"] == SENT
    assert mails_to(CLERK) == []


def test_the_mail_carries_a_link_that_works_once(app, people):
    client = new_client(app)
    token = _link(client, "Clerk@Stad.Example ")  # case and spaces do not matter
    mail = parsed(mails_to(CLERK)[0])
    assert mail["Subject"] == "Een nieuw wachtwoord voor Stadhuis op afspraak"
    assert "30 minuten" in mail.get_body(("plain",)).get_content()
    # Only the hash is stored, never the token itself.
    stored = db.session.scalars(select(PasswordReset.token_hash)).all()
    assert token not in stored and len(stored) == 1
    page = client.get(reset_path(token))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    done = choose_password(client, token, NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == SIGN_IN
    assert "Uw nieuwe wachtwoord is bewaard" in client.get(SIGN_IN).get_data(as_text=True)
    # The second use is refused, with a page that says why, and changes nothing.
    again = choose_password(new_client(app), token, "nog een ander wachtwoord")
    assert again.status_code == 410
    assert "al gebruikt" in again.get_data(as_text=True)
    assert new_client(app).get(reset_path(token)).status_code == 410
    assert signed_in_as(new_client(app), CLERK, NEW_PASSWORD).status_code == 302
    assert signed_in_as(new_client(app), CLERK, PASSWORD).status_code == 401
    assert signed_in_as(new_client(app), CLERK, "nog een ander wachtwoord").status_code == 401
    detail = {"staff_id": people["clerk"], "kind": "reset"}
    assert ("account.password_set", people["clerk"], detail) in audit_subjects()


def test_an_expired_link_is_refused(app, people, frozen_clock):
    client = new_client(app)
    token = _link(client)
    frozen_clock.shift(timedelta(minutes=31))
    page = client.get(reset_path(token))
    assert page.status_code == 410
    assert "verlopen" in page.get_data(as_text=True)
    assert choose_password(client, token, NEW_PASSWORD).status_code == 410
    assert signed_in_as(new_client(app), CLERK, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "kort", "a" * 300, "%00" * 30, "..%2F..%2Fetc", "ÄÖÜ" * 15],
)
def test_unknown_or_odd_links_read_as_unknown(app, people, token):
    response = new_client(app).get(reset_path(token))
    assert response.status_code == 404
    if "%2F" not in token:  # a slash leaves the page's route: the site's own 404
        assert "onbekend" in response.get_data(as_text=True)


def test_a_new_password_lifts_the_lock_and_voids_older_links(app, people):
    for _attempt in range(5):
        signed_in_as(new_client(app), CLERK, "fout wachtwoord 123")
    assert member(people["clerk"]).locked_until is not None
    client = new_client(app)
    first, second = _link(client), _link(client)
    assert choose_password(client, second, NEW_PASSWORD).status_code == 302
    clerk = member(people["clerk"])
    assert clerk.locked_until is None and clerk.failed_sign_ins == 0
    assert signed_in_as(new_client(app), CLERK, NEW_PASSWORD).status_code == 302
    refused = new_client(app).get(reset_path(first))
    assert refused.status_code == 410
    assert "niet meer geldig" in refused.get_data(as_text=True)


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(app, people):
    elsewhere = new_client(app)
    assert signed_in_as(elsewhere, CLERK).status_code == 302
    assert elsewhere.get("/medewerkers/").status_code == 200
    client = new_client(app)
    assert choose_password(client, _link(client), NEW_PASSWORD).status_code == 302
    response = elsewhere.get("/medewerkers/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(SIGN_IN)


def test_a_password_must_be_long_enough_and_typed_twice_alike(app, people):
    client = new_client(app)
    token = _link(client)
    short = choose_password(client, token, "te kort")
    assert short.status_code == 422
    assert "minstens 12 tekens" in short.get_data(as_text=True)
    different = choose_password(client, token, NEW_PASSWORD, "een ander lang wachtwoord")
    assert different.status_code == 422
    assert "niet gelijk" in different.get_data(as_text=True)
    overlong = choose_password(client, token, "x" * 201)
    assert overlong.status_code == 422
    # The refused tries did not spend the link.
    assert choose_password(client, token, NEW_PASSWORD).status_code == 302


def test_a_link_of_an_account_deactivated_since_is_refused(app, people):
    client = new_client(app)
    token = _link(client)
    clerk = member(people["clerk"])
    clerk.active = False
    db.session.commit()
    assert choose_password(client, token, NEW_PASSWORD).status_code == 404
    assert member(people["clerk"]).active is False


def test_odd_input_on_the_request_page(app, people):
    client = new_client(app)
    empty = ask_for_link(client, "")
    assert empty.status_code == 422
    assert "Vul uw e-mailadres in." in empty.get_data(as_text=True)
    assert ask_for_link(client, "a" * 300 + "@stad.example").status_code == 422
    assert ask_for_link(client, "line\nbreak@stad.example").status_code == 422
    assert ask_for_link(client, "geen adres").headers["Location"] == SENT
    assert client.post(FORGOT, data={"email": CLERK}).status_code == 400  # no CSRF token


def test_asking_is_rate_limited_per_client(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PASSWORD_RESET", "2 per minute")
    client = new_client(app)
    codes = [ask_for_link(client, "niemand@stad.example").status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_one_person_gets_at_most_three_mails_an_hour(app, people, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    for _attempt in range(5):
        assert ask_for_link(new_client(app), CLERK).headers["Location"] == SENT
    assert len(mails_to(CLERK)) == 3
    frozen_clock.shift(timedelta(minutes=61))
    ask_for_link(new_client(app), CLERK)
    assert len(mails_to(CLERK)) == 4


def test_the_mail_speaks_the_persons_mail_language_else_dutch(app, people):
    client = new_client(app)
    _link(client, lang="ar")  # asked on an Arabic page: still Dutch, the person's default
    assert parsed(mails_to(CLERK)[0])["Content-Language"] == "nl"
    clerk = member(people["clerk"])
    clerk.mail_language = "ar"
    db.session.commit()
    token = _link(client)
    mail = parsed(mails_to(CLERK)[1])
    assert mail["Content-Language"] == "ar"
    assert "?lang=ar" in mail.get_body(("plain",)).get_content()
    page = client.get(reset_path(token) + "?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.get_data(as_text=True)


def test_purge_removes_links_a_week_after_they_ran_out(app, people, frozen_clock):
    client = new_client(app)
    used = _link(client)
    choose_password(client, used, NEW_PASSWORD)
    _link(client)  # left unused
    frozen_clock.shift(timedelta(days=7))
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "0 password links" in result.output
    frozen_clock.shift(timedelta(hours=1))
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "2 password links" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(PasswordReset)).all() == []


def test_one_link_sent_at_once_by_many_sets_one_password(app, people, monkeypatch):
    """Eight browsers post the same link at the same moment: the conditional UPDATE lets
    exactly one set its password; the others are told the link was used."""
    import threading

    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)

    from tests.web.booking_helpers import csrf_of

    token = _link(new_client(app))
    clients = [new_client(app) for _ in range(8)]
    tokens = [csrf_of(client.get(reset_path(token)).get_data(as_text=True)) for client in clients]
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []

    def submit(client, csrf: str, number: int) -> None:
        password = f"wachtwoord nummer {number}"
        barrier.wait()
        response = client.post(
            reset_path(token),
            data={"csrf_token": csrf, "password": password, "confirm": password},
        )
        codes.append(response.status_code)

    threads = [
        threading.Thread(target=submit, args=(client, csrf, number))
        for number, (client, csrf) in enumerate(zip(clients, tokens, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [302] + [410] * 7
    stored = member(people["clerk"]).password_hash
    winners = [number for number in range(8) if _matches(stored, f"wachtwoord nummer {number}")]
    assert len(winners) == 1


def _matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one hashed (checked directly: eight wrong sign-ins
    would lock the account)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError

    try:
        return PasswordHasher().verify(password_hash, password)
    except VerifyMismatchError:
        return False
