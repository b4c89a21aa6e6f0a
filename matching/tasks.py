"""Celery tasks of matching: thin wrappers that take ids and call services.

Every task is idempotent (a task delivered twice does its work once) and is
queued on commit, so a worker never looks for a row that is not there yet.
"""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError,)


def queue_proposals(*, request_id: int) -> None:
    """Queue a proposal run once the current transaction commits.

    If the broker is down the request is still saved and the person sees no
    error: the periodic sweeper picks up every request whose run never happened.
    """

    def send() -> None:
        try:
            propose.delay(request_id=request_id)
        except OperationalError:
            logger.warning("broker unavailable; proposal run for request id=%s left to the sweeper", request_id)

    transaction.on_commit(send)


@shared_task(bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def propose(self, *, request_id: int) -> None:
    from matching import engine

    engine.proposals_refresh(request_id=request_id)


# --- Accompaniment requests: notices and the purge ------------------------------------------------------


def queue_request_notice(*, request_id: int, event: str) -> None:
    """Queue the mails about a request once the current transaction commits.

    With the broker down the mails are sent in-process instead, so a person still
    gets the status link; a mail failure then is logged (without addresses) and
    never turns the saved request into an error page.
    """

    def send() -> None:
        try:
            request_notice.delay(request_id=request_id, event=event)
        except OperationalError:
            logger.warning("broker unavailable; request notice id=%s event=%s sent in-process", request_id, event)
            from matching import services

            try:
                services.request_notify(request_id=request_id, event=event)
            except Exception as exc:  # noqa: BLE001  (mail trouble must not break the page)
                logger.error("request notice failed id=%s event=%s error=%s", request_id, event, type(exc).__name__)

    transaction.on_commit(send)


@shared_task(
    bind=True, autoretry_for=(*TRANSIENT_ERRORS, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def request_notice(self, *, request_id: int, event: str) -> None:
    from matching import services

    services.request_notify(request_id=request_id, event=event)


@shared_task
def purge_requests() -> int:
    """Celery beat, daily: erase personal data of requests past their retention time."""
    from matching import services

    return services.requests_purge()
