"""The statutory deadline engine of reconsideration (domain.md §3.2).

- :mod:`shared.working_days`: the working-day calendar, one ``CalendarYear`` per year from
  the ``chinesecalendar`` package, and the period arithmetic (working days; calendar days
  with the roll to the next working day). This service adds the years an administrator
  loads (``calendar_years``; a loaded year overrides the package). A date in a year nobody
  knows raises ``CalendarYearUnknown``: never a Monday-to-Friday guess.
- :mod:`.statutes`: the clocks of each law version as data, chosen by the receipt date, and
  :func:`~.statutes.compute_deadline` (extension and suspension included).
- :mod:`.service`: the calendar from the database, loading a year, and
  :func:`~.service.deadline` for other aggregates' services.
"""
