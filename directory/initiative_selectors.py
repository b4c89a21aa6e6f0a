"""Reads of the partner-initiative directory.

The public search computes distances in SQL (haversine from the searched
point to each initiative's postal-code centroid), so a page of results costs
the same few queries however many initiatives there are.
"""

import datetime
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db.models import Avg, Case, Count, F, FloatField, Func, Q, QuerySet, Value, When
from django.utils import timezone

from core.bitmask import bits_any, from_mask
from directory.choices import InitiativeReach, InitiativeState
from directory.models import INITIATIVE_RADIUS_MAX_KM, Initiative, Office
from geo.distances import EARTH_RADIUS_KM

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

EDIT_LINK_SALT = "directory.initiative.edit-link"
STALE_AFTER_MONTHS = 18
REMIND_AFTER_MONTHS = 12


@dataclass(frozen=True)
class Place:
    """A point to search from, and how the person named it."""

    label: str
    latitude: float
    longitude: float


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


# --- Public directory ------------------------------------------------------------------


def initiatives_published() -> QuerySet[Initiative]:
    return Initiative.objects.filter(state=InitiativeState.PUBLISHED)


def initiative_published_get(*, slug: str) -> Initiative | None:
    return initiatives_published().filter(slug=slug).first()


class DistanceKm(Func):
    """Haversine distance in km from a fixed point to the row's ``latitude`` and ``longitude``.

    One expression node writing its SQL directly: the same formula built from Django's math functions
    (``Power(Sin(...))`` …) is some 40 nodes that the ORM copies and resolves on every query, which cost the
    directory's search page more than its database work. The functions used exist on PostgreSQL and on
    SQLite (Django registers them there; ``LEAST`` is ``MIN`` on SQLite). NULL for rows without coordinates.
    """

    output_field = FloatField()

    def __init__(self, *, latitude: float, longitude: float):
        super().__init__(F("latitude"), F("longitude"))
        self.origin = (latitude, longitude)

    def as_sql(self, compiler, connection, least: str = "LEAST", **extra_context):
        (lat_sql, lat_params), (lon_sql, lon_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        lat0, lon0 = (math.radians(value) for value in self.origin)
        half_dlat = f"POWER(SIN((RADIANS({lat_sql}) - %s) / 2.0), 2)"
        half_dlon = f"POWER(SIN((RADIANS({lon_sql}) - %s) / 2.0), 2)"
        sql = f"(%s * ASIN(SQRT({least}({half_dlat} + %s * COS(RADIANS({lat_sql})) * {half_dlon}, 1.0))))"
        params = (2 * EARTH_RADIUS_KM, *lat_params, lat0, math.cos(lat0), *lat_params, *lon_params, lon0)
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, least="MIN", **extra_context)


def distance_km_expression(*, latitude: float, longitude: float) -> DistanceKm:
    """Haversine distance in km from a fixed point to the row's coordinates, as a database expression."""
    return DistanceKm(latitude=latitude, longitude=longitude)


def initiatives_search(*, place: Place | None = None, radius_km: int | None = None) -> QuerySet[Initiative]:
    """Published initiatives for the public list.

    Without a place: all of them, by name. With a place: the local ones whose
    own radius reaches the place and that lie within ``radius_km``, nearest
    first, then every nationwide and online initiative (by name). Each row
    carries ``distance_km`` (None where there is no address).
    """
    initiatives = initiatives_published()
    if place is None:
        return initiatives.annotate(distance_km=Value(None, output_field=FloatField())).order_by("name", "id")
    initiatives = initiatives.annotate(
        distance_km=distance_km_expression(latitude=place.latitude, longitude=place.longitude)
    )
    local = Q(reach=InitiativeReach.LOCAL, distance_km__lte=F("radius_km"))
    if radius_km is not None:
        # A bounding box first, so the index on latitude narrows the rows the distance is computed for.
        dlat = math.degrees(radius_km * 1.01 / EARTH_RADIUS_KM)
        dlon = dlat / max(math.cos(math.radians(place.latitude)), 1e-6)
        local &= Q(
            latitude__range=(place.latitude - dlat, place.latitude + dlat),
            longitude__range=(place.longitude - dlon, place.longitude + dlon),
            distance_km__lte=radius_km,
        )
    everywhere = Q(reach__in=[InitiativeReach.NATIONWIDE, InitiativeReach.ONLINE])
    return (
        initiatives.filter(local | everywhere)
        .alias(everywhere_last=Case(When(reach=InitiativeReach.LOCAL, then=Value(0)), default=Value(1)))
        .order_by("everywhere_last", F("distance_km").asc(nulls_last=True), "name", "id")
    )


def initiatives_near(*, latitude: float, longitude: float, services: int, limit: int = 5) -> list[Initiative]:
    """Up to ``limit`` published initiatives offering any of ``services`` (a bit mask) for a point.

    The same search as the public list without a radius of its own: local
    initiatives whose reach covers the point, nearest first, then nationwide and
    online ones. One query; each row carries ``distance_km``.
    """
    if not services:
        return []
    place = Place(label="", latitude=latitude, longitude=longitude)
    # No reach is larger than the largest radius, so that bounding box drops nothing and lets the index help.
    nearby = initiatives_search(place=place, radius_km=INITIATIVE_RADIUS_MAX_KM)
    return list(bits_any(nearby, "services", from_mask(services))[:limit])


def initiative_for_staff(*, user: "AbstractBaseUser | AnonymousUser") -> Initiative | None:
    """The initiative a user account acts for at /initiative/, or None (also for archived initiatives)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Initiative.objects.filter(staff__user=user).exclude(state=InitiativeState.ARCHIVED).first()


def place_locate(*, name: str) -> Place | None:
    """Where a place name lies, from the initiatives and offices in that town.

    There is no table of places; a town we list an initiative or an office in is
    located at the mean of their postal-code centroids. Unknown towns give None.
    """
    name = " ".join((name or "").split())[:100]
    if not name:
        return None
    for rows in (
        initiatives_published().filter(city__iexact=name, latitude__isnull=False),
        Office.objects.filter(city__iexact=name),
    ):
        found = rows.aggregate(n=Count("id"), latitude=Avg("latitude"), longitude=Avg("longitude"))
        if found["n"]:
            return Place(label=name, latitude=found["latitude"], longitude=found["longitude"])
    return None


# --- Edit links ------------------------------------------------------------------------


class EditLinkInvalid(Exception):
    """Forged, tampered, revoked, or for an entry that is not published."""


class EditLinkExpired(Exception):
    """Genuine but older than INITIATIVE_EDIT_LINK_DAYS."""


def edit_link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.INITIATIVE_EDIT_LINK_DAYS)


def edit_token_make(*, initiative: Initiative) -> str:
    return signing.dumps({"i": initiative.pk, "v": initiative.link_version}, salt=EDIT_LINK_SALT, compress=True)


def initiative_for_edit_link(*, slug: str, token: str) -> Initiative:
    """The published initiative a signed edit link is for, or EditLinkInvalid / EditLinkExpired."""
    try:
        payload = signing.loads(token, salt=EDIT_LINK_SALT, max_age=edit_link_max_age())
    except signing.SignatureExpired:
        raise EditLinkExpired from None
    except signing.BadSignature:
        raise EditLinkInvalid from None
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        raise EditLinkInvalid
    initiative = initiatives_published().filter(pk=payload["i"], slug=slug).first()
    if initiative is None or payload.get("v") != initiative.link_version:
        raise EditLinkInvalid
    return initiative


# --- Coordination ----------------------------------------------------------------------


def stale_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    return months_before(now or timezone.now(), STALE_AFTER_MONTHS)


def stale_condition(*, now: datetime.datetime | None = None) -> Q:
    """Published entries nobody confirmed for 18 months (or never)."""
    cutoff = stale_cutoff(now=now)
    return Q(state=InitiativeState.PUBLISHED) & (Q(last_confirmed_at__lt=cutoff) | Q(last_confirmed_at__isnull=True))


def initiatives_due_for_reminder(*, now: datetime.datetime | None = None) -> QuerySet[Initiative]:
    """Published entries confirmed a year ago or longer and not asked within the last year."""
    year_ago = months_before(now or timezone.now(), REMIND_AFTER_MONTHS)
    return (
        initiatives_published()
        .filter(Q(last_confirmed_at__lte=year_ago) | Q(last_confirmed_at__isnull=True))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=year_ago))
        .order_by("id")
    )
