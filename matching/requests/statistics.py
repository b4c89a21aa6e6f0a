"""Figures about requests per region and month, and where requests found nobody (numbers only).

"Found": the request has (or had, and it took place) a companion, i.e. a match that is accepted or done
(``COUNTED_MATCH_STATUSES``). "Not found": the appointment has passed and the request is still
received or searching, so it closed without an accepted companion; a request whose volunteers only
declined, gave it back or let the ask expire (``raw_sql.GAVE_UP``) counts here too. Requests the person
cancelled count as cancelled, not as "not found". These fields survive the purge, so the figures do too.

Everything is computed once for the whole country into a cached snapshot (``statistics_snapshot``,
refreshed by Celery beat every few minutes); a regional coordinator's view is cut out of it in Python,
so no page waits for a count over 1M volunteers.
"""

import datetime
import math
from collections import defaultdict

from celery import shared_task
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Aggregate, Count, Exists, F, FloatField, Func, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from geo.models import PostalCode
from matching.models import AccompanimentRequest, Match, RequestStatus
from matching.models.matches import COUNTED_MATCH_STATUSES
from volunteers.statistics import active_volunteers_by_postal_code

UNFOUND_STATUSES = (RequestStatus.RECEIVED, RequestStatus.SEARCHING)
REGION = "office__postal_code__region_id"
MONTHS = 12
SNAPSHOT_KEY = "statistics:snapshot:v1"
# When the cached snapshot was built: a few bytes, so a cached drawing can be checked without
# fetching the whole snapshot (~0.3 MB) from the cache.
SNAPSHOT_BUILT_KEY = "statistics:snapshot-built:v1"
# Beat refreshes it every SNAPSHOT_REFRESH_MINUTES; the cache keeps it three times as long, so a late
# or failed refresh shows slightly older figures instead of making a coordinator wait.
SNAPSHOT_REFRESH_MINUTES = 5
SNAPSHOT_SECONDS = 3 * 60 * SNAPSHOT_REFRESH_MINUTES


class _Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_cont (other databases: computed in Python)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class _Hours(Func):
    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0"
    output_field = FloatField()


def statistics_since(months: int = MONTHS) -> datetime.date:
    """The first day of the month ``months - 1`` months ago: the window of the statistics and the map."""
    today = timezone.localdate()
    # Counted in months, not days: 11 × 31 days from the first of a month always reach one month too far.
    months_back = today.year * 12 + today.month - 1 - (months - 1)
    return datetime.date(months_back // 12, months_back % 12 + 1, 1)


def _found() -> Exists:
    return Exists(Match.objects.filter(request=OuterRef("pk"), status__in=COUNTED_MATCH_STATUSES))


def _not_found(now: datetime.datetime) -> Q:
    return Q(found=False, status__in=UNFOUND_STATUSES, starts_at__lt=now)


def request_figures_by_region_month(*, since: datetime.date) -> list[dict]:
    """One row per (region id or None, month): requests, found, not found, cancelled, open, hours, debriefs."""
    now = timezone.now()
    requests = (
        AccompanimentRequest.objects.filter(starts_at__date__gte=since)
        .annotate(found=_found(), month=TruncMonth("starts_at"), region=F(REGION))
        .values("region", "month")
        .annotate(
            total=Count("pk"),
            found_total=Count("pk", filter=Q(found=True)),
            not_found=Count("pk", filter=_not_found(now)),
            cancelled=Count("pk", filter=Q(found=False, status=RequestStatus.CANCELLED)),
        )
        .order_by("month", "region")
    )
    rows = list(requests)
    hours = _confirmation_hours(since=since)
    outcomes = _outcomes_by_region_month(since=since)
    for row in rows:
        row["open"] = row["total"] - row["found_total"] - row["not_found"] - row["cancelled"]
        row["median_hours"], row["p90_hours"] = hours.get((row["region"], row["month"]), (None, None))
        row["outcomes"] = outcomes.get((row["region"], row["month"]), {})
    return rows


def _confirmation_hours(*, since: datetime.date) -> dict:
    """(region, month) -> (median, 90th percentile) of the hours from a request's arrival to a companion's yes.

    Read from the matches' side (one join, no probe per request); a request has one such match but
    for the rare reassignment after a companion gave an accepted escort back.
    """
    matches = (
        Match.objects.filter(
            status__in=COUNTED_MATCH_STATUSES, decided_at__isnull=False, request__starts_at__date__gte=since
        )
        .annotate(month=TruncMonth("request__starts_at"), region=F(f"request__{REGION}"))
        .values("region", "month")
    )
    if connection.vendor == "postgresql":
        hours = _Hours(F("decided_at") - F("request__created_at"))
        return {
            (row["region"], row["month"]): (row["median"], row["p90"])
            for row in matches.annotate(median=_Percentile(hours, 0.5), p90=_Percentile(hours, 0.9)).order_by()
        }
    samples: dict[tuple, list[float]] = defaultdict(list)
    for region, month, decided, created in matches.values_list("region", "month", "decided_at", "request__created_at"):
        samples[region, month].append((decided - created).total_seconds() / 3600)
    return {key: (_percentile(values, 0.5), _percentile(values, 0.9)) for key, values in samples.items()}


def _percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks, like PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _outcomes_by_region_month(*, since: datetime.date) -> dict[tuple, dict[str, int]]:
    """(region, month) -> {outcome: count} from the companions' debriefs; "not_admitted" are refusals.

    By the month of the request's appointment, so the debriefs line up with the request rows.
    """
    rows = (
        Match.objects.filter(request__starts_at__date__gte=since)
        .exclude(outcome="")
        .annotate(month=TruncMonth("request__starts_at"), region=F(f"request__{REGION}"))
        .values_list("region", "month", "outcome")
        .annotate(total=Count("pk"))
        .order_by()
    )
    result: dict[tuple, dict[str, int]] = defaultdict(dict)
    for region, month, outcome, total in rows:
        result[region, month][outcome] = total
    return dict(result)


def requests_by_region_kind_status(*, since: datetime.date) -> list[tuple]:
    """(region, office kind, request status, count) for the table by kind of office."""
    return list(
        AccompanimentRequest.objects.filter(starts_at__date__gte=since)
        .values_list(REGION, "office__kind", "status")
        .annotate(total=Count("pk"))
        .order_by()
    )


def not_found_by_postal_code(*, since: datetime.date) -> dict[str, int]:
    """Requests that found nobody, per postal code of the office."""
    requests = (
        AccompanimentRequest.objects.filter(starts_at__date__gte=since)
        .annotate(found=_found())
        .filter(_not_found(timezone.now()))
    )
    return dict(requests.values_list("office__postal_code").annotate(total=Count("pk")).order_by())


def statistics_snapshot(*, fresh: bool = False) -> dict:
    """The whole country's figures: region × month rows, and counts per postal code for the map. Cached."""
    if not fresh:
        cached = cache.get(SNAPSHOT_KEY)
        if cached is not None:
            return cached
    since = statistics_since()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # These few large aggregates cost ~0.2 s each; PostgreSQL's JIT would spend a second compiling
            # them first (its cost threshold is meant for analytics), so it is off for this transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        snapshot = {
            "since": since,
            "built_at": timezone.now(),
            "figures": request_figures_by_region_month(since=since),
            "by_kind": requests_by_region_kind_status(since=since),
            "volunteers_by_code": active_volunteers_by_postal_code(),
            "not_found_by_code": not_found_by_postal_code(since=since),
            "region_by_code": dict(PostalCode.objects.filter(region__isnull=False).values_list("code", "region_id")),
        }
    cache.set_many({SNAPSHOT_KEY: snapshot, SNAPSHOT_BUILT_KEY: snapshot["built_at"]}, SNAPSHOT_SECONDS)
    return snapshot


def statistics_snapshot_built_at() -> datetime.datetime:
    """When the cached snapshot was built (building it if there is none)."""
    built_at = cache.get(SNAPSHOT_BUILT_KEY)
    return built_at if built_at is not None else statistics_snapshot()["built_at"]


@shared_task
def statistics_refresh() -> None:
    """Celery beat, every few minutes: recompute the snapshot, so no page waits for it."""
    statistics_snapshot(fresh=True)
