"""The office's consent tools in the admin (R4, R11, R13, R14).

The office records what a parent's paper form says in a few clicks: one pupil on the change
page (with a scan of the form), or a class at once with the list's actions. Every write goes
through ``consent.services``; the history is read-only everywhere. The pupil import from the
school's records is :mod:`consent.admin.imports`.
"""

from . import class_lists, contacts, data_processing, history, imports, pupils  # noqa: F401
