"""Which language the interface speaks, with the catalogues in ``locale/`` (R32): a page claims a
language only when its catalogue translates something, and the scripts' texts come from the
JavaScript catalogue (``jsi18n/``) in the same language, revalidated by its ETag.

Each test compiles its own small Polish catalogue with msgfmt, as ``make catalogues`` does, in
a folder of its own (the shipped catalogues are not translated yet).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import interface_language, translated_messages
from classes.models import School
from pwa.catalogue import catalogue_source
from tests.conftest import client_for
from tests.factories import ParentFactory, PupilFactory, give_picture_code
from tests.requirements import require_or_skip

pytestmark = pytest.mark.django_db

POLISH_HEADER = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: pl\n"
"Plural-Forms: nplurals=3; "
"plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
"""
SIGN_IN = 'msgid "Sign in"\nmsgstr "Zaloguj się"\n'
ONE_MOMENT = 'msgid "One moment…"\nmsgstr "Chwileczkę…"\n'
PICTURES = r"""msgid "%(done)s of %(total)s picture"
msgid_plural "%(done)s of %(total)s pictures"
msgstr[0] "%(done)s z %(total)s obrazka"
msgstr[1] "%(done)s z %(total)s obrazków"
msgstr[2] "%(done)s z %(total)s obrazków"
"""
CATALOGUE_URL = "/jsi18n/"

Catalogues = Callable[..., Path]


def forget_languages() -> None:
    interface_language.cache_clear()
    catalogue_source.cache_clear()


@pytest.fixture
def catalogues(tmp_path: Path, settings) -> Iterator[Catalogues]:
    """Compiles the given Polish messages (``django`` and ``djangojs``) into a folder that
    becomes the portal's ``LOCALE_PATHS``."""
    msgfmt = shutil.which("msgfmt")
    require_or_skip(msgfmt is not None, "needs msgfmt (GNU gettext) to compile catalogues")
    assert msgfmt is not None

    def make(*, django: str = "", djangojs: str = "") -> Path:
        folder = tmp_path / "locale" / "pl" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        for domain, messages in (("django", django), ("djangojs", djangojs)):
            source = folder / f"{domain}.po"
            source.write_text(POLISH_HEADER + "\n" + messages, encoding="utf-8")
            subprocess.run(
                [msgfmt, "--check", "-o", str(source.with_suffix(".mo")), str(source)],
                check=True,
            )
        settings.LOCALE_PATHS = [tmp_path / "locale"]
        forget_languages()
        return folder

    yield make
    forget_languages()


def polish_parent():
    return ParentFactory.create(preferred_language="pl")


# The language a page claims


def test_R32_a_catalogue_not_translated_yet_leaves_the_pages_in_english(
    school: School, catalogues: Catalogues
) -> None:
    """What ``make messages`` ships before translators fill it: a compiled catalogue with its
    header only. The pages stay English and say so (WCAG 3.1.1)."""
    folder = catalogues()

    assert translated_messages(folder / "django.mo") == 0
    assert interface_language("pl") is None
    html = client_for(polish_parent()).get(reverse("home")).content.decode()
    assert '<html lang="en-gb">' in html


def test_R32_a_translated_catalogue_gives_the_reader_their_language(
    school: School, catalogues: Catalogues
) -> None:
    folder = catalogues(django=SIGN_IN)

    assert translated_messages(folder / "django.mo") == 1
    assert interface_language("pl") == "pl"
    page = Client().get(reverse("account_login"), headers={"accept-language": "pl"})
    assert '<html lang="pl">' in page.content.decode()
    assert "<h1>Zaloguj się</h1>" in page.content.decode()


def test_a_file_that_is_no_catalogue_translates_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "django.mo"
    broken.write_bytes(b"not a catalogue at all")

    assert translated_messages(broken) == 0


# The scripts' texts


def test_R32_the_scripts_texts_come_in_the_readers_language(
    school: School, catalogues: Catalogues
) -> None:
    catalogues(django=SIGN_IN, djangojs=ONE_MOMENT + "\n" + PICTURES)

    polish = client_for(polish_parent()).get(CATALOGUE_URL)
    english = client_for(ParentFactory.create()).get(CATALOGUE_URL)

    assert polish.status_code == english.status_code == 200
    assert polish["Content-Type"] == "text/javascript; charset=utf-8"
    script = polish.content.decode()
    assert '"One moment\\u2026": "Chwileczk\\u0119\\u2026"' in script
    assert "%(done)s z %(total)s obrazk\\u00f3w" in script
    # Polish plurals: one, few (2–4, 22–24…), many
    assert "n%10>=2 && n%10<=4" in script
    assert "Chwileczk" not in english.content.decode()


def test_the_catalogue_holds_the_portals_texts_only(
    school: School, catalogues: Catalogues
) -> None:
    """Not the admin's date and time pickers' (Django ships them in Polish): a page's scripts
    wait for one small file."""
    catalogues(django=SIGN_IN, djangojs=ONE_MOMENT)

    script = client_for(polish_parent()).get(CATALOGUE_URL).content.decode()

    assert "Chwileczk" in script
    assert "Teraz" not in script  # the admin's "Now"
    assert len(re.findall(r'^\s+"[^"]+": ', script, re.MULTILINE)) < 40


def test_the_catalogue_is_asked_for_again_and_sent_only_when_it_changed(
    school: School, catalogues: Catalogues
) -> None:
    catalogues(django=SIGN_IN, djangojs=ONE_MOMENT)
    client = client_for(polish_parent())

    first = client.get(CATALOGUE_URL)
    again = client.get(CATALOGUE_URL, headers={"if-none-match": first["ETag"]})
    english = Client().get(CATALOGUE_URL)

    assert first["Cache-Control"] == "no-cache"
    assert first.has_header("Last-Modified")
    assert again.status_code == 304
    assert again.content == b""
    assert english.status_code == 200
    assert english["ETag"] != first["ETag"]
    assert not english.has_header("Last-Modified")  # English has no catalogue to date


def test_the_layout_loads_the_catalogue_before_the_scripts_that_use_it(school: School) -> None:
    """The pupils' picture keypad: its script counts the pictures with ngettext."""
    pupil = PupilFactory.create()
    give_picture_code(pupil)
    url = reverse("pupil_code", args=[pupil.school_class.class_code, pupil.pk])

    page = Client().get(url).content.decode()

    scripts = re.findall(r"<script\b[^>]*>", page)
    sources = [re.search(r'src="([^"]+)"', tag) for tag in scripts]
    assert all(sources), "no inline script: the CSP refuses them"
    urls = [match.group(1) for match in sources if match]
    keypad = next(n for n, found in enumerate(urls) if "pupil-keypad" in found)
    assert urls.index(CATALOGUE_URL) < keypad
    # deferred scripts run in the order of the page, after it is parsed
    assert " defer" in scripts[urls.index(CATALOGUE_URL)] and " defer" in scripts[keypad]
