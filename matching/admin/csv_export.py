"""The admin's CSV export of requests, with directory.csv_export's protection against formula injection.

Deliberately without the person: no name, e-mail, phone, languages, needs,
message, purpose or wanted advice. A downloaded file leaves the system and
escapes the purge (``matching.requests.purge``), so it holds only what the purge
keeps anyway, which is what coordinators need for planning and statistics.
(``purpose`` is personal in the register, matching.privacy, so it stays out too.)
"""

from collections.abc import Iterable

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.utils import timezone, translation

from core.csv_export import csv_response
from matching.models import AccompanimentRequest, Match, Outcome

REQUEST_COLUMNS = (
    "id",
    "status",
    "office",
    "office_kind",
    "postal_code",
    "starts_at",
    "duration_minutes",
    "created_at",
    "outcome",
    "filed_by_initiative",
)


def requests_for_export(*, requests: QuerySet[AccompanimentRequest]) -> QuerySet[AccompanimentRequest]:
    """One query: the office, the filing initiative and the latest reported outcome of a match."""
    latest_outcome = (
        Match.objects.filter(request=OuterRef("pk"))
        .exclude(outcome="")
        .order_by(F("decided_at").desc(nulls_last=True), "-id")
        .values("outcome")
    )
    return (
        requests.select_related("office", "filed_by_initiative")
        .annotate(match_outcome=Subquery(latest_outcome[:1]))
        .order_by("starts_at", "id")
    )


def request_csv_row(escort_request: AccompanimentRequest) -> list:
    initiative = escort_request.filed_by_initiative
    values = {
        "id": escort_request.pk,
        "status": escort_request.get_status_display(),
        "office": escort_request.office.name,
        "office_kind": escort_request.office.get_kind_display(),
        "postal_code": escort_request.office.postal_code_id,
        "starts_at": timezone.localtime(escort_request.starts_at),
        "duration_minutes": escort_request.duration_minutes,
        "created_at": timezone.localtime(escort_request.created_at),
        "outcome": Outcome(escort_request.match_outcome).label if escort_request.match_outcome else "",
        "filed_by_initiative": initiative.name if initiative else "",
    }
    return [values[name] for name in REQUEST_COLUMNS]


def requests_csv_response(*, requests: Iterable[AccompanimentRequest]) -> HttpResponse:
    with translation.override("de"):
        rows = [request_csv_row(escort_request) for escort_request in requests]
    filename = f"anfragen-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename=filename, header=REQUEST_COLUMNS, rows=rows)
