"""The dossier pages' routes: they register on import."""

from . import (  # noqa: F401
    follow_up_booking,
    follow_ups,
    invitations,
    new_dossier,
    notifications_page,
    pages,
)
