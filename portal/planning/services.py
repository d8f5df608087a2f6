"""The planners' services pages: the list of a team's services with how complete their
texts are in every language, and the form to change or create a service.

A planner manages the services of their own team; another team's service reads as 404,
like one that does not exist. Administrators manage every team's services and may move a
service to another team. Changes go through :mod:`.service_operations` (which writes the
audit row) and are committed once per request. Booked visits never move: they keep the
time and the clerk they were booked with.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..booking.topics import topic_label
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _, current_language
from ..language_names import language_name
from ..models import Service, Team
from ..models.base import MAX_ID
from ..staff import blueprint
from ..staff.access import (
    ALL_TEAMS,
    PLANNING_ROLES,
    can_see_team,
    id_or_404,
    roles_required,
    team_or_404,
    team_scope,
    visible_teams,
)
from .service_forms import NEW_SERVICE_DEFAULTS, NewServiceForm, ServiceForm, initial_data
from .service_operations import (
    TextState,
    active_staff,
    code_taken,
    create_service,
    handlers,
    services_of,
    text_states,
    update_service,
)


def state_label(state: TextState) -> str:
    """The words for a language's :class:`TextState`, in the reader's language: the list
    and the form say it in words, never by colour alone."""
    labels = {
        TextState.COMPLETE: _("volledig"),
        TextState.INCOMPLETE: _("onvolledig"),
        TextState.MISSING: _("ontbreekt"),
    }
    return labels[state]


def language_names(codes: list[str]) -> str:
    """The languages a person speaks, named in the reader's language as inside a sentence
    ("spreekt Frans, Arabisch"; "parle français, arabe")."""
    language = current_language()
    return ", ".join(language_name(code, language, label=False) for code in codes)


def _service_or_404(service_id: int) -> Service:
    """Service ``service_id`` if the signed-in person manages its team; 404 otherwise
    (also for an id that does not exist or is out of range)."""
    if not 0 < service_id <= MAX_ID:
        abort(404)
    service = db.session.get(Service, service_id)
    if service is None or not can_see_team(current_user, service.team_id):
        abort(404)
    return service


def _list_team(raw: str | None) -> Team | None:
    """The team the list is filtered on: a planner's own team always; for an
    administrator the team of ``team=`` or every team (None). A team the reader does not
    manage, or an unreadable id, is 404."""
    scope = team_scope(current_user)
    text = (raw or "").strip()
    if scope is not None:
        team = team_or_404(db.session, current_user, current_user.team_id)
        if text and text != str(team.id):
            abort(404)
        return team
    if not text or text == ALL_TEAMS:
        return None
    return team_or_404(db.session, current_user, id_or_404(text))


@blueprint.route("/planning/diensten")
@roles_required(*PLANNING_ROLES)
def planning_services():
    """The services the reader manages, with duration, persons, booking, who may handle
    them and how complete their texts are per language (administrators: ``team=``)."""
    team = _list_team(request.args.get("team"))
    scope = team_scope(current_user)
    team_ids = [team.id] if team is not None else scope
    rows = []
    for service in services_of(db.session, team_ids):
        states = text_states(service)
        rows.append(
            {
                "service": service,
                "handlers": len(handlers(service)),
                "states": states,
                "complete": sum(state is TextState.COMPLETE for state in states.values()),
            }
        )
    return render_template(
        "staff/planning/services.html",
        rows=rows,
        team=team,
        teams=visible_teams(db.session, current_user) if scope is None else None,
        state_label=state_label,
        site_languages=LANGUAGES,
        source_language=DEFAULT_LANGUAGE,
    )


def _staff_groups(team_ids: list[int] | None, first_team_id: int):
    """The people a service may be given to, grouped by team (``first_team_id`` first):
    ``[(team, [members])]``, and their ids mapped to their team ids."""
    members = active_staff(db.session, team_ids)
    teams = {team.id: team for team in visible_teams(db.session, current_user)}
    groups = [
        (team, [m for m in members if m.team_id == team.id])
        for team in sorted(teams.values(), key=lambda team: team.id != first_team_id)
    ]
    return [(team, listed) for team, listed in groups if listed], {m.id: m.team_id for m in members}


def _form(form_class, team_id: int, data: dict | None):
    """The service form for the signed-in person: a team choice for administrators,
    the people of their teams to tick. The form and its staff groups."""
    scope = team_scope(current_user)
    groups, staff_teams = _staff_groups(scope, team_id)
    teams = None
    if scope is None:
        language = current_language()
        teams = {team.id: team.name(language) for team in visible_teams(db.session, current_user)}
    form = form_class(
        data=data if request.method == "GET" else None,
        teams=teams,
        fixed_team_id=team_id,
        staff_teams=staff_teams,
    )
    return form, groups


def _page(template: str, form, groups, status: int = 200, **context):
    """The edit or new page, with what every such page needs."""
    page = render_template(
        template,
        form=form,
        staff_groups=groups,
        language_names=language_names,
        state_label=state_label,
        **context,
    )
    return page, status


def _flash_saved(message: str, settings) -> None:
    """The flash after saving, with a warning when nobody may handle the service."""
    flash(message, "success")
    if not settings.staff_ids:
        flash(
            _("Niemand mag deze dienst afhandelen: bewoners kunnen er geen afspraak voor maken."),
            "error",
        )


@blueprint.route("/planning/diensten/<int:service_id>", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_service_edit(service_id: int):
    """Change a service: GET shows the form, POST saves it when every value is valid
    (otherwise the form again with the problems; nothing changes)."""
    service = _service_or_404(service_id)
    form, groups = _form(ServiceForm, service.team_id, initial_data(service))

    def page(status: int = 200):
        return _page(
            "staff/planning/service_edit.html",
            form,
            groups,
            status,
            service=service,
            states=text_states(service),
            topic=topic_label(service.topic),
        )

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    settings = form.settings()
    changed = update_service(db.session, current_user, service, settings)
    db.session.commit()
    name = service.name(DEFAULT_LANGUAGE)
    if changed:
        _flash_saved(_("De dienst %(name)s is bewaard.", name=name), settings)
    else:
        flash(_("Er was niets gewijzigd aan de dienst %(name)s.", name=name), "info")
    return redirect(url_for("staff.planning_services"))


@blueprint.route("/planning/diensten/nieuw", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_service_new():
    """Create a service: GET shows an empty form (administrators: for the team of
    ``team=``), POST creates it. A code that is taken is said on the form."""
    raw_team = request.args.get("team")
    if team_scope(current_user) is None and raw_team:
        team_id = team_or_404(db.session, current_user, id_or_404(raw_team)).id
    else:
        team_id = current_user.team_id
    data = {**NEW_SERVICE_DEFAULTS, "team_id": str(team_id)}
    form, groups = _form(NewServiceForm, team_id, data)

    def page(status: int = 200):
        return _page("staff/planning/service_new.html", form, groups, status)

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    taken = _("Deze code heeft al een andere dienst. Kies een andere code.")
    code = form.code.data or None
    if code and code_taken(db.session, code):
        form.code.errors = [taken]
        return page(422)
    settings = form.settings()
    try:
        service = create_service(
            db.session, current_user, settings, code=code, topic=form.topic.data
        )
    except IntegrityError:
        # Another request took the same code in the meantime.
        db.session.rollback()
        form.code.errors = [taken]
        return page(409)
    db.session.commit()
    _flash_saved(
        _("De dienst %(name)s is aangemaakt.", name=service.name(DEFAULT_LANGUAGE)), settings
    )
    return redirect(url_for("staff.planning_services"))
