"""Services for planners: reading how complete their texts are, and creating or changing
a service with its texts and the people who may handle it.

The operations only flush and add their audit row; the request commits once. Changing a
service's duration or who may handle it does not touch visits that are already booked:
they keep the time and the clerk they were booked with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..models import AuditAction, Channel, Service, ServiceText, StaffMember
from ..staff.audit import record

# A service code: lower-case letters and digits in parts joined by hyphens.
CODE_MAX_LENGTH = 60
# The code of a service whose Dutch name has no letters or digits to make one from.
FALLBACK_CODE = "dienst"


class TextState(StrEnum):
    """How far a service's texts in one language are: complete, partly there, or absent."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    MISSING = "missing"


@dataclass(frozen=True)
class TextValues:
    """A service's texts in one language as a planner entered them (documents one per
    line, search keywords comma-separated, already tidied)."""

    name: str
    description: str
    documents: str
    keywords: str


@dataclass(frozen=True)
class ServiceSettings:
    """Everything a planner sets on a service. ``texts`` holds the languages that have a
    text; a language left out has none (residents then read the Dutch)."""

    team_id: int
    duration_minutes: int
    extra_minutes_per_person: int
    max_persons: int
    channel: Channel
    publicly_bookable: bool
    min_notice_minutes: int
    horizon_days: int
    active: bool
    staff_ids: frozenset[int]
    texts: dict[str, TextValues]


# The plain settings, compared and copied one by one (the team, staff and texts apart).
_PLAIN_FIELDS = (
    "duration_minutes",
    "extra_minutes_per_person",
    "max_persons",
    "channel",
    "publicly_bookable",
    "min_notice_minutes",
    "horizon_days",
    "active",
)


def text_state(service: Service, language: str) -> TextState:
    """How complete ``service``'s texts in ``language`` are: complete when the name is
    there, and the description and documents too wherever the Dutch has them."""
    text = service.texts.get(language)
    if text is None or not text.name.strip():
        return TextState.MISSING
    dutch = service.texts.get(DEFAULT_LANGUAGE)
    if dutch is not None:
        if dutch.document_list and not text.document_list:
            return TextState.INCOMPLETE
        if dutch.description.strip() and not text.description.strip():
            return TextState.INCOMPLETE
    return TextState.COMPLETE


def text_states(service: Service) -> dict[str, TextState]:
    """:func:`text_state` for every site language, in the site's order."""
    return {language: text_state(service, language) for language in LANGUAGES}


def services_of(session: Session, team_ids: list[int] | None) -> list[Service]:
    """The services of ``team_ids`` (every team for None), active or not, with their
    team, texts and staff loaded, by team and in the city's order."""
    query = (
        select(Service)
        .options(
            joinedload(Service.team),
            selectinload(Service.texts),
            selectinload(Service.staff),
        )
        .order_by(Service.team_id, Service.position, Service.id)
    )
    if team_ids is not None:
        query = query.where(Service.team_id.in_(team_ids))
    return list(session.scalars(query))


def handlers(service: Service) -> list[StaffMember]:
    """The active people who may handle ``service``: without any it cannot be booked."""
    return [member for member in service.staff if member.active]


def active_staff(session: Session, team_ids: list[int] | None) -> list[StaffMember]:
    """The active staff of ``team_ids`` (every team for None) with their languages, by
    team and name: the people a service can be given to."""
    query = (
        select(StaffMember)
        .where(StaffMember.active.is_(True))
        .options(selectinload(StaffMember.spoken_languages))
        .order_by(StaffMember.team_id, StaffMember.name, StaffMember.id)
    )
    if team_ids is not None:
        query = query.where(StaffMember.team_id.in_(team_ids))
    return list(session.scalars(query))


def slug(text: str) -> str:
    """A code made from ``text``: accents dropped, lower case, other characters as
    hyphens, at most :data:`CODE_MAX_LENGTH` characters (``"dienst"`` when nothing is left)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    parts = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return parts[:CODE_MAX_LENGTH].strip("-") or FALLBACK_CODE


def code_taken(session: Session, code: str) -> bool:
    """Whether a service already has ``code``."""
    return session.scalar(select(Service.id).where(Service.code == code)) is not None


def unique_code(session: Session, name: str) -> str:
    """A code no service has yet, made from ``name``: its slug, or the slug with ``-2``,
    ``-3``… when that is taken."""
    base = slug(name)
    taken = set(session.scalars(select(Service.code).where(Service.code.like(base + "%"))))
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: CODE_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _apply_texts(service: Service, texts: dict[str, TextValues]) -> bool:
    """Give ``service`` the texts in ``texts`` (removing languages left out); whether any
    text changed."""
    changed = False
    for language in LANGUAGES:
        wanted = texts.get(language)
        current = service.texts.get(language)
        if wanted is None:
            if current is not None:
                del service.texts[language]
                changed = True
            continue
        if current is None:
            service.texts[language] = ServiceText(language=language, **asdict(wanted))
            changed = True
            continue
        for key, value in asdict(wanted).items():
            if getattr(current, key) != value:
                setattr(current, key, value)
                changed = True
    return changed


def _apply_staff(session: Session, service: Service, settings: ServiceSettings) -> bool:
    """Let exactly the chosen active people of the service's team handle it (inactive
    people of that team keep their link, for when they come back); whether it changed."""
    chosen = []
    if settings.staff_ids:
        chosen = list(
            session.scalars(
                select(StaffMember).where(
                    StaffMember.id.in_(settings.staff_ids),
                    StaffMember.team_id == settings.team_id,
                    StaffMember.active.is_(True),
                )
            )
        )
    kept = [m for m in service.staff if not m.active and m.team_id == settings.team_id]
    wanted = {member.id: member for member in [*chosen, *kept]}
    if {member.id for member in service.staff} == set(wanted):
        return False
    service.staff = list(wanted.values())
    return True


def _apply(session: Session, service: Service, settings: ServiceSettings) -> list[str]:
    """Copy ``settings`` onto ``service``; the names of what changed."""
    changed = []
    for name in _PLAIN_FIELDS:
        value = getattr(settings, name)
        if getattr(service, name) != value:
            setattr(service, name, value)
            changed.append(name)
    if service.team_id != settings.team_id:
        service.team_id = settings.team_id
        changed.append("team")
    if _apply_staff(session, service, settings):
        changed.append("staff")
    if _apply_texts(service, settings.texts):
        changed.append("texts")
    return changed


def update_service(
    session: Session, actor: StaffMember, service: Service, settings: ServiceSettings
) -> list[str]:
    """Change ``service`` to ``settings`` and write a ``service.update`` audit row when
    anything changed; the names of what changed (empty when nothing did). Booked visits
    stay as they are. Flushes."""
    old_team_id = service.team_id
    changed = _apply(session, service, settings)
    if not changed:
        return changed
    session.flush()
    detail = {"service": service.id, "changed": changed}
    if old_team_id != service.team_id:
        detail["from_team"] = old_team_id
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "service.update",
        team_id=service.team_id,
        detail=detail,
    )
    return changed


def create_service(
    session: Session,
    actor: StaffMember,
    settings: ServiceSettings,
    *,
    code: str | None,
    topic: str,
) -> Service:
    """A new service with ``settings`` under ``topic``, listed after the others, with
    ``code`` or one made from its Dutch name; writes a ``service.create`` audit row.
    Flushes: a code taken in the meantime fails there (IntegrityError)."""
    dutch_name = settings.texts[DEFAULT_LANGUAGE].name
    last_position = session.scalar(select(func.max(Service.position))) or 0
    service = Service(
        code=code or unique_code(session, dutch_name),
        team_id=settings.team_id,
        topic=topic,
        position=last_position + 1,
    )
    session.add(service)
    _apply(session, service, settings)
    session.flush()
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "service.create",
        team_id=service.team_id,
        detail={"service": service.id, "code": service.code},
    )
    return service
