"""The forms of the booking pages: contact details, and the review with its guards."""

from __future__ import annotations

import re

from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from ..i18n import LANGUAGES, _l
from ..plain_text import PlainText, PlainTextForm
from ..spoken_languages import OTHER, spoken_language_choices
from .contact import ContactDetails

PHONE_PATTERN = re.compile(r"^[0-9 +()./-]{6,40}$")


def stripped(value):
    """A field filter: the text without surrounding spaces (other values unchanged)."""
    return value.strip() if isinstance(value, str) else value


# The checks of a resident's e-mail address, wherever it is typed (booking, correcting).
EMAIL_CHECKS = (
    DataRequired(message=_l("Vul uw e-mailadres in.")),
    Length(max=254, message=_l("Dit e-mailadres is te lang.")),
    Email(
        message=_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be."),
        check_deliverability=False,
    ),
)


class ContactForm(PlainTextForm):
    """Who comes: name, e-mail, optional phone, languages, interpreter, remark."""

    name = StringField(
        _l("Naam"),
        description=_l("Voornaam en familienaam, zoals op uw identiteitsdocument."),
        validators=[
            DataRequired(message=_l("Vul uw naam in.")),
            Length(max=120, message=_l("Uw naam mag hoogstens 120 tekens lang zijn.")),
            PlainText(message=_l("Uw naam bevat tekens die we niet kunnen gebruiken.")),
        ],
        filters=[stripped],
    )
    email = EmailField(
        _l("E-mailadres"),
        description=_l("We sturen de bevestiging en de link om uw afspraak te beheren."),
        validators=list(EMAIL_CHECKS),
        filters=[stripped],
    )
    phone = StringField(
        _l("Telefoonnummer (niet verplicht)"),
        description=_l("Alleen als we u moeten kunnen bellen, bijvoorbeeld 0470 12 34 56."),
        validators=[
            Optional(),
            Regexp(
                PHONE_PATTERN,
                message=_l("Vul een telefoonnummer in met cijfers, zoals 0470 12 34 56."),
            ),
        ],
        filters=[stripped],
        # A phone opens its number pad (type and inputmode); the browser may fill it in.
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    )
    language = SelectField(
        _l("Taal van de e-mails"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()
        ],
        validators=[DataRequired(message=_l("Kies een taal voor de e-mails."))],
    )
    spoken_language = SelectField(
        _l("Taal die u aan het loket spreekt"),
        description=_l("Zo kunnen we een collega plannen die uw taal spreekt, of een tolk."),
        choices=[],
        validators=[DataRequired(message=_l("Kies de taal die u aan het loket spreekt."))],
    )
    spoken_language_other = StringField(
        _l("Welke andere taal? (alleen als u „Een andere taal” koos)"),
        validators=[
            Length(max=60, message=_l("Schrijf de taal in hoogstens 60 tekens.")),
            PlainText(),
        ],
        filters=[stripped],
    )
    interpreter_needed = BooleanField(_l("Ik heb een tolk nodig"))
    remark = TextAreaField(
        _l("Opmerking (niet verplicht)"),
        description=_l("Bijvoorbeeld: ik kom met een rolstoel. Geen rijksregisternummer nodig."),
        validators=[
            Length(max=1000, message=_l("Uw opmerking mag hoogstens 1000 tekens lang zijn.")),
            PlainText(multiline=True),
        ],
    )

    # The phone field when the city will call the resident back (``phone_required``).
    phone_required_label = _l("Telefoonnummer")
    phone_required_hint = _l("We bellen u op dit nummer, bijvoorbeeld 0470 12 34 56.")
    phone_required_message = _l("Vul uw telefoonnummer in: we bellen u op dit nummer.")

    def __init__(self, *args, phone_required: bool = False, **kwargs) -> None:
        """``phone_required``: the chosen services are a call back (see
        :func:`portal.call_back.is_call_back`), so the number must be given."""
        super().__init__(*args, **kwargs)
        self.spoken_language.choices = spoken_language_choices()
        if phone_required:
            self.phone.label.text = self.phone_required_label
            self.phone.description = self.phone_required_hint
            self.phone.validators = [
                DataRequired(message=self.phone_required_message),
                *(v for v in self.phone.validators if not isinstance(v, Optional)),
            ]
            self.phone.flags.required = True
            self.phone.flags.optional = False

    def validate_spoken_language_other(self, field) -> None:
        """ "Another language" needs its name."""
        if self.spoken_language.data == OTHER and not field.data:
            raise ValidationError(_l("Schrijf welke taal u spreekt."))

    def contact(self) -> ContactDetails:
        """The validated details as the booking operations take them."""
        other = self.spoken_language.data == OTHER
        return ContactDetails(
            name=self.name.data,
            email=self.email.data,
            phone=self.phone.data or None,
            language=self.language.data,
            spoken_language=self.spoken_language.data,
            spoken_language_other=self.spoken_language_other.data if other else None,
            interpreter_needed=bool(self.interpreter_needed.data),
            remark=(self.remark.data or "").strip(),
        )

    def draft(self) -> dict:
        """What to keep with the hold until the resident submits."""
        return {field.name: field.data for field in self if field.name != "csrf_token"}


class ReviewForm(PlainTextForm):
    """The last step: a honeypot for bots and the proof-of-work captcha."""

    # Hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = StringField(_l("Laat dit veld leeg"))
