"""The translation backends: which language pairs each covers, and one call to each.

Everything here raises ``Failure`` for trouble with a backend and gives up when the caller's
``deadline`` (a ``time.monotonic()`` value) has passed; the package's public functions turn that
into ``None`` and do the caching of results.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import time
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache

OFF = "off"
APERTIUM = "apertium"
APY = "apy"
LIBRETRANSLATE = "libretranslate"

# Apertium names languages by ISO 639-3 (its modes are e.g. ``eng-spa``); LibreTranslate uses the
# two-letter codes that are Django's base languages.
APERTIUM_CODES = {
    "en": "eng",
    "es": "spa",
    "pl": "pol",
    "ro": "ron",
    "ur": "urd",
    "pa": "pan",
    "ar": "ara",
}

PAIRS_TTL = 300
MAX_ANSWER_BYTES = 1_000_000

Pair = tuple[str, str]


class Failure(Exception):
    """The backend gave no usable answer. ``down``: it is unreachable, overloaded or too slow,
    and should be left alone for a while."""

    def __init__(self, reason: str, *, down: bool = False) -> None:
        super().__init__(reason)
        self.down = down


def base_language(code: str) -> str:
    """``en-gb`` → ``en``: translation works on base languages."""
    return code.replace("_", "-").split("-")[0].strip().lower()


def server_url() -> str:
    return str(settings.TRANSLATION_URL or "").strip().rstrip("/")


def backend_id(name: str) -> str:
    """The backend and, for a server, which server: each server has its own cache entries."""
    if name == APERTIUM:
        return name
    return f"{name}:{hashlib.sha256(server_url().encode()).hexdigest()[:16]}"


def remaining(deadline: float) -> float:
    """Seconds left before ``deadline``; ``Failure`` when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise Failure("timed out", down=True)
    return left


# Pairs -------------------------------------------------------------------------------------


def route(name: str, source: str, target: str, deadline: float) -> Pair | None:
    """The backend's own codes for translating ``source`` into ``target`` (Django codes), or
    None when it does not cover the pair. Apertium names languages with three letters, or two
    in older packages (``es-ro``), and may offer a variant (``spa-eng_US``) beside the plain
    pair; the plain pair is preferred."""
    pairs = _pairs(name, deadline)
    if name == LIBRETRANSLATE:
        pair = (base_language(source), base_language(target))
        return pair if pair in pairs else None
    sources, targets = _apertium_names(source), _apertium_names(target)
    matches = [p for p in pairs if p[0].split("_")[0] in sources and p[1].split("_")[0] in targets]
    return min(matches, key=lambda p: ("_" in p[0] + p[1], p), default=None)


def _apertium_names(code: str) -> set[str]:
    base = base_language(code)
    return {base, APERTIUM_CODES.get(base, base)}


def _pairs(name: str, deadline: float) -> frozenset[Pair]:
    """The pairs the backend lists, cached for ``PAIRS_TTL`` seconds."""
    key = f"translation:pairs:{backend_id(name)}"
    cached = cache.get(key)
    if cached is not None:
        return frozenset(tuple(pair) for pair in cached)
    fetch = {APERTIUM: _apertium_pairs, APY: _apy_pairs, LIBRETRANSLATE: _libretranslate_pairs}
    try:
        pairs = fetch[name](deadline)
    except Failure as failure:
        raise Failure(f"listing pairs: {failure}", down=True) from failure
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise Failure(f"unexpected list of pairs ({error!r})", down=True) from error
    cache.set(key, sorted(pairs), PAIRS_TTL)
    return pairs


def _apertium_pairs(deadline: float) -> frozenset[Pair]:
    modes = _run_apertium(["-l"], stdin="", deadline=deadline).split()
    return frozenset((m.split("-")[0], m.split("-")[1]) for m in modes if m.count("-") == 1)


def _apy_pairs(deadline: float) -> frozenset[Pair]:
    answer = _http_json(f"{server_url()}/listPairs", deadline=deadline)
    return frozenset(
        (str(item["sourceLanguage"]), str(item["targetLanguage"]))
        for item in answer["responseData"]
    )


def _libretranslate_pairs(deadline: float) -> frozenset[Pair]:
    """LibreTranslate lists its languages with their targets; an older server without
    ``targets`` translates between any two of its languages (it pivots through English)."""
    languages = _http_json(f"{server_url()}/languages", deadline=deadline)
    codes = [str(language["code"]) for language in languages]
    return frozenset(
        (str(language["code"]), str(other))
        for language in languages
        for other in language.get("targets", codes)
        if other != language["code"]
    )


# Calls -------------------------------------------------------------------------------------


def call(name: str, text: str, pair: Pair, deadline: float) -> str:
    """``text`` translated by backend ``name`` along ``pair`` (the backend's own codes)."""
    try:
        if name == APERTIUM:
            # -u: no '*' before unknown words; the txt format keeps line breaks and takes
            # characters such as < and & as text, not markup.
            args = ["-u", "-f", "txt", "-".join(pair)]
            return _run_apertium(args, stdin=text, deadline=deadline)
        if name == APY:
            return _apy_translate(text, pair, deadline)
        return _libretranslate_translate(text, pair, deadline)
    except (KeyError, TypeError, AttributeError) as error:
        raise Failure(f"unexpected answer ({error!r})") from error


def _apy_translate(text: str, pair: Pair, deadline: float) -> str:
    # APY takes the parameters of its GET by POST too, so a long post cannot make the URL too
    # long. format=txt: plain text, as the local command does.
    form = {"q": text, "langpair": "|".join(pair), "markUnknown": "no", "format": "txt"}
    answer = _http_json(f"{server_url()}/translate", deadline=deadline, form=form)
    if answer.get("responseStatus") != 200:
        raise Failure(f"APY answered status {answer.get('responseStatus')!r}")
    return _text(answer["responseData"]["translatedText"])


def _libretranslate_translate(text: str, pair: Pair, deadline: float) -> str:
    payload = {"q": text, "source": pair[0], "target": pair[1], "format": "text"}
    if settings.TRANSLATION_API_KEY:
        payload["api_key"] = str(settings.TRANSLATION_API_KEY)
    answer = _http_json(f"{server_url()}/translate", deadline=deadline, payload=payload)
    return _text(answer["translatedText"])


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise Failure("the answer holds no text")
    return value


def _run_apertium(args: list[str], *, stdin: str, deadline: float) -> str:
    """The output of ``apertium args`` fed ``stdin``. Apertium is a shell script running a
    pipeline, so it runs in its own process group and the whole group is killed on time out."""
    timeout = remaining(deadline)
    try:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments; the text goes through stdin
            [shutil.which("apertium") or "apertium", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        raise Failure(f"cannot run apertium ({error})", down=True) from error
    try:
        # Bytes, not text mode: text mode would turn the \r\n of a browser's form into \n.
        output, errors = process.communicate(stdin.encode(), timeout=timeout)
    except subprocess.TimeoutExpired as error:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise Failure("timed out", down=True) from error
    if process.returncode != 0:
        reason = errors.decode(errors="replace").strip()[:200]
        raise Failure(f"apertium exited with {process.returncode}: {reason}")
    return output.decode(errors="replace")


def _http_json(
    url: str,
    *,
    deadline: float,
    form: dict[str, str] | None = None,
    payload: dict[str, str] | None = None,
) -> Any:
    """The decoded JSON answer to a GET of ``url`` (a POST with ``form`` or a JSON
    ``payload``). Each socket operation gets the time left; a 5xx or 429 answer, or none at
    all, marks the server down."""
    headers = {"Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    # The scheme is http(s): backend_name() turns translation off for any other URL.
    request = Request(url, data=data, headers=headers)  # noqa: S310
    body = bytearray()
    try:
        with urlopen(request, timeout=remaining(deadline)) as response:  # noqa: S310
            # A proxy's error page or a captive portal is HTML; a reply that says it is larger
            # than any translation is refused before a byte of it is read.
            if response.headers.get_content_type() == "text/html":
                raise Failure("the answer is a web page, not JSON")
            if (response.length or 0) > MAX_ANSWER_BYTES:
                raise Failure("the answer is too large")
            # Chunk by chunk, so that a server that trickles its answer meets the deadline too.
            while chunk := response.read1(65536):
                body += chunk
                remaining(deadline)
                if len(body) > MAX_ANSWER_BYTES:
                    raise Failure("the answer is too large")
    except HTTPError as error:
        raise Failure(f"HTTP {error.code}", down=error.code >= 500 or error.code == 429) from error
    except (OSError, http.client.HTTPException) as error:  # refused, reset or timed out
        raise Failure(f"no answer ({error})", down=True) from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise Failure("the answer is not JSON") from error
