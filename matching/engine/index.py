"""The distance index: for each office, the distance to every postal code within the largest radius."""

import logging

from celery import shared_task
from django.db import transaction

from core.tasks import RETRY_TRANSIENT
from directory.models import Office
from geo.distances import Point, points_within
from geo.models import PostalCode
from matching.models import (
    OfficeDistance,
    OfficeIndexState,
)
from volunteers.models import RADIUS_MAX_KM

logger = logging.getLogger(__name__)


def office_index_build(*, office_id: int, using: str = "default", points: list[Point] | None = None) -> int:
    """(Re)build an office's distance rows; returns how many postal codes are in reach.

    Idempotent: the rows are replaced in one transaction. ``points`` lets a
    caller that builds many offices load the postal codes once.
    """
    office = Office.objects.using(using).select_related("postal_code").get(pk=office_id)
    if points is None:
        points = postal_code_points(using=using)
    hits = points_within((office.latitude, office.longitude), points, RADIUS_MAX_KM)
    rows = [
        OfficeDistance(office_id=office.pk, postal_code_id=point.code, km=km, km_ceil=_ceil_km(km))
        for point, km in hits
    ]
    with transaction.atomic(using=using):
        OfficeDistance.objects.using(using).filter(office_id=office.pk).delete()
        OfficeDistance.objects.using(using).bulk_create(rows, batch_size=2000)
        OfficeIndexState.objects.using(using).update_or_create(
            office_id=office.pk, defaults={"postal_code": office.postal_code_id}
        )
    logger.info("distance index built for office id=%s: %s postal codes", office.pk, len(rows))
    return len(rows)


def office_index_is_current(*, office: Office, using: str = "default") -> bool:
    return OfficeIndexState.objects.using(using).filter(office_id=office.pk, postal_code=office.postal_code_id).exists()


def office_index_ensure(*, office: Office, using: str = "default") -> None:
    if not office_index_is_current(office=office, using=using):
        office_index_build(office_id=office.pk, using=using)


def postal_code_points(*, using: str = "default") -> list[Point]:
    return [
        Point(code, lat, lon)
        for code, lat, lon in PostalCode.objects.using(using).values_list("code", "latitude", "longitude")
    ]


@shared_task(**RETRY_TRANSIENT)
def office_index_rebuild(*, office_id: int) -> None:

    if not Office.objects.filter(pk=office_id).exists():
        logger.info("office id=%s is gone; no index to build", office_id)
        return
    office_index_build(office_id=office_id)


def _ceil_km(km: float) -> int:
    whole = int(km)
    return whole if whole == km else whole + 1
