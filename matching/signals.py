"""Reactions to other apps' changes: offices created or moved, volunteers changed.

Connected in MatchingConfig.ready(); the other apps never import matching.
"""

import logging

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext

from core.tasks import queue_after_commit
from directory.models import Office
from matching.engine.index import office_index_is_current, office_index_rebuild
from matching.engine.proposals import propose, volunteer_refresh_debounced
from matching.matches.services import matches_release_for_volunteer
from matching.models import SEARCHABLE_STATUSES, Proposal
from volunteers.signals import volunteer_changed, volunteer_erasing, volunteer_withdrawn

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Office, dispatch_uid="matching-office-index")
def office_saved(sender, instance: Office, raw: bool = False, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Build the distance index when an office is new or has moved."""
    if raw or using != DEFAULT_DB_ALIAS:  # loaddata, or a scratch database (benchmark, tests) that builds its own
        return
    if not office_index_is_current(office=instance):
        queue_after_commit(office_index_rebuild, office_id=instance.pk)


@receiver(volunteer_changed, dispatch_uid="matching-volunteer-changed")
def volunteer_was_changed(sender, volunteer_id: int, **kwargs) -> None:
    """Look at open requests nearby again: debounced, so a volunteer ticking boxes one save at a time
    causes one run with the final state, and no change is ever left out (see ``volunteer_refresh_debounced``)."""
    volunteer_refresh_debounced(volunteer_id=volunteer_id)


@receiver(volunteer_erasing, dispatch_uid="matching-volunteer-erasing")
def volunteer_is_erasing(sender, volunteer_id: int, **kwargs) -> None:
    """Inside the erase transaction: withdraw the volunteer's active matches before the row goes."""
    matches_release_for_volunteer(volunteer_id=volunteer_id)


@receiver(volunteer_withdrawn, dispatch_uid="matching-volunteer-withdrawn")
def volunteer_has_withdrawn(sender, volunteer_id: int, **kwargs) -> None:
    """Inside the withdrawal transaction: no proposal and no request for this volunteer any more, at once.

    Active matches are withdrawn as on erasure; open requests that listed them
    are proposed again after commit, when the search already leaves them out.
    """
    proposed_for = set(
        Proposal.objects.filter(volunteer_id=volunteer_id, request__status__in=SEARCHABLE_STATUSES).values_list(
            "request_id", flat=True
        )
    )
    matches_release_for_volunteer(volunteer_id=volunteer_id, note=gettext("Einwilligung widerrufen"))
    for request_id in sorted(proposed_for):
        queue_after_commit(propose, request_id=request_id)
