"""A school like the demo's, made with factories and the apps' own services, for the export
tests (R28): a parent with a child in Oak whose teacher posts about her (with photos) and
messages the parent, awards points, and an office member who keeps the records."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from guardian.shortcuts import assign_perm
from PIL import Image

from accounts.models import Suspension, User
from classes.models import Pupil, SchoolClass
from consent.models import DataProcessingAgreement, DataProcessingForm, MediaStatus, PupilImport
from consent.services.media import media_consent_record
from events.models import Answer
from events.services.events import event_create
from events.services.feeds import feed_for
from events.services.replies import reply_set
from messaging.models import Flag, Message, ParentWarning, Thread
from messaging.services.messages import message_start
from notifications.models import (
    DigestPreference,
    DigestSent,
    Kind,
    Notification,
    NotificationSetting,
    PushSubscription,
)
from points.models import Avatar, Award, Skill
from points.services.awards import points_award
from stories.models import Audience, Post, PostSeen, Reminder
from stories.services.likes import post_like
from stories.services.posts import post_create
from tests.factories import (
    ConductAcceptanceFactory,
    CoverAssignmentFactory,
    ExtraParentRequestFactory,
    InviteCodeFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    with_totp,
)

FORM_DATE = dt.date(2026, 9, 3)


def jpeg(name: str = "trip.jpg", colour: str = "orange") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (96, 64), colour).save(out, "JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class World:
    oak: SchoolClass
    teacher: User
    office: User
    parent: User
    maya: Pupil
    classmate: Pupil
    student_post: Post
    tagged_post: Post
    class_post: Post
    other_student_post: Post
    message: Message


def value_skill(name: str = "Curiosity") -> Skill:
    skill, _created = Skill.objects.get_or_create(
        name=name, school_class=None, defaults={"kind": "positive", "value": 1, "icon": "puzzle"}
    )
    return skill


def _posts(teacher: User, oak: SchoolClass, maya: Pupil, classmate: Pupil) -> list[Post]:
    """A Student Story post of Maya and a class post tagging her (both with a photo), a class
    post tagging nobody and a classmate's Student Story post: the last two are not hers."""
    return [
        post_create(
            acting_user=teacher,
            audience=Audience.STUDENT,
            pupil=maya,
            body="Maya read her story to the class.",
            uploads=[jpeg("reading.jpg", "teal")],
            tagged_ids=[maya.pk],
        ),
        post_create(
            acting_user=teacher,
            audience=Audience.CLASS,
            school_class=oak,
            body="Pond dipping this afternoon.",
            uploads=[jpeg("pond.jpg", "green")],
            tagged_ids=[maya.pk, classmate.pk],
        ),
        post_create(
            acting_user=teacher, audience=Audience.CLASS, school_class=oak, body="PE on Friday."
        ),
        post_create(
            acting_user=teacher,
            audience=Audience.STUDENT,
            pupil=classmate,
            body="A great week for Noor.",
        ),
    ]


def make_family(capture: object) -> World:
    """The parent, their child Maya in Oak with her teacher, and what they share: posts about
    Maya with photos, one that is not about her, a message with a photo, points and a like.
    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks`` (the photo worker)."""
    oak = SchoolClassFactory(name="Oak")
    teacher = assign_teacher(TeacherFactory(title="Mrs", last_name="Hughes"), oak)
    office = OfficeFactory(first_name="Sarah", last_name="Bennett")
    # Fixed names: the tests look for surnames in the export, where the parent's own name is.
    maya = PupilFactory(school_class=oak, first_name="Maya", surname="Whitfield")
    classmate = PupilFactory(school_class=oak, first_name="Noor", surname="Quigley")
    parent = ParentLinkFactory(
        pupil=maya, parent__first_name="Diana", parent__last_name="Okoro"
    ).parent
    media_consent_record(
        acting_user=office,
        pupils=[maya, classmate],
        status=MediaStatus.GRANTED,
        form_date=FORM_DATE,
    )
    with capture(execute=True):  # type: ignore[operator]
        posts = _posts(teacher, oak, maya, classmate)
        message = message_start(
            acting_user=parent,
            other=teacher,
            pupil=maya,
            body="Maya loved the pond trip!",
            photos=[jpeg("drawing.jpg", "purple")],
        )
    points_award(
        acting_user=teacher,
        school_class=oak,
        pupil_ids=[maya.pk],
        skill=value_skill(),
        note="Asked how frogs breathe",
    )
    post_like(acting_user=parent, post=posts[0])
    student_post, tagged_post, class_post, other_student_post = posts
    return World(
        oak=oak,
        teacher=teacher,
        office=office,
        parent=parent,
        maya=maya,
        classmate=classmate,
        student_post=student_post,
        tagged_post=tagged_post,
        class_post=class_post,
        other_student_post=other_student_post,
        message=message,
    )


def _parent_records(world: World) -> None:
    """A row for the parent in every other model that holds data about a person."""
    parent, maya, now = world.parent, world.maya, timezone.now()
    EmailAddress.objects.create(user=parent, email=parent.email, verified=True, primary=True)
    ConductAcceptanceFactory(user=parent)
    Suspension.objects.create(
        user=parent,
        reason="Abusive message",
        suspended_by=world.office,
        lifted_at=now,
        lifted_by=world.office,
    )
    ParentWarning.objects.create(parent=parent, reason="Tone of a message", given_by=world.office)
    Avatar.objects.create(
        pupil=maya, body="round", eyes="two", mouth="smile", colour="blue", accessory="hat"
    )
    other = PupilFactory(school_class=world.oak, first_name="Ivy")
    ExtraParentRequestFactory(parent=parent, pupil=other, decided_by=world.office)
    InviteCodeFactory(pupil=maya, used_by=parent, used_at=now, created_by=world.office)
    form = DataProcessingForm.objects.create(version=1, title="Data consent", body="Text.")
    DataProcessingAgreement.objects.create(parent=parent, pupil=maya, form=form)
    PostSeen.objects.create(post=world.class_post, user=parent)
    Flag.objects.create(
        message=world.message,
        flagged_by=world.teacher,
        reason="Rude",
        decided_by=world.office,
        decided_at=now,
        outcome=Flag.Outcome.NO_ACTION,
    )
    Notification.objects.create(
        recipient=parent,
        kind=Kind.URGENT,
        key="announcement:1",
        link="/stories/",
        channel="portal",
    )
    NotificationSetting.objects.create(user=parent, kind=Kind.NEW_MESSAGE, channel="digest")
    DigestPreference.objects.create(user=parent, send_at=dt.time(19, 0))
    DigestSent.objects.create(user=parent, day=dt.date(2026, 11, 2), notifications=3)
    PushSubscription.objects.create(
        user=parent, endpoint="https://push.invalid/abc", p256dh="k", auth="a", device="Phone"
    )
    _event_records(world)


def _event_records(world: World) -> None:
    """An event of Maya's class, answered for her, and her parent's calendar address."""
    event = event_create(
        acting_user=world.teacher,
        audience=Audience.CLASS,
        school_class=world.oak,
        title="Trip to the farm",
        starts_on=timezone.localdate() + dt.timedelta(days=3),
        all_day=True,
    )
    reply_set(acting_user=world.parent, event=event, pupil=world.maya, answer=Answer.GOING)
    feed_for(acting_user=world.parent)


def _staff_records(world: World) -> None:
    """Rows that name the teacher or the office as the one who acted, and their work."""
    teacher, office = world.teacher, world.office
    with_totp(teacher)
    assign_perm("stories.view_post", teacher, world.class_post)  # a generic object permission
    CoverAssignmentFactory(teacher=teacher, school_class=SchoolClassFactory(name="Elm"))
    Reminder.objects.create(
        author=teacher,
        audience=Audience.CLASS,
        school_class=world.oak,
        body="PE kit tomorrow",
        language="en-gb",
        weekday=1,
        time_of_day=dt.time(15, 30),
        next_at=timezone.now(),
    )
    Skill.objects.create(
        name="Tidy table",
        kind="positive",
        value=1,
        icon="star",
        school_class=world.oak,
        created_by=teacher,
    )
    PupilImport.objects.create(uploaded_by=office, file_name="pupils.csv", file_sha256="0" * 64)
    Thread.objects.filter(pk=world.message.thread_id).update(assigned_to=office)
    LogEntry.objects.create(
        user=office,
        content_type=ContentType.objects.get_for_model(Pupil),
        object_id=str(world.maya.pk),
        object_repr="pupil",
        action_flag=ADDITION,
    )


def make_everything(capture: object) -> World:
    """The family, and a row in every model the export registry covers."""
    world = make_family(capture)
    _parent_records(world)
    _staff_records(world)
    assert Award.objects.filter(awarded_by=world.teacher).exists()
    return world
