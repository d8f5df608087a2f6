"""The dossier pages' routes: they register on import."""

from . import follow_ups, pages  # noqa: F401
