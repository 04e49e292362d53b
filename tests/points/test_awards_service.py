"""The award services (R25): who may give points, one bulk write per click, a repeated click
adds nothing, and only the author takes points back."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import User
from classes.models import SchoolClass
from points.models import Award, Skill, SkillKind
from points.services.awards import (
    NO_PUPILS,
    NOTE_TOO_LONG,
    NOTHING_TO_UNDO,
    SKILL_ARCHIVED,
    SKILL_NOT_FOR_CLASS,
    points_award,
    points_undo,
)
from tests.factories import (
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def curiosity(db: None) -> Skill:
    return Skill.objects.get(name="Curiosity")


def give(user: User, school_class: SchoolClass, ids, skill: Skill, **extra) -> list[Award]:
    return points_award(
        acting_user=user, school_class=school_class, pupil_ids=ids, skill=skill, **extra
    )


def test_R25_award_records_who_when_skill_value_and_note(
    teacher: User, school_class: SchoolClass, curiosity: Skill
) -> None:
    pupils = PupilFactory.create_batch(3, school_class=school_class)
    awards = give(teacher, school_class, [p.pk for p in pupils], curiosity, note=" Asked why. ")
    assert len(awards) == 3 and len({a.batch for a in awards}) == 1
    for award in awards:
        assert (award.awarded_by, award.skill, award.value, award.note) == (
            teacher,
            curiosity,
            1,
            "Asked why.",
        )
        assert award.awarded_at is not None


def test_R25_the_same_batch_twice_adds_nothing(
    teacher: User, school_class: SchoolClass, curiosity: Skill
) -> None:
    pupil = PupilFactory(school_class=school_class)
    batch = uuid.uuid4()
    give(teacher, school_class, [pupil.pk], curiosity, batch=batch)
    again = give(teacher, school_class, [pupil.pk], curiosity, batch=batch)
    assert len(again) == 1 and Award.objects.count() == 1


def test_R25_pupil_of_another_class_or_who_left_makes_the_whole_call_404(
    teacher: User, school_class: SchoolClass, curiosity: Skill
) -> None:
    ours = PupilFactory(school_class=school_class)
    left = PupilFactory(school_class=school_class, leaving_date=dt.date(2026, 7, 20))
    theirs = PupilFactory(school_class=SchoolClassFactory())
    for stranger in (left, theirs):
        with pytest.raises(Http404):
            give(teacher, school_class, [ours.pk, stranger.pk], curiosity)
    assert not Award.objects.exists()


def test_R25_skill_of_another_class_archived_or_long_note_is_refused(
    teacher: User, school_class: SchoolClass, curiosity: Skill
) -> None:
    pupil = PupilFactory(school_class=school_class)
    theirs = Skill.objects.create(
        name="Theirs",
        kind=SkillKind.POSITIVE,
        value=1,
        icon="star",
        school_class=SchoolClassFactory(),
    )
    archived = Skill.objects.create(
        name="Gone", kind=SkillKind.POSITIVE, value=1, icon="star", archived=True
    )
    cases = [
        (theirs, {}, {"skill": [str(SKILL_NOT_FOR_CLASS)]}),
        (archived, {}, {"skill": [str(SKILL_ARCHIVED)]}),
        (curiosity, {"note": "x" * 201}, {"note": [str(NOTE_TOO_LONG)]}),
    ]
    for skill, extra, message in cases:
        with pytest.raises(ValidationError) as refused:
            give(teacher, school_class, [pupil.pk], skill, **extra)
        assert refused.value.message_dict == message
    with pytest.raises(ValidationError) as empty:
        give(teacher, school_class, [], curiosity)
    assert empty.value.messages == [str(NO_PUPILS)]
    assert not Award.objects.exists()


def test_R25_only_staff_of_the_class_award(school_class: SchoolClass, curiosity: Skill) -> None:
    pupil = PupilFactory(school_class=school_class)
    other = assign_teacher(TeacherFactory(), SchoolClassFactory())
    with pytest.raises(PermissionDenied):
        give(other, school_class, [pupil.pk], curiosity)
    support = assign_support(SupportFactory(), school_class)
    assert len(give(support, school_class, [pupil.pk], curiosity)) == 1


def test_R25_undo_by_author_only_and_once(
    teacher: User, school_class: SchoolClass, curiosity: Skill
) -> None:
    pupils = PupilFactory.create_batch(2, school_class=school_class)
    batch = give(teacher, school_class, [p.pk for p in pupils], curiosity)[0].batch
    colleague = assign_support(SupportFactory(), school_class)
    with pytest.raises(PermissionDenied):
        points_undo(acting_user=colleague, batch=batch)
    assert Award.objects.count() == 2
    assert points_undo(acting_user=teacher, batch=batch) == 2
    with pytest.raises(ValidationError) as again:
        points_undo(acting_user=teacher, batch=batch)
    assert again.value.messages == [str(NOTHING_TO_UNDO)]
    assert not Award.objects.exists()
