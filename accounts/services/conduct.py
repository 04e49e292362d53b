"""Accepting and publishing the code of conduct (R4)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import CodeOfConduct, ConductAcceptance, User
from ..permissions.accounts import can_manage_accounts
from ..selectors.conduct import conduct_audience

NOT_CURRENT = _("This version of the code of conduct has been replaced. Please read the new one.")


@transaction.atomic
def conduct_accept(*, acting_user: User, conduct: CodeOfConduct) -> ConductAcceptance:
    """Record that ``acting_user`` accepts ``conduct``, the current version for them."""
    if conduct.audience != conduct_audience(acting_user):
        raise PermissionDenied
    latest = CodeOfConduct.objects.filter(audience=conduct.audience).order_by("-version").first()
    if latest is None or latest.pk != conduct.pk:
        raise ValidationError(NOT_CURRENT)
    acceptance, _created = ConductAcceptance.objects.get_or_create(
        user=acting_user, conduct=conduct
    )
    return acceptance


@transaction.atomic
def conduct_publish(*, acting_user: User, audience: str, title: str, body: str) -> CodeOfConduct:
    """Publish a new version; everyone in ``audience`` is asked to accept it next visit."""
    if not can_manage_accounts(acting_user):
        raise PermissionDenied
    latest = (
        CodeOfConduct.objects.select_for_update()
        .filter(audience=audience)
        .order_by("-version")
        .first()
    )
    conduct = CodeOfConduct(
        audience=audience, title=title, body=body, version=(latest.version + 1) if latest else 1
    )
    conduct.full_clean()
    conduct.save()
    return conduct
