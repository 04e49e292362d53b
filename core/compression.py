"""HTML compressed by Django where nothing in front of it does (the embedded default, served
without nginx): Django's ``GZipMiddleware`` for pages only.

What is never compressed, and why (docs/architecture.md, "Compression"):

- streaming responses, which include every file and media response (``FileResponse``): a
  compressed file breaks HTTP range requests (R36), and photos, recordings and PDFs do not shrink;
- anything but ``text/html`` (static files come from WhiteNoise, which runs earlier and sends the
  compressed copies it keeps itself), and downloads (``Content-Disposition``);
- the pages under ``NEVER_COMPRESSED``, which show a secret beside text a visitor may choose
  (BREACH): the office's admin (invite codes and picture-code cards), the account pages of
  allauth (two-factor secrets, recovery codes) and the pupils' sign-in pages (class codes).

Elsewhere the one secret in a page is the CSRF token, which Django masks afresh for every
response, and ``GZipMiddleware`` adds random bytes to each compressed response's length.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

NEVER_COMPRESSED = ("/admin/", "/accounts/", "/pupil/")


def compressible(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.has_header("Content-Disposition")
        and not request.path_info.startswith(NEVER_COMPRESSED)
    )


class PageGZipMiddleware(GZipMiddleware):
    """``GZipMiddleware`` for the responses :func:`compressible` allows; others pass as they
    are."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not compressible(request, response):
            return response
        return super().process_response(request, response)
