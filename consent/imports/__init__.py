"""Importing pupils from the school's records (a CSV export from SIMS, Arbor, Bromcom…).

- :func:`consent.imports.validate.pupil_import_plan` reads and checks a file and says what
  applying it would do (an :class:`~consent.imports.validate.ImportPlan`); it writes nothing.
- :func:`consent.imports.apply.pupil_import_apply` applies a plan's new pupils in one
  transaction and records a :class:`consent.models.PupilImport`.
- :func:`consent.imports.export.safe_cell` neutralises a cell for any CSV the portal exports.

The office's pages are in :mod:`consent.admin.imports`.
"""
