"""Celery tasks of the directory: thin wrappers that take ids and call services."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError,)
MAIL_ERRORS = (OSError,)  # SMTP errors are OSErrors too


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=6)
def initiative_mail_edit_link(*, initiative_id: int) -> None:
    from directory import initiative_services

    initiative_services.initiative_mail_edit_link(initiative_id=initiative_id)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=6)
def initiative_notify_submitted(*, initiative_id: int) -> None:
    from directory import initiative_services

    initiative_services.initiative_notify_submitted(initiative_id=initiative_id)


@shared_task
def initiatives_remind_unconfirmed() -> None:
    """Beat, daily: ask "Stimmt Ihr Eintrag noch?" where a year has passed (see CELERY_BEAT_SCHEDULE)."""
    from directory import initiative_services

    initiative_services.initiatives_remind_unconfirmed()
