"""Control characters stay out of typed text: a single-line field of any web form (and
the API, by the same definition) refuses line breaks, NEL, the Unicode line and
paragraph separators and every other C0/C1 control; a text of several lines keeps its
line breaks and tabs but refuses the rest."""

from __future__ import annotations

import html

import pytest
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TextAreaField

from portal.plain_text import PlainText, PlainTextForm
from tests.web.booking_helpers import CONTACT, csrf_of, first_free_start, hold_time
from tests.web.staff_helpers import SIGN_IN, new_client

MESSAGE = "Deze tekst bevat tekens die we niet kunnen gebruiken."


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_form_of_the_portal_checks_its_text(app):
    forms = {form for form in _subclasses(FlaskForm) if form.__module__.startswith("portal.")}
    assert len(forms) > 20
    assert {form.__name__ for form in forms if not issubclass(form, PlainTextForm)} == set()


class _Form(PlainTextForm):
    name = StringField()
    email = EmailField()
    remark = TextAreaField()
    password = PasswordField()
    reason = StringField(validators=[PlainText(message="eigen bericht")])


@pytest.mark.parametrize(
    ("field", "value", "errors"),
    [
        ("name", "Anna\u2028Peeters", [MESSAGE]),
        ("email", "anna@example.org\r\nBcc: x@example.org", [MESSAGE]),
        ("remark", "regel\nregel\ttab", []),
        ("remark", "regel\x85regel", [MESSAGE]),
        ("password", "geheim\n", []),
        ("reason", "reden\n", ["eigen bericht"]),
    ],
)
def test_a_plain_text_form_checks_each_kind_of_field(app, field, value, errors):
    with app.test_request_context(method="POST", data={field: value}):
        form = _Form(meta={"csrf": False})
        form.validate()
        assert form.errors.get(field, []) == errors


@pytest.fixture
def resident(app, two_clerk_city):
    """A resident's browser holding the first free time; on the details step."""
    client = new_client(app)
    token, start = first_free_start(client, two_clerk_city.service.id)
    assert hold_time(client, two_clerk_city.service.id, start, token).status_code == 302
    return client


def _send_details(client, **changes):
    """Post the details step with :data:`CONTACT` changed by ``changes``."""
    token = csrf_of(client.get("/afspraak/gegevens").text)
    return client.post("/afspraak/gegevens", data={**CONTACT, **changes, "csrf_token": token})


# Each single-line field of the details step: a valid value, and the message it refuses with.
ONE_LINE_FIELDS = {
    "name": ("Anna", "Uw naam bevat tekens die we niet kunnen gebruiken."),
    "email": ("anna@example.org", MESSAGE),
    "phone": ("0470 12 34 56", MESSAGE),
    "spoken_language_other": ("Lingala", MESSAGE),
}


@pytest.mark.parametrize("char", ["\r\n", "\x85", "\u2028", "\u2029", "\x1b"])
@pytest.mark.parametrize("field", sorted(ONE_LINE_FIELDS))
def test_the_details_step_refuses_control_characters_in_one_line(resident, field, char):
    value, message = ONE_LINE_FIELDS[field]
    answer = _send_details(resident, spoken_language="other", **{field: f"{value}{char}1"})
    assert answer.status_code == 400
    assert message in html.unescape(answer.text)


def test_the_remark_keeps_its_line_breaks_but_not_a_separator(resident):
    assert _send_details(resident, remark="Eerste regel\r\nTweede").status_code == 302
    refused = _send_details(resident, remark="Eerste regel\u2028Tweede")
    assert refused.status_code == 400
    assert MESSAGE in html.unescape(refused.text)


def test_the_sign_in_refuses_a_line_break_in_the_address(demo_app):
    client = new_client(demo_app)
    page = client.get(SIGN_IN).text
    answer = client.post(
        SIGN_IN,
        data={"csrf_token": csrf_of(page), "email": "a@stad.example\r\nx", "password": "x"},
    )
    assert answer.status_code == 422
    assert MESSAGE in html.unescape(answer.text)
