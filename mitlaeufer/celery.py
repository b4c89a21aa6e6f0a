"""The Celery application. Tasks live beside the services they wrap; ``CELERY_IMPORTS`` lists their modules."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitlaeufer.settings")

app = Celery("mitlaeufer")
app.config_from_object("django.conf:settings", namespace="CELERY")


@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(task=None, **kwargs) -> None:
    """Treat every task like a request: keep the connection for CONN_MAX_AGE, drop it when broken.

    Celery's own fixup would close it around every task (``CELERY_DB_REUSE_MAX`` in the settings keeps
    it from doing so), and each task would connect anew and plan the prepared candidate search again.
    Eager tasks run inside the caller's request or test, whose connection is not ours to close.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
