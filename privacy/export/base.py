"""What every part of an export is made of: the person it is about, and the areas.

An :class:`Area` is one JSON file of the ZIP. It names the models whose rows it holds (each
under one key of the file), so the registry can prove that every model holding data about a
person or a pupil is exported or deliberately left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil
from classes.names import display_names

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class MediaFile:
    """A stored file copied into the ZIP as ``arcname`` (named in the JSON that lists it)."""

    file: FieldFile
    arcname: str


@dataclass
class Part:
    """What an area builds: the JSON of its file, the media files it names, and lines for the
    README's "Not included" list about what it left out for this person (in their language)."""

    data: dict[str, Any]
    files: list[MediaFile] = field(default_factory=list)
    not_included: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Subject:
    """The person an export is about and, for a parent, the children linked to them, with
    their display names by pupil id (R6: exports name pupils the way every page does)."""

    user: User
    children: list[Pupil]
    names: dict[int, str] = field(default_factory=dict)

    @property
    def child_ids(self) -> list[int]:
        return [child.pk for child in self.children]

    def child_name(self, pupil_id: int | None) -> str:
        """A child's display name; empty for a pupil who is not one of the person's children."""
        return self.names.get(pupil_id or 0, "")


def subject_load(user: User) -> Subject:
    """``user`` and their linked children (current or left), with display names (two queries)."""
    children = list(
        Pupil.objects.filter(parent_links__parent=user)
        .select_related("school_class")
        .order_by("first_name", "pk")
    )
    return Subject(user=user, children=children, names=display_names(children))


@dataclass(frozen=True)
class Area:
    """One JSON file of the export.

    ``covers`` maps each model label whose rows the file holds to the key they are under,
    ``build`` makes the file's content for one subject.
    """

    filename: str
    description: StrPromise
    covers: Mapping[str, str]
    build: Callable[[Subject], Part]


class ExportEncoder(DjangoJSONEncoder):
    """JSON as the export writes it: times in the school's time zone, ISO 8601."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)
