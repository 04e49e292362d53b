"""Keeping the cached school (``classes.selectors.school_get``) true after a change."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import School
from .selectors import SCHOOL_CACHE_KEY


@receiver([post_save, post_delete], sender=School, dispatch_uid="classes_school_cache")
def forget_cached_school(sender: Any, **kwargs: Any) -> None:
    cache.delete(SCHOOL_CACHE_KEY)
