"""The team settings' counts of languages residents booked in that nobody on counter duty
speaks, and the one-click "add to the wishes" beside each (``Team.counter_languages``).

The same small city as the interpreters' tests: Bevolking with Ann (planner; Dutch,
French) and Bilal (clerk; Dutch, Arabic) on every counter turn, the clock at Monday
7 December 2026, 07:30.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Absence, AbsenceKind, AuditAction, AuditEvent, StaffMember, Team
from portal.planning.language_wishes import DEMAND_WEEKS, language_demand
from portal.timeutil import utcnow
from tests.web.interpreter_helpers import TUESDAY, WEDNESDAY, add_visit, at, build_town, client_of
from tests.web.staff_helpers import form_token


def _settings(team_id: int) -> str:
    return f"/medewerkers/planning/team/{team_id}"


def _add(team_id: int) -> str:
    return f"/medewerkers/planning/team/{team_id}/talen"


def _demand_rows(page: str) -> list[tuple[str, str]]:
    """(language code, visits) of the counts table, top to bottom."""
    return re.findall(r'<th scope="row" id="demand-([a-z-]+)">.*?</th>\s*<td>(\d+)</td>', page)


def _away(session, staff_id: int, day) -> None:
    """``staff_id`` is on leave the whole of ``day``; committed."""
    session.add(
        Absence(
            staff_id=staff_id,
            kind=AbsenceKind.LEAVE,
            starts_at=at(day, 0),
            ends_at=at(day + timedelta(days=1), 0),
        )
    )
    session.commit()


def test_the_counts_show_languages_nobody_on_duty_speaks(app, frozen_clock):
    town = build_town(db.session)
    # Arabic on Tuesday is covered by Bilal; on Wednesday he is on leave.
    add_visit(db.session, town, at(TUESDAY, 9), spoken_language="ar")
    add_visit(db.session, town, at(WEDNESDAY, 9), spoken_language="ar")
    add_visit(db.session, town, at(WEDNESDAY, 10), spoken_language="ar", interpreter_needed=True)
    _away(db.session, town.bilal_id, WEDNESDAY)
    # Russian: nobody in the team speaks it; Lingala cannot be a wish; French is Ann's.
    add_visit(db.session, town, at(TUESDAY, 10), spoken_language="ru")
    add_visit(
        db.session,
        town,
        at(TUESDAY, 11),
        spoken_language="other",
        spoken_language_other="Lingala",
    )
    add_visit(db.session, town, at(TUESDAY, 11, 30), spoken_language="fr")
    # Beyond the weeks counted.
    far = TUESDAY + timedelta(weeks=DEMAND_WEEKS + 1)
    add_visit(db.session, town, at(far, 9), spoken_language="tr")

    team = db.session.get(Team, town.team_id)
    members = list(db.session.scalars(select(StaffMember).where(StaffMember.team_id == team.id)))
    demand = language_demand(db.session, team, members, utcnow())
    assert [(d.code, d.visits, d.team_speaks, d.wished) for d in demand.languages] == [
        ("ar", 2, True, False),
        ("ru", 1, False, False),
    ]
    assert demand.other_visits == 1

    page = client_of(app, "ann@stad.example").get(_settings(town.team_id)).get_data(as_text=True)
    assert _demand_rows(page) == [("ar", "2"), ("ru", "1")]
    assert "Niemand spreekt de taal" in page
    assert "Iemand spreekt de taal, maar staat dan niet aan de balie" in page
    assert page.count('form="language-wish" name="language"') == 2
    assert 'value="ar"' in page and 'value="ru"' in page
    assert '<form method="post" id="language-wish"' in page
    assert "1 afspraak is in een andere taal" in page


def test_add_to_the_wishes_in_one_click(app, frozen_clock):
    town = build_town(db.session)
    add_visit(db.session, town, at(TUESDAY, 10), spoken_language="ru")
    client = client_of(app, "ann@stad.example")
    token = form_token(client, _settings(town.team_id))

    response = client.post(_add(town.team_id), data={"csrf_token": token, "language": "ru"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{_settings(town.team_id)}#language-demand")
    db.session.expire_all()
    assert db.session.get(Team, town.team_id).counter_languages == ["ru"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject == "team.language_wish"))
    assert event.action is AuditAction.CHANGE and event.detail["added"] == "ru"

    page = client.get(_settings(town.team_id)).get_data(as_text=True)
    assert "staat nu bij de gewenste talen" in page
    assert "Staat al bij de wensen" in page
    assert 'form="language-wish" name="language"' not in page
    # The wish is now a choice of the settings form, ticked.
    assert re.search(r'<input checked[^>]*name="languages"[^>]*value="ru"', page) or re.search(
        r'<input[^>]*name="languages"[^>]*value="ru"[^>]*checked', page
    )

    again = client.post(_add(town.team_id), data={"csrf_token": token, "language": "RU"})
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(Team, town.team_id).counter_languages == ["ru"]
    assert "staat al bij de gewenste talen" in client.get(_settings(town.team_id)).get_data(
        as_text=True
    )


def test_a_wrong_language_is_refused_with_a_message(app, frozen_clock):
    town = build_town(db.session)
    client = client_of(app, "ann@stad.example")
    token = form_token(client, _settings(town.team_id))
    for value in ("", "<script>", "arabisch-en-nog-veel-meer", "a"):
        response = client.post(_add(town.team_id), data={"csrf_token": token, "language": value})
        assert response.status_code == 303
    page = client.get(_settings(town.team_id)).get_data(as_text=True)
    assert "Kies een taal uit de lijst." in page
    db.session.expire_all()
    assert db.session.get(Team, town.team_id).counter_languages == []


def test_only_the_teams_planners_may_add_a_wish(app, frozen_clock):
    town = build_town(db.session)
    planner = client_of(app, "ann@stad.example")
    token = form_token(planner, _settings(town.team_id))
    assert (
        planner.post(
            _add(town.other_team_id), data={"csrf_token": token, "language": "ru"}
        ).status_code
        == 404
    )
    assert planner.post(_add(town.team_id), data={"language": "ru"}).status_code == 400
    clerk = client_of(app, "bilal@stad.example")
    clerk_token = form_token(clerk, "/medewerkers/")
    assert (
        clerk.post(
            _add(town.team_id), data={"csrf_token": clerk_token, "language": "ru"}
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Team, town.team_id).counter_languages == []
    assert db.session.get(Team, town.other_team_id).counter_languages in ([], None)
