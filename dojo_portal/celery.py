"""The Celery app. Tasks take ids, call a service, and are idempotent; the database holds due times."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings")

app = Celery("dojo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
