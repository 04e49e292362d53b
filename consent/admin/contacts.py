"""The office's list of parents not yet joined, per class (issue 21): the addresses the
school's records give (the pupil import keeps them; the office adds more here) for which no
account is linked to the child yet, with "Email a reminder" (``consent.imports.reminders``),
and printable and downloadable like every office list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.http import signed_in_user
from classes.names import display_names

from ..imports.reminders import join_reminders_send
from ..models import FamilyContact
from ..selectors.contacts import ContactState, not_joined
from .office_lists import OfficeListAdmin
from .pupils import ClassFilter

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    Contact = WithAnnotations[FamilyContact, ContactState]

BOUNCED = _("Address bounced: correct it in the school’s records")
NEVER_REMINDED = _("Not reminded yet")
REMINDED_ON = _("Reminded %(date)s")

SENT = _("Reminder sent to %(addresses)s.")
NOT_SENT_BOUNCED = _(
    "Not sent, the address bounced: %(addresses)s. Correct it in the school’s records; the "
    "portal will not try it again until it is cleared under “bounced email addresses”."
)
NOT_SENT_RECENTLY = _("Not sent, reminded less than a day ago: %(addresses)s.")
NOT_SENT_FAILED = _(
    "Not sent, the mail server did not answer: %(addresses)s. Try again later: nothing was "
    "marked as reminded."
)

NOTHING_SENT = _("Nothing was sent: these parents have joined or left since.")


class BouncedFilter(admin.SimpleListFilter):
    title = _("address")
    parameter_name = "address"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("bounced", _("Bounced")), ("ok", _("Not bounced"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"bounced", "ok"}:
            return queryset.filter(bounced=self.value() == "bounced")
        return queryset


class RemindedFilter(admin.SimpleListFilter):
    """Addresses never reminded that can be (not bounced): the today page links here."""

    title = _("reminder")
    parameter_name = "reminded"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("never", NEVER_REMINDED), ("yes", _("Reminded"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "never":
            return queryset.filter(reminded_at__isnull=True, bounced=False)
        if self.value() == "yes":
            return queryset.filter(reminded_at__isnull=False)
        return queryset


def _when(moment: Any) -> str:
    return date_format(moment, pgettext("date format", "j M Y"))


@admin.register(FamilyContact)
class NotJoinedAdmin(OfficeListAdmin):
    list_display = ["child", "pupil_class", "email", "home_language", "state"]
    list_filter = [("pupil__school_class", ClassFilter), RemindedFilter, BouncedFilter]
    search_fields = ["email", "pupil__first_name", "pupil__surname"]
    autocomplete_fields = ["pupil"]
    fields = ["pupil", "email"]
    actions = ["send_reminder"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.may_manage(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request.user)  # an address that is wrong, or no longer theirs

    def get_queryset(self, request: HttpRequest) -> QuerySet[FamilyContact]:
        return not_joined().order_by("pupil__school_class__name", "pupil__first_name", "email")

    @admin.display(description=_("child"), ordering="pupil__first_name")
    def child(self, obj: FamilyContact) -> str:
        return str(obj.pupil)

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, obj: FamilyContact) -> str:
        return obj.pupil.school_class.name if obj.pupil.school_class else ""

    @admin.display(description=_("home language"))
    def home_language(self, obj: FamilyContact) -> str:
        return obj.pupil.get_home_language_display() if obj.pupil.home_language else ""

    @admin.display(description=_("reminder"))
    def state(self, obj: Contact) -> str:
        if obj.bounced:
            return str(BOUNCED)
        if obj.reminded_at is None:
            return str(NEVER_REMINDED)
        return str(REMINDED_ON % {"date": _when(obj.reminded_at)})

    def list_headers(self) -> Sequence[str | Promise]:
        return [_("class"), _("child"), _("email address"), _("home language"), _("reminder")]

    def list_rows(self, queryset: QuerySet[Any]) -> list[list[object]]:
        contacts = list(queryset)
        names = display_names(c.pupil for c in contacts)
        return [
            [self.pupil_class(c), names[c.pupil_id], c.email, self.home_language(c), self.state(c)]
            for c in contacts
        ]

    @admin.action(description=_("Email a reminder to join, in the family’s languages"))
    def send_reminder(self, request: HttpRequest, queryset: QuerySet[FamilyContact]) -> None:
        outcome = join_reminders_send(
            acting_user=signed_in_user(request),
            contact_ids=list(queryset.values_list("pk", flat=True)),
        )
        for addresses, text, level in [
            (outcome.sent, SENT, messages.SUCCESS),
            (outcome.bounced, NOT_SENT_BOUNCED, messages.ERROR),
            (outcome.reminded_recently, NOT_SENT_RECENTLY, messages.WARNING),
            (outcome.failed, NOT_SENT_FAILED, messages.ERROR),
        ]:
            if addresses:
                messages.add_message(request, level, text % {"addresses": ", ".join(addresses)})
        if not any([outcome.sent, outcome.bounced, outcome.reminded_recently, outcome.failed]):
            messages.warning(request, NOTHING_SENT)
