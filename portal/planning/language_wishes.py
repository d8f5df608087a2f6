"""The languages residents ask for that nobody of the team speaks at the counter, counted
for the team settings page, and the one-click "add to the wishes" there.

The counts are the coming visits (:data:`DEMAND_WEEKS` ahead) whose language nobody on
counter duty speaks (:func:`portal.interpreters.needs.uncovered_language_visits`): the
demand the rota's language wishes (``Team.counter_languages``) should answer. Adding a
language to the wishes (``POST /medewerkers/planning/team/<team_id>/talen``) changes no
plan already made; the next plan the generator makes tries to put a speaker in every
turn. Planners add to their own team's wishes, administrators to every team's.
"""

from __future__ import annotations

import re
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import _
from ..interpreters.needs import uncovered_language_visits
from ..models import AuditAction, StaffMember, Team
from ..spoken_languages import OTHER, spoken_language_label
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, roles_required, team_or_404
from ..staff.audit import record
from ..timeutil import utcnow

# How far ahead the counts look: about two rota periods.
DEMAND_WEEKS = 8
# A language code as the rota stores it (BCP 47: "ar", "ary", "pt-br").
_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}")


@dataclass(frozen=True)
class LanguageDemand:
    """One language residents booked in that nobody on duty speaks: how many visits,
    whether anyone of the team speaks it at all, and whether it is already wished."""

    code: str
    visits: int
    team_speaks: bool
    wished: bool


@dataclass(frozen=True)
class TeamDemand:
    """The team's uncovered languages (most visits first) and the visits in "another
    language" (residents' own words, which cannot be wished for)."""

    weeks: int
    languages: list[LanguageDemand] = field(default_factory=list)
    other_visits: int = 0


def language_demand(
    session: Session, team: Team, members: list[StaffMember], now: datetime
) -> TeamDemand:
    """Count the team's visits of the next :data:`DEMAND_WEEKS` weeks whose language
    nobody on counter duty speaks, per language; ``members`` are the team's people (whose
    languages say whether the team speaks it at all)."""
    uncovered = uncovered_language_visits(
        session, [team.id], now, now + timedelta(weeks=DEMAND_WEEKS), now
    )
    tally = Tally(need.language for need in uncovered if need.language)
    other_visits = tally.pop(OTHER, 0)
    spoken = {code.lower() for member in members for code in member.languages}
    wished = {code.lower() for code in team.counter_languages or ()}
    languages = [
        LanguageDemand(code, count, code in spoken, code in wished)
        for code, count in sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    ]
    return TeamDemand(DEMAND_WEEKS, languages, other_visits)


def add_language_wish(team: Team, code: str) -> bool:
    """Add ``code`` to the team's language wishes; False when it already was one. The
    list is replaced, not changed in place, so the JSON column sees the change."""
    wishes = list(team.counter_languages or ())
    if code in {wish.lower() for wish in wishes}:
        return False
    team.counter_languages = [*wishes, code]
    return True


@blueprint.route("/planning/team/<int:team_id>/talen", methods=["POST"])
@roles_required(*PLANNING_ROLES)
def planning_add_language_wish(team_id: int):
    """Add one language (``language`` in the form) to the team's wishes for the counter,
    from the counts on the settings page; back to that page with what happened."""
    member = current_user._get_current_object()
    team = team_or_404(db.session, member, team_id)
    code = (request.form.get("language") or "").strip().lower()[:16]
    back = url_for("staff.planning_team_settings", team_id=team.id, _anchor="language-demand")
    if not _CODE.fullmatch(code):
        flash(_("Kies een taal uit de lijst."), "error")
        return redirect(back, code=303)
    name = spoken_language_label(code)
    if not add_language_wish(team, code):
        flash(_("%(language)s staat al bij de gewenste talen.", language=name), "info")
        return redirect(back, code=303)
    record(
        db.session,
        member,
        AuditAction.CHANGE,
        "team.language_wish",
        team_id=team.id,
        detail={"added": code, "languages": list(team.counter_languages)},
        now=utcnow(),
    )
    db.session.commit()
    flash(
        _(
            "%(language)s staat nu bij de gewenste talen. Het volgende plan van het team "
            "probeert in elke beurt iemand te zetten die de taal spreekt.",
            language=name,
        ),
        "success",
    )
    return redirect(back, code=303)
