"""Handing out a protected file after the caller has checked the viewer may see it (R8, R36).

Media never has a public URL. A view checks permission, then returns this response: in
production nginx sends the bytes (``X-Accel-Redirect`` to its ``internal`` location, so Python
does not stream files, and nginx answers ``Range`` requests itself); with the embedded default
Django streams the file itself, and answers a ``Range`` request as HTTP says (RFC 9110 §14): a
single satisfiable byte range is ``206 Partial Content`` with its ``Content-Range``, a range
that starts past the end is ``416 Range Not Satisfiable`` with ``Content-Range: bytes */size``,
and anything else (no range, several ranges, a malformed header, an ``If-Range``, which this
response cannot validate) is the whole file with ``200``. ``Accept-Ranges: bytes`` says so
(nginx says it itself for the files it sends), which lets a browser start a video at once and
scrub through it. The permission check is the caller's and happens before any of this, for
every request, ranges included.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def protected_file_response(
    file: FieldFile,
    *,
    download_name: str,
    cache: str = "private, no-store",
    content_type: str | None = None,
    as_attachment: bool = False,
    request: HttpRequest | None = None,
) -> HttpResponseBase:
    """The response for ``file``, already permission-checked, named ``download_name``; served
    as ``content_type`` when the caller knows it (from the file's checked content). Shown in
    the browser, or saved as a download with ``as_attachment``. Given the ``request``, a
    ``Range`` in it is answered (206 or 416)."""
    name = file.name or ""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response: HttpResponseBase
    if settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT_PREFIX + name
    else:
        response = _embedded(file, content_type, request)
        response["Accept-Ranges"] = "bytes"
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{download_name}"'
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _embedded(file: FieldFile, content_type: str, request: HttpRequest | None) -> HttpResponseBase:
    header = request.headers.get("Range", "") if request is not None else ""
    if not header or (request is not None and "If-Range" in request.headers):
        return FileResponse(file.open("rb"), content_type=content_type)
    size = file.size
    try:
        wanted = byte_range(header, size)
    except Unsatisfiable:
        refused = HttpResponse(status=416, content_type=content_type)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if wanted is None:
        return FileResponse(file.open("rb"), content_type=content_type)
    start, end = wanted
    partial = StreamingHttpResponse(
        _read(file.open("rb"), start, end), status=206, content_type=content_type
    )
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    return partial


class Unsatisfiable(ValueError):
    """The range asked for lies wholly past the end of the file (416)."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range ``header`` asks of a ``size``-byte file, as (first, last) inclusive;
    ``None`` when the header is to be ignored (the whole file, 200): malformed, several ranges,
    or not in bytes. ``Unsatisfiable`` when it cannot be satisfied (416)."""
    found = _RANGE.match(header.strip().replace(" ", ""))
    if found is None:
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:  # "bytes=-500": the last 500 bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid: ignored, as RFC 9110 allows
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _read(source: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    try:
        source.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = source.read(min(CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
    finally:
        source.close()
