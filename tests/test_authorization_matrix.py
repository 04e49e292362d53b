"""Who gets what: every role against every page, as one table that later issues extend.

Joining is open before the code of conduct is accepted (a new parent joins, then accepts).
Each cell is what the first response says (a redirect is named by where it goes). A hop to the
admin's own sign-in page is followed once, since it only forwards to the portal's sign-in or
refuses a signed-in person who is not office staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CodeOfConduct, User
from accounts.services.pupil_login import pupil_code_set
from classes.models import Pupil, SchoolClass
from stories.models import Attachment, Audience, Post
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CodeOfConductFactory,
    ConductAcceptanceFactory,
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    with_totp,
)

OK = "200"
LOGIN = "302 sign-in"
MFA = "302 two-factor setup"
HOME = "302 home"
GATE = "302 code of conduct"
DENIED = "403"
HIDDEN = "404"
FEED = "302 stories"

REDIRECT_LABELS = {
    "account_login": LOGIN,
    "admin_needs_mfa": MFA,
    "home": HOME,
    "conduct": GATE,
    "stories_feed": FEED,
}


@dataclass
class World:
    """One school: the user's own class (Oak) and another (Elm), each with a pupil."""

    oak: SchoolClass
    elm: SchoolClass
    oak_pupil: Pupil
    elm_pupil: Pupil
    office: User
    oak_post: Post
    elm_post: Post
    elm_media: Attachment


@dataclass(frozen=True)
class Page:
    method: str
    url: Callable[[World], str]


PAGES = {
    "home": Page("get", lambda w: reverse("home")),
    "conduct": Page("get", lambda w: reverse("conduct")),
    "join": Page("get", lambda w: reverse("join")),
    "admin": Page("get", lambda w: reverse("admin:index")),
    "admin_pupils": Page("get", lambda w: reverse("admin:classes_pupil_changelist")),
    "qr_own": Page("get", lambda w: reverse("pupil_class_qr", args=[w.oak.pk])),
    "qr_other": Page("get", lambda w: reverse("pupil_class_qr", args=[w.elm.pk])),
    "unlock_own": Page("post", lambda w: reverse("pupil_unlock", args=[w.oak_pupil.pk])),
    "unlock_other": Page("post", lambda w: reverse("pupil_unlock", args=[w.elm_pupil.pk])),
    "rosters": Page("get", lambda w: reverse("consent_roster")),
    "roster_own": Page("get", lambda w: reverse("consent_roster_class", args=[w.oak.pk])),
    "roster_other": Page("get", lambda w: reverse("consent_roster_class", args=[w.elm.pk])),
    "roster_print": Page("get", lambda w: reverse("consent_roster_print_all")),
    "dp_consent": Page("get", lambda w: reverse("dp_consent")),
    "stories": Page("get", lambda w: reverse("stories_feed")),
    "post_own": Page("get", lambda w: reverse("stories_post", args=[w.oak_post.pk])),
    "post_other": Page("get", lambda w: reverse("stories_post", args=[w.elm_post.pk])),
    "compose_own": Page("get", lambda w: reverse("stories_new_class", args=[w.oak.pk])),
    "compose_other": Page("get", lambda w: reverse("stories_new_class", args=[w.elm.pk])),
    "compose_school": Page("get", lambda w: reverse("stories_new_school")),
    "like_own": Page("post", lambda w: reverse("stories_like", args=[w.oak_post.pk])),
    "media_other": Page("get", lambda w: reverse("stories_media", args=[w.elm_media.key])),
    "messages": Page("get", lambda w: reverse("messaging_inbox")),
    "message_new": Page("get", lambda w: reverse("messaging_start")),
    "office_inbox": Page("get", lambda w: reverse("messaging_office")),
    "moderation": Page("get", lambda w: reverse("messaging_moderation")),
    "overdue": Page("get", lambda w: reverse("messaging_overdue")),
    "notifications": Page("get", lambda w: reverse("notifications")),
    "broadcast": Page("get", lambda w: reverse("messaging_broadcast")),
    "notification_settings": Page("get", lambda w: reverse("notification_settings")),
    "my_data": Page("get", lambda w: reverse("privacy_export")),
    "delete_account": Page("get", lambda w: reverse("privacy_account_delete")),
}

# fmt: off
EXPECTED: dict[str, tuple[str, ...]] = {
    # columns: home, conduct, join, admin, admin pupils, QR own, QR other, unlock own,
    # unlock other; then rosters, roster own, roster other, roster print, dp consent; then
    # stories, post own, post other, compose own, compose other, compose school, like own,
    # media other; then messages, new message, office inbox, moderation, overdue,
    # notifications, class broadcast, notification settings, my data (export), delete account
    "anonymous": (
        LOGIN, LOGIN, OK, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN,
        LOGIN, LOGIN, LOGIN, LOGIN, LOGIN,
        LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN,
        LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN,
        LOGIN, LOGIN,
    ),
    "parent": (
        OK, OK, OK, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, HIDDEN,
        HIDDEN, HIDDEN, HIDDEN, HIDDEN, HOME,
        OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, FEED, HIDDEN,
        OK, OK, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, OK,
        OK, OK,
    ),
    "parent_no_conduct": (
        GATE, OK, OK, GATE, GATE, GATE, GATE, GATE, GATE,
        GATE, GATE, GATE, GATE, GATE,
        GATE, GATE, GATE, GATE, GATE, GATE, GATE, GATE,
        GATE, GATE, GATE, GATE, GATE, GATE, GATE, GATE,
        GATE, OK,
    ),
    "teacher": (
        OK, OK, OK, DENIED, DENIED, OK, HIDDEN, HOME, HIDDEN,
        OK, OK, HIDDEN, HIDDEN, HIDDEN,
        OK, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN,
        OK, OK, HIDDEN, HIDDEN, HIDDEN, OK, OK, OK,
        OK, OK,
    ),
    "support": (
        OK, OK, OK, DENIED, DENIED, OK, HIDDEN, HOME, HIDDEN,
        OK, OK, HIDDEN, HIDDEN, HIDDEN,
        OK, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN,
        HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, OK,
        OK, OK,
    ),
    # office staff (and leaders) who have not set up two-factor sign-in reach no page of the
    # portal, the admin included, before they do
    "office": (
        MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA,
        MFA, MFA, MFA, MFA, MFA,
        MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA,
        MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA,
        MFA, MFA,
    ),
    "leader": (
        MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA,
        MFA, MFA, MFA, MFA, MFA,
        MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA,
        MFA, MFA, MFA, MFA, MFA, MFA, MFA, MFA,
        MFA, MFA,
    ),
    "office_totp": (
        OK, OK, OK, OK, OK, OK, OK, HOME, HOME,
        OK, OK, OK, OK, HIDDEN,
        OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN,
        HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN, OK, HIDDEN, OK,
        OK, OK,
    ),
    "leader_totp": (
        OK, OK, OK, OK, OK, OK, OK, HOME, HOME,
        OK, OK, OK, OK, HIDDEN,
        OK, OK, OK, HIDDEN, HIDDEN, OK, HIDDEN, OK,
        HIDDEN, HIDDEN, OK, OK, OK, OK, HIDDEN, OK,
        OK, OK,
    ),
    "pupil": (
        OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN,
        HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN,
        OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, FEED, HIDDEN,
        HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN,
        HIDDEN, HIDDEN,
    ),
}
# fmt: on

CASES = [
    pytest.param(role, page, expected, id=f"{role}-{page}")
    for role, row in EXPECTED.items()
    for page, expected in zip(PAGES, row, strict=True)
]


def leader_with_totp() -> User:
    leader = LeaderFactory.create()
    with_totp(leader)
    return leader


def story_post(school_class: SchoolClass) -> Post:
    """A published Class Story post by a teacher of the class."""
    author = assign_teacher(TeacherFactory.create(), school_class)
    now = timezone.now()
    return Post.objects.create(
        audience=Audience.CLASS,
        school_class=school_class,
        author=author,
        body="News",
        language="en-gb",
        published_at=now,
    )


def work_sample(post: Post) -> Attachment:
    name = default_storage.save("stories/matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return Attachment.objects.create(
        post=post, kind="document", content_type="application/pdf", file=name
    )


def make_world() -> World:
    oak, elm = SchoolClassFactory.create(name="Oak"), SchoolClassFactory.create(name="Elm")
    office = OfficeFactory.create()
    with_totp(office)
    oak_post, elm_post = (story_post(school_class) for school_class in (oak, elm))
    world = World(
        oak,
        elm,
        PupilFactory.create(school_class=oak),
        PupilFactory.create(school_class=elm),
        office,
        oak_post,
        elm_post,
        work_sample(elm_post),
    )
    for pupil in (world.oak_pupil, world.elm_pupil):
        pupil_code_set(acting_user=office, pupil=pupil)
        pupil.refresh_from_db()
    return world


def accepted(user: User) -> User:
    """``user`` has accepted the current code of conduct for their audience."""
    audience = (
        CodeOfConduct.Audience.PARENTS if user.role == "parent" else CodeOfConduct.Audience.STAFF
    )
    ConductAcceptanceFactory.create(
        user=user, conduct=CodeOfConduct.objects.get(audience=audience)
    )
    return user


def client_as(role: str, world: World) -> Client:
    if role == "anonymous":
        return Client()
    if role == "pupil":
        assert world.oak_pupil.user is not None
        return pupil_client_for(world.oak_pupil.user)
    makers: dict[str, Callable[[], User]] = {
        "parent": lambda: accepted(ParentLinkFactory.create(pupil=world.oak_pupil).parent),
        "parent_no_conduct": lambda: ParentLinkFactory.create(pupil=world.oak_pupil).parent,
        "teacher": lambda: accepted(assign_teacher(TeacherFactory.create(), world.oak)),
        "support": lambda: accepted(assign_support(SupportFactory.create(), world.oak)),
        "office": lambda: accepted(OfficeFactory.create()),
        "office_totp": lambda: accepted(world.office),
        "leader": lambda: accepted(LeaderFactory.create()),
        "leader_totp": lambda: accepted(leader_with_totp()),
    }
    return client_for(makers[role](), two_factor=role not in ("office", "leader"))


def outcome(client: Client, response: Any) -> str:
    if response.status_code not in (301, 302):
        return str(response.status_code)
    target = urlsplit(response["Location"]).path
    if target == reverse("admin:login"):
        return outcome(client, client.get(response["Location"]))
    for name, label in REDIRECT_LABELS.items():
        if target == reverse(name):
            return label
    return f"{response.status_code} {target}"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "page_name", "expected"), CASES)
def test_authorization_matrix(role: str, page_name: str, expected: str) -> None:
    CodeOfConductFactory.create(audience=CodeOfConduct.Audience.PARENTS)
    CodeOfConductFactory.create(audience=CodeOfConduct.Audience.STAFF)
    world = make_world()
    client = client_as(role, world)
    visit = PAGES[page_name]

    response = getattr(client, visit.method)(visit.url(world))

    assert outcome(client, response) == expected
