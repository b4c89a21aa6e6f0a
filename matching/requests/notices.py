"""The mails about a request: to the person (with the status link) and to the coordinators, through the outbox."""

import logging

from django.conf import settings

from core.outbox import outbox_enqueue
from geo.coordinators import coordinator_addresses_for
from matching.links import request_admin_url, request_status_url
from matching.matches.calendar import CONTENT_TYPE, request_ics
from matching.models import (
    AccompanimentRequest,
)

logger = logging.getLogger(__name__)


class Event:
    """What a notification is about."""

    CREATED = "created"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    ALL = (CREATED, RESCHEDULED, CANCELLED)


def _calendar_attachments(*, escort_request: AccompanimentRequest, event: str) -> list:
    """A move updates the person's calendar entry (same UID, higher SEQUENCE); a cancellation removes it."""
    if event == Event.CREATED:
        return []
    cancelled = event == Event.CANCELLED
    name = "absage.ics" if cancelled else "termin.ics"
    return [(name, request_ics(escort_request=escort_request, cancelled=cancelled), CONTENT_TYPE)]


def request_notify(*, request_id: int, event: str) -> int:
    """Put the mails for one event into the outbox: to the person (if they gave an e-mail) and to the coordinators.

    Call it inside the transaction of the change. The coordinators' mail holds only
    a link into the admin, never the person's data. Returns the number of mails queued.
    """
    if event not in Event.ALL:
        raise ValueError(f"unknown event {event!r}")
    escort_request = AccompanimentRequest.objects.select_related("office").filter(pk=request_id).first()
    if escort_request is None:
        logger.info("request notice skipped: request id=%s is gone", request_id)
        return 0
    # One key per change (a request is rescheduled more than once; each change is told).
    once = f"request-notice:{escort_request.pk}:{event}:{escort_request.updated_at.timestamp()}"
    sent = 0
    if escort_request.email and not escort_request.is_erased:
        person = outbox_enqueue(
            key=f"{once}:person",
            template=f"matching/email/request_{event}",
            context={"escort_request": escort_request, "status_url": request_status_url(escort_request=escort_request)},
            language=escort_request.language,
            to=[escort_request.email],
            about=[f"request:{escort_request.pk}"],
            attachments=_calendar_attachments(escort_request=escort_request, event=event),
        )
        sent += person is not None
    # The coordinators of the office's region, or the national ones when the region has nobody.
    recipients = coordinator_addresses_for(postal_code_id=escort_request.office.postal_code_id)
    if recipients:
        # Bcc: coordinators do not need to see each other's addresses.
        coordinators = outbox_enqueue(
            key=f"{once}:coordinators",
            template=f"matching/email/coordinator_{event}",
            context={"escort_request": escort_request, "admin_url": request_admin_url(escort_request=escort_request)},
            language=settings.LANGUAGE_CODE,
            bcc=recipients,
        )
        sent += coordinators is not None
    logger.info("request notice queued id=%s event=%s mails=%s", escort_request.pk, event, sent)
    return sent
