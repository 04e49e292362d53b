"""The accounts app's domain event: an account is being guessed at from many addresses.

Contract
--------
``sign_in_ceiling_reached`` is sent once per window of the account's sign-in ceiling
(``accounts.sign_in_limits.ACCOUNT``), by the process whose wrong password reached it, outside
any transaction. Keyword arguments:

- ``user``: the active account whose address was typed;
- ``failures``: the failures counted in the window (the ceiling).

Receivers tell the account holder; they must not raise (a sign-in page is answering). Connect
them in an app's ``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

sign_in_ceiling_reached = Signal()
