"""A push service and a phone, played by the tests: an HTTP server on 127.0.0.1 in a thread that
records what the portal pushes, and a device with its own subscription keys that decrypts it
(RFC 8291, with http_ece) and checks its VAPID signature (RFC 8292) as a real push service
would."""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """Answers every POST with the next status queued for its path (201 when none is), or with
    a redirect when the path has one, and records each request."""

    received: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def answer(self, path: str, *statuses: int) -> None:
        self.statuses.setdefault(path, []).extend(statuses)

    def next_status(self, path: str) -> int:
        with self._lock:
            queued = self.statuses.get(path) or []
            return queued.pop(0) if queued else 201

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler_for(service: PushService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            service.received.append(Received(self.path, headers, body))
            if self.path in service.redirects:
                self.send_response(307)
                self.send_header("Location", service.redirects[self.path])
            else:
                self.send_response(service.next_status(self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@dataclass
class Device:
    """A browser's push subscription: its endpoint and the keys only the device holds."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.secret)

    def as_json(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives the page's script."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }

    def decrypt(self, request: Received) -> dict[str, Any]:
        assert request.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            request.body,
            private_key=self.private_key,
            auth_secret=self.secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def vapid_claims(request: Received, public_key: str) -> dict[str, Any]:
    """The claims of the request's VAPID token, which must carry ``public_key`` and verify
    against it (py_vapid raises ``InvalidSignature`` otherwise)."""
    scheme, _space, params = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.split("=", 1) for part in params.split(","))
    assert parts["k"] == public_key
    return jwt.decode(parts["t"], public_key)
