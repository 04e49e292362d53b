"""The signed part of a calendar feed's address: the feed's random key and a signature made
with the server's secret, so an address that was not handed out is refused before any query."""

from __future__ import annotations

from django.core.signing import BadSignature, Signer

SALT = "events.calendar-feed"


def feed_token(key: str) -> str:
    return Signer(salt=SALT).sign(key)


def feed_key(token: str) -> str | None:
    """The key the token carries, or None for a token this server did not sign."""
    try:
        return Signer(salt=SALT).unsign(token)
    except BadSignature:
        return None
