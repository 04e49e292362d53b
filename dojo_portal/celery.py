"""The Celery app: tasks take ids, call a service, are idempotent; the database keeps due times."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings")

app = Celery("dojo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
