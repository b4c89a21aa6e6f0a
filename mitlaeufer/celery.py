"""The Celery application. Tasks live beside the services they wrap; ``CELERY_IMPORTS`` lists their modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitlaeufer.settings")

app = Celery("mitlaeufer")
app.config_from_object("django.conf:settings", namespace="CELERY")
