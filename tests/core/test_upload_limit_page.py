"""A post or message larger than the server takes (issue 20, item 1): nginx answers with the
portal's own static page, in every language and saying the limit, and the forms check the
files' size in the browser first, so what was typed is never lost."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation

from core.error_pages import render_page
from tests.conftest import client_for

PAGE = Path(settings.BASE_DIR) / "static" / "errors" / "413.html"
NGINX = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"


def test_nginx_sends_the_portals_page_for_a_request_too_large() -> None:
    conf = NGINX.read_text()
    assert "error_page 413 /static/errors/413.html;" in conf
    body = re.search(r"client_max_body_size (\d+)m;", conf)
    assert body and int(body.group(1)) * 1024 * 1024 >= settings.MAX_UPLOAD_BYTES


def test_the_committed_page_is_what_the_template_and_catalogues_make() -> None:
    """`manage.py error_pages` after a change of the template or its translations; CI fails
    otherwise."""
    assert PAGE.read_text(encoding="utf-8") == render_page("413.html")
    call_command("error_pages", check=True, stdout=StringIO())


def test_the_page_says_the_limit_in_every_language_with_its_direction() -> None:
    page = PAGE.read_text(encoding="utf-8")
    sections = re.findall(r'<section lang="([^"]+)" dir="(rtl|ltr)">(.*?)</section>', page, re.S)

    assert [code for code, _dir, _text in sections] == [c for c, _n in settings.LANGUAGES]
    for code, direction, text in sections:
        with translation.override(code):
            assert str(filesizeformat(settings.MAX_UPLOAD_BYTES)) in text, code
            assert translation.gettext("Too large to send") in text, code
        assert direction == ("rtl" if code in {"ar", "ur"} else "ltr"), code
    assert 'href="/static/css/portal.css"' in page  # the school's style, its unhashed name
    assert "<script" not in page


def test_a_stale_page_is_reported(tmp_path: Path, settings) -> None:
    (tmp_path / "static" / "errors").mkdir(parents=True)
    (tmp_path / "static" / "errors" / "413.html").write_text("old")
    settings.BASE_DIR = tmp_path
    with pytest.raises(
        CommandError, match=r"Out of date: .*413\.html\. Run manage.py error_pages"
    ):
        call_command("error_pages", check=True, stdout=StringIO())


def test_the_composer_and_message_forms_tell_the_browser_their_limit(
    teacher, parent_with_child, school_class
) -> None:
    limit = settings.MAX_UPLOAD_BYTES
    attrs = f'data-max-bytes="{limit}" data-max-label="{filesizeformat(limit)}"'
    pages = [
        client_for(teacher).get(reverse("stories_new_class", args=[school_class.pk])),
        client_for(parent_with_child[0]).get(reverse("messaging_start")),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        # The composer's form goes on with its htmx attributes after the limit's.
        assert re.search(rf'<form [^>]*enctype="multipart/form-data"[^>]* {attrs}[^>]*>', html)
        assert "js/upload-limit.js" in html
