"""Every page and API route of the portal, loaded in one place.

A web package's ``__init__`` only makes its blueprint (and the hooks that go with it); the
modules that attach views to it are imported here, once, before the app factory registers
the blueprints (Flask refuses new routes on a blueprint an app already has). So importing a
helper such as :mod:`portal.booking.settings` or :mod:`portal.staff.access` never pulls in
the pages that use it, and no package imports itself back through them: the import graph of
``portal`` has no circle (``tests/unit/test_import_graph.py``).

The dossiers' and interpreters' blueprints nest themselves in the staff workspace's when
they are imported; the planners' pages attach to the workspace's own blueprint.
"""

from __future__ import annotations

# ruff: noqa: F401 - each import attaches routes to a blueprint; nothing else is used
from .accounts import pages as account_pages
from .accounts import reset_pages
from .api import booking as api_booking
from .api import invitations as api_invitations
from .api import views as api_views
from .booking import code_access, day_parts, done_page, invitation, manage
from .booking import views as booking_views
from .dossiers import views as dossier_views
from .interpreters import pages as interpreter_pages
from .planning import (
    absences,
    closures,
    home,
    language_wishes,
    opening_hours,
    plans,
    publish,
    services,
    subjects,
    team_settings,
)
from .privacy import pages as privacy_pages
from .public import views as public_views
from .staff import (
    audit_log,
    auth,
    calendars,
    call_display,
    feed,
    on_behalf,
    printout,
    progress,
    queue_slip,
    reception,
    today,
    visit,
    waiting_room,
)
from .staff import views as staff_views
from .statistics import pages as statistics_pages
