"""What each kind of event is: who may choose how to hear of it, its default channel, and the
line that tells it (in the reader's language, from the display names the event recorded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import ADULT_ROLES, STAFF_ROLES, Role

from .models import Channel, Kind, Notification


@dataclass(frozen=True)
class KindRule:
    default: Channel
    # Whether the person chooses its channel; a warning and an urgent announcement always get
    # through (R23, R31).
    settable: bool
    # Who hears of it, so whose settings page offers it.
    roles: frozenset[str]
    # Emailed to a suspended account too: a warning given seconds before the suspension, and
    # the suspension itself, reach the person who can no longer sign in (R5, R23).
    reaches_suspended: bool = False
    # Whether the email links into the portal (a suspended person cannot follow it).
    opens_portal: bool = True


RULES: dict[Kind, KindRule] = {
    Kind.NEW_POST: KindRule(Channel.DIGEST, True, frozenset({Role.PARENT})),
    Kind.NEW_MESSAGE: KindRule(
        Channel.EMAIL, True, frozenset({Role.PARENT, Role.TEACHER, Role.SUPPORT})
    ),
    Kind.REPLY_OVERDUE: KindRule(Channel.EMAIL, True, frozenset({Role.TEACHER, Role.SUPPORT})),
    Kind.POST_HIDDEN: KindRule(Channel.EMAIL, True, STAFF_ROLES),
    Kind.WARNING: KindRule(Channel.EMAIL, False, frozenset({Role.PARENT}), reaches_suspended=True),
    Kind.URGENT: KindRule(Channel.EMAIL, False, frozenset({Role.PARENT})),
    Kind.PUPIL_LOCKED: KindRule(Channel.EMAIL, True, frozenset({Role.TEACHER})),
    # Someone is guessing the account's password: its holder always hears (accounts.events).
    Kind.SIGN_IN: KindRule(Channel.EMAIL, False, ADULT_ROLES),
    # The worker could not make the copy of an attachment (R36): its author is told, in the
    # portal (the bell), always: nothing to choose.
    Kind.MEDIA_FAILED: KindRule(Channel.PORTAL, False, STAFF_ROLES),
    # The account holder hears of a suspension and of its end by email, whatever their
    # settings (R5, R23); the suspension's email says whom to phone, as the portal cannot.
    Kind.SUSPENDED: KindRule(
        Channel.EMAIL, False, ADULT_ROLES, reaches_suspended=True, opens_portal=False
    ),
    Kind.REINSTATED: KindRule(Channel.EMAIL, False, ADULT_ROLES),
    # A cover ended with a parent's question open: the parent hears who will answer, the class
    # teacher that the question is theirs now (R18, R21). Nothing to choose: it changes a
    # promise the parent was given, and it is rare.
    Kind.HANDOVER: KindRule(
        Channel.EMAIL, False, frozenset({Role.PARENT, Role.TEACHER, Role.SUPPORT})
    ),
}


def kinds_reaching_suspended() -> list[Kind]:
    """The kinds emailed to an account even while it is suspended."""
    return [kind for kind, rule in RULES.items() if rule.reaches_suspended]


def settable_kinds(role: str) -> list[Kind]:
    """The kinds a person of this role sets a channel for, in the order of ``Kind``."""
    return [kind for kind, rule in RULES.items() if rule.settable and role in rule.roles]


def title(notification: Notification) -> str:
    """The one line that tells the event, in the active language."""
    context = {key: str(value) for key, value in notification.context.items()}
    context.setdefault("pupil", "")
    context.setdefault("sender", "")
    return _TITLES[Kind(notification.kind)](context) % context


def detail(notification: Notification, *, office_phone: str = "", to_staff: bool = False) -> str:
    """What an email adds below the line that tells the event ("" for most kinds), in the active
    language; ``office_phone`` is the school office's number from the school's settings, and
    ``to_staff`` says the reader works at the school (a suspended account may be staff's)."""
    if notification.kind == Kind.SUSPENDED:
        return _suspended_detail(office_phone, to_staff)
    if notification.kind == Kind.REINSTATED and to_staff:
        return _("You can sign in to the school portal again.")
    if notification.kind == Kind.REINSTATED:
        return _(
            "You can sign in to the school portal again and message your child's class teacher "
            "as before. Please keep to the school's code of conduct for the portal."
        )
    if notification.kind != Kind.PUPIL_LOCKED:
        return ""
    context = {key: str(value) for key, value in notification.context.items()}
    return _(
        "%(pupil)s in %(class_name)s typed a wrong picture code too many times, so their picture "
        "code is locked and they cannot sign in. When you are with %(pupil)s, unlock it on your "
        "home page. If %(pupil)s has forgotten their pictures, the school office can print a new "
        "picture card."
    ) % {"pupil": context.get("pupil", ""), "class_name": context.get("class_name", "")}


def summary_title(notifications: Sequence[Notification]) -> str:
    """The one line that tells several notifications of one kind to one person, in the active
    language: "5 new messages from parents of Rowan"."""
    count = len(notifications)
    kind = Kind(notifications[0].kind)
    pupils = _pupils([str(each.context.get("pupil", "")) for each in notifications])
    if kind == Kind.NEW_MESSAGE and pupils:
        return ngettext(
            "%(count)s new message from parents of %(pupils)s",
            "%(count)s new messages from parents of %(pupils)s",
            count,
        ) % {"count": count, "pupils": pupils}
    if kind == Kind.REPLY_OVERDUE and pupils:
        return ngettext(
            "%(count)s reply to parents of %(pupils)s is overdue",
            "%(count)s replies to parents of %(pupils)s are overdue",
            count,
        ) % {"count": count, "pupils": pupils}
    return ngettext(
        "%(count)s notification: %(kind)s", "%(count)s notifications: %(kind)s", count
    ) % {"count": count, "kind": kind.label}


# A summary names at most this many children; the others are counted.
NAMED_IN_SUMMARY = 3


def _pupils(names: Sequence[str]) -> str:
    """The children named, each once in the order first met: "Rowan, Maya and 2 other
    children"."""
    unique = list(dict.fromkeys(name for name in names if name))
    named = ", ".join(unique[:NAMED_IN_SUMMARY])
    others = len(unique) - NAMED_IN_SUMMARY
    if others <= 0:
        return named
    return ngettext(
        "%(named)s and %(others)s other child", "%(named)s and %(others)s other children", others
    ) % {"named": named, "others": others}


def _suspended_detail(office_phone: str, to_staff: bool) -> str:
    """What happens next after a suspension, and whom to phone (R5)."""
    if to_staff:
        contact = (
            _("To talk about it, phone the school office on %(phone)s.") % {"phone": office_phone}
            if office_phone
            else _("To talk about it, phone the school office.")
        )
    elif office_phone:
        contact = _(
            "To talk about it, or for anything about your child, phone the school office on "
            "%(phone)s."
        ) % {"phone": office_phone}
    else:
        contact = _("To talk about it, or for anything about your child, phone the school office.")
    return " ".join(
        [
            _(
                "You cannot sign in to the school portal or message the school through it while "
                "your account is suspended. Messages you sent before are kept."
            ),
            contact,
            _(
                "The school's leaders decide when the suspension ends, and you will get an "
                "email when your account is reinstated."
            ),
        ]
    )


def _post(context: dict[str, str]) -> str:
    if context.get("event"):  # the one reminder of an event (R35), heard as a post is
        return _("Please reply for %(event)s")
    story = context.get("story")
    if story == "school":
        return _("New post in the School Story")
    if story == "student":  # the stories app's Audience.STUDENT
        return _("New post in %(name)s's story")
    return _("New post in the %(name)s class story")


def _message(context: dict[str, str]) -> str:
    if context.get("from_parent") == "True":
        return _("%(sender)s wrote about %(pupil)s")
    if context.get("from_office") == "True":
        return _("New message from the school office about %(pupil)s")
    return _("New message from %(sender)s about %(pupil)s")


def _handover(context: dict[str, str]) -> str:
    if context.get("to_parent") == "True":
        return _("%(teacher)s will answer your message about %(pupil)s")
    return _("%(sender)s's question about %(pupil)s is yours now: %(cover)s's cover has ended")


def _post_hidden(context: dict[str, str]) -> str:
    return ngettext(
        "Your post is hidden: consent changed for %(pupil)s, a child in it",
        "Your post is hidden: consent changed for %(pupil)s, children in it",
        int(context.get("pupils", "1")),
    )


_TITLES = {
    Kind.NEW_POST: _post,
    Kind.NEW_MESSAGE: _message,
    Kind.REPLY_OVERDUE: lambda context: _("A reply to %(sender)s about %(pupil)s is overdue"),
    Kind.POST_HIDDEN: _post_hidden,
    Kind.WARNING: lambda context: _("The school has given you a formal warning"),
    Kind.URGENT: lambda context: _("Urgent: %(excerpt)s"),
    Kind.PUPIL_LOCKED: lambda context: _("Picture code locked: %(pupil)s"),
    Kind.MEDIA_FAILED: lambda context: _(
        "A file of your post could not be processed: please add it again, or another copy"
    ),
    Kind.HANDOVER: _handover,
    Kind.SUSPENDED: lambda context: _("The school has suspended your portal account"),
    Kind.REINSTATED: lambda context: _("Your portal account is open again"),
    Kind.SIGN_IN: lambda context: ngettext(
        "%(failures)s wrong password was tried for your account within an hour: if that was "
        "not you, change your password",
        "%(failures)s wrong passwords were tried for your account within an hour: if that was "
        "not you, change your password",
        int(context.get("failures", "0")),
    ),
}
