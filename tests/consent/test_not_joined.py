"""The office's list of parents not yet joined, per class, and its reminder email (issue 21,
R32, R33): who is on it, the print view and CSV, the reminder in English and the family's home
language, bounced addresses reported and never retried, two office staff sending at once, the
mail server down, and the same number of queries at two sizes."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.imports.reminders import join_reminders_send
from consent.models import FamilyContact
from notifications.models import BouncedAddress
from tests.conftest import client_for
from tests.factories import (
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    with_totp,
)
from tests.notifications.helpers import MailServer

pytestmark = pytest.mark.django_db

POLISH_SUBJECT_START = "Przypomnienie"
LIST_URL = reverse("admin:consent_familycontact_changelist")
PRINT_URL = reverse("admin:consent_familycontact_print")
CSV_URL = reverse("admin:consent_familycontact_csv")


@pytest.fixture
def mail_server(settings: Any) -> Any:
    settings.EMAIL_BACKEND = f"{MailServer.__module__}.MailServer"
    MailServer.refused, MailServer.failures, MailServer.attempts = set(), 0, 0
    yield MailServer
    MailServer.refused, MailServer.failures, MailServer.attempts = set(), 0, 0


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    return PupilFactory(
        school_class=school_class, first_name="Maya", surname="Lindqvist", home_language="pl"
    )


def contact(pupil: Pupil, email: str) -> FamilyContact:
    return FamilyContact.objects.create(pupil=pupil, email=email)


def remind(office_client: Client, *contacts: FamilyContact) -> Any:
    return office_client.post(
        LIST_URL,
        {"action": "send_reminder", "_selected_action": [c.pk for c in contacts]},
        follow=True,
    )


def shown(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_parent_who_joined_for_the_child_leaves_the_list(
    office_client: Client, maya: Pupil
) -> None:
    waiting = contact(maya, "anna@example.org")
    joined = contact(maya, "piotr@example.org")
    ParentLinkFactory(pupil=maya, parent=ParentFactory(email="Piotr@example.org"))
    left = contact(PupilFactory(school_class=None), "gone@example.org")
    rows = list(office_client.get(LIST_URL).context["cl"].result_list)
    assert rows == [waiting]
    assert joined not in rows and left not in rows


def test_the_print_view_lists_by_display_name_and_class(
    office_client: Client, maya: Pupil, school_class: SchoolClass
) -> None:
    PupilFactory(school_class=school_class, first_name="Maya", surname="Khan")
    contact(maya, "anna@example.org")
    page = office_client.get(PRINT_URL, {"pupil__school_class__id__exact": school_class.pk})
    text = page.content.decode()
    assert "Maya L." in text and "anna@example.org" in text
    assert "Lindqvist" not in text
    assert "Not reminded yet" in text
    assert "data-print" in text


def test_the_csv_has_every_filtered_row_and_runs_no_formula(
    office_client: Client, maya: Pupil, school_class: SchoolClass
) -> None:
    FamilyContact.objects.bulk_create([FamilyContact(pupil=maya, email="=2+5@example.org")])
    other = PupilFactory(school_class=SchoolClassFactory(name="Elm"))
    contact(other, "elsewhere@example.org")
    response = office_client.get(CSV_URL, {"pupil__school_class__id__exact": school_class.pk})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "class,child,email address,home language,reminder"
    assert lines[1:] == [f"{school_class.name},Maya,'=2+5@example.org,Polish,Not reminded yet"]


def test_R32_R33_the_reminder_is_in_english_and_the_familys_home_language(
    office_client: Client, maya: Pupil, mail_server: Any
) -> None:
    anna = contact(maya, "anna@example.org")
    response = remind(office_client, anna)
    assert "Reminder sent to anna@example.org." in shown(response)
    [email] = mail.outbox
    assert email.to == ["anna@example.org"]
    assert email.extra_headers["Content-Language"] == "en-gb, pl"
    english, polish = email.subject.split(" / ")
    assert english == "A reminder: join New Village Primary’s parent portal for Maya"
    assert polish.startswith(POLISH_SUBJECT_START)
    assert "You have not joined" in email.body
    assert reverse("join") in email.body
    anna.refresh_from_db()
    assert anna.reminded_at is not None
    assert timezone.now() - anna.reminded_at < dt.timedelta(minutes=1)


def test_a_parent_reminded_today_is_not_reminded_twice(
    office_client: Client, maya: Pupil, mail_server: Any
) -> None:
    anna = contact(maya, "anna@example.org")
    remind(office_client, anna)
    response = remind(office_client, anna)
    assert "Not sent, reminded less than a day ago: anna@example.org." in shown(response)
    assert len(mail.outbox) == 1


def test_an_address_that_bounced_before_is_reported_and_not_tried(
    office_client: Client, maya: Pupil, mail_server: Any
) -> None:
    anna = contact(maya, "anna@example.org")
    BouncedAddress.objects.create(email="anna@example.org", reason="550 No such mailbox")
    response = remind(office_client, anna)
    assert "Not sent, the address bounced: anna@example.org." in shown(response)
    assert mail_server.attempts == 0
    anna.refresh_from_db()
    assert anna.reminded_at is None
    assert "Address bounced" in office_client.get(LIST_URL).content.decode()


def test_an_address_the_mail_server_refuses_is_recorded_as_bounced_and_not_retried(
    office_client: Client, maya: Pupil, mail_server: Any
) -> None:
    anna, piotr = contact(maya, "anna@example.org"), contact(maya, "piotr@example.org")
    mail_server.refused = {"anna@example.org"}
    response = remind(office_client, anna, piotr)
    assert "Not sent, the address bounced: anna@example.org." in shown(response)
    assert "Reminder sent to piotr@example.org." in shown(response)
    assert BouncedAddress.objects.filter(email="anna@example.org").exists()
    anna.refresh_from_db()
    assert anna.reminded_at is None
    attempts = mail_server.attempts
    again = remind(office_client, anna)
    assert "Not sent, the address bounced: anna@example.org." in shown(again)
    assert mail_server.attempts == attempts  # never tried again


def test_with_the_mail_server_down_nothing_is_marked_reminded(
    office_client: Client, maya: Pupil, mail_server: Any
) -> None:
    anna = contact(maya, "anna@example.org")
    mail_server.failures = 1
    response = remind(office_client, anna)
    assert "Not sent, the mail server did not answer: anna@example.org." in shown(response)
    anna.refresh_from_db()
    assert anna.reminded_at is None
    assert "Reminder sent to anna@example.org." in shown(remind(office_client, anna))


def test_staff_who_do_not_keep_the_records_cannot_see_or_send(
    school_class: SchoolClass, maya: Pupil, mail_server: Any
) -> None:
    teacher = TeacherFactory()
    anna = contact(maya, "anna@example.org")
    teacher_client = client_for(teacher)
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        assert teacher_client.get(url).status_code in {302, 403, 404}
    teacher_client.post(LIST_URL, {"action": "send_reminder", "_selected_action": [anna.pk]})
    assert mail.outbox == []


def test_the_office_adds_an_address_the_records_lacked(office_client: Client, maya: Pupil) -> None:
    url = reverse("admin:consent_familycontact_add")
    response = office_client.post(url, {"pupil": maya.pk, "email": " Anna@Example.org "})
    assert response.status_code == 302
    assert FamilyContact.objects.get().email == "anna@example.org"
    again = office_client.post(url, {"pupil": maya.pk, "email": "anna@example.org"})
    assert "This address is in the school’s records for this child already." in (
        again.content.decode()
    )
    assert FamilyContact.objects.count() == 1


def test_the_list_its_print_view_and_csv_take_the_same_queries_at_two_sizes(
    office_client: Client, school_class: SchoolClass, django_assert_num_queries: Any
) -> None:
    def add(count: int) -> None:
        for pupil in PupilFactory.create_batch(count, school_class=school_class):
            contact(pupil, f"p{pupil.pk}@example.org")

    add(2)
    office_client.get(LIST_URL)  # warm the caches
    few = {}
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(url).status_code == 200
        few[url] = len(queries)
    add(25)
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        with django_assert_num_queries(few[url]):
            assert office_client.get(url).status_code == 200


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_office_staff_sending_at_once_send_one_reminder(
    school: Any, school_class: SchoolClass, mail_server: Any
) -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("needs PostgreSQL: threads cannot share SQLite's in-memory test database")
    anna = contact(PupilFactory(school_class=school_class), "anna@example.org")
    staff = [OfficeFactory(), OfficeFactory()]
    start = threading.Barrier(2)
    sent: list[list[str]] = []
    errors: list[BaseException] = []

    def send(person: User) -> None:
        try:
            start.wait()
            sent.append(join_reminders_send(acting_user=person, contact_ids=[anna.pk]).sent)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(person,)) for person in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(sent) == [[], ["anna@example.org"]]
    assert len(mail.outbox) == 1


def test_the_today_page_counts_parents_never_reminded_and_links_to_them(
    office_client: Client, maya: Pupil, mail_server: Any
) -> None:
    waiting = contact(maya, "anna@example.org")
    reminded = contact(maya, "piotr@example.org")
    contact(maya, "old@example.org")
    BouncedAddress.objects.create(email="old@example.org", reason="550")
    remind(office_client, reminded)
    page = office_client.get(reverse("admin:index")).content.decode()
    link = reverse("admin:consent_familycontact_changelist") + "?reminded=never"
    assert f'href="{link}"' in page
    assert "Parents not yet joined and never reminded" in page
    rows = office_client.get(link).context["cl"].result_list
    assert list(rows) == [waiting]
