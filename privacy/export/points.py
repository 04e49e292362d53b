"""Each child's points (R25, R26): every award the school still holds (older ones are deleted
after 12 months, R28), with its skill, value and note."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from points.models import Award

from .base import Area, Part, Subject


def build(subject: Subject) -> Part:
    awards = (
        Award.objects.filter(pupil_id__in=subject.child_ids)
        .select_related("skill", "school_class")
        .order_by("pupil_id", "awarded_at", "pk")
    )
    by_child: dict[int, list[dict[str, Any]]] = {pk: [] for pk in subject.child_ids}
    for award in awards.iterator(chunk_size=2000):
        by_child[award.pupil_id].append(
            {
                "given": award.awarded_at,
                "skill": award.skill.name,
                "kind": award.skill.get_kind_display(),
                "points": award.value,
                "note": award.note,
                "class": award.school_class.name,
            }
        )
    return Part(
        {
            "points": [
                {
                    "child": subject.child_name(pk),
                    "total": sum(a["points"] for a in rows),
                    "awards": rows,
                }
                for pk, rows in by_child.items()
            ]
        }
    )


AREA = Area(
    filename="points.json",
    description=_(
        "Your children's points: every award the school still holds (points are deleted after "
        "12 months), with its skill, value, note and class."
    ),
    covers={"points.Award": "points"},
    build=build,
)
