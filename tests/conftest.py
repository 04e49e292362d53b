from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator

import factory.random
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.models import User
from classes.models import School, SchoolClass
from classes.selectors import school_get
from tests.clock import travel_to_today
from tests.factories import (
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)
from tests.faketime import sleep_without_clock_nanosleep
from tests.translation.standin import stand_in  # noqa: F401  (the LibreTranslate stand-in)

sleep_without_clock_nanosleep()


@pytest.fixture(autouse=True)
def _test_today() -> Iterator[None]:
    """Every test runs at the suite's "test today" (``tests.clock.TODAY``), ticking, on one
    clock for the whole process: the services, the caches, the views, Celery's eager tasks
    and the fixtures below all read it. First of the suite's fixtures, so that what they make
    is made then."""
    with travel_to_today():
        yield


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Every test starts in the portal's own language, and leaves it so: Django's test client
    leaves the language of the last page it fetched active in the thread, and a Polish page
    would otherwise put the next test's charts and emails in Polish."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _same_names_every_run(request: pytest.FixtureRequest) -> None:
    """The factories' random names are seeded from the test's id: a test gets the same
    children's names on every run and machine, whatever ran before it, so a failure is
    reproducible rather than a once-in-a-while surprise in CI."""
    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _celery_not_inside_a_worker() -> Iterator[None]:
    """A real worker started in a thread of the test process (the reliability tests) sets
    Celery's process-wide "inside a task" flag, and its thread may do so again while it stops;
    no later test may inherit it (``result.get()`` would refuse to run)."""
    yield
    # celery._state is private, and celery-types does not describe it: reached as a module.
    importlib.import_module("celery._state")._set_task_join_will_block(False)


@pytest.fixture
def school(db: None) -> School:
    # get_or_create: a transactional test before this one may have flushed the migration's row
    school, _created = School.objects.get_or_create(singleton=True)
    school.name = "New Village Primary"
    school.office_phone = "01302 555 0100"
    school.office_email = "office@school.example.org"
    school.save()
    return school_get()  # cached, as on a server after its first page


@pytest.fixture
def school_class(db: None) -> SchoolClass:
    return SchoolClassFactory(name="Oak")


@pytest.fixture
def teacher(school_class: SchoolClass) -> User:
    return assign_teacher(TeacherFactory(title="Mrs", last_name="Patel"), school_class)


@pytest.fixture
def parent_with_child(school_class: SchoolClass):
    link = ParentLinkFactory(pupil=PupilFactory(school_class=school_class, first_name="Maya"))
    return link.parent, link.pupil


def client_for(user: User, *, two_factor: bool = True) -> Client:
    """A client signed in as ``user``, on a server whose caches are warm (the school, the
    current code of conduct and the current data-processing form are read from the shared cache
    on every page after the first), so query counts measure each page's own work. The caches
    are warmed on the test clock: a test that names its moments calls it inside ``at()``, at
    the moment the pages are first seen.

    Someone who must have two-factor sign-in (office staff and leaders) is signed in as with
    it, their TOTP set up if they had none, unless ``two_factor=False``: the client of someone
    who never set it up."""
    from accounts.middleware import TWO_FACTOR_SESSION_KEY
    from accounts.models import Role
    from accounts.permissions.accounts import has_two_factor, needs_two_factor
    from accounts.selectors.conduct import conduct_audience, conduct_current_id
    from consent.selectors.data_processing import dp_form_current_id
    from notifications.permissions import can_have_notifications
    from notifications.selectors import bell_for
    from tests.factories import with_totp

    client = Client()
    client.force_login(user)
    if two_factor and needs_two_factor(user):
        if not has_two_factor(user):
            with_totp(user)
        session = client.session
        session[TWO_FACTOR_SESSION_KEY] = True
        session.save()
    audience = conduct_audience(user)
    if audience:
        conduct_current_id(audience)
    if user.role == Role.PARENT:
        dp_form_current_id()
    if can_have_notifications(user):
        bell_for(user)
    return client


def pupil_client_for(user: User) -> Client:
    """A client signed in as a pupil, with the session that the picture-code sign-in makes."""
    from django.utils import timezone

    client = client_for(user)
    session = client.session
    now = timezone.now().isoformat()
    session["pupil_started"] = now
    session["pupil_last_seen"] = now
    session.save()
    return client
