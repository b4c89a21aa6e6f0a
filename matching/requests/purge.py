"""Data protection: erase the personal data of requests, on schedule or at once when the person asks.

What counts as personal comes from the register (``core.privacy``, declared in
``matching.privacy``): every table with a "request" owner is blanked or
deleted, the admin's history about those rows is emptied, and an office the
person typed in loses its name once no live request uses it. Office, time,
duration, status and outcome stay for statistics.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import privacy
from core.outbox import outbox_forget
from directory.models import Office
from matching.models import AccompanimentRequest

logger = logging.getLogger(__name__)

BATCH = 500


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


def _history_erase(*, request_ids: list[int]) -> None:
    """Empty the admin history of every registered row that belongs to these requests (before rows are deleted)."""
    for entry in privacy.entries():
        path = entry.owners.get("request")
        if path is not None and entry.holds_personal_data:
            model = entry.model_class
            pks = model._base_manager.filter(**{f"{path}__in": request_ids}).values_list("pk", flat=True)
            privacy.admin_history_erase(model=model, pks=list(pks))


def _typed_offices_erase(*, request_ids: list[int]) -> int:
    """Empty name and street of unverified offices these requests created, once no live request uses them.

    "Mein Amt ist nicht dabei" turns the person's words into an office. A
    coordinator who verifies it makes it a public place; until then it is theirs.
    The neutral name keeps the (name, postal code) pair unique.
    """
    live = AccompanimentRequest.objects.filter(office_id=OuterRef("pk"), personal_data_erased_at__isnull=True)
    offices = list(
        Office.objects.filter(verified=False, requests__pk__in=request_ids)
        .exclude(Exists(live))
        .distinct()
        .values_list("pk", flat=True)
    )
    for office_id in offices:
        Office.objects.filter(pk=office_id).update(name=f"Amt #{office_id} (Angabe gelöscht)", street="")
    privacy.admin_history_erase(model=Office, pks=offices)
    return len(offices)


@transaction.atomic
def requests_erase(*, request_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Erase the personal data of these requests and everything derived from them; return how many were new.

    Idempotent: a request erased before keeps its first erasure time, and blanking
    blank fields again changes nothing.
    """
    now = now or timezone.now()
    # The timestamp first: the contact constraint allows no e-mail and no phone only on erased rows.
    erased = AccompanimentRequest.objects.filter(pk__in=request_ids, personal_data_erased_at__isnull=True).update(
        personal_data_erased_at=now, updated_at=now
    )
    _history_erase(request_ids=request_ids)
    privacy.owner_erase(owner="request", keys=request_ids)
    outbox_forget(owners=[f"request:{pk}" for pk in request_ids])
    _typed_offices_erase(request_ids=request_ids)
    return erased


def requests_purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Erase the personal data of every request past its retention time, in batches; return how many."""
    now = now or timezone.now()
    ids = requests_due_for_purge(now=now)
    if dry_run:
        logger.info("request purge dry run: %s due", len(ids))
        return len(ids)
    erased = 0
    for start in range(0, len(ids), BATCH):
        erased += requests_erase(request_ids=ids[start : start + BATCH], now=now)
    logger.info("request purge: %s erased", erased)
    return erased


@shared_task
def purge_requests() -> int:
    """Celery beat, daily: erase personal data of requests past their retention time."""

    return requests_purge()
