"""The forms of the account pages: asking for a link, choosing a password, and the
administrators' account forms (new account; role and team)."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..i18n import _l
from ..models import StaffRole
from ..plain_text import PlainText, PlainTextForm, strip_and_lower, strip_spaces
from ..staff.access import parse_id
from ..staff.accounts import MIN_PASSWORD_LENGTH

MAX_PASSWORD_LENGTH = 200
NAME_LENGTH = 120
EMAIL_LENGTH = 254

# What each role is called, and what it may do (the role field's hint says the same).
ROLE_LABELS = {
    StaffRole.CLERK: _l("Baliemedewerker"),
    StaffRole.PLANNER: _l("Planner van het team"),
    StaffRole.RECEPTION: _l("Centraal onthaal"),
    StaffRole.ADMIN: _l("Beheerder"),
}


class ForgotPasswordForm(PlainTextForm):
    """The address of the account whose password was forgotten."""

    email = EmailField(
        _l("E-mailadres"),
        description=_l("Het adres waarmee u zich aanmeldt."),
        validators=[
            DataRequired(message=_l("Vul uw e-mailadres in.")),
            Length(max=EMAIL_LENGTH, message=_l("Dit e-mailadres is te lang.")),
        ],
        filters=[strip_spaces],
        render_kw={"maxlength": EMAIL_LENGTH, "spellcheck": "false"},
    )


class NewPasswordForm(PlainTextForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=_l(
            "Minstens %(num)s tekens. Een zin van een paar woorden is sterk en te onthouden.",
            num=MIN_PASSWORD_LENGTH,
        ),
        validators=[
            DataRequired(message=_l("Kies een wachtwoord.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=_l(
                    "Een wachtwoord heeft minstens %(num)s tekens.", num=MIN_PASSWORD_LENGTH
                ),
            ),
            Length(
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Een wachtwoord heeft hoogstens %(num)s tekens.", num=MAX_PASSWORD_LENGTH
                ),
            ),
        ],
        render_kw={"maxlength": MAX_PASSWORD_LENGTH},
    )
    confirm = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[
            DataRequired(message=_l("Typ het nieuwe wachtwoord nog een keer.")),
            EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk.")),
        ],
        render_kw={"maxlength": MAX_PASSWORD_LENGTH},
    )


class RoleTeamForm(PlainTextForm):
    """A person's role and team (the choices are set per request)."""

    role = SelectField(
        _l("Rol"),
        description=_l(
            "Baliemedewerker: de afspraken en dossiers van het eigen team. Planner: ook de "
            "planning van het team. Centraal onthaal: de afspraken van alle teams. "
            "Beheerder: alles, ook de accounts en de audittrail."
        ),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validate_choice=False,
    )
    team_id = SelectField(_l("Team"), validate_choice=False)

    def __init__(self, *args, teams: dict[int, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.teams = teams
        self.team_id.choices = [SelectChoice(str(team_id), name) for team_id, name in teams.items()]

    def chosen_role(self) -> StaffRole | None:
        """The role chosen on the form (None when it is not one on offer)."""
        value = self.role.data
        return StaffRole(value) if value in StaffRole._value2member_map_ else None

    def chosen_team_id(self) -> int | None:
        """The team chosen on the form (None when it is not one on offer)."""
        team_id = parse_id(self.team_id.data if isinstance(self.team_id.data, str) else None)
        return team_id if team_id in self.teams else None

    def validate_role(self, _field) -> None:
        """Only a role from the list."""
        if self.chosen_role() is None:
            raise ValidationError(_l("Kies een rol uit de lijst."))

    def validate_team_id(self, _field) -> None:
        """Only a team from the list."""
        if self.chosen_team_id() is None:
            raise ValidationError(_l("Kies een team uit de lijst."))


class NewAccountForm(RoleTeamForm):
    """A new person: name, address, team and role. No password: the person chooses it
    through the link the portal mails them."""

    name = StringField(
        _l("Naam"),
        description=_l("Voornaam en familienaam."),
        validators=[
            DataRequired(message=_l("Vul de naam in.")),
            Length(max=NAME_LENGTH, message=_l("De naam mag hoogstens 120 tekens lang zijn.")),
            PlainText(message=_l("De naam bevat tekens die we niet kunnen gebruiken.")),
        ],
        filters=[strip_spaces],
        render_kw={"maxlength": NAME_LENGTH, "autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mailadres"),
        description=_l("Het adres waarmee de persoon zich aanmeldt en de link krijgt."),
        validators=[
            DataRequired(message=_l("Vul het e-mailadres in.")),
            Length(max=EMAIL_LENGTH, message=_l("Dit e-mailadres is te lang.")),
            Email(
                message=_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be."),
                check_deliverability=False,
            ),
        ],
        filters=[strip_and_lower],
        render_kw={"maxlength": EMAIL_LENGTH, "autocomplete": "off", "spellcheck": "false"},
    )
