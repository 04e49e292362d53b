"""The class award screen (R25): tick pupils (or the whole class), choose a skill, done; and
the page where a class teacher sets the class's own skills.

With htmx the click is one round trip that swaps the confirmation and the tiles' totals for
today; without JavaScript the same form posts and comes back to the screen with a message.
Staff of the class only: to anyone else the class does not exist (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest
from accounts.models import Role
from accounts.permissions.accounts import role_required
from classes.models import Pupil, SchoolClass
from classes.names import display_names
from core import bidi

from ..forms import CHOOSE_SKILL, AwardForm, ClassSkillForm
from ..models import Award, Skill, SkillKind
from ..permissions import can_award_in_class, can_manage_class_skills
from ..selectors.awards import Tile, class_skills, class_tiles, today_label, today_totals
from ..services.awards import NOTHING_TO_UNDO, points_award, points_undo
from ..services.skills import skill_archive, skill_create

STAFF = (Role.TEACHER, Role.SUPPORT, Role.LEADER)

AWARDED = _("%(value)s %(skill)s for %(names)s")
AWARDED_CLASS = _("%(value)s %(skill)s for the whole class (%(count)d)")
AWARDED_MANY = ngettext_lazy("%(count)d pupil", "%(count)d pupils", "count")
NAMES_AND = _("%(names)s and %(last)s")
UNDONE = ngettext_lazy(
    "Points taken back from %(count)d pupil.", "Points taken back from %(count)d pupils.", "count"
)
SKILL_ADDED = _("“%(name)s” is now a skill of this class.")
SKILL_ARCHIVED = _("“%(name)s” is archived: it is no longer given, and past points keep it.")
# Up to this many pupils are named in the confirmation; more are counted.
NAMED_AT_MOST = 4


def _class_for(user: Any, class_id: int) -> SchoolClass:
    """The class, if ``user`` may give points in it; otherwise it does not exist (404)."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_award_in_class(user, school_class):
        raise Http404
    return school_class


def _isolated(text: str) -> str:
    """A name in the sentence, isolated where that changes what is shown (core.bidi)."""
    return bidi.isolate(text) if bidi.needs_isolation(text) else text


def _names_text(names: Sequence[str]) -> str:
    if len(names) > NAMED_AT_MOST:
        return str(AWARDED_MANY % {"count": len(names)})
    names = [_isolated(name) for name in names]
    if len(names) == 1:
        return names[0]
    return str(NAMES_AND % {"names": ", ".join(names[:-1]), "last": names[-1]})


def confirmation_text(
    awards: Sequence[Award], *, whole_class: bool, names: Collection[str] | None = None
) -> str:
    """“+1 Resilience for Amir Kh. and Maya”, or “… for the whole class (28)”. ``names`` are the
    pupils' display names when the caller has them already. On a right-to-left page the value
    keeps its sign before it (``+1``) and the names do not reorder the sentence."""
    skill = awards[0].skill
    value = bidi.isolate_ltr(f"{skill.value:+d}")
    skill_name = _isolated(skill.name)
    if whole_class:
        return str(AWARDED_CLASS % {"value": value, "skill": skill_name, "count": len(awards)})
    if names is None:
        pupils = Pupil.objects.filter(pk__in=[award.pupil_id for award in awards])
        names = display_names(pupils).values()
    names = sorted(names, key=str.casefold)
    return str(AWARDED % {"value": value, "skill": skill_name, "names": _names_text(names)})


def _big(request: AuthedRequest) -> bool:
    """Whether the screen is in its big-screen mode (names to read from the back of a room)."""
    return (request.POST if request.method == "POST" else request.GET).get("big") == "1"


def _screen_url(
    request: AuthedRequest, school_class: SchoolClass, last: uuid.UUID | None = None
) -> str:
    url = reverse("points_class", args=[school_class.pk])
    query: dict[str, str] = {"last": str(last)} if last else {}
    if _big(request):
        query["big"] = "1"
    return f"{url}?{urlencode(query)}" if query else url


def _fragment(
    request: AuthedRequest,
    school_class: SchoolClass,
    *,
    text: str,
    undo: uuid.UUID | None = None,
    error: bool = False,
    tiles: list[Tile] | None = None,
    badges: list[tuple[int, str]] | None = None,
    whole_class: bool = False,
) -> HttpResponse:
    """The confirmation (or refusal) for htmx. After a change, also fresh ``tiles`` (those of
    the pupils concerned, or the whole grid after a whole-class click) and a new batch."""
    context: dict[str, Any] = {"school_class": school_class, "text": text, "undo": undo}
    context["big"] = _big(request)
    context.update(error=error, tiles=tiles, badges=badges, whole_class=whole_class)
    if not error:
        context["form"] = AwardForm()
    return render(request, "points/includes/award_result.html", context)


def _whole_class_fragment(
    request: AuthedRequest, school_class: SchoolClass, awards: list[Award], *, ticked: list[int]
) -> HttpResponse:
    """After a whole-class click only today's badges change: send those (and the few tiles
    someone had ticked as well, to untick them), not thirty monsters again."""
    totals = today_totals(school_class, [award.pupil_id for award in awards])
    badges = [(a.pupil_id, today_label(totals.get(a.pupil_id) or 0)) for a in awards]
    return _fragment(
        request,
        school_class,
        text=confirmation_text(awards, whole_class=True),
        undo=awards[0].batch,
        tiles=class_tiles(school_class, only=set(ticked)) if ticked else [],
        badges=badges,
        whole_class=True,
    )


def _refused(request: AuthedRequest, school_class: SchoolClass, message: Any) -> HttpResponse:
    if request.htmx:
        return _fragment(request, school_class, text=str(message), error=True)
    messages.error(request, message)
    return redirect(_screen_url(request, school_class))


def _first_error(form: AwardForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return str(CHOOSE_SKILL)


@require_GET
@role_required(*STAFF)
def class_screen(request: AuthedRequest, class_id: int) -> HttpResponse:
    """The award screen: pupil tiles, the class's skills as buttons, a note for parents."""
    school_class = _class_for(request.user, class_id)
    last = _own_batch(request, school_class)
    skills = class_skills(school_class)
    context = {
        "school_class": school_class,
        "tiles": class_tiles(school_class),
        "positive": [row for row in skills if row.skill.kind == SkillKind.POSITIVE],
        "needs_work": [row for row in skills if row.skill.kind == SkillKind.NEEDS_WORK],
        "form": AwardForm(),
        "undo": last,
        "big": _big(request),
    }
    return render(request, "points/award.html", context)


def _own_batch(request: AuthedRequest, school_class: SchoolClass) -> uuid.UUID | None:
    """The click named by ``?last=`` (after a plain POST), if it is this user's and still here:
    the screen then offers to undo it."""
    try:
        last = uuid.UUID(request.GET.get("last", ""))
    except ValueError:
        return None
    mine = Award.objects.filter(batch=last, school_class=school_class, awarded_by=request.user)
    return last if mine.exists() else None


@require_POST
@role_required(*STAFF)
def award(request: AuthedRequest, class_id: int) -> HttpResponse:
    """Give the chosen skill to the ticked pupils (or the whole class) in one bulk write."""
    school_class = _class_for(request.user, class_id)
    form = AwardForm(request.POST)
    if not form.is_valid():
        return _refused(request, school_class, _first_error(form))
    data = form.cleaned_data
    skill = Skill.objects.filter(pk=data["skill"]).first()
    if skill is None:
        return _refused(request, school_class, CHOOSE_SKILL)
    pupil_ids = None if data["whole_class"] else data["pupils"]
    try:
        awards = points_award(
            acting_user=request.user,
            school_class=school_class,
            pupil_ids=pupil_ids,
            skill=skill,
            note=data["note"],
            batch=data["batch"],
        )
    except ValidationError as error:
        return _refused(request, school_class, error.messages[0])
    whole_class, batch = data["whole_class"], awards[0].batch
    if request.htmx and whole_class:
        return _whole_class_fragment(request, school_class, awards, ticked=data["pupils"])
    if request.htmx:
        tiles = class_tiles(school_class, only={award.pupil_id for award in awards})
        text = confirmation_text(awards, whole_class=False, names=[t.name for t in tiles])
        return _fragment(request, school_class, text=text, undo=batch, tiles=tiles)
    text = confirmation_text(awards, whole_class=whole_class)
    messages.success(request, text)
    return redirect(_screen_url(request, school_class, batch))


def _undo_class(request: AuthedRequest, batch: uuid.UUID) -> tuple[SchoolClass | None, set[int]]:
    """The class of the click to undo (404 if the user may not give points there) and its
    pupils; when the click is gone, the class the undo form came from, so the screen can say
    so."""
    rows = list(Award.objects.filter(batch=batch).values_list("school_class_id", "pupil_id"))
    class_id = rows[0][0] if rows else None
    if class_id is None:
        try:
            class_id = int(request.POST.get("class_id", ""))
        except ValueError:
            return None, set()
    return _class_for(request.user, class_id), {pupil_id for _class, pupil_id in rows}


@require_POST
@role_required(*STAFF)
def undo(request: AuthedRequest, batch: uuid.UUID) -> HttpResponse:
    """Take back one click's points; only its author may (403 for other staff of the class)."""
    school_class, pupil_ids = _undo_class(request, batch)
    try:
        count = points_undo(acting_user=request.user, batch=batch)
    except ValidationError:
        if school_class is None:
            messages.error(request, NOTHING_TO_UNDO)
            return redirect("home")
        return _refused(request, school_class, NOTHING_TO_UNDO)
    assert school_class is not None  # a click with awards always has its class
    text = str(UNDONE % {"count": count})
    if request.htmx:
        tiles = class_tiles(school_class, only=pupil_ids)
        return _fragment(request, school_class, text=text, tiles=tiles)
    messages.success(request, text)
    return redirect(_screen_url(request, school_class))


def _skills_class(user: Any, class_id: int) -> tuple[SchoolClass, bool]:
    """The class, if ``user`` works with it (404 otherwise), and whether they may set its
    skills (the class teacher and leaders; support staff only give points)."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    may_manage = can_manage_class_skills(user, school_class)
    if not (may_manage or can_award_in_class(user, school_class)):
        raise Http404
    return school_class, may_manage


@role_required(*STAFF)
def class_skills_page(request: AuthedRequest, class_id: int) -> HttpResponse:
    """The class's skills: the school's (set by leaders) and the class's own, which the class
    teacher adds here."""
    school_class, may_manage = _skills_class(request.user, class_id)
    form = ClassSkillForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                skill = skill_create(
                    acting_user=request.user, school_class=school_class, **form.cleaned_data
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, SKILL_ADDED % {"name": skill.name})
                return redirect("points_class_skills", class_id=school_class.pk)
    skills = class_skills(school_class)
    context = {
        "school_class": school_class,
        "school_skills": [row for row in skills if row.skill.school_class_id is None],
        "own_skills": [row for row in skills if row.skill.school_class_id is not None],
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "points/skills.html", context, status=400 if form.errors else 200)


def _add_service_error(form: ClassSkillForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
@role_required(*STAFF)
def class_skill_archive(request: AuthedRequest, class_id: int, skill_id: int) -> HttpResponse:
    """Stop using one of the class's own skills; awards already given keep it."""
    school_class, may_manage = _skills_class(request.user, class_id)
    skill = get_object_or_404(Skill, pk=skill_id, school_class=school_class, archived=False)
    if not may_manage:
        raise PermissionDenied
    skill_archive(acting_user=request.user, skill=skill)
    messages.success(request, SKILL_ARCHIVED % {"name": skill.name})
    return redirect("points_class_skills", class_id=school_class.pk)
