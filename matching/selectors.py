"""Reads of accompaniment requests."""

import re

from django.utils.crypto import constant_time_compare

from matching.models import AccompanimentRequest

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_RE = re.compile(r"\A[A-Za-z0-9_-]{43}\Z")


def request_by_token(*, token: str) -> AccompanimentRequest | None:
    """The request behind a status link, or None: wrong and unknown tokens look the same.

    The lookup goes through the unique index; the final comparison runs in
    constant time, so the answer's timing says nothing about how close a guess was.
    """
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    request = AccompanimentRequest.objects.select_related("office").filter(token=token).first()
    if request is None or not constant_time_compare(request.token, token):
        return None
    return request


# --- Matches -------------------------------------------------------------------------------------------------


def match_by_token(*, token: str):
    """The match behind a volunteer's link, or None; same rules as request_by_token."""
    from matching.models import Match

    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    match = (
        Match.objects.select_related("request", "request__office", "volunteer", "volunteer__user")
        .filter(token=token)
        .first()
    )
    if match is None or not constant_time_compare(match.token, token):
        return None
    return match


def matches_due_for_reminder(*, now=None) -> list[int]:
    """Accepted matches whose appointment is within the next day and whose reminder has not gone out."""
    import datetime

    from django.utils import timezone

    from matching.models import Match, MatchStatus

    now = now or timezone.now()
    return list(
        Match.objects.filter(
            status=MatchStatus.ACCEPTED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(hours=24),
        ).values_list("pk", flat=True)
    )


def matches_due_for_feedback(*, now=None) -> list[int]:
    """Accepted matches whose appointment is over and whose volunteer was not asked for feedback yet."""
    from django.utils import timezone

    from matching.models import Match, MatchStatus

    now = now or timezone.now()
    return list(
        Match.objects.filter(
            status=MatchStatus.ACCEPTED, feedback_requested_at__isnull=True, ends_at__lte=now
        ).values_list("pk", flat=True)
    )


def request_matching_overview(*, request) -> dict:
    """What the request's admin page shows about matching: proposals, matches with their history."""
    from django.db.models import Prefetch

    from matching.models import Match, MatchEvent

    proposals = list(request.proposals.select_related("volunteer", "volunteer__user").order_by("rank"))
    matches = list(
        Match.objects.filter(request=request)
        .select_related("volunteer")
        .prefetch_related(Prefetch("events", queryset=MatchEvent.objects.select_related("actor")))
        .order_by("-created_at")
    )
    active = next((m for m in matches if m.is_active), None)
    # No volunteer nearby: initiatives that go along to offices themselves, as a fallback.
    fallback = [] if proposals else request_fallback_initiatives(request=request)
    return {"proposals": proposals, "matches": matches, "active_match": active, "fallback_initiatives": fallback}


# --- Referrals and the initiatives' area ---------------------------------------------------------------------

REFERRALS_SHOWN = 5


def request_referral_initiatives(*, request) -> list:
    """Up to five published initiatives near the request's office offering the advice the person asked for.

    One query (none if no advice was asked for); the office must be loaded with the request.
    """
    from directory.initiative_selectors import initiatives_near

    if not request.counselling_services or request.is_erased:
        return []
    return initiatives_near(
        latitude=request.office.latitude,
        longitude=request.office.longitude,
        services=request.counselling_services,
        limit=REFERRALS_SHOWN,
    )


def request_fallback_initiatives(*, request) -> list:
    """Published initiatives offering "Begleitung / Beistand" near the request's office."""
    from directory.choices import InitiativeService
    from directory.initiative_selectors import initiatives_near

    return initiatives_near(
        latitude=request.office.latitude,
        longitude=request.office.longitude,
        services=1 << InitiativeService.ESCORT,
        limit=REFERRALS_SHOWN,
    )


def initiative_requests(*, initiative):
    """The requests an initiative filed, latest appointment first, with their office."""
    return (
        AccompanimentRequest.objects.filter(filed_by_initiative=initiative)
        .select_related("office")
        .order_by("-starts_at", "-id")
    )


def initiative_request_get(*, initiative, pk: int) -> AccompanimentRequest | None:
    """One of the initiative's requests, or None: another initiative's request looks like a missing one."""
    return initiative_requests(initiative=initiative).filter(pk=pk).first()


def statistics(*, months: int = 12) -> dict:
    """Anonymous figures for coordinators: requests per month by outcome, and by kind of office.

    Only office, date, status and the volunteers' feedback are read, which is
    what the purge keeps, so the figures survive it.
    """
    import datetime

    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from directory.choices import OfficeKind
    from matching.models import AccompanimentRequest, Match, Outcome, RequestStatus

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
    return {
        "since": since,
        "statuses": RequestStatus.choices,
        "by_month": by_month,
        "by_kind": [(label, by_kind[value]) for value, label in OfficeKind.choices if value in by_kind],
        "outcomes": [(label, outcomes.get(value, 0)) for value, label in Outcome.choices],
    }
