"""The interface's catalogues in ``locale/`` (R32): one pair (``django``, ``djangojs``) for each
language the portal offers, each with its language's plural rule, each compiling, and a
``make messages`` that keeps what translators wrote."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.requirements import require_or_skip

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ("django", "djangojs")
# As `make messages`: vendored files are not ours, and static/errors/ holds pages rendered from
# templates/errors/ (makemessages would write its temporary copies of them into static/, where
# another test process's WhiteNoise lists the folder).
IGNORED_BY_MAKE_MESSAGES = ["static/vendor", "static/errors"]
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
        ignore_patterns=IGNORED_BY_MAKE_MESSAGES,  # the rest of `make messages`' are not linked
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


def unfinished(path: Path) -> dict[str, list[str]]:
    """The messages of a catalogue that a reader would see in English: those left empty (or
    with an empty plural form) and those marked fuzzy, which gettext does not use."""
    catalogue = polib.pofile(str(path))
    return {
        "untranslated": [entry.msgid for entry in catalogue.untranslated_entries()],
        "fuzzy": [entry.msgid for entry in catalogue.fuzzy_entries()],
    }


def message_keys(path: Path) -> set[tuple[str, str, str]]:
    """Each message of a catalogue as (context, message, plural message): what gettext looks a
    translation up by."""
    return {
        (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def describe(keys: set[tuple[str, str, str]]) -> str:
    return "\n".join(
        f"  {f'[{context}] ' if context else ''}{msgid!r}" for context, msgid, _ in sorted(keys)
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3::2]))
def test_R32_every_message_of_a_shipped_catalogue_is_translated(path: Path) -> None:
    """A message left empty shows in English and a fuzzy one is not used: a shipped catalogue
    has neither (``make messages``, then fill what came empty)."""
    found = unfinished(path)
    assert found == {"untranslated": [], "fuzzy": []}, f"{path.relative_to(LOCALE)}: {found}"


def test_R32_a_catalogue_with_an_empty_or_fuzzy_message_is_unfinished(tmp_path: Path) -> None:
    """The check above fails on a catalogue that lacks a translation: one emptied, one plural
    form emptied, one marked fuzzy."""
    catalogue = polib.pofile(str(LOCALE / "pl" / "LC_MESSAGES" / "django.po"))
    singular = next(entry for entry in catalogue if not entry.msgid_plural)
    plural = next(entry for entry in catalogue if entry.msgid_plural)
    fuzzy = next(entry for entry in catalogue if entry not in (singular, plural))
    singular.msgstr = ""
    plural.msgstr_plural[2] = ""
    fuzzy.flags.append("fuzzy")
    copy = tmp_path / "django.po"
    catalogue.save(str(copy))

    assert unfinished(copy) == {
        "untranslated": [singular.msgid, plural.msgid],
        "fuzzy": [fuzzy.msgid],
    }


def make_messages_afresh(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The portal's messages as ``make messages`` finds them now, in new catalogues (both
    domains) made in a folder that links to the portal's code and has no catalogue yet."""
    require_or_skip(shutil.which("xgettext") is not None, "needs xgettext (GNU gettext)")
    ignored = {".git", ".venv", "node_modules", "var", "tests", "benchmarks", "locale"}
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in ignored:
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    for domain in DOMAINS:
        call_command(
            "makemessages",
            locale=["pl"],
            domain=domain,
            ignore_patterns=IGNORED_BY_MAKE_MESSAGES,  # the rest are not linked here
            symlinks=True,
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )
    return tmp_path / "locale" / "pl" / "LC_MESSAGES"


def test_R32_every_catalogue_holds_every_message_the_portal_has_now(
    tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text added or changed in a template, in Python or in a script, without ``make
    messages`` and its translations, fails here, naming the messages each catalogue lacks."""
    made = make_messages_afresh(tmp_path, settings, monkeypatch)
    now = {domain: message_keys(made / f"{domain}.po") for domain in DOMAINS}
    assert now["django"] and now["djangojs"]
    lacking = {}
    for path in CATALOGUES:
        missing = now[path.stem] - message_keys(path)
        if missing:
            lacking[str(path.relative_to(LOCALE))] = describe(missing)
    assert not lacking, "run `make messages` and translate:\n" + "\n".join(
        f"{catalogue}:\n{messages}" for catalogue, messages in lacking.items()
    )

    # The comparison sees a message a catalogue lacks (here: one taken out of a copy).
    copy = polib.pofile(str(LOCALE / "es" / "LC_MESSAGES" / "django.po"))
    gone = next(entry for entry in copy if entry.msgctxt)
    copy.remove(gone)
    copy.save(str(tmp_path / "lacking.po"))
    assert now["django"] - message_keys(tmp_path / "lacking.po") == {
        (gone.msgctxt, gone.msgid, gone.msgid_plural or "")
    }


def header_comment(path: Path) -> str:
    lines = header(path).splitlines()
    return " ".join(line.lstrip("# ") for line in lines if line.startswith("#"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3::2]))
def test_R32_a_catalogues_header_says_how_it_was_translated(path: Path) -> None:
    """So that the school can have it checked (locale/GLOSSARY.md, "When you are done"): who
    translated it, from English, that no native speaker has reviewed it yet, and the header's
    fields filled in rather than left as makemessages writes them."""
    comment = " ".join(header_comment(path).split())
    assert "translated from English by a translator writing for the project" in comment.replace(
        "Translated", "translated"
    )
    assert "not yet reviewed by a native-speaking member of the school community" in comment
    assert "please have it reviewed" in comment
    fields = polib.pofile(str(path)).metadata
    assert fields["Last-Translator"] == "dojo_portal translators"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d\+0000", fields["PO-Revision-Date"])
    assert "LANGUAGE" not in fields["Language-Team"] and fields["Language-Team"]
