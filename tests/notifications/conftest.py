"""Fixtures of the notification tests (none is used unless a test asks for it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import User
from classes.models import Pupil

from .helpers import MailServer


@pytest.fixture
def mail_server(settings: Any) -> Iterator[type[MailServer]]:
    """The tests' mail server (see ``MailServer``), reset before and after the test."""
    settings.EMAIL_BACKEND = f"{MailServer.__module__}.MailServer"
    MailServer.refused, MailServer.failures, MailServer.attempts = set(), 0, 0
    yield MailServer
    MailServer.refused, MailServer.failures, MailServer.attempts = set(), 0, 0


@pytest.fixture
def parent(parent_with_child: tuple[User, Pupil]) -> User:
    return parent_with_child[0]


@pytest.fixture
def maya(parent_with_child: tuple[User, Pupil]) -> Pupil:
    return parent_with_child[1]
