"""Writing, scheduling, editing, deleting and hiding posts (R7, R12, R13, R15, R29).

Every check runs before anything is written, so a refused post leaves no row and no file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from classes.models import Pupil, SchoolClass
from core.queue import enqueue_on_commit
from media.storage import files_delete_on_commit, stored_files
from media.uploads import check_uploads

from ..models import Attachment, Audience, Post
from ..permissions import (
    can_change_post,
    can_post_about_pupil,
    can_post_to_class,
    can_post_to_school,
)
from ..text import check_body
from .checks import check_media_consent, check_names, check_urgent
from .media import attachments_store, recording_limit_seconds
from .notices import posts_hidden_notify, posts_notifications_retract

TOO_FAR_AHEAD = _("A post can be scheduled up to a year ahead.")
SCHEDULE_ONLY_BEFORE = _("This post is already published: its time cannot change.")


def _may_post(user: User, post: Post) -> bool:
    if post.audience == Audience.SCHOOL:
        return can_post_to_school(user)
    if post.audience == Audience.STUDENT:
        return post.pupil is not None and can_post_about_pupil(user, post.pupil)
    return post.school_class is not None and can_post_to_class(user, post.school_class)


def _schedule(post: Post, publish_at: dt.datetime | None) -> None:
    now = timezone.now()
    if publish_at is not None and publish_at > now + dt.timedelta(days=366):
        raise ValidationError({"publish_at": TOO_FAR_AHEAD})
    post.publish_at = max(publish_at or now, now)
    post.published_at = now if post.publish_at <= now else None


@transaction.atomic
def post_create(
    *,
    acting_user: User,
    audience: str,
    school_class: SchoolClass | None = None,
    pupil: Pupil | None = None,
    body: str,
    uploads: Sequence[UploadedFile] = (),
    tagged_ids: Collection[int] = (),
    no_child_appears: bool = False,
    publish_at: dt.datetime | None = None,
    urgent: bool = False,
) -> Post:
    """A new post in one story; published now, or by the scheduler at ``publish_at`` (R29).
    Refused (PermissionDenied) for someone who may not post there, and (ValidationError, with
    nothing written) for text or media that break the rules."""
    post = Post(audience=audience, author=acting_user, language=acting_user.preferred_language)
    post.pupil = pupil if audience == Audience.STUDENT else None
    post.school_class = pupil.school_class if pupil is not None and post.pupil else school_class
    if audience == Audience.SCHOOL:
        post.school_class = None
    if not _may_post(acting_user, post):
        raise PermissionDenied
    checked = check_uploads(uploads, max_seconds=recording_limit_seconds())
    post.urgent = urgent
    post.no_child_appears = bool(checked) and no_child_appears
    tagged = set(tagged_ids) if checked else set()
    post.body = check_body(body, has_media=bool(checked))
    check_names(post, post.body)
    check_media_consent(
        post, has_media=bool(checked), tagged_ids=tagged, no_child_appears=no_child_appears
    )
    check_urgent(post)
    _schedule(post, publish_at)
    post.save()
    post.tagged.set(tagged)
    attachments_store(post, uploads, checked)
    if post.published_at:
        _after_publish(post)
    return post


def _after_publish(post: Post) -> None:

    enqueue_on_commit("stories.tasks.translate_post", post.pk)
    enqueue_on_commit("stories.tasks.notify_post", post.pk)


@transaction.atomic
def post_update(
    *,
    acting_user: User,
    post: Post,
    body: str,
    tagged_ids: Collection[int],
    no_child_appears: bool,
    remove_keys: Collection[Any] = (),
    publish_at: dt.datetime | None = None,
) -> Post:
    """The author changes the text, the tags or removes attachments. The rules run again; a
    post hidden for a withdrawn consent (R13) is shown again once it passes them."""
    if not can_change_post(acting_user, post):
        raise PermissionDenied
    post = Post.objects.select_for_update().get(pk=post.pk)
    keep = list(post.attachments.exclude(key__in=list(remove_keys)))
    removed = list(post.attachments.filter(key__in=list(remove_keys)))
    has_media = bool(keep)
    tagged = set(tagged_ids) if has_media else set()
    old_body, post.body = post.body, check_body(body, has_media=has_media)
    check_names(post, post.body)
    check_media_consent(
        post, has_media=has_media, tagged_ids=tagged, no_child_appears=no_child_appears
    )
    if publish_at is not None and publish_at != post.publish_at:
        if post.published_at:
            raise ValidationError({"publish_at": SCHEDULE_ONLY_BEFORE})
        _schedule(post, publish_at)
    post.no_child_appears = has_media and no_child_appears
    post.hidden_at = None
    post.edited_at = timezone.now()
    post.save()
    post.tagged.set(tagged)
    _remove_attachments(removed)
    if post.published_at and post.body != old_body:
        post.translations.all().delete()
        Post.objects.filter(pk=post.pk).update(translated_at=None)
        _after_publish(post)
    return post


def _remove_attachments(attachments: list[Attachment]) -> None:
    files_delete_on_commit(stored_files(attachments))
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()


@transaction.atomic
def post_delete(*, acting_user: User, post: Post) -> None:
    """The author deletes a post: its rows at once, its files once that commits."""
    if not can_change_post(acting_user, post):
        raise PermissionDenied
    files_delete_on_commit(stored_files(post.attachments.all()))
    posts_notifications_retract([post.pk])
    post.delete()


def posts_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish scheduled posts whose time has come (R29); safe to run from several beats at
    once (each post is taken by one of them). Returns the ids published."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Post.objects.select_for_update(skip_locked=True)
            .filter(published_at__isnull=True, publish_at__lte=now)
            .values_list("pk", flat=True)[:500]
        )
        Post.objects.filter(pk__in=due).update(published_at=now)
        for pk in due:
            _after_publish(Post(pk=pk))
    return due


def posts_hide_for_pupils(pupil_ids: Collection[int], *, at: dt.datetime | None = None) -> int:
    """R13: hide from families every post whose media tags one of these pupils (or is about
    one of them in their Student Story). Nothing is deleted: the authors edit or delete them.
    Their authors are told. Returns how many posts were hidden now."""
    with_media = Post.objects.filter(attachments__isnull=False, hidden_at__isnull=True)
    concerned = with_media.filter(
        Q(tagged__in=pupil_ids) | Q(audience=Audience.STUDENT, pupil__in=pupil_ids)
    ).values("pk")
    hidden = set(Post.objects.filter(pk__in=concerned).values_list("pk", flat=True))
    if not hidden:
        return 0
    Post.objects.filter(pk__in=hidden).update(hidden_at=at or timezone.now())
    posts_hidden_notify(hidden, pupil_ids)
    return len(hidden)
