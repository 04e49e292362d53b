"""The consent app's domain event: a pupil may no longer appear in media (R13).

Contract
--------
``media_permission_lost`` is sent once per call of a ``consent.services`` function that takes
away permission from one or more pupils — consent withdrawn or refused where it was granted, or
a pupil marked looked-after — and never when nothing was taken away. Keyword arguments:

- ``pupil_ids``: ``frozenset[int]``, the pupils who may no longer appear (never empty);
- ``acting_user``: the office user who made the change;
- ``reason``: ``"withdrawn"``, ``"refused"`` or ``"looked_after"``.

It is sent inside the service's transaction, after the change is written, so a receiver's
writes (hiding posts from parents, queuing them for their authors) commit or roll back with the
change itself: a withdrawal is never recorded without its effect. Receivers must therefore be
quick, touch only the database, and must not swallow errors; anything slow (emails to authors)
they enqueue with ``core.queue.enqueue_on_commit``. Connect receivers in an app's
``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

media_permission_lost = Signal()
