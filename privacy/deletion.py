"""Deleting an account (R28): a parent or member of staff deletes their own, after entering
their password again; the office deletes a suspended one from the admin; the retention job
deletes a parent's account that has had no current child for a year (``privacy.retention``).

What goes: the person's row and everything that hangs on it (links to children, likes, code of
conduct acceptances, consent agreements, notification settings, push subscriptions, digests,
exports and their ZIP files), their sessions everywhere, and the cache entries kept under their
name. What stays: the messages they wrote, which are the school's record, shown as from "a
former parent/carer" or "a former member of staff" until the message retention period ends
(``privacy.retention``); their children, untouched; posts they wrote, without an author; the
audit log's entry, which names a role and an id, never a name.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import ParentLink, Role, User
from accounts.permissions.accounts import can_manage_account
from accounts.services.invites import INVITE_LIMIT
from audit import AuditAction, audit_record
from core.ratelimit import FailureLimit
from media.storage import files_delete
from messaging.models import Message, Thread, Topic
from notifications.models import BouncedAddress
from notifications.selectors import bell_forget
from stories.models import Like, Post

from .models import DataExport
from .permissions.deletion import can_delete_own_account, can_delete_suspended_accounts

logger = logging.getLogger(__name__)

PASSWORD_NEEDED = _("Enter your password to confirm. Nothing has been deleted.")
WRONG_PASSWORD = _("That is not your password. Nothing has been deleted.")
TOO_MANY_TRIES = ngettext_lazy(
    "Too many wrong passwords. Please wait %(minutes)d minute and try again. Nothing has been "
    "deleted.",
    "Too many wrong passwords. Please wait %(minutes)d minutes and try again. Nothing has "
    "been deleted.",
    "minutes",
)
LAST_LEADER = _(
    "You are the school's only leader. Another leader must have an account before you delete "
    "yours, so that someone can still run the school's portal. Nothing has been deleted."
)
NOT_SUSPENDED = _("%(who)s is not suspended: only suspended accounts can be deleted here.")
NOT_AN_ADULT = _("Pupils' accounts go with their data when they leave: %(who)s was not deleted.")
OWN_ACCOUNT = _("You cannot delete your own account here: use “Delete your account” instead.")

DELETE_LIMIT = FailureLimit(
    scope="account_delete",
    limit=settings.ACCOUNT_DELETE_MAX_FAILURES,
    window=settings.ACCOUNT_DELETE_FAILURE_WINDOW,
)


@dataclass(frozen=True)
class AccountDeleted:
    """What one deletion did, as counts (the audit entry's details)."""

    user_id: int
    role: str
    links: int
    likes: int
    messages_kept: int
    threads_kept: int
    sessions: int
    files: int


def account_delete_own(*, acting_user: User, password: str) -> AccountDeleted:
    """The signed-in person deletes their own account, confirming with their password. A wrong
    or missing password deletes nothing; wrong ones are counted per account, so a session left
    open on a shared computer cannot be used to guess it."""
    if not can_delete_own_account(acting_user):
        raise PermissionDenied
    ident = f"user:{acting_user.pk}"
    if DELETE_LIMIT.is_blocked(ident):
        minutes = int(DELETE_LIMIT.window.total_seconds() // 60)
        raise ValidationError(TOO_MANY_TRIES, code="rate_limited", params={"minutes": minutes})
    if not password:
        raise ValidationError(PASSWORD_NEEDED, code="password_needed")
    if not acting_user.check_password(password):
        DELETE_LIMIT.record_failure(ident)
        raise ValidationError(WRONG_PASSWORD, code="wrong_password")
    if _is_last_leader(acting_user):
        raise ValidationError(LAST_LEADER, code="last_leader")
    return account_erase(acting_user, actor=acting_user, reason="own request")


def account_delete_suspended(*, acting_user: User, user: User) -> AccountDeleted:
    """The office deletes a suspended parent's or staff member's account (R5, R28): one that
    ``acting_user`` manages (``accounts.permissions.accounts.can_manage_account``)."""
    if not can_delete_suspended_accounts(acting_user):
        raise PermissionDenied
    if user.pk == acting_user.pk:
        raise ValidationError(OWN_ACCOUNT, code="own_account")
    if user.role != Role.PUPIL and not can_manage_account(acting_user, user):
        raise PermissionDenied  # the office deletes no leader's or colleague's account
    if user.role == Role.PUPIL:
        raise ValidationError(NOT_AN_ADULT, code="pupil", params={"who": user.display_name})
    if not user.is_suspended:
        raise ValidationError(NOT_SUSPENDED, code="not_suspended", params={"who": user})
    return account_erase(user, actor=acting_user, reason="suspended account, by the office")


def _is_last_leader(user: User) -> bool:
    if user.role != Role.LEADER:
        return False
    others = User.objects.filter(role=Role.LEADER, is_active=True, is_suspended=False)
    return not others.exclude(pk=user.pk).exists()


@transaction.atomic
def account_erase(user: User, *, actor: User | None, reason: str) -> AccountDeleted:
    """Delete ``user`` and what hangs on their account; keep their messages without them. For
    the services above and the retention job, which have checked permission. Files are
    deleted before the transaction commits: if it fails, the rows stay and the next attempt
    finishes, and no file is ever left behind without its row."""
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    messages_kept, threads_kept = _messages_keep_without(user, now=now)
    files = list(
        DataExport.objects.filter(subject=user).exclude(file="").values_list("file", flat=True)
    )
    result = AccountDeleted(
        user_id=user.pk,
        role=user.role,
        links=ParentLink.objects.filter(parent=user).count(),
        likes=likes_forget([user.pk]),
        messages_kept=messages_kept,
        threads_kept=threads_kept,
        sessions=sessions_delete([user.pk]),
        files=len(files),
    )
    details: dict[str, object] = {**asdict(result), "reason": reason}
    audit_record(AuditAction.ACCOUNT_DELETED, actor=actor, subject=user, details=details)
    caches_forget([user])
    if user.email:  # the office's list of addresses that bounced names the person too
        BouncedAddress.objects.filter(email__iexact=user.email).delete()
    user.delete()
    files_delete(files)
    logger.info("account %s (%s) deleted: %s", result.user_id, reason, details)
    return result


def _messages_keep_without(user: User, *, now: dt.datetime) -> tuple[int, int]:
    """Prepare the person's threads to outlive them (the foreign key becomes empty when the
    row goes): nobody waits for a reply to a parent who has gone, nor is to be told of the
    staff's messages to them, and their office threads close; a teacher's threads pass to the
    office inbox (filed under "Other"), open only where a parent awaits an answer. Returns
    (messages they wrote, threads they were in)."""
    counts = (
        Message.objects.filter(author=user).count(),
        Thread.objects.filter(Q(parent=user) | Q(teacher=user)).count(),
    )
    Message.objects.filter(thread__parent=user, reply_due_at__isnull=False).update(
        reply_due_at=None
    )
    # nobody is left to tell of the staff's last messages to them
    Message.objects.filter(
        thread__parent=user, from_parent=False, notified_at__isnull=True
    ).update(notified_at=now)
    Thread.objects.filter(parent=user, teacher__isnull=True, closed_at__isnull=True).update(
        closed_at=now
    )
    awaiting = Message.objects.filter(thread__teacher=user, reply_due_at__isnull=False)
    taught = Thread.objects.filter(teacher=user)
    taught.filter(closed_at__isnull=True).exclude(pk__in=awaiting.values("thread_id")).update(
        closed_at=now
    )
    taught.update(teacher=None, topic=Topic.OTHER)
    return counts


def likes_forget(user_ids: Collection[int]) -> int:
    """Take these people's likes off the posts' counts (R16), in one UPDATE; the rows go with
    the people."""
    likes = Like.objects.filter(user_id__in=user_ids)
    count = likes.count()
    if count:
        theirs = (
            Like.objects.filter(post=OuterRef("pk"), user_id__in=user_ids)
            .order_by()
            .values("post")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Post.objects.filter(pk__in=likes.values("post_id")).update(
            like_count=F("like_count") - Subquery(theirs)
        )
    return count


def sessions_delete(user_ids: Collection[int]) -> int:
    """Sign these people out everywhere: each of their sessions is deleted through the session
    engine, so a cached copy goes with the row. One pass over the sessions table, which the
    engine cannot search by user. The portal keeps sessions in the database (the default
    engine), or the database behind a cache (``cached_db``)."""
    if not user_ids:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):  # sessions kept only in a cache or a cookie
        logger.warning("sessions of %s not deleted: %s keeps no table", user_ids, store)
        return 0
    wanted = {str(pk) for pk in user_ids}
    keys = [
        session.session_key
        for session in store.get_model_class().objects.iterator()
        if session.get_decoded().get(SESSION_KEY) in wanted
    ]
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


def caches_forget(users: Iterable[User]) -> None:
    """Delete the shared cache's entries kept under these people: their notification bell
    (counts and the start of urgent announcements) and the failure counts kept against their
    account and email address (invite codes, this page's passwords)."""
    users = list(users)
    bell_forget([user.pk for user in users])
    for user in users:
        DELETE_LIMIT.reset(f"user:{user.pk}")
        accounts = [f"user:{user.pk}"] + ([user.email] if user.email else [])
        INVITE_LIMIT.reset(*(f"account:{account}" for account in accounts))
