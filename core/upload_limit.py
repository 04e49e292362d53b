"""A limit on the bytes of files one request may carry, enforced while the request is read.

Without it Django would write an upload of any size to a temporary file before a view could
refuse it. Once a request's files pass ``MAX_UPLOAD_BYTES``, the rest of its files are skipped
(read and dropped, never stored) and :func:`upload_too_large` says so for the request; the other
form fields still arrive, so the page can say what happened instead of failing its CSRF check.
nginx refuses larger bodies still earlier in production (deploy/nginx.conf).
"""

from __future__ import annotations

import weakref
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# The requests whose files passed the limit, while they live.
_too_large: weakref.WeakSet[HttpRequest] = weakref.WeakSet()


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def _over(self) -> bool:
        if self.received <= settings.MAX_UPLOAD_BYTES:
            return False
        if self.request is not None:
            _too_large.add(self.request)
        return True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self._over():
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self._over():
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_too_large(request: HttpRequest) -> bool:
    """Whether files of ``request`` were dropped for passing the limit."""
    return request in _too_large
