"""Queue a Celery task once the current transaction commits, with one policy for a broker outage.

The policy, in one place: the change that caused a task is already committed, so
an unreachable broker must neither turn it into an error page nor lose the task.
When ``delay`` fails, the task's name and id arguments are written to the
database (``DeferredTask``) and ``deferred_tasks_relay`` (Celery beat, every
``DEFERRED_TASKS_RELAY_SECONDS``) queues them again once the broker answers.
Nothing runs in the web process instead: a page never waits for a mail server.
With no broker configured (``make run``) tasks run eagerly in-process as usual.
"""

import logging

from celery import Task, current_app, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from core.models import DeferredTask

logger = logging.getLogger(__name__)

# What a publish raises when Redis is down: kombu's OperationalError, or a plain socket error.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError)
RELAY_BATCH = 500

# The retry policy of tasks that talk to the broker or the database: a passing failure is retried with
# backoff (1 s, 2 s, 4 s, … at most 10 min), eight times. Mails retry through their outbox row instead
# (core.outbox), which outlives a worker and shows the failure to coordinators.
RETRY_TRANSIENT = {
    "autoretry_for": (*BROKER_ERRORS, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


def queue_after_commit(task: Task, *, countdown: int | None = None, **kwargs: int | str | bool) -> None:
    """Queue ``task(**kwargs)`` once the transaction commits (at once outside one); ids only in ``kwargs``."""

    def send() -> None:
        task_queue(task, countdown=countdown, **kwargs)

    transaction.on_commit(send)


def task_queue(task: Task, *, countdown: int | None = None, **kwargs: int | str | bool) -> bool:
    """Queue now; on a broker outage record the task for the relay. True if the broker took it."""
    try:
        task.apply_async(kwargs=kwargs, countdown=countdown)
        return True
    except BROKER_ERRORS as exc:
        DeferredTask.objects.create(task_name=task.name, kwargs=kwargs)
        logger.warning("broker unavailable (%s); %s deferred", type(exc).__name__, task.name)
        return False


@shared_task
def deferred_tasks_relay() -> int:
    """Celery beat: queue the tasks recorded during a broker outage; returns how many went out.

    Runs in a worker, so the broker is back when it runs. Rows are claimed with
    SKIP LOCKED, so two relays never queue one task twice.
    """
    relayed = 0
    with transaction.atomic():
        rows = list(DeferredTask.objects.select_for_update(skip_locked=True).order_by("id")[:RELAY_BATCH])
        for row in rows:
            task = current_app.tasks.get(row.task_name)
            if task is None:
                logger.error("deferred task %s is unknown; dropped", row.task_name)
            else:
                try:
                    task.apply_async(kwargs=row.kwargs)
                except BROKER_ERRORS:
                    break  # still down: the rest stays for the next run
                relayed += 1
            row.delete()
    if relayed:
        logger.info("relayed %s deferred tasks", relayed)
    return relayed
