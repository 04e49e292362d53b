"""The demo's sign-ins, read from the database and printed by ``seed_demo`` and ``serve``.

Only what the database can tell is printed: the accounts that exist, the shared demo password,
the pupil's class code and the fixed picture code the seed gave them. An invite code is printed
only by the run that made it (only its hash is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from accounts.models import PupilLogin, User
from accounts.selectors.conduct import conduct_pending_for
from accounts.selectors.people import Child, children_of
from classes.names import display_names
from classes.selectors import classes_assigned_to

from .extras import DemoInvite, demo_pupil
from .people import (
    DEMO_PASSWORD,
    DEMO_PUPIL_CODE,
    LEADER_EMAIL,
    NEW_PARENT_EMAIL,
    OFFICE_EMAIL,
    PARENT_EMAIL,
    SUPPORT_EMAIL,
    TEACHER_EMAIL,
)


@dataclass(frozen=True)
class SignIn:
    role: str
    email: str
    note: str


@dataclass(frozen=True)
class PupilSignIn:
    class_code: str
    class_name: str
    display_name: str
    picture_code: tuple[str, ...] | None


def _child_label(child: Child) -> str:
    school_class = child.pupil.school_class
    return f"{child.display_name} ({school_class.name})" if school_class else child.display_name


def _children_note(user: User) -> str:
    children = [_child_label(child) for child in children_of(user)]
    return "children: " + ", ".join(children) if children else ""


def _classes_note(user: User) -> str:
    names = [c.name for c in classes_assigned_to(user).order_by("year_group", "name")]
    return "class: " + ", ".join(names) if names else ""


def _new_parent_note(user: User) -> str:
    pending = conduct_pending_for(user) is not None
    return "first sign-in: the code of conduct, then the data-processing form" if pending else ""


def _admin_note(user: User) -> str:
    return f"the admin ({reverse('admin:index')}) opens after two-factor setup at " + reverse(
        "mfa_activate_totp"
    )


ROLES: tuple[tuple[str, str, Callable[[User], str]], ...] = (
    ("parent", PARENT_EMAIL, _children_note),
    ("new parent", NEW_PARENT_EMAIL, _new_parent_note),
    ("teacher", TEACHER_EMAIL, _classes_note),
    ("support staff", SUPPORT_EMAIL, _classes_note),
    ("office", OFFICE_EMAIL, _admin_note),
    ("leader", LEADER_EMAIL, _admin_note),
)


def demo_sign_ins() -> list[SignIn]:
    """The demo accounts that exist, active and not suspended, one per role, with a note."""
    users = {
        user.email: user
        for user in User.objects.filter(
            email__in=[email for _role, email, _note in ROLES], is_active=True, is_suspended=False
        )
    }
    return [
        SignIn(role, email, note(users[email])) for role, email, note in ROLES if email in users
    ]


def demo_pupil_sign_in() -> PupilSignIn | None:
    """The demo pupil's class code and display name, and their picture code if they have one."""
    pupil = demo_pupil()
    if pupil is None or pupil.school_class is None:
        return None
    has_code = PupilLogin.objects.filter(pupil=pupil).exists()
    return PupilSignIn(
        class_code=pupil.school_class.class_code,
        class_name=pupil.school_class.name,
        display_name=display_names([pupil])[pupil.pk],
        picture_code=DEMO_PUPIL_CODE if has_code else None,
    )


def format_sign_ins(site_url: str, *, invite: DemoInvite | None = None) -> str:
    """The sign-ins as text for a terminal; empty when the database has no demo accounts."""
    sign_ins = demo_sign_ins()
    pupil = demo_pupil_sign_in()
    if not sign_ins and pupil is None:
        return ""
    width = max((len(s.email) for s in sign_ins), default=0)
    lines = [f"Demo sign-ins at {site_url}{reverse('account_login')}", ""]
    lines += [f"  {s.role:<14} {s.email:<{width}}  {s.note}".rstrip() for s in sign_ins]
    lines += ["", f"  Password for every demo adult: {DEMO_PASSWORD}"]
    if pupil is not None:
        code = ", ".join(pupil.picture_code) if pupil.picture_code else "none yet (office prints)"
        lines += [
            "",
            f"  Pupil at {site_url}{reverse('pupil_start')}: class code {pupil.class_code}, "
            f"then “{pupil.display_name}”, then the pictures: {code}",
        ]
    lines += ["", *_invite_lines(site_url, invite)]
    return "\n".join(lines) + "\n"


def _invite_lines(site_url: str, invite: DemoInvite | None) -> list[str]:
    join = f"{site_url}{reverse('join')}"
    if invite is not None:
        return [
            f"  New parent: join at {join} with invite code {invite.code} for "
            f"{invite.display_name} ({invite.class_name}), born "
            f"{invite.date_of_birth.day} {invite.date_of_birth:%B %Y}."
        ]
    return [
        f"  New parent: join at {join} with the invite code seed_demo printed when it made the "
        "school (codes are stored hashed, so it cannot be shown again), or make a new one in "
        "the admin: Pupils → “Generate invite codes and print letters”."
    ]
