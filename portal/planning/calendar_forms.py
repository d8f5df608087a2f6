"""The planners' forms for the city hall's calendar: an opening schedule (name, validity
and up to three blocks per weekday) and a closure (days, kind, reason per language).

The forms check what they can see by themselves (readable dates and times, the 5-minute
grid, blocks in order and apart); the checks that need the saved schedules live in
:mod:`portal.planning.calendar_operations`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import format_date
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, RadioField, SelectChoice, StringField
from wtforms.fields.core import Field
from wtforms.validators import AnyOf, DataRequired, Length, Optional, StopValidation

from ..date_input import FIRST_DAY, LAST_DAY
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _, _l, text_direction
from ..models import ClosureKind
from ..plain_text import PlainText, PlainTextForm
from ..scheduling import OpeningBlock as BlockData
from ..scheduling import OpeningSchedule as ScheduleData
from ..staff.access import parse_date

WEEKDAYS = 7
BLOCKS_PER_DAY = 3
GRID_MINUTES = 5
NAME_LENGTH = 80
REASON_LENGTH = 200
# The longest closure one form may add (a long renovation still fits).
LONGEST_CLOSURE = timedelta(days=366)
# A wall-clock time as people type it: 9:00, 09:00 (a browser's time field sends 09:00).
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
# A Monday: the weekday names come from the reader's locale, not from a list of our own.
_A_MONDAY = date(2024, 1, 1)


def strip(value):
    """Leading and trailing spaces never count."""
    return value.strip() if isinstance(value, str) else value


def weekday_names() -> list[str]:
    """The names of Monday..Sunday in the reader's language (from the locale's data)."""
    return [format_date(_A_MONDAY + timedelta(days=n), "EEEE") for n in range(WEEKDAYS)]


def parse_clock(raw: str | None) -> time | None:
    """A wall-clock time written HH:MM (00:00..23:59), or None when it is not one."""
    match = _CLOCK.fullmatch(raw or "")
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def clock(value: time) -> str:
    """A wall-clock time as the form writes it: 09:00."""
    return value.strftime("%H:%M")


class DayField(StringField):
    """A date typed as YYYY-MM-DD (browsers show a date picker); :attr:`day` reads it."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", [strip])
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators, **kwargs)

    @property
    def day(self) -> date | None:
        """The date typed, or None when the field is empty or unreadable."""
        return parse_date(self.data)

    def pre_validate(self, form) -> None:
        """Refuse text that is not a date, with a message people understand."""
        if self.data and self.day is None:
            raise StopValidation(_("Deze datum kunnen we niet lezen. Schrijf ze als JJJJ-MM-DD."))
        if self.day is not None and not FIRST_DAY <= self.day <= LAST_DAY:
            raise StopValidation(_("Kies een datum tussen 2000 en 2100."))


def leaf_fields(fields) -> list[Field]:
    """Every input field of a form, in order, nested lists and subforms unfolded."""
    found = []
    for field in fields:
        if field.type == "FieldList":
            for entry in field.entries:
                found.extend(leaf_fields([entry]))
        elif field.type == "FormField":
            found.extend(leaf_fields(field.form))
        elif field.type != "CSRFTokenField":
            found.append(field)
    return found


def posted_values(form: FlaskForm) -> list[tuple[str, str]]:
    """(name, value) of every field as sent, to send the same form again from the review
    page (as hidden fields) without the planner typing it twice."""
    return [(field.name, field.data or "") for field in leaf_fields(form)]


def problem_list(fields) -> list[tuple[str, str]]:
    """(field id, message) of every problem of ``fields`` (a form, or some of its
    fields), for the summary at the top of the page."""
    return [(field.id, error) for field in leaf_fields(fields) for error in field.errors]


def add_error(field: Field, message: str) -> None:
    """Show ``message`` at ``field`` (its errors are a tuple until it was validated)."""
    field.errors = [*field.errors, message]


# ------------------------------------------------------------------------ opening hours


class BlockForm(Form):
    """One opening block of a weekday: both times empty means no block."""

    opens = StringField(_l("Opent om"), filters=[strip], render_kw={"type": "time", "step": 300})
    closes = StringField(_l("Sluit om"), filters=[strip], render_kw={"type": "time", "step": 300})


class DayForm(Form):
    """The blocks of one weekday, up to three (a morning, an afternoon, an evening); a
    list keeps their names apart: ``days-0-blocks-1-opens``."""

    blocks = FieldList(FormField(BlockForm), min_entries=BLOCKS_PER_DAY, max_entries=BLOCKS_PER_DAY)


@dataclass(frozen=True)
class ScheduleInput:
    """What the planner typed for a schedule, checked and read: plain data."""

    name: str
    valid_from: date | None
    valid_until: date | None
    blocks: tuple[BlockData, ...]

    def as_core(self) -> ScheduleData:
        """The schedule as the scheduling core reads it (to compute its effects)."""
        return ScheduleData(self.valid_from, self.valid_until, self.blocks)


class ScheduleForm(PlainTextForm):
    """A weekly opening schedule: its name, the days it is valid (both optional, both
    inclusive) and per weekday up to three blocks in Brussels wall-clock time."""

    name = StringField(
        _l("Naam"),
        description=_l("Bijvoorbeeld: Zomeruren"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Geef het schema een naam.")),
            Length(max=NAME_LENGTH, message=_l("De naam mag hoogstens 80 tekens lang zijn.")),
            PlainText(message=_l("De naam bevat tekens die we niet kunnen gebruiken.")),
        ],
        render_kw={"maxlength": NAME_LENGTH},
    )
    valid_from = DayField(
        _l("Geldig vanaf"), description=_l("Leeg: geldt al van vroeger."), validators=[Optional()]
    )
    valid_until = DayField(
        _l("Geldig tot en met"),
        description=_l("Leeg: geldt tot een ander schema het overneemt."),
        validators=[Optional()],
    )
    days = FieldList(FormField(DayForm), min_entries=WEEKDAYS, max_entries=WEEKDAYS)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the order of the dates and the blocks of each day:
        readable HH:MM times on the 5-minute grid, opening before closing, no overlap."""
        valid = super().validate(extra_validators)
        first, last = self.valid_from.day, self.valid_until.day
        if first and last and last < first:
            add_error(self.valid_until, _("De einddatum ligt voor de begindatum."))
            valid = False
        blocks = []
        for weekday, day in enumerate(self.days.entries):
            day_blocks, day_valid = _read_day(weekday, day.form.blocks.entries)
            blocks.extend(day_blocks)
            valid = valid and day_valid
        self.read_blocks = tuple(blocks)
        return valid

    def problems(self) -> list[tuple[str, str]]:
        """(field id, message) of every problem, a block's with its day and number, for
        the summary at the top of the page."""
        found = problem_list([self.name, self.valid_from, self.valid_until])
        names = weekday_names()
        for weekday, day in enumerate(self.days.entries):
            for number, entry in enumerate(day.form.blocks.entries, start=1):
                found.extend(
                    (
                        field.id,
                        _(
                            "%(day)s, blok %(number)s: %(problem)s",
                            day=names[weekday % WEEKDAYS],
                            number=number,
                            problem=error,
                        ),
                    )
                    for field in entry.form
                    for error in field.errors
                )
        return found

    def schedule_input(self) -> ScheduleInput:
        """The checked form as plain data (call after :meth:`validate` said yes)."""
        return ScheduleInput(
            self.name.data, self.valid_from.day, self.valid_until.day, self.read_blocks
        )


def read_time(field: Field) -> time | None:
    """The time in ``field``, or None with a message at the field."""
    value = parse_clock(field.data)
    if value is None:
        add_error(field, _("Dit uur kunnen we niet lezen. Schrijf het als UU:MM, bv. 09:00."))
    elif value.minute % GRID_MINUTES:
        add_error(field, _("Kies een uur op vijf minuten: bv. 12:30 of 12:35."))
        return None
    return value


def _read_day(weekday: int, entries) -> tuple[list[BlockData], bool]:
    """The blocks of one weekday, in order; whether they were all fine."""
    read: list[tuple[time, time, Field]] = []
    valid = True
    for entry in entries:
        opens_field, closes_field = entry.form.opens, entry.form.closes
        if not opens_field.data and not closes_field.data:
            continue
        if not opens_field.data or not closes_field.data:
            empty = closes_field if opens_field.data else opens_field
            add_error(empty, _("Vul zowel het openingsuur als het sluitingsuur in."))
            valid = False
            continue
        opens, closes = read_time(opens_field), read_time(closes_field)
        if opens is None or closes is None:
            valid = False
        elif not opens < closes:
            add_error(closes_field, _("Het sluitingsuur moet na het openingsuur liggen."))
            valid = False
        else:
            read.append((opens, closes, opens_field))
    read.sort(key=lambda block: block[0])
    latest_close = time.min
    for opens, closes, field in read:
        if opens < latest_close:
            add_error(field, _("Dit blok overlapt met een ander blok van dezelfde dag."))
            valid = False
        latest_close = max(latest_close, closes)
    return [BlockData(weekday, opens, closes) for opens, closes, _field in read], valid


def schedule_form_data(name: str, first, last, blocks) -> dict:
    """The initial data of the form for a schedule (a saved one, or an example)."""
    days = [{"blocks": []} for _weekday in range(WEEKDAYS)]
    for block in blocks:
        days[block.weekday]["blocks"].append(
            {"opens": clock(block.opens), "closes": clock(block.closes)}
        )
    return {
        "name": name,
        "valid_from": first.isoformat() if first else "",
        "valid_until": last.isoformat() if last else "",
        "days": days,
    }


# ------------------------------------------------------------------------------ closures

KIND_LABELS = {
    ClosureKind.CITY_DAY: _l("Eigen sluitingsdag van de stad"),
    ClosureKind.ONE_OFF: _l("Eenmalige sluiting (bv. verkiezingen, staking)"),
}
# The languages a reason may be given in besides Dutch, with their text direction.
OTHER_LANGUAGES = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class ClosureInput:
    """A closure as the planner typed it, checked: plain data."""

    starts_on: date
    ends_on: date
    kind: ClosureKind
    reasons: dict[str, str]


def _reason_validators(required: bool) -> list:
    """Checks of a reason: at most 200 characters, no control characters."""
    first = (
        DataRequired(message=_l("Vul de reden in het Nederlands in.")) if required else Optional()
    )
    return [
        first,
        Length(max=REASON_LENGTH, message=_l("De reden mag hoogstens 200 tekens lang zijn.")),
        PlainText(message=_l("De reden bevat tekens die we niet kunnen gebruiken.")),
    ]


class ClosureForm(PlainTextForm):
    """A closure: the first and last day (one day when the last is empty), its kind and
    the reason residents read, in Dutch (required) and in other site languages."""

    starts_on = DayField(
        _l("Eerste dag"),
        validators=[DataRequired(message=_l("Vul de eerste gesloten dag in."))],
    )
    ends_on = DayField(
        _l("Laatste dag"),
        description=_l("Leeg: het stadhuis is alleen de eerste dag dicht."),
        validators=[Optional()],
    )
    kind = RadioField(
        _l("Soort sluiting"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=ClosureKind.ONE_OFF.value,
        validate_choice=False,
        validators=[
            AnyOf(
                [kind.value for kind in ClosureKind],
                message=_l("Kies het soort sluiting."),
            )
        ],
    )
    reason_nl = StringField(
        _l("Reden in het Nederlands"),
        description=_l("De bewoners lezen die op de startpagina, bv. 'Verkiezingen'."),
        filters=[strip],
        validators=_reason_validators(required=True),
        render_kw={"maxlength": REASON_LENGTH, "lang": "nl", "dir": "ltr"},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        # The first day a closure may start: today in Brussels.
        self.today = today

    def reason_fields(self) -> list[tuple[str, Field]]:
        """(language code, field) of the optional reasons in the other languages."""
        return [(code, self[f"reason_{code}"]) for code in OTHER_LANGUAGES]

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the days: not in the past, in order, not too long."""
        valid = super().validate(extra_validators)
        first = self.starts_on.day
        last = self.ends_on.day or first
        if first is None:
            return False
        if first < self.today:
            add_error(self.starts_on, _("Deze dag ligt in het verleden. Kies vandaag of later."))
            valid = False
        if last < first:
            add_error(self.ends_on, _("De laatste dag ligt voor de eerste dag."))
            valid = False
        elif last - first >= LONGEST_CLOSURE:
            add_error(self.ends_on, _("Een sluiting duurt hoogstens een jaar."))
            valid = False
        return valid

    def closure_input(self) -> ClosureInput:
        """The checked form as plain data (call after :meth:`validate` said yes)."""
        reasons = {DEFAULT_LANGUAGE: self.reason_nl.data}
        reasons.update({code: field.data for code, field in self.reason_fields() if field.data})
        first = self.starts_on.day
        return ClosureInput(first, self.ends_on.day or first, ClosureKind(self.kind.data), reasons)


for _code in OTHER_LANGUAGES:
    setattr(
        ClosureForm,
        f"reason_{_code}",
        StringField(
            LANGUAGES[_code],
            filters=[strip],
            validators=_reason_validators(required=False),
            render_kw={"maxlength": REASON_LENGTH, "lang": _code, "dir": text_direction(_code)},
        ),
    )
