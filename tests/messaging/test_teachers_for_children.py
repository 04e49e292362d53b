"""R18 for many children at once (the parent's home): the batch twin answers what
``teachers_for`` answers for each child, in two queries whatever their number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classes.selectors import school_get
from messaging.permissions import may_message, teachers_for, teachers_for_children
from tests.factories import (
    CoverAssignmentFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
)

pytestmark = pytest.mark.django_db


def test_R18_the_batch_answers_as_teachers_for_does_for_each_child(school) -> None:
    parent = ParentFactory()
    now = timezone.now()
    oak, ash, elm = SchoolClassFactory(), SchoolClassFactory(), SchoolClassFactory()
    assign_teacher(TeacherFactory(last_name="Hughes"), oak)
    assign_teacher(TeacherFactory(last_name="Adams"), oak)
    assign_support(SupportFactory(), oak)  # no messaging unless the school allows it
    gone = assign_teacher(TeacherFactory(), ash)
    gone.is_active = False
    gone.save()
    CoverAssignmentFactory(
        school_class=ash,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    CoverAssignmentFactory(  # over already
        school_class=oak,
        starts_at=now - dt.timedelta(hours=3),
        ends_at=now - dt.timedelta(hours=1),
    )
    assign_teacher(TeacherFactory(), elm)
    maya = ParentLinkFactory(parent=parent, pupil=PupilFactory(school_class=oak)).pupil
    leo = ParentLinkFactory(parent=parent, pupil=PupilFactory(school_class=ash)).pupil
    left = PupilFactory(school_class=elm, leaving_date=now.date())
    ParentLinkFactory(parent=parent, pupil=left)
    not_theirs = PupilFactory(school_class=oak)
    pupils = [maya, leo, left, not_theirs]

    with CaptureQueriesContext(connection) as ctx:
        batch = teachers_for_children(parent, [p.pk for p in pupils])
    assert len(ctx.captured_queries) == 2

    for pupil in (maya, leo, not_theirs):
        assert batch.get(pupil.pk, []) == teachers_for(parent, pupil), pupil
    assert [t.last_name for t in batch[maya.pk]] == ["Adams", "Hughes"]
    # a child who has left has nobody, as may_message says (the compose page lists only
    # current children before it asks teachers_for)
    assert left.pk not in batch and not_theirs.pk not in batch
    elm_teacher = teachers_for(parent, left)[0]
    assert not may_message(parent, elm_teacher, left)

    school = school_get()
    school.support_staff_messaging = True
    school.save()
    batch = teachers_for_children(parent, [maya.pk])
    assert batch[maya.pk] == teachers_for(parent, maya) and len(batch[maya.pk]) == 3


def test_R18_only_a_parent_gets_anyone(school) -> None:
    oak = SchoolClassFactory()
    teacher = assign_teacher(TeacherFactory(), oak)
    pupil = PupilFactory(school_class=oak)
    assert teachers_for_children(teacher, [pupil.pk]) == {}
    assert teachers_for_children(ParentFactory(), []) == {}
