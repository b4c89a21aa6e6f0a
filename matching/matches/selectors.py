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


# How far back "Meine Einsätze" and the calendar feed reach.
PAST_ESCORTS_DAYS = 180


def matches_for_feed(*, volunteer) -> list:
    """The volunteer's escorts for their calendar feed: accepted, done, and given back (as cancelled)."""
    import datetime

    from django.utils import timezone

    from matching.models import Match, MatchStatus

    since = timezone.now() - datetime.timedelta(days=PAST_ESCORTS_DAYS)
    return list(
        Match.objects.select_related("request", "request__office")
        .filter(
            volunteer=volunteer,
            status__in=(MatchStatus.ACCEPTED, MatchStatus.DONE, MatchStatus.BACKED_OUT, MatchStatus.CANCELLED),
            confirmation_sent_at__isnull=False,
            starts_at__gte=since,
        )
        .order_by("starts_at")
    )


def escorts_of_volunteer(*, volunteer, now=None) -> dict:
    """ "Meine Einsätze": upcoming accepted escorts (soonest first) and past ones (latest first)."""
    import datetime

    from django.utils import timezone

    from matching.models import Match, MatchStatus

    now = now or timezone.now()
    escorts = Match.objects.select_related("request", "request__office").filter(volunteer=volunteer)
    upcoming = escorts.filter(status=MatchStatus.ACCEPTED, ends_at__gt=now).order_by("starts_at")
    past = escorts.filter(
        status__in=(MatchStatus.ACCEPTED, MatchStatus.DONE),
        ends_at__lte=now,
        starts_at__gte=now - datetime.timedelta(days=PAST_ESCORTS_DAYS),
    ).order_by("-starts_at")
    return {"upcoming": list(upcoming), "past": list(past[:20])}
