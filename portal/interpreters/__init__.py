"""Planning interpreters: which coming visits need one, and whether a visit's language is
spoken by a colleague on counter duty.

- :mod:`.coverage`: the one rule "is this visit's language covered" (reusable for flags);
- :mod:`.needs`: the list of visits that need an interpreter, grouped per language and day;
- :mod:`.export`: that list as a spreadsheet-safe CSV file;
- :mod:`.pages`: the staff pages (``/medewerkers/tolken``), a blueprint nested in the staff
  workspace; the app factory imports it before it registers the workspace.

This package's own ``__init__`` imports nothing, so the planning pages can reuse the list
(the team settings' language counts) without pulling the pages in.
"""
