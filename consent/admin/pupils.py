"""Media consent per pupil (R11, R13, R14): the list of current pupils with their consent,
filters that give the roster's answer, and the change page that records a paper form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from accounts.http import signed_in_user
from classes.models import PupilQuerySet

from ..forms import ConsentRecordForm
from ..models import ConsentChange, ConsentPupil, MediaStatus
from ..permissions import can_manage_consent
from ..selectors.media import media_reason, verdict_text
from ..services.media import looked_after_set, media_consent_record
from . import bulk
from .common import OfficeConsentAdmin, add_service_error, consent_label, consent_of
from .history import ConsentChangeInline

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MediaReason(TypedDict):
    media_reason: str


CHANGE_TITLE = _("Media consent of %(name)s")
RECORDED = _("The media consent of %(name)s is recorded.")


class ClassFilter(admin.RelatedOnlyFieldListFilter):
    """Classes that have current pupils; a current pupil always has a class."""

    @property
    def include_empty_choice(self) -> bool:
        return False


class MediaConsentFilter(admin.SimpleListFilter):
    """Who may appear in media and, for the others, why: the same answer as the roster."""

    title = _("media consent")
    parameter_name = "consent"
    CHOICES = {
        "may_appear": (_("May appear in media"), Q(media_reason="")),
        "no_consent": (_("No consent (any reason)"), ~Q(media_reason="")),
        "no_record": (_("No record"), Q(media_reason="no_record")),
        "refused": (_("Refused"), Q(media_reason=MediaStatus.REFUSED)),
        "withdrawn": (_("Withdrawn"), Q(media_reason=MediaStatus.WITHDRAWN)),
        "looked_after": (_("Looked-after"), Q(media_reason="looked_after")),
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(key, label) for key, (label, _condition) in self.CHOICES.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        choice = self.CHOICES.get(self.value() or "")
        return queryset.filter(choice[1]) if choice else queryset


@admin.register(ConsentPupil)
class ConsentPupilAdmin(OfficeConsentAdmin):
    """Current pupils with their media consent. Pupils are added in the pupils' admin or by
    import, never here; nothing is deleted."""

    # The verdict comes first and says why (a looked-after child "must not appear" whatever
    # the form says); the form on file is beside it. Narrow enough for 1366 px.
    list_display = [
        "first_name",
        "surname",
        "school_class",
        "verdict",
        "media_consent",
        "last_changed",
    ]
    list_select_related = ["school_class", "consent"]
    list_filter = [
        ("school_class", ClassFilter),
        "school_class__year_group",
        MediaConsentFilter,
    ]
    search_fields = ["first_name", "surname"]
    ordering = ["school_class__year_group", "school_class__name", "first_name", "surname"]
    fieldsets = [(None, {"fields": ["status", "form_date", "scan", "looked_after", "evidence"]})]
    inlines = [ConsentChangeInline]
    actions = bulk.ACTIONS
    change_form_template = "admin/consent/consentpupil/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentPupil]:
        pupils = super().get_queryset(request)
        assert isinstance(pupils, PupilQuerySet)  # the manager ConsentPupil has from Pupil
        return pupils.current().annotate(media_reason=media_reason())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_consent(request.user)

    @admin.display(description=_("in photos and recordings"), ordering="media_reason")
    def verdict(self, pupil: WithAnnotations[ConsentPupil, MediaReason]) -> str:
        """The portal's answer, from the same expression as the roster's and the composer's."""
        return verdict_text(pupil.media_reason)

    @admin.display(description=_("form on file"), ordering="consent__media_status")
    def media_consent(self, pupil: ConsentPupil) -> str:
        return consent_label(consent_of(pupil))

    @admin.display(description=_("last changed"), ordering="consent__recorded_at")
    def last_changed(self, pupil: ConsentPupil) -> Any:
        consent = consent_of(pupil)
        return consent.recorded_at if consent else None

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Form → services → redirect; or the form again, with the services' refusal on the
        field it concerns and nothing changed."""
        pupil = self.get_object(request, unquote(object_id))
        if pupil is None:
            raise Http404
        if not self.has_change_permission(request, pupil):
            raise PermissionDenied
        consent = consent_of(pupil)
        if request.method == "POST":
            form = ConsentRecordForm(request.POST, request.FILES, consent=consent)
            if form.is_valid() and self._record(request, pupil, form):
                if "_continue" in request.POST:
                    return HttpResponseRedirect(request.path)
                return self.response_post_save_change(request, pupil)
        else:
            form = ConsentRecordForm(consent=consent)
        context = {**self._change_context(request, pupil, form), **(extra_context or {})}
        return self.render_change_form(request, context, change=True, obj=pupil, form_url=form_url)

    def _record(self, request: HttpRequest, pupil: ConsentPupil, form: ConsentRecordForm) -> bool:
        """Write the form through the services, all or nothing; False (the refusal is then on
        the form) when a service refuses it."""
        acting_user, data = signed_in_user(request), form.cleaned_data
        status = form.media_status
        try:
            with transaction.atomic():
                media_consent_record(
                    acting_user=acting_user,
                    pupils=[pupil],
                    status=status,
                    form_date=data["form_date"] if status else None,
                    evidence=data["evidence"],
                    scan=data["scan"],
                )
                if form.looked_after_changed:
                    looked_after_set(
                        acting_user=acting_user,
                        pupils=[pupil],
                        looked_after=data["looked_after"],
                        evidence=data["evidence"],
                    )
        except ValidationError as error:
            add_service_error(form, error)
            return False
        self.message_user(request, RECORDED % {"name": pupil}, messages.SUCCESS)
        return True

    def _change_context(
        self, request: HttpRequest, pupil: ConsentPupil, form: ConsentRecordForm
    ) -> dict[str, Any]:
        """What the admin's change form template needs; the history is a read-only inline,
        whose rows are shown and never posted."""
        # The admin's helpers render any form, not only model forms.
        admin_form = helpers.AdminForm(form, self.fieldsets, {}, model_admin=self)  # type: ignore[arg-type]
        formsets, inlines = [], []
        for formset_class, inline in self.get_formsets_with_inlines(request, pupil):
            formsets.append(
                formset_class(
                    instance=pupil,
                    prefix=formset_class.get_default_prefix(),
                    queryset=inline.get_queryset(request),
                )
            )
            inlines.append(inline)
        inline_formsets = self.get_inline_formsets(request, formsets, inlines, pupil)
        media = self.media + admin_form.media
        for inline_formset in inline_formsets:
            media += inline_formset.media
        return {
            **self.admin_site.each_context(request),
            "title": CHANGE_TITLE % {"name": pupil},
            "subtitle": None,
            "adminform": admin_form,
            "object_id": pupil.pk,
            "original": pupil,
            "is_popup": False,
            "to_field": None,
            "media": media,
            "inline_admin_formsets": inline_formsets,
            "errors": helpers.AdminErrorList(form, []),  # type: ignore[arg-type]
            "preserved_filters": self.get_preserved_filters(request),
            "current_scan": self._current_scan(pupil),
        }

    @staticmethod
    def _current_scan(pupil: ConsentPupil) -> ConsentChange | None:
        """The history row that stored the scan on file now, to link to it."""
        consent = consent_of(pupil)
        if consent is None or not consent.scan:
            return None
        return ConsentChange.objects.filter(pupil=pupil, scan_name=consent.scan.name).first()
