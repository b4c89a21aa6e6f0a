"""Figures about requests per region and month, and where requests found nobody (numbers only).

"Found": the request has (or had, and it took place) a companion, i.e. a match that is accepted or done
(``COUNTED_MATCH_STATUSES``). "Not found": the appointment has passed and the request is still
received or searching, so it closed without an accepted companion; a request whose volunteers only
declined, gave it back or let the ask expire (``raw_sql.GAVE_UP``) counts here too. Requests the person
cancelled count as cancelled, not as "not found". These fields survive the purge, so the figures do too.
"""

import datetime
import math
from collections import defaultdict

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from matching.models import AccompanimentRequest, Match, Outcome, RequestStatus
from matching.models.matches import COUNTED_MATCH_STATUSES

UNFOUND_STATUSES = (RequestStatus.RECEIVED, RequestStatus.SEARCHING)
REGION = "office__postal_code__region_id"


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


def _found() -> Exists:
    return Exists(Match.objects.filter(request=OuterRef("pk"), status__in=COUNTED_MATCH_STATUSES))


def _not_found(now: datetime.datetime) -> Q:
    return Q(found=False, status__in=UNFOUND_STATUSES, starts_at__lt=now)


def requests_in_scope(*, region_ids: list[int] | None, since: datetime.date) -> QuerySet[AccompanimentRequest]:
    requests = AccompanimentRequest.objects.filter(starts_at__date__gte=since)
    if region_ids is not None:
        requests = requests.filter(office__postal_code__region_id__in=region_ids)
    return requests


def request_figures_by_region_month(*, region_ids: list[int] | None, since: datetime.date) -> list[dict]:
    """One row per (region id or None, month): requests, found, not found, cancelled, open, hours to confirm."""
    now = timezone.now()
    requests = requests_in_scope(region_ids=region_ids, since=since).annotate(
        found=_found(), month=TruncMonth("starts_at"), region=F(REGION)
    )
    rows = list(
        requests.values("region", "month")
        .annotate(
            total=Count("pk"),
            found_total=Count("pk", filter=Q(found=True)),
            not_found=Count("pk", filter=_not_found(now)),
            cancelled=Count("pk", filter=Q(found=False, status=RequestStatus.CANCELLED)),
        )
        .order_by("month", "region")
    )
    hours = _confirmation_hours(region_ids=region_ids, since=since)
    for row in rows:
        row["open"] = row["total"] - row["found_total"] - row["not_found"] - row["cancelled"]
        row["median_hours"], row["p90_hours"] = hours.get((row["region"], row["month"]), (None, None))
    return rows


def _confirmation_hours(*, region_ids: list[int] | None, since: datetime.date) -> dict:
    """(region, month) -> (median, 90th percentile) of the hours from a request's arrival to its first yes."""
    confirmed_at = (
        Match.objects.filter(request=OuterRef("pk"), status__in=COUNTED_MATCH_STATUSES, decided_at__isnull=False)
        .order_by("decided_at")
        .values("decided_at")[:1]
    )
    requests = (
        requests_in_scope(region_ids=region_ids, since=since)
        .annotate(confirmed_at=Subquery(confirmed_at), month=TruncMonth("starts_at"), region=F(REGION))
        .filter(confirmed_at__isnull=False)
    )
    if connection.vendor == "postgresql":
        hours = _Hours(F("confirmed_at") - F("created_at"))
        return {
            (row["region"], row["month"]): (row["median"], row["p90"])
            for row in requests.values("region", "month")
            .annotate(median=_Percentile(hours, 0.5), p90=_Percentile(hours, 0.9))
            .order_by()
        }
    samples: dict[tuple, list[float]] = defaultdict(list)
    for region, month, confirmed, created in requests.values_list("region", "month", "confirmed_at", "created_at"):
        samples[region, month].append((confirmed - created).total_seconds() / 3600)
    return {key: (_percentile(values, 0.5), _percentile(values, 0.9)) for key, values in samples.items()}


def _percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks, like PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def outcomes_by_region_month(*, region_ids: list[int] | None, since: datetime.date) -> dict[tuple, dict[str, int]]:
    """(region, month) -> {outcome: count} from the companions' debriefs; "not_admitted" are refusals.

    By the month of the request's appointment, so the debriefs line up with the request rows.
    """
    matches = Match.objects.filter(request__starts_at__date__gte=since).exclude(outcome="")
    if region_ids is not None:
        matches = matches.filter(request__office__postal_code__region_id__in=region_ids)
    result: dict[tuple, dict[str, int]] = defaultdict(dict)
    rows = (
        matches.annotate(month=TruncMonth("request__starts_at"), region=F(f"request__{REGION}"))
        .values_list("region", "month", "outcome")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for region, month, outcome, total in rows:
        result[region, month][outcome] = total
    return result


def not_found_by_prefix2(*, region_ids: list[int] | None, since: datetime.date) -> dict[str, int]:
    """Requests that found nobody, per two-digit postal region of the office."""
    now = timezone.now()
    requests = (
        requests_in_scope(region_ids=region_ids, since=since)
        .annotate(found=_found())
        .filter(_not_found(now))
        .annotate(prefix=Substr("office__postal_code_id", 1, 2))
    )
    return dict(requests.values_list("prefix").annotate(total=Count("pk")).values_list("prefix", "total").order_by())


OUTCOME_COLUMNS = tuple(Outcome.values)
