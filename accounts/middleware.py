"""Gates every request passes through, in order: suspension (R5), pupil session limits,
the user's language, two-factor sign-in for the staff who need it, and the code of conduct
(R4)."""

from __future__ import annotations

import functools
import struct
import weakref
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import to_locale

from pwa import URL_NAMES as PWA_URL_NAMES

from .languages import known_or_default
from .models import Role, User
from .permissions.accounts import has_two_factor, needs_two_factor
from .selectors.conduct import conduct_accepted, conduct_audience, conduct_current_id

Handler = Callable[[HttpRequest], HttpResponse]

# Pages a signed-in person may reach before accepting the code of conduct.
CONDUCT_EXEMPT_URL_NAMES = frozenset(
    {"conduct", "account_logout", "healthz", "set_language", "join", "join_done"}
    # the privacy notices: readable before agreeing to anything (R28)
    | {"privacy_notice_parents", "privacy_notice_pupils"}
    # the installable app's public files (manifest, service worker, offline page, icons)
    | PWA_URL_NAMES
    # an email's unsubscribe link works without signing in, so before agreeing too (R31)
    | {"notifications_unsubscribe"}
    # someone who will not agree may delete their account instead (R28)
    | {"privacy_account_delete"}
)


def is_static_request(request: HttpRequest) -> bool:
    return request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))


# Each request's URL match while the request lives (the gates ask before the view resolves).
_matches: weakref.WeakKeyDictionary[HttpRequest, ResolverMatch | None] = (
    weakref.WeakKeyDictionary()
)


def _match_of(request: HttpRequest) -> ResolverMatch | None:
    """The URL the request is for, resolved once per request, however many gates ask (the
    view's own resolution comes later, after the middleware)."""
    if request not in _matches:
        try:
            match: ResolverMatch | None = resolve(request.path_info)
        except Resolver404:
            match = None
        _matches[request] = match
    return _matches[request]


def url_name_of(request: HttpRequest) -> str | None:
    """The name of the URL the request is for."""
    match = _match_of(request)
    return match.url_name if match else None


def is_allauth_page(request: HttpRequest) -> bool:
    """Whether the request is for one of allauth's own pages (sign-in and out, password,
    email, two-factor set-up and recovery codes)."""
    match = _match_of(request)
    return bool(match and getattr(match.func, "__module__", "").startswith("allauth."))


class SuspendedAccountMiddleware:
    """A suspended account's open sessions stop at their next request (R5)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The app's public files pass: the person sees why on their next page, not a browser
        # that fetched its service worker or manifest.
        if (
            user.is_authenticated
            and user.is_suspended
            and url_name_of(request) not in PWA_URL_NAMES
        ):
            logout(request)
            return render(request, "accounts/suspended.html", status=403)
        return self.get_response(request)


# The only pages a signed-in pupil can reach; every other page answers a pupil with 404.
PUPIL_URL_NAMES = frozenset(
    {
        "home",
        "account_logout",
        "healthz",
        "pupil_start",
        "pupil_class",
        "pupil_code",
        # a classroom tablet's names with monsters, and its picture code
        "pupil_tablet",
        "pupil_tablet_code",
        # the pupil area (points app): their points, their monster, the picture notice
        "pupil_points",
        "pupil_points_live",
        "pupil_monster",
        "pupil_monster_preview",
        "pupil_notice",
        # stories (R15, R16): their Student Story with the Class and School Stories
        "stories_feed",
        "stories_post",
        "stories_like",
        "stories_media",
        "stories_thumbnail",
        "stories_photo",  # a photo of a post of theirs, in the viewer
        # the privacy notices (R28), the children's one in pictures
        "privacy_notice_parents",
        "privacy_notice_pupils",
    }
)


# Asked by a pupil's page itself every so often, not by the pupil: these neither keep the
# session alive nor count as the pupil being there.
PUPIL_BACKGROUND_URL_NAMES = frozenset({"pupil_points_live"})


class PupilSessionMiddleware:
    """Pupils' sessions are short (idle and absolute limits), and reach only their own pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The app's public files pass untouched: a browser fetching its service worker in the
        # background neither extends a pupil's session nor is sent to sign in.
        if (
            user.is_authenticated
            and user.role == Role.PUPIL
            and url_name_of(request) not in PWA_URL_NAMES
        ):
            now = timezone.now()
            started = request.session.get("pupil_started")
            last_seen = request.session.get("pupil_last_seen")
            if (
                started is None
                or last_seen is None
                or now - datetime.fromisoformat(started) > settings.PUPIL_SESSION_ABSOLUTE
                or now - datetime.fromisoformat(last_seen) > settings.PUPIL_SESSION_IDLE
            ):
                logout(request)
                return _to_pupil_start(request)
            if url_name_of(request) not in PUPIL_BACKGROUND_URL_NAMES:
                request.session["pupil_last_seen"] = now.isoformat()
            if not is_static_request(request) and url_name_of(request) not in PUPIL_URL_NAMES:
                raise Http404
        return self.get_response(request)


def _to_pupil_start(request: HttpRequest) -> HttpResponse:
    """Back to the pupils' sign-in; a page's own htmx question is told to go there whole,
    rather than have the sign-in page put inside the part it asked for."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(headers={"HX-Redirect": reverse("pupil_start")})
    return redirect("pupil_start")


# The first four bytes of a compiled catalogue (GNU gettext's MO format), in its byte order.
MO_MAGIC = 0x950412DE


@functools.lru_cache(maxsize=64)
def interface_language(preferred: str) -> str | None:
    """``preferred`` if the portal's own pages are translated into it (a compiled catalogue in
    ``locale/`` that translates something), else None. A page must not claim a language its
    text is not in (WCAG 3.1.1): until a language's catalogue holds translations (a catalogue
    made by ``make messages`` and not yet translated has none), its readers get English pages,
    and posts and messages in their language, each marked with its own ``lang``. The catalogues
    ship with the code, so the answer is kept for the life of the process."""
    base = preferred.split("-")[0]
    for code in (preferred, base):
        compiled = Path(settings.LOCALE_PATHS[0]) / to_locale(code) / "LC_MESSAGES" / "django.mo"
        if compiled.is_file() and translated_messages(compiled) > 0:
            return preferred
    return None


def translated_messages(compiled: Path) -> int:
    """How many messages a compiled catalogue (``.mo``) translates, its header aside: ``msgfmt``
    leaves out the untranslated ones, so a catalogue with none holds only its header. The count
    is the third number of the file's header (GNU gettext's MO format), in the byte order its
    magic number gives; a file that is no catalogue translates nothing."""
    with compiled.open("rb") as handle:
        start = handle.read(12)
    for order in ("<", ">"):
        if len(start) == 12 and struct.unpack(order + "I", start[:4])[0] == MO_MAGIC:
            return max(struct.unpack(order + "I", start[8:])[0] - 1, 0)
    return 0


# The language of a signed-in pupil's class (blank: English), kept in the session when they
# sign in (R32): a pupil's pages cost no query for it.
PUPIL_LANGUAGE_KEY = "pupil_language"


def wanted_language(request: HttpRequest) -> str:
    """The language a request asks for (R32): a signed-in adult's account language, whatever
    the language cookie or the browser says; a pupil's class's language, else English; for
    anyone not signed in, what Django's ``LocaleMiddleware`` read from the language cookie or
    ``Accept-Language`` (which falls back to English for a language the portal lacks). Any
    code that is not one of the portal's languages is English."""
    user = request.user
    if not user.is_authenticated:
        wanted = translation.get_language()
    elif user.role == Role.PUPIL:
        wanted = request.session.get(PUPIL_LANGUAGE_KEY) or settings.LANGUAGE_CODE
    else:
        wanted = user.preferred_language
    return known_or_default(wanted)


class UserLanguageMiddleware:
    """A signed-in adult sees the portal in their preferred language, a pupil in their class's,
    anyone else in their browser's or the switcher's (:func:`wanted_language`), where the portal
    is translated into it; otherwise in the default language."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = interface_language(wanted_language(request) or "")
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# Pages a signed-in person who must have two-factor sign-in reaches before setting it up:
# allauth's own pages (to set it up, or sign out) besides these.
TWO_FACTOR_EXEMPT_URL_NAMES = frozenset(
    {"admin_needs_mfa", "healthz", "set_language"}
    | {"privacy_notice_parents", "privacy_notice_pupils"}
    | PWA_URL_NAMES
)
# Kept in the session once the person is seen to have a second factor: most pages cost no
# query for this gate. A leader's reset of someone's second factor ends their sessions.
TWO_FACTOR_SESSION_KEY = "two_factor_ok"


def two_factor_pending(request: HttpRequest, user: User) -> bool:
    """Whether ``user``, the request's signed-in adult, must set up two-factor sign-in before
    this page."""
    if request.session.get(TWO_FACTOR_SESSION_KEY) or not needs_two_factor(user):
        return False
    if has_two_factor(user):
        request.session[TWO_FACTOR_SESSION_KEY] = True
        return False
    return True


class TwoFactorMiddleware:
    """Office staff and leaders (and all staff where the school requires it) use no page of the
    portal, the admin included, until they have two-factor sign-in: every page leads to the
    page that says why and links to allauth's set-up."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.role not in (Role.PARENT, Role.PUPIL)
            and not is_static_request(request)
            and url_name_of(request) not in TWO_FACTOR_EXEMPT_URL_NAMES
            and not is_allauth_page(request)
            and two_factor_pending(request, user)
        ):
            return redirect("admin_needs_mfa")
        return self.get_response(request)


CONDUCT_SESSION_KEY = "conduct_accepted"


def conduct_pending(request: HttpRequest, user: User) -> bool:
    """Whether ``user``, the request's signed-in adult, has yet to accept the current code of
    conduct (R4). The current version comes from the cache and an acceptance, once seen, is
    remembered in the session: most pages cost no query for this gate."""
    audience = conduct_audience(user)
    current = conduct_current_id(audience) if audience else None
    if current is None or request.session.get(CONDUCT_SESSION_KEY) == current:
        return False
    if conduct_accepted(user, current):
        request.session[CONDUCT_SESSION_KEY] = current
        return False
    return True


class CodeOfConductMiddleware:
    """Until a parent or staff member accepts the current code of conduct, only it shows (R4)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.role != Role.PUPIL
            and not is_static_request(request)
            and url_name_of(request) not in CONDUCT_EXEMPT_URL_NAMES
            and conduct_pending(request, user)
        ):
            return redirect("conduct")
        return self.get_response(request)
