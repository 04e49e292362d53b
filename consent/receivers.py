"""Keeping the data-processing gate's cached answers (``consent.selectors.data_processing.
dp_gate_pending``) true: a new or removed form version, a child linked or unlinked, a child's
record changed (joining or leaving the school), or an agreement withdrawn drops them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import ParentLink
from classes.models import Pupil
from core.generations import cache_forget, generation_bump

from .models import DataProcessingAgreement, DataProcessingForm
from .selectors.data_processing import DP_FORM_CACHE_KEY, DP_GENERATION


@receiver([post_save, post_delete], sender=DataProcessingForm, dispatch_uid="consent_dp_form")
def forget_cached_form(sender: Any, **kwargs: Any) -> None:
    cache_forget(DP_FORM_CACHE_KEY)
    generation_bump(DP_GENERATION)


@receiver([post_save, post_delete], sender=ParentLink, dispatch_uid="consent_dp_links")
@receiver([post_save, post_delete], sender=Pupil, dispatch_uid="consent_dp_pupils")
@receiver(post_delete, sender=DataProcessingAgreement, dispatch_uid="consent_dp_withdrawn")
def forget_cached_gate_answers(sender: Any, **kwargs: Any) -> None:
    generation_bump(DP_GENERATION)
