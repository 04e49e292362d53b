"""The rules a post must pass before anything is written: who it is for, names (R7) and media
consent (R12). Each raises ValidationError with a message for the author."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil
from consent.selectors import media_refusals

from ..models import Audience, Post
from ..text import check_no_surnames

TAG_OR_NO_CHILD = _(
    "Tag the pupils who appear in the photos, recordings or work samples, or tick “No child "
    "appears”."
)
TAG_AND_NO_CHILD = _("You ticked “No child appears” but also tagged pupils: choose one.")
NOT_IN_AUDIENCE = _("Only pupils this post goes to can be tagged.")
NO_CONSENT = _(
    "These pupils may not appear in photos, recordings or work samples: %(names)s. Remove the "
    "media or their tags, or use media without them."
)
STUDENT_NO_CONSENT = _(
    "%(name)s may not appear in photos, recordings or work samples (%(reason)s), so this "
    "Student Story post cannot have media."
)
URGENT_SCHOOL_ONLY = _("Only a School Story post can be marked urgent.")


def audience_pupils(post: Post) -> list[Pupil]:
    """The current pupils whose families a post goes to (one query): the class's pupils, the
    one pupil, or the whole school."""
    pupils = Pupil.objects.current()
    if post.audience == Audience.CLASS:
        pupils = pupils.filter(school_class_id=post.school_class_id)
    elif post.audience == Audience.STUDENT:
        pupils = pupils.filter(pk=post.pupil_id or 0)
    return list(pupils.only("pk", "first_name", "surname", "school_class_id"))


def taggable_pupils(post: Post) -> list[Pupil]:
    """Who may be tagged in a post's media: the class's pupils for Class and Student Story
    posts (a pupil's work may show classmates), any current pupil for the School Story."""
    pupils = Pupil.objects.current()
    if post.audience != Audience.SCHOOL:
        pupils = pupils.filter(school_class_id=post.school_class_id)
    return list(pupils.only("pk", "first_name", "surname", "school_class_id"))


def check_names(post: Post, text: str) -> None:
    """R7: no surname of a pupil the post goes to."""
    check_no_surnames(text, pupils=((p.first_name, p.surname) for p in audience_pupils(post)))


def check_media_consent(
    post: Post, *, has_media: bool, tagged_ids: Collection[int], no_child_appears: bool
) -> None:
    """R12: media tags the pupils who appear, or says no child does; every tagged pupil (and a
    Student Story's pupil) has consent; refusals name pupils by display name."""
    if not has_media:
        return
    if tagged_ids and no_child_appears:
        raise ValidationError(TAG_AND_NO_CHILD, code="tag_and_no_child")
    if not tagged_ids and not no_child_appears:
        raise ValidationError(TAG_OR_NO_CHILD, code="tag_or_no_child")
    allowed = {pupil.pk for pupil in taggable_pupils(post)} if tagged_ids else set()
    if not set(tagged_ids) <= allowed:
        raise ValidationError(NOT_IN_AUDIENCE, code="not_in_audience")
    _check_refusals(post, tagged_ids)


def _check_refusals(post: Post, tagged_ids: Iterable[int]) -> None:
    wanted = set(tagged_ids)
    if post.audience == Audience.STUDENT and post.pupil_id is not None:
        wanted.add(post.pupil_id)
    refusals = media_refusals(wanted)
    subject = next((v for v in refusals if v.pupil_id == post.pupil_id), None)
    if subject is not None and post.pupil_id not in set(tagged_ids):
        raise ValidationError(
            STUDENT_NO_CONSENT,
            code="no_consent",
            params={"name": subject.display_name, "reason": subject.reason_text},
        )
    if refusals:
        names = ", ".join(f"{v.display_name} ({v.reason_text})" for v in refusals)
        raise ValidationError(NO_CONSENT, code="no_consent", params={"names": names})


def check_urgent(post: Post) -> None:
    if post.urgent and post.audience != Audience.SCHOOL:
        raise ValidationError(URGENT_SCHOOL_ONLY, code="urgent")
