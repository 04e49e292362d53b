"""The portal's side of ``benchmarks/load.py``: signed-in sessions for distinct demo parents and
teachers, and the pages each of them opens, printed as JSON.

Run in the portal's environment, after ``seed_demo``:
``python -m benchmarks.support.load_people --parents 60 --teachers 20``. Each parent gets a
message thread with their eldest child's teacher (the demo school has none), so that a thread
page is there to open. The tables are analysed at the end, as autovacuum would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings.production")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import ParentLink, Role, User  # noqa: E402
from classes.models import Pupil, SchoolClass  # noqa: E402
from classes.selectors import teachers_by_class  # noqa: E402
from messaging.services.messages import message_start  # noqa: E402
from points.models import Skill  # noqa: E402

HOST = settings.ALLOWED_HOSTS[0]


def session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key
    return session.session_key


def settled(person: dict[str, Any], path: str) -> bool:
    """The person's page answers 200: no gate (conduct, data processing) is in their way."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = person["session"]
    answer = client.get(path, headers={"host": HOST, "x-forwarded-proto": "https"})
    if answer.status_code != 200:
        print(
            f"left out: {path} answers {answer.status_code} {answer.get('Location', '')}",
            file=sys.stderr,
        )
    return answer.status_code == 200


def parents(count: int) -> list[dict[str, Any]]:
    """Parents with a child and a thread with that child's teacher, each with their pages."""
    links = ParentLink.objects.select_related("parent", "pupil").order_by("parent_id", "pupil_id")
    seen: set[int] = set()
    people: list[dict[str, Any]] = []
    for link in links:
        if link.parent_id in seen or len(people) == count:
            continue
        seen.add(link.parent_id)
        class_id = link.pupil.school_class_id
        teachers = teachers_by_class({class_id}).get(class_id, []) if class_id else []
        if not teachers:
            continue
        person = {"session": session_for(link.parent)}
        if not settled(person, reverse("stories_feed")):
            continue
        try:
            message = message_start(
                acting_user=link.parent,
                other=teachers[0],
                pupil=link.pupil,
                body="Could we talk about the reading book this week, please?",
            )
        except PermissionDenied:
            continue
        people.append(
            person
            | {
                "feed": reverse("stories_feed"),
                "home": reverse("home"),
                "points": reverse("points_child", args=[link.pupil_id]),
                "notifications": reverse("notifications"),
                "thread": reverse("messaging_thread", args=[message.thread_id]),
            }
        )
    return people


def teachers(count: int) -> list[dict[str, Any]]:
    """Class teachers, each with their home and an award to give at their class screen."""
    skill = Skill.objects.get(name="Resilience", school_class=None)
    people: list[dict[str, Any]] = []
    with_pupils = SchoolClass.objects.filter(pupils__isnull=False).distinct()
    by_class = teachers_by_class(set(with_pupils.values_list("pk", flat=True)))
    for class_id, staff in sorted(by_class.items()):
        teacher = staff[0]
        if teacher.role != Role.TEACHER or len(people) == count:
            continue
        person = {"session": session_for(teacher)}
        if not settled(person, reverse("home")):
            continue
        people.append(
            person
            | {
                "home": reverse("home"),
                "story": f"{reverse('stories_feed')}?class={class_id}",
                "screen": reverse("points_class", args=[class_id]),
                "award": reverse("points_award", args=[class_id]),
                "skill": skill.pk,
                "pupils": _pupils_of(class_id),
            }
        )
    return people


def _pupils_of(class_id: int) -> list[int]:
    pupils = Pupil.objects.current().filter(school_class_id=class_id)
    return list(pupils.values_list("pk", flat=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=60)
    parser.add_argument("--teachers", type=int, default=20)
    args = parser.parse_args()
    people = {"parents": parents(args.parents), "teachers": teachers(args.teachers)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps(people))


if __name__ == "__main__":
    main()
