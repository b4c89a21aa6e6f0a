"""matching's models, one module per domain; imported here so Django and the migrations find them."""

from matching.models.engine import OfficeDistance, OfficeIndexState, Proposal
from matching.models.matches import ACTIVE_MATCH_STATUSES, Match, MatchEvent, MatchStatus, Outcome, new_match_token
from matching.models.requests import (
    DURATION_DEFAULT_MINUTES,
    DURATION_MAX_MINUTES,
    DURATION_MIN_MINUTES,
    MESSAGE_MAX_LENGTH,
    OPEN_STATUSES,
    SEARCHABLE_STATUSES,
    AccompanimentRequest,
    ContactChannel,
    PreferredGender,
    Purpose,
    Referral,
    ReferralOutcome,
    RequestStatus,
    new_request_token,
)

__all__ = [
    "ACTIVE_MATCH_STATUSES",
    "DURATION_DEFAULT_MINUTES",
    "DURATION_MAX_MINUTES",
    "DURATION_MIN_MINUTES",
    "MESSAGE_MAX_LENGTH",
    "OPEN_STATUSES",
    "SEARCHABLE_STATUSES",
    "AccompanimentRequest",
    "ContactChannel",
    "Match",
    "MatchEvent",
    "MatchStatus",
    "OfficeDistance",
    "OfficeIndexState",
    "Outcome",
    "PreferredGender",
    "Proposal",
    "Purpose",
    "Referral",
    "ReferralOutcome",
    "RequestStatus",
    "new_match_token",
    "new_request_token",
]
