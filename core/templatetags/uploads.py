"""``{% upload_limit_attrs %}``: a form's data attributes for ``static/js/upload-limit.js``,
which checks the chosen files' size in the browser before anything is sent (issue 20)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def upload_limit_attrs() -> SafeString:
    """The most the files of one request may weigh (``MAX_UPLOAD_BYTES``), in bytes and as the
    reader reads it ("60.0 MB")."""
    limit = settings.MAX_UPLOAD_BYTES
    return format_html('data-max-bytes="{}" data-max-label="{}"', limit, filesizeformat(limit))
