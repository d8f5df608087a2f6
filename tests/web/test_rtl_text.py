"""Right to left without scrambling: values isolated in Arabic, dates and times joined the
way each locale joins them, and the plural and case forms of minutes and dates.

The tests of plural and case forms read the real catalogues: they pass once the
translations of the new messages (``/tmp/tr/bidi.json``) are merged into them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.dates import format_date, format_time
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext
from markupsafe import Markup
from sqlalchemy import select

from portal.extensions import db
from portal.locale_text import FSI, PDI, date_and_time, isolate, join_date_time, time_span
from portal.models import Appointment
from portal.notifications import MailKind, compose_appointment_mail
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.smtp import mail_visit
from tests.web.booking_helpers import CONTACT, book_through_pages, manage_path, reach_review

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = date(2026, 12, 7)
WEDNESDAY = date(2026, 12, 9)
NOW = local_datetime(MONDAY, time(7, 30))
ARABIC_CONTACT = {**CONTACT, "language": "ar", "phone": "0470 12 34 56"}
ADDRESS = "Grote Markt 1, 9999 Demostad"


def _words(moment, language):
    """(date, time) of an aware moment as Babel writes them in ``language``, in Brussels."""
    local = moment.astimezone(BRUSSELS)
    return (
        format_date(local.date(), "full", locale=language),
        format_time(local, "short", locale=language, tzinfo=BRUSSELS),
    )


# --- the helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "joined"),
    [
        ("nl", "{date}, {time}"),
        ("en", "{date}, {time}"),
        ("ru", "{date}, {time}"),
        ("tr", "{date} {time}"),  # Turkish joins with a space
        ("ar", "{date}، " + FSI + "{time}" + PDI),  # the Arabic comma; the time isolated
    ],
)
def test_date_and_time_are_joined_by_the_locales_pattern(app, language, joined):
    moment = local_datetime(WEDNESDAY, time(9, 30))
    day, clock = _words(moment, language)
    with app.test_request_context(), force_locale(language):
        assert date_and_time(moment) == joined.format(date=day, time=clock)


def test_the_joins_differ_between_the_locales(app):
    moment = local_datetime(WEDNESDAY, time(9, 30))
    with app.test_request_context():
        written = {}
        for language in ("nl", "en", "ar", "ru", "tr"):
            with force_locale(language):
                written[language] = date_and_time(moment)
    assert len(set(written.values())) == 5
    assert "، " in written["ar"] and ", " not in written["ar"]
    assert "Çarşamba 09:30" in written["tr"]


def test_a_time_span_is_isolated_only_in_arabic(app):
    start = local_datetime(WEDNESDAY, time(9, 30))
    with app.test_request_context():
        with force_locale("nl"):
            assert time_span(start, start + timedelta(minutes=15)) == "09:30–09:45"
            assert time_span(time(9), time(12), html=True) == Markup("09:00–12:00")
        with force_locale("ar"):
            _, first = _words(start, "ar")
            text = time_span(start, start + timedelta(minutes=15))
            assert text.startswith(FSI + first + "–") and text.endswith(PDI)
            html = time_span(start, start + timedelta(minutes=15), html=True)
            assert html.startswith("<bdi>" + first + "–") and html.endswith("</bdi>")


def test_isolate_escapes_html_and_marks_left_to_right_values(app):
    with app.test_request_context(), force_locale("ar"):
        assert isolate("a<b", html=True) == Markup("<bdi>a&lt;b</bdi>")
        assert isolate("+32 470", html=True, ltr=True) == Markup('<bdi dir="ltr">+32 470</bdi>')
        assert isolate(7) == f"{FSI}7{PDI}"
        assert isolate("x", language="nl") == "x"
    with app.test_request_context(), force_locale("nl"):
        assert isolate("a<b", html=True) == Markup("a&lt;b")


def test_join_reads_quoted_literals_and_keeps_html(app):
    with app.test_request_context():
        # Corsican joins with a quoted word: "{1} 'à' {0}".
        assert join_date_time("D", "T", language="co") == "D à T"
        joined = join_date_time("<b>", Markup("<bdi>9:30</bdi>"), language="nl")
        assert joined == Markup("&lt;b&gt;, <bdi>9:30</bdi>")


# --- the resident's pages in Arabic ------------------------------------------------------


@pytest.fixture
def city(app, monkeypatch):
    """Two clerks with counters, mail kept in the outbox, limits off, the clock at 07:30."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=13), staff_count=2)
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        yield built


def _only_visit() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment)).one()


def test_arabic_review_page_isolates_email_phone_and_times(client, city):
    client.get("/?lang=ar")
    start, review = reach_review(client, city.service.id, ARABIC_CONTACT)
    page = review.text
    assert '<html lang="ar" dir="rtl">' in page
    assert '<bdi dir="ltr">anna@example.org</bdi>' in page
    assert '<bdi dir="ltr">0470 12 34 56</bdi>' in page
    begin = datetime.fromisoformat(start)
    day, first = _words(begin, "ar")
    _, last = _words(begin + timedelta(minutes=15), "ar")
    # The date, the Arabic comma of the locale's pattern, and the range as one island.
    assert f"{day}، <bdi>{first}–{last}</bdi>" in page
    # The hold notice: the chosen time and the time it is held until.
    assert f"{day}، <bdi>{first}</bdi>" in page


def test_arabic_done_and_manage_pages_isolate_reference_counter_and_address(app, client, city):
    client.get("/?lang=ar")
    book_through_pages(client, city.service.id, ARABIC_CONTACT)
    visit = _only_visit()
    assert visit.counter is not None
    done = client.get("/afspraak/klaar").text
    manage = client.get(manage_path(app, visit)).text
    for page in (done, manage):
        assert f'<dd class="reference"><bdi dir="ltr">{visit.reference}</bdi></dd>' in page
        assert f"<bdi>{visit.counter.number}</bdi>" in page
        assert f"<bdi>{ADDRESS}</bdi>" in page
        day, first = _words(visit.starts_at, "ar")
        _, last = _words(visit.ends_at, "ar")
        assert f"{day}، <bdi>{first}–{last}</bdi>" in page
        _, until = _words(visit.activation_expires_at, "ar")
        assert f"<bdi>{until}</bdi>" in page
    assert '<bdi dir="ltr">anna@example.org</bdi>' in done


def test_dutch_pages_are_left_as_they_were(client, city):
    _start, review = reach_review(client, city.service.id)
    assert "<bdi" not in review.text
    assert "anna@example.org" in review.text
    book_through_pages(client, city.service.id)
    assert "<bdi" not in client.get("/afspraak/klaar").text


# --- the mails ---------------------------------------------------------------------------


def _mail(app, language):
    start = local_datetime(WEDNESDAY, time(9, 30))
    _, visit = mail_visit(db.session, start, start + timedelta(minutes=15), language=language)
    message = compose_appointment_mail(
        visit, MailKind.CONFIRMATION, manage_url="https://stad.example/beheer/x", now=NOW
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return visit, message, text, html


def test_arabic_text_mail_isolates_reference_time_counter_and_address(app):
    visit, message, text, html = _mail(app, "ar")
    day, clock = _words(visit.starts_at, "ar")
    assert f"{FSI}{visit.reference}{PDI}" in text
    assert f"{day}، {FSI}{clock}{PDI}" in text  # "Wanneer": the locale's date-time join
    assert f"{FSI}{ADDRESS}{PDI}" in text
    assert f"{FSI}{visit.counter.number}{PDI}" in text
    assert f"{FSI}{clock}{PDI}" in message["Subject"]
    # The HTML part: <bdi> around the time and the address; the reference in its own
    # left-to-right paragraph.
    assert f"<bdi>{clock}</bdi>" in html
    assert f"<bdi>{ADDRESS}</bdi>" in html
    assert re.search(r'<p dir="ltr"[^>]*>' + re.escape(visit.reference) + "</p>", html)


def test_dutch_mail_has_no_isolation_marks(app):
    _visit, message, text, html = _mail(app, "nl")
    assert FSI not in text and PDI not in text and FSI not in message["Subject"]
    assert "<bdi" not in html
    assert "Wanneer: woensdag 9 december 2026, 09:30" in text


# --- plural and case forms (real catalogues) ---------------------------------------------

HOLD_SINGULAR = "We houden het tijdstip %(num)s minuut voor u vast terwijl u uw gegevens invult."
HOLD_PLURAL = "We houden het tijdstip %(num)s minuten voor u vast terwijl u uw gegevens invult."


@pytest.mark.parametrize(
    ("count", "duration"),
    [
        (0, "0 دقيقة"),
        (1, "1 دقيقة"),
        (2, "2 دقيقتان"),
        (3, "3 دقائق"),
        (11, "11 دقيقة"),
        (100, "100 دقيقة"),
    ],
)
def test_arabic_minutes_have_six_forms(app, count, duration):
    with app.test_request_context(), force_locale("ar"):
        assert ngettext("%(num)s minuut", "%(num)s minuten", count) == duration


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (0, "لمدة 0 دقيقة"),
        (1, "لمدة 1 دقيقة"),
        (2, "لمدة 2 دقيقتين"),
        (3, "لمدة 3 دقائق"),
        (10, "لمدة 10 دقائق"),  # the portal's hold: "10 دقيقة" was wrong
        (11, "لمدة 11 دقيقة"),
        (100, "لمدة 100 دقيقة"),
    ],
)
def test_arabic_hold_sentence_uses_the_plural_of_its_number(app, count, words):
    with app.test_request_context(), force_locale("ar"):
        assert words in ngettext(HOLD_SINGULAR, HOLD_PLURAL, count)


@pytest.mark.parametrize(
    ("language", "count", "words"),
    [
        ("ru", 1, "на 1 минуту"),
        ("ru", 2, "на 2 минуты"),
        ("ru", 5, "на 5 минут"),
        ("ru", 21, "на 21 минуту"),
        ("uk", 1, "на 1 хвилину"),
        ("uk", 2, "на 2 хвилини"),
        ("uk", 5, "на 5 хвилин"),
        ("uk", 21, "на 21 хвилину"),
    ],
)
def test_minutes_after_na_take_the_accusative(app, language, count, words):
    with app.test_request_context(), force_locale(language):
        assert words in ngettext(HOLD_SINGULAR, HOLD_PLURAL, count)


@pytest.mark.parametrize(
    ("language", "count", "words"),
    [
        ("ru", 1, "1 минута"),
        ("ru", 2, "2 минуты"),
        ("ru", 5, "5 минут"),
        ("ru", 21, "21 минута"),
        ("uk", 1, "1 хвилина"),
        ("uk", 2, "2 хвилини"),
        ("uk", 5, "5 хвилин"),
        ("uk", 21, "21 хвилина"),
    ],
)
def test_minutes_alone_take_the_nominative(app, language, count, words):
    with app.test_request_context(), force_locale(language):
        assert ngettext("%(num)s minuut", "%(num)s minuten", count) == words


# A full date starts with the weekday in the nominative ("среда, 9 декабря …"), which no
# preposition governs: "на среда" must be "на среду". These placeholders receive one.
WEEKDAY_DATE = r"%\((?:date|day|moment|when|new|old)\)s"


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_no_full_date_follows_na(app, language):
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    path = directory / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    pattern = re.compile(r"(?<!\w)на\s+" + WEEKDAY_DATE, re.IGNORECASE)
    offenders = [
        message.id
        for message in catalogue
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if pattern.search(text or "")
    ]
    assert offenders == []


def test_russian_mail_on_a_wednesday_is_grammatical(app):
    _visit, message, text, _html = _mail(app, "ru")
    assert "среда" in message["Subject"]
    assert "на среда" not in message["Subject"]
    assert "на среда" not in text


def test_arabic_hold_warnings_use_the_plural_of_their_number(client, city):
    client.get("/?lang=ar")
    _, review = reach_review(client, city.service.id, ARABIC_CONTACT)
    assert re.search(r'data-warning-2="[^"]*2 دقيقتين', review.text)
    assert re.search(r'data-warning-1="[^"]*1 دقيقة', review.text)
