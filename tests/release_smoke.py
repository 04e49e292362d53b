"""The smoke test of an upgraded database, run by ``tests/test_upgrade_release.py`` as a program
of its own (``python -m tests.release_smoke``) with the settings and database it is given.

A demo parent signs in through the sign-in page, reads the feed and opens a photo of it, and
writes to their child's teacher, whose reply they then read: the journeys a school checks first
after an upgrade. It prints one JSON object of what it saw and exits 0, or fails loudly.
"""

from __future__ import annotations

import json
import re
import sys

import django


def main() -> int:
    django.setup()
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from accounts.selectors.people import children_of
    from demo.people import DEMO_PASSWORD, PARENT_EMAIL
    from messaging.services.messages import message_start

    client = Client(HTTP_HOST="localhost")
    signed_in = client.post(
        reverse("account_login"), {"login": PARENT_EMAIL, "password": DEMO_PASSWORD}
    )
    feed = client.get(reverse("stories_feed"))
    feed_html = feed.content.decode()
    keys = re.findall(r"/stories/media/([0-9a-f-]{36})/thumb/", feed_html)
    photo = client.get(reverse("stories_thumbnail", args=[keys[0]])) if keys else None

    parent = User.objects.get(email=PARENT_EMAIL)
    child = next(child for child in children_of(parent) if child.teachers)
    message = message_start(
        acting_user=parent,
        other=child.teachers[0],
        pupil=child.pupil,
        body="Amir has a dentist's appointment on Friday afternoon.",
    )
    thread = client.get(reverse("messaging_thread", args=[message.thread_id]))
    seen = {
        "sign_in": signed_in.status_code,
        "signed_in_as": client.session.get("_auth_user_id") == str(parent.pk),
        "feed": feed.status_code,
        "photos_in_feed": len(keys),
        "photo": photo.status_code if photo else None,
        "photo_type": photo.headers.get("Content-Type") if photo else None,
        "thread": thread.status_code,
        "message_shown": "dentist" in thread.content.decode(),
    }
    json.dump(seen, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
