"""What the routing model tells apart (R22), and which of the office's topics each is."""

from __future__ import annotations

from ..models import Topic

ABSENCE, APPOINTMENT, SICKNESS, DINNERS = "absence", "appointment", "sickness", "dinners"
COMPLAINT, URGENT, PROGRESS, TEACHER = "complaint", "urgent", "progress", "teacher"

CATEGORIES = (ABSENCE, APPOINTMENT, SICKNESS, DINNERS, COMPLAINT, URGENT, PROGRESS, TEACHER)

# A medical appointment is an absence for the office's register; "teacher" is no topic at all.
TOPIC_OF = {
    ABSENCE: Topic.ABSENCE,
    APPOINTMENT: Topic.ABSENCE,
    SICKNESS: Topic.SICKNESS,
    DINNERS: Topic.DINNERS,
    COMPLAINT: Topic.COMPLAINT,
    URGENT: Topic.URGENT,
    PROGRESS: Topic.PROGRESS,
}
CATEGORY_OF = {
    Topic.ABSENCE: ABSENCE,
    Topic.SICKNESS: SICKNESS,
    Topic.DINNERS: DINNERS,
    Topic.COMPLAINT: COMPLAINT,
    Topic.URGENT: URGENT,
    Topic.PROGRESS: PROGRESS,
}
OFFICE = frozenset(c for c, topic in TOPIC_OF.items() if topic != Topic.PROGRESS)
