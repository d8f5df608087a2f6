"""The contact form staff fill in when they book for a resident at the desk or on the phone.

It is the residents' :class:`~portal.booking.forms.ContactForm` with the e-mail address
optional (without one, no mail goes out and staff print the confirmation instead) and
with labels that speak about the resident rather than to them.
"""

from __future__ import annotations

import dataclasses
import re
import secrets

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from ..booking.contact import ContactDetails
from ..booking.forms import PHONE_PATTERN, ContactForm
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _l
from ..plain_text import PlainText, strip_spaces
from ..spoken_languages import OTHER

REQUEST_KEY = re.compile(r"[0-9a-f]{32}")


def new_request_key() -> str:
    """A fresh one-time key for a booking form (see :meth:`StaffContactForm.one_time_key`)."""
    return secrets.token_hex(16)


class StaffContactForm(ContactForm):
    """Who comes, filled in by staff: name required, e-mail and phone optional, the
    language of the confirmation (mail and printout), the language spoken at the counter,
    an interpreter, a remark."""

    # Made when the form is shown, sent back with it: a second send of the same form (a
    # double click, a reload) finds the visit the first one booked.
    request_key = HiddenField(default=new_request_key)

    name = StringField(
        _l("Naam van de bewoner"),
        description=_l("Voornaam en familienaam, zoals op het identiteitsdocument."),
        validators=[
            DataRequired(message=_l("Vul de naam van de bewoner in.")),
            Length(max=120, message=_l("De naam mag hoogstens 120 tekens lang zijn.")),
            PlainText(message=_l("De naam bevat tekens die we niet kunnen gebruiken.")),
        ],
        filters=[strip_spaces],
    )
    email = EmailField(
        _l("E-mailadres (niet verplicht)"),
        description=_l(
            "Met een e-mailadres krijgt de bewoner de bevestiging en de link om de afspraak "
            "te beheren. Zonder e-mailadres drukt u de bevestiging af."
        ),
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
    phone = StringField(
        _l("Telefoonnummer (niet verplicht)"),
        description=_l("Bijvoorbeeld 0470 12 34 56."),
        validators=[
            Optional(),
            Regexp(
                PHONE_PATTERN,
                message=_l("Vul een telefoonnummer in met cijfers, zoals 0470 12 34 56."),
            ),
        ],
        filters=[strip_spaces],
        # The number pad on a tablet; no autocomplete (the template says "off"): it is the
        # resident's number, not the clerk's.
        render_kw={"type": "tel", "inputmode": "tel"},
    )
    language = SelectField(
        _l("Taal van de bevestiging"),
        description=_l("De taal van de e-mail en van de afdruk."),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()
        ],
        default=DEFAULT_LANGUAGE,
        validators=[DataRequired(message=_l("Kies de taal van de bevestiging."))],
    )
    spoken_language = SelectField(
        _l("Taal aan de balie"),
        description=_l("Zo kan het team een collega plannen die deze taal spreekt, of een tolk."),
        choices=[],
        default=DEFAULT_LANGUAGE,
        validators=[DataRequired(message=_l("Kies de taal die de bewoner aan de balie spreekt."))],
    )
    # A call back: the resident's number is required.
    phone_required_label = _l("Telefoonnummer van de bewoner")
    phone_required_hint = _l("Voor een terugbelafspraak: we bellen de bewoner op dit nummer.")
    phone_required_message = _l(
        "Vul het telefoonnummer van de bewoner in: voor een terugbelafspraak bellen we op dit "
        "nummer."
    )
    interpreter_needed = BooleanField(_l("Tolk nodig"))
    remark = TextAreaField(
        _l("Opmerking (niet verplicht)"),
        description=_l("Bijvoorbeeld: komt met een rolstoel. Noteer geen rijksregisternummer."),
        validators=[
            Length(max=1000, message=_l("De opmerking mag hoogstens 1000 tekens lang zijn.")),
            PlainText(multiline=True),
        ],
    )

    def validate_spoken_language_other(self, field) -> None:
        """ "Another language" needs its name."""
        if self.spoken_language.data == OTHER and not field.data:
            raise ValidationError(_l("Schrijf welke taal de bewoner spreekt."))

    def contact(self) -> ContactDetails:
        """The validated details as the booking operations take them; no address is
        stored as none (not as an empty text), so no mail is queued."""
        return dataclasses.replace(super().contact(), email=self.email.data or None)

    def one_time_key(self) -> str | None:
        """The form's one-time key as sent, or None when it is missing or malformed."""
        key = self.request_key.data or ""
        return key if REQUEST_KEY.fullmatch(key) else None
