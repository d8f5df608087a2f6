"""Planning, for team planners and administrators: the rota generator's plans (draft,
review, publish), the teams' counter needs, opening hours and closures, and services.

The views attach to the staff blueprint (``/medewerkers/planning/…``), so sign-in, the
idle timeout and the menu are the staff workspace's. This package's ``__init__`` imports
nothing: :mod:`portal.routes` loads the page modules before the app registers the
workspace, and the workspace's package never imports this one, so there is no circle.
"""
