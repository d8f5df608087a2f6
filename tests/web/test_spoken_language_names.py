"""Staff read the resident's spoken language: its name in the staff member's language and,
beside it, in its own script (marked with its language); never a raw code. Residents'
select lists name each language in the page's language too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.language_names import is_named, language_name
from portal.models import Appointment, AppointmentStatus, PlanStatus, RotaPlan, Team
from portal.planning.services import language_names
from portal.spoken_languages import (
    OTHER,
    SPOKEN_LANGUAGES,
    spoken_language_choices,
    spoken_language_html,
    spoken_language_text,
)
from portal.staff.feed import visit_notes
from portal.timeutil import end_of_local_day, utcnow
from tests.conftest import DEMO_NOW, DEMO_TODAY

CHECHEN = '<span lang="ce" dir="auto">Нохчийн</span>'
VISIT = "/medewerkers/bezoek/%d"


# --- the names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ui", "expected"),
    [
        ("ce", "nl", "Tsjetsjeens"),
        ("ce", "fr", "Tchétchène"),
        ("ce", "ar", "الشيشانية"),
        ("inh", "nl", "Ingoesjetisch"),
        ("inh", "fr", "Ingouche"),
        ("inh", "ar", "الإنجوشية"),
        ("ary", "nl", "Marokkaans Arabisch"),
        ("ary", "fr", "Arabe marocain"),
        ("ary", "ar", "الدارجة المغربية"),
        ("ar", "nl", "Arabisch"),
        ("ar", "fr", "Arabe"),
        ("ar", "ar", "العربية"),
        ("prs", "nl", "Dari"),
        ("prs", "ru", "Дари"),
    ],
)
def test_names_in_the_staff_language(demo_app, code, ui, expected):
    with demo_app.test_request_context("/"):
        assert language_name(code, ui) == expected


def test_inside_a_sentence_french_and_russian_keep_their_small_letter(demo_app):
    with demo_app.test_request_context("/"):
        assert language_name("ce", "fr", label=False) == "tchétchène"
        assert language_name("ce", "ru", label=False) == "чеченский"
        assert language_name("ce", "ru") == "Чеченский"
        assert language_name("ce", "nl", label=False) == "Tsjetsjeens"


@pytest.mark.parametrize("ui", sorted(LANGUAGES))
def test_every_spoken_language_has_a_real_name_in_every_site_language(demo_app, ui):
    with demo_app.test_request_context("/"):
        for language in SPOKEN_LANGUAGES:
            name = language_name(language.code, ui)
            assert is_named(language.code, ui), (language.code, ui)
            assert name.strip() and name.casefold() != language.code.casefold(), (ui, name)
            assert name != "Onbekende taal"


def test_our_own_names_are_translated(demo_app):
    """A name CLDR lacks is ours: each site language has its own words for it."""
    with demo_app.test_request_context("/"):
        dutch = language_name("ary", "nl")
        for ui in set(LANGUAGES) - {"nl"}:
            assert language_name("ary", ui) != dutch, ui


def test_an_unknown_code_is_never_shown(demo_app):
    with demo_app.test_request_context("/"):
        assert language_name("xx-unknown", "nl") == "Onbekende taal"
        assert "xx-unknown" not in spoken_language_html("xx-unknown")


def test_the_html_marks_the_own_script_and_the_residents_own_words(demo_app):
    with demo_app.test_request_context("/?lang=nl"):
        assert spoken_language_html("ce") == f"Tsjetsjeens · {CHECHEN}"
        assert spoken_language_html("nl") == "Nederlands", "the page's own language once"
        assert spoken_language_html(None) == ""
        other = spoken_language_html(OTHER, "Lingala <b>")
        assert other == 'Andere taal: <q dir="auto">Lingala &lt;b&gt;</q>'
        assert spoken_language_html(OTHER, None) == "Een andere taal"
        assert spoken_language_text("ce", None, "nl") == "Tsjetsjeens · Нохчийн"
    with demo_app.test_request_context("/?lang=fr"):
        assert spoken_language_html("ce") == f"Tchétchène · {CHECHEN}"
        assert (
            spoken_language_html("nl")
            == 'Néerlandais · <span lang="nl" dir="auto">Nederlands</span>'
        )
        assert spoken_language_text("ce", None, "fr") == "Tchétchène · Нохчийн"


def test_the_residents_select_names_each_language_in_the_pages_language(demo_app):
    """The option shows the language in itself, then its name in the page's language (not
    in Dutch on a French page); a language is not repeated on its own page."""
    with demo_app.test_request_context("/?lang=fr"):
        options = {choice.value: choice.label for choice in spoken_language_choices()}
        assert options["ce"] == "Нохчийн (Tchétchène)"
        assert options["nl"] == "Nederlands (Néerlandais)"
        assert options["fr"] == "Français"
        assert options["inh"] == "ГӀалгӀай (Ingouche)"
    with demo_app.test_request_context("/?lang=nl"):
        options = {choice.value: choice.label for choice in spoken_language_choices()}
        assert options["ce"] == "Нохчийн (Tsjetsjeens)"
        assert options["nl"] == "Nederlands"
    with demo_app.test_request_context("/?lang=ar"):
        options = {choice.value: choice.label for choice in spoken_language_choices()}
        assert options["ar"] == "العربية"
        assert options["ru"] == "Русский (الروسية)"


def test_planning_lists_staff_languages_in_the_readers_language(demo_app):
    with demo_app.test_request_context("/?lang=fr"):
        assert language_names(["fr", "ar", "inh"]) == "français, arabe, ingouche"
    with demo_app.test_request_context("/?lang=nl"):
        assert language_names(["fr", "ce"]) == "Frans, Tsjetsjeens"


# --- the staff pages ----------------------------------------------------------------------


@pytest.fixture
def chechen_visit(demo_app, frozen_clock):
    """A confirmed Bevolking counter visit later today, made a Chechen speaker who has
    arrived, in a week with a draft rota plan without turns (so the publish review lists
    it); everything undone afterwards. The visit's id and the plan's."""
    with demo_app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "bevolking"))
        visit = db.session.scalar(
            select(Appointment)
            .where(
                Appointment.filter_teams([team.id]),
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.counter_id.is_not(None),
                Appointment.starts_at > DEMO_NOW,
                Appointment.starts_at < end_of_local_day(DEMO_TODAY),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
        before = (visit.spoken_language, visit.spoken_language_other, visit.arrived_at)
        visit.spoken_language, visit.spoken_language_other = "ce", None
        visit.arrived_at = utcnow()
        plan = RotaPlan(
            team_id=team.id,
            first_day=DEMO_TODAY - timedelta(days=DEMO_TODAY.weekday()),
            last_day=DEMO_TODAY - timedelta(days=DEMO_TODAY.weekday()) + timedelta(days=6),
            status=PlanStatus.DRAFT,
            created_at=utcnow(),
        )
        db.session.add(plan)
        db.session.commit()
        ids = (visit.id, plan.id)
    yield ids
    with demo_app.app_context():
        visit = db.session.get(Appointment, ids[0])
        visit.spoken_language, visit.spoken_language_other, visit.arrived_at = before
        db.session.delete(db.session.get(RotaPlan, ids[1]))
        db.session.commit()


def _text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _row_of(page: str, visit_id: int) -> str:
    """The table row (or fieldset) of the page that links to the visit."""
    found = re.search(
        rf"<(tr|fieldset)[^>]*>(?:(?!</\1>).)*?/bezoek/{visit_id}\"(?:(?!</\1>).)*</\1>", page, re.S
    )
    assert found, visit_id
    return found.group(0)


def test_today_visit_and_waiting_room_show_both_names(staff_client, chechen_visit):
    visit_id, _plan_id = chechen_visit
    client = staff_client("clerk")
    for path in ("/medewerkers/vandaag?wie=team", "/medewerkers/wachtzaal"):
        row = _row_of(_text(client, path), visit_id)
        assert f"Tsjetsjeens · {CHECHEN}" in row, path
        assert ">ce<" not in row
    visit_page = _text(client, VISIT % visit_id)
    assert f"<dd>Tsjetsjeens · {CHECHEN}</dd>" in visit_page


def test_publish_review_names_the_language_instead_of_its_code(staff_client, chechen_visit):
    visit_id, plan_id = chechen_visit
    with_visit = f"/medewerkers/planning/beurtrol/{plan_id}/publiceren"
    page = _text(staff_client("planner"), with_visit)
    fieldset = re.search(
        rf'<fieldset class="stranded-visit">(?:(?!</fieldset>).)*?name="visit-{visit_id}"',
        page,
        re.S,
    )
    assert fieldset, "the visit is listed as stranded"
    assert f"Taal aan de balie: Tsjetsjeens · {CHECHEN}" in fieldset.group(0)
    assert "Taal aan de balie: ce" not in page


def test_a_french_staff_page_names_the_language_in_french(staff_client, chechen_visit):
    visit_id, _plan_id = chechen_visit
    client = staff_client("clerk")
    page = _text(client, (VISIT % visit_id) + "?lang=fr")
    assert f"Tchétchène · {CHECHEN}" in page
    assert "Tsjetsjeens" not in page
    arabic = _text(client, (VISIT % visit_id) + "?lang=ar")
    assert f"الشيشانية · {CHECHEN}" in arabic


def test_reception_and_calendar_show_the_language(staff_client, demo_app, chechen_visit):
    visit_id, _plan_id = chechen_visit
    client = staff_client("reception")
    with demo_app.app_context():
        reference = db.session.get(Appointment, visit_id).reference
    found = _text(client, f"/medewerkers/zoeken?q={reference}")
    assert f"Tsjetsjeens · {CHECHEN}" in found
    clerk = staff_client("clerk")
    day = DEMO_TODAY.isoformat()
    events = clerk.get(
        "/medewerkers/agenda/gebeurtenissen",
        query_string={"start": day, "end": (DEMO_TODAY + timedelta(days=1)).isoformat()},
    ).json
    event = next(e for e in events if e["id"] == str(visit_id))
    assert event["extendedProps"]["language"] == "Tsjetsjeens · Нохчийн"
    assert event["title"].endswith(" · Tsjetsjeens · Нохчийн")
    table = _text(clerk, f"/medewerkers/agenda?date={day}&view=day")
    assert f"Tsjetsjeens · {CHECHEN}" in _row_of(table, visit_id)


def test_the_ics_feed_names_the_language_in_dutch_and_in_itself(demo_app, chechen_visit):
    visit_id, _plan_id = chechen_visit
    with demo_app.test_request_context("/"):
        visit = db.session.get(Appointment, visit_id)
        notes = visit_notes(visit, None)
        assert "Taal aan de balie: Tsjetsjeens · Нохчийн" in notes


def test_another_language_shows_the_residents_own_words(staff_client, demo_app, chechen_visit):
    visit_id, _plan_id = chechen_visit
    with demo_app.app_context():
        visit = db.session.get(Appointment, visit_id)
        visit.spoken_language, visit.spoken_language_other = OTHER, "Lingala"
        db.session.commit()
    client = staff_client("clerk")
    words = 'Andere taal: <q dir="auto">Lingala</q>'
    assert f"<dd>{words}</dd>" in _text(client, VISIT % visit_id)
    row = _row_of(_text(client, "/medewerkers/vandaag?wie=team"), visit_id)
    assert words in row and ">other<" not in row
