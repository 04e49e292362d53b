"""What the messaging app adds to a parent's home page (see ``core.family_home``): on each
child's card, "Message <teacher>" for each teacher R18 lets the parent write to about that child
now, or, when there is nobody, whom to contact instead (the school office)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from core.family_home import HomePart, card_part_register

from .permissions import teachers_for_children
from .services.messages import not_allowed_message

TEMPLATE = "messaging/includes/home_card.html"


def whom_to_message(parent: Any, children: Sequence[Any]) -> Mapping[int, HomePart]:
    """For each child, a link to a new message to each teacher R18 allows now (two queries
    for all the children), else the office's note."""
    teachers = teachers_for_children(parent, [child.pupil.pk for child in children])
    start = reverse("messaging_start")
    parts = {}
    for child in children:
        pupil_id = child.pupil.pk
        links = [
            (teacher, f"{start}?{urlencode({'to': f'{pupil_id}-{teacher.pk}'})}")
            for teacher in teachers.get(pupil_id, [])
        ]
        office = "" if links else not_allowed_message()
        parts[pupil_id] = HomePart(TEMPLATE, {"links": links, "office": office})
    return parts


def register() -> None:
    card_part_register(whom_to_message, order=20)
