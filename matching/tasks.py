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


# --- Matching: index, proposals, match mails, schedules --------------------------------------------------


def queue_on_commit(task, **kwargs) -> None:
    """Queue a task with id arguments once the transaction commits.

    With the broker down it runs in-process instead (mails about a match must
    not wait for an operator), and a failure there is logged, never raised into
    the page that caused it.
    """

    def send() -> None:
        try:
            task.delay(**kwargs)
        except OperationalError:
            logger.warning("broker unavailable; %s runs in-process", task.name)
            try:
                task.apply(kwargs=kwargs, throw=True)
            except Exception as exc:  # noqa: BLE001  (must not break the request that queued it)
                logger.error("%s failed in-process: %s", task.name, type(exc).__name__)

    transaction.on_commit(send)


_RETRY = {
    "autoretry_for": (*TRANSIENT_ERRORS, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**_RETRY)
def office_index_rebuild(*, office_id: int) -> None:
    from directory.models import Office
    from matching import engine

    if not Office.objects.filter(pk=office_id).exists():
        logger.info("office id=%s is gone; no index to build", office_id)
        return
    engine.office_index_build(office_id=office_id)


@shared_task(**_RETRY)
def requests_near_volunteer_refresh(*, volunteer_id: int) -> None:
    from matching import engine

    engine.proposals_refresh_near_volunteer(volunteer_id=volunteer_id)


@shared_task(**_RETRY)
def match_invitation(*, match_id: int) -> None:
    from matching import match_services

    match_services.match_send_invitation(match_id=match_id)


@shared_task(**_RETRY)
def match_confirmation(*, match_id: int) -> None:
    from matching import match_services

    match_services.match_send_confirmation(match_id=match_id)


@shared_task(**_RETRY)
def match_cancelled_notice(*, match_id: int) -> None:
    from matching import match_services

    match_services.match_send_cancelled_notice(match_id=match_id)


@shared_task(**_RETRY)
def match_withdrawn_notice(*, match_id: int, was_accepted: bool) -> None:
    from matching import match_services

    match_services.match_send_withdrawn_notice(match_id=match_id, was_accepted=was_accepted)


@shared_task(**_RETRY)
def match_declined_notice(*, match_id: int) -> None:
    from matching import match_services

    match_services.match_send_declined_notice(match_id=match_id)


@shared_task(**_RETRY)
def match_reminder(*, match_id: int) -> None:
    from matching import match_services

    match_services.match_send_reminder(match_id=match_id)


@shared_task(**_RETRY)
def match_feedback_request(*, match_id: int) -> None:
    from matching import match_services

    match_services.match_send_feedback_request(match_id=match_id)


@shared_task
def sweep_unproposed_requests() -> int:
    """Celery beat: queue a proposal run for every open request whose run never happened (e.g. broker outage)."""
    from matching import engine

    ids = engine.requests_without_proposal_run()
    for request_id in ids:
        propose.delay(request_id=request_id)
    if ids:
        logger.info("sweeper queued %s proposal runs", len(ids))
    return len(ids)


@shared_task
def send_reminders() -> int:
    """Celery beat, hourly: remind both sides the day before an accepted appointment."""
    from matching import selectors

    ids = selectors.matches_due_for_reminder()
    for match_id in ids:
        match_reminder.delay(match_id=match_id)
    return len(ids)


@shared_task
def send_feedback_requests() -> int:
    """Celery beat, hourly: after the appointment, ask the volunteer how it went."""
    from matching import selectors

    ids = selectors.matches_due_for_feedback()
    for match_id in ids:
        match_feedback_request.delay(match_id=match_id)
    return len(ids)
