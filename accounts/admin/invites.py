"""The office's view of invite codes and of requests from a third carer (R2, R3).

Codes are made only by the pupils' "Generate invite codes and print letters" action: here the
office sees who used which code, and cancels codes. The stored hash is never shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..http import signed_in_user
from ..models import ExtraParentRequest, InviteCode, InvitePupil
from ..selectors.invites import invite_counts_per_pupil
from ..selectors.people import parents_of
from ..services.invites import extra_parent_request_decide, invite_revoke, pupil_is_current
from .base import OfficeOnlyAdmin
from .decisions import Decision, reason_or_page
from .reprint import reprint_url

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

UNUSED, USED, EXPIRED, REVOKED = "unused", "used", "expired", "revoked"
STATUS_LABELS = {
    UNUSED: _("Unused"),
    USED: _("Used"),
    EXPIRED: _("Expired"),
    REVOKED: _("Cancelled"),
}

# Every field but the hash: it is never shown, and nothing here is edited.
INVITE_FIELDS = (
    "pupil",
    "created_by",
    "created_at",
    "expires_at",
    "used_at",
    "used_by",
    "revoked_at",
)
APPROVE = Decision(
    action="approve",
    title=_("Approve requests from a third carer"),
    explanation=_(
        "Each parent or carer below will be linked to the child and see what the child's "
        "other parents see. Approve only in special circumstances, and say which."
    ),
    button=_("Approve and link"),
)
REFUSE = Decision(
    action="refuse",
    title=_("Refuse requests from a third carer"),
    explanation=_("The parents or carers below will not be linked to the child."),
    button=_("Refuse"),
)

REQUEST_FIELDS = (
    "parent",
    "parent_email",
    "pupil",
    "linked_parents",
    "created_at",
    "status",
    "decided_by",
    "decided_at",
    "decision_reason",
)


def invite_status(invite: InviteCode) -> str:
    if invite.revoked_at is not None:
        return REVOKED
    if invite.used_at is not None:
        return USED
    if invite.expires_at <= timezone.now():
        return EXPIRED
    return UNUSED


class InviteStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(STATUS_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        open_ = Q(revoked_at__isnull=True, used_at__isnull=True)
        conditions = {
            UNUSED: open_ & Q(expires_at__gt=now),
            USED: Q(revoked_at__isnull=True, used_at__isnull=False),
            EXPIRED: open_ & Q(expires_at__lte=now),
            REVOKED: Q(revoked_at__isnull=False),
        }
        value = self.value()
        return queryset.filter(conditions[value]) if value in conditions else queryset


@admin.register(InviteCode)
class InviteCodeAdmin(OfficeOnlyAdmin):
    list_display = [
        "pupil",
        "pupil_class",
        "created_at",
        "expires_at",
        "status",
        "used_at",
        "used_by",
    ]
    list_filter = [InviteStatusFilter, "pupil__school_class"]
    list_select_related = ["pupil__school_class", "used_by"]
    search_fields = ["pupil__first_name", "pupil__surname", "used_by__email"]
    date_hierarchy = "created_at"
    fields = readonly_fields = INVITE_FIELDS
    actions = ["revoke"]

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, obj: InviteCode) -> str:
        return str(obj.pupil.school_class or "–")

    @admin.display(description=_("status"))
    def status(self, obj: InviteCode) -> str:
        return str(STATUS_LABELS[invite_status(obj)])

    @admin.action(description=_("Cancel the selected codes"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[InviteCode]) -> None:
        done = 0
        for invite in queryset:
            try:
                invite_revoke(acting_user=signed_in_user(request), invite=invite)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{invite}: {' '.join(error.messages)}", messages.WARNING
                )
        self.message_user(
            request, ngettext("%d code cancelled.", "%d codes cancelled.", done) % done
        )


class ParentTotal(TypedDict):
    parent_total: int


class CodeCounts(TypedDict):
    codes_issued: int
    codes_used: int
    codes_revoked: int
    codes_expired: int
    codes_working: int


@admin.register(InvitePupil)
class InvitePupilAdmin(OfficeOnlyAdmin):
    """One row per pupil: how many codes were issued, used, cancelled and expired, and how many
    still work, each a link to those codes; and the reprint for a lost letter (R2)."""

    list_display = [
        "pupil",
        "school_class",
        "issued",
        "used",
        "revoked",
        "expired",
        "working",
        "lost_letter",
    ]
    list_filter = ["school_class__year_group", "school_class"]
    list_select_related = ["school_class"]
    search_fields = ["first_name", "surname"]
    fields = readonly_fields = ("first_name", "surname", "school_class", "leaving_date")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InvitePupil]:
        return invite_counts_per_pupil(super().get_queryset(request))

    def _codes(self, obj: InvitePupil, count: int, status: str | None) -> str:
        if not count:
            return "0"
        query = f"?pupil__id__exact={obj.pk}" + (f"&status={status}" if status else "")
        url = reverse("admin:accounts_invitecode_changelist") + query
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("pupil"), ordering="first_name")
    def pupil(self, obj: InvitePupil) -> str:
        return str(obj)

    @admin.display(description=_("issued"), ordering="codes_issued")
    def issued(self, obj: WithAnnotations[InvitePupil, CodeCounts]) -> str:
        return self._codes(obj, obj.codes_issued, None)

    @admin.display(description=_("used"), ordering="codes_used")
    def used(self, obj: WithAnnotations[InvitePupil, CodeCounts]) -> str:
        return self._codes(obj, obj.codes_used, USED)

    @admin.display(description=_("cancelled"), ordering="codes_revoked")
    def revoked(self, obj: WithAnnotations[InvitePupil, CodeCounts]) -> str:
        return self._codes(obj, obj.codes_revoked, REVOKED)

    @admin.display(description=_("expired"), ordering="codes_expired")
    def expired(self, obj: WithAnnotations[InvitePupil, CodeCounts]) -> str:
        return self._codes(obj, obj.codes_expired, EXPIRED)

    @admin.display(description=_("still working"), ordering="codes_working")
    def working(self, obj: WithAnnotations[InvitePupil, CodeCounts]) -> str:
        return self._codes(obj, obj.codes_working, UNUSED)

    @admin.display(description=_("lost letter"))
    def lost_letter(self, obj: InvitePupil) -> str:
        if not pupil_is_current(obj):
            return "–"
        return format_html('<a href="{}">{}</a>', reprint_url(obj.pk), _("Reprint a lost letter"))


@admin.register(ExtraParentRequest)
class ExtraParentRequestAdmin(OfficeOnlyAdmin):
    """A third (or later) carer asked to be linked: approve in special circumstances (R3)."""

    list_display = [
        "parent",
        "parent_email",
        "pupil",
        "pupil_class",
        "parents_linked",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "pupil__school_class"]
    list_select_related = ["parent", "pupil__school_class", "decided_by"]
    search_fields = ["parent__email", "parent__last_name", "pupil__first_name", "pupil__surname"]
    fields = readonly_fields = REQUEST_FIELDS
    actions = ["approve", "refuse"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExtraParentRequest]:
        return (
            super()
            .get_queryset(request)
            .annotate(parent_total=Count("pupil__parent_links", distinct=True))
        )

    @admin.display(description=_("email"), ordering="parent__email")
    def parent_email(self, obj: ExtraParentRequest) -> str:
        return obj.parent.email or ""

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, obj: ExtraParentRequest) -> str:
        return str(obj.pupil.school_class or "–")

    @admin.display(description=_("parents linked now"), ordering="parent_total")
    def parents_linked(self, obj: WithAnnotations[ExtraParentRequest, ParentTotal]) -> int:
        return obj.parent_total

    @admin.display(description=_("parents and carers linked now"))
    def linked_parents(self, obj: ExtraParentRequest) -> str:
        return ", ".join(f"{p.get_full_name()} <{p.email}>" for p in parents_of(obj.pupil)) or "–"

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[ExtraParentRequest],
        approve: bool,
        reason: str,
    ) -> int:
        done = 0
        for extra in queryset:
            try:
                extra_parent_request_decide(
                    acting_user=signed_in_user(request),
                    request=extra,
                    approve=approve,
                    reason=reason,
                )
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{extra}: {' '.join(error.messages)}", messages.WARNING
                )
        return done

    @admin.action(description=_("Approve: link the parent to the child"))
    def approve(
        self, request: HttpRequest, queryset: QuerySet[ExtraParentRequest]
    ) -> HttpResponse | None:
        reason, page = reason_or_page(self, request, queryset, APPROVE)
        if page is not None:
            return page
        done = self._decide(request, queryset, approve=True, reason=reason or "")
        message = ngettext("%d request approved.", "%d requests approved.", done) % done
        self.message_user(request, message)
        return None

    @admin.action(description=_("Refuse: do not link the parent"))
    def refuse(
        self, request: HttpRequest, queryset: QuerySet[ExtraParentRequest]
    ) -> HttpResponse | None:
        reason, page = reason_or_page(self, request, queryset, REFUSE)
        if page is not None:
            return page
        done = self._decide(request, queryset, approve=False, reason=reason or "")
        message = ngettext("%d request refused.", "%d requests refused.", done) % done
        self.message_user(request, message)
        return None
