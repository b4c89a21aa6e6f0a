"""Reads about matches: the volunteer's secret link, what is due for a reminder or feedback, a request's overview."""

import datetime

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from matching.links import TOKEN_RE
from matching.models import Match, MatchStatus


def match_by_token(*, token: str) -> Match | None:
    """The match behind a volunteer's link, or None; same rules as request_by_token."""
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


def matches_due_for_reminder(*, now: datetime.datetime | None = None) -> list[int]:
    """Accepted matches whose appointment is within the next day and whose reminder has not gone out."""
    now = now or timezone.now()
    return list(
        Match.objects.filter(
            status=MatchStatus.ACCEPTED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(hours=24),
        ).values_list("pk", flat=True)
    )


def matches_due_for_feedback(*, now: datetime.datetime | None = None) -> list[int]:
    """Accepted matches whose appointment is over and whose volunteer was not asked for feedback yet."""
    now = now or timezone.now()
    return list(
        Match.objects.filter(
            status=MatchStatus.ACCEPTED, feedback_requested_at__isnull=True, ends_at__lte=now
        ).values_list("pk", flat=True)
    )
