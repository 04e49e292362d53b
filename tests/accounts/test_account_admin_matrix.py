"""Who may change whose account, and give which role, along every path the admin has (R1).

Every acting role (office, leader, the school's superuser, and teacher, support and parent, who
have no admin, each with two-factor sign-in and even a wrongly ticked staff flag) against every
kind of account (the five adult roles, a superuser, and the actor's own), along each path that
can change a role, an access flag or a password: the change form (shown, and posted with every
role and with forged access flags), the add form, the bulk actions (suspend, reinstate, delete
a suspended account, send password-reset emails), the password form and the reset-email
button. Each cell says what the person sees; each test then checks what the database holds.

The rules, from the issue: the office manages parents, teachers and support staff; only a
leader makes or changes office and leader accounts; nobody changes their own account here
(their role, their flags, their password); a superuser's account is a superuser's to manage;
access flags, groups and permissions are a superuser's to set; nobody sets another's password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.admin.managed import NOT_YOURS_TO_CHANGE
from accounts.admin.password_actions import EMAIL_SENT
from accounts.admin.user_forms import ACCESS_NOT_YOURS, ROLE_NOT_YOURS
from accounts.models import Role, Suspension, User
from tests.audit.test_audit_admin_changes import form_of
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    SupportFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

ACTORS = ["office", "leader", "superuser", "teacher", "support", "parent"]
TARGETS = ["parent", "teacher", "support", "office", "leader", "superuser", "self"]
ROLES: list[str] = [Role.PARENT, Role.TEACHER, Role.SUPPORT, Role.OFFICE, Role.LEADER]

EDIT = "editable"  # the change form opens with fields to change
READ = "read-only"  # the change form opens with nothing to change; a POST is refused (403)
NONE = "no admin"  # the admin sends the person to its sign-in, which lets them no further

# fmt: off
ACCOUNT_PAGE: dict[str, tuple[str, ...]] = {
    # columns: parent, teacher, support, office, leader, superuser, self
    "office":    (EDIT, EDIT, EDIT, READ, READ, READ, READ),
    "leader":    (EDIT, EDIT, EDIT, EDIT, EDIT, READ, READ),
    "superuser": (EDIT, EDIT, EDIT, EDIT, EDIT, EDIT, READ),
    "teacher":   (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    "support":   (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    "parent":    (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
}
# fmt: on

# The roles each may give, on the accounts it may change and on new ones.
MAY_GIVE: dict[str, list[str]] = {
    "office": [Role.PARENT, Role.TEACHER, Role.SUPPORT],
    "leader": ROLES,
    "superuser": ROLES,
}

CELLS = [
    pytest.param(actor, target, access, id=f"{actor}-{target}")
    for actor, row in ACCOUNT_PAGE.items()
    for target, access in zip(TARGETS, row, strict=True)
]

FACTORIES: dict[str, Callable[..., User]] = {
    "parent": ParentFactory,
    "teacher": TeacherFactory,
    "support": SupportFactory,
    "office": OfficeFactory,
    "leader": LeaderFactory,
}


def person(kind: str, *, acting: bool = False) -> User:
    if kind == "superuser":
        return LeaderFactory(is_superuser=True)
    if acting and kind not in {"office", "leader"}:
        return FACTORIES[kind](is_staff=True)  # a staff flag ticked by mistake opens nothing
    return FACTORIES[kind]()


def cast(actor_kind: str, target_kind: str) -> tuple[User, User, Client]:
    actor = person(actor_kind, acting=True)
    with_totp(actor)
    target = actor if target_kind == "self" else person(target_kind)
    return actor, target, client_for(actor)


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def stored(user: User) -> tuple[object, ...]:
    """What the database holds of an account's role, flags, groups and password."""
    user = User.objects.get(pk=user.pk)
    return (
        user.role,
        user.is_staff,
        user.is_superuser,
        user.is_active,
        user.is_suspended,
        user.password,
        list(user.groups.all()),
        list(user.user_permissions.all()),
    )


def role_options(html: str) -> list[str]:
    start = html.index('name="role"')
    menu = html[start : html.index("</select>", start)]
    return [value for value in ROLES if f'value="{value}"' in menu]


def assert_no_admin(client: Client, response: Any) -> None:
    """The admin let the person in nowhere: it sent them to its sign-in page, which refuses a
    signed-in person who is not office staff (403), or, when a staff flag was ticked by
    mistake, says they are not authorised."""
    hops = getattr(response, "redirect_chain", None) or [(response.get("Location", ""), 302)]
    assert hops[0][0].startswith(reverse("admin:login"))
    login = client.get(hops[0][0])
    assert login.status_code == 403 or "are not authorized" in login.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# The change form ------------------------------------------------------------------------------


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_the_account_page_offers_only_what_the_actor_may_change(
    school: Any, actor_kind: str, target_kind: str, access: str
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    response = client.get(change_url(target))
    if access == NONE:
        assert_no_admin(client, response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password1"' not in html
    assert reverse("admin:auth_user_password_change", args=[target.pk]) not in html
    if access == READ:
        assert 'name="role"' not in html
        assert 'name="email"' not in html
        assert "Send a password-reset email" not in html
        return
    assert role_options(html) == MAY_GIVE[actor_kind]
    assert "Send a password-reset email" in html
    for flag in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert (f'name="{flag}"' in html) == (actor_kind == "superuser")


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_a_role_changes_only_to_one_the_actor_may_give(
    school: Any, actor_kind: str, target_kind: str, access: str
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    url = change_url(target)
    shown = form_of(client, url) if access == EDIT else {"email": target.email}
    for role in ROLES:
        before = stored(target)
        response = client.post(url, {**shown, "role": role})
        target.refresh_from_db()
        if access == NONE:
            assert_no_admin(client, response)
            assert stored(target) == before
        elif access == READ:
            assert response.status_code == 403
            assert stored(target) == before
        elif role in MAY_GIVE[actor_kind]:
            assert response.status_code == 302, response.context["adminform"].form.errors
            assert target.role == role
            # Admin access follows the role (a superuser keeps theirs).
            assert target.is_staff == (role in {Role.OFFICE, Role.LEADER} or target.is_superuser)
            shown = form_of(client, url)  # the page as it is now (a parent's lists children)
        else:
            assert response.status_code == 200
            assert response.context["adminform"].form.errors["role"] == [str(ROLE_NOT_YOURS)]
            assert stored(target) == before


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_access_flags_are_a_superusers_to_set_on_someone_else(
    school: Any, actor_kind: str, target_kind: str, access: str
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    url = change_url(target)
    shown = form_of(client, url) if access == EDIT else {"email": target.email}
    before = stored(target)
    response = client.post(url, {**shown, "is_superuser": "on", "is_staff": "on"})
    target.refresh_from_db()
    if access == NONE:
        assert_no_admin(client, response)
        assert stored(target) == before
    elif access == READ:
        assert response.status_code == 403
        assert stored(target) == before
    elif actor_kind == "superuser":
        assert response.status_code == 302
        assert (target.is_superuser, target.is_staff) == (True, True)
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [str(ACCESS_NOT_YOURS)]
        assert stored(target) == before


# The add form ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("role", ROLES)
def test_R1_a_new_account_has_a_role_the_actor_may_give_and_no_password(
    school: Any, actor_kind: str, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    _actor, _target, client = cast(actor_kind, "self")
    url = reverse("admin:accounts_user_add")
    page = client.get(url)
    data = {
        "email": "New.Person@Example.org",
        "title": "",
        "first_name": "Robin",
        "last_name": "Ashdown",
        "role": role,
        "preferred_language": "pl",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    made = User.objects.filter(email="new.person@example.org").first()
    if actor_kind not in MAY_GIVE:
        assert_no_admin(client, page)
        assert_no_admin(client, response)
        assert made is None
        assert mail.outbox == []
        return
    assert page.status_code == 200
    assert 'name="password1"' not in page.content.decode()
    assert role_options(page.content.decode()) == MAY_GIVE[actor_kind]
    if role not in MAY_GIVE[actor_kind]:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["role"] == [str(ROLE_NOT_YOURS)]
        assert made is None
        assert mail.outbox == []
        return
    assert response.status_code == 302
    assert made is not None
    assert (made.role, made.is_staff, made.is_superuser) == (
        role,
        role in {Role.OFFICE, Role.LEADER},
        False,
    )
    assert not made.has_usable_password()
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "pl"


@pytest.mark.parametrize("actor_kind", ["office", "leader", "superuser"])
def test_R1_the_add_form_refuses_a_typed_password_or_access_flag(
    school: Any, actor_kind: str
) -> None:
    _actor, _target, client = cast(actor_kind, "self")
    base = {
        "email": "forged@example.org",
        "first_name": "Sam",
        "last_name": "Okafor",
        "role": Role.TEACHER,
        "preferred_language": "en-gb",
    }
    for forged in (
        {"password1": PASSWORD, "password2": PASSWORD},
        {"is_superuser": "on"},
        {"is_staff": "on"},
    ):
        response = client.post(reverse("admin:accounts_user_add"), {**base, **forged})
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [str(ACCESS_NOT_YOURS)]
    assert not User.objects.filter(email="forged@example.org").exists()


# Bulk actions ---------------------------------------------------------------------------------


def run_action(client: Client, action: str, user: User, **extra: str) -> Any:
    data = {"action": action, "_selected_action": [user.pk], **extra}
    return client.post(reverse("admin:accounts_user_changelist"), data, follow=True)


def assert_action_outcome(client: Client, response: Any, access: str, target: User) -> None:
    if access == NONE:
        assert_no_admin(client, response)
    elif access == READ:
        assert str(NOT_YOURS_TO_CHANGE % {"who": target}) in messages_of(response)


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_R5_suspending_and_reinstating_reach_only_managed_accounts(
    school: Any, actor_kind: str, target_kind: str, access: str
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    response = run_action(client, "suspend", target, reason="Abusive messages")
    assert_action_outcome(client, response, access, target)
    target.refresh_from_db()
    assert target.is_suspended == (access == EDIT)
    if target_kind == "self":  # a suspended person could not reach the admin at all (R5)
        return

    if access != EDIT:  # suspended by someone who may, to see whether this actor can lift it
        Suspension.objects.create(user=target, reason="By a leader", suspended_by=None)
        User.objects.filter(pk=target.pk).update(is_suspended=True)
    response = run_action(client, "reinstate", target, confirm="yes", reason="Apology met")
    assert_action_outcome(client, response, access, target)
    target.refresh_from_db()
    assert target.is_suspended == (access != EDIT)


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_R28_deleting_a_suspended_account_reaches_only_managed_accounts(
    school: Any, actor_kind: str, target_kind: str, access: str
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    Suspension.objects.create(user=target, reason="Abusive messages", suspended_by=None)
    User.objects.filter(pk=target.pk).update(is_suspended=True)
    if target_kind == "self":  # a suspended person cannot reach the admin at all (R5)
        User.objects.filter(pk=target.pk).update(is_suspended=False)
    response = run_action(client, "delete_suspended", target, confirm_delete="yes")
    assert_action_outcome(client, response, access, target)
    assert User.objects.filter(pk=target.pk).exists() == (access != EDIT)


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_password_reset_emails_go_only_to_managed_accounts(
    school: Any,
    actor_kind: str,
    target_kind: str,
    access: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    before = stored(target)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "send_password_email", target)
    assert_action_outcome(client, response, access, target)
    assert [m.to for m in mail.outbox] == ([[target.email]] if access == EDIT else [])
    assert stored(target) == before  # the password is the holder's to change


# The password form and the reset-email button -------------------------------------------------


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_nobody_sets_a_password_through_the_admin(
    school: Any, actor_kind: str, target_kind: str, access: str
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    before = stored(target)
    shown = client.get(url)
    posted = client.post(url, {"password1": "N3w-passw0rd!", "password2": "N3w-passw0rd!"})
    if access == NONE:
        assert_no_admin(client, shown)
        assert_no_admin(client, posted)
    else:  # the page does not exist, for a superuser too
        assert (shown.status_code, posted.status_code) == (404, 404)
    assert stored(target) == before


@pytest.mark.parametrize(("actor_kind", "target_kind", "access"), CELLS)
def test_R1_the_reset_email_button_sends_the_holder_a_link(
    school: Any,
    actor_kind: str,
    target_kind: str,
    access: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _actor, target, client = cast(actor_kind, target_kind)
    url = reverse("admin:accounts_user_password_email", args=[target.pk])
    before = stored(target)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert stored(target) == before
    if access == NONE:
        assert_no_admin(client, response)
    elif access == READ:
        assert response.status_code == 403
    if access != EDIT:
        assert mail.outbox == []
        return
    assert response.redirect_chain[-1][0] == change_url(target)
    assert str(EMAIL_SENT % {"email": target.email}) in messages_of(response)
    assert [m.to for m in mail.outbox] == [[target.email]]
    assert client.get(url).status_code == 405  # a link cannot send it: POST only
