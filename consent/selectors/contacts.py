"""Parents and carers the school's records name who have not joined the portal yet (issue 21):
an address from the records is "joined" once an account with that address is linked to that
child. Each read is a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import ParentLink
from notifications.models import BouncedAddress

from ..models import FamilyContact

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ContactState(TypedDict):
    bounced: bool


def not_joined() -> QuerySet[WithAnnotations[FamilyContact, ContactState]]:
    """Addresses of current pupils' families with no account linked to that pupil, each
    annotated ``bounced`` (the mail server refused the address: nothing more is sent to it)."""
    joined = ParentLink.objects.filter(
        pupil=OuterRef("pupil"), parent__email__iexact=OuterRef("email")
    )
    bounced = BouncedAddress.objects.filter(email__iexact=OuterRef("email"))
    contacts: QuerySet[WithAnnotations[FamilyContact, ContactState]] = (
        FamilyContact.objects.filter(
            pupil__leaving_date__isnull=True, pupil__school_class__isnull=False
        )
        .annotate(bounced=Exists(bounced))
        .filter(~Exists(joined))
        .select_related("pupil__school_class")
    )
    return contacts
