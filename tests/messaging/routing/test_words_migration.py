"""R22: the migration that leaves "collect" and "holiday" to the routing model takes back only
the default words as they were seeded, and puts them back when reversed."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from messaging.models import OfficePhrase, Topic

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "messaging.migrations.0007_office_words_left_to_the_routing_model"
)


def words() -> dict[str, str]:
    return dict(OfficePhrase.objects.values_list("phrase", "topic"))


def test_R22_the_defaults_the_model_reads_are_gone_and_the_rest_stay() -> None:
    listed = words()
    assert "collect" not in listed and "collecting" not in listed and "holiday" not in listed
    assert listed["pick up"] == Topic.URGENT and listed["off sick"] == Topic.SICKNESS


def test_R22_a_word_the_office_moved_to_another_topic_is_kept_and_reversing_restores() -> None:
    OfficePhrase.objects.create(topic=Topic.ABSENCE, phrase="collect")
    migration.forward(apps, None)
    assert words()["collect"] == Topic.ABSENCE  # the office's own choice stays
    migration.backward(apps, None)
    listed = words()
    assert listed["collect"] == Topic.ABSENCE  # not duplicated or changed
    assert listed["collecting"] == Topic.URGENT and listed["holiday"] == Topic.ABSENCE
