"""The office deletes suspended accounts from the admin (R5, R28): a confirmation page first,
then each suspended account is deleted as its owner could have; anything else is left alone
with a message that says why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import ParentLink, User
from accounts.services.suspensions import account_suspend
from audit.actions import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil
from messaging.models import Flag, Message, Thread
from messaging.moderation import PARENT_GONE, parent_warn
from privacy.deletion import NOT_SUSPENDED, OWN_ACCOUNT, account_delete_suspended
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

USERS_URL = reverse("admin:accounts_user_changelist")


@pytest.fixture
def office(school) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def suspended(office: User) -> User:
    parent = ParentLinkFactory().parent
    account_suspend(acting_user=office, user=parent, reason="Abusive messages")
    parent.refresh_from_db()
    return parent


def run(client: Client, people: list[User], **extra: str):
    data = {"action": "delete_suspended", "_selected_action": [p.pk for p in people], **extra}
    return client.post(USERS_URL, data, follow=bool(extra))


def test_R28_the_office_confirms_then_deletes_a_suspended_account(
    office: User, suspended: User
) -> None:
    client = client_for(office)
    pupil_id = ParentLink.objects.get(parent=suspended).pupil_id

    page = run(client, [suspended])
    assert page.status_code == 200
    assert "This cannot be undone." in page.content.decode()
    assert User.objects.filter(pk=suspended.pk).exists()  # nothing yet

    done = run(client, [suspended], confirm_delete="1")
    assert "1 account deleted." in done.content.decode()
    assert not User.objects.filter(pk=suspended.pk).exists()
    assert Pupil.objects.filter(pk=pupil_id).exists()
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DELETED)
    assert entry.actor_id == office.pk
    assert entry.subject_label == f"parent #{suspended.pk}"


def test_R28_an_account_that_is_not_suspended_is_left_alone(office: User, suspended: User) -> None:
    active = ParentLinkFactory().parent
    done = run(client_for(office), [suspended, active], confirm_delete="1")
    html = done.content.decode()
    assert "1 account deleted." in html
    assert str(NOT_SUSPENDED % {"who": active.display_name}) in html
    assert User.objects.filter(pk=active.pk).exists()
    assert not User.objects.filter(pk=suspended.pk).exists()


def test_R28_only_the_office_deletes_others_and_never_itself(office: User, suspended) -> None:
    with pytest.raises(PermissionDenied):
        account_delete_suspended(acting_user=TeacherFactory(), user=suspended)
    leader = LeaderFactory()
    account_suspend(acting_user=leader, user=office, reason="Test")
    office.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        account_delete_suspended(acting_user=office, user=office)
    assert refused.value.messages == [str(OWN_ACCOUNT)]


def test_R23_a_flag_on_a_deleted_parents_message_cannot_become_a_warning(
    office: User, suspended: User
) -> None:
    """The leaders' queue still shows the flag, and says there is nobody to warn."""
    teacher = TeacherFactory()
    pupil = ParentLink.objects.get(parent=suspended).pupil
    thread = Thread.objects.create(parent=suspended, teacher=teacher, pupil=pupil)
    message = Message.objects.create(
        thread=thread,
        author=suspended,
        from_parent=True,
        body="Rude words",
        language="en-gb",
        deliver_at=thread.created_at,
    )
    flag = Flag.objects.create(message=message, flagged_by=teacher)
    account_delete_suspended(acting_user=office, user=suspended)
    leader = LeaderFactory()
    with pytest.raises(ValidationError) as refused:
        parent_warn(acting_user=leader, flag=flag, reason="Abuse")
    assert refused.value.messages == [str(PARENT_GONE)]
    queue = client_for(leader).get(reverse("messaging_moderation")).content.decode()
    assert "a former parent/carer" in queue
    assert "Rude words" in queue


def test_R28_the_admin_has_no_plain_delete_of_accounts(office: User, suspended: User) -> None:
    """A plain delete would leave the person's files, sessions and cached data behind: accounts
    are deleted only through the data-protection service."""
    client = client_for(office)
    listing = client.get(USERS_URL).content.decode()
    assert 'value="delete_selected"' not in listing
    assert 'value="delete_suspended"' in listing
    page = client.get(reverse("admin:accounts_user_delete", args=[suspended.pk]))
    assert page.status_code == 403
    assert User.objects.filter(pk=suspended.pk).exists()
