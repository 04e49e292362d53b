"""Which push subscriptions the portal accepts, and the only way it connects to one.

A browser's push subscription names an endpoint URL that the portal will later POST to, from
inside the school's network. Anyone signed in can send any URL, so an endpoint is a request
forgery risk: it must never reach the school's own machines (the router, the database, a
printer's web page). Two layers keep it out:

1. ``subscription_check`` refuses, before anything is stored: a scheme other than https, a
   port other than 443, credentials or a fragment in the URL, a host that is not a plain DNS
   name or a public IP address, local names (``localhost``, ``*.local``, ``*.internal`` …),
   and a name that resolves to a non-public address. A name that does not resolve at all is
   accepted: the portal may run where DNS is unavailable or filtered, and the real push
   services (fcm.googleapis.com, updates.push.services.mozilla.com, web.push.apple.com) are
   public names whose addresses the portal need not see when the browser subscribes.
2. ``push_session`` is the only HTTP session that sends pushes. It connects only to public
   addresses, checking the address it actually connected to (so a name that resolves
   differently later, DNS rebinding included, is caught before a byte is sent), follows no
   redirect and ignores proxy settings from the environment.

``PUSH_TRUSTED_ENDPOINTS`` lists URL prefixes (scheme, host and port, and a path) that skip
both layers, for a push service on the school's own network or the test suite's endpoint on
127.0.0.1.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from .models import PushSubscription

MAX_ENDPOINT_LENGTH = PushSubscription._meta.get_field("endpoint").max_length or 500
P256DH_BYTES = 65  # an uncompressed point on P-256: 0x04, then x and y
AUTH_BYTES = 16
# Names that never leave the local network (RFC 6761, RFC 6762, RFC 8375 and common practice).
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")
DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")

NOT_HTTPS = _(
    "Notifications could not be turned on: this browser's push service does not use a "
    "secure (https) address."
)
PRIVATE_ADDRESS = _(
    "Notifications could not be turned on: this browser's push service is at a private or "
    "local address, which the portal does not contact."
)
BAD_ENDPOINT = _("Notifications could not be turned on: this browser's push address is not valid.")
TOO_LONG = _("Notifications could not be turned on: this browser's push address is too long.")
BAD_KEYS = _(
    "Notifications could not be turned on: the keys this browser sent are not valid. Reload "
    "the page and try again."
)


@dataclass(frozen=True)
class CheckedSubscription:
    """A subscription that passed every check, in the form the portal stores."""

    endpoint: str
    p256dh: str
    auth: str


def subscription_check(*, endpoint: str, p256dh: str, auth: str) -> CheckedSubscription:
    """The subscription as it will be stored, or ``ValidationError`` with a message for the
    person who tried to turn notifications on. Resolves the endpoint's host name (see the
    module's docstring for a name that does not resolve)."""
    endpoint = endpoint.strip()
    endpoint_check(endpoint)
    if not is_trusted(endpoint):
        host = urlsplit(endpoint).hostname or ""
        if not _resolves_only_to_public(host):
            raise ValidationError(PRIVATE_ADDRESS, code="private")
    return CheckedSubscription(
        endpoint=endpoint,
        p256dh=_key_check(p256dh, P256DH_BYTES, point=True),
        auth=_key_check(auth, AUTH_BYTES),
    )


def endpoint_check(endpoint: str) -> None:
    """Every check of an endpoint that needs no DNS: used when subscribing, and again before
    each push, so a subscription the rules no longer accept is never contacted."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise ValidationError(TOO_LONG, code="too_long")
    if not endpoint or any(char.isspace() or ord(char) < 32 for char in endpoint):
        raise ValidationError(BAD_ENDPOINT, code="invalid")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise ValidationError(BAD_ENDPOINT, code="invalid") from None
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise ValidationError(BAD_ENDPOINT, code="invalid")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(BAD_ENDPOINT, code="invalid")
    if is_trusted(endpoint):
        return
    if parts.scheme != "https":
        raise ValidationError(NOT_HTTPS, code="not_https")
    if port not in (None, 443):
        raise ValidationError(BAD_ENDPOINT, code="port")
    _host_check(parts)


def _host_check(parts: SplitResult) -> None:
    host = (parts.hostname or "").rstrip(".")
    literal = _ip_literal(host)
    if literal is not None:
        if not is_public_address(str(literal)):
            raise ValidationError(PRIVATE_ADDRESS, code="private")
        return
    if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES):
        raise ValidationError(PRIVATE_ADDRESS, code="private")
    labels = host.split(".")
    # A real name has a dot and an alphabetic top-level label: "intranet", "127.1" and
    # "0x7f.1" are not names (the last two are addresses in disguise).
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(DNS_LABEL.match(label) for label in labels)
        or not re.match(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$", labels[-1])
    ):
        raise ValidationError(BAD_ENDPOINT, code="invalid")


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def is_public_address(address: str) -> bool:
    """Whether the portal may connect to this IP address: globally routable, not multicast.
    An IPv6 address that embeds an IPv4 one is judged by the IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def _resolves_only_to_public(host: str) -> bool:
    """True when every address the name resolves to is public, or when it does not resolve
    (the module's docstring says why that is accepted)."""
    try:
        infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return True
    return all(is_public_address(str(info[4][0])) for info in infos)


def is_trusted(endpoint: str) -> bool:
    """Whether the endpoint starts with one of ``PUSH_TRUSTED_ENDPOINTS``, compared by scheme,
    host and port exactly and by path prefix, so ``http://127.0.0.1:8001@elsewhere`` does not
    pass for ``http://127.0.0.1:8001``."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    for prefix in settings.PUSH_TRUSTED_ENDPOINTS:
        trusted = urlsplit(prefix)
        if (parts.scheme, parts.hostname, port) == (
            trusted.scheme,
            trusted.hostname,
            trusted.port,
        ) and parts.path.startswith(trusted.path):
            return True
    return False


def _key_check(value: str, size: int, *, point: bool = False) -> str:
    """A key in base64url (padding optional) of exactly ``size`` bytes, stored unpadded; a
    p256dh key must also be a point on the P-256 curve, or encryption would fail later."""
    value = value.strip()
    if not BASE64URL.match(value):
        raise ValidationError(BAD_KEYS, code="bad_keys")
    unpadded = value.rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError(BAD_KEYS, code="bad_keys") from None
    if len(raw) != size:
        raise ValidationError(BAD_KEYS, code="bad_keys")
    if point:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise ValidationError(BAD_KEYS, code="bad_keys") from None
    return unpadded


class _PublicOnlyConnection(HTTPConnection):
    """Refuses, once connected and before sending anything, a peer that is not public."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        peer = str(sock.getpeername()[0])
        if not is_public_address(peer):
            sock.close()
            raise NewConnectionError(self, f"refused to push to non-public address {peer}")
        return sock


class _PublicOnlyHTTPSConnection(_PublicOnlyConnection, HTTPSConnection):
    pass


class _PublicOnlyHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicOnlyConnection


class _PublicOnlyHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicOnlyHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicOnlyHTTPPool,
            "https": _PublicOnlyHTTPSPool,
        }


class _NoRedirectSession(requests.Session):
    """A push service answers; it never sends the portal elsewhere (a redirect could point
    inside the school's network)."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def push_session(*, trusted: bool) -> requests.Session:
    """The session pushes are sent with: public addresses only, unless it is for trusted
    endpoints (``PUSH_TRUSTED_ENDPOINTS``)."""
    session = _NoRedirectSession()
    session.trust_env = False
    if not trusted:
        adapter = _PublicOnlyAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session
