"""Who sees and does what with posts (R15, R16, R30): one predicate per action, and the queryset
twin ``posts_visible_to`` that every read starts from, so "missing" and "not yours" are both 404.

- Class Story: the class's staff post; its staff and the parents of its pupils see.
- Student Story: the class's staff post about one pupil; that pupil's parents, the pupil and the
  class's staff see.
- School Story: leaders and the office post; every parent and member of staff sees (pupils too).
- Families (parents, pupils) never see a post hidden for a withdrawn consent (R13); staff who
  may see it do, marked, so its author can edit or delete it.
- Leaders see every post; an author always sees their own, scheduled ones included.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q

from accounts.models import ParentLink, Role
from accounts.permissions.accounts import has_role
from classes.models import Pupil, SchoolClass
from classes.selectors import school_get, staff_class_ids

from .models import Audience, Post, PostQuerySet

CLASS_STAFF = (Role.TEACHER, Role.SUPPORT, Role.LEADER)
SCHOOL_AUTHORS = (Role.LEADER, Role.OFFICE)


def _family_posts(user: Any) -> PostQuerySet:
    if user.role == Role.PUPIL:
        pupil = getattr(user, "pupil", None)
        if pupil is None or pupil.school_class_id is None:
            return Post.objects.shown_to_families().filter(audience=Audience.SCHOOL)
        mine = Q(audience=Audience.CLASS, school_class_id=pupil.school_class_id) | Q(
            audience=Audience.STUDENT, pupil_id=pupil.pk
        )
    else:
        children = ParentLink.objects.filter(parent=user).values("pupil_id")
        classes = Pupil.objects.current().filter(pk__in=children).values("school_class_id")
        mine = Q(audience=Audience.CLASS, school_class_id__in=classes) | Q(
            audience=Audience.STUDENT, pupil_id__in=children
        )
    return Post.objects.shown_to_families().filter(Q(audience=Audience.SCHOOL) | mine)


def _staff_posts(user: Any, class_ids: Collection[int] | None) -> PostQuerySet:
    own = Q(author=user)
    if user.role == Role.LEADER:
        return Post.objects.filter(Q(published_at__isnull=False) | own)
    school = Q(audience=Audience.SCHOOL)
    if user.role in (Role.TEACHER, Role.SUPPORT):
        ids = staff_class_ids(user) if class_ids is None else class_ids
        school |= Q(school_class_id__in=ids)
    return Post.objects.filter((Q(published_at__isnull=False) & school) | own)


def posts_visible_to(user: Any, *, class_ids: Collection[int] | None = None) -> PostQuerySet:
    """Every post ``user`` may see (R15). Staff need one query for their classes (none when
    the caller passes ``class_ids``, the result of ``staff_class_ids`` it already has);
    families none (their children are a subquery)."""
    if not user.is_authenticated or not user.is_active:
        return Post.objects.none()
    if user.role in (Role.PARENT, Role.PUPIL):
        return _family_posts(user)
    return _staff_posts(user, class_ids)


def can_post_to_class(user: Any, school_class: SchoolClass) -> bool:
    """Staff of the class (assigned, or covering now) post to its Class Story."""
    return has_role(user, *CLASS_STAFF) and school_class.pk in staff_class_ids(user)


def can_post_about_pupil(user: Any, pupil: Pupil) -> bool:
    """Staff of a current pupil's class post to that pupil's Student Story."""
    return (
        pupil.leaving_date is None
        and pupil.school_class is not None
        and can_post_to_class(user, pupil.school_class)
    )


def can_post_to_school(user: Any) -> bool:
    """Leaders and the office post to the School Story (and only they can mark one urgent)."""
    return has_role(user, *SCHOOL_AUTHORS)


def can_change_post(user: Any, post: Post) -> bool:
    """Only a post's author edits or deletes it."""
    return bool(user.is_authenticated and post.author_id == user.pk)


def can_like_post(user: Any) -> bool:
    """Parents and pupils like posts (of those they can see); staff see the count (R16)."""
    return has_role(user, Role.PARENT, Role.PUPIL)


def can_see_reach(user: Any, post: Post) -> bool:
    """An author sees how many families their post reached (R30); so do leaders."""
    return can_change_post(user, post) or has_role(user, Role.LEADER)


def can_download_media(user: Any) -> bool:
    """Staff may download a post's photos and recordings; parents only where the school allows
    it (``School.parents_may_download_media``, off by default); pupils never."""
    if has_role(user, *CLASS_STAFF, Role.OFFICE):
        return True
    return has_role(user, Role.PARENT) and school_get().parents_may_download_media


def can_see_class_album(user: Any, school_class: SchoolClass) -> bool:
    """A class's album is for those who read its Class Story (R15): the parents of its current
    pupils, its pupils, its staff (covering now included) and leaders."""
    if has_role(user, Role.LEADER):
        return True
    if has_role(user, Role.TEACHER, Role.SUPPORT):
        return school_class.pk in staff_class_ids(user)
    if has_role(user, Role.PARENT):
        children = Pupil.objects.current().filter(parent_links__parent=user)
        return children.filter(school_class=school_class).exists()
    pupil = getattr(user, "pupil", None) if has_role(user, Role.PUPIL) else None
    return pupil is not None and pupil.school_class_id == school_class.pk


def can_see_pupil_album(user: Any, pupil: Pupil) -> bool:
    """A child's own album is for those who read their Student Story (R15): their parents,
    the child, the staff of their class and leaders."""
    if has_role(user, Role.LEADER):
        return True
    if has_role(user, Role.PARENT):
        return ParentLink.objects.filter(parent=user, pupil=pupil).exists()
    if has_role(user, Role.PUPIL):
        return pupil.user_id == user.pk
    return (
        has_role(user, Role.TEACHER, Role.SUPPORT)
        and pupil.school_class_id is not None
        and pupil.school_class_id in staff_class_ids(user)
    )
