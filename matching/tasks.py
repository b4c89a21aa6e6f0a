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
