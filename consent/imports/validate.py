"""Checking every row of a pupils' CSV against the school's records, before anything is written.

:func:`pupil_import_plan` reads the file (:mod:`consent.imports.parse`) and returns an
:class:`ImportPlan`: each row is *new* (it will be added), *already here* (a pupil with the
same first name, surname and date of birth exists: the import changes nothing about them, not
their class and not their consent), or has *problems* (each a translated message). It writes
nothing, and makes two queries whatever the file's size: the current year's classes and the
pupils born in the file's range of dates.

Formula-like cells (``=HYPERLINK(…)``) are kept exactly as typed in the plan: the preview shows
them as text, and the CSV export neutralises them (:func:`consent.imports.export.safe_cell`).
A name that starts like a formula is a problem, as it is no name: names are checked by
:mod:`classes.validators`, as the pupil's own fields are in the admin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import User
from classes.models import Pupil, SchoolClass
from classes.validators import validate_first_name, validate_surname

from ..permissions import can_manage_consent
from ..selectors.roster import current_year_classes
from .parse import (
    CLASS,
    COLUMN_LABELS,
    DATE_OF_BIRTH,
    FIRST_NAME,
    HOME_LANGUAGE,
    MAX_EMAILS,
    MEDIA_CONSENT,
    PARENT_EMAILS,
    SURNAME,
    CsvRow,
    ImpossibleDate,
    looks_like_formula,
    parse_consent,
    parse_date,
    parse_home_language,
    read_rows,
    split_emails,
)
from .plan import (
    HERE,
    NEW,
    PROBLEM,
    ClassSummary,
    ImportPlan,
    PlanRow,
    PupilKey,
    fold,
    pupil_key,
)

__all__ = [
    "HERE",
    "NEW",
    "PROBLEM",
    "ClassSummary",
    "ImportPlan",
    "PlanRow",
    "PupilKey",
    "pupil_import_plan",
    "pupil_key",
]


NAME_MAX_LENGTH = 60
# The same check as the pupil's own fields (the admin's form), so neither lets in what the
# other refuses.
NAME_CHECKS = {FIRST_NAME: validate_first_name, SURNAME: validate_surname}

MISSING_VALUE = _("The %(column)s is empty.")
NAME_TOO_LONG = _("The %(column)s is longer than %(most)s characters.")
BAD_DATE = _(
    "“%(value)s” is not a date: write the date of birth as DD/MM/YYYY, for example 17/05/2018."
)
IMPOSSIBLE_DATE = _("%(value)s is not a real date.")
FUTURE_DATE = _("The date of birth %(value)s is in the future.")
UNKNOWN_CLASS = _("There is no class called “%(value)s” in %(year)s.")
THIS_YEAR = _("this school year")
BAD_EMAIL = _("“%(value)s” is not an email address.")
TOO_MANY_EMAILS = ngettext_lazy(
    "%(count)s parent email is given: at most %(most)s parents or carers are invited for "
    "each pupil. Give the other carers’ details to the office.",
    "%(count)s parent emails are given: at most %(most)s parents or carers are invited for "
    "each pupil. Give the other carers’ details to the office.",
    "count",
)
UNKNOWN_CONSENT = _(
    "“%(value)s” is not a media consent answer: use Yes, No or Withdrawn, or leave it empty."
)
DUPLICATE_PUPIL = _("This pupil is in the file more than once (rows %(rows)s).")
NOTE_OTHER_CLASS = _("The portal has this pupil in %(class_name)s: the import moves nobody.")
NOTE_NO_CLASS = _("The portal has this pupil in no class now: the import moves nobody.")
NOTE_OTHER_CONSENT = _(
    "The file’s media consent is not the portal’s record, which the import does not change: "
    "record it from the signed form."
)


def _check_name(row: CsvRow, column: str, problems: list[str]) -> str:
    value = " ".join(row.get(column).split())
    label = COLUMN_LABELS[column]
    if not value:
        problems.append(MISSING_VALUE % {"column": label})
        return ""
    try:
        NAME_CHECKS[column](value)
    except ValidationError as error:
        problems.extend(error.messages)
        return ""
    if len(value) > NAME_MAX_LENGTH:
        problems.append(NAME_TOO_LONG % {"column": label, "most": NAME_MAX_LENGTH})
        return ""
    return value


def _check_date(row: CsvRow, today: dt.date, problems: list[str]) -> dt.date | None:
    text = row.get(DATE_OF_BIRTH)
    if not text:
        problems.append(MISSING_VALUE % {"column": COLUMN_LABELS[DATE_OF_BIRTH]})
        return None
    try:
        born = parse_date(text)
    except ImpossibleDate:
        problems.append(IMPOSSIBLE_DATE % {"value": text})
        return None
    except ValueError:
        problems.append(BAD_DATE % {"value": text})
        return None
    if born > today:
        problems.append(FUTURE_DATE % {"value": text})
        return None
    return born


def _check_class(
    row: CsvRow, classes: dict[str, SchoolClass], year: str, problems: list[str]
) -> SchoolClass | None:
    text = row.get(CLASS)
    if not text:
        problems.append(MISSING_VALUE % {"column": COLUMN_LABELS[CLASS]})
        return None
    school_class = classes.get(fold(text))
    if school_class is None:
        problems.append(UNKNOWN_CLASS % {"value": text, "year": year})
    return school_class


def _check_emails(row: CsvRow, problems: list[str]) -> list[str]:
    """The row's parent emails, lower-cased; a formula is one bad value, not several."""
    text = row.get(PARENT_EMAILS)
    emails = [text] if looks_like_formula(text) else split_emails(text)
    bad = []
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            bad.append(email)
    problems.extend(BAD_EMAIL % {"value": email} for email in bad)
    if len(emails) > MAX_EMAILS:
        problems.append(TOO_MANY_EMAILS % {"count": len(emails), "most": MAX_EMAILS})
    return [] if bad or len(emails) > MAX_EMAILS else [email.lower() for email in emails]


def _check_consent(row: CsvRow, problems: list[str]) -> str | None:
    text = row.get(MEDIA_CONSENT)
    try:
        return parse_consent(text)
    except ValueError:
        problems.append(UNKNOWN_CONSENT % {"value": text})
        return None


def _check_row(row: CsvRow, classes: dict[str, SchoolClass], year: str, today: dt.date) -> PlanRow:
    problems: list[str] = []
    return PlanRow(
        number=row.number,
        cells=row.values,
        first_name=_check_name(row, FIRST_NAME, problems),
        surname=_check_name(row, SURNAME, problems),
        date_of_birth=_check_date(row, today, problems),
        school_class=_check_class(row, classes, year, problems),
        emails=_check_emails(row, problems),
        consent=_check_consent(row, problems),
        problems=problems,
        home_language=parse_home_language(row.get(HOME_LANGUAGE)),
    )


def _mark_duplicates(rows: list[PlanRow]) -> None:
    """Every row of a pupil who is in the file twice is a problem: which one is right is for
    the office to say, in the file."""
    numbers: dict[PupilKey, list[int]] = defaultdict(list)
    for row in rows:
        if row.key is not None:
            numbers[row.key].append(row.number)
    for row in rows:
        same = numbers.get(row.key) if row.key is not None else None
        if same and len(same) > 1:
            row.problems.append(DUPLICATE_PUPIL % {"rows": ", ".join(map(str, same))})


def _match_existing(rows: list[PlanRow]) -> None:
    """Find the pupils already here, in one query over the file's range of birth dates."""
    keyed = [row for row in rows if row.key is not None]
    if not keyed:
        return
    dates = [row.date_of_birth for row in keyed if row.date_of_birth is not None]
    existing = {
        pupil_key(first, surname, born): (pk, class_id, class_name, status or "")
        for pk, first, surname, born, class_id, class_name, status in Pupil.objects.filter(
            date_of_birth__range=(min(dates), max(dates))
        )
        # Newest first, so that the oldest record wins when the school's records have a twin.
        .order_by("-pk")
        .values_list(
            "pk",
            "first_name",
            "surname",
            "date_of_birth",
            "school_class_id",
            "school_class__name",
            "consent__media_status",
        )
    }
    for row in keyed:
        found = existing.get(row.key) if row.key is not None else None
        if found is None:
            continue
        pk, class_id, class_name, status = found
        row.existing_pupil_id = pk
        if row.school_class is not None and row.school_class.pk != class_id:
            note = NOTE_OTHER_CLASS % {"class_name": class_name} if class_name else NOTE_NO_CLASS
            row.notes.append(str(note))
        if row.consent is not None and row.consent != status:
            row.notes.append(str(NOTE_OTHER_CONSENT))


def pupil_import_plan(
    *, acting_user: User, data: bytes, file_name: str, today: dt.date | None = None
) -> ImportPlan:
    """Check a CSV file of pupils for the office (office and leaders only) and say what
    applying it would do. Writes nothing.

    Raises ``ValidationError`` (one message, from :mod:`consent.imports.parse`) when the file
    as a whole cannot be read; row problems are in the plan instead.
    """
    if not can_manage_consent(acting_user):
        raise PermissionDenied
    csv_rows = read_rows(data)
    classes = list(current_year_classes())
    by_name = {fold(c.name): c for c in classes}
    year = classes[0].academic_year_label if classes else str(THIS_YEAR)
    today = today or timezone.localdate()
    rows = [_check_row(row, by_name, year, today) for row in csv_rows]
    _mark_duplicates(rows)
    _match_existing(rows)
    return ImportPlan(
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        rows=tuple(rows),
        classes=tuple(classes),
    )
