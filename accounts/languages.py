"""The portal's languages as people choose them (R32): each named in its own language, and any
code that is not one of ``settings.LANGUAGES`` taken as English.

The names that stand alone (the switcher, the account page) are not translated: a reader looks
for their own language by the name they know it by, whatever language the page is in ("Polski" on
an English page, "English" on a Polish one). A name inside a sentence is another matter: it is in
the reader's language and follows its grammar (:func:`name_in_sentence`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from django.conf import settings
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# Each language in its own words and script, where Django's own names say otherwise (British
# English is "English" to a parent; Punjabi in Gurmukhi, as the portal's catalogue is written).
OWN_NAMES = {
    "en-gb": "English",
    "es": "Español",
    "pl": "Polski",
    "ro": "Română",
    "ur": "اردو",
    "pa": "ਪੰਜਾਬੀ",
    "ar": "العربية",
}


# Each language's name as it stands inside a sentence, after "translated from", by base code.
# Not Django's own names: those are stand-alone names, capitalised in some languages as in a menu
# ("Inglés", "Engleză"), where Spanish, Romanian and Polish write a language's name lower-case
# mid-sentence ("traducido del inglés"), and Polish puts it in the genitive after "z języka"
# ("z języka angielskiego"). The context lets each catalogue give the form its sentence needs
# (written out in each call: makemessages reads only a literal context).
NAMES_AFTER_FROM = {
    # Translators: the language's name as it follows "Translated by a computer from" in your
    # translation of that sentence: lower-case if your language writes it so mid-sentence, and
    # in the case the sentence needs.
    "en": pgettext_lazy("language name, after translated from", "English"),
    "es": pgettext_lazy("language name, after translated from", "Spanish"),
    "pl": pgettext_lazy("language name, after translated from", "Polish"),
    "ro": pgettext_lazy("language name, after translated from", "Romanian"),
    "ur": pgettext_lazy("language name, after translated from", "Urdu"),
    "pa": pgettext_lazy("language name, after translated from", "Punjabi"),
    "ar": pgettext_lazy("language name, after translated from", "Arabic"),
}
# R34: a reader always knows that a text was translated by a machine, not by the school.
MACHINE_TRANSLATED = _("Translated by a computer")
MACHINE_TRANSLATED_FROM = _("Translated by a computer from %(language)s")


@dataclass(frozen=True)
class Language:
    code: str
    own_name: str
    bidi: bool

    @property
    def direction(self) -> str:
        return "rtl" if self.bidi else "ltr"


def portal_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_portal_language(code: object) -> TypeGuard[str]:
    return isinstance(code, str) and code in portal_codes()


def known_or_default(code: object) -> str:
    """``code`` if it is one of the portal's languages, else the default (English)."""
    return code if is_portal_language(code) else settings.LANGUAGE_CODE


def language(code: str) -> Language:
    """One of the portal's languages, by its code (any other code: English)."""
    code = known_or_default(code)
    info = get_language_info(code)
    return Language(code=code, own_name=OWN_NAMES.get(code, info["name_local"]), bidi=info["bidi"])


def portal_languages() -> list[Language]:
    """Every language of the portal, in ``settings.LANGUAGES``' order."""
    return [language(code) for code in portal_codes()]


def base_code(code: str) -> str:
    """The base language of a code: ``en`` for ``en-gb`` and ``EN_GB``."""
    return (code or "").replace("_", "-").split("-")[0].lower()


def name_in_sentence(code: str) -> str | None:
    """The name of the language ``code`` (by its base language) as it goes into "translated
    from …" in the active language ("inglés" in Spanish, "angielskiego" in Polish); None for a
    language the portal does not know."""
    name = NAMES_AFTER_FROM.get(base_code(code))
    return None if name is None else str(name)


def machine_translated_label(source: str) -> str:
    """ "Translated by a computer from English", in the active language (the reader's); without
    the language when ``source`` is not one the portal knows."""
    name = name_in_sentence(source)
    if name is None:
        return str(MACHINE_TRANSLATED)
    return str(MACHINE_TRANSLATED_FROM) % {"language": name}
