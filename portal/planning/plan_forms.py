"""The forms of the rota plan pages: a new plan (team, first Monday, weeks, target) and
the hand edits of a draft (put on, take off, swap), with Dutch messages of their own.

The edit forms carry ids and turn keys as text: the views read them defensively
(``parse_id``, :func:`portal.planning.plan_grid.find_slot`), so a tampered value gets a
message, never an error page.
"""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError
from wtforms.widgets import DateInput

from ..i18n import _l
from ..plain_text import PlainTextForm
from ..staff.access import parse_date
from .rota_data import MAX_WEEKS, MIN_WEEKS

# A plan starts at most this far ahead.
LONGEST_LEAD = timedelta(days=366)


class WholeNumberField(IntegerField):
    """A whole number typed in a number field, with our own message when it is not one
    (WTForms' own says "Not a valid integer value")."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Vul een geheel getal in.")

    def process_formdata(self, valuelist):
        """Read ASCII digits only (no sign, no "²", at most six digits)."""
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit() and len(text) <= 6):
            self.data = None
            raise ValueError(str(self.message))
        self.data = int(text)

    def pre_validate(self, form):
        """A value that could not be read gets one message, not the range's too."""
        if self.process_errors:
            raise StopValidation()


class Between:
    """Validator: a number from ``low`` to ``high``; ``message`` is shown as it is (unlike
    WTForms' NumberRange, which would read a "%" in it as a placeholder)."""

    def __init__(self, low: int, high: int, message) -> None:
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field) -> None:
        """Refuse a missing number or one outside the range."""
        if field.data is None or not self.low <= field.data <= self.high:
            raise ValidationError(str(self.message))


class DayField(StringField):
    """A date in a date field (``YYYY-MM-DD``), read with the workspace's date parser."""

    widget = DateInput()

    def process_formdata(self, valuelist):
        """The date, or an error in words when it cannot be read."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = parse_date(str(valuelist[0]).strip())
        if self.data is None:
            raise ValueError(str(_l("Vul een geldige datum in, in de vorm JJJJ-MM-DD.")))

    def _value(self):
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def pre_validate(self, form):
        """A date that could not be read gets one message."""
        if self.process_errors:
            raise StopValidation()


def choice_values(choices) -> set[str]:
    """The values of a field's choices (``SelectChoice`` objects or pairs)."""
    return {str(SelectChoice.from_input(choice).value) for choice in choices or ()}


class ChoiceField(SelectField):
    """A select whose wrong value gets our message (not WTForms' "Not a valid choice")."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Kies een waarde uit de lijst.")

    def pre_validate(self, form):
        """The value must be one of the choices."""
        if self.data not in choice_values(self.choices):
            raise StopValidation(str(self.message))


class NewPlanForm(PlainTextForm):
    """Which team, from which Monday, for how many weeks, aiming at which counter share.
    ``today`` (set by the view) is the Brussels date the first Monday must come after."""

    team = ChoiceField(_l("Team"), message=_l("Kies een team uit de lijst."))
    first_day = DayField(
        _l("Eerste dag"),
        description=_l("Een maandag na vandaag. Het plan loopt tot en met een zondag."),
        validators=[InputRequired(message=_l("Vul de eerste dag van het plan in."))],
    )
    weeks = WholeNumberField(
        _l("Aantal weken"),
        description=_l("Van 4 tot 12 weken."),
        default=MIN_WEEKS,
        validators=[
            InputRequired(message=_l("Vul het aantal weken in.")),
            Between(MIN_WEEKS, MAX_WEEKS, message=_l("Een plan duurt 4 tot 12 weken.")),
        ],
        render_kw={"min": MIN_WEEKS, "max": MAX_WEEKS},
    )
    target = WholeNumberField(
        _l("Doel: deel van de werktijd aan de balie (%)"),
        description=_l("Leeg laten: het doel van het team."),
        validators=[
            Optional(),
            Between(0, 100, message=_l("Het doel ligt tussen 0 en 100%.")),
        ],
        render_kw={"min": 0, "max": 100},
    )

    today: date | None = None

    def validate_first_day(self, field) -> None:
        """A Monday, after today, at most a year ahead."""
        day = field.data
        if day is None:
            return
        if day.weekday() != 0:
            raise ValidationError(_l("Een plan begint op een maandag. Kies een maandag."))
        if self.today is not None and day <= self.today:
            raise ValidationError(_l("Kies een maandag na vandaag."))
        if self.today is not None and day > self.today + LONGEST_LEAD:
            raise ValidationError(_l("Kies een maandag binnen het komende jaar."))


class TurnEditForm(PlainTextForm):
    """Put someone on a turn, or take them off: the person's id and the turn's key."""

    person = HiddenField()
    turn = HiddenField()
    week = HiddenField()


class SwapForm(PlainTextForm):
    """Swap two people's turns: the first person's turn goes to the second, and back."""

    first_person = SelectField(_l("Eerste medewerker"), validate_choice=False)
    first_turn = SelectField(_l("Beurt van de eerste medewerker"), validate_choice=False)
    second_person = SelectField(_l("Tweede medewerker"), validate_choice=False)
    second_turn = SelectField(_l("Beurt van de tweede medewerker"), validate_choice=False)
    week = HiddenField()
