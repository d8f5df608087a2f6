"""The forms of a follow-up: what the clerk plans (subject, services, persons, with whom,
the window, counter or back office, book now or invite), the time it is booked at, and a
later last day for an invitation.

Every value is read strictly and checked here, so a wrong choice is a Dutch message on
the form (tied to its field) and never an error of the database or a 500. The checks
that need the database (which services, who is qualified) get what they need as plain
data from the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired

from ..booking.selection import MAX_SERVICES_PER_VISIT
from ..booking.steps import MAX_PERSONS_SHOWN
from ..i18n import _, _l, current_language
from ..models import DossierSubject, Service, StaffMember
from ..models.services import staff_service
from ..plain_text import PlainTextForm
from ..staff.access import parse_date, parse_id
from ..staff.on_behalf_forms import REQUEST_KEY, new_request_key
from .follow_up_operations import MAX_WINDOW_DAYS

# The "with whom" value that lets any qualified colleague of the team take the visit.
ANY_COLLEAGUE = "any"
COUNTER, BACK_OFFICE = "counter", "back_office"
BOOK_NOW, INVITE = "book", "invite"
# More ``service`` values than this is not a choice from the page.
MAX_SERVICE_VALUES = 20


def default_window(subject: DossierSubject, today: date) -> tuple[date, date]:
    """The subject's usual window from ``today``: its first day after the usual wait,
    for the usual number of days (an eID's letter: from three weeks on)."""
    earliest = today + timedelta(days=subject.follow_up_after_days)
    return earliest, earliest + timedelta(days=max(subject.follow_up_window_days, 1) - 1)


def qualified_staff_ids(session: Session, team_id: int, service_ids: Sequence[int]) -> set[int]:
    """The active members of team ``team_id`` who may handle every one of the services."""
    if not service_ids:
        return set()
    query = (
        select(staff_service.c.staff_id)
        .join(StaffMember, StaffMember.id == staff_service.c.staff_id)
        .where(
            staff_service.c.service_id.in_(list(service_ids)),
            StaffMember.team_id == team_id,
            StaffMember.filter_active(),
        )
        .group_by(staff_service.c.staff_id)
        .having(func.count() == len(set(service_ids)))
    )
    return set(session.scalars(query))


@dataclass(frozen=True)
class PlanChoices:
    """What the plan form offers, read from the database by the view: the team's active
    subjects (empty when the dossier has one), services and members."""

    subjects: Sequence[DossierSubject]
    services: Sequence[Service]
    members: Sequence[StaffMember]


class PlanForm(PlainTextForm):
    """The next step of a dossier. The choices are the team's; the server checks every
    value again against them."""

    # Made when the form is shown, sent back with it: a second send of the same form (a
    # double click, a reload) finds the follow-up the first one planned.
    request_key = HiddenField(default=new_request_key)
    subject = SelectField(_l("Soort dossier"), validate_choice=False)
    services = StringField(_l("Diensten"))  # checkboxes; read from the raw values
    persons = SelectField(
        _l("Voor hoeveel personen?"),
        choices=[str(n) for n in range(1, MAX_PERSONS_SHOWN + 1)],
        default="1",
        validate_choice=False,
    )
    staff = SelectField(
        _l("Bij wie?"),
        description=_l(
            "De medewerker moet deze diensten mogen afhandelen. Met 'elke bevoegde collega' "
            "kan de bewoner ook bij een collega van het team terecht."
        ),
        validate_choice=False,
    )
    earliest = StringField(
        _l("Vroegste datum"),
        description=_l("Leeg: de gebruikelijke termijn van het soort dossier."),
        render_kw={"type": "date"},
    )
    latest = StringField(
        _l("Laatste datum"),
        description=_l("Leeg: de gebruikelijke termijn van het soort dossier."),
        render_kw={"type": "date"},
    )
    kind = RadioField(
        _l("Soort afspraak"),
        choices=[
            SelectChoice(COUNTER, _l("Bezoek aan de balie, met de bewoner")),
            SelectChoice(
                BACK_OFFICE,
                _l("Backofficetijd: werk aan het dossier zonder de bewoner (geen e-mail)"),
            ),
        ],
        default=COUNTER,
        validate_choice=False,
        validators=[InputRequired(message=_l("Kies het soort afspraak."))],
    )

    def setup(self, choices: PlanChoices, *, default_staff: str) -> None:
        """Fill the lists with the team's subjects and members; without subjects (the
        dossier already has one) the subject field goes."""
        self.choices = choices
        language = current_language()
        if choices.subjects:
            self.subject.choices = [("", _("Kies een soort dossier"))] + [
                (str(subject.id), subject.name(language)) for subject in choices.subjects
            ]
        else:
            del self.subject
        self.staff.choices = [(str(member.id), member.name) for member in choices.members] + [
            (ANY_COLLEAGUE, _("Elke bevoegde collega van het team"))
        ]
        if not self.is_submitted():
            self.staff.data = default_staff

    def one_time_key(self) -> str | None:
        """The form's one-time key as sent, or None when it is missing or malformed."""
        key = self.request_key.data or ""
        return key if REQUEST_KEY.fullmatch(key) else None

    def chosen_service_ids(self) -> list[str]:
        """The ticked services as sent (raw values)."""
        return list(self.services.raw_data or [])


@dataclass
class PlanValues:
    """A valid plan form, as plain values for the operations."""

    subject: DossierSubject | None
    services: list[Service]
    persons: int
    staff_id: int
    any_colleague: bool
    earliest: date
    latest: date
    back_office: bool
    invite: bool


def _fail(field, message: str) -> None:
    """Add ``message`` to ``field``'s errors."""
    field.errors = [*list(field.errors or []), message]


def _services(form: PlanForm, team_name: str) -> list[Service] | None:
    """The ticked services, if they are of the team and can be one visit."""
    raw = form.chosen_service_ids()
    if not raw:
        _fail(form.services, _("Kies minstens één dienst."))
        return None
    offered = {str(service.id): service for service in form.choices.services}
    if len(raw) > MAX_SERVICE_VALUES or any(value not in offered for value in raw):
        _fail(
            form.services, _("Kies alleen diensten van team %(team)s uit de lijst.", team=team_name)
        )
        return None
    services = [offered[value] for value in dict.fromkeys(raw)]
    if len(services) > MAX_SERVICES_PER_VISIT or len({s.channel for s in services}) != 1:
        _fail(
            form.services,
            _(
                "Kies hoogstens vier diensten die op dezelfde manier geleverd worden "
                "(aan de balie of in de backoffice)."
            ),
        )
        return None
    return services


def _persons(form: PlanForm, services: list[Service] | None) -> int | None:
    """The number of persons, if the services allow so many."""
    raw = form.persons.data or ""
    persons = parse_id(raw) if len(raw) <= 2 else None
    if persons is None or persons > MAX_PERSONS_SHOWN:
        _fail(form.persons, _("Kies het aantal personen uit de lijst."))
        return None
    if services and persons > min(service.max_persons for service in services):
        most = min(service.max_persons for service in services)
        _fail(form.persons, _("Deze diensten laten hoogstens %(num)s personen toe.", num=most))
        return None
    return persons


def _subject(form: PlanForm, dossier_subject: DossierSubject | None) -> DossierSubject | None:
    """The dossier's subject, or the one chosen for a new dossier."""
    if dossier_subject is not None:
        return dossier_subject
    subjects = {str(subject.id): subject for subject in form.choices.subjects}
    chosen = subjects.get(form.subject.data or "")
    if chosen is None:
        _fail(form.subject, _("Kies een soort dossier uit de lijst."))
    return chosen


def _window(
    form: PlanForm, subject: DossierSubject | None, today: date
) -> tuple[date, date] | None:
    """The window: the dates as entered, the subject's usual ones where left empty."""
    raw_earliest = (form.earliest.data or "").strip()
    raw_latest = (form.latest.data or "").strip()
    unreadable = _("Deze datum kunnen we niet lezen. Kies een datum in de kalender (JJJJ-MM-DD).")
    earliest = parse_date(raw_earliest) if raw_earliest else None
    latest = parse_date(raw_latest) if raw_latest else None
    if raw_earliest and earliest is None:
        _fail(form.earliest, unreadable)
    if raw_latest and latest is None:
        _fail(form.latest, unreadable)
    if form.earliest.errors or form.latest.errors:
        return None
    if subject is None and (earliest is None or latest is None):
        return None  # the subject's own error says what to do
    if earliest is None:
        earliest = default_window(subject, today)[0]
    if latest is None:
        days = max(subject.follow_up_window_days, 1) if subject else 1
        latest = max(earliest, today) + timedelta(days=days - 1)
    if earliest < today:
        _fail(form.earliest, _("De vroegste datum ligt in het verleden. Kies vandaag of later."))
    elif latest < earliest:
        _fail(form.latest, _("De laatste datum ligt vóór de vroegste datum."))
    elif (latest - today).days > MAX_WINDOW_DAYS:
        _fail(form.latest, _("De laatste datum ligt hoogstens een jaar na vandaag."))
    return None if form.earliest.errors or form.latest.errors else (earliest, latest)


def _staff(form: PlanForm, qualified: set[int], preferred: int | None) -> tuple[int, bool] | None:
    """(the follow-up's clerk, any colleague) as chosen: a chosen clerk must be qualified;
    "any colleague" is kept in the name of ``preferred`` (the signed-in clerk) when
    qualified, else of the first qualified colleague by name."""
    raw = form.staff.data or ""
    members = {str(member.id): member for member in form.choices.members}
    if raw == ANY_COLLEAGUE:
        ordered = [member.id for member in form.choices.members if member.id in qualified]
        if not ordered:
            _fail(form.staff, _("Niemand van het team mag deze diensten afhandelen."))
            return None
        return (preferred if preferred in qualified else ordered[0]), True
    member = members.get(raw)
    if member is None:
        _fail(form.staff, _("Kies een medewerker uit de lijst."))
        return None
    if member.id not in qualified:
        _fail(
            form.staff,
            _(
                "%(name)s mag deze diensten niet afhandelen. Kies een andere medewerker.",
                name=member.name,
            ),
        )
        return None
    return member.id, False


def plan_values(
    form: PlanForm,
    *,
    session: Session,
    team_id: int,
    team_name: str,
    dossier_subject: DossierSubject | None,
    preferred_staff_id: int | None,
    action: str | None,
    today: date,
) -> PlanValues | None:
    """The plan as plain values, or None with the problems on the form's fields."""
    form.validate()  # CSRF and the kind
    subject = _subject(form, dossier_subject)
    services = _services(form, team_name)
    persons = _persons(form, services)
    window = _window(form, subject, today)
    staff = None
    if services:
        qualified = qualified_staff_ids(session, team_id, [s.id for s in services])
        staff = _staff(form, qualified, preferred_staff_id)
    back_office = form.kind.data == BACK_OFFICE
    if form.kind.data not in (COUNTER, BACK_OFFICE) and not form.kind.errors:
        _fail(form.kind, _("Kies het soort afspraak."))
    if action not in (BOOK_NOW, INVITE):
        _fail(form.kind, _("Kies of u nu een tijdstip boekt of een uitnodiging stuurt."))
    elif action == INVITE and back_office:
        _fail(
            form.kind,
            _(
                "Backofficetijd boekt u meteen: de bewoner komt niet. "
                "Kies 'Nu een tijdstip boeken'."
            ),
        )
    if any(field.errors for field in form) or None in (subject, services, persons, window, staff):
        return None
    return PlanValues(
        subject=subject,
        services=services,
        persons=persons,
        staff_id=staff[0],
        any_colleague=staff[1],
        earliest=window[0],
        latest=window[1],
        back_office=back_office,
        invite=action == INVITE,
    )


class TimeForm(PlainTextForm):
    """The time the follow-up is booked at (a free start of the chosen day), and for a
    follow-up any colleague may take, the clerk."""

    start = RadioField(
        _l("Tijdstip"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Kies een tijdstip."))],
    )
    staff_id = SelectField(_l("Bij medewerker"), validate_choice=False, default="")


class ExtendForm(PlainTextForm):
    """A later last day for an invitation."""

    latest = StringField(
        _l("Nieuwe laatste datum"),
        validators=[InputRequired(message=_l("Kies de nieuwe laatste datum."))],
        render_kw={"type": "date"},
    )

    def new_latest(self, earliest: date, today: date) -> date | None:
        """The new last day, or None with the problem on the field."""
        if not self.validate():
            return None
        latest = parse_date((self.latest.data or "").strip())
        if latest is None:
            _fail(
                self.latest,
                _("Deze datum kunnen we niet lezen. Kies een datum in de kalender (JJJJ-MM-DD)."),
            )
        elif latest < max(earliest, today):
            message = _(
                "De nieuwe laatste datum ligt vóór het begin van de periode of in het verleden."
            )
            _fail(self.latest, message)
        elif (latest - today).days > MAX_WINDOW_DAYS:
            _fail(self.latest, _("De laatste datum ligt hoogstens een jaar na vandaag."))
        return None if self.latest.errors else latest
