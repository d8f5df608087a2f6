"""The administrators' audit trail page: rows, filters, paging, unreadable filter values,
who may open it, and that no route can change or delete a row."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditAction, AuditEvent, StaffRole
from portal.staff.accounts import hash_password
from portal.staff.audit import record
from portal.staff.feed import renew_feed
from portal.timeutil import local_datetime
from tests.builders import book, build_city
from tests.conftest import DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, sign_in

AUDIT = "/medewerkers/audit"
PASSWORD = "juist-wachtwoord-123"
ADMIN_EMAIL = "beheer@stad.example"
CLERK_EMAIL = "balie@stad.example"


def _people(session):
    """An administrator and a clerk with accounts, and one visit of the clerk; committed."""
    city = build_city(session, DEMO_TODAY, DEMO_TODAY)
    admin, clerk = city.staff
    admin.name, admin.email, admin.role = "Ada Beheer", ADMIN_EMAIL, StaffRole.ADMIN
    clerk.name, clerk.email, clerk.role = "Bart Balie", CLERK_EMAIL, StaffRole.CLERK
    for member in (admin, clerk):
        member.password_hash = hash_password(PASSWORD)
    start = local_datetime(DEMO_TODAY, time(9))
    visit = book(session, clerk, city.service, start, start + timedelta(minutes=15))
    session.commit()
    return admin, clerk, visit


def _admin_client(app):
    client = new_client(app)
    assert sign_in(client, ADMIN_EMAIL, PASSWORD).status_code == 302
    return client


def _subjects(html: str) -> list[str]:
    """The subjects of the table's rows, top to bottom."""
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


def test_the_admin_sees_a_sign_in_and_a_feed_fetch(app, frozen_clock):
    _admin, clerk, _visit = _people(db.session)
    token = renew_feed(clerk, app.config["SECRET_KEY"])
    db.session.commit()
    assert sign_in(new_client(app), CLERK_EMAIL, PASSWORD).status_code == 302
    assert new_client(app).get(f"/medewerkers/agenda/{token}.ics").status_code == 200

    client = _admin_client(app)
    response = client.get(AUDIT)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _subjects(page) == ["staff.sign_in", "feed.export", "staff.sign_in"]
    assert "Bart Balie" in page and CLERK_EMAIL in page
    assert "Geëxporteerd" in page and "visits=1" in page
    assert "<caption" in page and '<th scope="col">' in page
    assert '<label for="filter-action">' in page
    # The look was recorded, after the query: the next look shows it on top.
    again = client.get(AUDIT).get_data(as_text=True)
    assert _subjects(again)[0] == "audit.view"
    db.session.expire_all()
    view = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject == "audit.view").order_by(AuditEvent.id)
    ).first()
    assert view.action is AuditAction.VIEW
    assert view.detail["rows"] == 3


def test_filters_narrow_the_list(app, frozen_clock):
    admin, clerk, visit = _people(db.session)
    yesterday, before = DEMO_TODAY - timedelta(days=1), DEMO_TODAY - timedelta(days=2)
    events = [
        (clerk, AuditAction.VIEW, "visit.view", visit, local_datetime(before, time(10))),
        (clerk, AuditAction.CHANGE, "visit.move", visit, local_datetime(yesterday, time(11))),
        # 23:30 in Brussels is still yesterday there, 00:30 already today (UTC differs).
        (admin, AuditAction.VIEW, "today.view", None, local_datetime(yesterday, time(23, 30))),
        (admin, AuditAction.EXPORT, "feed.export", None, local_datetime(DEMO_TODAY, time(0, 30))),
        (None, AuditAction.CHANGE, "mail.purge", None, local_datetime(DEMO_TODAY, time(1))),
    ]
    for actor, action, subject, about, at in events:
        record(db.session, actor, action, subject, visit=about, detail={"n": 1}, now=at)
    db.session.commit()
    client = _admin_client(app)

    def subjects(query: str) -> list[str]:
        response = client.get(f"{AUDIT}?{query}")
        assert response.status_code == 200
        return [s for s in _subjects(response.get_data(as_text=True)) if s != "audit.view"]

    assert subjects("action=change") == ["mail.purge", "visit.move"]
    assert subjects("subject=visit.") == ["visit.move", "visit.view"]
    assert subjects(f"reference={visit.reference.lower()}") == ["visit.move", "visit.view"]
    assert subjects("reference=ZZZZZZZZ") == []
    assert subjects(f"from={yesterday}&to={yesterday}") == ["today.view", "visit.move"]
    assert subjects(f"from={DEMO_TODAY}&to={DEMO_TODAY}&action=export") == ["feed.export"]
    assert subjects(f"actor={clerk.id}") == ["visit.move", "visit.view"]
    assert subjects(f"email={CLERK_EMAIL.upper()}") == ["visit.move", "visit.view"]
    assert subjects(f"actor={clerk.id}&action=view&to={before}") == ["visit.view"]
    page = client.get(f"{AUDIT}?subject=mail.").get_data(as_text=True)
    assert "<td>—</td>" in page  # nobody: a system job
    assert 'value="mail."' in page  # the filter is kept in the form
    if "staff.visit" in app.view_functions:
        linked = client.get(f"{AUDIT}?subject=visit.").get_data(as_text=True)
        assert f'href="/medewerkers/bezoek/{visit.id}"' in linked


def test_pages_of_a_hundred_newest_first(app, frozen_clock):
    admin, _clerk, _visit = _people(db.session)
    start = local_datetime(DEMO_TODAY - timedelta(days=3), time(8))
    for number in range(205):
        record(
            db.session,
            admin,
            AuditAction.VIEW,
            "bulk.view",
            detail={"n": number},
            now=start + timedelta(seconds=number),
        )
    db.session.commit()
    client = _admin_client(app)
    first = client.get(f"{AUDIT}?subject=bulk.").get_data(as_text=True)
    assert _subjects(first).count("bulk.view") == 100
    assert first.index("n=204") < first.index("n=203")
    assert "Oudere gebeurtenissen" in first and "Nieuwere gebeurtenissen" not in first
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "subject=bulk." in older and "page=2" in older
    second = client.get(older).get_data(as_text=True)
    assert "n=104" in second and "n=105" not in second
    assert "Nieuwere gebeurtenissen" in second
    third = client.get(f"{AUDIT}?subject=bulk.&page=3").get_data(as_text=True)
    assert _subjects(third) == ["bulk.view"] * 5
    assert "Oudere gebeurtenissen" not in third
    beyond = client.get(f"{AUDIT}?subject=bulk.&page=50")
    assert beyond.status_code == 200
    assert "Geen gebeurtenissen gevonden" in beyond.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", None),
        ("page=abc", None),
        ("page=0", None),
        ("page=99999999999999999999999", None),
        ("page=1e9", None),
        ("from=2026-13-45", "geen geldige datum"),
        ("to=2026-02-30", "geen geldige datum"),
        ("from=9999-12-31", "moet tussen"),
        ("to=0001-01-01", "moet tussen"),
        ("from=20261207", "geen geldige datum"),
        ("from=2026-12-08&to=2026-12-01", "begindatum ligt na"),
        ("actor=abc", "Kies een medewerker"),
        ("actor=99999999999999999999", "Kies een medewerker"),
        ("actor=123456", None),
        ("action=delete", "Kies een handeling"),
        ("reference=%25%25%25", "letters en cijfers"),
        ("reference=" + "A" * 500, "letters en cijfers"),
        ("subject=%25_%5C", None),
        ("subject=" + "x" * 5000, None),
        ("email=%00%01", None),
        ("subject=visit%00.&reference=AB%00CD", None),
        ("page=2&page=abc&action=view&action=zz", None),
    ],
)
def test_unreadable_filters_never_break_the_page(app, frozen_clock, query, message):
    _people(db.session)
    response = _admin_client(app).get(f"{AUDIT}?{query}")
    assert response.status_code == 200
    if message:
        page = response.get_data(as_text=True)
        assert message in page
        assert 'role="alert"' in page


@pytest.mark.parametrize("role", ["clerk", "reception", "planner"])
def test_only_administrators_may_read_the_trail(staff_client, role):
    assert staff_client(role).get(AUDIT).status_code == 403


def test_the_admin_of_the_demo_reads_the_trail(staff_client):
    response = staff_client("admin").get(AUDIT + "?action=sign_in")
    assert response.status_code == 200
    assert "staff.sign_in" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client):
    response = anonymous_client.get(AUDIT)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/medewerkers/aanmelden?next=")


def test_no_route_changes_or_deletes_audit_rows(demo_app, staff_client):
    audit_rules = [rule for rule in demo_app.url_map.iter_rules() if "audit" in rule.rule]
    assert audit_rules
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    client = staff_client("admin")
    token = csrf_of(client.get(AUDIT).get_data(as_text=True))
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(AUDIT, data={"csrf_token": token})
        assert response.status_code == 405
