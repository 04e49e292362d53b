"""The shared translation service (R17): a local Apertium, an Apertium APY server and a
LibreTranslate server; no translation rather than an error or a wait when anything goes wrong;
and the cache that keeps the service from being asked twice."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.requirements import require_or_skip
from tests.translation.standin import Received, Reply, Route, StandIn
from translation import backend_name, covers, translate

TRIP = "The children enjoyed the school trip."
TRIP_ES = "Los niños disfrutaron de la excursión escolar."
LETTER = "Dear parents,\r\nThe children enjoyed the school trip.\n\nThank you for your help."
LETTER_ES = "Queridos padres:\r\nLos niños disfrutaron de la excursión escolar.\n\nGracias."


def spanish(text: str) -> str:
    """The stand-ins' translation: a fixed phrase book, so a test can say what it expects."""
    return {TRIP: TRIP_ES, LETTER: LETTER_ES}.get(text, f"(es) {text}")


def apy_pairs(_: Received) -> Reply:
    pairs = [("eng", "spa"), ("spa", "eng"), ("spa", "eng_US")]
    data = [{"sourceLanguage": s, "targetLanguage": t} for s, t in pairs]
    return Reply({"responseData": data, "responseDetails": None, "responseStatus": 200})


def apy_translate(request: Received) -> Reply:
    translated = {"translatedText": spanish(request.params["q"])}
    return Reply({"responseData": translated, "responseDetails": None, "responseStatus": 200})


def lt_languages(_: Received) -> Reply:
    return Reply(
        [
            {"code": "en", "name": "English", "targets": ["es", "pl"]},
            {"code": "es", "name": "Spanish", "targets": ["en"]},
            {"code": "pl", "name": "Polish", "targets": ["en"]},
        ]
    )


def lt_translate(request: Received) -> Reply:
    return Reply({"translatedText": spanish(request.params["q"])})


APY_ROUTES: dict[str, Route] = {"/listPairs": apy_pairs, "/translate": apy_translate}
LT_ROUTES: dict[str, Route] = {"/languages": lt_languages, "/translate": lt_translate}
ROUTES = {"apy": APY_ROUTES, "libretranslate": LT_ROUTES}
LIST_PATHS = {"apy": "/listPairs", "libretranslate": "/languages"}


def use_server(settings: Any, backend: str, url: str) -> None:
    settings.TRANSLATION_BACKEND = backend
    settings.TRANSLATION_URL = url
    settings.TRANSLATION_API_KEY = ""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def line_breaks(text: str) -> list[str]:
    return re.findall(r"\r?\n", text)


# A local Apertium ---------------------------------------------------------------------------


@pytest.fixture
def local_apertium(settings: Any) -> None:
    apertium = shutil.which("apertium")
    modes = ""
    if apertium:
        modes = subprocess.run(
            [apertium, "-l"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    require_or_skip("eng-spa" in modes.split(), "Apertium with its eng-spa pair is not installed")
    settings.TRANSLATION_BACKEND = "apertium"
    settings.TRANSLATION_TIMEOUT = 10  # a busy CI machine: the command itself takes ~0.1 s


@pytest.mark.usefixtures("local_apertium")
def test_R17_local_apertium_translates_an_english_post_into_spanish() -> None:
    translated = translate(TRIP, source="en-gb", target="es")

    assert translated is not None
    assert "niños" in translated
    assert "viaje escolar" in translated


@pytest.mark.usefixtures("local_apertium")
def test_R17_local_apertium_keeps_the_line_breaks_of_a_post() -> None:
    translated = translate(LETTER, source="en-gb", target="es")

    assert translated is not None
    assert line_breaks(translated) == line_breaks(LETTER)
    lines = translated.splitlines()
    assert "niños" in lines[1]
    assert lines[2] == ""


@pytest.mark.usefixtures("local_apertium")
def test_R17_local_apertium_covers_only_its_installed_pairs() -> None:
    assert backend_name() == "apertium"
    assert covers("en-gb", "es")
    assert covers("es", "en-gb")
    assert not covers("en-gb", "pl")
    assert not covers("en-gb", "ar")
    assert translate(TRIP, source="en-gb", target="pl") is None


def test_R17_auto_uses_apertium_only_when_it_is_installed(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings.TRANSLATION_BACKEND = "auto"
    monkeypatch.setenv("PATH", str(tmp_path))

    assert backend_name() == "off"
    assert translate(TRIP, source="en-gb", target="es") is None

    fake_apertium(tmp_path, "echo '  eng-spa'")
    assert backend_name() == "apertium"


def fake_apertium(folder: Path, listing: str, translating: str = "cat") -> None:
    """An ``apertium`` command in ``folder`` that lists with ``listing`` and translates with
    ``translating`` (shell code)."""
    script = folder / "apertium"
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then {listing}; exit 0; fi\n{translating}\n'
    )
    script.chmod(0o755)


def test_R17_local_apertium_finds_pairs_named_the_old_way(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Older Debian pairs such as apertium-es-ro name their modes with two-letter codes.
    fake_apertium(tmp_path, "printf '  es-ro\\n  eng-spa\\n'", translating='echo "mode $4"')
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    settings.TRANSLATION_BACKEND = "apertium"

    assert covers("es", "ro")
    assert not covers("ro", "es")
    assert translate("Hola.", source="es", target="ro") == "mode es-ro\n"
    assert translate("Hello.", source="en-gb", target="es") == "mode eng-spa\n"


def test_R17_a_local_apertium_that_hangs_is_given_up_on_time(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Like the real command, a shell script whose pipeline keeps running after the shell.
    fake_apertium(tmp_path, "echo '  eng-spa'", translating="sleep 5 | cat")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    settings.TRANSLATION_BACKEND = "apertium"
    settings.TRANSLATION_TIMEOUT = 0.3

    started = time.monotonic()
    assert translate(TRIP, source="en-gb", target="es") is None
    assert time.monotonic() - started < 1.5


def test_R17_a_local_apertium_that_fails_gives_no_translation(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_apertium(tmp_path, "echo '  eng-spa'", translating="echo broken >&2; exit 1")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    settings.TRANSLATION_BACKEND = "apertium"

    assert covers("en-gb", "es")
    assert translate(TRIP, source="en-gb", target="es") is None


# Servers ----------------------------------------------------------------------------------


def test_R17_apy_server_translates_with_apertium_codes(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    server = stand_in(APY_ROUTES)
    use_server(settings, "apy", server.url)

    assert translate(LETTER, source="en-gb", target="es") == LETTER_ES

    (request,) = server.requests_to("/translate")
    assert request.params["langpair"] == "eng|spa"
    assert request.params["q"] == LETTER
    assert request.params["markUnknown"] == "no"
    assert request.params["format"] == "txt"
    assert backend_name() == "apy"


def test_R17_apy_server_covers_the_pairs_it_lists(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    server = stand_in(APY_ROUTES)
    use_server(settings, "apy", server.url)

    assert covers("en-gb", "es")
    assert covers("es", "en-gb")
    assert not covers("en-gb", "pl")
    assert translate(TRIP, source="en-gb", target="pl") is None
    # The plain pair, not the variant the server also lists.
    assert translate(TRIP, source="es", target="en-gb") == spanish(TRIP)
    assert [r.params["langpair"] for r in server.requests_to("/translate")] == ["spa|eng"]
    assert len(server.requests_to("/listPairs")) == 1


def test_R17_libretranslate_server_gets_two_letter_codes_and_the_api_key(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    server = stand_in(LT_ROUTES)
    use_server(settings, "libretranslate", server.url)
    settings.TRANSLATION_API_KEY = "school-key"

    assert translate(LETTER, source="en-gb", target="es") == LETTER_ES

    (request,) = server.requests_to("/translate")
    assert request.method == "POST"
    assert request.params == {
        "q": LETTER,
        "source": "en",
        "target": "es",
        "format": "text",
        "api_key": "school-key",
    }
    assert backend_name() == "libretranslate"


def test_R17_libretranslate_server_without_a_key_is_sent_none(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    server = stand_in(LT_ROUTES)
    use_server(settings, "libretranslate", server.url)

    assert translate(TRIP, source="en-gb", target="es") == TRIP_ES
    (request,) = server.requests_to("/translate")
    assert "api_key" not in request.params


def test_R17_libretranslate_server_covers_the_targets_it_lists(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    server = stand_in(LT_ROUTES)
    use_server(settings, "libretranslate", server.url)

    assert covers("en-gb", "pl")
    assert covers("es", "en-gb")
    assert not covers("es", "pl")
    assert not covers("en-gb", "ur")
    assert translate(TRIP, source="es", target="pl") is None
    assert server.requests_to("/translate") == []


# Failures ----------------------------------------------------------------------------------


def failing(reply: Reply) -> dict[str, dict[str, Route]]:
    """Both servers' routes, with /translate answering ``reply``."""
    return {
        backend: {**routes, "/translate": lambda _request: reply}
        for backend, routes in ROUTES.items()
    }


@pytest.mark.parametrize("backend", ["apy", "libretranslate"])
@pytest.mark.parametrize(
    "reply",
    [
        Reply({"error": "Internal Server Error"}, status=500),
        Reply(raw=b"<html><body>Bad gateway</body></html>"),
        Reply({"unexpected": "shape"}),
    ],
    ids=["server-error", "not-json", "wrong-shape"],
)
def test_R17_a_server_that_fails_gives_no_translation_and_a_warning(
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
    caplog: pytest.LogCaptureFixture,
    backend: str,
    reply: Reply,
) -> None:
    server = stand_in(failing(reply)[backend])
    use_server(settings, backend, server.url)

    assert translate(TRIP, source="en-gb", target="es") is None
    assert len(server.requests_to("/translate")) == 1
    assert f"Translation with {backend} failed" in caplog.text
    assert TRIP not in caplog.text  # posts are about children: their text is never logged


@pytest.mark.parametrize("backend", ["apy", "libretranslate"])
def test_R17_a_server_that_refuses_connections_gives_no_translation(
    settings: Any, backend: str
) -> None:
    use_server(settings, backend, f"http://127.0.0.1:{free_port()}")

    started = time.monotonic()
    assert translate(TRIP, source="en-gb", target="es") is None
    assert not covers("en-gb", "es")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("backend", ["apy", "libretranslate"])
@pytest.mark.parametrize("slow_path", ["list", "/translate"])
def test_R17_a_slow_server_is_given_up_on_after_the_timeout(
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
    backend: str,
    slow_path: str,
) -> None:
    path = LIST_PATHS[backend] if slow_path == "list" else slow_path
    routes = dict(ROUTES[backend])
    answer = routes[path]
    routes[path] = lambda request: Reply(answer(request).body, delay=2)
    server = stand_in(routes)
    use_server(settings, backend, server.url)
    settings.TRANSLATION_TIMEOUT = 0.3

    started = time.monotonic()
    assert translate(TRIP, source="en-gb", target="es") is None
    assert time.monotonic() - started < 1
    assert server.requests_to(path)


def test_R17_a_server_that_trickles_its_answer_is_given_up_on_after_the_timeout(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    """Each byte comes well within the timeout, the whole answer long after it."""
    slow = Reply({"translatedText": TRIP_ES}, trickle=0.05)
    server = stand_in({**LT_ROUTES, "/translate": lambda _request: slow})
    use_server(settings, "libretranslate", server.url)
    settings.TRANSLATION_TIMEOUT = 0.3

    started = time.monotonic()
    assert translate(TRIP, source="en-gb", target="es") is None
    assert time.monotonic() - started < 1


TEN_MB = b'{"translatedText": "' + b"a" * 10_000_000 + b'"}'


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw=b"\x00\xffgarbage{{{"),
        Reply(raw=b"<!doctype html><title>Gateway</title>", content_type="text/html"),
        Reply(raw=b'{"translatedText": "hola"}', content_type="text/html; charset=utf-8"),
        Reply(raw=TEN_MB),
        Reply(raw=TEN_MB, send_length=False),
    ],
    ids=["garbage", "html", "json-labelled-html", "10-mb", "10-mb-without-length"],
)
def test_R17_an_engine_that_answers_garbage_html_or_10_mb_is_refused(
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
    caplog: pytest.LogCaptureFixture,
    reply: Reply,
) -> None:
    server = stand_in(failing(reply)["libretranslate"])
    use_server(settings, "libretranslate", server.url)

    started = time.monotonic()
    assert translate(TRIP, source="en-gb", target="es") is None
    assert time.monotonic() - started < 2  # at most a megabyte is read, never ten
    assert "Translation with libretranslate failed" in caplog.text


def test_R17_an_engine_that_fails_for_every_text_is_logged_once(
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Thirty posts against an engine that answers garbage: one warning, not thirty."""
    server = stand_in(failing(Reply(raw=b"not json"))["libretranslate"])
    use_server(settings, "libretranslate", server.url)

    for number in range(30):
        assert translate(f"Post {number}.", source="en-gb", target="es") is None
    assert len(server.requests_to("/translate")) == 30  # each text was tried
    warnings = [r for r in caplog.records if "Translation with" in r.getMessage()]
    assert len(warnings) == 1


def test_R17_a_server_that_timed_out_is_left_alone_for_a_while(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    """A page of twenty posts must not wait twenty times on a dead server."""
    server = stand_in(
        {**LT_ROUTES, "/translate": lambda request: Reply(spanish(request.params["q"]), delay=2)}
    )
    use_server(settings, "libretranslate", server.url)
    settings.TRANSLATION_TIMEOUT = 0.3
    assert translate(TRIP, source="en-gb", target="es") is None

    started = time.monotonic()
    assert translate("Another post.", source="en-gb", target="es") is None
    assert not covers("en-gb", "es")
    assert time.monotonic() - started < 0.1
    assert len(server.requests_to("/translate")) == 1


def test_R17_a_bad_answer_for_one_text_does_not_stop_the_others(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    def translate_route(request: Received) -> Reply:
        if request.params["q"] == "Broken.":
            return Reply(raw=b"not json")
        return lt_translate(request)

    server = stand_in({**LT_ROUTES, "/translate": translate_route})
    use_server(settings, "libretranslate", server.url)

    assert translate("Broken.", source="en-gb", target="es") is None
    assert translate("Broken.", source="en-gb", target="es") is None  # remembered briefly
    assert translate(TRIP, source="en-gb", target="es") == TRIP_ES
    assert [r.params["q"] for r in server.requests_to("/translate")] == ["Broken.", TRIP]


def test_R17_translation_off_gives_none(settings: Any) -> None:
    settings.TRANSLATION_BACKEND = "off"

    assert backend_name() == "off"
    assert translate(TRIP, source="en-gb", target="es") is None
    assert not covers("en-gb", "es")


@pytest.mark.parametrize(
    ("backend", "url"),
    [("apy", ""), ("libretranslate", "file:///etc/passwd"), ("deepl", "http://127.0.0.1:1")],
)
def test_R17_a_backend_that_is_not_set_up_is_off(settings: Any, backend: str, url: str) -> None:
    use_server(settings, backend, url)

    assert backend_name() == "off"
    assert translate(TRIP, source="en-gb", target="es") is None


def test_R17_the_same_language_is_not_translated(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    server = stand_in(LT_ROUTES)
    use_server(settings, "libretranslate", server.url)

    assert translate(TRIP, source="en-gb", target="en") is None
    assert not covers("en", "en-gb")
    assert server.received == []


# Caching ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["apy", "libretranslate"])
def test_R17_a_translation_is_asked_for_once(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn], backend: str
) -> None:
    server = stand_in(ROUTES[backend])
    use_server(settings, backend, server.url)

    assert translate(TRIP, source="en-gb", target="es") == TRIP_ES
    assert translate(TRIP, source="en-gb", target="es") == TRIP_ES
    assert len(server.requests_to("/translate")) == 1

    assert translate(LETTER, source="en-gb", target="es") == LETTER_ES
    assert len(server.requests_to("/translate")) == 2
    assert len(server.requests_to(LIST_PATHS[backend])) == 1


def test_R17_each_server_has_its_own_cached_translations(
    settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]
) -> None:
    first, second = stand_in(LT_ROUTES), stand_in(LT_ROUTES)
    use_server(settings, "libretranslate", first.url)
    assert translate(TRIP, source="en-gb", target="es") == TRIP_ES

    settings.TRANSLATION_URL = second.url
    assert translate(TRIP, source="en-gb", target="es") == TRIP_ES
    assert len(second.requests_to("/translate")) == 1
