"""Reads of accompaniment requests."""

from typing import Any

from django.db.models import Prefetch
from django.utils.crypto import constant_time_compare

from directory.choices import InitiativeService
from directory.initiative_selectors import initiatives_near
from directory.models import Initiative
from matching.links import TOKEN_RE
from matching.models import AccompanimentRequest, Match, MatchEvent


def request_by_token(*, token: str) -> AccompanimentRequest | None:
    """The request behind a status link, or None: wrong and unknown tokens look the same.

    The lookup goes through the unique index; the final comparison runs in
    constant time, so the answer's timing says nothing about how close a guess was.
    """
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    escort_request = AccompanimentRequest.objects.select_related("office").filter(token=token).first()
    if escort_request is None or not constant_time_compare(escort_request.token, token):
        return None
    return escort_request


# --- Referrals and the initiatives' area ---------------------------------------------------------------------

REFERRALS_SHOWN = 5


def request_referral_initiatives(*, escort_request: AccompanimentRequest) -> list[Initiative]:
    """Up to five published initiatives near the request's office offering the advice the person asked for.

    One query (none if no advice was asked for); the office must be loaded with the request.
    """
    if not escort_request.counselling_services or escort_request.is_erased:
        return []
    return initiatives_near(
        latitude=escort_request.office.latitude,
        longitude=escort_request.office.longitude,
        services=escort_request.counselling_services,
        limit=REFERRALS_SHOWN,
    )


def request_fallback_initiatives(*, escort_request: AccompanimentRequest) -> list[Initiative]:
    """Published initiatives offering "Begleitung / Beistand" near the request's office."""
    return initiatives_near(
        latitude=escort_request.office.latitude,
        longitude=escort_request.office.longitude,
        services=1 << InitiativeService.ESCORT,
        limit=REFERRALS_SHOWN,
    )


def request_matching_overview(*, escort_request: AccompanimentRequest) -> dict[str, Any]:
    """What the request's admin page shows about matching: proposals, matches with their history."""
    proposals = list(escort_request.proposals.select_related("volunteer", "volunteer__user").order_by("rank"))
    matches = list(
        Match.objects.filter(request=escort_request)
        .select_related("volunteer")
        .prefetch_related(Prefetch("events", queryset=MatchEvent.objects.select_related("actor")))
        .order_by("-created_at")
    )
    active = next((m for m in matches if m.is_active), None)
    # No volunteer nearby: initiatives that go along to offices themselves, as a fallback.
    fallback = [] if proposals else request_fallback_initiatives(escort_request=escort_request)
    return {"proposals": proposals, "matches": matches, "active_match": active, "fallback_initiatives": fallback}
