"""A person's data on request (GDPR articles 15 and 17): find everything the portal holds
about an e-mail address or a phone number, hand it over, erase it.

- :mod:`.person`: finding it (visits, holds with typed details, dossiers and their
  notes, mails in the outbox), the export, and the erasure;
- :mod:`.pages`: the administrators' page (``/medewerkers/persoonsgegevens``), a
  blueprint nested in the staff workspace;
- ``flask --app portal erase-person`` (:mod:`portal.cli`) does the erasure from a shell.

Nothing here changes the city's figures: visits keep their time, services and outcome,
as after the retention period (:mod:`portal.booking.retention`).
"""
