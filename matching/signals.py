"""Reactions to other apps' changes: offices created or moved, volunteers changed.

Connected in MatchingConfig.ready(); the other apps never import matching.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from directory.models import Office
from volunteers.signals import volunteer_changed, volunteer_erasing


@receiver(post_save, sender=Office, dispatch_uid="matching-office-index")
def office_saved(sender, instance: Office, raw: bool = False, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Build the distance index when an office is new or has moved."""
    if raw or using != DEFAULT_DB_ALIAS:  # loaddata, or a scratch database (benchmark, tests) that builds its own
        return
    from matching import engine, tasks

    if not engine.office_index_is_current(office=instance):
        tasks.queue_on_commit(tasks.office_index_rebuild, office_id=instance.pk)


@receiver(volunteer_changed, dispatch_uid="matching-volunteer-changed")
def volunteer_was_changed(sender, volunteer_id: int, **kwargs) -> None:
    """Look at open requests nearby again, at most once per debounce window per volunteer.

    The first change in a window queues one run at the end of the window, so a
    volunteer ticking boxes one save at a time causes one run with the final state.
    """
    from matching import tasks

    window = settings.MATCHING_VOLUNTEER_DEBOUNCE_SECONDS
    if not cache.add(f"matching:volunteer-debounce:{volunteer_id}", 1, timeout=window):
        return
    # Below the broker's visibility timeout, so Redis never re-delivers a waiting task.
    countdown = min(window, settings.CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS // 2)

    def send() -> None:
        try:
            tasks.requests_near_volunteer_refresh.apply_async(
                kwargs={"volunteer_id": volunteer_id}, countdown=countdown
            )
        except tasks.OperationalError:
            tasks.logger.warning("broker unavailable; volunteer id=%s change not looked at", volunteer_id)

    transaction.on_commit(send)


@receiver(volunteer_erasing, dispatch_uid="matching-volunteer-erasing")
def volunteer_is_erasing(sender, volunteer_id: int, **kwargs) -> None:
    """Inside the erase transaction: withdraw the volunteer's active matches before the row goes."""
    from matching import match_services

    match_services.matches_release_for_volunteer(volunteer_id=volunteer_id)
