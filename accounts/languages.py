"""The portal's languages as people choose them (R32): each named in its own language, and any
code that is not one of ``settings.LANGUAGES`` taken as English.

The names are not translated: a reader looks for their own language by the name they know it
by, whatever language the page is in ("Polski" on an English page, "English" on a Polish one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from django.conf import settings
from django.utils.translation import get_language_info

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
