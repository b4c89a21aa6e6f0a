"""Reads for the initiatives' staff area: only their own requests."""

from django.db.models import QuerySet

from directory.models import Initiative
from matching.models import AccompanimentRequest


def initiative_requests(*, initiative: Initiative) -> QuerySet[AccompanimentRequest]:
    """The requests an initiative filed, latest appointment first, with their office."""
    return (
        AccompanimentRequest.objects.filter(filed_by_initiative=initiative)
        .select_related("office")
        .order_by("-starts_at", "-id")
    )


def initiative_request_get(*, initiative: Initiative, pk: int) -> AccompanimentRequest | None:
    """One of the initiative's requests, or None: another initiative's request looks like a missing one."""
    return initiative_requests(initiative=initiative).filter(pk=pk).first()
