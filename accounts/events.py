"""The accounts app's domain events: pupils' picture codes locked, an account guessed at, and
an account suspended or reinstated.

Contract
--------
``pupil_code_locked`` is sent once per lock, by ``accounts.services.pupil_login``, when a
wrong picture code locks a pupil's code (``PUPIL_CODE_MAX_FAILURES`` within the window).
``pupil_code_lock_lifted`` is sent when a locked code is unlocked or replaced by a new code,
never when nothing was locked. Keyword arguments of both:

- ``pupil_id``: ``int``, the pupil whose code it is;
- ``locked_at``: aware ``datetime``, when the lock was made (it names the lock: a pupil locked,
  unlocked and locked again has two).

Both are sent inside the service's transaction, after the change is written, so a receiver's
writes (the class teachers' notification) commit or roll back with the lock itself: a lock is
never stored without its notice. Receivers must therefore be quick and touch only the
database.

``sign_in_ceiling_reached`` is sent once per window of the account's sign-in ceiling
(``accounts.sign_in_limits.ACCOUNT``), by the process whose wrong password reached it, outside
any transaction. Keyword arguments:

- ``user``: the active account whose address was typed;
- ``failures``: the failures counted in the window (the ceiling).

Its receivers tell the account holder; they must not raise (a sign-in page is answering).

``account_suspended`` and ``account_reinstated`` are sent once per suspension and once per
reinstatement, by ``accounts.services.suspensions``, inside its transaction after the change is
written (a receiver's writes commit or roll back with it). Keyword arguments:

- ``user``: the account, as it now is;
- ``suspension``: the ``Suspension`` record that was opened or lifted.

Receivers tell the account holder and stop what waits on them (the messaging app's reply
reminders); they must be quick and touch only the database.

The accounts app knows nothing of who listens: the notification service, which sits above it,
connects in its ``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

pupil_code_locked = Signal()
pupil_code_lock_lifted = Signal()
sign_in_ceiling_reached = Signal()
account_suspended = Signal()
account_reinstated = Signal()
