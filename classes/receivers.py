"""Keeping the cached school and closures (``classes.selectors.school_get``,
``classes.worktime.calendar_for``) true after a change."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Closure, School
from .selectors import SCHOOL_CACHE_KEY
from .worktime import forget_cached_closures


@receiver([post_save, post_delete], sender=School, dispatch_uid="classes_school_cache")
def forget_cached_school(sender: Any, **kwargs: Any) -> None:
    cache.delete(SCHOOL_CACHE_KEY)


@receiver([post_save, post_delete], sender=Closure, dispatch_uid="classes_closures_cache")
def forget_cached_closure_lists(sender: Any, **kwargs: Any) -> None:
    forget_cached_closures()
