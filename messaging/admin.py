"""The office's part of messaging in the admin: the words that send a parent's message to the
office (R22), the ready replies teachers send (R24), and the office inbox, read here and
worked with actions. Messages are the school's record: no message or thread is added, edited
or deleted in the admin, by anyone. Teachers' threads with parents are not shown here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin.base import OfficeOnlyAdmin
from accounts.http import signed_in_user

from .models import Message, OfficePhrase, ReadyReply, Thread, Topic
from .permissions import can_work_office_inbox
from .selectors import ready_replies_changed
from .services.messages import MAX_LENGTH
from .services.office import office_thread_assign, office_thread_close, office_thread_reopen

PHRASE_EMPTY = _("Write a word or phrase.")
PHRASE_TAKEN = _("That word is already on the list.")
REPLY_TOO_LONG = _("Keep a ready reply to %(limit)d characters.")


class OfficePhraseForm(forms.ModelForm):
    topic = forms.ChoiceField(
        label=_("topic"), choices=[(t.value, t.label) for t in Topic if t != Topic.OTHER]
    )

    class Meta:
        model = OfficePhrase
        fields = ["topic", "phrase"]

    def clean_phrase(self) -> str:
        """Kept as lower-case words with single spaces; matching ignores case (R22)."""
        phrase = " ".join(self.cleaned_data["phrase"].split()).lower()
        if not phrase:
            raise forms.ValidationError(PHRASE_EMPTY, code="empty")
        taken = OfficePhrase.objects.filter(phrase__iexact=phrase).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(PHRASE_TAKEN, code="taken")
        return phrase


class OfficeKeepsAdmin(OfficeOnlyAdmin):
    """Lists the office keeps: office staff and leaders add, change and remove entries."""

    may_manage = staticmethod(can_work_office_inbox)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.may_manage(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request.user)


@admin.register(OfficePhrase)
class OfficePhraseAdmin(OfficeKeepsAdmin):
    form = OfficePhraseForm
    list_display = ["phrase", "topic"]
    list_filter = ["topic"]
    search_fields = ["phrase"]


class ReadyReplyForm(forms.ModelForm):
    class Meta:
        model = ReadyReply
        fields = ["title", "body", "position", "active"]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if len(body) > MAX_LENGTH:
            raise forms.ValidationError(
                REPLY_TOO_LONG, code="too_long", params={"limit": MAX_LENGTH}
            )
        return body


@admin.register(ReadyReply)
class ReadyReplyAdmin(OfficeKeepsAdmin):
    """Sent messages keep their own text: changing or removing a ready reply changes nothing
    already sent."""

    form = ReadyReplyForm
    list_display = ["title", "body", "position", "active"]
    list_filter = ["active"]

    def save_model(self, request: HttpRequest, obj: ReadyReply, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        ready_replies_changed()

    def delete_model(self, request: HttpRequest, obj: ReadyReply) -> None:
        super().delete_model(request, obj)
        ready_replies_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ReadyReply]) -> None:
        super().delete_queryset(request, queryset)
        ready_replies_changed()


class MessageInline(admin.TabularInline):
    """The thread's messages, read-only: never added, changed or deleted here."""

    model = Message
    readonly_fields = ("sent_at", "author", "from_parent", "body", "seen_at", "withdrawn_at")
    fields = readonly_fields
    ordering = ["sent_at", "pk"]
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).select_related("author")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_work_office_inbox(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Thread)
class OfficeThreadAdmin(OfficeOnlyAdmin):
    """The office inbox (R22): parents' threads with the office, with their messages. Taken,
    closed and reopened with the actions (the same services as the portal's office inbox)."""

    may_manage = staticmethod(can_work_office_inbox)
    list_display = ["pk", "topic", "parent", "pupil", "assigned_to", "created_at", "closed_at"]
    list_filter = ["topic", ("closed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["parent", "pupil", "assigned_to"]
    readonly_fields = ("topic", "parent", "pupil", "assigned_to", "created_at", "closed_at")
    fields = readonly_fields
    inlines = [MessageInline]
    actions = ["take", "close", "reopen"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Thread]:
        return super().get_queryset(request).filter(teacher__isnull=True)

    def _each(self, request: HttpRequest, queryset: QuerySet[Thread], service: Any) -> None:
        user = signed_in_user(request)
        for thread in queryset:
            service(acting_user=user, thread=thread)

    @admin.action(description=_("Take the selected conversations"))
    def take(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        self._each(request, queryset, office_thread_assign)

    @admin.action(description=_("Close the selected conversations"))
    def close(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        self._each(request, queryset, office_thread_close)

    @admin.action(description=_("Reopen the selected conversations"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        self._each(request, queryset, office_thread_reopen)
