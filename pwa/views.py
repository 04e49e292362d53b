"""The installable app's files. Open to everyone, signed in or not: they hold nothing private and
do not depend on who asks (the offline page ignores the visitor, so a copy stored on a device
never names anyone)."""

from __future__ import annotations

import hashlib
import json
from http import HTTPStatus

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from classes.models import School
from classes.selectors import school_get

from .icons import ICON_SIZES, icon_etag, icon_png
from .manifest import manifest_for
from .worker import worker_source

MANIFEST_CONTENT_TYPE = "application/manifest+json"
WORKER_CONTENT_TYPE = "text/javascript; charset=utf-8"
# Icons change only with the school's name: a day in the browser's cache, then revalidated.
ICON_MAX_AGE = 24 * 3600


def school_name() -> str:
    """The school's name (from the shared cache); the portal's own name on a database that has
    no school yet."""
    try:
        return school_get().name
    except School.DoesNotExist:
        return _("School portal")


def conditional(request: HttpRequest, response: HttpResponse, *, etag: str) -> HttpResponse:
    """``response`` with its ETag, or 304 Not Modified when the browser already holds it."""
    etag = quote_etag(etag)
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


def body_etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:24]


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the visitor's language; revalidated on every use, so a new
    school name reaches installed apps."""
    body = json.dumps(manifest_for(school_name()), ensure_ascii=False).encode()
    response = HttpResponse(body, content_type=MANIFEST_CONTENT_TYPE)
    patch_cache_control(response, public=True, no_cache=True)
    return conditional(request, response, etag=body_etag(body))


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, at the site's root so that its scope is the whole site. Never served from a
    cache without asking: a new version must reach every device."""
    body = worker_source(school_name=school_name()).encode()
    response = HttpResponse(body, content_type=WORKER_CONTENT_TYPE)
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True)
    return conditional(request, response, etag=body_etag(body))


@login_not_required
@require_GET
def icon(request: HttpRequest, size: int, maskable: bool = False) -> HttpResponse:
    """The school's icon at ``size`` px (one of ``ICON_SIZES``); drawn once, then cached."""
    if size not in ICON_SIZES:
        raise Http404
    name = school_name()
    response = HttpResponse(content_type="image/png")
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    response = conditional(
        request, response, etag=icon_etag(name=name, size=size, maskable=maskable)
    )
    if response.status_code == HTTPStatus.OK:
        response.content = icon_png(name=name, size=size, maskable=maskable)
    return response


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page the worker shows when the network is down. Rendered as for an anonymous
    visitor whoever asks (its template names no one and shows no messages): the worker stores
    it on the device."""
    response = render(request, "pwa/offline.html", {"school_name": school_name()})
    patch_cache_control(response, no_cache=True)
    return response
