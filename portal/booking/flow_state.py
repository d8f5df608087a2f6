"""What the resident's browser session remembers between the booking steps, and what the
steps do with it once a visit was booked.

* ``HOLD_KEY``: the token of the time being held (the details and review steps need it);
* ``DONE_KEY``: the visit this browser just booked: the "almost done" page shows it, and
  only this browser may have its activation mail sent again or its address corrected;
* ``DRAFT_KEY``: the contact details typed for a hold that ran out, handed to the next
  hold so that the details page opens filled in. Only the contact draft, nothing else.

The session is a signed cookie: the draft travels to the resident's own browser and back,
and disappears with the browser session. A browser refuses a cookie of more than about
4 KB, so a draft too long for it is kept without its remark (the one long free text).
"""

from __future__ import annotations

import dataclasses
import json

from flask import flash, redirect, request, session, url_for

from ..i18n import _
from . import blueprint
from .contact import ContactDetails

HOLD_KEY = "booking_hold"
DONE_KEY = "booking_done"
DRAFT_KEY = "booking_draft"

# The contact fields a draft may carry (the details form's fields, no token).
DRAFT_FIELDS = tuple(field.name for field in dataclasses.fields(ContactDetails))
# The most characters of JSON (non-ASCII written as \uXXXX, as the session writes it)
# a kept draft may take, so that the session cookie stays well below 4 KB.
MAX_DRAFT_CHARS = 2000
# The pages that show a hold or a just-booked visit: never served from the browser's
# cache, so that "back" asks the server where the booking stands.
NO_STORE_ENDPOINTS = frozenset({"booking.details", "booking.review", "booking.done"})


def keep_draft(draft: dict | None) -> None:
    """Remember the contact details typed for a hold that ran out (nothing when none
    were typed: a draft with only the page's defaults says nothing of the resident). A
    draft too long for the session cookie is kept without its remark."""
    if not draft or not (draft.get("name") or draft.get("email")):
        return
    kept = {field: draft[field] for field in DRAFT_FIELDS if field in draft}
    if len(json.dumps(kept)) > MAX_DRAFT_CHARS:
        kept.pop("remark", None)
    if len(json.dumps(kept)) > MAX_DRAFT_CHARS:
        return
    session[DRAFT_KEY] = kept


def kept_draft() -> dict | None:
    """The contact details kept from a hold that ran out, or None (left in the session
    until :func:`start_new_booking`: a refused hold must not lose them)."""
    draft = session.get(DRAFT_KEY)
    return dict(draft) if isinstance(draft, dict) else None


def start_new_booking() -> None:
    """A new time is held: the kept draft went to it, and the visit booked before is no
    longer "this booking" (back on a step page no longer leads to it)."""
    session.pop(DRAFT_KEY, None)
    session.pop(DONE_KEY, None)


def just_booked_id() -> int | None:
    """The id of the visit this browser booked last, or None."""
    value = session.get(DONE_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def to_booked_visit():
    """Where a step page sends a browser whose time is gone: to the visit it just booked,
    with a word why (the back button after submitting), or None when it booked nothing."""
    if just_booked_id() is None:
        return None
    flash(_("U hebt deze afspraak al aangevraagd. Hier ziet u hoe ze ervoor staat."), "success")
    return redirect(url_for("booking.done"))


@blueprint.after_request
def _no_store(response):
    """The step pages with a hold and the "almost done" page are never cached: "back"
    after submitting asks the server again instead of showing a stale form."""
    if request.endpoint in NO_STORE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response
