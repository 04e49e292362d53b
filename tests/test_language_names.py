"""Language names follow each language's grammar (R32, R34): inside a sentence ("Translated by a
computer from English") a name is in the reader's language, lower-case where that language writes
it so mid-sentence (Spanish, Romanian, Polish) and in the case the sentence needs (Polish's
genitive after "z języka"); standing alone, in the switcher and on the account page, each
language keeps its own name as its speakers write it at the head of a menu item."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.languages import machine_translated_label, name_in_sentence, portal_languages

CODES = ["en-gb", "es", "pl", "ro", "ur", "pa", "ar"]

# The label a reader sees under a text translated from English, and from Polish, in each language.
FROM_ENGLISH = {
    "en-gb": "Translated by a computer from English",
    "es": "Traducido por computadora del inglés",
    "pl": "Przetłumaczone komputerowo z języka angielskiego",
    "ro": "Tradus de calculator din engleză",
    "ar": "ترجمة بالحاسوب من الإنجليزية",
    "ur": "انگریزی سے کمپیوٹر کے ذریعے ترجمہ کیا گیا",
    "pa": "ਅੰਗਰੇਜ਼ੀ ਤੋਂ ਕੰਪਿਊਟਰ ਵੱਲੋਂ ਅਨੁਵਾਦ ਕੀਤਾ ਗਿਆ",
}
FROM_POLISH = {
    "en-gb": "Translated by a computer from Polish",
    "es": "Traducido por computadora del polaco",
    "ro": "Tradus de calculator din poloneză",
    "ar": "ترجمة بالحاسوب من البولندية",
}
FROM_SPANISH_IN_POLISH = "Przetłumaczone komputerowo z języka hiszpańskiego"


@pytest.mark.parametrize("reader", FROM_ENGLISH)
def test_R34_the_label_names_english_as_the_readers_sentence_needs(reader: str) -> None:
    with translation.override(reader):
        assert machine_translated_label("en-gb") == FROM_ENGLISH[reader]
        assert machine_translated_label("en") == FROM_ENGLISH[reader]


@pytest.mark.parametrize("reader", FROM_POLISH)
def test_R34_the_label_names_polish_as_the_readers_sentence_needs(reader: str) -> None:
    with translation.override(reader):
        assert machine_translated_label("pl") == FROM_POLISH[reader]


def test_R34_polish_puts_the_source_language_in_the_genitive() -> None:
    with translation.override("pl"):
        assert machine_translated_label("es") == FROM_SPANISH_IN_POLISH
        assert name_in_sentence("ar") == "arabskiego"


@pytest.mark.parametrize("reader", ["es", "ro", "pl"])
@pytest.mark.parametrize("source", CODES)
def test_R32_spanish_romanian_and_polish_write_language_names_lower_case_mid_sentence(
    reader: str, source: str
) -> None:
    with translation.override(reader):
        name = name_in_sentence(source)
    assert name and name == name.lower(), (reader, source, name)


@pytest.mark.parametrize("reader", CODES)
def test_R32_every_language_has_a_sentence_form_of_every_name_in_its_own_words(
    reader: str,
) -> None:
    """Each catalogue gives its own form: an untranslated English name would be a gap."""
    with translation.override(reader):
        names = [name_in_sentence(code) for code in CODES]
    assert all(names) and len(set(names)) == len(CODES)
    if reader != "en-gb":
        assert set(names).isdisjoint({"English", "Spanish", "Polish", "Arabic"}), names


def test_R32_a_sentence_form_differs_from_the_stand_alone_name_where_the_grammar_says() -> None:
    """Spanish's "Inglés" heads a menu item (the admin's choice of language); mid-sentence it is
    "inglés"."""
    with translation.override("es"):
        stand_alone = {code: str(name) for code, name in settings.LANGUAGES}
        assert stand_alone["en-gb"] == "Inglés"
        assert name_in_sentence("en-gb") == "inglés"


def test_R17_a_language_the_portal_does_not_know_is_not_named() -> None:
    with translation.override("es"):
        assert machine_translated_label("xx") == "Traducido por computadora"
        assert machine_translated_label("") == "Traducido por computadora"
        assert name_in_sentence("cy") is None


@pytest.mark.django_db
def test_R32_the_switcher_keeps_each_languages_own_capitalised_name() -> None:
    """Stand-alone names are the languages' own, whatever the page's language."""
    assert [language.own_name for language in portal_languages()] == [
        "English",
        "Español",
        "Polski",
        "Română",
        "اردو",
        "ਪੰਜਾਬੀ",
        "العربية",
    ]
    page = Client(headers={"accept-language": "es"}).get(reverse("account_login"))
    html = page.content.decode()
    assert 'lang="pl" dir="ltr"' in html and ">Polski</button>" in html
    assert ">Español</button>" in html
