"""Turning push on and off for a device (R31): the JSON posts the settings page's script makes,
who may make them, what is refused (issue 7, bad input: nothing stored, a clear message), the
settings page's section, the key pair command and where the settings find its keys."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from py_vapid import Vapid

from accounts.models import User
from classes.models import School
from notifications.management.commands.vapid_keys import new_key_pair
from notifications.models import PushSubscription
from notifications.push_endpoints import BAD_KEYS, NOT_HTTPS, PRIVATE_ADDRESS
from notifications.views.push import TURNED_OFF, TURNED_ON, UNREADABLE
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SupportFactory,
    TeacherFactory,
    UserFactory,
)
from tests.notifications.push_device import Device

BASE_DIR = Path(__file__).resolve().parents[2]
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def fcm_device(name: str = "dK9f3") -> Device:
    """A subscription at Firebase Cloud Messaging, whose last path segment names the device."""
    return Device(f"https://fcm.googleapis.com/fcm/send/{name}")


def subscribe(client: Client, body: object, **headers: str):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        reverse("push_subscribe"), data, content_type="application/json", headers=headers
    )


def unsubscribe(client: Client, endpoint: str):
    return client.post(
        reverse("push_unsubscribe"),
        json.dumps({"endpoint": endpoint}),
        content_type="application/json",
    )


@pytest.fixture
def parent(school: School) -> User:
    return ParentFactory()


@pytest.mark.parametrize(
    "make", [ParentFactory, TeacherFactory, SupportFactory, OfficeFactory, LeaderFactory]
)
def test_R31_parents_and_staff_turn_push_on_for_a_device(school: School, make) -> None:
    person = make()
    device = fcm_device()
    response = subscribe(client_for(person), device.as_json(), user_agent=ANDROID_CHROME)

    assert response.status_code == 201
    assert response.json() == {"message": str(TURNED_ON)}
    stored = PushSubscription.objects.get(user=person)
    assert (stored.endpoint, stored.p256dh, stored.auth) == (
        device.endpoint,
        device.p256dh,
        device.auth,
    )
    assert stored.device == "Chrome on Android"


def test_the_device_is_described_from_its_browser(parent: User) -> None:
    subscribe(client_for(parent), fcm_device().as_json(), user_agent=IPHONE_SAFARI)
    assert PushSubscription.objects.get(user=parent).device == "Safari on iOS"


def test_R31_pupils_have_no_push(school: School, school_class) -> None:
    pupil_user = UserFactory(role="pupil", email=None)
    PupilFactory(school_class=school_class, user=pupil_user)
    client = pupil_client_for(pupil_user)
    device = fcm_device()

    assert subscribe(client, device.as_json()).status_code == 404
    assert unsubscribe(client, device.endpoint).status_code == 404
    assert not PushSubscription.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(school: School) -> None:
    response = subscribe(Client(), fcm_device().as_json())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not PushSubscription.objects.exists()


def test_the_posts_need_the_pages_csrf_token(parent: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    page = client.get(reverse("notification_settings"))
    token = page.context["csrf_token"]

    assert subscribe(client, fcm_device("one").as_json()).status_code == 403
    assert not PushSubscription.objects.exists()
    response = subscribe(client, fcm_device("two").as_json(), x_csrftoken=str(token))
    assert response.status_code == 201


def test_only_posts_are_answered(parent: User) -> None:
    assert client_for(parent).get(reverse("push_subscribe")).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        b"\xff\xfe",
        "[]",
        {"endpoint": "https://fcm.googleapis.com/fcm/send/x"},
        {"endpoint": 7, "keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": ["a", "b"]},
        {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {"p256dh": None}},
        "x" * 5000,
    ],
)
def test_a_request_that_is_not_a_subscription_is_refused(parent: User, body: object) -> None:
    response = subscribe(client_for(parent), body)
    assert response.status_code == 400
    assert response.json() == {"error": str(UNREADABLE)}
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("http://fcm.googleapis.com/fcm/send/x", NOT_HTTPS),
        ("https://10.0.0.8/push", PRIVATE_ADDRESS),
        ("https://192.168.1.20/push", PRIVATE_ADDRESS),
        ("https://127.0.0.1/push", PRIVATE_ADDRESS),
        ("https://[::1]/push", PRIVATE_ADDRESS),
        ("https://localhost/push", PRIVATE_ADDRESS),
    ],
)
def test_bad_input_an_endpoint_that_is_not_https_or_is_private_is_refused(
    parent: User, endpoint: str, message: str
) -> None:
    device = Device(endpoint)
    response = subscribe(client_for(parent), device.as_json())

    assert response.status_code == 400
    assert response.json() == {"error": str(message)}
    assert not PushSubscription.objects.exists()


def test_bad_input_keys_that_are_not_keys_are_refused(parent: User) -> None:
    body = fcm_device().as_json()
    body["keys"]["p256dh"] = body["keys"]["p256dh"][:-4]
    response = subscribe(client_for(parent), body)
    assert response.status_code == 400
    assert response.json() == {"error": str(BAD_KEYS)}
    assert not PushSubscription.objects.exists()


def test_a_shared_device_turned_on_by_someone_else_becomes_theirs(parent: User) -> None:
    other = ParentFactory()
    device = fcm_device()
    subscribe(client_for(other), device.as_json())
    assert subscribe(client_for(parent), device.as_json()).status_code == 201
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [parent.pk]


def test_turning_on_again_keeps_one_row_and_takes_new_keys(parent: User) -> None:
    client = client_for(parent)
    first = fcm_device()
    subscribe(client, first.as_json())
    again = Device(first.endpoint)
    subscribe(client, again.as_json())
    stored = PushSubscription.objects.get()
    assert (stored.p256dh, stored.auth) == (again.p256dh, again.auth)


def test_a_new_device_beyond_the_limit_replaces_the_one_unused_longest(
    parent: User, settings
) -> None:
    settings.PUSH_MAX_DEVICES = 3
    client = client_for(parent)
    for token in ("oldest", "middle", "newest", "latest"):
        subscribe(client, fcm_device(token).as_json())
    kept = PushSubscription.objects.filter(user=parent).values_list("endpoint", flat=True)
    assert sorted(endpoint.rsplit("/", 1)[1] for endpoint in kept) == [
        "latest",
        "middle",
        "newest",
    ]


def test_R31_turning_push_off_forgets_only_ones_own_device(parent: User) -> None:
    mine, theirs = fcm_device("mine"), fcm_device("theirs")
    other = ParentFactory()
    subscribe(client_for(parent), mine.as_json())
    subscribe(client_for(other), theirs.as_json())

    response = unsubscribe(client_for(parent), mine.endpoint)
    assert response.status_code == 200
    assert response.json() == {"message": str(TURNED_OFF)}
    assert unsubscribe(client_for(parent), theirs.endpoint).status_code == 200
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other.pk]


def test_turning_off_without_an_endpoint_is_refused(parent: User) -> None:
    response = client_for(parent).post(
        reverse("push_unsubscribe"), "{}", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"error": str(UNREADABLE)}


# The settings page's section


def test_R31_settings_page_offers_push_with_the_schools_public_key(parent: User, settings) -> None:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    page = client_for(parent).get(reverse("notification_settings")).content.decode()
    assert "Notifications on this device" in page
    assert f'data-public-key="{settings.VAPID_PUBLIC_KEY}"' in page
    assert 'data-push-action="on"' in page and 'data-push-action="off"' in page
    assert "/static/js/push.js" in page


def test_without_keys_the_section_says_push_is_not_set_up(parent: User, settings) -> None:
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    page = client_for(parent).get(reverse("notification_settings")).content.decode()
    assert "Notifications on devices are not set up on this portal yet." in page
    assert "data-push-action" not in page
    assert "push.js" not in page


def section_for(user: User) -> str:
    request = RequestFactory().get(reverse("notification_settings"))
    request.user = user
    return render_to_string("notifications/push_device.html", request=request)


def test_the_section_names_ones_own_devices_by_hash_only(parent: User, settings) -> None:
    import hashlib

    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    mine, theirs = fcm_device("mine"), fcm_device("theirs")
    subscribe(client_for(parent), mine.as_json())
    subscribe(client_for(ParentFactory()), theirs.as_json())

    section = section_for(parent)
    assert hashlib.sha256(mine.endpoint.encode()).hexdigest() in section
    assert hashlib.sha256(theirs.endpoint.encode()).hexdigest() not in section
    assert "fcm.googleapis.com" not in section


@pytest.mark.parametrize("devices", [1, 8])
def test_the_section_costs_one_query_whatever_the_devices(
    parent: User, settings, devices: int
) -> None:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    for index in range(devices):
        subscribe(client_for(parent), fcm_device(f"d{index}").as_json())
    with CaptureQueriesContext(connection) as queries:
        section = section_for(parent)
    assert len(queries) == 1
    assert section.count("data-endpoints") == 1


# The key pair


def test_vapid_keys_writes_a_pair_only_its_owner_reads(tmp_path: Path, settings) -> None:
    settings.VAPID_KEY_FILE = tmp_path / "keys" / "vapid_keys.json"
    out = StringIO()
    call_command("vapid_keys", stdout=out)

    keys = json.loads(settings.VAPID_KEY_FILE.read_text())
    assert stat.S_IMODE(settings.VAPID_KEY_FILE.stat().st_mode) == 0o600
    assert keys["public_key"] in out.getvalue()
    assert keys["private_key"] not in out.getvalue()
    vapid = Vapid.from_string(keys["private_key"])
    headers = vapid.sign({"sub": "mailto:office@school.example.org", "aud": "https://x.example"})
    assert Vapid.verify(headers["Authorization"])
    assert f"k={keys['public_key']}" in headers["Authorization"]


def test_vapid_keys_never_replaces_keys_without_force(tmp_path: Path, settings) -> None:
    settings.VAPID_KEY_FILE = tmp_path / "vapid_keys.json"
    call_command("vapid_keys", stdout=StringIO())
    before = settings.VAPID_KEY_FILE.read_text()

    with pytest.raises(CommandError, match="--force"):
        call_command("vapid_keys", stdout=StringIO())
    call_command("vapid_keys", "--if-missing", stdout=StringIO())
    assert settings.VAPID_KEY_FILE.read_text() == before

    call_command("vapid_keys", "--force", stdout=StringIO())
    assert settings.VAPID_KEY_FILE.read_text() != before
    assert stat.S_IMODE(settings.VAPID_KEY_FILE.stat().st_mode) == 0o600


def test_vapid_keys_if_missing_makes_keys_when_there_are_none(tmp_path: Path, settings) -> None:
    settings.VAPID_KEY_FILE = tmp_path / "vapid_keys.json"
    call_command("vapid_keys", "--if-missing", stdout=StringIO())
    assert "public_key" in json.loads(settings.VAPID_KEY_FILE.read_text())


def test_vapid_keys_env_prints_lines_for_a_dotenv_file(tmp_path: Path, settings) -> None:
    settings.VAPID_KEY_FILE = tmp_path / "vapid_keys.json"
    out = StringIO()
    call_command("vapid_keys", "--env", stdout=out)
    public, private = (line.split("=", 1) for line in out.getvalue().split())
    assert (public[0], private[0]) == ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY")
    assert Vapid.from_string(private[1])
    assert not settings.VAPID_KEY_FILE.exists()


def run_clean(code: list[str], env: dict[str, str]) -> str:
    """Run ``python <code>`` in a fresh process with only ``env`` (plus PATH) set."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    clean["DJANGO_SETTINGS_MODULE"] = "dojo_portal.settings"
    done = subprocess.run(
        [sys.executable, *code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def keys_seen_with(env: dict[str, str]) -> list[str]:
    """The VAPID keys a fresh process's settings read with only ``env`` set."""
    show = "from django.conf import settings as s; print(s.VAPID_PUBLIC_KEY, s.VAPID_PRIVATE_KEY)"
    return run_clean(["-c", show], env).split()


def test_settings_read_the_key_file_in_the_var_folder_and_prefer_the_environment(
    tmp_path: Path,
) -> None:
    var = {"DOJO_VAR_DIR": str(tmp_path)}
    assert keys_seen_with(var) == []
    run_clean(["manage.py", "vapid_keys"], var)
    keys = json.loads((tmp_path / "vapid_keys.json").read_text())
    assert keys_seen_with(var) == [keys["public_key"], keys["private_key"]]
    public, private = new_key_pair()
    from_env = {**var, "VAPID_PUBLIC_KEY": public, "VAPID_PRIVATE_KEY": private}
    assert keys_seen_with(from_env) == [public, private]
