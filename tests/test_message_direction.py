"""Right to left outside the pages (R32): an Arabic or Urdu reader's plain-text emails are laid
out right to left line by line (a mail client has no ``dir`` for plain text), their links,
e-mail addresses and phone numbers kept left to right; the HTML part says ``dir`` and ``lang``;
a web push carries its language and direction, and the service worker hands both to
``showNotification``."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.password_emails import RESET, password_email_send
from classes.models import School
from core.bidi import LRI, LRM, PDI, RLM, plain_text_directed
from notifications.emails import digest_email, notification_email
from notifications.models import Notification
from notifications.push import push_payload
from notifications.services import notify
from tests.factories import ParentFactory
from tests.notifications.helpers import TUESDAY_1000, message_event
from tests.requirements import require_or_skip

pytestmark = pytest.mark.django_db

LINK = "https://portal.example.org/notifications/7/open/"


# The rule for plain text ---------------------------------------------------------------------


def test_R32_on_a_right_to_left_language_each_line_of_text_starts_with_rlm() -> None:
    text = "سطر أول\nOakfield Primary\n\n3 رسائل جديدة"
    with translation.override("ar"):
        directed = plain_text_directed(text)
    assert directed.split("\n") == [
        f"{RLM}سطر أول",
        f"{RLM}Oakfield Primary",
        "",
        f"{RLM}3 رسائل جديدة",
    ]


def test_R32_a_link_gets_a_left_to_right_line_of_its_own_and_is_left_whole() -> None:
    with translation.override("ur"):
        directed = plain_text_directed(f"ای میلز بند کریں: {LINK}\n  {LINK}")
    assert directed.split("\n") == [
        f"{RLM}ای میلز بند کریں:",
        f"{LRM}{LINK}",
        f"{LRM}  {LINK}",
    ]


def test_R32_addresses_and_phone_numbers_are_left_to_right_isolates() -> None:
    with translation.override("ar"):
        directed = plain_text_directed("اتصل بالمكتب على 01302 555 0100 أو office@school.example.")
    assert directed == (
        f"{RLM}اتصل بالمكتب على {LRI}01302 555 0100{PDI} أو {LRI}office@school.example{PDI}."
    )


@pytest.mark.parametrize("language", ["en-gb", "pl", "es", "ro", "pa"])
def test_R32_left_to_right_languages_keep_their_text_as_it_is(language: str) -> None:
    text = f"Stop emails like this one: {LINK}\nCall 01302 555 0100"
    with translation.override(language):
        assert plain_text_directed(text) == text


# The emails ----------------------------------------------------------------------------------


def notification_for(language: str) -> Notification:
    parent = ParentFactory(preferred_language=language)
    notify([message_event(parent)], now=TUESDAY_1000)
    return Notification.objects.select_related("recipient").get(recipient=parent)


def text_lines(body: str) -> list[str]:
    return [line for line in body.split("\n") if line.strip()]


def links_in(body: str) -> list[str]:
    words = (word.lstrip(LRM) for word in body.split())
    return [word for word in words if word.startswith("http")]


def assert_right_to_left(body: str, links: list[str]) -> None:
    lines = text_lines(body)
    for line in lines:
        assert line[0] in (RLM, LRM), repr(line)
        if line[0] == LRM:  # a link on its own line, whole
            assert line[1:].strip() in links, repr(line)
    assert {line[1:].strip() for line in lines if line[0] == LRM} == set(links)


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_R32_an_arabic_or_urdu_notification_email_reads_right_to_left(
    school: School, language: str
) -> None:
    notification = notification_for(language)
    email = notification_email(notification, school)

    assert email.subject.startswith(RLM) and "\n" not in email.subject
    body = str(email.body)
    links = links_in(body)
    assert len(links) == 3  # open it, stop emails like this, the settings
    assert_right_to_left(body, links)
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert f'<html lang="{language}" dir="rtl">' in str(html)
    assert '<body dir="rtl"' in str(html)


def test_R32_an_arabic_digest_reads_right_to_left(school: School) -> None:
    notification = notification_for("ar")
    email = digest_email(notification.recipient, [notification], TUESDAY_1000.date(), school)

    body = str(email.body)
    links = links_in(body)
    assert len(links) == 3  # the news, stop the digest, the settings
    assert_right_to_left(body, links)
    assert '<html lang="ar" dir="rtl">' in str(email.alternatives[0][0])


def test_R32_an_english_or_polish_email_has_no_direction_marks(school: School) -> None:
    for language in ("en-gb", "pl"):
        email = notification_email(notification_for(language), school)
        body = str(email.body)
        assert RLM not in body and LRM not in body and LRI not in body
        assert RLM not in email.subject
        Notification.objects.all().delete()


def test_R32_an_urdu_password_email_keeps_the_phone_number_and_the_link_in_order(
    school: School,
) -> None:
    school.office_phone = "01302 555 0100"
    school.save()
    parent = ParentFactory(preferred_language="ur")

    assert password_email_send(user_id=parent.pk, kind=RESET)

    assert mail.outbox[-1].subject.startswith(RLM)
    body = str(mail.outbox[-1].body)
    assert f"{LRI}01302 555 0100{PDI}" in body
    lines = text_lines(body)
    assert all(line[0] in (RLM, LRM) for line in lines), lines
    assert len(links_in(body)) == 2  # choose a password, the sign-in page
    assert_right_to_left(body, links_in(body))


def test_R32_allauths_forgotten_password_email_reads_right_to_left_on_an_arabic_page(
    school: School,
) -> None:
    parent = ParentFactory(preferred_language="ar")
    client = Client(headers={"accept-language": "ar"})

    client.post(reverse("account_reset_password"), {"email": parent.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith(RLM)
    lines = text_lines(str(mail.outbox[0].body))
    assert lines and all(line[0] in (RLM, LRM) for line in lines), lines


# Web pushes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "direction"),
    [("ar", "rtl"), ("ur", "rtl"), ("pl", "ltr"), ("es", "ltr"), ("en-gb", "ltr")],
)
def test_R32_a_push_carries_its_language_and_direction(
    school: School, language: str, direction: str
) -> None:
    payload = json.loads(push_payload(notification_for(language)))
    assert (payload["lang"], payload["dir"]) == (language, direction)


def test_R32_a_push_to_a_language_the_portal_has_no_texts_in_is_english(school: School) -> None:
    notification = notification_for("pl")
    notification.recipient.preferred_language = "xx"
    payload = json.loads(push_payload(notification))
    assert (payload["lang"], payload["dir"]) == ("en-gb", "ltr")


# The service worker, run by Node with a stand-in for the browser's worker scope.
RUN_WORKER = r"""
const vm = require("vm");
const source = require("fs").readFileSync(0, "utf8");
const handlers = {};
const shown = [];
const self = {
  addEventListener: (name, handler) => { handlers[name] = handler; },
  location: { origin: "https://school.example" },
  registration: { showNotification: (title, options) => { shown.push({ title, options }); } },
  clients: {}, skipWaiting: () => {},
};
vm.runInNewContext(source, { self, URL, caches: {}, fetch: () => {}, Request: function () {},
  Response: function () {}, console });
for (const data of JSON.parse(process.argv[1])) {
  handlers.push({ data: { json: () => data }, waitUntil: () => {} });
}
process.stdout.write(JSON.stringify(shown));
"""


def shown_by_worker(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    require_or_skip(node is not None, "needs Node.js to run the service worker's script")
    assert node is not None
    source = Client().get("/sw.js").content.decode()
    done = subprocess.run(
        [node, "-e", RUN_WORKER, json.dumps(payloads)],
        input=source,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return list(json.loads(done.stdout))


def test_R32_the_service_worker_shows_a_push_in_its_language_and_direction(
    school: School,
) -> None:
    arabic = json.loads(push_payload(notification_for("ar")))
    shown = shown_by_worker([arabic, {"title": "x", "lang": "<b>", "dir": "sideways"}])

    assert shown[0]["title"] == arabic["title"]
    assert (shown[0]["options"]["lang"], shown[0]["options"]["dir"]) == ("ar", "rtl")
    # What the worker does not recognise is left to the device.
    assert (shown[1]["options"]["lang"], shown[1]["options"]["dir"]) == ("", "auto")
