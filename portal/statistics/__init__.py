"""The figures the department steers by (issue 15): how many came, did not come or
cancelled, how long residents wait for a time and at the hall, in which languages.

- :mod:`.figures`: the figures from plain visit facts — pure, no Flask, no database;
- :mod:`.facts`: the visit facts read from the database, only the columns without
  personal data (a visit keeps them after its contact details are purged or erased on
  request, so last year's figures never change);
- :mod:`.pages`: the page (``/medewerkers/statistiek``) and its CSV files, a blueprint
  nested in the staff workspace.
"""
