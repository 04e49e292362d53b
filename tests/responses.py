"""Typed reads of test-client responses: the client's responses are typed as the base class,
which has neither ``content`` nor ``streaming_content``."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase


def body_text(response: HttpResponseBase) -> str:
    """The decoded body of a whole (not streamed) response."""
    assert isinstance(response, HttpResponse), type(response)
    return response.content.decode()


def streamed_bytes(response: HttpResponseBase) -> bytes:
    """The whole body of a streamed response (a file download)."""
    assert isinstance(response, StreamingHttpResponse), type(response)
    return b"".join(response)
