"""Planning, for team planners and administrators: the rota generator's plans (draft,
review, publish), the teams' counter needs, opening hours and closures, and services.

The views attach to the staff blueprint (``/medewerkers/planning/…``), so sign-in, the
idle timeout and the menu are the staff workspace's.
"""

from . import (  # noqa: F401 - routes register on import
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
