"""The form planners edit a service with: times, persons, where and how it is booked, the
team, who may handle it, and its texts in every site language.

Numbers are read strictly (ASCII digits only, no sign, no decimals) and checked against
the same ranges as the database, so a wrong value is a Dutch message on the form and never
an error of the database. Each language's texts are a fieldset of their own; only the
Dutch name is required, because Dutch is the source and the fallback of every text.
"""

from __future__ import annotations

import re

from wtforms import (
    BooleanField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, Regexp, StopValidation, ValidationError

from ..booking.topics import TOPICS
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _l, text_direction
from ..models import Channel, Service
from ..models.services import DURATION_UNIT_MINUTES as UNIT
from ..plain_text import PlainText, PlainTextForm, strip_and_lower
from ..staff.access import parse_id
from .service_keywords import keywords_field
from .service_operations import CODE_MAX_LENGTH, ServiceSettings, TextValues

# The ranges a planner may choose from (the database checks the outer bounds too).
MAX_DURATION = 480
MAX_EXTRA_PER_PERSON = 240
MAX_PERSONS = 20
MAX_NOTICE_MINUTES = 30 * 24 * 60
MAX_HORIZON_DAYS = 366
# Longer than any number in these ranges: such input is "too large", not unreadable.
MAX_DIGITS = 9
NAME_LENGTH = 160
TEXT_LENGTH = 2000
# More ticked boxes than this is not a choice from the page.
MAX_STAFF_VALUES = 500
PUBLIC, INVITATION = "public", "invitation"
CODE_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _strip(value):
    """Leading and trailing spaces never count; Windows line ends become plain ones."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _tidy_lines(value):
    """One document per line: lines trimmed, empty lines dropped."""
    if not isinstance(value, str):
        return value
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def _one_of(values, message):
    """Validator: the field's value is one of ``values``."""

    def check(_form, field):
        if field.data not in values:
            raise StopValidation(message)

    return check


class WholeNumberField(IntegerField):
    """A whole number from ``minimum`` to ``maximum`` in steps of ``unit``, read
    strictly: anything else gets one clear message (``out_of_range`` says the range)."""

    def __init__(self, label, *, minimum, maximum, unit=1, required, out_of_range, **kwargs):
        render_kw = {"min": minimum, "max": maximum, "step": unit, "inputmode": "numeric"}
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.minimum, self.maximum, self.unit = minimum, maximum, unit
        self.required_message, self.range_message = required, out_of_range

    def process_formdata(self, valuelist):
        """Read the number; unreadable input leaves ``data`` None (see pre_validate)."""
        text = valuelist[0].strip() if valuelist else ""
        digits = text.isascii() and text.isdigit()
        self.data = int(text) if digits and len(text) <= MAX_DIGITS else None

    def pre_validate(self, form):
        """Missing, unreadable, out of range or off the unit: one message, and stop."""
        text = (self.raw_data[0] if self.raw_data else "").strip()
        if self.data is None and not text:
            raise StopValidation(self.required_message)
        if self.data is None and not (text.isascii() and text.isdigit()):
            raise StopValidation(_l("Vul een geheel getal in, met alleen cijfers."))
        if self.data is None or not self.minimum <= self.data <= self.maximum:
            raise StopValidation(self.range_message)
        if self.data % self.unit:
            raise StopValidation(self.range_message)


def _text_form(language: str) -> type[Form]:
    """The fieldset of one language's texts, its inputs marked with the language and its
    writing direction (Arabic right to left)."""
    attrs = {"lang": language, "dir": text_direction(language)}
    required = language == DEFAULT_LANGUAGE

    class ServiceTextForm(Form):
        """A service's name, explanation, documents to bring and search keywords in one
        language."""

        name = StringField(
            _l("Naam (verplicht)") if required else _l("Naam"),
            validators=[
                Length(max=NAME_LENGTH, message=_l("De naam mag hoogstens 160 tekens lang zijn.")),
                PlainText(message=_l("Deze tekst bevat tekens die we niet gebruiken.")),
            ],
            filters=[_strip],
            render_kw={**attrs, "maxlength": NAME_LENGTH},
        )
        description = TextAreaField(
            _l("Uitleg voor de bewoner"),
            validators=[
                Length(
                    max=TEXT_LENGTH, message=_l("De uitleg mag hoogstens 2000 tekens lang zijn.")
                ),
                PlainText(
                    multiline=True, message=_l("Deze tekst bevat tekens die we niet gebruiken.")
                ),
            ],
            filters=[_strip],
            render_kw={**attrs, "rows": 3},
        )
        documents = TextAreaField(
            _l("Mee te brengen documenten (één per regel)"),
            validators=[
                Length(
                    max=TEXT_LENGTH,
                    message=_l("De documenten mogen samen hoogstens 2000 tekens lang zijn."),
                ),
                PlainText(
                    multiline=True, message=_l("Deze tekst bevat tekens die we niet gebruiken.")
                ),
            ],
            filters=[_tidy_lines],
            render_kw={**attrs, "rows": 3},
        )
        keywords = keywords_field(attrs)

        def validate_name(self, field) -> None:
            """The Dutch name is required; another language needs a name as soon as it
            has any text or keyword (residents would otherwise see a service without a
            name)."""
            if field.data:
                return
            if required:
                raise ValidationError(_l("Vul de Nederlandse naam van de dienst in."))
            if self.description.data or self.documents.data:
                raise ValidationError(
                    _l("Vul ook de naam in, of maak de uitleg en de documenten leeg.")
                )
            if self.keywords.data:
                raise ValidationError(_l("Vul ook de naam in, of maak de zoekwoorden leeg."))

        def values(self) -> TextValues | None:
            """The texts as entered, or None when the language has none."""
            if not self.name.data:
                return None
            return TextValues(
                self.name.data, self.description.data, self.documents.data, self.keywords.data
            )

    return ServiceTextForm


class ServiceForm(PlainTextForm):
    """A service's settings. ``teams`` (id → name) offers a team choice (administrators);
    without it the service stays in ``fixed_team_id``. ``staff_teams`` (staff id → team
    id) holds the people that may be ticked; only those of the chosen team are accepted."""

    duration_minutes = WholeNumberField(
        _l("Duur in minuten"),
        description=_l("Voor één persoon, een veelvoud van 5 minuten, bijvoorbeeld 15."),
        minimum=UNIT,
        maximum=MAX_DURATION,
        unit=UNIT,
        required=_l("Vul de duur in."),
        out_of_range=_l("De duur is een veelvoud van 5 minuten, van 5 tot 480 minuten."),
    )
    extra_minutes_per_person = WholeNumberField(
        _l("Extra minuten per bijkomende persoon"),
        description=_l("Een veelvoud van 5 minuten; 0 als een extra persoon geen tijd vraagt."),
        minimum=0,
        maximum=MAX_EXTRA_PER_PERSON,
        unit=UNIT,
        required=_l("Vul de extra minuten per persoon in (0 als er geen zijn)."),
        out_of_range=_l(
            "De extra tijd per persoon is een veelvoud van 5 minuten, van 0 tot 240 minuten."
        ),
    )
    max_persons = WholeNumberField(
        _l("Hoogstens aantal personen per afspraak"),
        minimum=1,
        maximum=MAX_PERSONS,
        required=_l("Vul het hoogste aantal personen in."),
        out_of_range=_l("Het aantal personen ligt tussen 1 en 20."),
    )
    channel = RadioField(
        _l("Waar wordt de dienst geleverd?"),
        choices=[
            SelectChoice(Channel.COUNTER.value, _l("Aan de balie")),
            SelectChoice(
                Channel.BACK_OFFICE.value, _l("In de backoffice, bijvoorbeeld een terugbelafspraak")
            ),
        ],
        validate_choice=False,
        validators=[_one_of({c.value for c in Channel}, _l("Kies waar de dienst geleverd wordt."))],
    )
    booking = RadioField(
        _l("Wie kan een afspraak maken?"),
        choices=[
            SelectChoice(PUBLIC, _l("Iedereen: bewoners boeken zelf online")),
            SelectChoice(INVITATION, _l("Alleen op uitnodiging: een medewerker maakt de afspraak")),
        ],
        validate_choice=False,
        validators=[_one_of({PUBLIC, INVITATION}, _l("Kies wie een afspraak kan maken."))],
    )
    min_notice_minutes = WholeNumberField(
        _l("Minimale tijd vooraf, in minuten"),
        description=_l(
            "Zo lang vóór het begin kan een bewoner nog online boeken: 120 is 2 uur, "
            "1440 is een dag, 0 is tot het begin."
        ),
        minimum=0,
        maximum=MAX_NOTICE_MINUTES,
        required=_l("Vul de minimale tijd vooraf in (0 als er geen is)."),
        out_of_range=_l("De minimale tijd vooraf ligt tussen 0 en 43200 minuten (30 dagen)."),
    )
    horizon_days = WholeNumberField(
        _l("Hoeveel dagen vooruit kan men boeken?"),
        description=_l("Van 1 tot 366 dagen."),
        minimum=1,
        maximum=MAX_HORIZON_DAYS,
        required=_l("Vul in hoeveel dagen vooruit men kan boeken."),
        out_of_range=_l("Men kan van 1 tot 366 dagen vooruit boeken."),
    )
    active = BooleanField(_l("Actief: de dienst wordt aangeboden"))
    team_id = SelectField(_l("Team"), validate_choice=False)
    staff_ids = SelectMultipleField(_l("Wie mag deze dienst afhandelen?"), validate_choice=False)

    def __init__(
        self,
        *args,
        teams: dict[int, str] | None,
        fixed_team_id: int | None,
        staff_teams: dict[int, int],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_team_id = fixed_team_id
        self.teams = teams
        self.staff_teams = staff_teams
        if teams is None:
            del self.team_id
        else:
            self.team_id.choices = [
                SelectChoice(str(team_id), name) for team_id, name in teams.items()
            ]

    def text_fields(self) -> list[FormField]:
        """The fieldsets of the texts, one per site language in the site's order."""
        return [self[f"text_{language}"] for language in LANGUAGES]

    def chosen_team_id(self) -> int | None:
        """The team the service is for (None when the chosen one is not on offer)."""
        if self.teams is None:
            return self.fixed_team_id
        team_id = parse_id(self.team_id.data)
        return team_id if team_id in self.teams else None

    def validate_team_id(self, _field) -> None:
        """Only a team from the list."""
        if self.chosen_team_id() is None:
            raise ValidationError(_l("Kies een team uit de lijst."))

    def chosen_staff_ids(self) -> list[int | None]:
        """The ticked people's ids (None for a value that cannot be one)."""
        return [parse_id(value) for value in (self.staff_ids.data or [])]

    def validate_staff_ids(self, field) -> None:
        """Only people from the list, and only of the service's team."""
        ids = self.chosen_staff_ids()
        if len(ids) > MAX_STAFF_VALUES or any(i not in self.staff_teams for i in ids):
            raise ValidationError(_l("Kies medewerkers uit de lijst."))
        team_id = self.chosen_team_id()
        if team_id is not None and any(self.staff_teams[i] != team_id for i in ids):
            raise ValidationError(_l("Kies alleen medewerkers van het team van de dienst."))

    def settings(self) -> ServiceSettings:
        """The validated form as the operations take it."""
        texts = {}
        for field in self.text_fields():
            values = field.form.values()
            if values is not None:
                texts[field.form.language] = values
        return ServiceSettings(
            team_id=self.chosen_team_id(),
            duration_minutes=self.duration_minutes.data,
            extra_minutes_per_person=self.extra_minutes_per_person.data,
            max_persons=self.max_persons.data,
            channel=Channel(self.channel.data),
            publicly_bookable=self.booking.data == PUBLIC,
            min_notice_minutes=self.min_notice_minutes.data,
            horizon_days=self.horizon_days.data,
            active=self.active.data,
            staff_ids=frozenset(i for i in self.chosen_staff_ids() if i is not None),
            texts=texts,
        )


for _language, _name in LANGUAGES.items():
    _form_class = _text_form(_language)
    _form_class.language = _language
    setattr(ServiceForm, f"text_{_language}", FormField(_form_class, label=_name))


class NewServiceForm(ServiceForm):
    """A new service: the settings, plus its code and the topic it is listed under."""

    code = StringField(
        _l("Code (niet verplicht)"),
        description=_l(
            "Kleine letters, cijfers en koppeltekens, bijvoorbeeld eid-aanvragen. Laat leeg: "
            "dan maken we de code uit de Nederlandse naam."
        ),
        validators=[
            Optional(),
            Length(max=CODE_MAX_LENGTH, message=_l("De code mag hoogstens 60 tekens lang zijn.")),
            Regexp(
                CODE_SHAPE,
                message=_l(
                    "Een code bestaat uit kleine letters, cijfers en koppeltekens, "
                    "bijvoorbeeld eid-aanvragen."
                ),
            ),
        ],
        filters=[strip_and_lower],
        render_kw={"maxlength": CODE_MAX_LENGTH, "spellcheck": "false", "autocomplete": "off"},
    )
    topic = SelectField(
        _l("Onderwerp op de boekingspagina"),
        choices=[SelectChoice(topic, label) for topic, label in TOPICS.items()],
        default="other",
        validate_choice=False,
        validators=[_one_of(set(TOPICS), _l("Kies een onderwerp uit de lijst."))],
    )


def initial_data(service: Service) -> dict:
    """The form's values for ``service`` as it is stored."""
    data = {
        "duration_minutes": service.duration_minutes,
        "extra_minutes_per_person": service.extra_minutes_per_person,
        "max_persons": service.max_persons,
        "channel": Channel(service.channel).value,
        "booking": PUBLIC if service.publicly_bookable else INVITATION,
        "min_notice_minutes": service.min_notice_minutes,
        "horizon_days": service.horizon_days,
        "active": service.active,
        "team_id": str(service.team_id),
        "staff_ids": [str(member.id) for member in service.staff if member.active],
    }
    for language in LANGUAGES:
        text = service.texts.get(language)
        if text is not None:
            data[f"text_{language}"] = {
                "name": text.name,
                "description": text.description,
                "documents": text.documents,
                "keywords": text.keywords,
            }
    return data


# What a new service starts with: a counter visit of 15 minutes, bookable online, not
# yet active (so residents see it only once its texts and people are ready).
NEW_SERVICE_DEFAULTS = {
    "duration_minutes": 15,
    "extra_minutes_per_person": 0,
    "max_persons": 1,
    "channel": Channel.COUNTER.value,
    "booking": PUBLIC,
    "min_notice_minutes": 120,
    "horizon_days": 60,
    "active": False,
    "topic": "other",
}
