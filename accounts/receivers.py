"""Keeping cached answers true: the current code of conduct
(``accounts.selectors.conduct.conduct_current_id``) when a version is published or removed, and
parents' children (``accounts.selectors.people.children_of``) when a link, a pupil, a class, a
class's teachers or a person's name changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from classes.models import Pupil, SchoolClass, SchoolClassUserObjectPermission
from core.generations import cache_forget, generation_bump

from .models import CodeOfConduct, ParentLink, User
from .selectors.conduct import CONDUCT_CACHE_KEY
from .selectors.people import CHILDREN_GENERATION


@receiver([post_save, post_delete], sender=CodeOfConduct, dispatch_uid="accounts_conduct_cache")
def forget_cached_conduct(sender: Any, instance: CodeOfConduct, **kwargs: Any) -> None:
    cache_forget(CONDUCT_CACHE_KEY.format(audience=instance.audience))


@receiver([post_save, post_delete], sender=ParentLink, dispatch_uid="accounts_children_links")
@receiver([post_save, post_delete], sender=Pupil, dispatch_uid="accounts_children_pupils")
@receiver([post_save, post_delete], sender=SchoolClass, dispatch_uid="accounts_children_classes")
@receiver(
    [post_save, post_delete],
    sender=SchoolClassUserObjectPermission,
    dispatch_uid="accounts_children_teachers",
)
def forget_cached_children(sender: Any, **kwargs: Any) -> None:
    generation_bump(CHILDREN_GENERATION)


@receiver([post_save, post_delete], sender=User, dispatch_uid="accounts_children_people")
def forget_cached_children_of_people(
    sender: Any, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    # Signing in saves the time of it alone, on every sign-in: nobody's children change.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    generation_bump(CHILDREN_GENERATION)
