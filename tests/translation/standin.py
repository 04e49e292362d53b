"""A LibreTranslate (or Apertium APY) stand-in: a small real HTTP server on 127.0.0.1, in a
thread, that answers each path with a route the test gives and records every request. Models
cannot be downloaded where the tests run, so the tests and ``benchmarks/backfill.py`` talk to
this instead of a real server, through the same HTTP client the portal uses."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass
class Received:
    """One request as the stand-in server saw it: query, form and JSON fields in ``params``."""

    method: str
    path: str
    params: dict[str, Any]


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0
    trickle: float = 0.0  # seconds between the bytes of the body
    content_type: str = "application/json"
    send_length: bool = True  # False: no Content-Length, the body ends when the server closes


Route = Callable[[Received], Reply]


@dataclass
class StandIn:
    """An HTTP server on 127.0.0.1, in a thread, that answers each path with its route and
    records every request."""

    routes: dict[str, Route]
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def requests_to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def stop(self) -> None:
        self.release.set()  # wakes any route that is still sleeping
        self.server.shutdown()
        self.server.server_close()


def _handler_for(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            url = urlsplit(self.path)
            params: dict[str, Any] = dict(parse_qsl(url.query))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Type") == "application/json":
                params.update(json.loads(body))
            elif body:
                params.update(parse_qsl(body.decode()))
            request = Received(self.command, url.path, params)
            stand_in.received.append(request)
            route = stand_in.routes.get(url.path)
            reply = route(request) if route else Reply({"error": "Not Found"}, status=404)
            stand_in.release.wait(reply.delay)
            data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(data)))
                else:
                    self.close_connection = True
                self.end_headers()
                if not reply.trickle:
                    self.wfile.write(data)
                for index in range(len(data) if reply.trickle else 0):
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()
                    if stand_in.release.wait(reply.trickle):
                        break
            except OSError:
                pass  # the client gave up waiting, as it should

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def stand_in() -> Iterator[Callable[[dict[str, Route]], StandIn]]:
    started: list[StandIn] = []

    def start(routes: dict[str, Route]) -> StandIn:
        server = StandIn(routes)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def libretranslate_routes(
    translate: Callable[[str, str, str], str], codes: tuple[str, ...] = ("en", "es", "pl")
) -> dict[str, Route]:
    """LibreTranslate's two routes: ``/languages`` lists ``codes``, each with every other as a
    target, and ``/translate`` answers ``translate(text, source, target)``."""

    def languages(_request: Received) -> Reply:
        return Reply(
            [
                {"code": code, "name": code, "targets": [c for c in codes if c != code]}
                for code in codes
            ]
        )

    def translated(request: Received) -> Reply:
        params = request.params
        return Reply(
            {"translatedText": translate(params["q"], params["source"], params["target"])}
        )

    return {"/languages": languages, "/translate": translated}
