"""Choosing a language (R32): an adult's account page and the service behind it, the office's
column and field in the admin, a pupil's class's language, and the switcher of the pages for
people not signed in, which follow ``Accept-Language`` otherwise. A language the portal does not
offer, from a form, a cookie or a browser, is English, never an error.

These tests read the shipped catalogues (``make catalogues`` compiles them).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from accounts.services import accounts as account_services
from accounts.services.accounts import UNKNOWN_LANGUAGE, account_language_set
from audit.models import AuditEntry
from classes.models import SchoolClass
from notifications.emails import digest_email, notification_email
from notifications.models import Notification
from notifications.push import MESSAGE_TO_PARENT, push_payload
from notifications.services import notify
from tests.audit.test_audit_admin_changes import form_of
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SupportFactory,
    TeacherFactory,
    give_picture_code,
    with_totp,
)
from tests.notifications.helpers import TUESDAY_1000, message_event

pytestmark = pytest.mark.django_db

ACCOUNT_URL = reverse("account_settings")
BACKFILL = "stories.tasks.backfill_translations"
ADULTS = [ParentFactory, TeacherFactory, SupportFactory, OfficeFactory, LeaderFactory]


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The tasks the account services enqueue, by name and arguments (never run here)."""
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        account_services, "enqueue_on_commit", lambda task, *args: sent.append((task, *args))
    )
    return sent


def page(response: Any) -> str:
    return response.content.decode()


def polish(text: str) -> str:
    with translation.override("pl"):
        return translation.gettext(text)


def in_language(code: str, lazy: Any) -> str:
    with translation.override(code):
        return str(lazy)


# The account page ---------------------------------------------------------------------------


@pytest.mark.parametrize("factory", ADULTS)
def test_R32_every_adult_reaches_their_account_page_from_the_navigation(
    school: Any, factory: Any
) -> None:
    client = client_for(factory())

    home = page(client.get(reverse("home")))
    account = client.get(ACCOUNT_URL)

    assert f'href="{ACCOUNT_URL}"' in home
    assert account.status_code == 200
    html = page(account)
    # every language by its own name, marked with its language and direction
    assert '<label for="language-pl" lang="pl" dir="ltr">Polski</label>' in html
    assert '<label for="language-ar" lang="ar" dir="rtl">العربية</label>' in html
    assert '<label for="language-en-gb" lang="en-gb" dir="ltr">English</label>' in html
    assert len(re.findall(r'type="radio" name="language"', html)) == len(settings.LANGUAGES)
    assert re.search(r'value="en-gb" id="language-en-gb" checked', html)


def test_a_pupil_has_no_account_page(school_class: SchoolClass) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    assert pupil.user is not None

    assert pupil_client_for(pupil.user).get(ACCOUNT_URL).status_code == 404


def test_R32_saving_a_language_shows_the_next_page_in_it_and_translates_the_feed(
    school: Any, queued: list[tuple[Any, ...]]
) -> None:
    parent = ParentFactory()
    client = client_for(parent)

    response = client.post(ACCOUNT_URL, {"language": "pl"})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT_URL
    parent.refresh_from_db()
    assert parent.preferred_language == "pl"
    assert queued == [(BACKFILL, parent.pk)]
    html = page(client.get(ACCOUNT_URL))
    assert '<html lang="pl">' in html
    assert polish("Saved: the portal is now in the language you chose.") in html
    assert polish("Your account") in html
    assert re.search(r'value="pl" id="language-pl" checked', html)


def test_R32_an_arabic_reader_gets_pages_right_to_left(
    school: Any, queued: list[tuple[Any, ...]]
) -> None:
    client = client_for(ParentFactory())

    client.post(ACCOUNT_URL, {"language": "ar"})

    assert '<html lang="ar" dir="rtl">' in page(client.get(reverse("home")))


def test_saving_the_same_language_again_translates_nothing_again(
    school: Any, queued: list[tuple[Any, ...]]
) -> None:
    parent = ParentFactory(preferred_language="pl")

    response = client_for(parent).post(ACCOUNT_URL, {"language": "pl"})

    assert response.status_code == 302
    assert queued == []


@pytest.mark.parametrize("sent", ["xx", "pl-../../etc", "", "en"])
def test_an_unknown_language_in_the_form_changes_nothing_and_says_why(
    school: Any, queued: list[tuple[Any, ...]], sent: str
) -> None:
    parent = ParentFactory(preferred_language="pl")

    response = client_for(parent).post(ACCOUNT_URL, {"language": sent})

    assert response.status_code == 200
    html = page(response)
    assert '<html lang="pl">' in html
    assert in_language("pl", UNKNOWN_LANGUAGE) in html
    assert in_language("pl", UNKNOWN_LANGUAGE) != in_language("en-gb", UNKNOWN_LANGUAGE)
    parent.refresh_from_db()
    assert parent.preferred_language == "pl"
    assert queued == []


# The service ---------------------------------------------------------------------------------


def test_the_service_refuses_a_language_the_portal_lacks(
    school: Any, queued: list[tuple[Any, ...]]
) -> None:
    parent = ParentFactory()

    with pytest.raises(ValidationError) as raised:
        account_language_set(acting_user=parent, user=parent, language="tlh")

    assert raised.value.message_dict == {"language": [str(UNKNOWN_LANGUAGE)]}
    parent.refresh_from_db()
    assert parent.preferred_language == "en-gb"
    assert queued == []


@pytest.mark.parametrize(
    ("actor_factory", "allowed"),
    [
        (ParentFactory, False),
        (TeacherFactory, False),
        (SupportFactory, False),
        (OfficeFactory, True),
        (LeaderFactory, True),
    ],
)
def test_only_the_office_sets_another_persons_language(
    school: Any, queued: list[tuple[Any, ...]], actor_factory: Any, allowed: bool
) -> None:
    parent = ParentFactory()
    actor = actor_factory()

    if not allowed:
        with pytest.raises(PermissionDenied):
            account_language_set(acting_user=actor, user=parent, language="ro")
        assert queued == []
        return
    account_language_set(acting_user=actor, user=parent, language="ro")
    parent.refresh_from_db()
    assert parent.preferred_language == "ro"
    assert queued == [(BACKFILL, parent.pk)]


def test_a_pupil_does_not_choose_their_own_language(
    school_class: SchoolClass, queued: list[tuple[Any, ...]]
) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    assert pupil.user is not None

    with pytest.raises(PermissionDenied):
        account_language_set(acting_user=pupil.user, user=pupil.user, language="pl")


def test_R32_emails_digests_and_pushes_follow_the_language_chosen(
    school: Any, queued: list[tuple[Any, ...]]
) -> None:
    parent = ParentFactory()
    account_language_set(acting_user=parent, user=parent, language="pl")
    notify([message_event(parent)], now=TUESDAY_1000)
    notification = Notification.objects.select_related("recipient").get()

    email = notification_email(notification, school)
    digest = digest_email(notification.recipient, [notification], TUESDAY_1000.date(), school)
    push = push_payload(notification)

    assert email.extra_headers["Content-Language"] == "pl"
    assert digest.extra_headers["Content-Language"] == "pl"
    assert digest.subject == polish("Your news from school") != "Your news from school"
    assert json.dumps(in_language("pl", MESSAGE_TO_PARENT), ensure_ascii=False) in push
    assert "New message" not in push and "New message" not in email.subject


# The office, in the admin ----------------------------------------------------------------------


@pytest.fixture
def office_client(school: Any) -> Client:
    office = OfficeFactory()
    with_totp(office)
    return client_for(office)


def test_R32_the_office_sees_each_persons_language_in_the_list(office_client: Client) -> None:
    ParentFactory(preferred_language="ur")

    html = page(office_client.get(reverse("admin:accounts_user_changelist")))

    assert "column-preferred_language" in html
    assert '<td class="field-preferred_language">Urdu</td>' in html


def test_R32_the_office_sets_a_parents_language_and_it_is_audited(
    office_client: Client, queued: list[tuple[Any, ...]]
) -> None:
    parent = ParentFactory()
    url = reverse("admin:accounts_user_change", args=[parent.pk])

    response = office_client.post(url, form_of(office_client, url, preferred_language="pa"))

    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.preferred_language == "pa"
    assert queued == [(BACKFILL, parent.pk)]
    entry = AuditEntry.objects.get(subject_type="accounts.user", subject_id=str(parent.pk))
    assert entry.details["changes"] == [{"verb": "changed", "fields": ["Preferred language"]}]


def test_a_forged_language_in_the_admin_is_a_form_error(
    office_client: Client, queued: list[tuple[Any, ...]]
) -> None:
    parent = ParentFactory(preferred_language="es")
    url = reverse("admin:accounts_user_change", args=[parent.pk])

    response = office_client.post(url, form_of(office_client, url, preferred_language="xx"))

    assert response.status_code == 200
    assert "preferred_language" in response.context["adminform"].form.errors
    parent.refresh_from_db()
    assert parent.preferred_language == "es"
    assert queued == []


# Pupils: English unless the class has a language ----------------------------------------------


def sign_in_pupil(school_class: SchoolClass, **headers: str) -> Client:
    pupil = PupilFactory(school_class=school_class, first_name="Maya")
    code = give_picture_code(pupil)
    client = Client(headers=headers)
    url = reverse("pupil_code", args=[school_class.class_code, pupil.pk])
    assert client.post(url, {"entered": "-".join(code)}).status_code == 302
    return client


def test_R32_a_pupil_sees_english_whatever_the_browser_says(
    school: Any, school_class: SchoolClass
) -> None:
    client = sign_in_pupil(school_class, accept_language="pl")

    assert '<html lang="en-gb">' in page(client.get(reverse("home")))


def test_R32_a_pupil_sees_the_language_the_school_set_for_their_class(
    school: Any, school_class: SchoolClass
) -> None:
    school_class.language = "pl"
    school_class.save()

    client = sign_in_pupil(school_class)

    assert '<html lang="pl">' in page(client.get(reverse("home")))


def test_R32_the_office_sets_a_classs_language_in_the_admin(
    office_client: Client, school_class: SchoolClass
) -> None:
    url = reverse("admin:classes_schoolclass_change", args=[school_class.pk])
    form = form_of(office_client, url, language="ro")

    response = office_client.post(url, form)

    assert response.status_code == 302
    school_class.refresh_from_db()
    assert school_class.language == "ro"


# People not signed in: the browser's language, and a switcher ----------------------------------


def test_R32_the_sign_in_page_follows_the_browsers_language(school: Any) -> None:
    html = page(Client().get(reverse("account_login"), headers={"accept-language": "pl,en;q=0.5"}))

    assert '<html lang="pl">' in html
    assert f"<h1>{polish('Sign in')}</h1>" in html


@pytest.mark.parametrize(
    "name", ["account_login", "join", "account_reset_password", "pupil_start"]
)
def test_R32_pages_for_people_not_signed_in_offer_a_switcher(school: Any, name: str) -> None:
    html = page(Client().get(reverse(name)))

    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL)
    assert switcher is not None
    assert f'action="{reverse("set_language")}"' in switcher.group(0)
    for code in ("en-gb", "es", "pl", "ro", "ur", "pa", "ar"):
        assert f'name="language" value="{code}" lang="{code}"' in switcher.group(0)
    assert ">Polski</button>" in switcher.group(0)
    assert 'lang="ar" dir="rtl" class="link-button">العربية</button>' in switcher.group(0)


def test_the_switcher_is_not_shown_once_signed_in(school: Any) -> None:
    html = page(client_for(ParentFactory()).get(reverse("home")))

    assert "language-switcher" not in html


def test_R32_the_switcher_keeps_the_choice_without_an_account(school: Any) -> None:
    client = Client()
    login = reverse("account_login")

    response = client.post(reverse("set_language"), {"language": "ro", "next": login})

    assert response.status_code == 302
    assert response["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ro"
    assert '<html lang="ro">' in page(client.get(login, headers={"accept-language": "pl"}))


def test_the_switcher_on_the_join_page_keeps_the_letters_code(school: Any) -> None:
    html = page(Client().get(reverse("join"), {"code": "abcd-efgh-jklm"}))

    assert '<input type="hidden" name="next" value="/join/?code=ABCD-EFGH-JKLM">' in html


def test_an_unknown_language_from_the_switcher_keeps_english(school: Any) -> None:
    client = Client()

    response = client.post(
        reverse("set_language"), {"language": "xx", "next": reverse("account_login")}
    )

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert '<html lang="en-gb">' in page(client.get(reverse("account_login")))


@pytest.mark.parametrize("cookie", ["xx", "../../etc/passwd", "pl" * 200, ""])
def test_an_unknown_language_cookie_is_english(school: Any, cookie: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert '<html lang="en-gb">' in page(response)


@pytest.mark.parametrize(
    "header", ["xx", "tlh-Latn, x-klingon;q=0.9", "*", ";;;q=abc,", "de-DE,fr;q=0.8"]
)
def test_an_unknown_or_broken_accept_language_is_english(school: Any, header: str) -> None:
    response = Client().get(reverse("account_login"), headers={"accept-language": header})

    assert response.status_code == 200
    assert '<html lang="en-gb">' in page(response)


def test_R32_a_signed_in_adults_account_language_wins_over_the_cookie(school: Any) -> None:
    client = client_for(ParentFactory(preferred_language="es"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"

    html = page(client.get(reverse("home"), headers={"accept-language": "ro"}))

    assert '<html lang="es">' in html


def test_a_stored_language_the_portal_no_longer_offers_is_english(school: Any) -> None:
    parent = ParentFactory()
    User.objects.filter(pk=parent.pk).update(preferred_language="xx")

    response = client_for(parent).get(reverse("home"))

    assert response.status_code == 200
    assert '<html lang="en-gb">' in page(response)
    assert parent.role == Role.PARENT
