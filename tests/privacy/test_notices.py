"""R28: the privacy notices. The parents' notice is written from the data inventory and says
how long data is kept with the values the deletion jobs use; the children's notice says the same
promises in pictures and short sentences. Both are public, readable by pupils and before any
agreement, and linked from every page's footer."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CodeOfConduct, User
from classes.models import School
from consent.models import DataProcessingForm
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CodeOfConductFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    TeacherFactory,
    give_picture_code,
)
from tests.responses import body_text
from tests.test_url_access import all_paths

pytestmark = pytest.mark.django_db

PARENTS_URL = "/privacy/notice/"
PUPILS_URL = "/privacy/notice/children/"
PUPIL_ROW = "Everything about a pupil (their name, date of birth, class, photo consent"
MESSAGES_ROW = "Messages between parents and staff, from the day they are sent"
PARENT_ROW = "A parent or carer account with no child at the school any more"
POINTS_ROW = "Points, from the day they are given"
EXPORT_ROW = "A “Download my data” file, from the day it is ready"
AUDIT_ROW = "The log of important events, from the day of each event"


def text_of(response: HttpResponseBase) -> str:
    """The page's visible text, tags dropped and spaces collapsed."""
    body = body_text(response)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def retention_list(response: HttpResponseBase) -> dict[str, str]:
    """The "how long we keep it" list as {what: period}."""
    body = body_text(response)
    block = re.search(r'<dl class="privacy-retention">(.*?)</dl>', body, re.S)
    assert block, "the notice has no retention list"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(1), re.S)
    return {html.unescape(what).strip(): html.unescape(period).strip() for what, period in pairs}


def period_for(response: HttpResponseBase, row_start: str) -> str:
    rows = retention_list(response)
    matches = [period for what, period in rows.items() if what.startswith(row_start)]
    assert len(matches) == 1, f"no single row starting {row_start!r} in {list(rows)}"
    return matches[0]


def footer_links(response: HttpResponseBase) -> set[str]:
    """The addresses linked from the page's footer (none when it has no footer)."""
    body = body_text(response)
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', body, re.S)
    return set(re.findall(r'href="([^"]+)"', footer.group(1))) if footer else set()


def a_pupil_user(**names: str) -> User:
    pupil = PupilFactory.create(**names)
    give_picture_code(pupil)
    assert pupil.user is not None
    return pupil.user


def anonymous() -> Client:
    return Client()


def as_parent() -> Client:
    return client_for(ParentLinkFactory.create().parent)


def as_pupil() -> Client:
    return pupil_client_for(a_pupil_user(first_name="Noor"))


def as_teacher() -> Client:
    return client_for(TeacherFactory.create())


def as_office() -> Client:
    return client_for(OfficeFactory.create())


READERS: dict[str, Callable[[], Client]] = {
    "anonymous": anonymous,
    "parent": as_parent,
    "pupil": as_pupil,
    "teacher": as_teacher,
    "office": as_office,
}


def test_R28_notices_are_at_their_urls() -> None:
    assert reverse("privacy_notice_parents") == PARENTS_URL
    assert reverse("privacy_notice_pupils") == PUPILS_URL


@pytest.mark.parametrize("reader", list(READERS))
def test_R28_parents_notice_is_readable_by_everyone(school: School, reader: str) -> None:
    response = READERS[reader]().get(PARENTS_URL)

    assert response.status_code == 200
    text = text_of(response)
    assert "Privacy notice for parents, carers and staff" in text
    assert "New Village Primary is the data controller" in text


@pytest.mark.parametrize("reader", list(READERS))
def test_R28_childrens_notice_is_readable_by_everyone(school: School, reader: str) -> None:
    response = READERS[reader]().get(PUPILS_URL)

    assert response.status_code == 200
    text = text_of(response)
    assert "Your information at school" in text
    assert "Your teacher can see your points." in text
    assert "Photos of you are only shared if your grown-up said yes." in text
    assert "After you leave the school, we delete your name, points, photos and posts." in text


def test_R28_parents_notice_names_the_school_and_its_office(school: School) -> None:
    text = text_of(Client().get(PARENTS_URL))

    assert "New Village Primary is the data controller" in text
    assert "Telephone: 01302 555 0100" in text
    assert "Email: office@school.example.org" in text


def test_R28_parents_notice_without_a_configured_school_still_reads(db: None) -> None:
    School.objects.all().delete()

    response = Client().get(PARENTS_URL)

    assert response.status_code == 200
    assert "The school is the data controller" in text_of(response)
    assert "Telephone:" not in text_of(response)


def test_R28_parents_notice_covers_bases_sharing_rights_and_complaints(school: School) -> None:
    text = text_of(Client().get(PARENTS_URL))

    for part in (
        "Public task (UK GDPR Article 6(1)(e))",
        "Consent (UK GDPR Article 6(1)(a))",
        "Legal obligation (UK GDPR Article 6(1)(c))",
        "Other parents never see your child's points, Student Story or messages.",
        "Everything is kept on the school's own server.",
        "Download my data gives you a file with everything the portal keeps",
        "Delete your account: you can do it yourself",
        "after entering your password. Your personal data, likes, notification settings",
        "which children must not appear in photos and why",
        "Information Commissioner's Office (ICO)",
        "0303 123 1113",
    ):
        assert part in text, part


def test_R28_notice_links_to_download_deletion_and_the_ico(school: School) -> None:
    body = Client().get(PARENTS_URL).content.decode()

    assert f'href="{reverse("privacy_export")}"' in body
    assert f'href="{reverse("privacy_account_delete")}"' in body
    assert 'href="https://ico.org.uk/make-a-complaint/"' in body


def test_R28_retention_periods_are_the_settings_in_force(school: School, settings) -> None:
    settings.PUPIL_RETENTION_DAYS = 90
    settings.MESSAGE_RETENTION_DAYS = 730
    settings.PARENT_WITHOUT_CHILD_DAYS = 365
    settings.AUDIT_RETENTION_DAYS = 2190

    response = Client().get(PARENTS_URL)

    assert period_for(response, PUPIL_ROW) == "90 days"
    assert period_for(response, MESSAGES_ROW) == "2 years"
    assert period_for(response, PARENT_ROW) == "1 year"
    assert period_for(response, POINTS_ROW) == "1 year"
    assert period_for(response, EXPORT_ROW) == "7 days"
    assert period_for(response, AUDIT_ROW) == "6 years"


def test_R28_changing_a_retention_setting_changes_the_notice(school: School, settings) -> None:
    settings.PUPIL_RETENTION_DAYS = 90
    assert period_for(Client().get(PARENTS_URL), PUPIL_ROW) == "90 days"

    settings.PUPIL_RETENTION_DAYS = 1095
    settings.MESSAGE_RETENTION_DAYS = 400
    settings.PARENT_WITHOUT_CHILD_DAYS = 1
    settings.AUDIT_RETENTION_DAYS = 3650
    response = Client().get(PARENTS_URL)

    assert period_for(response, PUPIL_ROW) == "3 years"
    assert period_for(response, MESSAGES_ROW) == "400 days"
    assert period_for(response, PARENT_ROW) == "1 day"
    assert period_for(response, AUDIT_ROW) == "10 years"


def test_R28_retention_rows_match_what_the_jobs_delete(school: School) -> None:
    """The points and export rows read the jobs' own rules (12 months, 7 days)."""
    from points.services.retention import RETENTION
    from privacy.services.export import KEEP_FOR

    response = Client().get(PARENTS_URL)

    assert RETENTION.days == 365 and period_for(response, POINTS_ROW) == "1 year"
    assert KEEP_FOR.days == 7 and period_for(response, EXPORT_ROW) == "7 days"
    assert "Your points are deleted after 1 year." in text_of(Client().get(PUPILS_URL))


@pytest.mark.parametrize(
    ("backend", "url", "expected"),
    [
        ("off", "", "Translation: none. Posts and messages are not translated"),
        ("apertium", "", "translated by a program on the school's own server"),
        (
            "libretranslate",
            "https://translate.school.example",
            "translated by a translation service the school has set up for itself",
        ),
        # A server backend without an address is off: the notice must not claim otherwise.
        ("apy", "", "Translation: none."),
    ],
)
def test_R28_notice_says_where_translation_happens(
    school: School, settings, backend: str, url: str, expected: str
) -> None:
    settings.TRANSLATION_BACKEND = backend
    settings.TRANSLATION_URL = url

    assert expected in text_of(Client().get(PARENTS_URL))


def test_R28_notice_says_whether_email_leaves_through_a_mail_server(
    school: School, settings
) -> None:
    settings.EMAIL_HOST = ""
    assert "no mail server is set up, so the portal sends no emails" in text_of(
        Client().get(PARENTS_URL)
    )

    settings.EMAIL_HOST = "mail.school.example"
    text = text_of(Client().get(PARENTS_URL))
    assert "sent through the mail server the school has set up" in text
    assert "never contain a photo or the text of a post or message" in text


def test_R28_notice_mentions_push_services_only_when_push_is_set_up(
    school: School, settings
) -> None:
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    assert "notification service of your browser's maker" not in text_of(Client().get(PARENTS_URL))

    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "public-key", "private-key"
    assert "notification service of your browser's maker" in text_of(Client().get(PARENTS_URL))


def test_R28_parent_reads_the_notice_before_accepting_anything(school: School) -> None:
    """The code of conduct and the data-processing form gate every other page (R4); a parent
    must be able to read what they agree to first."""
    link = ParentLinkFactory.create()
    CodeOfConductFactory.create(audience=CodeOfConduct.Audience.PARENTS)
    DataProcessingForm.objects.create(version=1, title="Your child's data", body="How we use it.")
    client = client_for(link.parent)
    assert client.get(reverse("stories_feed")).status_code == 302

    for url in (PARENTS_URL, PUPILS_URL):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("url", [PARENTS_URL, PUPILS_URL])
def test_R28_notices_refuse_anything_but_reading(school: School, url: str) -> None:
    users_before = User.objects.count()

    response = client_for(OfficeFactory.create()).post(url, {"anything": "x"})

    assert response.status_code == 405
    assert User.objects.count() == users_before + 1


def test_R28_childrens_notice_uses_only_local_drawn_pictures(school: School) -> None:
    """Every picture is a drawing served by the school (R10), decorative (the sentence beside it
    says everything), and no drawing loads anything or runs anything."""
    body = Client().get(PUPILS_URL).content.decode()
    pictures = re.findall(r"<img ([^>]+)>", body)

    assert len(pictures) >= 8
    for attributes in pictures:
        src = re.search(r'src="([^"]+)"', attributes).group(1)  # type: ignore[union-attr]
        assert 'alt=""' in attributes
        assert src.startswith("/static/img/privacy/") and src.endswith(".svg"), src
        found = finders.find(src.removeprefix("/static/"))
        assert found, f"{src} is not a static file"
        drawing = Path(str(found)).read_text(encoding="utf-8")
        assert "<script" not in drawing and "<image" not in drawing and "href" not in drawing
        assert re.findall(r"https?://[^\"']+", drawing) == ["http://www.w3.org/2000/svg"]


def test_R28_childrens_notice_sentences_are_short(school: School) -> None:
    """Short sentences a 5–11 year old can follow: none longer than 15 words."""
    body = Client().get(PUPILS_URL).content.decode()
    items = re.search(r'<ul class="kid-notice-list">(.*?)</ul>', body, re.S)
    assert items
    sentences = [
        s
        for p in re.findall(r"<p>(.*?)</p>", items.group(1), re.S)
        for s in re.split(r"(?<=[.?!])\s+", html.unescape(p).strip())
    ]

    assert len(sentences) >= 15
    too_long = [s for s in sentences if len(s.split()) > 15]
    assert not too_long, too_long


@pytest.mark.parametrize("reader", ["anonymous", "parent", "teacher", "office"])
def test_R28_adults_see_both_notices_in_the_footer(school: School, reader: str) -> None:
    links = footer_links(READERS[reader]().get(PARENTS_URL))

    assert {PARENTS_URL, PUPILS_URL} <= links


def test_R28_pupils_see_their_own_notice_in_the_footer(school: School) -> None:
    client = as_pupil()

    home = client.get(reverse("home"))

    assert home.status_code == 200
    assert PUPILS_URL in footer_links(home)
    assert PARENTS_URL not in footer_links(home)
    assert "Privacy notice for children" in text_of(home)


# The page a phone shows when it has no network: a link from it could not open anything.
SHOWN_OFFLINE = frozenset({"pwa_offline"})


def _walk_footers(client_maker: Callable[[], Client]) -> tuple[int, list[str]]:
    """Every portal page the client gets (the admin has its own layout): how many were pages,
    and which of them miss a notice link."""
    pages, missing = 0, []
    client = client_maker()
    for item in all_paths()[0]:
        if item.path.startswith("/admin/") or item.name in SHOWN_OFFLINE:
            continue
        response = client.get(item.path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.status_code not in (200, 403, 404):
            continue
        pages += 1
        if PUPILS_URL not in footer_links(response):
            missing.append(f"{item.path} ({item.name}) → {response.status_code}")
    return pages, missing


@pytest.mark.parametrize("reader", ["anonymous", "parent", "pupil"])
def test_R28_every_page_links_the_notices_in_its_footer(school: School, reader: str) -> None:
    pages, missing = _walk_footers(READERS[reader])

    assert pages > 10
    assert not missing, "Pages without the privacy notice in the footer:\n" + "\n".join(missing)


def test_R28_notice_pages_cost_no_query_once_the_school_is_cached(school: School) -> None:
    """Nothing on either notice is read from the database but the school, which comes from the
    shared cache after the first page; a signed-in reader costs only their session and user."""
    client = Client()
    client.get(PARENTS_URL)

    for url in (PARENTS_URL, PUPILS_URL):
        with CaptureQueriesContext(connection) as anonymous_queries:
            assert client.get(url).status_code == 200
        assert len(anonymous_queries) == 0, [q["sql"] for q in anonymous_queries]


@pytest.mark.parametrize(("reader", "expected"), [("parent", 2), ("teacher", 2), ("pupil", 3)])
def test_R28_signed_in_readers_cost_only_their_session(
    school: School, reader: str, expected: int
) -> None:
    """The session and the user; a pupil's session also records when they were last seen."""
    client = READERS[reader]()
    client.get(PARENTS_URL)

    for url in (PARENTS_URL, PUPILS_URL):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
        assert len(statements) == expected, statements
