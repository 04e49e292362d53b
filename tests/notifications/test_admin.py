"""What the office sees of notifications in the admin (R31: a failure is never silent): the
emails that failed after their retries or bounced (never those sent or waiting), read-only; the
bounced addresses, which the office clears once fixed. Office staff and leaders only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.emails import address_bounced
from notifications.models import (
    BouncedAddress,
    Channel,
    Delivery,
    Kind,
    Notification,
)
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    SupportFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

PROBLEMS = reverse("admin:notifications_emailproblem_changelist")
BOUNCED = reverse("admin:notifications_bouncedaddress_changelist")


def undelivered(recipient: User, state: Delivery, number: int, error: str = "") -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        kind=Kind.NEW_MESSAGE,
        key=f"message:{number}",
        link=f"/messages/{number}/",
        channel=Channel.EMAIL,
        email_state=state,
        email_attempts=5 if state == Delivery.FAILED else 1,
        email_error=error,
    )


def admin_client(factory: Callable[[], User]) -> Client:
    user = factory()
    with_totp(user)
    return client_for(user)


@pytest.fixture
def office_client(school) -> Client:
    return admin_client(OfficeFactory)


@pytest.mark.parametrize("factory", [OfficeFactory, LeaderFactory])
def test_R31_the_office_and_leaders_see_failed_and_bounced_emails_only(
    school, factory: Callable[[], User]
) -> None:
    failed = ParentFactory(email="failed@home.example")
    bounced = ParentFactory(email="bounced@home.example")
    fine = ParentFactory(email="fine@home.example")
    waiting = ParentFactory(email="waiting@home.example")
    undelivered(failed, Delivery.FAILED, 1, "421 Service not available")
    undelivered(bounced, Delivery.BOUNCED, 2, "550 5.1.1 No such mailbox")
    undelivered(fine, Delivery.SENT, 3)
    undelivered(waiting, Delivery.PENDING, 4)

    html = admin_client(factory).get(PROBLEMS).content.decode()

    assert "failed@home.example" in html and "421 Service not available" in html
    assert "bounced@home.example" in html and "550 5.1.1 No such mailbox" in html
    assert "fine@home.example" not in html and "waiting@home.example" not in html
    assert "2 undelivered emails" in html


def test_R31_the_office_finds_a_persons_undelivered_emails_by_address(
    school, office_client: Client
) -> None:
    undelivered(ParentFactory(email="dana@home.example"), Delivery.FAILED, 1)
    undelivered(ParentFactory(email="sam@home.example"), Delivery.FAILED, 2)

    html = office_client.get(PROBLEMS, {"q": "dana@"}).content.decode()

    assert "dana@home.example" in html and "sam@home.example" not in html


def test_R31_undelivered_emails_are_read_only(school, office_client: Client) -> None:
    notification = undelivered(ParentFactory(), Delivery.FAILED, 1)
    change = reverse("admin:notifications_emailproblem_change", args=[notification.pk])
    delete = reverse("admin:notifications_emailproblem_delete", args=[notification.pk])

    assert office_client.get(change).status_code == 200  # to read it
    office_client.post(change, {"email_state": Delivery.SENT})
    assert office_client.get(reverse("admin:notifications_emailproblem_add")).status_code == 403
    assert office_client.post(delete, {"post": "yes"}).status_code == 403
    notification.refresh_from_db()
    assert notification.email_state == Delivery.FAILED


def test_R31_the_problem_list_is_a_fixed_number_of_queries(school, office_client: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert office_client.get(PROBLEMS).status_code == 200
        return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])

    undelivered(ParentFactory(), Delivery.FAILED, 0)
    office_client.get(PROBLEMS)
    small = count()
    for number in range(1, 30):
        undelivered(ParentFactory(), Delivery.BOUNCED, number)
    large = count()

    assert small == large


def test_R31_the_office_sees_bounced_addresses_and_clears_one(
    school, office_client: Client
) -> None:
    dana, sam = ParentFactory(email="Dana@Home.example"), ParentFactory(email="sam@home.example")
    address_bounced(dana, "550 5.1.1 No such mailbox")
    address_bounced(sam, "550 5.2.1 Mailbox disabled")

    html = office_client.get(BOUNCED).content.decode()
    assert "dana@home.example" in html and "550 5.1.1 No such mailbox" in html
    assert "sam@home.example" in html
    response = office_client.post(
        BOUNCED,
        {
            "action": "clear",
            "_selected_action": [BouncedAddress.objects.get(email__startswith="d").pk],
        },
        follow=True,
    )

    assert "1 address cleared." in response.content.decode()
    assert list(BouncedAddress.objects.values_list("email", flat=True)) == ["sam@home.example"]


def test_R31_a_bounce_recorded_again_keeps_one_row_with_the_latest_reason(school) -> None:
    dana = ParentFactory(email="dana@home.example")
    address_bounced(dana, "550 5.1.1 No such mailbox")
    before = timezone.now()

    address_bounced(dana, "552 Mailbox full")

    bounced = BouncedAddress.objects.get()
    assert bounced.reason == "552 Mailbox full" and bounced.bounced_at >= before


@pytest.mark.parametrize("factory", [TeacherFactory, SupportFactory, ParentFactory])
def test_R31_nobody_else_sees_or_clears_them(school, factory: Callable[[], User]) -> None:
    dana = ParentFactory(email="dana@home.example")
    undelivered(dana, Delivery.BOUNCED, 1)
    address_bounced(dana, "550 5.1.1 No such mailbox")
    client = admin_client(factory)

    for url in (PROBLEMS, BOUNCED):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    client.post(
        BOUNCED, {"action": "clear", "_selected_action": [BouncedAddress.objects.get().pk]}
    )
    assert BouncedAddress.objects.exists()


def test_R31_office_staff_without_two_factor_are_sent_to_set_it_up(school) -> None:
    response = client_for(OfficeFactory(), two_factor=False).get(PROBLEMS)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin_needs_mfa")
