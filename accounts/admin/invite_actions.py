"""Admin actions on pupils for invite codes and letters (R1, R2).

The office selects pupils (filter the list by class and select all for a whole class) and gets
one printable A4 page per pupil, with two codes on it, one for each parent or carer: the page
is cut in half along the dashed line. The codes exist only in that page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil
from classes.names import NamedPupil
from classes.selectors import school_get

from ..http import signed_in_user
from ..languages import Language, language
from ..middleware import interface_language
from ..models import InviteCode
from ..selectors.invites import pupils_for_letters
from ..services.invites import invite_codes_create, normalise_code, pupil_is_current

CODES_PER_PUPIL = 2
NO_CURRENT_PUPILS = _(
    "None of the selected pupils is in a class now, so no invite codes were made."
)


@dataclass(frozen=True)
class Slip:
    """One half of a letter: a code for one parent or carer."""

    code: str
    qr_svg: SafeString


@dataclass(frozen=True)
class Letter:
    """One A4 page: the pupil, by display name, and a slip for each code; with a
    ``second_language``, each slip is a page of its own, in English and in that language."""

    pupil: Pupil
    display_name: str
    slips: list[Slip]
    expires_at: datetime
    second_language: Language | None = None


def letter_language(pupil: Pupil) -> Language | None:
    """The family's home language, for the second half of each slip (R33): when the school's
    records give one that is not English and the portal's texts are translated into it."""
    code = pupil.home_language
    if not code or code == settings.LANGUAGE_CODE or interface_language(code) is None:
        return None
    return language(code)


def join_url(code: str = "") -> str:
    """The join page's full address, with ``?code=`` when a code is given (for the QR code)."""
    url = f"{settings.SITE_URL}{reverse('join')}"
    return f"{url}?{urlencode({'code': normalise_code(code)})}" if code else url


def qr_svg(url: str) -> SafeString:
    """``url`` as an inline SVG QR code, drawn here (nothing from another host, R10)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # Many codes share a page: drop the fixed id, and hide the picture from screen readers,
    # which read the code and the address printed beside it instead.
    svg = svg.replace(' id="qr-path"', "").replace(
        "<svg ", '<svg class="qr" aria-hidden="true" focusable="false" ', 1
    )
    return mark_safe(svg)  # noqa: S308  (qrcode's own markup of our own URL)


def build_letters(pupils: list[NamedPupil], made: list[tuple[InviteCode, str]]) -> list[Letter]:
    """One letter per pupil, in ``pupils`` order, holding that pupil's new codes."""
    by_pupil: dict[int, list[tuple[InviteCode, str]]] = defaultdict(list)
    for invite, code in made:
        by_pupil[invite.pupil_id].append((invite, code))
    return [
        Letter(
            pupil=named.pupil,
            display_name=named.display_name,
            slips=[Slip(code=code, qr_svg=qr_svg(join_url(code))) for _i, code in codes],
            expires_at=codes[0][0].expires_at,
            second_language=letter_language(named.pupil),
        )
        for named in pupils
        if (codes := by_pupil.get(named.pupil.pk))
    ]


@admin.action(description=_("Generate invite codes and print letters"))
def generate_invite_letters(
    modeladmin: admin.ModelAdmin[Pupil], request: HttpRequest, queryset: QuerySet[Pupil]
) -> HttpResponse | None:
    """Two new codes per selected pupil in a class now, shown once as printable letters."""
    pupils = pupils_for_letters(queryset.values_list("pk", flat=True))
    current = [named for named in pupils if pupil_is_current(named.pupil)]
    skipped = [named.pupil for named in pupils if not pupil_is_current(named.pupil)]
    if not current:
        modeladmin.message_user(request, NO_CURRENT_PUPILS, messages.ERROR)
        return None
    try:
        made = invite_codes_create(
            acting_user=signed_in_user(request),
            pupils=[named.pupil for named in current],
            per_pupil=CODES_PER_PUPIL,
        )
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None
    return letters_page(request, build_letters(current, made), skipped=skipped)


def letters_page(
    request: HttpRequest,
    letters: list[Letter],
    *,
    skipped: list[Pupil] | None = None,
    cancelled: int | None = None,
) -> HttpResponse:
    """The printable letters, the only copy of their codes; ``cancelled`` says, for a reprint,
    how many earlier codes stopped working."""
    context = {
        "letters": letters,
        "any_bilingual": any(letter.second_language for letter in letters),
        "skipped": skipped or [],
        "cancelled": cancelled,
        "school": school_get(),
        "join_url": join_url(),
        "back_url": reverse("admin:classes_pupil_changelist"),
    }
    response = render(request, "admin/accounts/invite_letters.html", context)
    # The only copy of the codes: no browser or proxy may keep the page.
    add_never_cache_headers(response)
    return response


PupilAction = Callable[..., HttpResponse | None]
ACTIONS: list[PupilAction] = [generate_invite_letters]
