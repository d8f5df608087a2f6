"""The planners' form for an absence: who, why, which days (whole days, or a few hours
on one day, such as a training from 09:00 to 12:00) and a short note.

The form checks what it can see by itself (a person of the team, readable dates and
times on the 5-minute grid, the order of the days and hours, at most a year); whether the
person is already away then needs the database and lives in
:mod:`portal.planning.absence_operations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..i18n import _, _l
from ..models import AbsenceKind, StaffMember
from ..plain_text import PlainText, PlainTextForm
from ..staff.access import parse_id
from ..timeutil import end_of_local_day, local_datetime, start_of_local_day
from .calendar_forms import GRID_MINUTES, DayField, add_error, read_time, strip

NOTE_LENGTH = 200
# The longest absence one form may add, in days (a long leave still fits).
LONGEST_ABSENCE_DAYS = 366

# What each kind is called on the pages.
KIND_LABELS = {
    AbsenceKind.LEAVE: _l("Verlof"),
    AbsenceKind.TRAINING: _l("Opleiding"),
    AbsenceKind.SICK: _l("Ziekte"),
    AbsenceKind.OTHER: _l("Andere"),
}


@dataclass(frozen=True)
class AbsenceInput:
    """An absence as the planner typed it, checked: the span in aware UTC, and the local
    days and hours it was typed as (for the pages)."""

    staff_id: int
    kind: AbsenceKind
    note: str
    first_day: date
    last_day: date
    from_time: time | None
    to_time: time | None
    starts_at: datetime
    ends_at: datetime

    @property
    def whole_days(self) -> bool:
        """Whether the absence covers whole days (no hours were given)."""
        return self.from_time is None


def _time_field(label):
    """A wall-clock time field (browsers show a time picker on the 5-minute grid)."""
    return StringField(
        label,
        filters=[strip],
        validators=[Optional()],
        render_kw={"type": "time", "step": GRID_MINUTES * 60},
    )


class AbsenceForm(PlainTextForm):
    """A staff member's absence: the person (one of the team's active people), the kind,
    the first and last day (whole days), or hours on a single day, and a note."""

    person = SelectField(
        _l("Medewerker"),
        validate_choice=False,
        validators=[DataRequired(message=_l("Kies de medewerker die afwezig is."))],
    )
    kind = RadioField(
        _l("Soort afwezigheid"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=AbsenceKind.LEAVE.value,
        validate_choice=False,
        validators=[
            AnyOf([kind.value for kind in AbsenceKind], message=_l("Kies het soort afwezigheid."))
        ],
    )
    first_day = DayField(
        _l("Eerste dag"),
        validators=[DataRequired(message=_l("Vul de eerste dag van de afwezigheid in."))],
    )
    last_day = DayField(
        _l("Laatste dag"),
        description=_l("Leeg: alleen de eerste dag."),
        validators=[Optional()],
    )
    from_time = _time_field(_l("Vanaf (uur)"))
    to_time = _time_field(_l("Tot (uur)"))
    note = StringField(
        _l("Notitie"),
        description=_l("Niet verplicht. Alleen collega's met de planning lezen ze."),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=NOTE_LENGTH, message=_l("De notitie mag hoogstens 200 tekens lang zijn.")),
            PlainText(message=_l("De notitie bevat tekens die we niet kunnen gebruiken.")),
        ],
        render_kw={"maxlength": NOTE_LENGTH},
    )

    def __init__(self, *args, today: date, people: list[StaffMember], **kwargs):
        super().__init__(*args, **kwargs)
        # The first day an absence may start (today in Brussels), and who may be chosen.
        self.today = today
        self.people = {person.id: person for person in people}
        self.person.choices = [
            SelectChoice("", _("Kies een medewerker")),
            *(SelectChoice(str(person.id), person.name) for person in people),
        ]

    @property
    def chosen_person(self) -> StaffMember | None:
        """The person chosen, if they are one of the team's active people."""
        staff_id = parse_id(self.person.data)
        return self.people.get(staff_id) if staff_id is not None else None

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then: a person of the team, the days in order and not
        in the past, at most a year, and hours only on a single day, on the grid, in order."""
        valid = super().validate(extra_validators)
        if self.person.data and self.chosen_person is None:
            add_error(self.person, _("Kies een medewerker van het team uit de lijst."))
            valid = False
        first = self.first_day.day
        if first is None:
            return False
        last = self.last_day.day or first
        if first < self.today:
            add_error(self.first_day, _("Deze dag ligt in het verleden. Kies vandaag of later."))
            valid = False
        if last < first:
            add_error(self.last_day, _("De laatste dag ligt voor de eerste dag."))
            return False
        if (last - first).days >= LONGEST_ABSENCE_DAYS:
            add_error(self.last_day, _("Een afwezigheid duurt hoogstens 366 dagen."))
            valid = False
        return self._validate_hours(first, last) and valid

    def _validate_hours(self, first: date, last: date) -> bool:
        """Both hours or none; only on a single day; readable, on the grid, in order."""
        self.read_hours: tuple[time, time] | None = None
        raw_from, raw_to = self.from_time.data, self.to_time.data
        if not raw_from and not raw_to:
            return True
        if not raw_from or not raw_to:
            empty = self.to_time if raw_from else self.from_time
            add_error(empty, _("Vul zowel het beginuur als het einduur in, of geen van beide."))
            return False
        if last != first:
            add_error(
                self.from_time,
                _("Uren kunnen alleen bij een afwezigheid van één dag. Laat ze anders leeg."),
            )
            return False
        start, end = read_time(self.from_time), read_time(self.to_time)
        if start is None or end is None:
            return False
        if not start < end or not local_datetime(first, start) < local_datetime(first, end):
            add_error(self.to_time, _("Het einduur moet na het beginuur liggen."))
            return False
        self.read_hours = (start, end)
        return True

    def absence_input(self) -> AbsenceInput:
        """The checked form as plain data (call after :meth:`validate` said yes)."""
        first = self.first_day.day
        last = self.last_day.day or first
        if self.read_hours is None:
            start, end = start_of_local_day(first), end_of_local_day(last)
            hours = (None, None)
        else:
            hours = self.read_hours
            start, end = local_datetime(first, hours[0]), local_datetime(first, hours[1])
        return AbsenceInput(
            staff_id=self.chosen_person.id,
            kind=AbsenceKind(self.kind.data),
            note=self.note.data or "",
            first_day=first,
            last_day=last,
            from_time=hours[0],
            to_time=hours[1],
            starts_at=start,
            ends_at=end,
        )
