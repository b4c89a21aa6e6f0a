"""Anonymous statistics for coordinators: what the purge keeps."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from directory.choices import OfficeKind
from matching.models import AccompanimentRequest, Match, Outcome, RequestStatus


def statistics(*, months: int = 12) -> dict[str, Any]:
    """Anonymous figures for coordinators: requests per month by outcome, and by kind of office.

    Only office, date, status and the volunteers' feedback are read, which is
    what the purge keeps, so the figures survive it.
    """
    since = (timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    requests = AccompanimentRequest.objects.filter(starts_at__date__gte=since)
    per_status = {status: Count("pk", filter=Q(status=status)) for status in RequestStatus.values}
    by_month = list(
        requests.annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(total=Count("pk"), **per_status)
        .order_by("month")
    )
    by_kind = {
        row["office__kind"]: row
        for row in requests.values("office__kind").annotate(total=Count("pk"), **per_status).order_by("office__kind")
    }
    outcomes = dict(
        Match.objects.filter(starts_at__date__gte=since)
        .exclude(outcome="")
        .values_list("outcome")
        .annotate(total=Count("pk"))
        .values_list("outcome", "total")
    )
    refusals = list(
        Match.objects.filter(starts_at__date__gte=since, outcome=Outcome.NOT_ADMITTED, refused_by_office__isnull=False)
        .values("refused_by_office", "refused_by_office__name", "refused_by_office__city")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(refusal_followed_up_at__isnull=True)))
        .order_by("-total", "refused_by_office__name")
    )
    return {
        "refusals_by_office": refusals,
        "since": since,
        "statuses": RequestStatus.choices,
        "by_month": by_month,
        "by_kind": [(label, by_kind[value]) for value, label in OfficeKind.choices if value in by_kind],
        "outcomes": [(label, outcomes.get(value, 0)) for value, label in Outcome.choices],
    }
