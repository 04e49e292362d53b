"""Keeping the cached current code of conduct (``accounts.selectors.conduct.conduct_current_id``)
true when a version is published or removed."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CodeOfConduct
from .selectors.conduct import CONDUCT_CACHE_KEY


@receiver([post_save, post_delete], sender=CodeOfConduct, dispatch_uid="accounts_conduct_cache")
def forget_cached_conduct(sender: Any, instance: CodeOfConduct, **kwargs: Any) -> None:
    cache.delete(CONDUCT_CACHE_KEY.format(audience=instance.audience))
