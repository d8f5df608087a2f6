"""A team's rota settings (``staff.planning_team_settings``, GET/POST
``/medewerkers/planning/team/<team_id>``): how many people each counter turn of the
regular week needs, the target share of counter time, the reserved capacity, the
languages wanted at the counter, and per person the working days and the contract.

The next plan the generator makes for the team uses them; plans already made keep their
turns. A need is kept per weekday and turn start (``counter_need``), the way the
generator looks it up, so Wednesday's two turns each have their own. The reserved
capacity (``Team.reserved_percent``, ``Team.reserved_release_days``) applies at once: the
public booking pages and API stop offering the tail of each counter turn (see
:mod:`portal.scheduling.audience`). Planners change their own team's settings;
administrators every team's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from wtforms import SelectChoice

from ..extensions import db
from ..i18n import _, current_language
from ..language_names import language_name
from ..models import AuditAction, Counter, CounterNeed, StaffMember, Team
from ..scheduling.rota_turns import need_lookup
from ..staff import blueprint
from ..staff.access import PLANNING_ROLES, roles_required, team_or_404
from ..staff.audit import record
from ..timeutil import local_today, utcnow
from .language_wishes import language_demand
from .rota_data import counter_needs
from .team_forms import NeedTurn, need_turns, regular_schedule, team_settings_form, weekday_name


@dataclass(frozen=True)
class TeamSettings:
    """The settings as the form sent them, already checked."""

    needs: dict[tuple[int, time], int]
    target_percent: int
    languages: list[str]
    reserved_percent: int
    reserved_release_days: int
    queue_letter: str
    people: dict[int, tuple[str, int]]  # person id → (working days, contract percent)


def team_members(session: Session, team: Team) -> list[StaffMember]:
    """The team's active people, by name, with their languages."""
    members = session.scalars(
        select(StaffMember)
        .where(StaffMember.team_id == team.id, StaffMember.active.is_(True))
        .options(selectinload(StaffMember.spoken_languages))
    ).all()
    return sorted(members, key=lambda member: (member.name.casefold(), member.id))


def save_team_settings(
    session: Session, team: Team, members: list[StaffMember], settings: TeamSettings
) -> dict:
    """Store ``settings`` for ``team``; how many needs and people changed (flush only)."""
    rows = {
        (need.weekday, need.starts): need
        for need in session.scalars(select(CounterNeed).where(CounterNeed.team_id == team.id))
    }
    changed_needs = 0
    for (weekday, starts), count in settings.needs.items():
        row = rows.get((weekday, starts))
        if row is None:
            session.add(
                CounterNeed(team_id=team.id, weekday=weekday, starts=starts, staff_needed=count)
            )
            changed_needs += 1
        elif row.staff_needed != count:
            row.staff_needed = count
            changed_needs += 1
    team.counter_target_percent = settings.target_percent
    team.reserved_percent = settings.reserved_percent
    team.reserved_release_days = settings.reserved_release_days
    team.counter_languages = list(settings.languages)
    team.queue_letter = settings.queue_letter
    changed_people = 0
    for member in members:
        days, percent = settings.people[member.id]
        if member.working_days != days or round(member.contract_fraction * 100) != percent:
            member.working_days = days
            member.contract_fraction = percent / 100
            changed_people += 1
    session.flush()
    return {"needs": changed_needs, "people": changed_people}


def _language_choices(team: Team, members: list[StaffMember]) -> list[SelectChoice]:
    """The languages the team's people speak, and those already wanted, by name."""
    codes = {code for member in members for code in member.languages}
    codes |= set(team.counter_languages or ())
    language = current_language()
    named = sorted(
        ((language_name(code, language), code) for code in codes), key=lambda c: c[0].casefold()
    )
    return [SelectChoice(code, name) for name, code in named]


def _shown_data(team: Team, turns: list[NeedTurn], members, needs) -> dict:
    """The values the form shows before it is sent: what is stored now."""
    need = need_lookup(needs)
    data = {
        "target": team.counter_target_percent,
        "reserved_percent": team.reserved_percent,
        "reserved_release_days": team.reserved_release_days,
        "languages": list(team.counter_languages or ()),
        "queue_letter": team.queue_letter or "",
    }
    for turn in turns:
        data[turn.field_name] = need(turn.weekday, turn.start, turn.block_start)
    for member in members:
        data[f"days_{member.id}"] = [d for d in member.working_days if d in "012345"]
        data[f"fraction_{member.id}"] = round(member.contract_fraction * 100)
    return data


def _letter_is_free(session: Session, team: Team, field) -> bool:
    """Whether no other team has the queue letter of ``field``; if one has, the field
    says so (the unique key on the teams would refuse it anyway)."""
    taken = session.scalar(
        select(Team.id).where(Team.queue_letter == field.data, Team.id != team.id)
    )
    if taken is not None:
        field.errors.append(_("Een ander team gebruikt die letter al voor zijn volgnummers."))
        return False
    return True


@blueprint.route("/planning/team/<int:team_id>", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_team_settings(team_id: int):
    """Show and change a team's rota settings."""
    member = current_user._get_current_object()
    team = team_or_404(db.session, member, team_id)
    members = team_members(db.session, team)
    turns = need_turns(regular_schedule(db.session, local_today()))
    needs = counter_needs(db.session, team.id)
    form = team_settings_form(
        turns, members, _language_choices(team, members), _shown_data(team, turns, members, needs)
    )
    if form.validate_on_submit() and _letter_is_free(db.session, team, form.queue_letter):
        settings = TeamSettings(
            needs={(t.weekday, t.start): form[t.field_name].data for t in turns},
            target_percent=form.target.data,
            languages=list(dict.fromkeys(form.languages.data)),
            reserved_percent=form.reserved_percent.data,
            reserved_release_days=form.reserved_release_days.data,
            queue_letter=form.queue_letter.data,
            people={
                m.id: ("".join(sorted(form[f"days_{m.id}"].data)), form[f"fraction_{m.id}"].data)
                for m in members
            },
        )
        changes = save_team_settings(db.session, team, members, settings)
        record(
            db.session,
            member,
            AuditAction.CHANGE,
            "team.settings",
            team_id=team.id,
            detail={
                **changes,
                "target_percent": settings.target_percent,
                "languages": settings.languages,
                "reserved_percent": settings.reserved_percent,
                "reserved_release_days": settings.reserved_release_days,
                "queue_letter": settings.queue_letter,
            },
        )
        db.session.commit()
        flash(
            _("De instellingen zijn bewaard. Het volgende plan van het team gebruikt ze."),
            "success",
        )
        return redirect(url_for("staff.planning_team_settings", team_id=team.id))
    counters = db.session.scalar(
        select(db.func.count())
        .select_from(Counter)
        .where(Counter.team_id == team.id, Counter.active.is_(True))
    )
    weekdays = sorted({turn.weekday for turn in turns})
    return render_template(
        "staff/planning/team_settings.html",
        team=team,
        form=form,
        members=members,
        turns_by_day=[(weekday_name(d), [t for t in turns if t.weekday == d]) for d in weekdays],
        counters=counters,
        language_demand=language_demand(db.session, team, members, utcnow()),
    ), (400 if form.errors else 200)
