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
    return {"proposals": proposals, "matches": matches, "active_match": active}
