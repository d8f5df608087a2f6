"""The clerk's notification list (``/medewerkers/dossiers/meldingen``): what residents
did with the visits of the dossiers the clerk owns, and the new rotas that change the
person's shifts (:mod:`portal.planning.rota_news`).

Endpoints (``staff.dossiers.*``, every visit role, each person their own list):

* ``notifications`` (GET): newest first, the unread ones marked, each in words (the
  resident moved the visit from X to Y, cancelled it, booked through the invitation, did
  not come) with links to the visit and the dossier; a missed dossier visit offers
  "invite again". Audited (``dossier.notifications``: it names residents).
* ``notifications_read`` (POST ``…/gelezen``): mark them all read.
* ``notification_setting`` (POST ``…/instelling``): also mail me, or not; the language of
  the mails about a new rota.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import LANGUAGES, _, ngettext
from ..models import AuditAction, NotificationKind, StaffMember, StaffNotification
from ..notifications.summary import local_moment
from ..staff.access import VISIT_ROLES, roles_required
from ..staff.audit import record
from ..timeutil import utcnow
from . import blueprint
from .forms import NotifySettingForm
from .pages import plan_follow_up_url
from .queries import notifications_of

# The keys under which a move notes the old and the new start (ISO 8601).
OLD_KEYS = ("from", "old_start", "old")
NEW_KEYS = ("to", "new_start", "new")


def mark_all_read(session: Session, member: StaffMember, now: datetime) -> int:
    """Mark every unread notification of ``member`` read; how many there were."""
    return session.execute(
        update(StaffNotification)
        .where(StaffNotification.filter_unread_of(member.id))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def _moment(detail: dict, keys: tuple[str, ...]) -> str | None:
    """The moment a notification's detail notes under one of ``keys``, as people read
    it in Brussels; None when it has none (or none readable)."""
    for key in keys:
        value = detail.get(key) if isinstance(detail, dict) else None
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is not None:
                return local_moment(moment)
    return None


def _count(detail: dict, key: str) -> int:
    """A whole number from a notification's detail (0 when it holds none)."""
    value = detail.get(key) if isinstance(detail, dict) else None
    return value if isinstance(value, int) and value >= 0 else 0


def describe_rota(notification: StaffNotification) -> str:
    """A new rota that changes the reader's shifts, in words."""
    plan, detail = notification.plan, notification.detail
    days = _count(detail, "changed_days")
    return ngettext(
        "Nieuwe beurtrol van %(first)s tot en met %(last)s: uw beurten veranderen op "
        "%(num)s dag, u staat %(counter)s keer aan de balie.",
        "Nieuwe beurtrol van %(first)s tot en met %(last)s: uw beurten veranderen op "
        "%(num)s dagen, u staat %(counter)s keer aan de balie.",
        days,
        first=format_date(plan.first_day, "long") if plan else "—",
        last=format_date(plan.last_day, "long") if plan else "—",
        counter=_count(detail, "counter_turns"),
    )


def describe(notification: StaffNotification) -> str:
    """What happened, in words, in the reader's language."""
    if notification.kind == NotificationKind.ROTA:
        return describe_rota(notification)
    visit, dossier = notification.appointment, notification.dossier
    name = (dossier.resident_name if dossier else "") or _("De bewoner")
    reference = visit.reference if visit else "—"
    when = local_moment(visit.starts_at) if visit else "—"
    kind = notification.kind
    if kind == NotificationKind.MOVED:
        old = _moment(notification.detail, OLD_KEYS)
        new = _moment(notification.detail, NEW_KEYS) or when
        if old:
            return _(
                "%(name)s heeft afspraak %(reference)s verplaatst van %(old)s naar %(new)s.",
                name=name,
                reference=reference,
                old=old,
                new=new,
            )
        return _(
            "%(name)s heeft afspraak %(reference)s verplaatst naar %(new)s.",
            name=name,
            reference=reference,
            new=new,
        )
    if kind == NotificationKind.CANCELLED:
        return _(
            "%(name)s heeft afspraak %(reference)s van %(when)s geannuleerd.",
            name=name,
            reference=reference,
            when=when,
        )
    if kind == NotificationKind.BOOKED:
        return _(
            "%(name)s heeft via de uitnodiging afspraak %(reference)s geboekt op %(when)s.",
            name=name,
            reference=reference,
            when=when,
        )
    if kind == NotificationKind.NO_SHOW:
        return _(
            "%(name)s is niet gekomen naar afspraak %(reference)s van %(when)s.",
            name=name,
            reference=reference,
            when=when,
        )
    return _(
        "Afspraak %(reference)s van %(when)s moet verplaatst worden: %(name)s werd gevraagd "
        "een nieuw tijdstip te kiezen.",
        name=name,
        reference=reference,
        when=when,
    )


@blueprint.get("/meldingen", endpoint="notifications")
@roles_required(*VISIT_ROLES)
def notifications():
    """The signed-in person's notifications, newest first, unread ones marked."""
    now = utcnow()
    rows = notifications_of(db.session, current_user)
    lines = [
        {
            "notification": row,
            "text": describe(row),
            "unread": row.read_at is None,
            "invite_again": (
                plan_follow_up_url(row.dossier_id)
                if row.kind == NotificationKind.NO_SHOW and row.dossier_id
                else None
            ),
        }
        for row in rows
    ]
    setting = NotifySettingForm(formdata=None, prefix="setting")
    setting.notify_by_mail.data = current_user.notify_by_mail
    if current_user.mail_language in LANGUAGES:
        setting.mail_language.data = current_user.mail_language
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "dossier.notifications",
        team_id=current_user.team_id,
        detail={"lines": len(lines), "unread": sum(line["unread"] for line in lines)},
        now=now,
    )
    html = render_template(
        "dossiers/notifications.html",
        lines=lines,
        unread=sum(line["unread"] for line in lines),
        setting=setting,
        local_moment=local_moment,
    )
    db.session.commit()
    return html


@blueprint.post("/meldingen/gelezen", endpoint="notifications_read")
@roles_required(*VISIT_ROLES)
def post_notifications_read():
    """Mark all of the signed-in person's notifications read (the workspace's CSRF
    protection checks the form's token)."""
    count = mark_all_read(db.session, current_user, utcnow())
    db.session.commit()
    if count:
        flash(_("Alle meldingen zijn als gelezen gemarkeerd."), "success")
    return redirect(url_for("staff.dossiers.notifications"))


@blueprint.post("/meldingen/instelling", endpoint="notification_setting")
@roles_required(*VISIT_ROLES)
def post_notification_setting():
    """Whether the signed-in person also gets each notification by mail, and in which
    language the mails about a new rota come."""
    form = NotifySettingForm(prefix="setting")
    if not form.validate_on_submit():
        flash(_("De instelling kon niet bewaard worden. Probeer het opnieuw."), "error")
        return redirect(url_for("staff.dossiers.notifications"))
    current_user.notify_by_mail = bool(form.notify_by_mail.data)
    current_user.mail_language = form.mail_language.data
    db.session.commit()
    if current_user.notify_by_mail:
        flash(_("U krijgt voortaan ook een e-mail bij elke melding."), "success")
    else:
        flash(_("U krijgt geen e-mails meer bij meldingen; de lijst blijft."), "success")
    return redirect(url_for("staff.dossiers.notifications"))
