"""The planners' kinds of dossier ("dossiertypes"): a team's subjects (residence
registration, eID application, marriage, …) with their names in the eight languages and
the usual window of a follow-up (from how many days after today, for how many days).

A planner manages the subjects of their own team; another team's subject reads as 404,
like one that does not exist. Administrators manage every team's. A subject is never
deleted (dossiers keep it): a planner switches it off, and it is no longer offered.
Every change writes an audit row and is committed once per request.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _, _l, current_language, text_direction
from ..models import AuditAction, DossierSubject, Team
from ..models.base import MAX_ID
from ..plain_text import PlainText, PlainTextForm, strip_and_lower, strip_spaces
from ..staff import blueprint
from ..staff.access import (
    PLANNING_ROLES,
    can_see_team,
    id_or_404,
    parse_id,
    roles_required,
    team_or_404,
    team_scope,
    visible_teams,
)
from ..staff.audit import record
from .service_forms import CODE_SHAPE, WholeNumberField
from .services import _list_team

CODE_LENGTH = 60
NAME_LENGTH = 120
MAX_POSITION = 9999


class SubjectForm(PlainTextForm):
    """A kind of dossier: its code, the usual follow-up window, whether it is offered,
    its place in the lists, and its name per language (Dutch required)."""

    code = StringField(
        _l("Code"),
        description=_l("Kleine letters, cijfers en koppeltekens, bijvoorbeeld eid-aanvraag."),
        validators=[
            DataRequired(message=_l("Vul een code in.")),
            Length(max=CODE_LENGTH, message=_l("De code mag hoogstens 60 tekens lang zijn.")),
            Regexp(
                CODE_SHAPE,
                message=_l(
                    "Een code bestaat uit kleine letters, cijfers en koppeltekens, "
                    "bijvoorbeeld eid-aanvraag."
                ),
            ),
        ],
        filters=[strip_and_lower],
        render_kw={"maxlength": CODE_LENGTH, "spellcheck": "false", "autocomplete": "off"},
    )
    follow_up_after_days = WholeNumberField(
        _l("Vervolg na hoeveel dagen?"),
        description=_l("De vroegste datum van een vervolgafspraak: 21 is drie weken na vandaag."),
        minimum=0,
        maximum=365,
        required=_l("Vul in na hoeveel dagen het vervolg kan (0 als het meteen kan)."),
        out_of_range=_l("Het aantal dagen ligt tussen 0 en 365."),
    )
    follow_up_window_days = WholeNumberField(
        _l("Hoeveel dagen lang?"),
        description=_l("Zo lang kan de bewoner kiezen, vanaf de vroegste datum."),
        minimum=1,
        maximum=366,
        required=_l("Vul in hoeveel dagen de periode duurt."),
        out_of_range=_l("De periode duurt van 1 tot 366 dagen."),
    )
    position = WholeNumberField(
        _l("Volgorde in de lijst"),
        description=_l("Kleinere getallen staan eerst."),
        minimum=0,
        maximum=MAX_POSITION,
        required=_l("Vul de volgorde in (0 als het niet uitmaakt)."),
        out_of_range=_l("De volgorde ligt tussen 0 en 9999."),
    )
    active = BooleanField(_l("Actief: medewerkers kunnen dit soort dossier kiezen"))
    team_id = SelectField(_l("Team"), validate_choice=False)

    def __init__(self, *args, teams: dict[int, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.teams = teams
        if teams is None:
            del self.team_id
        else:
            self.team_id.choices = [(str(team_id), name) for team_id, name in teams.items()]

    def name_fields(self) -> list[tuple[str, StringField]]:
        """(language, name field), one per site language in the site's order."""
        return [(language, self[f"name_{language}"]) for language in LANGUAGES]

    def names(self) -> dict[str, str]:
        """The names as entered (languages left empty fall back to Dutch)."""
        return {language: field.data for language, field in self.name_fields() if field.data}

    def chosen_team_id(self) -> int | None:
        """The team chosen on the form (None when it is not one on offer)."""
        team_id = parse_id(self.team_id.data) if self.teams is not None else None
        return team_id if self.teams and team_id in self.teams else None

    def validate_team_id(self, _field) -> None:
        """Only a team from the list."""
        if self.chosen_team_id() is None:
            raise ValidationError(_l("Kies een team uit de lijst."))


def _name_field(language: str, name: str) -> StringField:
    """The subject's name in ``language``, marked with its language and direction."""
    validators = [
        Length(max=NAME_LENGTH, message=_l("De naam mag hoogstens 120 tekens lang zijn.")),
        PlainText(message=_l("Deze tekst bevat tekens die we niet gebruiken.")),
    ]
    if language == DEFAULT_LANGUAGE:
        validators.insert(0, DataRequired(message=_l("Vul de Nederlandse naam in.")))
    return StringField(
        name,
        validators=validators,
        filters=[strip_spaces],
        render_kw={"lang": language, "dir": text_direction(language), "maxlength": NAME_LENGTH},
    )


for _language, _label in LANGUAGES.items():
    setattr(SubjectForm, f"name_{_language}", _name_field(_language, _label))


def _subject_or_404(subject_id: int) -> DossierSubject:
    """Subject ``subject_id`` if the signed-in person manages its team; 404 otherwise."""
    if not 0 < subject_id <= MAX_ID:
        abort(404)
    subject = db.session.get(DossierSubject, subject_id)
    if subject is None or not can_see_team(current_user, subject.team_id):
        abort(404)
    return subject


def _initial(subject: DossierSubject) -> dict:
    """The form's values for ``subject`` as stored."""
    data = {
        "code": subject.code,
        "follow_up_after_days": subject.follow_up_after_days,
        "follow_up_window_days": subject.follow_up_window_days,
        "position": subject.position,
        "active": subject.active,
    }
    for language in LANGUAGES:
        data[f"name_{language}"] = subject.names.get(language, "")
    return data


def _code_taken(team_id: int, code: str, subject_id: int | None = None) -> bool:
    """Whether another subject of the team has ``code``."""
    query = select(func.count()).where(
        DossierSubject.team_id == team_id, DossierSubject.code == code
    )
    if subject_id is not None:
        query = query.where(DossierSubject.id != subject_id)
    return bool(db.session.scalar(query.select_from(DossierSubject)))


def _apply(subject: DossierSubject, form: SubjectForm) -> None:
    """Copy the validated form onto ``subject``."""
    subject.code = form.code.data
    subject.names = form.names()
    subject.follow_up_after_days = form.follow_up_after_days.data
    subject.follow_up_window_days = form.follow_up_window_days.data
    subject.position = form.position.data
    subject.active = bool(form.active.data)


def _audit(subject_text: str, subject: DossierSubject) -> None:
    """The audit row of a change (no personal data: ids and the code)."""
    record(
        db.session,
        current_user,
        AuditAction.CHANGE,
        subject_text,
        team_id=subject.team_id,
        detail={"subject_id": subject.id, "code": subject.code},
    )


TAKEN = _l("Dit team heeft al een soort dossier met deze code. Kies een andere code.")


@blueprint.route("/planning/dossiertypes")
@roles_required(*PLANNING_ROLES)
def planning_subjects():
    """The kinds of dossier of the reader's team (administrators: ``team=`` or all)."""
    team = _list_team(request.args.get("team"))
    scope = team_scope(current_user)
    team_ids = [team.id] if team is not None else scope
    query = select(DossierSubject).order_by(
        DossierSubject.team_id, DossierSubject.position, DossierSubject.id
    )
    if team_ids is not None:
        query = query.where(DossierSubject.team_id.in_(team_ids))
    return render_template(
        "staff/planning/subjects.html",
        subjects=db.session.scalars(query).all(),
        team=team,
        teams=visible_teams(db.session, current_user) if scope is None else None,
        site_languages=LANGUAGES,
    )


def _form_page(form: SubjectForm, status: int = 200, subject=None, team=None):
    """The new or edit page."""
    page = render_template(
        "staff/planning/subjects_form.html", form=form, subject=subject, team=team
    )
    return page, status


@blueprint.route("/planning/dossiertypes/nieuw", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_subject_new():
    """A new kind of dossier: for the planner's team, or the team an administrator
    chooses (``team=`` preselects it)."""
    teams = None
    team_id = current_user.team_id
    if team_scope(current_user) is None:
        language = current_language()
        teams = {team.id: team.name(language) for team in visible_teams(db.session, current_user)}
        raw = request.args.get("team")
        if raw:
            team_id = team_or_404(db.session, current_user, id_or_404(raw)).id
    data = {"follow_up_after_days": 0, "follow_up_window_days": 14, "position": 0, "active": True}
    data["team_id"] = str(team_id)
    form = SubjectForm(data=data if request.method == "GET" else None, teams=teams)
    team = db.session.get(Team, team_id)
    if request.method == "GET":
        return _form_page(form, team=team)
    if not form.validate_on_submit():
        return _form_page(form, 422, team=team)
    team_id = form.chosen_team_id() if teams is not None else team_id
    if _code_taken(team_id, form.code.data):
        form.code.errors = [TAKEN]
        return _form_page(form, 422, team=team)
    subject = DossierSubject(team_id=team_id)
    _apply(subject, form)
    db.session.add(subject)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # another request took the code meanwhile
        form.code.errors = [TAKEN]
        return _form_page(form, 409, team=team)
    _audit("dossier_subject.create", subject)
    db.session.commit()
    flash(_("Het soort dossier %(name)s is aangemaakt.", name=subject.name("nl")), "success")
    return redirect(url_for("staff.planning_subjects"))


@blueprint.route("/planning/dossiertypes/<int:subject_id>", methods=["GET", "POST"])
@roles_required(*PLANNING_ROLES)
def planning_subject_edit(subject_id: int):
    """Change a kind of dossier: its code, names, usual window, order and whether it is
    offered. Dossiers of this kind keep it."""
    subject = _subject_or_404(subject_id)
    form = SubjectForm(data=_initial(subject) if request.method == "GET" else None)
    if request.method == "GET":
        return _form_page(form, subject=subject, team=subject.team)
    if not form.validate_on_submit():
        return _form_page(form, 422, subject=subject, team=subject.team)
    if _code_taken(subject.team_id, form.code.data, subject.id):
        form.code.errors = [TAKEN]
        return _form_page(form, 422, subject=subject, team=subject.team)
    _apply(subject, form)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.code.errors = [TAKEN]
        return _form_page(form, 409, subject=subject, team=subject.team)
    _audit("dossier_subject.update", subject)
    db.session.commit()
    flash(_("Het soort dossier %(name)s is bewaard.", name=subject.name("nl")), "success")
    return redirect(url_for("staff.planning_subjects"))
