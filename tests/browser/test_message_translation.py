"""Translated messages in a real browser (R34): the teacher reads a Spanish parent's message in
English, marked as machine-translated, and opens the original with one tap (no script: a
``<details>``); the parent reads the teacher's reply in Spanish, on a Spanish page. The
teacher's compose box carries the writing tips. Every page passes axe-core, fits 320 px and
loads nothing from elsewhere. The translations are made here as the worker stores them (the
worker and the engine have their own tests in ``tests/messaging/test_translation.py``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from messaging.models import Message, MessageTranslation
from messaging.services.messages import message_reply, message_start
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.clock import at
from tests.factories import (
    PASSWORD,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
PARENT_ES = "Mi hija está enferma hoy."
PARENT_EN = "My daughter is ill today."
REPLY_EN = "Thank you. I hope she feels better soon."
REPLY_ES = "Gracias. Espero que se mejore pronto."


def translated(message: Message, language: str, body: str) -> None:
    MessageTranslation.objects.create(message=message, language=language, body=body)
    Message.objects.filter(pk=message.pk).update(translated_at=timezone.now())


def signed_in(new_context: Callable[..., BrowserContext], live_server: Any, user: User) -> Page:
    page = new_context().new_page()
    assert user.email
    sign_in(page, live_server, user.email, PASSWORD)
    return page


def test_R34_the_teacher_reads_english_with_the_spanish_original_a_tap_away_and_back(
    school: Any,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    request_log: RequestLog,
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    parent = ParentLinkFactory.create(pupil=maya, parent__preferred_language="es").parent
    with at(TUESDAY_1000):
        first = message_start(acting_user=parent, other=teacher, pupil=maya, body=PARENT_ES)
        translated(first, "en-gb", PARENT_EN)
        reply = message_reply(acting_user=teacher, thread=first.thread, body=REPLY_EN)
        translated(reply, "es", REPLY_ES)
        url = f"{live_server.url}/messages/{first.thread_id}/"

        page = signed_in(new_context, live_server, teacher)
        page.on("request", lambda req: request_log.record(req.url))
        page.goto(url)
        item = page.locator("li.msg").filter(has_text=PARENT_EN)
        expect(item.locator('.msg-body[lang="en-gb"]')).to_have_text(PARENT_EN)
        expect(item).to_contain_text("Translated by a computer from Spanish")
        original = item.locator('details [lang="es"]')
        expect(original).to_be_hidden()
        expect(page.get_by_text("Tips for writing that translates well")).to_be_visible()
        check_page(page, request_log)
        item.get_by_text("Show the original").click()
        expect(original).to_have_text(PARENT_ES)
        check_page(page, request_log)

        page = signed_in(new_context, live_server, parent)
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "es"
        item = page.locator("li.msg").filter(has_text=REPLY_ES)
        expect(item.locator('.msg-body[lang="es"]')).to_have_text(REPLY_ES)
        expect(item).to_contain_text("Traducido por computadora del inglés")
        expect(page.get_by_text("Consejos para escribir")).to_have_count(0)
        item.get_by_text("Ver el original").click()
        expect(item.locator('details [lang="en-gb"]')).to_have_text(REPLY_EN)
        check_page(page, request_log)
