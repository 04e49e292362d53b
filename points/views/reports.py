"""What parents, pupils and staff see of points (R26), with charts drawn on the server.

Parents see their own children, a pupil sees only themself, staff of a class (and the office
and leaders) see the class. Anyone else gets 404. Nothing shown to parents or pupils ranks or
compares children.
"""

from __future__ import annotations

import csv
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.http import AuthedRequest
from accounts.models import ADMIN_ROLES, ADULT_ROLES, Role
from accounts.permissions.accounts import role_required
from classes.models import Pupil, SchoolClass
from classes.names import display_names
from classes.selectors import school_get
from consent.imports.export import safe_cell

from ..avatars import avatar_svg, avatars_for
from ..charts import Slice, doughnut_svg, line_svg
from ..icons import icon_svg
from ..permissions import can_view_class_points, can_view_pupil_points
from ..selectors.reports import (
    EXPORT_COLUMNS,
    Period,
    PupilSummary,
    SkillShare,
    Span,
    class_award_rows,
    class_overview,
    class_skill_breakdown,
    pupil_points_summary,
    series,
    span_for,
)

STAFF_ROLES = (Role.TEACHER, Role.SUPPORT, *ADMIN_ROLES)


def _slices(skills: list[SkillShare]) -> list[Slice]:
    return [Slice(s.name, s.count, s.points, needs_work=s.needs_work) for s in skills]


def _with_icons(skills: list[SkillShare]) -> list[tuple[SkillShare, SafeString]]:
    return [(share, icon_svg(share.icon)) for share in skills]


def _period_links(span: Span) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": label, "current": value == span.period}
        for value, label in Period.CHOICES
    ]


def _charts(skills: list[SkillShare], days: list[tuple[Any, int]], span: Span) -> dict[str, Any]:
    return {
        "span": span,
        "periods": _period_links(span),
        "skills": skills,
        "days": days,
        "doughnut": doughnut_svg(_slices(skills), label=_("Skills")),
        "line": line_svg(days),
    }


def _pupil_context(pupil: Pupil, summary: PupilSummary) -> dict[str, Any]:
    avatar = avatars_for([pupil.pk])[pupil.pk]
    days = series(span=summary.span, pupil_ids=[pupil.pk])
    return {
        "pupil": pupil,
        "pupil_name": display_names([pupil])[pupil.pk],
        "monster": avatar_svg(avatar, pupil_id=pupil.pk, size=96),
        "summary": summary,
        "positive": _with_icons([s for s in summary.skills if not s.needs_work]),
        "to_work_on": _with_icons([s for s in summary.skills if s.needs_work]),
        **_charts(summary.skills, days, summary.span),
    }


@role_required(*ADULT_ROLES)
def points_child(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    """One child's points: for their parents, the class's staff, the office and leaders."""
    pupil = get_object_or_404(Pupil, pk=pupil_id)
    if not can_view_pupil_points(request.user, pupil):
        raise Http404
    summary = pupil_points_summary(pupil, period=Period.parse(request.GET.get("period")))
    return render(request, "points/parent_child.html", _pupil_context(pupil, summary))


@role_required(Role.PUPIL)
def pupil_points(request: AuthedRequest) -> HttpResponse:
    """The signed-in pupil's own points, in child-friendly form; nothing about anyone else."""
    pupil = Pupil.objects.filter(user=request.user).first()
    if pupil is None:
        raise Http404
    summary = pupil_points_summary(pupil, period=Period.parse(request.GET.get("period")))
    return render(request, "points/pupil_points.html", _pupil_context(pupil, summary))


def _class_for_staff(request: AuthedRequest, class_id: int) -> SchoolClass:
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_view_class_points(request.user, school_class):
        raise Http404
    return school_class


@role_required(*STAFF_ROLES)
def points_class_report(request: AuthedRequest, class_id: int) -> HttpResponse:
    """A class's skills and points per day, and each pupil's points by name (not a ranking)."""
    school_class = _class_for_staff(request, class_id)
    span = span_for(Period.parse(request.GET.get("period")), tz=school_get().tz)
    skills = class_skill_breakdown(school_class, span)
    context = {
        "school_class": school_class,
        "pupils": class_overview(school_class, span),
        **_charts(skills, series(span=span, school_class=school_class), span),
    }
    return render(request, "points/report_class.html", context)


@role_required(*STAFF_ROLES)
def points_class_csv(request: AuthedRequest, class_id: int) -> HttpResponse:
    """Every award of the class in the period as CSV; no cell can run as a formula."""
    school_class = _class_for_staff(request, class_id)
    span = span_for(Period.parse(request.GET.get("period")), tz=school_get().tz)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="points-class-{school_class.pk}-{span.first}-{span.last}.csv"'
    )
    response.write("\ufeff")  # a BOM, so spreadsheet programs read accents right
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([safe_cell(column) for column in EXPORT_COLUMNS])
    for row in class_award_rows(school_class, span):
        # Points stay numbers (an int cannot carry a formula); every text goes through safe_cell.
        writer.writerow([cell if isinstance(cell, int) else safe_cell(cell) for cell in row])
    return response
