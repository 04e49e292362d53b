"""Which push subscriptions are accepted (issue 7, bad input): https only, never an address in
the school's network or on the server itself, keys of the right size; the trusted prefixes
that tests and a local push service use."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from notifications.push_endpoints import (
    BAD_ENDPOINT,
    BAD_KEYS,
    NOT_HTTPS,
    PRIVATE_ADDRESS,
    TOO_LONG,
    is_public_address,
    is_trusted,
    subscription_check,
)
from tests.notifications.push_device import Device, b64url

FCM = "https://fcm.googleapis.com/fcm/send/dK9f3:APA91bH"


@pytest.fixture
def device() -> Device:
    return Device(FCM)


def refusal(endpoint: str, device: Device, **keys: str) -> str:
    with pytest.raises(ValidationError) as refused:
        subscription_check(
            endpoint=endpoint,
            p256dh=keys.get("p256dh", device.p256dh),
            auth=keys.get("auth", device.auth),
        )
    return refused.value.messages[0]


@pytest.mark.parametrize(
    "endpoint",
    [
        FCM,
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://web.push.apple.com/QGx2ZmFr",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAD",
        "https://fcm.googleapis.com:443/fcm/send/abc",
    ],
)
def test_real_push_services_are_accepted(endpoint: str, device: Device) -> None:
    checked = subscription_check(endpoint=endpoint, p256dh=device.p256dh, auth=device.auth)
    assert checked.endpoint == endpoint


def test_an_endpoint_that_is_not_https_is_refused(device: Device) -> None:
    assert refusal("http://fcm.googleapis.com/fcm/send/abc", device) == NOT_HTTPS


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.5",
        "10.255.255.53",
        "172.16.4.1",
        "192.168.1.10",
        "127.0.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not one bound)
        "169.254.169.254",
        "100.64.0.1",
        "[::1]",
        "[fd00::1]",
        "[fe80::1]",
        "[::ffff:192.168.1.10]",
        "224.0.0.1",
        "localhost",
        "LOCALHOST",
        "localhost.",
        "printer.local",
        "db.internal",
        "api.localhost",
        "router.home.arpa",
    ],
)
def test_an_endpoint_in_the_schools_network_or_on_the_server_is_refused(
    host: str, device: Device
) -> None:
    assert refusal(f"https://{host}/push/1", device) == PRIVATE_ADDRESS


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.1/push",  # an address written as a name
        "https://0x7f.1/push",
        "https://2130706433/push",
        "https://intranet/push",  # no dot: a name on the local network
        "https://fcm.googleapis.com:8443/push",  # push services answer on 443
        "https://user:secret@fcm.googleapis.com/push",
        "https://fcm.googleapis.com/push#fragment",
        "https://fcm.googleapis.com/push with space",
        "https://-bad-.example.com/push",
        "ftp://fcm.googleapis.com/push",
        "fcm.googleapis.com/push",
        "https:///push",
        "https://[::1/push",
        "",
    ],
)
def test_an_endpoint_that_is_not_a_plain_https_url_is_refused(
    endpoint: str, device: Device
) -> None:
    assert refusal(endpoint, device) == BAD_ENDPOINT


def test_an_endpoint_too_long_to_store_is_refused(device: Device) -> None:
    assert refusal(FCM + "a" * 500, device) == TOO_LONG


def test_a_name_that_resolves_to_a_private_address_is_refused(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    def resolve(host: str, *args: object, **kwargs: object) -> list[tuple]:
        address = "10.1.2.3" if host == "push.rebind.example" else "142.250.180.10"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert refusal("https://push.rebind.example/x", device) == PRIVATE_ADDRESS
    subscription_check(endpoint=FCM, p256dh=device.p256dh, auth=device.auth)


def test_a_name_that_does_not_resolve_is_accepted(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portal may have no DNS of its own for the push services; the connection itself is
    checked when pushing (see test_push)."""

    def no_dns(*args: object, **kwargs: object) -> list[tuple]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    subscription_check(endpoint=FCM, p256dh=device.p256dh, auth=device.auth)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("p256dh", "not base64!"),
        ("p256dh", b64url(b"\x04" + b"\x01" * 63)),  # 64 bytes
        ("p256dh", b64url(b"\x04" + b"\x00" * 64)),  # 65 bytes, not a point on the curve
        ("p256dh", b64url(b"\x02" + b"\x01" * 64)),  # not an uncompressed point
        ("p256dh", ""),
        ("auth", b64url(b"\x01" * 15)),
        ("auth", b64url(b"\x01" * 32)),
        ("auth", "a+b/c="),  # base64, not base64url
        ("auth", ""),
    ],
)
def test_keys_of_the_wrong_form_or_size_are_refused(key: str, value: str, device: Device) -> None:
    assert refusal(FCM, device, **{key: value}) == BAD_KEYS


def test_keys_are_stored_without_padding(device: Device) -> None:
    checked = subscription_check(endpoint=FCM, p256dh=device.p256dh + "=", auth=device.auth + "==")
    assert (checked.p256dh, checked.auth) == (device.p256dh, device.auth)


def test_trusted_prefixes_skip_the_checks_for_exactly_that_origin(settings) -> None:
    settings.PUSH_TRUSTED_ENDPOINTS = ["http://127.0.0.1:8765/push/"]
    device = Device("http://127.0.0.1:8765/push/1")
    subscription_check(endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth)
    assert is_trusted("http://127.0.0.1:8765/push/2")
    assert not is_trusted("http://127.0.0.1:8766/push/2")
    assert not is_trusted("http://127.0.0.1:8765/other")
    assert not is_trusted("https://127.0.0.1:8765/push/2")
    assert not is_trusted("http://127.0.0.1:8765@evil.example/push/2")
    assert not is_trusted("http://user@127.0.0.1:8765/push/2")
    assert refusal("http://127.0.0.1:8766/push/1", device) == NOT_HTTPS


def test_untrusted_loopback_is_refused_even_over_https(device: Device, settings) -> None:
    settings.PUSH_TRUSTED_ENDPOINTS = []
    assert refusal("https://127.0.0.1:443/push/1", device) == PRIVATE_ADDRESS


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("142.250.180.10", True),
        ("2a00:1450:4009:81f::200a", True),
        ("10.0.0.1", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("127.0.0.53", False),
        ("169.254.1.1", False),
        ("100.100.100.100", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:142.250.180.10", True),
        ("2002:0a00:0001::1", False),  # 6to4 around 10.0.0.1
        ("ff02::1", False),
        ("not an address", False),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public
