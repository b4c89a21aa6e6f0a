"""Data protection: erase the personal data of requests past their retention time."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from matching.models import (
    AccompanimentRequest,
    Match,
    MatchEvent,
    Referral,
)

logger = logging.getLogger(__name__)

# Fields that identify or describe the person; the purge blanks them.
PERSONAL_FIELDS = {
    "first_name": "",
    "email": "",
    "phone": "",
    "preferred_contact": "",
    "languages": 0,
    "needs_language": False,
    "preferred_gender": "",
    "accessibility": "",
    "message": "",
    "purpose": "",
    "language": "",
    "counselling_services": 0,
}


def requests_due_for_purge(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of requests whose appointment ended, or that were cancelled, more than the retention period ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REQUEST_RETENTION_DAYS)
    kept = AccompanimentRequest.objects.filter(personal_data_erased_at__isnull=True)
    cancelled = kept.filter(cancelled_at__lte=cutoff).values_list("pk", flat=True)
    # starts_at ≤ cutoff is a superset (and uses the partial index); the exact end is checked here.
    ended = [
        pk
        for pk, starts_at, minutes in kept.filter(starts_at__lte=cutoff).values_list(
            "pk", "starts_at", "duration_minutes"
        )
        if starts_at + datetime.timedelta(minutes=minutes) <= cutoff
    ]
    return sorted({*cancelled, *ended})


def requests_purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Erase the personal fields of every request past its retention time; return how many.

    Office, appointment time, duration, status and the consent record stay for
    statistics. Running it twice erases nothing twice.
    """
    now = now or timezone.now()
    ids = requests_due_for_purge(now=now)
    if dry_run:
        logger.info("request purge dry run: %s due", len(ids))
        return len(ids)
    erased = 0
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        erased += AccompanimentRequest.objects.filter(pk__in=batch, personal_data_erased_at__isnull=True).update(
            **PERSONAL_FIELDS, personal_data_erased_at=now, updated_at=now
        )
        # A referral's note is about the person; the initiative and the outcome stay for statistics.
        Referral.objects.filter(request_id__in=batch).exclude(note="").update(note="", updated_at=now)
        # Free text around the matches may describe the person too (a decline reason, a coordinator's note).
        Match.objects.filter(request_id__in=batch).exclude(decline_reason="").update(decline_reason="")
        MatchEvent.objects.filter(match__request_id__in=batch).exclude(note="").update(note="")
    logger.info("request purge: %s erased", erased)
    return erased


@shared_task
def purge_requests() -> int:
    """Celery beat, daily: erase personal data of requests past their retention time."""

    return requests_purge()
