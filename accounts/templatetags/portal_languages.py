"""The portal's languages for templates: ``{% portal_languages as languages %}``, each with its
code, its own name and its direction (R32)."""

from __future__ import annotations

from django import template

from ..languages import Language
from ..languages import portal_languages as languages_of_the_portal

register = template.Library()


@register.simple_tag
def portal_languages() -> list[Language]:
    return languages_of_the_portal()
