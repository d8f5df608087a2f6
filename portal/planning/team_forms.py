"""The form of a team's rota settings: how many people each counter turn of the regular
week needs, the target share of counter time, the reserved capacity (the share of each
counter turn online booking does not offer, and how many working days ahead it opens),
the languages wanted at the counter, and per person their working days and contract.

The form has a field per turn and per person, so its class is made per request
(:func:`team_settings_form`). Messages name the turn or the person they are about, so
the error summary at the top can be read on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from flask_babel import format_date, format_time
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import _, _l
from ..models import OpeningSchedule, StaffMember
from ..plain_text import PlainTextForm
from ..scheduling.rota_turns import split_block
from .plan_forms import Between, WholeNumberField, choice_values

# The weekdays a person can work (0 is Monday; 5 means they take Saturday turns).
WORKING_DAYS = "012345"
# Any Monday: weekday names are formatted from it.
_A_MONDAY = date(2024, 1, 1)


@dataclass(frozen=True)
class NeedTurn:
    """A counter turn of the regular week: weekday, from–to (Brussels wall clock), and
    the start of the opening block it was split from."""

    weekday: int
    start: time
    end: time
    block_start: time

    @property
    def field_name(self) -> str:
        """The name of the turn's field in the form."""
        return f"need_{self.weekday}_{self.start:%H%M}"

    @property
    def hours(self) -> str:
        """ "09:00–12:30" for labels."""
        return f"{format_time(self.start, 'HH:mm')}–{format_time(self.end, 'HH:mm')}"


def weekday_name(weekday: int) -> str:
    """The weekday's name in the reader's language ("maandag")."""
    return format_date(_A_MONDAY.replace(day=1 + weekday), "EEEE")


def regular_schedule(session: Session, today: date) -> OpeningSchedule | None:
    """The open-ended opening schedule in force today (the latest to start), else the
    first one still to come; None when there is none."""
    schedules = session.scalars(
        select(OpeningSchedule)
        .where(OpeningSchedule.valid_until.is_(None))
        .options(selectinload(OpeningSchedule.blocks))
    ).all()
    current = [s for s in schedules if s.valid_from is None or s.valid_from <= today]
    if current:
        return max(current, key=lambda s: (s.valid_from or date.min, s.id))
    return min(schedules, key=lambda s: (s.valid_from, s.id)) if schedules else None


def need_turns(schedule: OpeningSchedule | None) -> list[NeedTurn]:
    """The turns of the schedule's week, split as the generator splits them (Wednesday
    09:00–16:00 is two turns)."""
    if schedule is None:
        return []
    turns = [
        NeedTurn(block.weekday, start, end, block.opens)
        for block in schedule.blocks
        for start, end in split_block(block.opens, block.closes)
    ]
    return sorted(turns, key=lambda turn: (turn.weekday, turn.start))


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; a value that is not one of them gets our message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Every ticked value must be one of the choices."""
        allowed = choice_values(self.choices)
        if any(value not in allowed for value in self.data or ()):
            raise StopValidation(str(_l("Kies alleen uit de lijst.")))


def _at_least_one(message: str):
    def check(form, field):
        if not field.data:
            raise ValidationError(message)

    return check


def team_settings_form(
    turns: list[NeedTurn],
    people: list[StaffMember],
    language_choices: list[SelectChoice],
    data: dict,
) -> FlaskForm:
    """The settings form for these turns and people; ``data`` holds the values shown
    when the form was not sent (``need_…``, ``target``, ``reserved_percent``,
    ``reserved_release_days``, ``languages``, ``days_…``, ``fraction_…``)."""

    class TeamSettingsForm(PlainTextForm):
        """Needs per turn, target, reserved capacity, languages, and per person days
        and contract."""

        target = WholeNumberField(
            _l("Doel: deel van de werktijd aan de balie (%)"),
            description=_l("Per persoon, over een periode. De stad mikt op ongeveer 35%."),
            validators=[
                InputRequired(message=_l("Vul het doel in, van 0 tot 100%.")),
                Between(0, 100, message=_l("Het doel ligt tussen 0 en 100%.")),
            ],
            render_kw={"min": 0, "max": 100},
        )
        reserved_percent = WholeNumberField(
            _l("Gereserveerd deel van elke baliebeurt (%)"),
            description=_l(
                "Dit deel van het einde van elke baliebeurt kunnen bewoners niet online "
                "boeken. Het blijft vrij voor vervolgafspraken, uitnodigingen en afspraken "
                "die medewerkers maken. Zet 0 om niets te reserveren; hoogstens 90%."
            ),
            message=_l("Vul voor het gereserveerde deel een getal van 0 tot 90 in."),
            validators=[
                InputRequired(message=_l("Vul het gereserveerde deel in, van 0 tot 90%.")),
                Between(0, 90, message=_l("Het gereserveerde deel ligt tussen 0 en 90%.")),
            ],
            render_kw={"min": 0, "max": 90},
        )
        reserved_release_days = WholeNumberField(
            _l("Vrijgeven na (werkdagen vooraf)"),
            description=_l(
                "Gereserveerde tijd die op de eerstvolgende zoveel werkdagen (vandaag "
                "inbegrepen) nog vrij is, kan iedereen online boeken. Met 0 blijft ze "
                "altijd gereserveerd; hoogstens 30 werkdagen."
            ),
            message=_l("Vul voor het vrijgeven een aantal werkdagen van 0 tot 30 in."),
            validators=[
                InputRequired(message=_l("Vul in na hoeveel werkdagen, van 0 tot 30.")),
                Between(0, 30, message=_l("Het vrijgeven ligt tussen 0 en 30 werkdagen.")),
            ],
            render_kw={"min": 0, "max": 30},
        )
        queue_letter = StringField(
            _l("Letter van de volgnummers"),
            description=_l(
                "Het scherm in de wachtzaal roept bewoners met deze letter en hun nummer, "
                "bijvoorbeeld B-014. Eén of twee hoofdletters, anders dan die van de "
                "andere teams."
            ),
            filters=[lambda value: (value or "").strip().upper()],
            validators=[
                InputRequired(message=_l("Vul de letter van de volgnummers in.")),
                Regexp(
                    r"^[A-Z]{1,2}$",
                    message=_l("De letter van de volgnummers is één of twee letters, A tot Z."),
                ),
            ],
            render_kw={"maxlength": 2, "autocomplete": "off", "class": "short"},
        )
        languages = CheckboxesField(
            _l("Talen aan de balie"),
            description=_l(
                "Het portaal probeert in elke beurt iemand te zetten die deze talen spreekt."
            ),
            choices=language_choices,
        )

    for turn in turns:
        label = f"{weekday_name(turn.weekday)} {turn.hours}"
        message = _("Vul voor %(turn)s een aantal van 0 tot 50 in.", turn=label)
        field = WholeNumberField(
            turn.hours,
            message=message,
            validators=[InputRequired(message=message), Between(0, 50, message=message)],
            render_kw={"min": 0, "max": 50},
        )
        setattr(TeamSettingsForm, turn.field_name, field)
    day_choices = [SelectChoice(digit, weekday_name(int(digit))) for digit in WORKING_DAYS]
    for member in people:
        setattr(
            TeamSettingsForm,
            f"days_{member.id}",
            CheckboxesField(
                _l("Werkdagen"),
                choices=day_choices,
                validators=[
                    _at_least_one(_("Kies minstens één werkdag voor %(name)s.", name=member.name))
                ],
            ),
        )
        message = _("Het contract van %(name)s ligt tussen 10 en 100%%.", name=member.name)
        setattr(
            TeamSettingsForm,
            f"fraction_{member.id}",
            WholeNumberField(
                _l("Contract (% van voltijds)"),
                message=message,
                validators=[InputRequired(message=message), Between(10, 100, message=message)],
                render_kw={"min": 10, "max": 100},
            ),
        )
    return TeamSettingsForm(data=data)
