"""The forms of the dossier pages: a new dossier, a note, the status and due date,
handing over, linking a visit, and the notification setting.

Choices that depend on the team (subjects, colleagues) are set by the view; their
values are checked here with messages in the reader's language (WTForms' own "Not a
valid choice" is never shown).
"""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..booking.contact import ContactDetails
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _l
from ..models import DossierStatus
from ..plain_text import PlainText, PlainTextForm, strip_spaces
from ..spoken_languages import OTHER
from ..staff.access import parse_date, parse_id
from ..staff.on_behalf_forms import StaffContactForm
from .queries import STATUS_LABELS

# A due date may lie this far in the past (an overdue dossier keeps its date)...
DUE_PAST_DAYS = 366
# ...and this far ahead.
DUE_AHEAD_DAYS = 3 * 366
MAX_NOTE_LENGTH = 4000


def check_due_date(raw: str | None, today: date, keep: date | None = None) -> date | None:
    """The due date typed (``YYYY-MM-DD``; empty: none). Raises ValidationError with a
    message for an unreadable date or one too far away; the dossier's present due date
    ``keep`` is always accepted (an overdue dossier keeps its date)."""
    text = (raw or "").strip()
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        raise ValidationError(_l("Vul de datum in als JJJJ-MM-DD, bijvoorbeeld 2027-01-15."))
    if day == keep:
        return day
    if day < today - timedelta(days=DUE_PAST_DAYS) or day > today + timedelta(days=DUE_AHEAD_DAYS):
        raise ValidationError(_l("Kies een datum tussen een jaar geleden en drie jaar vooruit."))
    return day


class DueDateMixin:
    """A form with a due date: ``due_on`` read against ``today`` (set by the view)."""

    today: date = date.min
    keep_due: date | None = None

    def validate_due_on(self, field) -> None:
        """An empty date, or a readable one in range."""
        field.parsed = check_due_date(field.data, self.today, self.keep_due)

    def due_date(self) -> date | None:
        """The checked due date (after validation)."""
        return getattr(self.due_on, "parsed", None)


class ChoiceIdMixin:
    """Checking a select of ids against the choices the view offered."""

    @staticmethod
    def chosen_id(field, message) -> int:
        """The id chosen in ``field``; ValidationError with ``message`` when it is not one
        of the offered choices."""
        value = parse_id(field.data)
        offered = {str(choice.value) for choice in field.choices or []}
        if value is None or str(value) not in offered:
            raise ValidationError(message)
        return value


class DossierForm(DueDateMixin, ChoiceIdMixin, StaffContactForm):
    """A new dossier: its kind, its owner, the resident's details stored once, and a
    due date."""

    request_key = None
    remark = None

    subject_id = SelectField(_l("Soort dossier"), choices=[], validate_choice=False)
    owner_id = SelectField(
        _l("Behandelaar"),
        description=_l("Wie het dossier opvolgt en de meldingen krijgt."),
        choices=[],
        validate_choice=False,
    )
    email = EmailField(
        _l("E-mailadres (niet verplicht)"),
        description=_l("Zonder e-mailadres kan de bewoner geen uitnodiging per e-mail krijgen."),
        validators=[
            Optional(),
            Length(max=254, message=_l("Dit e-mailadres is te lang.")),
            Email(
                message=_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be."),
                check_deliverability=False,
            ),
        ],
        filters=[strip_spaces],
    )
    language = SelectField(
        _l("Taal van de e-mails"),
        description=_l("Uitnodigingen en bevestigingen van dit dossier gaan in deze taal."),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()
        ],
        default=DEFAULT_LANGUAGE,
        validators=[DataRequired(message=_l("Kies de taal van de e-mails."))],
    )
    due_on = StringField(
        _l("Opvolgen tegen (niet verplicht)"),
        description=_l("Een datum in de vorm JJJJ-MM-DD."),
        filters=[strip_spaces],
        render_kw={"type": "date"},
    )

    def validate_subject_id(self, field) -> None:
        """One of the team's kinds of dossier."""
        field.chosen = self.chosen_id(field, _l("Kies de soort dossier uit de lijst."))

    def validate_owner_id(self, field) -> None:
        """One of the team's people."""
        field.chosen = self.chosen_id(field, _l("Kies de behandelaar uit de lijst."))

    def validate_language(self, field) -> None:
        """One of the site's languages."""
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Kies de taal van de e-mails uit de lijst."))

    def contact(self) -> ContactDetails:
        """The resident's validated details; no address is stored as none."""
        other = self.spoken_language.data == OTHER
        return ContactDetails(
            name=self.name.data,
            email=self.email.data or None,
            phone=self.phone.data or None,
            language=self.language.data,
            spoken_language=self.spoken_language.data,
            spoken_language_other=self.spoken_language_other.data if other else None,
            interpreter_needed=bool(self.interpreter_needed.data),
        )


class NoteForm(PlainTextForm):
    """A staff-only note on the dossier."""

    body = TextAreaField(
        _l("Nieuwe notitie"),
        description=_l("Alleen medewerkers lezen notities. Noteer geen rijksregisternummer."),
        validators=[
            DataRequired(message=_l("Schrijf de notitie.")),
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("Een notitie mag hoogstens 4000 tekens lang zijn."),
            ),
            PlainText(multiline=True),
        ],
        filters=[strip_spaces],
        render_kw={"rows": 4, "maxlength": MAX_NOTE_LENGTH},
    )


class StatusForm(DueDateMixin, PlainTextForm):
    """Where the dossier stands, whom it waits for or how it ended, and its due date."""

    status = RadioField(
        _l("Stand"),
        choices=[SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()],
        validate_choice=False,
    )
    waiting_for = StringField(
        _l("Op wie wacht het dossier?"),
        description=_l("Bijvoorbeeld: Dienst Vreemdelingenzaken, de wijkagent."),
        validators=[
            Length(max=120, message=_l("Schrijf dit in hoogstens 120 tekens.")),
            PlainText(),
        ],
        filters=[strip_spaces],
        render_kw={"maxlength": 120},
    )
    outcome = StringField(
        _l("Uitkomst"),
        description=_l("Alleen bij afsluiten, bijvoorbeeld: verblijfskaart afgegeven."),
        validators=[
            Length(max=300, message=_l("Schrijf de uitkomst in hoogstens 300 tekens.")),
            PlainText(),
        ],
        filters=[strip_spaces],
        render_kw={"maxlength": 300},
    )
    due_on = StringField(
        _l("Opvolgen tegen (niet verplicht)"),
        description=_l("Een datum in de vorm JJJJ-MM-DD."),
        filters=[strip_spaces],
        render_kw={"type": "date"},
    )

    def validate_status(self, field) -> None:
        """One of the four states."""
        if field.data not in {status.value for status in DossierStatus}:
            raise ValidationError(_l("Kies een stand uit de lijst."))

    def validate_waiting_for(self, field) -> None:
        """Waiting for another party needs its name."""
        if self.status.data == DossierStatus.WAITING_OTHER and not field.data:
            raise ValidationError(_l("Schrijf op wie het dossier wacht."))

    def validate_outcome(self, field) -> None:
        """Closing needs the outcome."""
        if self.status.data == DossierStatus.CLOSED and not field.data:
            raise ValidationError(_l("Schrijf de uitkomst van het dossier."))


class HandOverForm(ChoiceIdMixin, PlainTextForm):
    """Give the dossier to a colleague of its team."""

    owner_id = SelectField(_l("Nieuwe behandelaar"), choices=[], validate_choice=False)

    def validate_owner_id(self, field) -> None:
        """One of the colleagues offered."""
        field.chosen = self.chosen_id(field, _l("Kies een collega uit de lijst."))


class LinkVisitForm(PlainTextForm):
    """Add an existing visit to the dossier's chain by its reference."""

    reference = StringField(
        _l("Referentie van de afspraak"),
        description=_l("De referentie van acht tekens, bijvoorbeeld K7PX3M9Q."),
        validators=[
            DataRequired(message=_l("Vul de referentie van de afspraak in.")),
            Length(max=30, message=_l("Een referentie heeft acht tekens.")),
        ],
        filters=[strip_spaces],
        render_kw={"maxlength": 30, "autocomplete": "off"},
    )


class NotifySettingForm(PlainTextForm):
    """Whether the notifications also come by mail, and the language of the mails about
    a new rota."""

    notify_by_mail = BooleanField(_l("Stuur mij ook een e-mail bij elke melding"))
    mail_language = SelectField(
        _l("Taal van mijn e-mails van de werkruimte"),
        description=_l(
            "Voor de meldingen, een nieuwe beurtrol en de links om een wachtwoord te kiezen. "
            "Een nieuwe beurtrol die uw beurten wijzigt, krijgt u altijd per e-mail."
        ),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()
        ],
        default=DEFAULT_LANGUAGE,
    )

    def validate_mail_language(self, field) -> None:
        """One of the site's languages."""
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Kies de taal van de e-mails uit de lijst."))
