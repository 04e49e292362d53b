from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.models import User
from classes.models import SchoolClass
from events.models import Event
from events.services.events import event_create
from stories.models import Audience
from tests.clock import LONDON

# Test today is Tuesday 1 December 2026, 10:00; the trip is on Friday, replies by Thursday noon.
TRIP_DAY = dt.date(2026, 12, 4)
REPLY_BY = dt.datetime(2026, 12, 3, 12, 0, tzinfo=LONDON)
AFTER_DEADLINE = dt.datetime(2026, 12, 3, 12, 1, tzinfo=LONDON)


def trip(author: User, school_class: SchoolClass, **changes: Any) -> Event:
    """A class trip with a reply deadline, made as the event form would make it."""
    fields: dict[str, Any] = {
        "title": "Trip to the farm",
        "starts_on": TRIP_DAY,
        "starts_at": dt.time(9, 30),
        "ends_at": dt.time(15, 0),
        "place": "Hill Farm, Long Lane",
        "bring": "Wellies; a packed lunch",
        "reply_by": REPLY_BY,
        "details": "We will see the lambs.",
    }
    fields.update(changes)
    return event_create(
        acting_user=author, audience=Audience.CLASS, school_class=school_class, **fields
    )
