"""The stories app's answer to the consent app's event (R13): posts whose media shows a pupil
who may no longer appear are hidden from families at once, in the same transaction as the
consent change, and wait for their authors to edit or delete them."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from consent.events import media_permission_lost

from .services.posts import posts_hide_for_pupils


@receiver(media_permission_lost, dispatch_uid="stories_hide_posts")
def hide_posts(sender: Any, *, pupil_ids: frozenset[int], **kwargs: Any) -> None:
    posts_hide_for_pupils(pupil_ids)
