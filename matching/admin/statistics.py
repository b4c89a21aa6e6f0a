"""Anonymous statistics for coordinators and funders: what the purge keeps, limited to the coordinator's regions.

Per region and month: requests, found / not found (defined in ``matching.requests.statistics``), hours
from arrival to the first yes, refusals at the office and the debriefs; a CSV of the same for funders;
and the map (``matching.requests.region_map``). All of it is cut out of the national snapshot
(``matching.requests.statistics.statistics_snapshot``, refreshed every few minutes); ``?neu=1``
recomputes it. Only the refusals per office are read live (a coordinator's follow-up changes them).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.csv_export import csv_response
from directory.choices import OfficeKind
from geo.models import Region
from geo.regions import coordinator_region_ids
from matching.models import Match, Outcome, RequestStatus
from matching.requests.region_map import region_map
from matching.requests.statistics import statistics_snapshot

COUNTS = ("total", "found_total", "not_found", "cancelled", "open")
CSV_COLUMNS = (
    "region",
    "month",
    "requests",
    "found",
    "not_found",
    "cancelled_by_person",
    "still_open",
    "hours_to_confirmation_median",
    "hours_to_confirmation_p90",
    "refused_at_office",
    *(f"debrief_{outcome}" for outcome in Outcome.values),
)


def region_month_figures(*, region_ids: list[int] | None, fresh: bool = False) -> tuple[list[dict], dict]:
    """The snapshot's region × month rows inside the coordinator's regions, with names; and the snapshot."""
    snapshot = statistics_snapshot(fresh=fresh)
    names = dict(Region.objects.values_list("pk", "name"))
    rows = []
    for row in snapshot["figures"]:
        if region_ids is not None and row["region"] not in region_ids:
            continue
        rows.append(
            {
                **row,
                "region_name": names.get(row["region"], _("ohne Region")),
                "refused": row["outcomes"].get(Outcome.NOT_ADMITTED, 0),
                "outcome_counts": [row["outcomes"].get(value, 0) for value in Outcome.values],
            }
        )
    return rows, snapshot


def _totals(rows: list[dict], key: str) -> list[dict]:
    """The rows summed by ``key`` ("month" or "region_name"); hours are not summed (a median is no sum)."""
    summed: dict[Any, dict] = {}
    for row in rows:
        total = summed.setdefault(row[key], {key: row[key], "refused": 0, "outcome_counts": [0] * len(Outcome)})
        for name in COUNTS:
            total[name] = total.get(name, 0) + row[name]
        total["refused"] += row["refused"]
        total["outcome_counts"] = [a + b for a, b in zip(total["outcome_counts"], row["outcome_counts"], strict=True)]
    return [summed[name] for name in sorted(summed, key=lambda value: (value is None, value))]


def statistics(*, user, fresh: bool = False) -> dict[str, Any]:
    """Everything the statistics page shows, for this coordinator's regions (all for national ones)."""
    region_ids = coordinator_region_ids(user)
    figures, snapshot = region_month_figures(region_ids=region_ids, fresh=fresh)
    since = snapshot["since"]
    matches = Match.objects.filter(starts_at__date__gte=since)
    if region_ids is not None:
        matches = matches.filter(request__office__postal_code__region_id__in=region_ids)
    by_kind: dict[str, dict[str, int]] = {}
    for region, kind, status, total in snapshot["by_kind"]:
        if region_ids is None or region in region_ids:
            row = by_kind.setdefault(kind, dict.fromkeys(("total", *RequestStatus.values), 0))
            row["total"] += total
            row[status] += total
    refusals = list(
        matches.filter(outcome=Outcome.NOT_ADMITTED, refused_by_office__isnull=False)
        .values("refused_by_office", "refused_by_office__name", "refused_by_office__city")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(refusal_followed_up_at__isnull=True)))
        .order_by("-total", "refused_by_office__name")
    )
    by_month = _totals(figures, "month")
    outcome_totals = [0] * len(Outcome)
    for row in by_month:
        outcome_totals = [a + b for a, b in zip(outcome_totals, row["outcome_counts"], strict=True)]
    return {
        "since": since,
        "scoped_regions": None if region_ids is None else list(Region.objects.filter(pk__in=region_ids)),
        "statuses": RequestStatus.choices,
        "outcome_labels": Outcome.labels,
        "by_month": by_month,
        "by_region": _totals(figures, "region_name"),
        "by_region_month": figures,
        "by_kind": [(label, by_kind[value]) for value, label in OfficeKind.choices if value in by_kind],
        "outcomes": list(zip(Outcome.labels, outcome_totals, strict=True)),
        "refusals_by_office": refusals,
        "region_map": region_map(region_ids=region_ids),
        "built_at": snapshot["built_at"],
    }


def statistics_page(request, admin_site, *, allowed: bool) -> TemplateResponse:
    if not allowed:
        raise PermissionDenied
    fresh = request.GET.get("neu") == "1"
    figures = statistics(user=request.user, fresh=fresh)
    context = {**admin_site.each_context(request), "title": _("Statistik"), **figures}
    return TemplateResponse(request, "admin/matching/statistics.html", context)


def _hours(value: float | None) -> str:
    # A decimal comma, like the semicolons: what a spreadsheet in a German locale reads as a number.
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def statistics_csv(request, *, allowed: bool) -> HttpResponse:
    """Region × month figures for funders: counts only, no office, no date finer than a month, no person."""
    if not allowed:
        raise PermissionDenied
    with translation.override("de"):
        figures, _snapshot = region_month_figures(region_ids=coordinator_region_ids(request.user))
        rows = [
            [
                str(row["region_name"]),
                row["month"].strftime("%Y-%m") if row["month"] else "",
                row["total"],
                row["found_total"],
                row["not_found"],
                row["cancelled"],
                row["open"],
                _hours(row["median_hours"]),
                _hours(row["p90_hours"]),
                row["refused"],
                *row["outcome_counts"],
            ]
            for row in figures
        ]
    filename = f"statistik-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename=filename, header=CSV_COLUMNS, rows=rows)
