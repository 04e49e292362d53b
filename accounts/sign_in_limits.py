"""Wrong passwords at sign-in: soft limits that slow guessing without locking anyone out
(ASVS V6: a lockout never stops the right password from somewhere else).

Three counts, each over a window that starts at its first failure:

- per client address and account: ``SIGN_IN_MAX_FAILURES`` (5) in 15 minutes. Five typos for a
  teacher's address pause that address for that account only; the teacher signs in from
  anywhere else.
- per client address alone: ``SIGN_IN_ADDRESS_MAX_FAILURES`` (100) in 15 minutes, whatever the
  accounts. A school's staff and the families on its Wi-Fi share one public address: 100
  failures in 15 minutes is far beyond their typos (about 40 staff), and still stops one
  address trying passwords across many accounts.
- per account across every address: ``SIGN_IN_ACCOUNT_MAX_FAILURES`` (50) in an hour, the
  ceiling for guessing from many addresses at once. It never refuses an address that has not
  failed for the account: it tells the account holder once (through the notification service,
  ``events.sign_in_ceiling_reached``), and while the account is over it, an address that has
  failed for it even once in its 15 minutes waits for them to end (a spread-out attack gets one
  guess per address per quarter of an hour, not five). 50 an hour is ten addresses' worth of
  the first limit, more than anyone locked out of their own account types, and little for a
  guesser against a password of ten characters that is not a common one.

A refused attempt is not checked and not counted; the refusal says when to try again. A right
password clears the count of its address and account. Counts live in the shared cache (Redis,
or the database while Redis is away: ``core.ratelimit``); when neither answers,
``sign_in_refusal`` refuses with "try again in a minute". Addresses and accounts are hashed
before they reach the cache.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from classes.selectors import school_get
from core.ratelimit import FailureLimit, LimitUnavailable

from .events import sign_in_ceiling_reached
from .models import User

REFUSED_HERE = _(
    "Too many wrong passwords for this account from your network. You can try again at "
    "%(time)s, or sign in from another network. If you have forgotten your password, reset it."
)
REFUSED_ADDRESS = _(
    "Too many wrong passwords from your network. You can try again at %(time)s. If you have "
    "forgotten your password, reset it."
)
REFUSED_UNCHECKED = _("Sign-in is busy just now. Please try again in a minute.")

ADDRESS_ACCOUNT = FailureLimit(
    "sign_in_address_account", settings.SIGN_IN_MAX_FAILURES, settings.SIGN_IN_FAILURE_WINDOW
)
# The same counts, as the account's ceiling tightens them: one failure pauses the address.
ADDRESS_ACCOUNT_UNDER_CEILING = FailureLimit(
    "sign_in_address_account", 1, settings.SIGN_IN_FAILURE_WINDOW
)
ADDRESS = FailureLimit(
    "sign_in_address", settings.SIGN_IN_ADDRESS_MAX_FAILURES, settings.SIGN_IN_FAILURE_WINDOW
)
ACCOUNT = FailureLimit(
    "sign_in_account", settings.SIGN_IN_ACCOUNT_MAX_FAILURES, settings.SIGN_IN_ACCOUNT_WINDOW
)


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in attempt is refused before its password is checked, and until when
    (``None``: the limits could not be read; try again in a minute)."""

    message: str
    until: dt.datetime | None

    def text(self) -> str:
        """The message, with the time to try again on the school's clock (rounded up to the
        minute, so that the time said is never too early)."""
        if self.until is None:
            return self.message
        local = self.until.astimezone(school_get().tz)
        if local.second or local.microsecond:
            local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        return self.message % {"time": f"{local:%H:%M}"}

    @property
    def retry_after(self) -> int:
        """Seconds until the attempt may be made again (the Retry-After header)."""
        if self.until is None:
            return 60
        return max(1, int((self.until - dt.datetime.now(dt.timezone.utc)).total_seconds()) + 1)


def _idents(ip: str, email: str) -> tuple[str, str, str]:
    account = email.strip().lower()
    return ip, f"{ip}|{account}", account


def sign_in_refusal(*, ip: str, email: str) -> Refusal | None:
    """The refusal of an attempt to sign in as ``email`` from ``ip``, or None to go on."""
    address, pair, account = _idents(ip, email)
    try:
        if until := ADDRESS.blocked_until(address):
            return Refusal(str(REFUSED_ADDRESS), until)
        until = ADDRESS_ACCOUNT.blocked_until(pair)
        if until is None and ACCOUNT.is_blocked(account):
            until = ADDRESS_ACCOUNT_UNDER_CEILING.blocked_until(pair)
    except LimitUnavailable:
        return Refusal(str(REFUSED_UNCHECKED), None)
    return Refusal(str(REFUSED_HERE), until) if until else None


def sign_in_failed(*, ip: str, email: str) -> None:
    """Count a wrong password; the failure that reaches the account's ceiling tells its
    holder (one process counts it: the counts are atomic)."""
    address, pair, account = _idents(ip, email)
    try:
        ADDRESS.record_failure(address)
        ADDRESS_ACCOUNT.record_failure(pair)
        failures = ACCOUNT.count_failure(account)
    except LimitUnavailable:
        return  # the next attempt is refused until the counts can be read again
    if failures == ACCOUNT.limit:
        user = User.objects.filter(email__iexact=account, is_active=True).first()
        if user is not None:
            sign_in_ceiling_reached.send(User, user=user, failures=failures)


def sign_in_succeeded(*, ip: str, email: str) -> None:
    """The right password: this address's failures for the account are forgiven (not the
    address's or the account's own counts, which an attacker could otherwise reset)."""
    _address, pair, _account = _idents(ip, email)
    with contextlib.suppress(LimitUnavailable):  # the count then runs out with its window
        ADDRESS_ACCOUNT.reset(pair)
