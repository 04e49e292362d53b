"""Make the floor's users, each signed in, and print their session keys as JSON:
``python -m benchmarks.floor.people <count>`` (after ``migrate`` on the floor's database)."""

from __future__ import annotations

import json
import os
import sys

import django


def signed_in(count: int) -> list[str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for number in range(count):
        user, _created = User.objects.get_or_create(username=f"person{number}")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        assert session.session_key
        keys.append(session.session_key)
    return keys


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.floor.settings")
    django.setup()
    print(json.dumps(signed_in(int(sys.argv[1]))))
