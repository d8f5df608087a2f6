"""Staff accounts beyond signing in: setting a forgotten password by a mailed link, and
the administrators' page that manages the accounts.

- :mod:`.links`: the single-use links that set a password (made, looked at, used);
- :mod:`.mail`: their mails, written into the outbox;
- :mod:`.reset_pages`: "Wachtwoord vergeten?" and the page its link opens, on the staff
  workspace's blueprint (no sign-in needed);
- :mod:`.operations`: what an administrator changes (create, role, team, deactivate,
  unlock, send a link), each with its audit row;
- :mod:`.pages`: the administrators' page (``/medewerkers/accounts``), a blueprint
  nested in the staff workspace.

This package's ``__init__`` imports nothing: the app factory loads the pages
(:mod:`portal.routes`) before it registers the workspace.
"""
