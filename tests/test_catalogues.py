"""The interface's catalogues in ``locale/`` (R32): one pair (``django``, ``djangojs``) for each
language the portal offers, each with its language's plural rule, each compiling, and a
``make messages`` that keeps what translators wrote."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.requirements import require_or_skip

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ("django", "djangojs")
CATALOGUES = [
    LOCALE / code / "LC_MESSAGES" / f"{domain}.po" for code in LANGUAGES for domain in DOMAINS
]

# For each language, numbers and the plural form (index of msgstr[n]) each must take: GNU
# gettext's and CLDR's rules (Polish one/few/many, Arabic zero/one/two/few/many/other, Romanian
# one/few/other; Punjabi counts 0 as singular).
PLURALS: dict[str, dict[int, int]] = {
    "pl": {1: 0, 2: 1, 4: 1, 22: 1, 104: 1, 0: 2, 5: 2, 11: 2, 12: 2, 14: 2, 21: 2, 25: 2, 112: 2},
    "ro": {1: 0, 0: 1, 2: 1, 19: 1, 101: 1, 119: 1, 20: 2, 100: 2, 120: 2},
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 103: 3, 11: 4, 99: 4, 111: 4, 100: 5, 101: 5, 102: 5},
    "ur": {1: 0, 0: 1, 2: 1, 5: 1},
    "pa": {0: 0, 1: 0, 2: 1, 5: 1},
    "es": {1: 0, 0: 1, 2: 1, 5: 1},
}


def header(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n\n", 1)[0]


def plural_forms(path: Path) -> str:
    # msgmerge wraps the header's long lines: join the pieces first
    joined = header(path).replace('"\n"', "")
    match = re.search(r'Plural-Forms: (?P<value>[^"]*?)\\n', joined)
    assert match, f"{path} has no Plural-Forms"
    return match.group("value")


def test_R32_every_language_of_the_portal_has_both_catalogues() -> None:
    assert sorted(LANGUAGES) == ["ar", "es", "pa", "pl", "ro", "ur"]
    missing = [str(path.relative_to(LOCALE)) for path in CATALOGUES if not path.is_file()]
    assert not missing


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3::2]))
def test_R32_a_catalogue_has_its_languages_plural_rule(path: Path) -> None:
    language = path.parts[-3]
    value = plural_forms(path)
    expected = PLURALS[language]
    assert f"nplurals={max(expected.values()) + 1};" in value
    rule = gettext.c2py(value.split("plural=", 1)[1].rstrip(";"))
    assert {number: rule(number) for number in expected} == expected
    assert f'"Language: {language}\\n"' in header(path)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3::2]))
def test_R32_a_catalogues_header_is_not_fuzzy(path: Path) -> None:
    """msgfmt drops a fuzzy header, and with it the plural rule and the charset."""
    assert "#, fuzzy" not in header(path)


def test_R32_every_catalogue_compiles(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    require_or_skip(msgfmt is not None, "needs msgfmt (GNU gettext) to compile the catalogues")
    assert msgfmt is not None
    for path in CATALOGUES:
        result = subprocess.run(
            [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_R32_making_the_messages_again_keeps_the_translations(
    tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``make messages`` after a change of texts: the catalogue takes the portal's messages
    again (msgmerge), and what a translator wrote stays, header included. It runs on a copy of
    the Polish catalogue, in a folder that links to the portal's code (makemessages writes to
    the ``locale/`` beside the code it reads)."""
    require_or_skip(shutil.which("msgmerge") is not None, "needs msgmerge (GNU gettext)")
    ignored = {".git", ".venv", "node_modules", "var", "tests", "benchmarks", "locale"}
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in ignored:
            (tmp_path / entry.name).symlink_to(entry)
    compiled = shutil.ignore_patterns("*.mo")
    shutil.copytree(LOCALE / "pl", tmp_path / "locale" / "pl", ignore=compiled)
    catalogue = tmp_path / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    text = catalogue.read_text(encoding="utf-8")
    # A translation the translator changed stays as they wrote it.
    translated = 'msgid "Sign in"\nmsgstr "Zaloguj się do portalu"\n'
    text, changed = re.subn(r'msgid "Sign in"\nmsgstr ".*"\n', translated, text)
    assert changed == 1
    # A message the portal no longer has goes; a message it has but the catalogue lacks comes.
    text, removed = re.subn(r'(#[^\n]*\n)*msgid "Skip to content"\nmsgstr ".*"\n', "", text)
    assert removed == 1
    text += '\nmsgid "A message nobody writes any more"\nmsgstr "Wiadomość"\n'
    catalogue.write_text(text, encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)

    call_command(
        "makemessages",
        locale=["pl"],
        ignore_patterns=["static/vendor"],  # the rest of `make messages`' are not linked here
        symlinks=True,
        no_obsolete=True,
        add_location="file",
        verbosity=0,
    )

    made = catalogue.read_text(encoding="utf-8")
    assert translated in made
    assert 'msgid "Skip to content"\nmsgstr ""\n' in made  # back, for the translator to fill
    assert "A message nobody writes any more" not in made
    assert plural_forms(catalogue) == plural_forms(LOCALE / "pl" / "LC_MESSAGES" / "django.po")
