"""Reads of the office directory."""

import re

from django.db.models import Q, QuerySet

from directory.models import Office

OFFICE_SEARCH_LIMIT = 50
_DIGITS = re.compile(r"\A[0-9]{1,5}\Z")


def offices_search(*, query: str, limit: int = OFFICE_SEARCH_LIMIT) -> QuerySet[Office]:
    """Verified offices for the request form's picker, found by postal code or city.

    A query of digits matches postal codes by prefix ("470" finds all of 470xx);
    anything else matches the city or the office's name. An empty query finds
    nothing: the picker must never list the whole country.
    """
    query = (query or "").strip()[:100]
    if not query:
        return Office.objects.none()
    offices = Office.objects.filter(verified=True)
    if _DIGITS.match(query):
        offices = offices.filter(postal_code__code__startswith=query)
    else:
        offices = offices.filter(Q(city__icontains=query) | Q(name__icontains=query))
    return offices.order_by("city", "name", "postal_code_id")[:limit]


def office_get_for_request(*, office_id: int) -> Office | None:
    """An office a person may pick: a verified one."""
    return Office.objects.filter(pk=office_id, verified=True).first()


def office_find(*, name: str, postal_code: str) -> Office | None:
    """The office with this name (any case) at this postal code, verified or not."""
    return Office.objects.filter(name__iexact=name.strip(), postal_code_id=postal_code).first()
