"""The office's consent tools in the admin: a paper form recorded in a few clicks (R11), a
class at once with one event per action (R13), the history kept and never edited (R14), and
the filters giving the same answer as the roster."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from classes.models import Pupil, SchoolClass, YearGroup
from consent.admin.bulk import BULK_DONE, LOOKED_AFTER_DONE, POSTS_HIDDEN
from consent.admin.pupils import RECORDED
from consent.events import media_permission_lost
from consent.models import (
    ConsentChange,
    ConsentPupil,
    DataProcessingAgreement,
    DataProcessingForm,
    MediaStatus,
    PupilConsent,
)
from consent.selectors import media_verdicts
from consent.services.media import (
    FORM_DATE_IN_FUTURE,
    FORM_DATE_NEEDED,
    looked_after_set,
    media_consent_record,
)
from media.scans import SCAN_DAMAGED, SCAN_EMPTY, SCAN_NOT_ALLOWED, SCAN_TOO_LARGE
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_teacher,
    with_totp,
)
from tests.media import corpus

pytestmark = pytest.mark.django_db

FORM_DATE = dt.date(2025, 9, 3)
CHANGELIST_URL = reverse("admin:consent_consentpupil_changelist")
HISTORY_URL = reverse("admin:consent_consentchange_changelist")
PDF = corpus.plain_pdf().read_bytes()


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory(first_name="Olive", last_name="Marsh")
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def events() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        received.append(kwargs)

    media_permission_lost.connect(receiver)
    yield received
    media_permission_lost.disconnect(receiver)


def files_in(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def change_url(pupil: Pupil) -> str:
    return reverse("admin:consent_consentpupil_change", args=[pupil.pk])


def pdf_scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed form.pdf", PDF, content_type="application/pdf")


def png_scan() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("form.png", buffer.getvalue(), content_type="image/png")


def post_form(
    client: Client,
    pupil: Pupil,
    *,
    status: str,
    form_date: dt.date | None = None,
    scan: SimpleUploadedFile | None = None,
    looked_after: bool = False,
    evidence: str = "",
) -> Any:
    data: dict[str, Any] = {
        "status": status,
        "form_date": form_date.isoformat() if form_date else "",
        "evidence": evidence,
    }
    if looked_after:
        data["looked_after"] = "on"
    if scan is not None:
        data["scan"] = scan
    return client.post(change_url(pupil), data)


def form_errors(response: Any) -> dict[str, list[str]]:
    return dict(response.context["adminform"].form.errors)


def run_action(client: Client, action: str, pupils: list[Pupil], **confirm: str) -> Any:
    """The list's action as the office runs it; with ``confirm``, the page's second step."""
    data: dict[str, Any] = {"action": action, "_selected_action": [p.pk for p in pupils]}
    data.update({"confirm": "yes", **confirm} if confirm else {"index": "0"})
    return client.post(CHANGELIST_URL, data)


def shown(client: Client, query: str = "") -> set[str]:
    response = client.get(f"{CHANGELIST_URL}{query}")
    assert response.status_code == 200
    return {pupil.first_name for pupil in response.context["cl"].result_list}


def grant(office: User, *pupils: Pupil) -> None:
    media_consent_record(
        acting_user=office, pupils=pupils, status=MediaStatus.GRANTED, form_date=FORM_DATE
    )


def consent(pupil: Pupil) -> PupilConsent | None:
    return PupilConsent.objects.filter(pupil=pupil).first()


# Recording one paper form in a few clicks (R11, R14) -----------------------------------------


def test_R11_office_records_a_granted_form_with_its_pdf_scan_in_one_save(
    office_client: Client, office: User, school_class: SchoolClass, media_root: Path
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Rowntree")
    assert office_client.get(change_url(maya)).status_code == 200
    before = timezone.now()

    response = post_form(
        office_client,
        maya,
        status=MediaStatus.GRANTED,
        form_date=FORM_DATE,
        scan=pdf_scan(),
        evidence="Paper form handed in at the office",
    )

    assert response.status_code == 302
    assert response["Location"].startswith(CHANGELIST_URL)
    record = consent(maya)
    assert record is not None
    assert (record.media_status, record.form_date, record.looked_after) == (
        MediaStatus.GRANTED,
        FORM_DATE,
        False,
    )
    assert record.recorded_by == office
    change = ConsentChange.objects.get(pupil=maya)
    assert change.changed_by == office
    assert before <= change.changed_at <= timezone.now()
    assert (change.old_status, change.new_status, change.form_date) == (
        "",
        MediaStatus.GRANTED,
        FORM_DATE,
    )
    assert change.evidence == "Paper form handed in at the office"
    assert change.scan_name == record.scan.name
    assert change.scan_name.startswith("consent-scans/") and change.scan_name.endswith(".pdf")
    assert "signed form" not in change.scan_name  # never the uploaded name
    assert files_in(media_root) == [media_root / change.scan_name]
    with pikepdf.open(media_root / change.scan_name) as stored:  # as cleaned (R36)
        assert len(stored.pages) == 1 and "/Info" not in stored.trailer
    page = office_client.get(response["Location"]).content.decode()
    assert str(RECORDED % {"name": "Maya Rowntree"}) in page
    assert media_verdicts([maya.pk])[maya.pk].may_appear


def test_R36_a_png_scan_is_kept_rebuilt_from_its_pixels_as_a_webp(
    office_client: Client, school_class: SchoolClass, media_root: Path
) -> None:
    pupil = PupilFactory(school_class=school_class)

    post_form(
        office_client, pupil, status=MediaStatus.GRANTED, form_date=FORM_DATE, scan=png_scan()
    )

    scan_name = ConsentChange.objects.get(pupil=pupil).scan_name
    assert scan_name.endswith(".webp")
    assert files_in(media_root) == [media_root / scan_name]
    with Image.open(media_root / scan_name) as stored:
        assert stored.format == "WEBP" and not stored.getexif()


def test_R11_granted_without_the_form_date_is_refused_on_the_field_and_nothing_changes(
    office_client: Client, school_class: SchoolClass, media_root: Path
) -> None:
    pupil = PupilFactory(school_class=school_class)

    response = post_form(office_client, pupil, status=MediaStatus.GRANTED, scan=pdf_scan())

    assert response.status_code == 200
    assert form_errors(response) == {"form_date": [str(FORM_DATE_NEEDED)]}
    assert str(FORM_DATE_NEEDED) in response.content.decode()
    assert consent(pupil) is None
    assert not ConsentChange.objects.exists()
    assert files_in(media_root) == []


def test_R11_a_form_date_in_the_future_is_refused_on_the_field(
    office_client: Client, office: User, school_class: SchoolClass, media_root: Path
) -> None:
    pupil = PupilFactory(school_class=school_class)
    media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.REFUSED)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = post_form(office_client, pupil, status=MediaStatus.GRANTED, form_date=tomorrow)

    assert form_errors(response) == {"form_date": [str(FORM_DATE_IN_FUTURE)]}
    record = consent(pupil)
    assert record is not None
    assert record.media_status == MediaStatus.REFUSED
    assert ConsentChange.objects.filter(pupil=pupil).count() == 1


BAD_SCANS = {
    "html renamed .pdf": (
        lambda: SimpleUploadedFile(
            "form.pdf", b"<!doctype html><title>x</title><p>form</p>", "application/pdf"
        ),
        SCAN_NOT_ALLOWED,
    ),
    "text named .png": (
        lambda: SimpleUploadedFile("form.png", b"this is not a picture at all", "image/png"),
        SCAN_NOT_ALLOWED,
    ),
    "zero bytes": (lambda: SimpleUploadedFile("form.pdf", b"", "application/pdf"), SCAN_EMPTY),
    "pdf cut short": (
        lambda: SimpleUploadedFile("form.pdf", PDF[: len(PDF) // 2], "application/pdf"),
        SCAN_DAMAGED,
    ),
    "11 MB": (
        lambda: SimpleUploadedFile(
            "form.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "application/pdf"
        ),
        SCAN_TOO_LARGE,
    ),
}


@pytest.mark.parametrize("kind", BAD_SCANS)
def test_R11_a_scan_that_is_not_a_pdf_or_image_is_refused_and_nothing_changes(
    kind: str,
    office_client: Client,
    office: User,
    school_class: SchoolClass,
    media_root: Path,
) -> None:
    make_scan, message = BAD_SCANS[kind]
    pupil = PupilFactory(school_class=school_class)
    media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.REFUSED)

    response = post_form(
        office_client,
        pupil,
        status=MediaStatus.GRANTED,
        form_date=FORM_DATE,
        scan=make_scan(),
        looked_after=True,
    )

    assert response.status_code == 200
    assert form_errors(response) == {"scan": [str(message)]}
    assert str(message) in response.content.decode()
    record = consent(pupil)
    assert record is not None
    assert (record.media_status, record.looked_after, record.scan.name) == (
        MediaStatus.REFUSED,
        False,
        "",
    )
    assert ConsentChange.objects.filter(pupil=pupil).count() == 1
    assert files_in(media_root) == []


def test_R11_a_form_with_no_status_chosen_is_refused(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)

    response = office_client.post(change_url(pupil), {"form_date": "", "evidence": ""})

    assert response.status_code == 200
    assert "status" in form_errors(response)
    assert consent(pupil).media_status == MediaStatus.GRANTED  # type: ignore[union-attr]


def test_R11_the_form_shows_the_record_on_file(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)
    looked_after_set(acting_user=office, pupils=[pupil], looked_after=True)

    form = office_client.get(change_url(pupil)).context["adminform"].form

    assert form["status"].value() == MediaStatus.GRANTED
    assert form["form_date"].value() == FORM_DATE
    assert form["looked_after"].value() is True


def test_R11_no_record_takes_consent_back_to_no_form_received(
    office_client: Client, office: User, school_class: SchoolClass, events: list[Any]
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)

    post_form(
        office_client, pupil, status="none", form_date=FORM_DATE, evidence="Entered by mistake"
    )

    record = consent(pupil)
    assert record is not None
    assert (record.media_status, record.form_date) == ("", None)
    assert ConsentChange.objects.filter(pupil=pupil).first().evidence == "Entered by mistake"  # type: ignore[union-attr]
    assert media_verdicts([pupil.pk])[pupil.pk].reason == "no_record"
    assert len(events) == 1


def test_R13_withdrawing_on_the_change_page_fires_the_event_once(
    office_client: Client, office: User, school_class: SchoolClass, events: list[Any]
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)

    post_form(office_client, pupil, status=MediaStatus.WITHDRAWN, looked_after=True)

    assert len(events) == 1
    assert events[0]["pupil_ids"] == frozenset({pupil.pk})
    assert events[0]["acting_user"] == office
    record = consent(pupil)
    assert record is not None
    assert (record.media_status, record.looked_after) == (MediaStatus.WITHDRAWN, True)
    changes = list(ConsentChange.objects.filter(pupil=pupil))
    assert len(changes) == 3  # granted, then withdrawn, then looked-after


def test_R11_ticking_looked_after_alone_records_one_change_through_the_service(
    office_client: Client, office: User, school_class: SchoolClass, events: list[Any]
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)

    post_form(
        office_client,
        pupil,
        status=MediaStatus.GRANTED,
        form_date=FORM_DATE,
        looked_after=True,
        evidence="Letter from the local authority",
    )

    latest = ConsentChange.objects.filter(pupil=pupil).first()
    assert latest is not None
    assert (latest.old_looked_after, latest.new_looked_after) == (False, True)
    assert (latest.old_status, latest.new_status) == (MediaStatus.GRANTED, MediaStatus.GRANTED)
    assert latest.evidence == "Letter from the local authority"
    assert ConsentChange.objects.filter(pupil=pupil).count() == 2
    assert [e["reason"] for e in events] == ["looked_after"]


def test_R14_saving_an_unchanged_form_adds_no_history(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)

    response = post_form(office_client, pupil, status=MediaStatus.GRANTED, form_date=FORM_DATE)

    assert response.status_code == 302
    assert ConsentChange.objects.filter(pupil=pupil).count() == 1


# The history inline (R14) --------------------------------------------------------------------


def test_R14_change_page_shows_the_history_newest_first_read_only_with_the_scan_link(
    office_client: Client, office: User, school_class: SchoolClass, media_root: Path
) -> None:
    pupil = PupilFactory(school_class=school_class)
    post_form(
        office_client,
        pupil,
        status=MediaStatus.GRANTED,
        form_date=FORM_DATE,
        scan=pdf_scan(),
        evidence="Form at the office",
    )
    media_consent_record(
        acting_user=office, pupils=[pupil], status=MediaStatus.WITHDRAWN, evidence="Phone call"
    )
    first, latest = ConsentChange.objects.filter(pupil=pupil).order_by("pk")

    response = office_client.get(change_url(pupil))

    html = response.content.decode()
    rows = html.split('<tr class="history-row">')[1:]
    assert len(rows) == 2
    assert "Granted → Withdrawn" in rows[0] and "Phone call" in rows[0]
    assert "No record → Granted" in rows[1] and "Form at the office" in rows[1]
    assert "3 Sep 2025" in rows[1]
    assert "Olive Marsh" in rows[0] and "Olive Marsh" in rows[1]
    scan_url = reverse("consent_scan", args=[first.pk])
    assert f'href="{scan_url}"' in rows[1]
    assert reverse("consent_scan", args=[latest.pk]) not in html
    assert 'name="consent_changes-' not in html  # nothing of the history is ever posted
    [history] = response.context["inline_admin_formsets"]
    assert not (
        history.has_add_permission
        or history.has_change_permission
        or history.has_delete_permission
    )


# Bulk actions for a class (R11, R13) ---------------------------------------------------------


def test_R11_bulk_granted_asks_for_the_form_date_then_records_each_pupil_once(
    office_client: Client, office: User, school_class: SchoolClass, events: list[Any]
) -> None:
    pupils = PupilFactory.create_batch(3, school_class=school_class)

    ask = run_action(office_client, "record_granted", pupils)

    assert ask.status_code == 200
    assert 'type="date"' in ask.content.decode()
    assert not ConsentChange.objects.exists()
    done = run_action(
        office_client,
        "record_granted",
        pupils,
        form_date=FORM_DATE.isoformat(),
        evidence="Forms from the class teacher",
    )
    assert done.status_code == 302
    changes = list(ConsentChange.objects.all())
    assert sorted(c.pupil_id for c in changes) == sorted(p.pk for p in pupils)
    assert {(c.new_status, c.form_date, c.changed_by_id) for c in changes} == {
        (MediaStatus.GRANTED, FORM_DATE, office.pk)
    }
    assert {c.evidence for c in changes} == {"Forms from the class teacher"}
    assert all(v.may_appear for v in media_verdicts(p.pk for p in pupils).values())
    assert events == []
    page = office_client.get(done["Location"]).content.decode()
    assert str(BULK_DONE[MediaStatus.GRANTED] % {"count": 3}) in page


def test_R11_bulk_granted_without_a_date_asks_again_and_changes_nothing(
    office_client: Client, school_class: SchoolClass
) -> None:
    pupils = PupilFactory.create_batch(2, school_class=school_class)

    response = run_action(office_client, "record_granted", pupils, form_date="")

    assert response.status_code == 200
    assert response.context["form"].errors["form_date"]
    assert not PupilConsent.objects.exists()
    assert not ConsentChange.objects.exists()


def test_R11_bulk_granted_with_a_future_date_shows_the_services_message(
    office_client: Client, school_class: SchoolClass
) -> None:
    pupils = PupilFactory.create_batch(2, school_class=school_class)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = run_action(office_client, "record_granted", pupils, form_date=tomorrow.isoformat())

    assert response.context["form"].errors == {"form_date": [str(FORM_DATE_IN_FUTURE)]}
    assert not ConsentChange.objects.exists()


@pytest.mark.parametrize("status", [MediaStatus.WITHDRAWN, MediaStatus.REFUSED])
def test_R13_bulk_withdrawal_or_refusal_confirms_then_fires_one_event_for_the_class(
    status: str,
    office_client: Client,
    office: User,
    school_class: SchoolClass,
    events: list[Any],
) -> None:
    pupils = PupilFactory.create_batch(3, school_class=school_class)
    grant(office, *pupils)
    action = f"record_{status}"

    ask = run_action(office_client, action, pupils)

    assert ask.status_code == 200
    assert str(POSTS_HIDDEN) in ask.content.decode()
    assert ask.content.decode().count("may appear in media now") == 3
    assert events == []
    assert ConsentChange.objects.filter(new_status=status).count() == 0
    done = run_action(office_client, action, pupils, evidence="Letter from the parents")
    assert done.status_code == 302
    assert len(events) == 1
    assert events[0]["pupil_ids"] == frozenset(p.pk for p in pupils)
    assert (events[0]["reason"], events[0]["acting_user"]) == (status, office)
    changes = ConsentChange.objects.filter(new_status=status)
    assert sorted(c.pupil_id for c in changes) == sorted(p.pk for p in pupils)
    page = office_client.get(done["Location"]).content.decode()
    assert str(BULK_DONE[status] % {"count": 3}) in page


def test_R13_bulk_mark_looked_after_fires_one_event_and_clear_fires_none(
    office_client: Client, office: User, school_class: SchoolClass, events: list[Any]
) -> None:
    pupils = PupilFactory.create_batch(3, school_class=school_class)
    grant(office, *pupils)

    marked = run_action(office_client, "mark_looked_after", pupils)

    assert marked.status_code == 302
    assert len(events) == 1
    assert (events[0]["pupil_ids"], events[0]["reason"]) == (
        frozenset(p.pk for p in pupils),
        "looked_after",
    )
    assert ConsentChange.objects.filter(new_looked_after=True).count() == 3
    page = office_client.get(marked["Location"]).content.decode()
    assert str(LOOKED_AFTER_DONE[True] % {"count": 3}) in page

    run_action(office_client, "clear_looked_after", pupils)

    assert len(events) == 1
    cleared = ConsentChange.objects.filter(old_looked_after=True, new_looked_after=False)
    assert cleared.count() == 3
    assert all(v.may_appear for v in media_verdicts(p.pk for p in pupils).values())


def test_R11_bulk_actions_act_only_on_current_pupils(
    office_client: Client, school_class: SchoolClass
) -> None:
    here = PupilFactory(school_class=school_class)
    left = PupilFactory(school_class=school_class, leaving_date=dt.date(2025, 7, 20))

    run_action(office_client, "mark_looked_after", [here, left])

    assert list(ConsentChange.objects.values_list("pupil_id", flat=True)) == [here.pk]


# The list: columns, search and the filters (R11) ---------------------------------------------


def test_R11_list_shows_current_pupils_with_their_consent_in_words(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    granted = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    refused = PupilFactory(school_class=school_class, first_name="Bea")
    withdrawn = PupilFactory(school_class=school_class, first_name="Cal")
    PupilFactory(school_class=school_class, first_name="Dot")
    PupilFactory(school_class=school_class, first_name="Gone", leaving_date=dt.date(2025, 7, 1))
    grant(office, granted, withdrawn)
    media_consent_record(acting_user=office, pupils=[refused], status=MediaStatus.REFUSED)
    media_consent_record(acting_user=office, pupils=[withdrawn], status=MediaStatus.WITHDRAWN)
    looked_after_set(acting_user=office, pupils=[granted], looked_after=True)

    response = office_client.get(CHANGELIST_URL)

    html = response.content.decode()
    start = html.index('id="result_list"')
    table = html[start : html.index("</table>", start)]
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in table.split("<tr>")[2:]}
    assert set(rows) == {"Amir", "Bea", "Cal", "Dot"}
    assert "Khan" in rows["Amir"] and "Oak" in rows["Amir"]
    assert "Granted (form 3 Sep 2025)" in rows["Amir"]
    assert '<td class="field-verdict">Must not appear — looked-after child</td>' in rows["Amir"]
    assert "Refused" in rows["Bea"]
    assert "Withdrawn" in rows["Cal"]
    assert "No record" in rows["Dot"]
    assert '<td class="field-verdict">Must not appear — no consent form</td>' in rows["Dot"]


def test_R11_list_searches_by_first_name_or_surname(
    office_client: Client, school_class: SchoolClass
) -> None:
    PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    PupilFactory(school_class=school_class, first_name="Bea", surname="Okafor")

    assert shown(office_client, "?q=okafor") == {"Bea"}
    assert shown(office_client, "?q=amir+khan") == {"Amir"}


def test_R11_list_filters_by_class_and_by_year_group(office_client: Client, school: Any) -> None:
    oak = SchoolClassFactory(name="Oak", year_group=YearGroup.YEAR_3)
    ash = SchoolClassFactory(name="Ash", year_group=YearGroup.RECEPTION)
    PupilFactory(school_class=oak, first_name="Amir")
    PupilFactory(school_class=ash, first_name="Bea")

    assert shown(office_client, f"?school_class__id__exact={ash.pk}") == {"Bea"}
    assert shown(office_client, f"?school_class__year_group__exact={YearGroup.YEAR_3}") == {"Amir"}


@pytest.fixture
def every_state(office: User, school_class: SchoolClass) -> dict[str, Pupil]:
    """One pupil in each state the roster knows, named after it."""

    def pupil(name: str) -> Pupil:
        return PupilFactory(school_class=school_class, first_name=name)

    pupils = {
        name: pupil(name)
        for name in ("May", "None", "Blank", "Refused", "Withdrawn", "CareGranted", "CareOnly")
    }
    grant(office, pupils["May"], pupils["Withdrawn"], pupils["CareGranted"])
    media_consent_record(acting_user=office, pupils=[pupils["Refused"]], status="refused")
    media_consent_record(acting_user=office, pupils=[pupils["Withdrawn"]], status="withdrawn")
    looked_after_set(
        acting_user=office, pupils=[pupils["CareGranted"], pupils["CareOnly"]], looked_after=True
    )
    # A record whose status is empty: marked looked-after by mistake, then cleared.
    looked_after_set(acting_user=office, pupils=[pupils["Blank"]], looked_after=True)
    looked_after_set(acting_user=office, pupils=[pupils["Blank"]], looked_after=False)
    left = PupilFactory(school_class=school_class, first_name="Left", leaving_date=FORM_DATE)
    grant(office, left)
    return pupils


FILTERS = {
    "may_appear": {"May"},
    "no_consent": {"None", "Blank", "Refused", "Withdrawn", "CareGranted", "CareOnly"},
    "no_record": {"None", "Blank"},
    "refused": {"Refused"},
    "withdrawn": {"Withdrawn"},
    "looked_after": {"CareGranted", "CareOnly"},
}


def test_R11_filter_may_appear(office_client: Client, every_state: dict[str, Pupil]) -> None:
    assert shown(office_client, "?consent=may_appear") == FILTERS["may_appear"]


def test_R11_filter_no_consent_for_any_reason(
    office_client: Client, every_state: dict[str, Pupil]
) -> None:
    assert shown(office_client, "?consent=no_consent") == FILTERS["no_consent"]


def test_R11_filter_no_record_is_no_row_or_an_empty_status(
    office_client: Client, every_state: dict[str, Pupil]
) -> None:
    assert shown(office_client, "?consent=no_record") == FILTERS["no_record"]


def test_R11_filter_refused(office_client: Client, every_state: dict[str, Pupil]) -> None:
    assert shown(office_client, "?consent=refused") == FILTERS["refused"]


def test_R11_filter_withdrawn(office_client: Client, every_state: dict[str, Pupil]) -> None:
    assert shown(office_client, "?consent=withdrawn") == FILTERS["withdrawn"]


def test_R11_filter_looked_after_whatever_the_consent(
    office_client: Client, every_state: dict[str, Pupil]
) -> None:
    assert shown(office_client, "?consent=looked_after") == FILTERS["looked_after"]


def test_R11_filters_give_the_same_answer_as_the_media_question(
    every_state: dict[str, Pupil],
) -> None:
    from consent.selectors.media import media_reason

    annotated = dict(
        ConsentPupil.objects.annotate(reason=media_reason()).values_list("pk", "reason")
    )
    verdicts = media_verdicts(annotated)
    assert {pk: v.reason for pk, v in verdicts.items()} == annotated


def test_R11_list_query_count_does_not_grow_with_the_pupils(
    office_client: Client, office: User, django_assert_num_queries: Any
) -> None:
    def add_class(size: int) -> None:
        pupils = PupilFactory.create_batch(size, school_class=SchoolClassFactory())
        grant(office, *pupils[: size // 2])
        looked_after_set(acting_user=office, pupils=pupils[:1], looked_after=True)

    add_class(2)
    office_client.get(CHANGELIST_URL)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        office_client.get(CHANGELIST_URL)
    add_class(12)
    with django_assert_num_queries(len(few)):
        response = office_client.get(CHANGELIST_URL)
    assert len(response.context["cl"].result_list) == 14


# No add, no delete, and nobody else (R11, R14) -----------------------------------------------


def test_R11_pupils_are_not_added_or_deleted_on_the_consent_pages(
    office_client: Client, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)

    assert office_client.get(reverse("admin:consent_consentpupil_add")).status_code == 403
    delete_url = reverse("admin:consent_consentpupil_delete", args=[pupil.pk])
    assert office_client.post(delete_url, {"post": "yes"}).status_code == 403
    actions = dict(
        office_client.get(CHANGELIST_URL).context["action_form"].fields["action"].choices
    )
    assert "delete_selected" not in actions
    assert Pupil.objects.filter(pk=pupil.pk).exists()


def test_R14_leader_with_two_factor_records_consent(school_class: SchoolClass) -> None:
    leader = LeaderFactory()
    with_totp(leader)
    pupil = PupilFactory(school_class=school_class)

    post_form(client_for(leader), pupil, status=MediaStatus.REFUSED)

    assert ConsentChange.objects.get(pupil=pupil).changed_by == leader


def test_R14_office_without_two_factor_is_sent_to_set_it_up(school_class: SchoolClass) -> None:
    pupil = PupilFactory(school_class=school_class)

    response = client_for(OfficeFactory(), two_factor=False).get(change_url(pupil))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin_needs_mfa")


@pytest.mark.parametrize("role", ["teacher", "support", "parent"])
def test_R14_teachers_support_staff_and_parents_cannot_open_or_post_the_consent_admin(
    role: str, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class, first_name="Maya", surname="Rowntree")
    users: dict[str, Callable[[], User]] = {
        "teacher": lambda: assign_teacher(TeacherFactory(), school_class),
        "support": SupportFactory,
        "parent": lambda: ParentLinkFactory(pupil=pupil).parent,
    }
    user = users[role]()
    with_totp(user)
    client = client_for(user)

    for url in (CHANGELIST_URL, change_url(pupil), HISTORY_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    post_form(client, pupil, status=MediaStatus.GRANTED, form_date=FORM_DATE)
    run_action(client, "mark_looked_after", [pupil])
    assert not PupilConsent.objects.exists()
    assert not ConsentChange.objects.exists()


# The history list and data-processing consent: read-only (R4, R14) ----------------------------


def test_R14_history_list_filters_and_searches_and_is_never_edited(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    amir = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    bea = PupilFactory(school_class=school_class, first_name="Bea", surname="Okafor")
    grant(office, amir, bea)
    media_consent_record(acting_user=office, pupils=[bea], status=MediaStatus.WITHDRAWN)
    looked_after_set(acting_user=office, pupils=[amir], looked_after=True)

    def rows(query: str) -> list[tuple[int, str]]:
        result = office_client.get(f"{HISTORY_URL}{query}").context["cl"].result_list
        return [(change.pupil_id, change.new_status) for change in result]

    assert rows("?new_status__exact=withdrawn") == [(bea.pk, MediaStatus.WITHDRAWN)]
    assert rows("?new_looked_after__exact=1") == [(amir.pk, MediaStatus.GRANTED)]
    assert {pk for pk, _status in rows("?q=okafor")} == {bea.pk}
    today = timezone.localdate()
    on_the_day = f"?changed_at__year={today.year}&changed_at__month={today.month}"
    assert len(rows(f"{on_the_day}&changed_at__day={today.day}")) == 4
    assert rows(f"{on_the_day}&changed_at__day={today.day}&q=khan")[0] == (
        amir.pk,
        MediaStatus.GRANTED,
    )
    change = ConsentChange.objects.filter(pupil=bea).first()
    assert change is not None
    url = reverse("admin:consent_consentchange_change", args=[change.pk])
    assert office_client.get(url).status_code == 200  # a view, not a form
    assert office_client.post(url, {"evidence": "edited"}).status_code == 403
    assert office_client.get(reverse("admin:consent_consentchange_add")).status_code == 403
    delete_url = reverse("admin:consent_consentchange_delete", args=[change.pk])
    assert office_client.post(delete_url, {"post": "yes"}).status_code == 403
    change.refresh_from_db()
    assert change.evidence == ""
    assert ConsentChange.objects.count() == 4


def test_R4_office_publishes_a_new_data_processing_form_version(
    office_client: Client,
) -> None:
    first = DataProcessingForm.objects.create(version=1, title="Data consent", body="Old text.")

    response = office_client.post(
        reverse("admin:consent_dataprocessingform_add"),
        {"title": "Data consent 2026", "body": "What the school keeps, and why."},
    )

    assert response.status_code == 302
    latest = DataProcessingForm.objects.order_by("-version").first()
    assert latest is not None
    assert (latest.version, latest.title) == (2, "Data consent 2026")
    change_url_ = reverse("admin:consent_dataprocessingform_change", args=[first.pk])
    page = office_client.get(change_url_)
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()  # read-only once published
    assert office_client.post(change_url_, {"title": "X", "body": "Y"}).status_code == 403
    first.refresh_from_db()
    assert (first.title, first.body) == ("Data consent", "Old text.")


def test_R4_agreements_are_listed_read_only(
    office_client: Client, school_class: SchoolClass
) -> None:
    form = DataProcessingForm.objects.create(version=1, title="Data consent", body="Text.")
    link = ParentLinkFactory(pupil=PupilFactory(school_class=school_class, first_name="Maya"))
    agreement = DataProcessingAgreement.objects.create(
        parent=link.parent, pupil=link.pupil, form=form
    )
    list_url = reverse("admin:consent_dataprocessingagreement_changelist")

    response = office_client.get(f"{list_url}?form__id__exact={form.pk}")

    assert list(response.context["cl"].result_list) == [agreement]
    assert str(link.parent) in response.content.decode()
    change_url_ = reverse("admin:consent_dataprocessingagreement_change", args=[agreement.pk])
    assert office_client.post(change_url_, {}).status_code == 403
    add_url = reverse("admin:consent_dataprocessingagreement_add")
    assert office_client.get(add_url).status_code == 403
    assert DataProcessingAgreement.objects.count() == 1


def test_R4_parents_and_teachers_do_not_see_data_processing_records(
    school_class: SchoolClass,
) -> None:
    for user in (ParentFactory(), assign_teacher(TeacherFactory(), school_class)):
        response = client_for(user).get(reverse("admin:consent_dataprocessingform_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_R14_history_lists_take_the_same_queries_whatever_their_length(
    office_client: Client, office: User, django_assert_num_queries: Any
) -> None:
    pupil = PupilFactory(school_class=SchoolClassFactory())

    def add_changes(count: int) -> None:
        others = PupilFactory.create_batch(count, school_class=SchoolClassFactory())
        for flag in (True, False):
            looked_after_set(acting_user=office, pupils=[pupil, *others], looked_after=flag)

    def pages() -> list[Any]:
        return [office_client.get(HISTORY_URL), office_client.get(change_url(pupil))]

    add_changes(1)
    pages()  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        pages()
    add_changes(8)
    with django_assert_num_queries(len(few)):
        history, change_page = pages()
    assert len(history.context["cl"].result_list) == 4 + 18
    assert change_page.content.decode().count('<tr class="history-row">') == 4


def test_R4_agreement_list_takes_the_same_queries_whatever_its_length(
    office_client: Client, django_assert_num_queries: Any
) -> None:
    form = DataProcessingForm.objects.create(version=1, title="Data consent", body="Text.")
    list_url = reverse("admin:consent_dataprocessingagreement_changelist")

    def add_agreements(count: int) -> None:
        for link in ParentLinkFactory.create_batch(count):
            DataProcessingAgreement.objects.create(parent=link.parent, pupil=link.pupil, form=form)

    add_agreements(2)
    office_client.get(list_url)
    with CaptureQueriesContext(connection) as few:
        office_client.get(list_url)
    add_agreements(8)
    with django_assert_num_queries(len(few)):
        response = office_client.get(list_url)
    assert len(response.context["cl"].result_list) == 10
