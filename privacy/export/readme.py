"""README.txt of an export: what each file holds and what is not included, in the language
the person reads the portal in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from classes.selectors import school_get

from .base import Area, Subject

MEDIA_FOLDER = "media/"


def _intro(subject: Subject, made_at: dt.datetime) -> list[str]:
    school = school_get()
    lines = [
        _("A copy of the personal data that %(school)s holds about %(name)s.")
        % {"school": school.name, "name": subject.user.display_name},
        _("Made: %(date)s")
        % {"date": formats.date_format(timezone.localtime(made_at), "DATETIME_FORMAT")},
        "",
    ]
    if subject.children:
        names = ", ".join(subject.child_name(child.pk) for child in subject.children)
        lines += [
            _("It includes what the school holds about your children: %(names)s.")
            % {"names": names},
            "",
        ]
    return lines


def _files(areas: Sequence[Area], with_media: bool) -> list[str]:
    lines = [_("The files (JSON, which any text editor or spreadsheet program can open):"), ""]
    for area in areas:
        lines += [area.filename, "  " + str(area.description), ""]
    if with_media:
        lines += [
            MEDIA_FOLDER,
            "  "
            + _(
                "Photos, recordings and work samples of the posts about your children, and "
                "the photos sent with your messages. Each is named in posts.json or "
                "messages.json."
            ),
            "",
        ]
    return lines


def _not_included(subject: Subject, missing: Sequence[str], left_out: Sequence[str]) -> list[str]:
    lines = [_("Not included, and why:")]
    lines += [f"- {line}" for line in left_out]
    if subject.children:
        lines += [
            "- "
            + _(
                "Class Story and School Story posts that do not show your child: they are "
                "about the class or the school, and you can read them in the portal."
            ),
            "- "
            + _(
                "Whether a child is looked after (in local authority care): please ask the "
                "school office."
            ),
        ]
    else:
        lines.append(
            "- "
            + _(
                "The content of records you made about pupils and families (for example "
                "the photos of your posts): they are the school's record; work.json says "
                "what and when."
            )
        )
    lines += [
        "- "
        + _(
            "Messages between the school and other families, and what other people "
            "wrote about them."
        ),
        "- "
        + _(
            "Passwords, picture codes and the secrets of two-factor sign-in and push "
            "notifications: they are kept only in a form that cannot be read back."
        ),
        "",
    ]
    if missing:
        lines += [_("These files could not be found in storage; please tell the office:")]
        lines += [f"- {name}" for name in missing] + [""]
    return lines


def readme_text(
    subject: Subject,
    areas: Sequence[Area],
    *,
    made_at: dt.datetime,
    with_media: bool,
    missing: Sequence[str] = (),
    left_out: Sequence[str] = (),
) -> str:
    """The README, in the active language (the caller activates the person's)."""
    school = school_get()
    contact = ", ".join(part for part in (school.office_phone, school.office_email) if part)
    lines = (
        _intro(subject, made_at)
        + _files(areas, with_media)
        + _not_included(subject, missing, left_out)
    )
    lines += [
        _("Dates and times are in the school's time zone, written as year-month-day."),
        _("Questions about this copy, or a correction: the school office (%(contact)s).")
        % {"contact": contact or school.name},
        "",
    ]
    return "\n".join(lines)
