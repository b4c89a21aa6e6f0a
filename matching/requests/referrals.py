"""Referrals: a coordinator sends the person of a request to a partner initiative."""

import logging

from matching.models import (
    Referral,
)

logger = logging.getLogger(__name__)


def referral_save(*, referral: Referral, actor=None) -> Referral:
    """Record a referral (or a change of its note or outcome); the first save remembers who made it."""
    if referral.pk is None and referral.created_by_id is None and actor is not None:
        referral.created_by = actor
    escort_request = referral.request
    if escort_request.is_erased:
        # Nothing personal may come back after the purge.
        referral.note = ""
    referral.full_clean()
    referral.save()
    logger.info("referral saved id=%s request=%s initiative=%s", referral.pk, escort_request.pk, referral.initiative_id)
    return referral
