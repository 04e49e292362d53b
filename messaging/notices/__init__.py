"""Notifications of messaging (R19, R21, R23, R31): the sweep that beat runs every minute, the
emails it causes, and what the portal shows of them.

The database is the truth. A message's notice follows from its stored delivery time, so a
worker or broker that was down only delays it: the next sweep finds every delivered message
without a notice and records one, and every notice not yet emailed is emailed. Each step is
safe to run twice, or in two beat processes at once:

- a notice is recorded once per message, recipient and kind (a unique key; inserts that meet
  it are ignored);
- a reminder claims its messages with a conditional UPDATE of ``reminded_at`` (R21);
- an email claims its notice with a conditional UPDATE of ``emailed_at`` before it is sent, so
  two workers never both send it (and one that fails to send gives the claim back).

Staff are emailed only in working time (R19, R31): in quiet time their notices are recorded
and wait, and the first sweep of the next working period emails them. Parents are emailed at
any time. Emails are in the recipient's language, name a child by display name only (R6) and
carry no message text: only who wrote and a link to the portal.

``sweep`` records what is due, ``emails`` sends it, ``portal`` is what people read (their
notices, the bell's counts, the leaders' overdue list); the names below are the ones to use.
"""

from .emails import EMAIL_TEMPLATES, NOTICE_WITHIN, notices_email
from .portal import (
    NoticeCounts,
    NoticeRow,
    OverdueRow,
    can_see_notices,
    can_see_overdue,
    notice_counts,
    notice_mark_read,
    notices_for,
    notices_mark_all_read,
    overdue_replies,
)
from .sweep import SweepResult, notices_sweep

__all__ = [
    "EMAIL_TEMPLATES",
    "NOTICE_WITHIN",
    "NoticeCounts",
    "NoticeRow",
    "OverdueRow",
    "SweepResult",
    "can_see_notices",
    "can_see_overdue",
    "notice_counts",
    "notice_mark_read",
    "notices_email",
    "notices_for",
    "notices_mark_all_read",
    "notices_sweep",
    "overdue_replies",
]
