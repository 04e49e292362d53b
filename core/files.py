"""Handing out a protected file after the caller has checked the viewer may see it (R8).

Media never has a public URL. A view checks permission, then returns this response: in
production nginx sends the bytes (``X-Accel-Redirect`` to its ``internal`` location, so Python
does not stream files); with the embedded default Django streams the file itself.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase


def protected_file_response(
    file: FieldFile,
    *,
    download_name: str,
    cache: str = "private, no-store",
    content_type: str | None = None,
    as_attachment: bool = False,
) -> HttpResponseBase:
    """The response for ``file``, already permission-checked, named ``download_name``; served
    as ``content_type`` when the caller knows it (from the file's checked content). Shown in
    the browser, or saved as a download with ``as_attachment``."""
    name = file.name or ""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response: HttpResponseBase
    if settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT_PREFIX + name
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{download_name}"'
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response
