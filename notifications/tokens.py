"""Unsubscribe links that work without signing in: a signed token naming the person and the
kind (or "digest"), valid for a while, so a forwarded old email cannot change settings forever."""

from __future__ import annotations

import datetime as dt

from django.core import signing

SALT = "notifications.unsubscribe"
MAX_AGE = dt.timedelta(days=90)
DIGEST = "digest"


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=SALT)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """The person and kind a token names. Raises ``signing.SignatureExpired`` for an old token
    and ``signing.BadSignature`` for a forged or damaged one."""
    value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise signing.BadSignature("unexpected unsubscribe token")
    return value[0], str(value[1])
