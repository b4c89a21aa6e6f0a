"""Celery tasks of the Mitläuferliste: thin wrappers around services."""

from celery import shared_task


@shared_task
def purge_unverified() -> int:
    """Celery beat, daily: erase sign-ups that were never confirmed by e-mail."""
    from volunteers import services

    return services.volunteers_purge_unverified()
