"""What parents, pupils and staff see of points (R26): summaries, series and class overviews.

Everything here is built from aggregates (``Sum``/``Count`` grouped in the database), so each
selector is a fixed number of queries however many awards there are. Nothing here ranks
pupils: the class overview is for staff and is ordered by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil, SchoolClass
from classes.names import display_names
from classes.selectors import school_get

from ..models import Award, SkillKind
from ..periods import term_start
from .totals import Totals, pupil_totals

RECENT_NOTES = 10


class Period:
    """The spans a report covers, ending today: the last 7 days, the last 30 days, this term."""

    WEEK = "week"
    MONTH = "month"
    TERM = "term"
    CHOICES = (
        (WEEK, _("Last 7 days")),
        (MONTH, _("Last 30 days")),
        (TERM, _("This term")),
    )
    DEFAULT = WEEK

    @classmethod
    def parse(cls, value: str | None) -> str:
        """A known period, or the default one for anything else (a filter, not a write)."""
        return value if value in dict(cls.CHOICES) else cls.DEFAULT


@dataclass(frozen=True)
class Span:
    """A period as school days (``first`` to ``last``, inclusive) and where it starts."""

    period: str
    first: date
    last: date
    tz: ZoneInfo

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=self.tz)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def span_for(period: str, *, now: datetime | None = None, tz: ZoneInfo | None = None) -> Span:
    """The days ``period`` covers, ending today in the school's time zone."""
    tz = tz or school_get().tz
    today = (now or timezone.now()).astimezone(tz).date()
    first = {
        Period.WEEK: today - timedelta(days=6),
        Period.MONTH: today - timedelta(days=29),
    }.get(period) or term_start(today)
    return Span(period=period, first=first, last=today, tz=tz)


@dataclass(frozen=True)
class SkillShare:
    skill_id: int
    name: str
    icon: str
    kind: str
    count: int
    points: int

    @property
    def needs_work(self) -> bool:
        return self.kind == SkillKind.NEEDS_WORK


@dataclass(frozen=True)
class Note:
    skill_name: str
    note: str
    awarded_at: datetime
    given_by: str


@dataclass(frozen=True)
class PupilSummary:
    totals: Totals
    span: Span
    skills: list[SkillShare]
    notes: list[Note]

    @property
    def period_points(self) -> int:
        return sum(share.points for share in self.skills)


def _in_span(awards: QuerySet[Award], span: Span) -> QuerySet[Award]:
    # The span ends today, so nothing later than now needs excluding.
    return awards.filter(awarded_at__gte=span.starts_at)


def skill_breakdown(awards: QuerySet[Award], span: Span) -> list[SkillShare]:
    """Times given and points per skill within ``span`` (one grouped query), positive first."""
    rows = (
        _in_span(awards, span)
        .values("skill_id", "skill__name", "skill__icon", "skill__kind")
        .annotate(count=Count("pk"), points=Sum("value"))
        .order_by("-skill__kind", "skill__name")
    )
    return [
        SkillShare(
            skill_id=row["skill_id"],
            name=row["skill__name"],
            icon=row["skill__icon"],
            kind=row["skill__kind"],
            count=row["count"],
            points=row["points"] or 0,
        )
        for row in rows
    ]


def recent_notes(pupil: Pupil, *, limit: int = RECENT_NOTES) -> list[Note]:
    """The latest awards that carry a note for parents, newest first (one query)."""
    rows = (
        Award.objects.filter(pupil=pupil)
        .exclude(note="")
        .select_related("skill", "awarded_by")
        .order_by("-awarded_at", "-pk")[:limit]
    )
    return [
        Note(
            skill_name=award.skill.name,
            note=award.note,
            awarded_at=award.awarded_at,
            given_by=award.awarded_by.display_name if award.awarded_by else "",
        )
        for award in rows
    ]


def pupil_points_summary(
    pupil: Pupil, *, period: str = Period.DEFAULT, now: datetime | None = None
) -> PupilSummary:
    """A child's totals (today, week, term, all time), skills over ``period`` and recent notes.

    For a page that has already checked ``can_view_pupil_points``; five queries whatever the
    number of awards.
    """
    now = now or timezone.now()
    span = span_for(period, now=now)
    return PupilSummary(
        totals=pupil_totals([pupil.pk], now=now)[pupil.pk],
        span=span,
        skills=skill_breakdown(Award.objects.filter(pupil=pupil), span),
        notes=recent_notes(pupil),
    )


def series(
    *,
    span: Span,
    pupil_ids: list[int] | None = None,
    school_class: SchoolClass | None = None,
) -> list[tuple[date, int]]:
    """Points per school day over ``span`` for some pupils or a class's awards, every day
    present (days without awards are 0). One query."""
    awards = Award.objects.all()
    if pupil_ids is not None:
        awards = awards.filter(pupil_id__in=pupil_ids)
    if school_class is not None:
        awards = awards.filter(school_class=school_class)
    rows = (
        _in_span(awards, span)
        .annotate(day=TruncDate("awarded_at", tzinfo=span.tz))
        .values("day")
        .annotate(points=Sum("value"))
        .order_by("day")
    )
    by_day = {row["day"]: row["points"] or 0 for row in rows}
    return [(day, by_day.get(day, 0)) for day in span.days]


@dataclass(frozen=True)
class PupilPeriodTotal:
    pupil_id: int
    display_name: str
    count: int
    points: int


def class_overview(school_class: SchoolClass, span: Span) -> list[PupilPeriodTotal]:
    """Each current pupil's awards and points over ``span``, ordered by display name (not a
    ranking). For the class's staff only. Three queries."""
    pupils = list(Pupil.objects.current().filter(school_class=school_class))
    names = display_names(pupils)
    rows = (
        _in_span(Award.objects.filter(pupil__in=[p.pk for p in pupils]), span)
        .values("pupil_id")
        .annotate(count=Count("pk"), points=Sum("value"))
        .order_by()
    )
    sums = {row["pupil_id"]: (row["count"], row["points"] or 0) for row in rows}
    totals = [PupilPeriodTotal(p.pk, names[p.pk], *sums.get(p.pk, (0, 0))) for p in pupils]
    return sorted(totals, key=lambda t: (t.display_name.casefold(), t.pupil_id))


def class_skill_breakdown(school_class: SchoolClass, span: Span) -> list[SkillShare]:
    """The skills given in ``school_class`` over ``span`` (one query)."""
    return skill_breakdown(Award.objects.filter(school_class=school_class), span)


EXPORT_COLUMNS = (
    _("Date"),
    _("Pupil"),
    _("Skill"),
    _("Points"),
    _("Note for parents"),
    _("Given by"),
)


def class_award_rows(school_class: SchoolClass, span: Span) -> Iterator[list[object]]:
    """One row per award given in ``school_class`` over ``span``, oldest first: date, pupil's
    display name, skill, points, note, giver. Two queries, rows streamed from the database."""
    awards = _in_span(Award.objects.filter(school_class=school_class), span)
    names = display_names(Pupil.objects.filter(pk__in=awards.values("pupil_id")))
    rows = awards.select_related("skill", "awarded_by").order_by("awarded_at", "pk")
    for award in rows.iterator(chunk_size=2000):
        yield [
            award.awarded_at.astimezone(span.tz).date().isoformat(),
            names[award.pupil_id],
            award.skill.name,
            award.value,
            award.note,
            award.awarded_by.display_name if award.awarded_by else "",
        ]
